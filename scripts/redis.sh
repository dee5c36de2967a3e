#!/usr/bin/env bash
# Makes sure a redis-server binary is available for tests and benchmarks, installing Debian's package when it is missing, and prints its path.
#
# Usage: scripts/redis.sh ensure      prints e.g. /usr/bin/redis-server
#
# Idempotent: once redis-server is on PATH this is instant. The install needs root and apt-get
# (as on CI and the development machines); its output goes to $HOME/.cache/palisade/apt-redis-server.log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-ensure.sh"

# Debian's package starts a system-wide service on 6379; tests run their own servers, so stop it when it was started for us.
stop_service() {
  if command -v service >/dev/null; then service redis-server stop >/dev/null 2>&1 || true; fi
}

case ${1:-} in
  ensure) apt_ensure redis-server redis-server stop_service ;;
  *)
    sed -n '4,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
