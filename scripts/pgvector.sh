#!/usr/bin/env bash
# Makes the pgvector extension ("vector") available to PostgreSQL <major> on Debian.
#
# Order of preference:
#   1. already installed (/usr/share/postgresql/<major>/extension/vector.control);
#   2. the Debian package postgresql-<major>-pgvector, when apt has a candidate;
#   3. built from the source package `pgvector` of Debian's next release (trixie; Debian 12
#      has no pgvector package). apt reads that source from a private sources list and
#      private state/cache folders, so the system's apt configuration is left unchanged.
#
# Usage: scripts/pgvector.sh <postgresql-major-version>     (./oviya deps sources this file)
# Env:   OVIYA_PGVECTOR_SUITE  (trixie)  OVIYA_DEBIAN_MIRROR  (http://deb.debian.org/debian)

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OVIYA_APT_SRC_CONF=/etc/apt/oviya-src
OVIYA_APT_SRC_STATE=/var/lib/oviya/apt

pgvector_installed() {
  [[ -f "/usr/share/postgresql/$1/extension/vector.control" ]]
}

# Runs apt-get against the private source list only.
_apt_src() {
  apt-get -q \
    -o Dir::Etc::SourceList="$OVIYA_APT_SRC_CONF/sources.list" \
    -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$OVIYA_APT_SRC_STATE/lists" \
    -o Dir::Cache="$OVIYA_APT_SRC_STATE/cache" \
    -o APT::Sandbox::User=root \
    "$@"
}

pgvector_build_from_source() {
  local ver=$1 suite=${OVIYA_PGVECTOR_SUITE:-trixie}
  local mirror=${OVIYA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
  local pg_config="/usr/lib/postgresql/$ver/bin/pg_config"
  local log="$OVIYA_LOG_DIR/pgvector-build.log"
  local start=$SECONDS work src

  say "pgvector: no package for PostgreSQL $ver; building from Debian's source package ($suite)..."
  apt_install "postgresql-server-dev-$ver" build-essential dpkg-dev
  [[ -x "$pg_config" ]] || die "pgvector: $pg_config not found after installing postgresql-server-dev-$ver"

  mkdir -p "$OVIYA_APT_SRC_CONF" "$OVIYA_APT_SRC_STATE/lists/partial" "$OVIYA_APT_SRC_STATE/cache/archives/partial" "$OVIYA_LOG_DIR"
  printf '# Written by ./oviya deps (scripts/pgvector.sh): only read by apt with -o Dir::Etc::SourceList.\n' \
    >"$OVIYA_APT_SRC_CONF/sources.list"
  printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$mirror" "$suite" \
    >>"$OVIYA_APT_SRC_CONF/sources.list"

  say "pgvector: fetching the source index of $suite (private apt lists in $OVIYA_APT_SRC_STATE)"
  : >"$log"
  if ! _apt_src update >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "pgvector: apt-get update of the $suite sources failed (log: $log)"
  fi

  work="$(mktemp -d /var/tmp/oviya-pgvector.XXXXXX)"
  if ! (cd "$work" && _apt_src source pgvector) >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -rf "$work"
    die "pgvector: apt-get source pgvector failed (log: $log)"
  fi
  src="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' -print -quit)"
  [[ -n "$src" ]] || { rm -rf "$work"; die "pgvector: no unpacked source folder in $work (log: $log)"; }

  say "pgvector: compiling ${src##*/} against PostgreSQL $ver (log: ${log#"$OVIYA_ROOT"/})"
  if ! { make -C "$src" PG_CONFIG="$pg_config" && make -C "$src" PG_CONFIG="$pg_config" install; } >>"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -rf "$work"
    die "pgvector: build failed (log: $log)"
  fi
  rm -rf "$work"
  pgvector_installed "$ver" || die "pgvector: built, but vector.control is not in /usr/share/postgresql/$ver/extension"
  ok "pgvector: built and installed from source in $((SECONDS - start)) s"
}

# ensure_pgvector MAJOR
ensure_pgvector() {
  local ver=${1:?usage: ensure_pgvector <postgresql-major-version>} pkg cand
  if pgvector_installed "$ver"; then
    ok "pgvector: installed for PostgreSQL $ver"
    return 0
  fi
  have apt-get || die "pgvector is not installed for PostgreSQL $ver and apt-get is not available: install pgvector yourself"
  need_root "Installing pgvector"
  pkg="postgresql-$ver-pgvector"
  apt_update_once
  cand="$(apt_candidate "$pkg")"
  if [[ -n "$cand" ]]; then
    say "pgvector: installing the Debian package $pkg ($cand)"
    apt_install "$pkg"
  else
    pgvector_build_from_source "$ver"
  fi
  pgvector_installed "$ver" || die "pgvector: still not installed for PostgreSQL $ver"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  [[ $# -eq 1 ]] || { echo "usage: $0 <postgresql-major-version>" >&2; exit 2; }
  ensure_pgvector "$1"
fi
