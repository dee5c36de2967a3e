#!/usr/bin/env bash
# Lists test files, one a line, sorted, for the make targets that run them.
#
# Usage: test/support/test-files.sh SET [PASS]
#   SET   all | unit: no broker and no server process outside the test process | e2e: the others
#         | workers: the files whose gateways startTestGateway starts (directly or through a helper),
#           which make test runs a second time with each gateway as `palisade serve` with two
#           workers; a file that cannot says why on a line starting `// Not with workers:`
#   PASS  any (default) | parallel: may run beside another file | serial: must run alone
#
# Every file is in exactly one of unit and e2e, and in exactly one of parallel and serial, so no
# combination of targets drops a test. Files decide by what they use, so a new file needs no list.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

set_name=${1:?usage: test-files.sh all|unit|e2e|workers [any|parallel|serial]}
pass=${2:-any}

# End-to-end: a real broker or Redis, the audit consumer or a `serve` command as a separate process.
e2e_dirs='^test/(e2e|faults)/'
e2e_uses="support/(kafka|redis)\.js|helpers/pipeline\.js|from 'kafkajs'|spawn\(.*'serve'|startGatewayProcess"
# Alone: files that stop, kill or restart brokers and processes, inject faults, or shed load on the
# event loop's delay, which a neighbour's CPU use would distort. Every other file keeps to topics,
# ports and temporary folders of its own, so two can run at once.
serial_dirs='^test/(e2e|faults|overload|scale-out)/'
serial_uses='startPrivateKafka|startGatewayProcess'

mapfile -t files < <(find test -name '*.test.ts' -type f | LC_ALL=C sort)
(( ${#files[@]} > 0 )) || { echo "test-files.sh: no test files under test/" >&2; exit 1; }

matching() {
  local dirs=$1 uses=$2
  printf '%s\n' "${files[@]}" | grep -E "$dirs" || true
  grep -lE "$uses" "${files[@]}" || true
}
declare -A e2e=() serial=()
while IFS= read -r f; do [[ -n $f ]] && e2e[$f]=1; done < <(matching "$e2e_dirs" "$e2e_uses")
while IFS= read -r f; do [[ -n $f ]] && serial[$f]=1; done < <(matching "$serial_dirs" "$serial_uses")

# Whether a file, or a test helper it imports (relative imports, followed), starts test gateways.
declare -A starts=()
starts_gateways() {
  local file=$1 dir import
  [[ -n ${starts[$file]:-} ]] && { [[ ${starts[$file]} == yes ]]; return; }
  starts[$file]=no # also ends import cycles
  if [[ $file != test/support/gateway.ts ]] && grep -q 'startTestGateway(' "$file"; then starts[$file]=yes; return 0; fi
  dir=$(dirname "$file")
  while IFS= read -r import; do
    import=$(realpath -m --relative-to=. "$dir/${import%.js}.ts")
    [[ -f $import && $import != test/support/gateway.ts ]] && starts_gateways "$import" && { starts[$file]=yes; return 0; }
  done < <(grep -oE "from '\.\.?/[^']+\.js'" "$file" | sed -E "s/^from '(.*)'$/\1/")
  return 1
}

for f in "${files[@]}"; do
  case $set_name in
    all) ;;
    workers) { starts_gateways "$f" && ! grep -q '^// Not with workers:' "$f"; } || continue ;;
    unit) [[ -z ${e2e[$f]:-} ]] || continue ;;
    e2e) [[ -n ${e2e[$f]:-} ]] || continue ;;
    *) echo "test-files.sh: unknown set '$set_name' (all, unit, e2e or workers)" >&2; exit 2 ;;
  esac
  case $pass in
    any) ;;
    parallel) [[ -z ${serial[$f]:-} ]] || continue ;;
    serial) [[ -n ${serial[$f]:-} ]] || continue ;;
    *) echo "test-files.sh: unknown pass '$pass' (any, parallel or serial)" >&2; exit 2 ;;
  esac
  printf '%s\n' "$f"
done
