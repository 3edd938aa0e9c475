# Two commands matter: `make serve` and `make test`. Everything else is a step they call.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
VENDOR := trainer/static/vendor

# A Python 3.12 or 3.13 interpreter: on PATH, or from pyenv (which .python-version selects).
PYTHON_FOR_VENV := $(shell for p in python3.12 python3.13 \
	$$(ls -d $$HOME/.pyenv/versions/3.12*/bin/python 2>/dev/null) \
	$$(ls -d $$HOME/.pyenv/versions/3.13*/bin/python 2>/dev/null); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if sys.version_info[:2] in ((3,12),(3,13)) else 1)' 2>/dev/null && { echo $$p; break; }; done)

PHONY_EXTRA := eval-scorer leave-out bench-pages bench-load fuzz backup test-pg test-sqlite
.PHONY: $(PHONY_EXTRA) serve test test-sqlite test-pg test-fast test-browser setup venv assets migrate content demo messages check-python clean bench backup

serve: setup demo ## set everything up, load content and the demo team, serve on 127.0.0.1:8000
	DJANGO_SETTINGS_MODULE=trainer.settings.dev $(PY) manage.py runserver $(HOST):$(PORT)

# The suite runs twice: on SQLite (what `make serve` uses) and on PostgreSQL 15 (what teams deploy).
PYTEST := env DJANGO_SETTINGS_MODULE=trainer.settings.test DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest
PYTEST_ARGS ?= -n 2 --dist loadfile

test: venv assets ## the whole suite (engine, loaders, views, browser), on SQLite then on PostgreSQL
	@sqlite=passed; pg=passed; \
	echo "==== make test, leg 1 of 2: SQLite ===="; \
	env -u DATABASE_URL $(PYTEST) $(PYTEST_ARGS) || sqlite=FAILED; \
	echo "==== make test, leg 2 of 2: PostgreSQL 15 (tools/with_postgres.sh) ===="; \
	tools/with_postgres.sh $(PYTEST) $(PYTEST_ARGS) || pg=FAILED; \
	echo "==== make test: SQLite leg $$sqlite, PostgreSQL leg $$pg ===="; \
	[ $$sqlite = passed ] && [ $$pg = passed ]

test-sqlite: venv assets ## the whole suite on SQLite only
	env -u DATABASE_URL $(PYTEST) $(PYTEST_ARGS)

test-pg: venv assets ## the whole suite on a throwaway PostgreSQL 15 server on 127.0.0.1
	tools/with_postgres.sh $(PYTEST) $(PYTEST_ARGS)

test-fast: venv assets ## everything but the browser tests
	DJANGO_SETTINGS_MODULE=trainer.settings.test $(PY) -m pytest -m "not browser"

setup: venv assets migrate content

check-python:
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
	  echo "Python 3.12 or 3.13 is required (pyenv install 3.12, or put python3.12 on PATH)." >&2; exit 1; fi

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt | check-python
	@test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

assets: $(VENDOR)/.copied

# Front-end files come from the npm registry at set-up and are served by Django itself. Icons: an SVG
# sprite of only the icons trainer/icons.py lists, built from bootstrap-icons (no icon font). axe-core,
# a dev dependency, stays in node_modules: the browser tests inject it, pages never load it.
$(VENDOR)/.copied: package.json package-lock.json trainer/icons.py tools/build_icons.py
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/chartjs
	cp node_modules/bootstrap/dist/css/bootstrap.min.css* $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* $(VENDOR)/bootstrap/
	python3 tools/build_icons.py
	cp node_modules/chart.js/dist/chart.umd.min.js* $(VENDOR)/chartjs/
	@touch $@

migrate: venv
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v 0

content: migrate ## load (or update in place) the course and the question bank
	$(PY) manage.py load_curriculum
	$(PY) manage.py load_bank
	$(PY) manage.py load_onboarding

demo: content ## the demo team; safe to run again
	$(PY) manage.py create_demo_team

messages: venv ## rebuild the compiled translation catalogues after editing .po files
	cd trainer && ../$(PY) ../manage.py compilemessages -l en -l zh_Hans

backup: venv ## a consistent copy of var/trainer.sqlite3 in var/backups/, safe while the server runs
	$(PY) manage.py backup_db

fuzz: venv assets ## the long fuzzing profile (≥ 10,000 generated inputs)
	HYPOTHESIS_PROFILE=nightly $(PYTEST) tests/trainer/test_fuzz.py

eval-scorer: setup ## the scorer against every graded set of ../shared/eval/ (dev, bank2, blind with blind-scenarios/), a line each
	$(PY) manage.py evaluate_scorer $(EVAL_ARGS)

leave-out: venv ## tune the engine's thresholds on two of the shared sets, measure the third, each way round
	$(PY) tools/leave_out.py

bench: setup ## scoring throughput over the whole bank, and rescore of 100,000 stored answers
	$(PY) bench/score_bank.py
	$(PY) bench/rescore.py

bench-pages: venv assets ## page speed vs the floor, query counts at 10 and 1,000 trainees (builds two databases)
	$(PY) bench/pages.py

bench-load: venv assets ## 50 trainees + 5 supervisors for 2 minutes on SQLite, then on PostgreSQL
	$(PY) bench/load.py
	tools/with_postgres.sh $(PY) bench/load.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
