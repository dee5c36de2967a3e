#!/usr/bin/env bash
# Checks the Rego policies as CI does: formatting, strict compilation against the builtins the
# gateway's WASM host supports (policies/capabilities.json), unit tests and a coverage floor.
# The example library under policies/examples is checked and tested too.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
opa="${PALISADE_OPA:-$HOME/.cache/palisade/bin/opa}"
threshold="${PALISADE_POLICY_COVERAGE_MIN:-90}"
# capabilities.json is configuration for opa; loaded as a data file it would land in data.
ignore=(--ignore capabilities.json)

if [[ ! -x "$opa" && -z "${PALISADE_OPA:-}" && -x "$root/scripts/ensure-opa.sh" ]]; then
  opa="$("$root/scripts/ensure-opa.sh")"
fi
if [[ ! -x "$opa" ]]; then
  echo "policy-test: opa not found at $opa (set PALISADE_OPA or run scripts/ensure-opa.sh)" >&2
  exit 2
fi

cd "$root/policies"

if ! unformatted="$("$opa" fmt --list --fail .)"; then
  echo "policy-test: not opa fmt clean (run: opa fmt -w policies):" >&2
  echo "$unformatted" >&2
  exit 1
fi

# A builtin outside capabilities.json (time.now_ns, http.send, print, ...) would only fail at
# evaluation time in the gateway; here it fails the check.
if ! checked="$("$opa" check --strict --capabilities capabilities.json "${ignore[@]}" . 2>&1)"; then
  echo "$checked" >&2
  echo "policy-test: opa check --strict --capabilities policies/capabilities.json failed" >&2
  exit 1
fi

# The plain run gives readable failures; the coverage run below only reports numbers.
if ! results="$("$opa" test "${ignore[@]}" .)"; then
  echo "$results" >&2
  echo "policy-test: opa test failed" >&2
  exit 1
fi
# opa prints "PASS: n/n" when every test passed.
passed="$(sed -n 's/^PASS: \([0-9]*\)\/[0-9]*$/\1/p' <<<"$results")"

coverage="$("$opa" test --coverage --format json "${ignore[@]}" . | node -e '
  let text = "";
  process.stdin.on("data", (chunk) => { text += chunk; });
  process.stdin.on("end", () => { process.stdout.write(String(JSON.parse(text).coverage ?? 0)); });
')"

if ! node -e 'process.exit(Number(process.argv[1]) >= Number(process.argv[2]) ? 0 : 1)' "$coverage" "$threshold"; then
  printf 'policy-test: coverage %.1f%% is below the %s%% floor (see: opa test --coverage policies)\n' "$coverage" "$threshold" >&2
  exit 1
fi

printf 'policy-test: %s passed, 0 failed; coverage %.1f%% (floor %s%%); fmt, check --strict and capabilities clean\n' \
  "${passed:-0}" "$coverage" "$threshold"
