# Fremdrift: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the suite.
# Both create (or reuse) the virtual environment in .venv first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MANAGE := $(BIN)/python manage.py

.PHONY: run test worker beat messages migrate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	DJANGO_DEBUG=1 $(MANAGE) migrate --noinput
	DJANGO_DEBUG=1 $(MANAGE) seed_demo
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

# The suite in parallel, one process per core, each with its own test database; tests that share
# a worker, the broker or Chromium stay together (`xdist_group`, `--dist loadgroup`).
# ARGS adds pytest arguments: `make test ARGS="tests/planning"`, `make test ARGS=--reuse-db`
# (keeps the PostgreSQL test databases between runs; the SQLite one lives in memory).
PYTEST_PARALLEL ?= -n auto --dist loadgroup
ARGS ?=

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) $(ARGS)

worker: $(STAMP)
	$(BIN)/celery -A config worker --loglevel=INFO

beat: $(STAMP)
	$(BIN)/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule

# Needs GNU gettext; the compiled catalogue is committed, so only translators need this.
messages: $(STAMP)
	DJANGO_DEBUG=1 $(MANAGE) makemessages -l nb -l nn --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests
	DJANGO_DEBUG=1 $(MANAGE) compilemessages -l nb -l nn --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) var/db.sqlite3
