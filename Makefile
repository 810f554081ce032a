# Sidewise: `make run` starts the app on SQLite; `make test` runs every test.
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint typecheck vectors bench vendor icons clean

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
	touch $@

run: $(VENV)/.synced
	$(VENV)/bin/sidewise migrate
	$(VENV)/bin/sidewise serve

test: $(VENV)/.synced
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

vectors: $(VENV)/.synced
	$(PY) -m sync.vectors

bench: $(VENV)/.synced
	$(PY) -m bench.ingest
	$(PY) -m bench.gym_sync

# Refresh pwa/vendor/ from the npm registry (versions pinned in pwa/tools/vendor.py); commit the result.
vendor:
	python3 pwa/tools/vendor.py

# Redraw the app icons in pwa/icons/ (stdlib only); commit the PNGs.
icons:
	python3 pwa/tools/icons.py

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
