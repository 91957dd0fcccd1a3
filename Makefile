# Tranquillité — two commands: `make run` serves the demo, `make test` proves it.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint typecheck messages benchmark clean help

help:
	@echo "make run        install, migrate, load the Pantin demo, serve on http://$(HOST):$(PORT)/"
	@echo "make test       lint, type checks, tests on SQLite, PostgreSQL and in Chromium"
	@echo "make benchmark  generate a large data set on PostgreSQL and time the pages"

$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	@scripts/check-prerequisites python
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	@scripts/check-prerequisites node
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed
	@scripts/check-prerequisites gettext
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

run: install
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py createcachetable
	$(PY) manage.py load_demo
	@scripts/serve-dev $(HOST) $(PORT)

test: install
	@scripts/check-prerequisites poppler
	scripts/run-tests

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint

typecheck: install
	$(VENV)/bin/mypy

messages: install
	$(PY) manage.py makemessages -l fr --ignore=.venv --ignore=node_modules --ignore=benchmarks --no-location
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

benchmark: install
	scripts/run-benchmarks

clean:
	rm -rf $(VENV) node_modules staticfiles
