#!/usr/bin/env bash
# Makes sure a redis-server binary is available for tests and benchmarks, installing Debian's package when it is missing, and prints its path.
#
# Usage: scripts/redis.sh ensure      prints e.g. /usr/bin/redis-server
#
# Idempotent: once redis-server is on PATH this is instant. The install needs root and apt-get
# (as on CI and the development machines); its output goes to $HOME/.cache/palisade/apt-redis.log.
set -euo pipefail

log() { printf 'redis.sh: %s\n' "$*" >&2; }

find_server() {
  command -v redis-server 2>/dev/null || { [[ -x /usr/bin/redis-server ]] && echo /usr/bin/redis-server; } || true
}

ensure() {
  local server
  server=$(find_server)
  if [[ -n $server ]]; then
    echo "$server"
    return
  fi
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    log "redis-server is not installed; install it (Debian: apt-get install -y --no-install-recommends redis-server) and run again"
    exit 1
  fi
  local cache="$HOME/.cache/palisade"
  mkdir -p "$cache"
  # Two runs may install at once; dpkg's own lock would make the second fail instead of wait.
  exec 9>"$cache/.redis-install.lock"
  flock 9
  server=$(find_server)
  if [[ -z $server ]]; then
    log "installing redis-server with apt-get (first run only)"
    export DEBIAN_FRONTEND=noninteractive
    # The package list may be missing or stale on a fresh machine: update only when the install fails.
    { apt-get install -y -q --no-install-recommends redis-server \
        || { apt-get update -q && apt-get install -y -q --no-install-recommends redis-server; }; } \
      >"$cache/apt-redis.log" 2>&1 \
      || { cat "$cache/apt-redis.log" >&2; log "apt-get could not install redis-server"; exit 1; }
    # Debian's package starts a system-wide service on 6379; tests run their own servers, so stop it when it was started for us.
    if command -v service >/dev/null; then service redis-server stop >/dev/null 2>&1 || true; fi
    server=$(find_server)
    [[ -n $server ]] || { log "redis-server is still missing after the install"; exit 1; }
  fi
  exec 9>&-
  echo "$server"
}

case ${1:-} in
  ensure) ensure ;;
  *)
    sed -n '4,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
