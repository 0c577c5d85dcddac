# Two commands matter: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
# The hub benchmark's own database: it seeds a hub there and drops it afterwards (created if missing).
BENCH_PG_URL ?= postgresql://postgres@127.0.0.1:5432/bench_hub
# `make run PORT=5050` if 5000 is taken; emailed links follow it unless SERVICE_URL says otherwise.
PORT ?= 5000
# pytest-xdist processes for the unit tests (each with its own database): one per core here.
TEST_CORES ?= 2
export FLASK_APP := wsgi

.PHONY: help install run web worker db seed test test-sqlite test-postgres lint bench bench-hub clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/activate: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@# Not byte-compiled at install: imports compile what they use (a third of the install's time).
	$(BIN)/pip install --quiet --no-compile -r requirements-dev.txt
	touch $@

web/static/govuk/govuk-frontend.min.css: package.json
	npm install --no-audit --no-fund --loglevel=error
	rm -rf web/static/govuk && mkdir -p web/static/govuk
	cp -r node_modules/govuk-frontend/dist/govuk/assets node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js web/static/govuk/
	# The stylesheet names its fonts and images from the site root; serve them from ours.
	sed 's#url(/assets/#url(/static/govuk/assets/#g' node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > $@

install: $(BIN)/activate web/static/govuk/govuk-frontend.min.css ## Install Python and front-end dependencies

db: install ## Apply database migrations
	mkdir -p "$${APP_VAR_DIR:-var}"
	$(BIN)/flask db upgrade

seed: db ## Add the demo hub if the database is empty
	$(BIN)/flask seed-demo --if-empty

run: export SERVICE_URL ?= http://127.0.0.1:$(PORT)
run: seed ## Start the web app, a Celery worker and Celery beat with demo data at http://127.0.0.1:5000 (PORT=...)
	@# Ctrl-C or a TERM stops all three; if one stops on its own (the port taken, say), so do the others.
	@# Beat sends the repair task that gives a round whose worker died to a worker again.
	@trap 'kill $$worker $$beat $$web 2>/dev/null; wait' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(BIN)/celery -A workers.celery_app worker -Q matching,notifications --loglevel=INFO --concurrency=1 \
		--without-gossip --without-mingle & worker=$$!; \
	$(BIN)/celery -A workers.celery_app beat --loglevel=INFO & beat=$$!; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT) --no-debugger --no-reload & web=$$!; \
	while kill -0 $$worker 2>/dev/null && kill -0 $$beat 2>/dev/null && kill -0 $$web 2>/dev/null; do \
		sleep 1; done; \
	echo "The worker, beat or the web server stopped: stopping the others"; exit 1

test: install ## Run every test: on SQLite, and on PostgreSQL and Redis when they answer here
	@test -x /usr/bin/chromium || echo "Chromium is not installed (/usr/bin/chromium): the browser tests in tests/browser are skipped; apt-get install chromium"
	@# The tests that wait on servers run beside the unit tests, which use both cores (tests/suites.py).
	@if $(BIN)/python -m tests.services_up "$(PG_URL)" "$(REDIS_TEST_URL)"; then \
		$(BIN)/python -m tests.suites --cores $(TEST_CORES) --postgres "$(PG_URL)" --redis "$(REDIS_TEST_URL)"; \
	else \
		$(BIN)/python -m tests.suites --cores $(TEST_CORES); \
	fi

test-sqlite: install ## Run the whole suite on the embedded default (SQLite, SQLite-file broker), one run after another
	@test -x /usr/bin/chromium || echo "Chromium is not installed (/usr/bin/chromium): the browser tests in tests/browser are skipped; apt-get install chromium"
	@# The unit tests on both cores (a database per xdist worker); the tests that start servers one at a time.
	$(BIN)/pytest -q -n $(TEST_CORES) --dist worksteal --ignore=tests/integration --ignore=tests/browser
	$(BIN)/pytest -q tests/integration tests/browser

test-postgres: install ## Run the database and integration tests on PostgreSQL with Redis, one after the other
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest -q -n $(TEST_CORES) --dist worksteal tests/web tests/workers
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest -q tests/integration

lint: install ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict matcher workers

bench: install ## Engine benchmark (python -m bench.engine)
	$(BIN)/python -m bench.engine

bench-hub: install ## Hub-wide round on SQLite, then PostgreSQL (BENCH_PG_URL) with pages under load
	$(BIN)/python -m bench.hub
	$(BIN)/python -m bench.hub --database-url "$(BENCH_PG_URL)" --pages

clean: ## Remove installed dependencies and local data
	rm -rf $(VENV) node_modules web/static/govuk var
