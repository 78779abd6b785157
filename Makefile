# Frontdesk: `make run` serves the demo, `make test` runs every check CI runs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export FRONTDESK_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
export FRONTDESK_TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test lint typecheck unit audit services browser install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# make run PORT=8080: the links the demo prints point where serve listens (the host both
# take from FRONTDESK_HOST).
PORT ?= $(or $(FRONTDESK_PORT),8000)

run: $(STAMP)
	$(BIN)/frontdesk init
	$(BIN)/frontdesk demo --port $(PORT)
	$(BIN)/frontdesk serve --port $(PORT)

services:
	scripts/ensure-services

AXE_VERSION := 4.11.0
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js

# Chromium for the browser tests, and axe-core (npm) for their accessibility checks.
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	test -f $(AXE) || npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@$(AXE_VERSION)

lint: $(STAMP)
	$(BIN)/ruff check frontdesk tests $(wildcard bench) $(wildcard scripts/*.py)
	$(BIN)/ruff format --check frontdesk tests $(wildcard bench) $(wildcard scripts/*.py)
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest tests/unit -q

# Report-only: prints what pip-audit found, or that no advisory service answered; never fails.
audit: $(STAMP)
	$(BIN)/python scripts/audit_deps.py

test: $(STAMP) services browser lint typecheck audit
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .frontdesk .pytest_cache .mypy_cache .ruff_cache
