# `make lint-workflows`: actionlint on .github/workflows/ (the release pipeline). actionlint is
# installed from the Go module proxy when missing (`go install`, into `go env GOPATH`/bin); it
# also runs shellcheck on the `run:` scripts when shellcheck is on PATH.
# Included by the top-level Makefile (its `lint` target depends on this one).

ACTIONLINT_VERSION ?= v1.7.12
GO ?= go
ACTIONLINT_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
ACTIONLINT ?= $(or $(shell command -v actionlint 2>/dev/null),$(shell $(GO) env GOPATH 2>/dev/null)/bin/actionlint)

.PHONY: lint-workflows
lint-workflows:
	@if [ ! -x "$(ACTIONLINT)" ]; then \
		command -v $(GO) >/dev/null || { echo "lint-workflows: needs Go to install actionlint"; exit 1; }; \
		echo "installing actionlint $(ACTIONLINT_VERSION) (go install)"; \
		$(GO) install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION); \
	fi
	cd $(ACTIONLINT_ROOT) && "$(ACTIONLINT)"
	@echo "lint-workflows: actionlint found no problem in .github/workflows/"
