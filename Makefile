# The two set-up commands of README.md: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.spikeset-installed

.PHONY: install demo test bench bench-extra clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

BASE_STAMP := $(VENV)/.spikeset-base

# The package alone (what `make demo` needs); the test tools come on top for `make test`.
$(BASE_STAMP): $(PY) pyproject.toml
	bash .ci/system-deps pdf
	$(PY) -m pip install --quiet -e .
	$(PY) -m compileall -q generator solutions problems > /dev/null
	touch $(BASE_STAMP)

$(STAMP): $(BASE_STAMP)
	bash .ci/system-deps
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Byte-compiled once here: with PYTHONDONTWRITEBYTECODE set (as on CI machines) every run would
# otherwise recompile the package, a tenth of a second of `spikeset grade` on one file.
install: $(STAMP)
	$(PY) -m compileall -q generator solutions problems > /dev/null

demo: $(BASE_STAMP)
	$(VENV)/bin/spikeset demo --out demo-out

test: install
	$(PY) -m pytest

bench: install
	$(PY) bench/generate.py
	$(PY) bench/hh.py
	$(PY) bench/grade.py
	$(PY) bench/pdf.py
	$(PY) bench/exports.py

# HH benchmark with the optional comparisons: NEURON in $(VENV), Brian2 in its own venv
# (Brian2 2.9 does not import under numpy 2; bench/hh.py runs bench/brian2_hh.py there).
BRIAN2_VENV ?= .venv-brian2
$(BRIAN2_VENV)/bin/python:
	$(PYTHON) -m venv $(BRIAN2_VENV)
	$(BRIAN2_VENV)/bin/pip install --quiet 'numpy<2' 'brian2==2.9.0'

bench-extra: install $(BRIAN2_VENV)/bin/python
	$(PY) -m pip install --quiet 'neuron>=8.2'
	SPIKESET_BRIAN2_PYTHON=$(BRIAN2_VENV)/bin/python $(PY) bench/hh.py

clean:
	rm -rf demo-out build *.egg-info .pytest_cache
