#!/usr/bin/env bash
# Makes sure Debian's chromium is installed for the audit console's browser tests, installing it when it is missing, and prints its path.
#
# Usage: scripts/chromium.sh          prints e.g. /usr/bin/chromium
#
# Idempotent: once chromium is on PATH this is instant. The install needs root and apt-get (as on CI
# and the development machines); its output goes to $HOME/.cache/palisade/apt-chromium.log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-ensure.sh"

case ${1:-} in
  '' | ensure) apt_ensure chromium chromium ;;
  *)
    sed -n '4,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
