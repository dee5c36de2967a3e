# Developer and CI entry points: install and build, run the gateway, build and check policy bundles, run a local Kafka, and run every test.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

NODE_TS := node --conditions=development --import tsx
NODE_TEST := $(NODE_TS) --test --test-concurrency=1 --test-timeout=300000
KAFKA_STATE := .kafka

# Fails with a clear message when a script or entry point another part of the tree provides is missing.
define require
[[ -e $(1) ]] || { echo "make: $(1) is missing; it is required for '$@'" >&2; exit 1; }
endef

.PHONY: help deps lint run bundles bundles-check policy-test kafka-up kafka-down bench test eval helm-check

help: ## List the targets
	@echo "Usage: make TARGET"
	awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z-]*:.*## / { printf "  %-14s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# npm writes node_modules/.package-lock.json on every install, so its age is the age of node_modules.
node_modules/.package-lock.json: package-lock.json
	@npm ci

deps: node_modules/.package-lock.json ## Install dependencies (npm ci when node_modules is missing or stale) and build the TypeScript
	@npx --no-install tsc -b

lint: node_modules/.package-lock.json ## Lint the TypeScript sources: dependency direction between workspaces and gateway layers, environment reads, typescript-eslint rules
	@npx --no-install eslint --max-warnings 0 gateway/src audit-consumer/src packages/*/src

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

test: deps ## Run everything: policy tests, bundle check, all tests against real opa and Kafka, Helm chart check
	@step() { printf '\n==> %s\n' "$$*"; }
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
	mapfile -t files < <(find test -name '*.test.ts' -type f | LC_ALL=C sort)
	if (( $${#files[@]} == 0 )); then echo "make: no test files under test/" >&2; exit 1; fi
	# spec for people reading the log; tap into a file for the totals printed at the end.
	$(NODE_TEST) --test-reporter=spec --test-reporter-destination=stdout \
	  --test-reporter=tap --test-reporter-destination="$$state/results.tap" "$${files[@]}" || failed+=(node-tests)
	step "classification eval"
	if [[ -d ../shared/datasets ]]; then $(MAKE) eval || failed+=(eval); else echo "classification eval skipped: ../shared/datasets not found"; fi
	step "Helm chart"
	$(MAKE) helm-check || failed+=(helm-check)
	total() { [[ -f $$state/results.tap ]] && sed -n "s/^# $$1 \([0-9]*\)$$/\1/p" "$$state/results.tap" | tail -n 1; }
	pass=$$(total pass || true)
	fail=$$(total fail || true)
	cancelled=$$(total cancelled || true)
	echo
	if (( $${#failed[@]} > 0 )); then echo "failed steps: $${failed[*]}"; fi
	echo "tests: $${pass:-0} passed, $$(( $${fail:-0} + $${cancelled:-0} )) failed"
	(( $${#failed[@]} == 0 ))
