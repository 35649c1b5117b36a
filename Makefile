# symkin — see README.md. Needs only python3 (>= 3.10) and make.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: install run test bench fuzz derivations acceptance dist smoke clean

$(PY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(PY)

install: $(PY)

run: $(PY)
	$(VENV)/bin/symkin derive ti-surface --observable all --format table
	@echo
	@echo "Next, three things to try (docs/cli.md):"
	@echo "  1. $(VENV)/bin/symkin models                                   # the built-in models"
	@echo "  2. $(VENV)/bin/symkin derive bhz-like --format latex --out build/  # a full derivation report"
	@echo "  3. cp derivations/ti_surface.toml mine.toml; edit H; $(VENV)/bin/symkin derive mine.toml"

test: $(PY)
	$(PY) -m pytest -q symkin tests

bench: $(PY)
	$(PY) bench/run.py

fuzz: $(PY)
	nice $(PY) bench/fuzz.py --n 200 --timeout 60

derivations: $(PY)
	$(PY) derivations/run_all.py build

acceptance: $(PY)
	../shared/acceptance/run

# sdist and wheel into dist/ (PEP 517 build in an isolated environment)
dist: $(PY)
	$(PY) -m pip install -q build
	rm -rf dist
	$(PY) -m build -q --outdir dist .

# install the built wheel into a fresh virtual environment and smoke-test it
smoke: dist
	rm -rf build/smoke-venv
	$(PYTHON) -m venv build/smoke-venv
	build/smoke-venv/bin/python -m pip install -q dist/symkin-*.whl
	cd build && smoke-venv/bin/symkin models > /dev/null
	cd build && smoke-venv/bin/symkin derive massive-dirac -q --format json > smoke.json
	build/smoke-venv/bin/python -c "import json; d = json.load(open('build/smoke.json')); assert d['schema'] == 1, d"
	cd build && smoke-venv/bin/symkin derive massive-dirac --plot -q 2>&1 | grep -q "pip install 'symkin\[plot\]'"
	@echo "smoke test of the wheel: ok"

clean:
	rm -rf build dist .pytest_cache
