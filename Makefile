# Developer and CI entry points: install and build, run the gateway, build and check policy bundles, run a local Kafka, and run every test.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

NODE_TS := node --conditions=development --import tsx
# Runs test files; test/support/run-tests.sh adds --test-concurrency for each of its two passes.
NODE_TEST := $(NODE_TS) --test --test-timeout=300000
# Test files run at once in the first pass (the files that keep to their own topics, ports and folders).
TEST_CONCURRENCY ?= 2
KAFKA_STATE := .kafka

# Fails with a clear message when a script or entry point another part of the tree provides is missing.
define require
[[ -e $(1) ]] || { echo "make: $(1) is missing; it is required for '$@'" >&2; exit 1; }
endef

.PHONY: help deps lint run bundles bundles-check policy-test kafka-up kafka-down bench test test-unit test-e2e test-workers eval helm-check reliability

help: ## List the targets
	@echo "Usage: make TARGET"
	awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z0-9 -]*:.*## / { printf "  %-22s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# npm writes node_modules/.package-lock.json on every install, so its age is the age of node_modules.
node_modules/.package-lock.json: package-lock.json
	@npm ci

deps: node_modules/.package-lock.json ## Install dependencies (npm ci when node_modules is missing or stale), build the TypeScript and the console's web pages
	@npx --no-install tsc -b
	npx --no-install tsc -p packages/console/web/tsconfig.json
	npx --no-install vite build --config packages/console/web/vite.config.ts --logLevel warn

