# `make` sets everything up and builds content/ into out/; `make test` runs the tests. On a fresh
# Debian or Ubuntu machine these two commands are all it takes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all build bytecode test bench check clean
all: build

# System packages come first (pip cannot install Pango or the fonts): check_system.py installs
# what is missing with apt-get as root or through sudo -n, or prints the one command to run and stops.
$(STAMP): pyproject.toml
	@$(PYTHON) tools/check_system.py build
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# pip compiles the libraries it installs, but not an editable project's own modules; compiled now,
# every build and each of its render workers loads them without compiling them again (Python
# would, where PYTHONDONTWRITEBYTECODE is set, in every process). A stale file is recompiled.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q studyguide compile.py

build: $(STAMP) bytecode
	$(BIN)/python compile.py

check: $(STAMP)
	$(BIN)/python compile.py check

test: $(STAMP) bytecode
	@$(PYTHON) tools/check_system.py test
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf out/* .cache
