#!/usr/bin/env bash
# Compiles policies/ into the WASM bundle bundles/palisade.tar.gz; with --check, fails when the
# committed bundle no longer matches the policy sources.
set -euo pipefail

usage() { echo "usage: scripts/build-bundles.sh [--check]" >&2; }

check=false
case "$#:${1:-}" in
  0:) ;;
  1:--check) check=true ;;
  *) usage; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
opa="${PALISADE_OPA:-$HOME/.cache/palisade/bin/opa}"
bundle="$root/bundles/palisade.tar.gz"
entrypoints=(-e palisade/request/decision -e palisade/response/decision)

if [[ ! -x "$opa" && -z "${PALISADE_OPA:-}" && -x "$root/scripts/ensure-opa.sh" ]]; then
  opa="$("$root/scripts/ensure-opa.sh")"
fi
if [[ ! -x "$opa" ]]; then
  echo "build-bundles: opa not found at $opa (set PALISADE_OPA or run scripts/ensure-opa.sh)" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Built from inside policies/ so the paths stored in the bundle do not depend on the checkout.
cd "$root/policies"

# The revision names the sources, so the same policies always give the same bundle and an audit
# record's revision identifies the policy text that decided. Each file is framed by its path and
# size so that moving bytes between files changes the hash.
sources() {
  find . -type f \( \( -name '*.rego' ! -name '*_test.rego' \) -o -name '.manifest' \
    -o -name 'data.json' -o -name 'data.yaml' \) -print | LC_ALL=C sort
}
revision="sha256:$(
  sources | while IFS= read -r file; do
    printf '%s\0%s\0' "$file" "$(wc -c <"$file" | tr -d ' ')"
    cat "$file"
  done | sha256sum | cut -d' ' -f1
)"

if $check; then
  out="$work/palisade.tar.gz"
else
  mkdir -p "$(dirname "$bundle")"
  out="$bundle"
fi

"$opa" build --bundle --target wasm "${entrypoints[@]}" --revision "$revision" \
  --ignore '*_test.rego' --output "$out" .

if ! $check; then
  echo "build-bundles: wrote bundles/palisade.tar.gz (revision $revision)"
  exit 0
fi

if [[ ! -f "$bundle" ]]; then
  echo "bundles/palisade.tar.gz is missing: run make bundles" >&2
  exit 1
fi

# gzip and tar headers may carry times and owners, so compare what the archives hold instead.
mkdir "$work/committed" "$work/fresh"
tar -xzf "$bundle" -C "$work/committed" 2>/dev/null
tar -xzf "$out" -C "$work/fresh" 2>/dev/null
if ! diff -r -q "$work/committed" "$work/fresh" >&2; then
  echo "bundles/palisade.tar.gz is stale: run make bundles" >&2
  exit 1
fi
echo "build-bundles: bundles/palisade.tar.gz is up to date (revision $revision)"
