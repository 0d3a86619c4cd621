# Semáforo — two commands for a newcomer: `make run` and `make test`.
SHELL := /bin/bash
PORT ?= 8000
HOST ?= 127.0.0.1
REMINDER_INTERVAL ?= 300
VENV := .venv
PY := $(VENV)/bin/python
# Django 6 needs Python >= 3.12; the machine's default python3 may be older.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: run serve test test-all install migrate lint format messages clean worker screenshots

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Semáforo needs Python 3.12 or newer (python3.12 or python3.13 on PATH)." >&2; exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade 'pip>=26.3'
	@# XStatic-Bootstrap's sdist build imports pkg_resources, removed in setuptools 82.
	@echo 'setuptools<82' > $(VENV)/build-constraints.txt
	$(PY) -m pip install --quiet --build-constraint $(VENV)/build-constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

# The web server and the review-reminder worker together: Ctrl-C stops both.
# Links in emails: the web server builds them from the address it is reached on; the worker
# has no request, so it gets SITE_URL (unless one is set) from HOST and PORT.
RUN_SITE_URL = $(or $(SITE_URL),http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT))
run: migrate
	@echo "Semáforo on http://$(HOST):$(PORT) with the review-reminder worker (Ctrl-C stops both)"
	@SITE_URL="$(RUN_SITE_URL)" $(PY) manage.py send_review_reminders --loop --interval $(REMINDER_INTERVAL) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production-style web server: gunicorn with gunicorn.conf.py (PORT, HOST, WEB_CONCURRENCY).
# Collects the static files first (whitenoise serves them; STATIC_ROOT is not in git), but
# only when one changed: compressing them takes minutes once brotli is installed.
STATIC_MANIFEST = $(or $(STATIC_ROOT),staticfiles)/staticfiles.json
serve: migrate
	@if [ ! -f "$(STATIC_MANIFEST)" ] || [ -n "$$(find static pyproject.toml $(VENV)/.installed -newer "$(STATIC_MANIFEST)" -print -quit)" ]; then \
		echo "Collecting static files…"; $(PY) manage.py collectstatic --noinput --verbosity 0; fi
	PORT=$(PORT) HOST=$(HOST) exec $(VENV)/bin/gunicorn --config gunicorn.conf.py

# Only the reminder worker (e.g. beside `make serve` in production).
worker: migrate
	$(PY) manage.py send_review_reminders --loop --interval $(REMINDER_INTERVAL)

# The whole suite but the real-Chromium tests (CI runs those): about two minutes on two cores.
# `pytest -m "not slow"` also leaves out the concurrency tests (threads, processes).
test: install
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

# Everything, as CI runs it (browser tests need /usr/bin/chromium; without it they skip).
test-all: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks (not a test): a throwaway database (SQLite, or PostgreSQL with BENCH_DATABASE_URL),
# gunicorn on loopback driven by wrk; prints a table and writes benchmarks/results.json.
.PHONY: bench
bench: install
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing wrk…"; apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; \
		else echo "make bench needs wrk: sudo apt-get install wrk (or brew install wrk)" >&2; exit 1; fi; }
	$(PY) benchmarks/run.py $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	cd $(CURDIR) && $(PY) manage.py makemessages -l es -l es_AR -l en --no-obsolete --no-location \
		--ignore '.venv/*' --ignore 'tests/*' --ignore 'benchmarks/*' --ignore 'docs/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

# The README's screenshots, from the demo data, in real Chromium (needs /usr/bin/chromium).
screenshots: install
	$(PY) docs/screenshots.py

clean:
	rm -rf $(VENV) staticfiles
