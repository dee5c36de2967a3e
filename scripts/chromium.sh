#!/usr/bin/env bash
# Makes sure Debian's chromium is installed for the audit console's browser tests, installing it when it is missing, and prints its path.
#
# Usage: scripts/chromium.sh          prints e.g. /usr/bin/chromium
#
# Idempotent: once chromium is on PATH this is instant. The install needs root and apt-get (as on CI
# and the development machines); its output goes to $HOME/.cache/palisade/apt-chromium.log.
set -euo pipefail

log() { printf 'chromium.sh: %s\n' "$*" >&2; }

find_browser() {
  command -v chromium 2>/dev/null || { [[ -x /usr/bin/chromium ]] && echo /usr/bin/chromium; } || true
}

ensure() {
  local browser
  browser=$(find_browser)
  if [[ -n $browser ]]; then
    echo "$browser"
    return
  fi
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    log "chromium is not installed; install it (Debian: apt-get install -y --no-install-recommends chromium) and run again"
    exit 1
  fi
  local cache="$HOME/.cache/palisade"
  mkdir -p "$cache"
  # Two runs may install at once; dpkg's own lock would make the second fail instead of wait.
  exec 9>"$cache/.chromium-install.lock"
  flock 9
  browser=$(find_browser)
  if [[ -z $browser ]]; then
    log "installing chromium with apt-get (first run only)"
    export DEBIAN_FRONTEND=noninteractive
    # The package list may be missing or stale on a fresh machine: update only when the package is unknown or the install fails.
    { apt-get install -y -q --no-install-recommends chromium \
        || { apt-get update -q && apt-get install -y -q --no-install-recommends chromium; }; } \
      >"$cache/apt-chromium.log" 2>&1 \
      || { cat "$cache/apt-chromium.log" >&2; log "apt-get could not install chromium"; exit 1; }
    browser=$(find_browser)
    [[ -n $browser ]] || { log "chromium is still missing after the install"; exit 1; }
  fi
  exec 9>&-
  echo "$browser"
}

case ${1:-} in
  '' | ensure) ensure ;;
  *)
    sed -n '4,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
