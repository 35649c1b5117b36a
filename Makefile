# symkin — see README.md. Needs only python3 (>= 3.10) and make.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install -q --disable-pip-version-check
# what is installed into .venv, one stamp per layer: `make run` needs only the core (symkin and its
# run-time dependencies); `make test` adds the test extra (pytest, hypothesis, matplotlib), `make docs`
# the docs extra (Sphinx, myst-parser, numpydoc).  A change of pyproject.toml reinstalls.
CORE   := $(VENV)/.installed-core
TESTX  := $(VENV)/.installed-test
DOCSX  := $(VENV)/.installed-docs

.PHONY: install run test docs bench fuzz derivations acceptance dist smoke clean

$(CORE): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	@touch $@

$(TESTX): $(CORE)
	$(PIP) -e '.[test]'
	@touch $@

$(DOCSX): $(CORE)
	$(PIP) -e '.[docs]'
	@touch $@

# the development install (symkin + test extra), what CI and ../shared/acceptance/run use
install: $(TESTX)

run: $(CORE)
	$(VENV)/bin/symkin derive ti-surface --observable all --format table
	@echo
	@echo "Next, three things to try (docs/cli.md):"
	@echo "  1. $(VENV)/bin/symkin models                                   # the built-in models"
	@echo "  2. $(VENV)/bin/symkin derive bhz-like --format latex --out build/  # a full derivation report"
	@echo "  3. cp derivations/ti_surface.toml mine.toml; edit H; $(VENV)/bin/symkin derive mine.toml"

test: $(TESTX)
	$(PY) -m pytest -q symkin tests docs

# the documentation site (Sphinx, warnings are errors) into build/docs/index.html
docs: $(DOCSX)
	$(PY) -m sphinx -W --keep-going -q -E -b html docs build/docs
	@echo "documentation: build/docs/index.html"

bench: $(CORE)
	$(PY) bench/run.py

fuzz: $(CORE)
	nice $(PY) bench/fuzz.py --n 200 --timeout 60

derivations: $(CORE)
	$(PY) derivations/run_all.py build

acceptance: $(TESTX)
	../shared/acceptance/run

# sdist and wheel into dist/ (PEP 517 build in an isolated environment)
dist: $(CORE)
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
