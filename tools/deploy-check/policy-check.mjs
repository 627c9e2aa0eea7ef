#!/usr/bin/env node
// Policy tests on one set of rendered manifests (one `helm template` or `kubectl kustomize`).
//
// Usage: node policy-check.mjs --repo ROOT --name LABEL FILE.yaml...
//
// Every workload container: requests and limits, startup/liveness/readiness probes, the
// hardened securityContext, an emptyDir on /tmp, a pinned image (tag or digest, never latest).
// Every Deployment: an HPA and a PDB that select it. The five Oviya services: the container
// port and probe paths match the service's own application.properties (quarkus.http.port,
// gRPC on the same port), grace period longer than preStop + shutdown timeout. NetworkPolicies:
// a release-wide deny-all and a service-to-service graph equal to ARCHITECTURE.md's. Only
// api-gateway is exposed. The chart renders no Secret except a generated in-cluster password.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

const args = process.argv.slice(2);
let repo = ".";
let name = "manifests";
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--repo") repo = args[++i];
  else if (args[i] === "--name") name = args[++i];
  else files.push(args[i]);
}

// The contract of ARCHITECTURE.md: who calls whom over gRPC.
const SERVICES = ["api-gateway", "auth-service", "chat-service", "ai-service", "memory-service"];
const CALLS = {
  "api-gateway": ["auth-service", "chat-service", "memory-service"],
  "auth-service": [],
  "chat-service": ["ai-service", "memory-service"],
  "ai-service": [],
  "memory-service": [],
};
const PROBE_PATHS = {
  startupProbe: ["/q/health/started", "/q/health/live"],
  livenessProbe: ["/q/health/live"],
  readinessProbe: ["/q/health/ready"],
};
const COMPONENT = "app.kubernetes.io/component";
const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

const objects = [];
for (const f of files) {
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(f, "utf8"))) {
    const o = doc.toJS();
    if (o && o.kind) objects.push(o);
  }
}

const failures = [];
const warnings = [];
let checks = 0;
function check(ok, message) {
  checks++;
  if (!ok) failures.push(message);
}
const id = (o) => `${o.kind}/${o.metadata?.name}`;
const byKind = (k) => objects.filter((o) => o.kind === k);

