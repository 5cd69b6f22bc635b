# Two commands: `make run` serves the app, `make test` runs every check. Both set up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
VENDOR := static/vendor
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || command -v sudo)

.PHONY: setup run run-cluster test test-deps system-deps lint bench clean

setup: $(VENV)/.app-installed $(VENDOR)/.installed

$(VENV)/.app-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx-ext-sse/dist/sse.js $(VENDOR)/
	touch $@

run: setup
	$(BIN)/python -m webapp serve --host $(HOST) --port $(PORT)

# Redis, two web processes (ports PORT and PORT+1) and two workers; Ctrl-C stops them all.
run-cluster: setup system-deps
	$(BIN)/python -m webapp cluster --host $(HOST) --port $(PORT) --web 2 --workers 2

test-deps: setup $(VENV)/.test-installed system-deps

$(VENV)/.test-installed: pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Browsers and Redis come from Debian's packages, installed only when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: test-deps
	$(BIN)/ruff format --check webapp tests bench
	$(BIN)/ruff check webapp tests bench
	$(BIN)/mypy

# Browser tests run in their own pytest process: Playwright's sync API leaves a loop running.
test: lint
	$(BIN)/pytest --ignore=tests/e2e
	$(BIN)/pytest tests/e2e

bench: test-deps
	$(BIN)/python bench/api_throughput.py
	$(BIN)/python bench/status_vs_bare.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/youtube_requests.py
	$(BIN)/python bench/demo_calibration.py
	$(BIN)/python bench/audience_eval.py
	$(BIN)/python bench/analysis_time.py
	$(BIN)/python bench/cluster.py
	$(BIN)/python bench/big_upload.py
	$(BIN)/python bench/limits.py
	$(BIN)/python bench/batch.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache
