# PlanTrack developer tasks (GNU make).
#
#   make run        build everything, migrate, load demo data, start the dev server
#   make test       run the test suite (PYTEST_ARGS="-k foo -x" to pass options)
#   make help       list all targets
#
# Python >= 3.12 is found by scripts/find-python (override with PYTHON=/path).
# The database is SQLite at var/plantrack.sqlite3 unless DATABASE_URL is set
# (the Django settings decide; make only makes sure var/ exists).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

VENV        := .venv
PY          := $(VENV)/bin/python
VENV_STAMP  := $(VENV)/.installed
NODE_STAMP  := node_modules/.installed
DIST        := plantrack/core/static/dist
ASSETS_OUT  := $(DIST)/plantrack.css
SCSS        := $(shell find assets/scss -name '*.scss' 2>/dev/null)
REQUIREMENTS := $(wildcard requirements*.txt)
PYTEST_ARGS ?=
HOST        ?= 127.0.0.1
PORT        ?= 8000

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1

# A venv that is missing, broken (e.g. its interpreter was removed) or too old
# is rebuilt, whatever the stamp's age says.
VENV_OK := $(shell $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && echo ok)
ifneq ($(VENV_OK),ok)
$(VENV_STAMP): FORCE
endif

.PHONY: help venv node_modules assets setup migrate demo run test lint bench clean distclean FORCE \
	system-run system-test

help:
	@echo "PlanTrack make targets:"
	@echo "  setup      venv + front-end assets"
	@echo "  venv       create $(VENV) (Python >= 3.12) and install requirements-dev.txt"
	@echo "  assets     build CSS/JS into $(DIST)/"
	@echo "  migrate    apply database migrations"
	@echo "  demo       migrate and (re)load the demo data"
	@echo "  run        demo, then runserver on http://$(HOST):$(PORT)"
	@echo "  test       run pytest (PYTEST_ARGS=... to pass options)"
	@echo "  lint       ruff, mypy and the app layers (lint-imports)"
	@echo "  bench      run the benchmarks (python -m bench)"
	@echo "  clean      remove build outputs and caches"
	@echo "  distclean  clean, plus $(VENV), node_modules and var/"

# --- Python ------------------------------------------------------------------

venv: $(VENV_STAMP)

$(VENV_STAMP): $(REQUIREMENTS) Makefile
	@if ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    py=$$(scripts/find-python); \
	    echo "==> Creating $(VENV) with $$py ($$($$py -V 2>&1))"; \
	    rm -rf $(VENV); \
	    "$$py" -m venv $(VENV); \
	fi
	@echo "==> Installing Python requirements into $(VENV)"
	$(PY) -m pip install -qq --upgrade pip
	$(PY) -m pip install -qq -r requirements-dev.txt
	@# The `plantrack` command (plantrack import …), runnable from any directory.
	@printf '#!/bin/sh\nPYTHONPATH="%s$${PYTHONPATH:+:$$PYTHONPATH}" exec "%s" -m plantrack.cli "$$@"\n' \
	    "$(CURDIR)" "$(CURDIR)/$(PY)" > $(VENV)/bin/plantrack
	@chmod +x $(VENV)/bin/plantrack
	@touch $@

# --- Front end ---------------------------------------------------------------

node_modules: $(NODE_STAMP)

$(NODE_STAMP): package-lock.json package.json
	@echo "==> npm ci"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: $(ASSETS_OUT)

$(ASSETS_OUT): $(SCSS) package-lock.json scripts/build-assets $(NODE_STAMP)
	@echo "==> Building front-end assets"
	scripts/build-assets
	@touch $@

# --- System packages (Debian/Ubuntu), installed when missing: scripts/system-packages ------

system-run:
	@scripts/system-packages run

system-test:
	@scripts/system-packages test

# --- App ---------------------------------------------------------------------

setup: venv assets

var:
	@mkdir -p var

migrate: setup | var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# The demo runs background work (imports, packs) as production does: queued in the database
# and run by a task worker beside the web server; the worker stops with the server.
run: export PLANTRACK_TASKS_BACKEND ?= django_tasks_db.DatabaseBackend
run: system-run demo
	@echo
	@echo "PlanTrack is running at http://$(HOST):$(PORT) — sign in as demo / demo"
	@echo "A site admin of your own: $(PY) manage.py createsuperuser (then /admin/)."
	@echo "Another port: make run PORT=8080. Mail (reminders, chasing) prints here."
	@echo
	$(PY) manage.py worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: system-test setup | var
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# The load generator is Debian's wrk, one of the test packages.
bench: system-test setup | var
	$(PY) -m bench

# --- Housekeeping ------------------------------------------------------------

clean:
	rm -rf $(DIST) staticfiles .pytest_cache .ruff_cache test-artifacts .coverage htmlcov
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o \
	    -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules var

FORCE:
