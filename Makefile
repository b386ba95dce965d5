# Common Ground. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ENV := DEMO=true HTTPS=false REQUIRE_TWO_FACTOR=false ORGANISATION_EMAIL=school.improvement@demo.commonground.example \
  ORGANISATION_PHONE="01632 960000" DATA_PROTECTION_OFFICER_EMAIL=data.protection@demo.commonground.example
# The suite runs in one process per core (each with its own test database and browser), at most four.
TEST_PROCESSES ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n < 4 ? n : 4 )))

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: install
install: $(VENV)/.installed node_modules/.installed ## Install Python and npm packages (idempotent)

.PHONY: static
static: install ## Collect static files (GOV.UK Frontend, HTMX, the site's own)
	$(PY) manage.py collectstatic --noinput --verbosity 0

.PHONY: demo
demo: static ## Set everything up with the real demo authority (Surrey) and serve it on http://127.0.0.1:8000
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_demo --site http://$(HOST):$(PORT)
	@echo "Serving Common Ground on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	setsid bash -c 'while true; do $(DEMO_ENV) $(PY) manage.py db_worker; echo "The import worker stopped; restarting it"; sleep 2; done' & worker=$$!; \
	  trap 'kill -- -$$worker 2>/dev/null' EXIT INT TERM; \
	  $(DEMO_ENV) $(PY) manage.py runserver --noreload $(HOST):$(PORT)

.PHONY: test-deps
test-deps: install
	bash scripts/install-chromium.sh

.PHONY: lint
lint: install ## ruff check and ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: checks
checks: install ## Django's deployment checks (production-like settings) and missing migrations
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))') DEBUG=false HTTPS=true ALLOWED_HOSTS=commonground.example \
	  ORGANISATION_NAME="Example County Council" ORGANISATION_EMAIL=schools@commonground.example DATA_PROTECTION_OFFICER_EMAIL=dpo@commonground.example \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

.PHONY: test
test: test-deps lint checks ## Install what tests need and run the whole suite (DATABASE_URL picks the database)
	$(VENV)/bin/pytest -p no:cacheprovider --numprocesses $(TEST_PROCESSES)

.PHONY: bench
bench: install ## National-scale benchmarks against a baseline measured in the same run; writes var/bench.json
	$(PY) -m bench

.PHONY: run
run: static ## Serve with the current environment (no demo data)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py runserver $(HOST):$(PORT)

.PHONY: clean
clean: ## Remove the virtualenv, npm packages, collected static files and local data (var/)
	rm -rf $(VENV) node_modules staticfiles var
