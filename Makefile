# Two commands matter: `make run` and `make test`. `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_VENDORS ?= 3000

.PHONY: help install run migrate demo worker test test-services test-fast test-e2e lint format typecheck bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its dev extra

migrate: $(STAMP) ## Apply database migrations (SQLite under instance/ unless DATABASE_URL is set)
	$(FLASK) db upgrade

demo: migrate ## Load the demo directory when the database is empty, and build the search index
	$(FLASK) demo load --if-empty --vendors $(DEMO_VENDORS)
	$(FLASK) search ensure

run: demo ## Install, migrate, load the demo data and serve on http://127.0.0.1:5000
	@$(BIN)/python -c "from marketplace.demo.generator import DEMO_ACCOUNTS; print('\nDemo accounts:'); [print(f'  {r:<6} {e}  password: {p}') for r, e, p in DEMO_ACCOUNTS]; print()"
	$(FLASK) run --host $(HOST) --port $(PORT)

worker: migrate ## Send queued e-mails until stopped (SIGTERM stops it after the current mail)
	$(FLASK) notify worker

test: $(STAMP) ## Run the whole test suite (PostgreSQL tests too when it is reachable)
	$(BIN)/pytest -n 2 -m "not e2e" $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-e2e

test-services: $(STAMP) ## The suite as on several hosts: PostgreSQL only, rate limits in Redis (CI runs it too)
	TEST_DB_BACKENDS=postgres TEST_REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/15} \
		$(BIN)/pytest -n 2 -m "not e2e" $(PYTEST_ARGS)

test-fast: $(STAMP) ## Unit and integration tests on SQLite only
	$(BIN)/pytest -n 2 -m "not e2e and not postgres" $(PYTEST_ARGS)

test-e2e: $(STAMP) ## Browser journeys (Playwright driving /usr/bin/chromium), skipped without it
	@if ls tests/e2e/test_*.py >/dev/null 2>&1; then $(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS); else echo "no e2e journeys yet"; fi

lint: $(STAMP) ## ruff check and format check, mypy on the comparison engine
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP) ## Run the benchmarks in bench/ (they print figures; not part of the tests)
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache
