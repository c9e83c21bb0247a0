# The two commands of the quick start: `make generate` and `make test`.
# Each installs what it needs: a .venv with the toolkit and its test deps,
# and (for tests) the pinned Node tools (Prism, pyright) with `npm ci`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: generate check test bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

generate: $(BIN)/.installed
	$(BIN)/sdksmith generate spec/experiments.yaml -o generated

check: $(BIN)/.installed
	$(BIN)/sdksmith check spec/experiments.yaml -o generated

test: $(BIN)/.installed node_modules/.installed
	$(BIN)/python -m pytest -q

bench: $(BIN)/.installed
	$(BIN)/python -m bench
