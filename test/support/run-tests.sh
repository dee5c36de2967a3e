#!/usr/bin/env bash
# Runs a set of test files (see test-files.sh) in two passes: first those that may share the
# machine, TEST_CONCURRENCY files at a time (default 2), then those that must run alone. Prints
# the spec report and writes one TAP file per pass into DIR, for the totals.
#
# Usage: NODE_TEST='node … --test --test-timeout=…' test/support/run-tests.sh all|unit|e2e|workers DIR
# `workers` runs its files with every test gateway as `palisade serve` with PALISADE_TEST_WORKERS
# workers (default 2).
# NODE_TEST is the command that runs test files, without --test-concurrency (the Makefile sets it).
# Exits 1 when a test failed in either pass; both passes always run.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
set_name=${1:?usage: run-tests.sh all|unit|e2e|workers DIR}
dir=${2:?usage: run-tests.sh all|unit|e2e DIR}
read -r -a node_test <<<"${NODE_TEST:?NODE_TEST must hold the command that runs test files}"
concurrency=${TEST_CONCURRENCY:-2}
if [[ $set_name == workers ]]; then export PALISADE_TEST_WORKERS=${PALISADE_TEST_WORKERS:-2}; fi

mapfile -t parallel < <("$here/test-files.sh" "$set_name" parallel)
mapfile -t serial < <("$here/test-files.sh" "$set_name" serial)
if (( ${#parallel[@]} + ${#serial[@]} == 0 )); then
  echo "run-tests.sh: no '$set_name' test files" >&2
  exit 1
fi

status=0
run_pass() {
  local name=$1 at_once=$2
  shift 2
  (( $# > 0 )) || return 0
  printf '\n--- %s %s test files, %s at a time (at %ss)\n' "$#" "$set_name" "$at_once" "$SECONDS"
  "${node_test[@]}" --test-concurrency="$at_once" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$dir/$set_name-$name.tap" "$@" || status=1
}
run_pass parallel "$concurrency" "${parallel[@]}"
run_pass serial 1 "${serial[@]}"
printf '\n--- test files done (at %ss)\n' "$SECONDS"
exit "$status"
