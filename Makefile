# Sidewise: `make run` starts the app on SQLite; `make test` runs every test.
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python

NODE_DEPS := node_modules/.package-lock.json

.PHONY: run test lint typecheck vectors bench vendor icons screenshots node-deps chromium clean

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

# Everything in uv.lock: the server and the test and type-check toolchain (the dev group).
# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set nothing caches it, and
# every server start (the crash tests restart it a dozen times) would compile all it imports.
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --compile-bytecode
	touch $@

# What serving needs, from the same lock; --inexact keeps dev packages a `make test` installed.
$(VENV)/.serving: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --no-dev --inexact --compile-bytecode
	touch $@

# Lighthouse (the browser tests' audit) from package-lock.json.
$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

node-deps: $(NODE_DEPS)

# `sidewise vapid` creates the push key in data/ once and keeps it after that; `sidewise serve`
# ends its start-up by printing the address to open.
run: $(VENV)/.serving
	$(VENV)/bin/sidewise migrate
	$(VENV)/bin/sidewise vapid
	$(VENV)/bin/sidewise serve

# The browser tests drive Debian's chromium package, never a downloaded browser.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
		else \
			echo "the browser tests need Debian's chromium: sudo apt-get install -y chromium" >&2; \
		fi; \
	fi

# PostgreSQL tests run on this machine's PostgreSQL when there is one (started if it is down),
# unless SIDEWISE_TEST_POSTGRES_URL names another.
test: $(VENV)/.synced $(NODE_DEPS) chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	node --test pwa/tests/
	$(PY) -m compileall -q backend sync bench >/dev/null
	SIDEWISE_TEST_POSTGRES_URL="$${SIDEWISE_TEST_POSTGRES_URL:-$$(sh tests/support/local_postgres.sh)}" \
		$(VENV)/bin/pytest

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.synced
	$(VENV)/bin/mypy

# The shared cases both languages replay: sync/vectors.json and tests/fixtures/*.json.
vectors: $(VENV)/.synced
	$(PY) -m sync.vectors
	$(PY) -m tests.domain.chart_cases
	$(PY) -m tests.domain.plan_cases

bench: $(VENV)/.synced
	$(PY) -m bench.ingest
	$(PY) -m bench.gym_sync
	$(PY) -m bench.growth --other-ops 1000000
	$(PY) -m bench.dispatch
	$(PY) -m bench.your_data
	$(PY) -m bench.pwa
	$(PY) -m bench.sessions
	$(PY) -m bench.clinician

# Refresh pwa/vendor/ from the npm registry (versions pinned in pwa/tools/vendor.py); commit the result.
vendor:
	python3 pwa/tools/vendor.py

# Redraw the app icons in pwa/icons/ (stdlib only); commit the PNGs.
icons:
	python3 pwa/tools/icons.py

# Log, History and Sync at 390 x 844 with a few sets per side, into docs/screenshots/; commit them.
screenshots: $(VENV)/.synced
	$(PY) -m tests.browser.screenshots
	SIDEWISE_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(PY) -m pytest -q tests/browser/test_your_data.py \
		tests/browser/test_clinician.py

clean:
	rm -rf $(VENV) $(TOOLS) node_modules .pytest_cache .mypy_cache .ruff_cache
