# Two everyday commands: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Opens the window: the demo company on the very first run, the last company file after that.
run: $(VENV)/.installed
	$(BIN)/creditdesk gui --demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check creditdesk tests tools
	$(BIN)/ruff format --check creditdesk tests tools
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python tools/lint_clock.py creditdesk

test: lint
	sh tools/ensure_postgres.sh
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2

bench: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/bench -p no:cacheprovider -s -q -o addopts=""

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis

# The frozen app (dist/creditdesk/), its self-test, and on Linux the .deb: see packaging/build.py.
$(VENV)/.installed-dist: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dist]'
	touch $@ $(VENV)/.installed

.PHONY: dist
dist: $(VENV)/.installed-dist
	$(BIN)/python packaging/build.py
