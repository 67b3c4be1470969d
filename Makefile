# servicelead — the commands a newcomer needs. `make run` and `make test` set everything up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install node run test test-fast lint format messages bench migrate seed clean prod-smoke load

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@$(BIN)/python -m pip install --quiet -e '.[ldap]' || echo "python-ldap could not be built (apt-get install libldap2-dev libsasl2-dev): LDAP sign-in stays off"
	@touch $(STAMP)

install: $(STAMP)

# axe-core for the browser tests' accessibility checks, at the version package-lock.json pins; the script
# itself is the stamp (touched, as npm keeps the package's dates): installed when missing or outdated.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(AXE)

node: $(AXE)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --if-empty

run: seed
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Two processes for the suite; the real-worker job tests share one Redis and run on their own after it.
test: install node
	$(BIN)/pytest -n 2 -m "not jobs"
	$(BIN)/pytest -m jobs

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo
	$(BIN)/bandit -c pyproject.toml -r jobs competencies teams operations qualification servicelead scripts -ll -q
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(BIN)/python manage.py makemessages -l de --ignore=.venv --ignore=node_modules --ignore=static/vendor
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Figures, not tests: gap analysis and pages on S and L (SQLite and PostgreSQL) and XL (PostgreSQL only),
# with a table of the growth L/S and XL/L; the 10,000 x 50 xlsx import, plan generation for L on one and
# two Celery workers (needs PostgreSQL and Redis). Choose sizes with `make bench SIZES="S L"`. On 2 busy
# cores the sizes take about 1 min (S), 2.5 min (L) and 1 min (XL, its database kept from an earlier run;
# 3 min when it is built: the first time, or after the demo generator or a migration changed), 4–6 min
# together, then the import and plan benches.
SIZES ?= S L XL
bench: install
	$(BIN)/python -m bench --sizes "$(SIZES)"
	DATABASE_URL=sqlite:///$(CURDIR)/bench-results/imports.sqlite3 $(BIN)/python -m bench.imports
	DATABASE_URL=sqlite:///$(CURDIR)/bench-results/catalogue.sqlite3 $(BIN)/python -m bench.catalogue
	DATABASE_URL=sqlite:///$(CURDIR)/bench-results/operations.sqlite3 $(BIN)/python -m bench.operations
	DATABASE_URL=sqlite:///$(CURDIR)/bench-results/esco.sqlite3 $(BIN)/python -m bench.esco
	$(BIN)/python -m bench.plans

# The production stack natively (gunicorn, Celery worker and beat on the local PostgreSQL and Redis), used
# over HTTP on 127.0.0.1: log in, pages, a plan-generation job, an export. Stops what it started.
prod-smoke: install
	$(BIN)/python -m scripts.prod_smoke

# Locust against that stack on organisation L (10 and 50 users, bounded); prints throughput and latency.
load: install
	$(BIN)/python -m scripts.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
