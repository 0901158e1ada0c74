# OpenSRM — the two commands: `make demo` and `make test`.
# Everything a fresh machine needs is installed from here (virtual environment, front-end
# packages from the npm registry, the system Chromium and CJK font for browser tests).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/opensrm
export OPENSRM_HOME := $(CURDIR)
export PYTHONPATH := $(CURDIR)

.PHONY: demo test check serve bench lint setup assets system-deps migrate pg-up test-sqlite test-postgres test-e2e clean messages

## setup: virtual environment with the project and its development tools
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## assets: front-end packages from the npm registry (pinned by package-lock.json), copied into static/
assets: setup
	@if [ -f package-lock.json ]; then \
	  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; fi; \
	  $(PY) scripts/build_assets.py; \
	fi

## system-deps: Debian's Chromium and a Chinese font for browser tests; gettext for messages
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wqy; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei gettext >/dev/null; \
	  else echo "browser tests need: apt-get install -y chromium fonts-wqy-microhei"; fi; \
	fi

migrate: setup
	$(BIN)/opensrm migrate

## demo: set everything up, build the demo company, run the planning cycle, serve on :8000
demo: setup assets
	$(BIN)/opensrm demo

serve: setup assets
	$(BIN)/opensrm serve

## lint: ruff, mypy (strict on engines), import-linter
lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test-sqlite: setup
	$(BIN)/pytest -q -n 2 -m "not e2e" --dist loadfile

# PostgreSQL is part of `make test`: started here when it is installed but not running; with
# CI=true an unreachable server fails the run instead of skipping it. On PostgreSQL only the
# tests that use the database run (tests/django_plugin.py deselects the others, which ran on SQLite;
# docs/decisions/0004-test-settings.md).
PG_PING = $(PY) -c "import psycopg; psycopg.connect('$(PG_URL)'.replace('/opensrm','/postgres'), connect_timeout=3).close()" 2>/dev/null

pg-up: setup
	@if ! $(PG_PING) && [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null; then \
	  echo "starting PostgreSQL"; pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n 1) main start || true; \
	  for i in 1 2 3 4 5 6 7 8 9 10; do $(PG_PING) && break; sleep 1; done; \
	fi

test-postgres: setup pg-up
	@if $(PG_PING); then \
	  echo "== PostgreSQL =="; DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -n 2 -m "not e2e" --dist loadfile; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL not reachable at $(PG_URL) and CI=true: the PostgreSQL tests cannot be skipped"; exit 1; \
	else echo "PostgreSQL not reachable at $(PG_URL): skipping the PostgreSQL run"; fi

# Browser tests on two workers, collected from tests/e2e only (where every e2e test is; collecting
# the whole suite to deselect it costs each worker a quarter of a minute); a worker that runs out
# of tests takes some of the other's (the twelve crawls are long, so a fixed split would leave
# one worker idle at the end).
test-e2e: setup assets system-deps
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -q -m e2e -n 2 --dist worksteal tests/e2e

## test: every test: lint, unit/service/API on SQLite and PostgreSQL, browser tests in Chromium
test: setup assets system-deps lint test-sqlite test-postgres test-e2e

## check: the fast lane for daily work: lint and the tests not marked slow, e2e or postgres, on SQLite,
## with a quarter of the property-based examples (hypothesis profile "check", tests/conftest.py)
check: setup lint
	HYPOTHESIS_PROFILE=check $(BIN)/pytest -q -n 2 -m "not e2e and not slow and not postgres" --dist loadfile

## bench: reproducible benchmarks; reports in benchmarks/results/
bench: setup
	$(PY) -m benchmarks.run

messages: setup
	cd src/opensrm && ../../$(BIN)/django-admin makemessages -l zh_Hans --settings=opensrm.config.settings -i "static/*" && ../../$(BIN)/django-admin compilemessages --settings=opensrm.config.settings

clean:
	rm -rf var/ node_modules/ src/opensrm/static/vendor/
