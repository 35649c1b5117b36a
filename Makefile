# symkin — see README.md. Needs only python3 (>= 3.10) and make.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: install run test bench derivations acceptance clean

$(PY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(PY)

install: $(PY)

run: $(PY)
	$(VENV)/bin/symkin derive ti-surface --observable all --format table

test: $(PY)
	$(PY) -m pytest -q symkin tests

bench: $(PY)
	$(PY) bench/run.py

derivations: $(PY)
	$(PY) derivations/run_all.py build

acceptance: $(PY)
	../shared/acceptance/run

clean:
	rm -rf build .pytest_cache
