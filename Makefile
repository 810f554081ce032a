# Sidewise: `make run` starts the app on SQLite; `make test` runs every test.
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python

NODE_DEPS := node_modules/.package-lock.json

.PHONY: run test lint typecheck vectors bench vendor icons screenshots node-deps clean

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
	touch $@

# Lighthouse (the browser tests' audit) from package-lock.json.
$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

node-deps: $(NODE_DEPS)

# `sidewise vapid` creates the push key in data/ once and keeps it after that.
run: $(VENV)/.synced
	$(VENV)/bin/sidewise migrate
	$(VENV)/bin/sidewise vapid
	$(VENV)/bin/sidewise serve

# The browser tests (tests/browser/) need Debian's chromium package: apt-get install -y chromium.
test: $(VENV)/.synced $(NODE_DEPS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	node --test pwa/tests/
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
	$(PY) -m bench.dispatch
	$(PY) -m bench.your_data
	$(PY) -m bench.pwa

# Refresh pwa/vendor/ from the npm registry (versions pinned in pwa/tools/vendor.py); commit the result.
vendor:
	python3 pwa/tools/vendor.py

# Redraw the app icons in pwa/icons/ (stdlib only); commit the PNGs.
icons:
	python3 pwa/tools/icons.py

# Log, History and Sync at 390 x 844 with a few sets per side, into docs/screenshots/; commit them.
screenshots: $(VENV)/.synced
	$(PY) -m tests.browser.screenshots
	SIDEWISE_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(PY) -m pytest -q tests/browser/test_your_data.py

clean:
	rm -rf $(VENV) $(TOOLS) node_modules .pytest_cache .mypy_cache .ruff_cache
