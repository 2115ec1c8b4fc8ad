# Two commands for a newcomer (see README.md):
#   make site   set up, then build the site with the embedded model
#   make test   set up (incl. test-only system packages), then run every test
# The first install compiles llama.cpp (llama-cpp-python): several minutes.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# llama.cpp is compiled for a portable x86-64 baseline (AVX2/FMA/F16C), not for
# this exact CPU: "native" builds use AMX/AVX-512 kernels that crash with
# "Illegal instruction" on virtual machines that advertise but do not allow them.
# --no-cache-dir makes pip compile with these flags rather than reuse a cached wheel.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
export CMAKE_BUILD_PARALLEL_LEVEL ?= 2
PIP := $(PY) -m pip install --disable-pip-version-check --no-cache-dir -q -c constraints.txt

.PHONY: site test setup setup-test bench

$(VENV)/.installed: pyproject.toml constraints.txt
	sh scripts/system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml constraints.txt tests/package.json
	$(PIP) -e '.[test]'
	sh scripts/system-packages.sh --test
	touch $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

site: setup
	$(PY) build.py

test: setup-test
	$(PY) -m pytest -q

bench: setup-test
	$(PY) bench/run.py
