#!/usr/bin/env bash
# Compiles policies/ into the signed WASM bundle bundles/palisade.tar.gz; with --check, fails when
# the committed bundle no longer matches the policy sources.
#
# Signing uses `opa sign` with RS256, whose signatures are deterministic, so the same sources and
# key always give the same bundle. Without --signing-key the committed DEVELOPMENT key
# (config/dev-keys/) signs: anyone can sign with it, so production bundles must be signed with
# your own key, e.g.
#   scripts/build-bundles.sh --signing-key /secure/bundle.pem --key-id prod-2026 --scope production --output out.tar.gz
set -euo pipefail

usage() { echo "usage: scripts/build-bundles.sh [--check] [--signing-key PEM --key-id ID] [--scope SCOPE] [--output FILE]" >&2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
check=false
signing_key="$root/config/dev-keys/bundle-signing.pem"
key_id=palisade-dev
scope=development
bundle="$root/bundles/palisade.tar.gz"
custom_key=false
custom_key_id=false
while (($# > 0)); do
  case "$1" in
    --check) check=true; shift ;;
    --signing-key) [[ $# -ge 2 ]] || { usage; exit 2; }; signing_key="$(realpath "$2")"; custom_key=true; shift 2 ;;
    --key-id) [[ $# -ge 2 ]] || { usage; exit 2; }; key_id="$2"; custom_key_id=true; shift 2 ;;
    --scope) [[ $# -ge 2 ]] || { usage; exit 2; }; scope="$2"; shift 2 ;;
    --output) [[ $# -ge 2 ]] || { usage; exit 2; }; bundle="$(realpath -m "$2")"; shift 2 ;;
    *) usage; exit 2 ;;
  esac
done
if $custom_key && ! $custom_key_id; then
  echo "build-bundles: --signing-key needs --key-id (the id the gateway's verification names)" >&2
  exit 2
fi
if [[ ! -r "$signing_key" ]]; then
  echo "build-bundles: cannot read the signing key $signing_key" >&2
  exit 2
fi

opa="${PALISADE_OPA:-$HOME/.cache/palisade/bin/opa}"
entrypoints=(-e palisade/request/decision -e palisade/response/decision)
# Examples and tests are checked by policy-test.sh but never shipped; capabilities.json is
# configuration for opa, not data.
ignore=(--ignore '*_test.rego' --ignore examples --ignore capabilities.json)

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
  find . -path ./examples -prune -o -type f \( \( -name '*.rego' ! -name '*_test.rego' \) -o -name '.manifest' \
    -o -name 'data.json' -o -name 'data.yaml' \) -print | LC_ALL=C sort
}
revision="sha256:$(
  sources | while IFS= read -r file; do
    printf '%s\0%s\0' "$file" "$(wc -c <"$file" | tr -d ' ')"
    cat "$file"
  done | sha256sum | cut -d' ' -f1
)"

# --capabilities makes a builtin the gateway's WASM host lacks a build error, not a runtime deny.
"$opa" build --bundle --target wasm "${entrypoints[@]}" --revision "$revision" \
  --capabilities capabilities.json "${ignore[@]}" --output "$work/unsigned.tar.gz" .

mkdir "$work/bundle"
tar -xzf "$work/unsigned.tar.gz" -C "$work/bundle" 2>/dev/null
printf '{"keyid":"%s","scope":"%s"}\n' "$key_id" "$scope" >"$work/claims.json"
(cd "$work/bundle" && "$opa" sign --bundle . --signing-key "$signing_key" --signing-alg RS256 \
  --claims-file "$work/claims.json" --output-file-path .)

# A fixed order, owner, mode and time, and gzip without a name or time, keep the archive stable.
# Member names start with "/" as in the archives opa writes, which opa itself relies on to find
# the manifest's "/policy.wasm".
out="$work/palisade.tar.gz"
(cd "$work/bundle" && find . -type f | sed 's|^\./||' | LC_ALL=C sort >"$work/files")
tar --create --format=ustar --owner=0 --group=0 --numeric-owner --mode=0644 --mtime=@0 \
  --absolute-names --transform 's|^|/|' \
  --directory "$work/bundle" --files-from "$work/files" | gzip -9 -n >"$out"

if ! $check; then
  mkdir -p "$(dirname "$bundle")"
  mv "$out" "$bundle"
  echo "build-bundles: wrote ${bundle#"$root"/} (revision $revision, signed by key $key_id for scope \"$scope\")"
  exit 0
fi

if [[ ! -f "$bundle" ]]; then
  echo "${bundle#"$root"/} is missing: run make bundles" >&2
  exit 1
fi

# gzip and tar headers may carry times and owners, so compare what the archives hold instead.
mkdir "$work/committed" "$work/fresh"
tar -xzf "$bundle" -C "$work/committed" 2>/dev/null
tar -xzf "$out" -C "$work/fresh" 2>/dev/null
if ! diff -r -q "$work/committed" "$work/fresh" >&2; then
  echo "${bundle#"$root"/} is stale: run make bundles" >&2
  exit 1
fi
echo "build-bundles: ${bundle#"$root"/} is up to date (revision $revision)"
