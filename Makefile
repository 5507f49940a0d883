# omi-push: two commands for a fresh machine.
#   make demo   the whole push-confirmation flow on the embedded simulator
#   make test   every test suite in every language (Rust, Python, Node, Kotlin)
# One shared cargo target dir for everything (override with CARGO_TARGET_DIR).
CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR
CARGO ?= cargo

.PHONY: demo test test-package build test-suites test-rust test-python test-node test-kotlin lint bench

demo: check-toolchain
	$(CARGO) run --quiet -p omi-push-cli --bin omi-push -- demo

# Builds every default workspace member once (core, simulator, CLI, the three binding
# libraries); the binding steps below reuse these artifacts.
build: check-toolchain
	$(CARGO) build

# Every suite runs with one Redis server of its own (scripts/with-redis: installed when
# missing, started on a free loopback port, stopped at the end) for the step-up tests.
test: build
	scripts/with-redis $(MAKE) test-suites
	$(MAKE) test-package
	@echo "make test: all suites passed"

# The release artifacts of every ecosystem, then each installed into an empty environment.
test-package:
	$(MAKE) package
	$(MAKE) package-test

test-suites: test-rust test-python test-node test-kotlin

test-rust: build
	$(CARGO) test -p omi-push -p omi-push-sim -p omi-push-cli -p omi-push-ffi

# Each binding's suites, then the example apps of its web frameworks (the FastAPI, Express and
# Spring Boot ones in headless Chromium; Flask, Django, Fastify and Ktor over HTTP).
test-python: build
	$(MAKE) -C bindings-python test
	$(MAKE) -C examples/fastapi test
	$(MAKE) -C examples/flask test
	$(MAKE) -C examples/django test

test-node: build
	$(MAKE) -C bindings-node test
	$(MAKE) -C examples/fastify test

test-kotlin: build
	$(MAKE) -C bindings-kotlin test
	$(MAKE) -C examples/spring-boot test-browser

# Benchmarks against hand-written clients in every language (not part of `make test`):
# builds what it needs in release, runs everything side by side, writes bench/results.md.
# BENCH_N=100,1000 for a quick run; see bench/README.md.
bench: check-toolchain
	$(MAKE) -C bench bench

# rustfmt (rustfmt.toml) and clippy with warnings as errors; .ci/run runs this before the tests.
lint: check-toolchain lint-workflows
	@rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# make package / make package-test: release artifacts and their install tests (mk/package.mk);
# make lint-workflows: actionlint on the release pipeline (mk/actionlint.mk).
include mk/package.mk
include mk/actionlint.mk

.PHONY: check-toolchain
check-toolchain:
	@command -v $(CARGO) >/dev/null || { echo "cargo not found: install Rust (rustup) first"; exit 1; }
