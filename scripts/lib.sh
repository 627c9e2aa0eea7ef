# shellcheck shell=bash
# Helpers shared by ./oviya and scripts/pgvector.sh: output, root checks, apt.
# Sourced, never executed.

# shellcheck disable=SC2034 # used by the scripts that source this file
OVIYA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OVIYA_STATE_DIR="$OVIYA_ROOT/.oviya"
OVIYA_LOG_DIR="$OVIYA_STATE_DIR/logs"
OVIYA_RUN_DIR="$OVIYA_STATE_DIR/run"
OVIYA_SECRETS_DIR="$OVIYA_STATE_DIR/secrets"
OVIYA_APT_LOG="$OVIYA_LOG_DIR/apt.log"

if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  _c_bold=$'\e[1m' _c_red=$'\e[31m' _c_yellow=$'\e[33m' _c_green=$'\e[32m' _c_off=$'\e[0m'
else
  _c_bold='' _c_red='' _c_yellow='' _c_green='' _c_off=''
fi

say()  { printf '%s==>%s %s\n' "$_c_bold" "$_c_off" "$*"; }
ok()   { printf '%s  ok%s  %s\n' "$_c_green" "$_c_off" "$*"; }
warn() { printf '%swarning:%s %s\n' "$_c_yellow" "$_c_off" "$*" >&2; }
die()  { printf '%soviya: error:%s %s\n' "$_c_red" "$_c_off" "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

is_root() { [[ $EUID -eq 0 ]]; }

# need_root WHAT: stop with a clear message when WHAT needs root and we are not.
need_root() {
  is_root || die "$1 needs root. Run 'sudo ./oviya deps' once, then continue as yourself."
}

# Does systemd manage services here? (Usually not in containers, where PID 1 is something else.)
systemd_running() { [[ -d /run/systemd/system ]] && have systemctl; }

_oviya_apt_updated=0

apt_update_once() {
  [[ $_oviya_apt_updated -eq 1 ]] && return 0
  mkdir -p "$OVIYA_LOG_DIR"
  say "apt-get update (log: ${OVIYA_APT_LOG#"$OVIYA_ROOT"/})"
  if ! DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$OVIYA_APT_LOG" 2>&1; then
    tail -n 20 "$OVIYA_APT_LOG" >&2
    die "apt-get update failed (full log: $OVIYA_APT_LOG)"
  fi
  _oviya_apt_updated=1
}

# apt_install PKG...: install Debian packages, non-interactively, output to the apt log.
apt_install() {
  have apt-get || die "apt-get not found: ./oviya installs missing packages on Debian only. Install these yourself: $*"
  need_root "Installing $*"
  apt_update_once
  say "apt-get install $* (log: ${OVIYA_APT_LOG#"$OVIYA_ROOT"/})"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$OVIYA_APT_LOG" 2>&1; then
    tail -n 20 "$OVIYA_APT_LOG" >&2
    die "apt-get install $* failed (full log: $OVIYA_APT_LOG)"
  fi
}

# apt_candidate PKG: print the version apt would install, nothing when there is none.
apt_candidate() {
  local v
  v="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')"
  [[ -n "$v" && "$v" != "(none)" ]] && printf '%s\n' "$v"
  return 0
}