function matches(selector, labels) {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels?.[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = labels && e.key in labels;
    const val = labels?.[e.key];
    if (e.operator === "In" && !(has && e.values.includes(val))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(val)) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

// quarkus.http.port and friends from a service's application.properties (profile-less keys).
function quarkusProperties(component) {
  const file = path.join(repo, component, "src/main/resources/application.properties");
  if (!fs.existsSync(file)) return null;
  const props = {};
  let text = fs.readFileSync(file, "utf8").replace(/\\\r?\n\s*/g, "");
  for (const line of text.split(/\r?\n/)) {
    const m = line.match(/^\s*([^#!%\s][^=:\s]*)\s*[=:]\s*(.*?)\s*$/);
    if (!m) continue;
    // ${ENV:default} -> default
    props[m[1]] = m[2].replace(/^\$\{[^:}]+:([^}]*)\}$/, "$1");
  }
  return { file, props };
}

function durationSeconds(s) {
  const m = String(s ?? "").match(/^(\d+)(ms|s|m|S|M)?$/);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? "s").toLowerCase();
  return unit === "ms" ? n / 1000 : unit === "m" ? n * 60 : n;
}

// ---- containers ------------------------------------------------------------------------------

const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
const configMaps = new Map(byKind("ConfigMap").map((c) => [c.metadata.name, c.data ?? {}]));
const propsCache = new Map();

for (const w of workloads) {
  const pod = w.spec?.template?.spec ?? {};
  const podSc = pod.securityContext ?? {};
  const labels = w.spec?.template?.metadata?.labels ?? {};
  const component = labels[COMPONENT];
  const tmpVolumes = new Set((pod.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name));
  check(pod.enableServiceLinks === false, `${id(w)}: enableServiceLinks must be false`);
  check(pod.automountServiceAccountToken === false, `${id(w)}: automountServiceAccountToken must be false`);
  check(podSc.seccompProfile?.type === "RuntimeDefault", `${id(w)}: pod seccompProfile must be RuntimeDefault`);

  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const where = `${id(w)} container ${c.name}`;
    const isInit = (pod.initContainers ?? []).includes(c);
    const r = c.resources ?? {};
    check(r.requests?.cpu != null && r.requests?.memory != null, `${where}: needs requests.cpu and requests.memory`);
    check(r.limits?.cpu != null && r.limits?.memory != null, `${where}: needs limits.cpu and limits.memory`);
    if (!isInit) {
      for (const p of ["startupProbe", "livenessProbe", "readinessProbe"]) check(c[p], `${where}: needs a ${p}`);
    }
    const sc = c.securityContext ?? {};
    check((sc.runAsNonRoot ?? podSc.runAsNonRoot) === true, `${where}: runAsNonRoot must be true`);
    check(sc.allowPrivilegeEscalation === false, `${where}: allowPrivilegeEscalation must be false`);
    check(sc.readOnlyRootFilesystem === true, `${where}: readOnlyRootFilesystem must be true`);
    check(sc.privileged !== true, `${where}: must not be privileged`);
    check((sc.capabilities?.drop ?? []).includes("ALL"), `${where}: capabilities.drop must include ALL`);
    check(!(sc.capabilities?.add ?? []).length, `${where}: must not add capabilities`);
    check((sc.seccompProfile?.type ?? podSc.seccompProfile?.type) === "RuntimeDefault", `${where}: seccompProfile must be RuntimeDefault`);
    const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
    check(tmp && tmpVolumes.has(tmp.name), `${where}: /tmp must be an emptyDir mount`);

    const image = String(c.image ?? "");
    const digest = image.includes("@sha256:");
    const lastPart = image.split("/").pop();
    const tag = lastPart.includes(":") ? lastPart.split(":").pop() : "";
    check(digest || (tag && tag !== "latest"), `${where}: image "${image}" must carry a version tag or digest, not latest/none`);

    if (!SERVICES.includes(component) || c.name !== component) continue;
    // ---- an Oviya service: compare with its own configuration ----
    const port = (c.ports ?? []).find((p) => p.name === "http");
    check(port, `${where}: needs a container port named http`);
    for (const [p, paths] of Object.entries(PROBE_PATHS)) {
      const get = c[p]?.httpGet;
      check(get && paths.includes(get.path), `${where}: ${p} must be an HTTP GET on ${paths.join(" or ")}`);
      check(get && (get.port === "http" || get.port === port?.containerPort), `${where}: ${p} must use the service port`);
    }
    if (!propsCache.has(component)) propsCache.set(component, quarkusProperties(component));
    const q = propsCache.get(component);
    if (!q) {
      warnings.push(`${component}/src/main/resources/application.properties not found: port not compared`);
    } else {
      const want = Number(q.props["quarkus.http.port"]);
      check(want > 0, `${q.file}: quarkus.http.port is not set`);
      check(port?.containerPort === want, `${where}: containerPort ${port?.containerPort} != quarkus.http.port ${want} in ${q.file}`);
      const separate = q.props["quarkus.grpc.server.use-separate-server"];
      check(separate === "false", `${q.file}: quarkus.grpc.server.use-separate-server must be false (gRPC shares the HTTP port)`);
    }
    // Graceful shutdown: preStop pause + Quarkus shutdown timeout must fit in the grace period.
    const env = {};
    for (const ef of c.envFrom ?? []) Object.assign(env, configMaps.get(ef.configMapRef?.name) ?? {});
    for (const e of c.env ?? []) if (e.value != null) env[e.name] = e.value;
    const shutdown = durationSeconds(env.QUARKUS_SHUTDOWN_TIMEOUT ?? q?.props["quarkus.shutdown.timeout"]);
    const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    check(shutdown != null, `${where}: QUARKUS_SHUTDOWN_TIMEOUT (or quarkus.shutdown.timeout) must be set`);
    check(shutdown == null || grace > preStop + shutdown, `${where}: terminationGracePeriodSeconds ${grace} must exceed preStop ${preStop}s + shutdown ${shutdown}s`);
  }
}

// ---- every Deployment: HPA and PDB -------------------------------------------------------------

for (const d of byKind("Deployment")) {
  const labels = d.spec?.template?.metadata?.labels;
  const hpa = byKind("HorizontalPodAutoscaler").find(
    (h) => h.spec?.scaleTargetRef?.kind === "Deployment" && h.spec?.scaleTargetRef?.name === d.metadata.name,
  );
  check(hpa, `${id(d)}: has no HorizontalPodAutoscaler`);
  check(hpa?.apiVersion === "autoscaling/v2", `${id(d)}: HPA must be autoscaling/v2`);
  check(!hpa || d.spec.replicas == null, `${id(d)}: replicas must be left to the HPA`);
  const pdb = byKind("PodDisruptionBudget").find((p) => matches(p.spec?.selector, labels));
  check(pdb, `${id(d)}: has no PodDisruptionBudget selecting its pods`);
}

// ---- Services and exposure ----------------------------------------------------------------------

for (const s of byKind("Service")) {
  const component = s.metadata?.labels?.[COMPONENT];
  check(
    component === "api-gateway" || !["LoadBalancer", "NodePort"].includes(s.spec?.type),
    `${id(s)}: only api-gateway may be exposed outside the cluster`,
  );
  if (!SERVICES.includes(component)) continue;
  const d = byKind("Deployment").find((x) => matches({ matchLabels: s.spec.selector }, x.spec?.template?.metadata?.labels));
  check(d, `${id(s)}: selects no Deployment`);
  const port = d?.spec.template.spec.containers.find((c) => c.name === component)?.ports?.find((p) => p.name === "http");
  for (const p of s.spec.ports ?? []) {
    check(p.targetPort === "http" || p.targetPort === port?.containerPort, `${id(s)}: targetPort must be the http port`);
    check(p.port === port?.containerPort, `${id(s)}: port ${p.port} != container port ${port?.containerPort}`);
  }
}
const gatewayServices = new Set(
  byKind("Service").filter((s) => s.metadata?.labels?.[COMPONENT] === "api-gateway").map((s) => s.metadata.name),
);
for (const ing of byKind("Ingress")) {
  const backends = [ing.spec?.defaultBackend, ...(ing.spec?.rules ?? []).flatMap((r) => r.http?.paths?.map((p) => p.backend) ?? [])];
  for (const b of backends.filter(Boolean)) check(gatewayServices.has(b.service?.name), `${id(ing)}: routes to ${b.service?.name}, not api-gateway`);
}
for (const r of byKind("HTTPRoute")) {
  for (const b of (r.spec?.rules ?? []).flatMap((x) => x.backendRefs ?? [])) check(gatewayServices.has(b.name), `${id(r)}: routes to ${b.name}, not api-gateway`);
}

// ---- Secrets --------------------------------------------------------------------------------------

for (const s of byKind("Secret")) {
  const a = s.metadata?.annotations ?? {};
  check(
    a["oviya.app/generated"] === "true" || a["oviya.app/local-only"] === "true",
    `${id(s)}: manifests must not carry secret values (allowed: the generated in-cluster password, marked oviya.app/generated, and local-only dev credentials, marked oviya.app/local-only)`,
  );
}

// ---- NetworkPolicies ------------------------------------------------------------------------------

const policies = byKind("NetworkPolicy");
if (policies.length) {
  const podLabels = new Map(
    workloads.map((w) => [w.spec.template.metadata.labels[COMPONENT], w.spec.template.metadata.labels]),
  );
  const denyAll = policies.find(
    (p) => !p.spec.ingress?.length && !p.spec.egress?.length &&
      ["Ingress", "Egress"].every((t) => p.spec.policyTypes?.includes(t)) &&
      [...podLabels.values()].every((l) => matches(p.spec.podSelector, l)),
  );
  check(denyAll, `${name}: no default-deny NetworkPolicy selecting every pod`);

  const selecting = (labels) => policies.filter((p) => matches(p.spec.podSelector, labels));
  const peersMatch = (peers, labels) => (peers ?? []).some((peer) => peer.podSelector && !peer.namespaceSelector && matches(peer.podSelector, labels));
  const present = SERVICES.filter((s) => podLabels.has(s));
  for (const from of present) {
    for (const to of present) {
      if (from === to) continue;
      const egress = selecting(podLabels.get(from)).some((p) =>
        (p.spec.egress ?? []).some((rule) => peersMatch(rule.to, podLabels.get(to))),
      );
      const ingress = selecting(podLabels.get(to)).some((p) =>
        (p.spec.ingress ?? []).some((rule) => peersMatch(rule.from, podLabels.get(from))),
      );
      const expected = CALLS[from].includes(to);
      check(egress === expected, `${name}: egress ${from} -> ${to} is ${egress ? "allowed" : "denied"}, ARCHITECTURE.md says ${expected ? "allowed" : "denied"}`);
      check(ingress === expected, `${name}: ingress ${from} -> ${to} is ${ingress ? "allowed" : "denied"}, ARCHITECTURE.md says ${expected ? "allowed" : "denied"}`);
    }
    check(selecting(podLabels.get(from)).length > 1, `${name}: ${from} has no allow-list NetworkPolicy`);
  }
  // Only the gateway accepts traffic from outside the release (ipBlock peers).
  for (const s of present.filter((s) => s !== "api-gateway")) {
    const open = selecting(podLabels.get(s)).some((p) => (p.spec.ingress ?? []).some((r) => !r.from || r.from.some((peer) => peer.ipBlock)));
    check(!open, `${name}: ${s} accepts ingress from outside the cluster`);
  }
}

for (const w of [...new Set(warnings)]) console.log(`  warning: ${w}`);
for (const f of failures) console.log(`  FAIL ${f}`);
console.log(`policy ${name}: ${objects.length} objects, ${checks} checks, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
