#!/usr/bin/env bash
# Makes sure strict JSON Schemas of the pinned Kubernetes release are in the project cache, for kubeconform, and prints their folder.
#
# Usage: scripts/ensure-k8s-schemas.sh     prints e.g. $HOME/.cache/palisade/k8s-schemas/v1.37.2-standalone-strict
# Needs Go and Node. The schemas come from Kubernetes' own OpenAPI document inside the k8s.io/kubernetes
# Go module (a 21 MB download into Go's module cache, once), converted by scripts/k8s-json-schemas.ts.
set -euo pipefail

kube_version=1.37.2
module=k8s.io/kubernetes
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$HOME/.cache/palisade/k8s-schemas/v$kube_version-standalone-strict"
# The schemas are remade when the converter changes, not only when the release does.
converter=$(sha256sum "$root/scripts/k8s-json-schemas.ts" | cut -d' ' -f1)

log() { printf 'ensure-k8s-schemas.sh: %s\n' "$*" >&2; }

is_current() { [[ -f $out/deployment-apps-v1.json && -f $out.converter && $(<"$out.converter") == "$converter" ]]; }

if ! is_current; then
  command -v go >/dev/null || { log "Go is required to fetch $module@v$kube_version"; exit 1; }
  mkdir -p "$(dirname "$out")"
  exec 9>"$(dirname "$out")/.lock"
  flock 9
  if ! is_current; then
    log "fetching $module@v$kube_version and converting its OpenAPI document (first run only)"
    dir=$(cd / && go mod download -json "$module@v$kube_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    swagger="$dir/api/openapi-spec/swagger.json"
    [[ -n $dir && -f $swagger ]] || { log "$module@v$kube_version has no api/openapi-spec/swagger.json"; exit 1; }
    rm -rf "$out" "$out.converter"
    (cd "$root" && node --import tsx scripts/k8s-json-schemas.ts "$swagger" "$out") >&2
    printf '%s' "$converter" >"$out.converter"
  fi
  exec 9>&-
fi
echo "$out"