lint: node_modules/.package-lock.json ## Lint the TypeScript sources: dependency direction between workspaces and gateway layers, environment reads, typescript-eslint rules
	@npx --no-install eslint --max-warnings 0 gateway/src audit-consumer/src packages/*/src packages/console/web/src

run: deps ## Run the gateway with the embedded defaults (config/dev.json)
	@$(call require,gateway/bin/palisade.js)
	$(call require,config/dev.json)
	node gateway/bin/palisade.js serve --config config/dev.json

bundles: ## Compile policies/ into the WASM bundle bundles/palisade.tar.gz
	@$(call require,scripts/build-bundles.sh)
	scripts/build-bundles.sh

bundles-check: ## Fail when the committed bundle does not match policies/
	@$(call require,scripts/build-bundles.sh)
	scripts/build-bundles.sh --check

policy-test: ## Check and unit-test the Rego policies with opa
	@$(call require,scripts/policy-test.sh)
	scripts/policy-test.sh

kafka-up: ## Start a local single-node Kafka broker in .kafka/ (prints its address)
	@if scripts/kafka.sh status $(KAFKA_STATE) >/dev/null; then cat $(KAFKA_STATE)/bootstrap; else scripts/kafka.sh start $(KAFKA_STATE); fi

kafka-down: ## Stop the broker started by kafka-up and delete its data
	@scripts/kafka.sh stop $(KAFKA_STATE)

bench: deps ## Run the benchmarks
	@$(call require,bench/run.ts)
	ONLY=$(ONLY) $(NODE_TS) bench/run.ts

helm-check: ## Lint the Helm chart (strict), render it and validate the manifests with kubeconform
	@$(call require,scripts/helm-check.sh)
	scripts/helm-check.sh

eval: ## Measure classification accuracy on the project corpus and, when present, ../shared/datasets
	@$(NODE_TS) scripts/eval-classify.ts $(DATASETS)

reliability: deps ## Run the fault tests (test/faults) and rebuild the faults table in docs/reliability.md from their results
	@opa=$$(scripts/ensure-opa.sh)
	export PALISADE_OPA=$$opa
	scripts/kafka.sh fetch
	scripts/redis.sh ensure >/dev/null
	tap=$$(mktemp "$${TMPDIR:-/tmp}/palisade-faults.XXXXXX")
	trap 'rm -f "$$tap"' EXIT
	$(NODE_TEST) --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
	  --test-reporter=tap --test-reporter-destination="$$tap" test/faults/*.test.ts || true
	$(NODE_TS) scripts/reliability-table.ts --write docs/reliability.md "$$tap"

test: deps ## Run everything: policy tests, bundle check, all tests against real opa and Kafka, Helm chart check
	@# Each step prints the seconds since make test began, so a slow step shows in any log.
	step() { printf '\n==> %s (at %ss)\n' "$$*" "$$SECONDS"; }
	failed=()
	step "opa"
	opa=$$(scripts/ensure-opa.sh)
	export PALISADE_OPA=$$opa
	echo "$$opa"
	step "Kafka broker jars"
	scripts/kafka.sh fetch
	step "redis-server (installed with apt-get on first use)"
	scripts/redis.sh ensure || failed+=(redis-server)
	step "helm and kubeconform (built with Go on first use)"
	scripts/ensure-chart-tools.sh helm && scripts/ensure-chart-tools.sh kubeconform || failed+=(chart-tools)
	step "Compose specification schema"
	scripts/ensure-compose-schema.sh || failed+=(compose-schema)
	step "Python clients for the client matrix (pip, on first use)"
	scripts/ensure-python-clients.sh || failed+=(python-clients)
	step "chromium for the console's browser tests (installed with apt-get on first use)"
	scripts/chromium.sh || failed+=(chromium)
	step "typecheck tests and benchmarks"
	npx --no-install tsc -p tsconfig.test.json || failed+=(typecheck-tests)
	step "lint"
	$(MAKE) lint || failed+=(lint)
	step "policy-test"
	$(MAKE) policy-test || failed+=(policy-test)
	step "bundles-check"
	$(MAKE) bundles-check || failed+=(bundles-check)
	step "Kafka broker"
	state=$$(mktemp -d "$${TMPDIR:-/tmp}/palisade-test-kafka.XXXXXX")
	trap 'scripts/kafka.sh stop "$$state" >/dev/null 2>&1 || true; rm -rf "$$state"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	brokers=$$(scripts/kafka.sh start "$$state")
	export PALISADE_TEST_KAFKA_BROKERS=$$brokers
	echo "$$brokers"
	step "node tests"
	# The console's browser tests screenshot every page here; CI keeps the folder as an artefact.
	export PALISADE_SCREENSHOTS=$(CURDIR)/artifacts/console-screenshots
	mkdir -p "$$PALISADE_SCREENSHOTS"
	# spec for people reading the log; one TAP file per pass in $$state for the totals printed at the end.
	NODE_TEST="$(NODE_TEST)" TEST_CONCURRENCY=$(TEST_CONCURRENCY) test/support/run-tests.sh all "$$state" || failed+=(node-tests)
	step "node tests again, each test gateway as palisade serve with two workers"
	NODE_TEST="$(NODE_TEST)" TEST_CONCURRENCY=$(TEST_CONCURRENCY) test/support/run-tests.sh workers "$$state" || failed+=(node-tests-workers)
	step "classification eval"
	if [[ -d ../shared/datasets ]]; then $(MAKE) eval || failed+=(eval); else echo "classification eval skipped: ../shared/datasets not found"; fi
	step "Helm chart"
	$(MAKE) helm-check || failed+=(helm-check)
	total() { cat "$$state"/*.tap 2>/dev/null | sed -n "s/^# $$1 \([0-9]*\)$$/\1/p" | awk '{ n += $$1 } END { print n + 0 }'; }
	pass=$$(total pass || true)
	fail=$$(total fail || true)
	cancelled=$$(total cancelled || true)
	echo
	if (( $${#failed[@]} > 0 )); then echo "failed steps: $${failed[*]}"; fi
	echo "tests: $${pass:-0} passed, $$(( $${fail:-0} + $${cancelled:-0} )) failed, in $${SECONDS}s"
	(( $${#failed[@]} == 0 ))

test-unit: deps ## Run the tests that need no broker and start no server process (builds opa on first use)
	@opa=$$(scripts/ensure-opa.sh)
	export PALISADE_OPA=$$opa
	results=$$(mktemp -d "$${TMPDIR:-/tmp}/palisade-test-unit.XXXXXX")
	trap 'rm -rf "$$results"' EXIT
	NODE_TEST="$(NODE_TEST)" TEST_CONCURRENCY=$(TEST_CONCURRENCY) test/support/run-tests.sh unit "$$results"

# test-workers: the tests that start gateways again, each gateway as `palisade serve` with two workers (docs/workers.md).
test-e2e test-workers: deps ## Run the end-to-end tests (a real Kafka broker and Redis, the audit consumer and servers as processes), or those that start gateways with two workers
	@opa=$$(scripts/ensure-opa.sh)
	export PALISADE_OPA=$$opa
	scripts/kafka.sh fetch >/dev/null
	scripts/redis.sh ensure
	state=$$(mktemp -d "$${TMPDIR:-/tmp}/palisade-test-kafka.XXXXXX")
	trap 'scripts/kafka.sh stop "$$state" >/dev/null 2>&1 || true; rm -rf "$$state"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	PALISADE_TEST_KAFKA_BROKERS=$$(scripts/kafka.sh start "$$state")
	export PALISADE_TEST_KAFKA_BROKERS
	NODE_TEST="$(NODE_TEST)" TEST_CONCURRENCY=$(TEST_CONCURRENCY) test/support/run-tests.sh $(subst test-,,$@) "$$state"
