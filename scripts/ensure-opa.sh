#!/usr/bin/env bash
# Makes sure the pinned opa binary is in the project cache (building it with Go when missing or of another version) and prints its path.
#
# Usage: scripts/ensure-opa.sh        prints e.g. $HOME/.cache/palisade/bin/opa
# Needs Go only when the binary has to be built (first run: a few minutes; afterwards: instant).
set -euo pipefail

opa_version=1.22.2
bin_dir="$HOME/.cache/palisade/bin"
opa="$bin_dir/opa"

log() { printf 'ensure-opa.sh: %s\n' "$*" >&2; }

is_pinned() {
  [[ -x $opa ]] && "$opa" version 2>/dev/null | grep -qx "Version: $opa_version"
}

if ! is_pinned; then
  command -v go >/dev/null || { log "Go is required to build opa v$opa_version"; exit 1; }
  mkdir -p "$bin_dir"
  # Concurrent runs would both write $opa; the second one waits and finds it built.
  exec 9>"$bin_dir/.opa.lock"
  flock 9
  if ! is_pinned; then
    log "building opa v$opa_version into $bin_dir (first run only; takes a few minutes)"
    # CGO off gives a static binary that runs on any Linux; it also leaves out opa's own wasm
    # evaluator, which nothing here needs ("opa build -t wasm" still works).
    CGO_ENABLED=0 GOFLAGS=-trimpath GOBIN="$bin_dir" \
      go install -ldflags="-s -w" "github.com/open-policy-agent/opa@v$opa_version" >&2
    is_pinned || { log "built $opa but it does not report Version: $opa_version"; exit 1; }
  fi
  exec 9>&-
fi
echo "$opa"
