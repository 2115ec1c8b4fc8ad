# Two commands for a newcomer (see README.md):
#   make site   set up, then build the site with the embedded model
#   make test   set up (incl. test-only system packages), then run every test
# The first install compiles llama.cpp (llama-cpp-python): several minutes.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site test setup setup-test bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	CMAKE_BUILD_PARALLEL_LEVEL=2 $(PY) -m pip install --disable-pip-version-check -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml tests/package.json
	CMAKE_BUILD_PARALLEL_LEVEL=2 $(PY) -m pip install --disable-pip-version-check -q -e '.[test]'
	sh tests/setup-system.sh
	touch $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

site: setup
	$(PY) build.py

test: setup-test
	$(PY) -m pytest -q

bench: setup-test
	$(PY) bench/run.py
