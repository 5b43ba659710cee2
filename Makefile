# Express Quote backbone. Every target runs with the project's own Node 24 and pnpm (.tools/bin first on PATH).
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help
export PATH := $(CURDIR)/.tools/bin:$(PATH)
PNPM := $(CURDIR)/.tools/bin/pnpm
# infra/up.sh writes the URLs it chose here; targets that need NATS/Postgres source it.
INFRA_ENV := var/infra.env
WITH_INFRA := set -a && . ./$(INFRA_ENV) && set +a &&

.PHONY: help setup install lint format typecheck test test-unit up down demo demo-check bench docs clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

setup: .tools/bin/pnpm node_modules/.modules.yaml ## bring Node 24 + pnpm (into .tools/ if needed) and install dependencies

.tools/bin/pnpm: scripts/toolchain.sh package.json
	bash scripts/toolchain.sh

node_modules/.modules.yaml: pnpm-lock.yaml package.json $(wildcard packages/*/package.json services/*/package.json) .tools/bin/pnpm
	$(PNPM) install --frozen-lockfile
	@touch $@

install: setup

lint: setup ## biome lint + format check
	$(PNPM) exec biome check .

format: setup ## apply biome formatting and safe fixes
	$(PNPM) exec biome check --write .

typecheck: setup ## tsc --noEmit over every package and service
	$(PNPM) exec tsc -p tsconfig.json

up: setup ## start or reuse NATS (JetStream) and Postgres; writes var/infra.env
	bash infra/up.sh

down: ## stop what `make up` started (never the machine's own services)
	bash infra/down.sh

test: lint typecheck up ## lint + typecheck + every test (unit, integration, e2e) against real NATS and Postgres
	$(WITH_INFRA) $(PNPM) exec vitest run

test-unit: setup ## only the pure tests (no I/O)
	$(PNPM) exec vitest run --exclude '**/*.int.spec.ts' --exclude '**/*.e2e.spec.ts'

demo: up ## run the whole system on an example booking and print where to look (Ctrl-C to stop)
	$(WITH_INFRA) node scripts/demo.ts

demo-check: up ## the demo, unattended: exits non-zero when an expected event or message is missing or late
	$(WITH_INFRA) node scripts/demo.ts --check

bench: up ## benchmarks: prints tables of latencies, throughputs and ratios
	$(WITH_INFRA) node scripts/bench.ts

docs: setup ## regenerate docs/deployment.md (every service's environment variables, from the config schemas)
	node scripts/config-docs.ts

clean: ## remove dependencies, toolchain and local data
	rm -rf node_modules packages/*/node_modules services/*/node_modules .tools var
