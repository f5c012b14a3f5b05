# `make` sets everything up and builds content/ into out/; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all build test bench check clean
all: build

# System libraries come first: without Pango nothing works, and pip cannot install it.
$(STAMP): pyproject.toml
	@$(PYTHON) tools/check_system.py build
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

build: $(STAMP)
	$(BIN)/python compile.py

check: $(STAMP)
	$(BIN)/python compile.py check

test: $(STAMP)
	@$(PYTHON) tools/check_system.py test
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf out/* .cache
