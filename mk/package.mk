# Release artifacts and their install tests (issue 14). Included from the top-level Makefile:
#   make package        the release wheels (omi-push, omi-push-testing: abi3, manylinux2014 =
#                       glibc 2.17, through zig) and the npm tarballs (omi-push,
#                       omi-push-linux-x64-gnu, omi-push-testing); checks that the production
#                       libraries contain no simulator code and the testing libraries do
#                       and the jars (omi-push, omi-push-testing: release, glibc 2.17)
#   make package-test   installs each into an empty environment (a fresh venv; an empty npm
#                       folder outside the repo; a Maven project outside the repo) and runs a
#                       short flow against the simulator
# Each library is built once in release; the production ones without the `sim` feature of
# omi-push-ffi (one `-p` build each, so no feature unification with the testing kits).
PACKAGE_DIR ?= $(CARGO_TARGET_DIR)/package
WHEELS := $(CARGO_TARGET_DIR)/wheels
NPM_OUT := $(PACKAGE_DIR)/npm
NODE_LIBS := $(PACKAGE_DIR)/node-libs
PACKAGE_PYTHON ?= python3

.PHONY: package package-python package-node package-kotlin package-check package-test package-test-python \
	package-test-node package-test-kotlin

package: package-python package-node package-kotlin
	$(MAKE) -f $(firstword $(MAKEFILE_LIST)) package-check
	@echo "make package: wheels in $(WHEELS), npm tarballs in $(NPM_OUT)"

package-python: check-toolchain
	$(MAKE) -C bindings-python wheel

# Plain cargo release builds into target/release (shared with the other release builds; napi's
# --platform build would use target/x86_64-unknown-linux-gnu/release, where the zig-linked wheel
# builds with another C compiler, and each would rebuild the other's crates). The packed copies
# are stripped; the unstripped ones stay in $(NODE_LIBS) for the symbol check.
package-node: check-toolchain
	$(MAKE) -C bindings-node build
	$(CARGO) build --release -p omi-push-node
	$(CARGO) build --release -p omi-push-node-testing
	rm -rf $(NODE_LIBS) $(NPM_OUT)
	mkdir -p $(NODE_LIBS) $(NPM_OUT)
	cp $(CARGO_TARGET_DIR)/release/libomi_push_node.so $(NODE_LIBS)/omi-push.linux-x64-gnu.node
	cp $(CARGO_TARGET_DIR)/release/libomi_push_node_testing.so $(NODE_LIBS)/omi-push-testing.linux-x64-gnu.node
	node bindings-node/scripts/pack.js --out $(NPM_OUT) --strip all \
		--addon linux-x64-gnu=$(NODE_LIBS)/omi-push.linux-x64-gnu.node \
		--testing-addon linux-x64-gnu=$(NODE_LIBS)/omi-push-testing.linux-x64-gnu.node > $(NPM_OUT)/packed.json
	@node -e 'for (const p of require(process.argv[1])) console.log(`$${p.name}: $${(p.size/1e6).toFixed(2)} MB packed, $${(p.unpackedSize/1e6).toFixed(2)} MB unpacked ($${p.tarball})`)' $(NPM_OUT)/packed.json
	@node -e 'const [m] = require(process.argv[1]); if (m.size >= 6e6) { console.error(`the main tarball is $${m.size} bytes (limit 6 MB)`); process.exit(1) }' $(NPM_OUT)/packed.json

# Simulator code in a library: symbols of omi_push_sim or axum (unstripped libraries), and the
# source paths of panic locations (kept in stripped ones too: simulator/src/, axum-0.x/).
SIM_SYMBOLS := omi_push_sim|axum::
SIM_STRINGS := simulator/src/|/axum-0\.[0-9]
package-check:
	@rm -rf $(PACKAGE_DIR)/wheel-libs && mkdir -p $(PACKAGE_DIR)/wheel-libs/prod $(PACKAGE_DIR)/wheel-libs/testing
	@cd $(PACKAGE_DIR)/wheel-libs/prod && $(PACKAGE_PYTHON) -m zipfile -e $(wildcard $(WHEELS)/omi_push-*.whl) .
	@cd $(PACKAGE_DIR)/wheel-libs/testing && $(PACKAGE_PYTHON) -m zipfile -e $(wildcard $(WHEELS)/omi_push_testing-*.whl) .
	@set -e; check() { \
		kind=$$1; lib=$$2; \
		syms=$$(nm -C $$lib 2>/dev/null | grep -cE '$(SIM_SYMBOLS)' || true); \
		strs=$$(strings $$lib | grep -cE '$(SIM_STRINGS)' || true); \
		size=$$(stat -c %s $$lib); \
		echo "$$kind $$lib ($$size bytes): $$syms simulator symbols, $$strs simulator source paths"; \
		if [ $$kind = production ] && [ $$syms$$strs != 00 ]; then echo "  FAIL: simulator code in a production library"; exit 1; fi; \
		if [ $$kind = testing ] && [ $$strs = 0 ]; then echo "  FAIL: no simulator in a testing library"; exit 1; fi; \
	}; \
	check production $(NODE_LIBS)/omi-push.linux-x64-gnu.node; \
	check testing $(NODE_LIBS)/omi-push-testing.linux-x64-gnu.node; \
	check production $(PACKAGE_DIR)/wheel-libs/prod/omi_push/_native.abi3.so; \
	check testing $(PACKAGE_DIR)/wheel-libs/testing/omi_push_testing/_native.abi3.so; \
	echo "package-check: no simulator code in the production libraries"

package-test: package-test-python package-test-node package-test-kotlin
	@echo "make package-test: passed"

# The jars (release native libraries linked against glibc 2.17 through zig, checked for debug
# sections and simulator code by bindings-kotlin/package-check.sh) and their install test (a
# Maven project outside the repo with an empty local repository).
package-kotlin: check-toolchain
	$(MAKE) -C bindings-kotlin package

package-test-kotlin:
	$(MAKE) -C bindings-kotlin package-test

# A fresh venv per step, no package index (only the wheels), run from a folder outside the repo.
PKG_VENV := $(PACKAGE_DIR)/venv
package-test-python:
	rm -rf $(PKG_VENV) $(PACKAGE_DIR)/pyrun && mkdir -p $(PACKAGE_DIR)/pyrun
	cp bindings-python/tests/package_flow.py $(PACKAGE_DIR)/pyrun/
	$(PACKAGE_PYTHON) -m venv $(PKG_VENV)
	$(PKG_VENV)/bin/python -m pip install --quiet --no-index $(wildcard $(WHEELS)/omi_push-*.whl)
	cd $(PACKAGE_DIR)/pyrun && $(PKG_VENV)/bin/python package_flow.py without-kit
	$(PKG_VENV)/bin/python -m pip install --quiet --no-index --find-links $(WHEELS) $(wildcard $(WHEELS)/omi_push_testing-*.whl)
	cd $(PACKAGE_DIR)/pyrun && $(PKG_VENV)/bin/python package_flow.py with-kit
	$(PKG_VENV)/bin/python -m pip list 2>/dev/null | grep -i omi

package-test-node:
	node bindings-node/scripts/install-test.js $(NPM_OUT)
