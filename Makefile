# Rapport: `make run` sets everything up and serves the app; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
BIND ?= 127.0.0.1:8000

.PHONY: run setup test lint format bench demo browser clean

$(BIN)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Rapport needs Python 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(BIN)/.installed node_modules/.installed rapport/locale/fr/LC_MESSAGES/django.mo

# The compiled catalogue is generated, never committed; Babel (a dependency) compiles it.
rapport/locale/fr/LC_MESSAGES/django.mo: rapport/locale/fr/LC_MESSAGES/django.po $(BIN)/.installed
	$(BIN)/rapport compile-translations
	touch $@

# Serve on http://127.0.0.1:8000 with the demo workspace and a background worker.
run: setup
	$(BIN)/rapport migrate --noinput
	$(BIN)/rapport demo
	@set -m; $(BIN)/rapport worker & worker=$$!; \
	  trap 'kill -- -$$worker 2>/dev/null' EXIT INT TERM; \
	  echo "Background worker started (pid $$worker)."; \
	  $(BIN)/rapport serve --bind $(BIND)

demo: setup
	$(BIN)/rapport migrate --noinput
	$(BIN)/rapport demo

# Browser tests drive Debian's Chromium; install it when missing and we may.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null; \
	  else echo "Browser tests need Chromium at /usr/bin/chromium: sudo apt-get install chromium"; exit 1; fi; \
	fi

test: setup browser
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy rapport bench
	$(BIN)/python manage.py makemigrations --check --dry-run

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python -m bench.creator_list
	$(BIN)/python -m bench.campaigns
	$(BIN)/python -m bench.redirect
	$(BIN)/python -m bench.webhooks
	$(BIN)/python -m bench.wrap_report

clean:
	rm -rf $(VENV) node_modules
