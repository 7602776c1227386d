# The two set-up commands of README.md: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.spikeset-installed

.PHONY: install demo test bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	bash .ci/system-deps
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/spikeset demo --out demo-out

test: install
	$(PY) -m pytest

bench: install
	$(PY) bench/hh.py
	$(PY) bench/grade.py

clean:
	rm -rf demo-out build *.egg-info .pytest_cache
