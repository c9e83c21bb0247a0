# The two commands of the quick start: `make generate` and `make test`.
# Each installs what it needs: a .venv with the toolkit and its test deps,
# and (for tests) the pinned Node tools (Prism, pyright) with `npm ci`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: generate check test bench hostile

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

# One worker per core; a test module stays on one worker (its SDK fixtures are generated once).
test: $(BIN)/.installed node_modules/.installed
	$(BIN)/python -m pytest -q -n auto --dist loadfile

bench: $(BIN)/.installed
	$(BIN)/python -m bench

# The full property run of tests/test_hostile_names.py: 500 random hostile specs (about 40 minutes;
# SDKSMITH_HOSTILE_SEED=N replays a run). `make test` runs a fixed handful.
hostile: $(BIN)/.installed
	SDKSMITH_HOSTILE_EXAMPLES=$${SDKSMITH_HOSTILE_EXAMPLES:-500} $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_hostile_names.py
