# Development tasks. `make run` for a local demo, `make test` for the full suite.
SHELL := /bin/bash

PYTHON := .venv/bin/python
SERVICES := bash scripts/services.sh

PGPORT ?= 5433
REDIS_PORT ?= 6380
SEARCH_PORT ?= 9200
export PGPORT REDIS_PORT SEARCH_PORT

# Tests always run against the local services that `make services` starts.
TEST_ENV := \
	DATABASE_URL=postgres://maillage@127.0.0.1:$(PGPORT)/maillage \
	CELERY_BROKER_URL=redis://127.0.0.1:$(REDIS_PORT)/0 \
	SEARCH_URL=http://127.0.0.1:$(SEARCH_PORT)

# docker-compose.yml requires DJANGO_SECRET_KEY; validation only needs a placeholder.
COMPOSE_CHECK_ENV := DJANGO_SECRET_KEY=compose-validation-only

.PHONY: .venv services stop run lint test compose-check frontend-deps browser-deps messages bench clean

.venv: .venv/.installed

# Re-installs whenever pyproject.toml changes.
.venv/.installed: pyproject.toml
	@if [ ! -x $(PYTHON) ]; then \
		if command -v python3.11 >/dev/null 2>&1; then python3.11 -m venv .venv; \
		else python3 -m venv .venv; fi; \
	fi
	.venv/bin/pip install -q -e '.[dev]'
	@touch $@

services:
	$(SERVICES) start

stop:
	$(SERVICES) stop

# The demo uses SQLite and eager Celery unless DATABASE_URL / CELERY_BROKER_URL are set;
# only the search engine is never optional.
run: export DJANGO_DEBUG = 1
run: .venv frontend-deps
	$(SERVICES) start search
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py demo_setup
	$(PYTHON) manage.py runserver 127.0.0.1:8000

# Ruff's lint and format check: `make test` runs it first, so a lint error fails fast.
lint: .venv
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

# pytest exits with 5 when it collects no tests; make treats that as a failure, on purpose.
test: lint .venv services compose-check frontend-deps browser-deps
	$(TEST_ENV) $(PYTHON) -m pytest $(PYTEST_ARGS)

compose-check:
	@if ! command -v docker-compose >/dev/null 2>&1; then \
		if [ "$$(id -u)" -eq 0 ]; then \
			echo "docker-compose not found; installing the Debian package docker-compose."; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose; \
		else \
			echo "docker-compose not found; skipping compose validation (sudo apt-get install -y docker-compose)."; \
			exit 0; \
		fi; \
	fi; \
	$(COMPOSE_CHECK_ENV) docker-compose config -q && echo "docker-compose.yml is valid."

# The Québec government design system (docs/design-system.md): its npm package alone (`npm pack`, without the
# build tools it depends on), unpacked into .var/design-system; its dist/ folder is served as static files under
# sdg/ (hub/settings.py). The Dockerfile installs the same version the same way.
SDG_VERSION := 1.5.1
SDG_DIR := .var/design-system/qc-trousse-sdg
frontend-deps:
	@if ! grep -qs '"version": "$(SDG_VERSION)"' $(SDG_DIR)/package.json \
		|| [ ! -f $(SDG_DIR)/dist/css/qc-sdg.min.css ]; then \
		rm -rf $(SDG_DIR) && mkdir -p $(SDG_DIR) \
		&& npm pack --silent --pack-destination .var/design-system qc-trousse-sdg@$(SDG_VERSION) >/dev/null \
		&& tar -xzf .var/design-system/qc-trousse-sdg-$(SDG_VERSION).tgz -C $(SDG_DIR) --strip-components=1 \
		&& rm .var/design-system/qc-trousse-sdg-$(SDG_VERSION).tgz; \
	fi

# Browser tests drive Debian's Chromium (never a downloaded browser) and inject axe-core from npm.
AXE_CORE_VERSION := 4.14.1
# The real OpenID Connect provider the sign-in tests start (tests/oidc/provider.mjs). 8.x: 9.x wants Node 22.
OIDC_PROVIDER_VERSION := 8.8.1
browser-deps: frontend-deps
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" -eq 0 ]; then \
			echo "Chromium not found; installing the Debian package chromium."; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "Chromium is missing. Run: sudo apt-get install -y chromium"; exit 1; \
		fi; \
	fi
	@if [ ! -f .var/node/node_modules/axe-core/axe.min.js ]; then \
		npm install --silent --no-audit --no-fund --prefix .var/node axe-core@$(AXE_CORE_VERSION); \
	fi
	@if ! grep -qs '"version": "$(OIDC_PROVIDER_VERSION)"' .var/node/node_modules/oidc-provider/package.json; then \
		npm install --silent --no-audit --no-fund --prefix .var/node oidc-provider@$(OIDC_PROVIDER_VERSION); \
	fi

# Management commands need settings, and settings need a secret key unless DEBUG is on.
messages: export DJANGO_DEBUG = 1
messages: .venv
	$(PYTHON) manage.py makemessages -l fr -l en --ignore=.venv --ignore=.var --ignore=staticfiles
	$(PYTHON) manage.py compilemessages --ignore=.venv

# Benchmarks on the real services (docs/benchmarks.md): `make bench BENCH_ARGS="--scale 10k"`.
# The load comes from wrk, Debian's package; without it, a fixed-rate Python generator runs instead.
BENCH_ARGS ?= --scale 1k
bench: .venv services
	@if ! command -v wrk >/dev/null 2>&1; then \
		if [ "$$(id -u)" -eq 0 ]; then \
			echo "wrk not found; installing the Debian package wrk."; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
		else \
			echo "wrk not found; using the fixed-rate Python load generator (sudo apt-get install -y wrk)."; \
		fi; \
	fi
	$(PYTHON) -m bench $(BENCH_ARGS)

# Stops the services first: deleting the data of a running server would corrupt it.
clean:
	$(SERVICES) stop
	rm -rf .var
