"""The `symkin` command line, run as a subprocess for each format.

All CLI runs of this module are started at once by one module fixture (they run concurrently with the
in-process Python-API derivations they are compared against), so the module costs about one TI
derivation of wall time.
"""
import io
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
import sympy as sp

from symkin import anomalous_hall, spin_density
from symkin.models import BUILTINS
from symkin.models import ti_surface
from symkin.io.latex import REPORT_SECTIONS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_SCRIPT = os.path.join(os.path.dirname(sys.executable), "symkin")
CLI = [_SCRIPT] if os.path.exists(_SCRIPT) else [sys.executable, "-m", "symkin.cli"]
ENV = {**os.environ, "COLUMNS": "100", "PYTHONIOENCODING": "utf-8"}
ENV.pop("SYMKIN_DEBUG", None)

TI_TOML = pathlib.Path(ROOT, "derivations", "ti_surface.toml").read_text()
TI_H = re.search(r'^hamiltonian = "([^"]*)"', TI_TOML, re.M).group(1)


def bad_model(tmp, name, h):
    q = "'" if '"' in h else '"'
    path = tmp / f"{name}.toml"
    path.write_text(TI_TOML.replace(f'"{TI_H}"', q + h + q))
    return str(path)


#: every built-in: its `--observable all` LaTeX report is asserted to compile in <= 20 pages (measured
#: after the merges: 6, 6, 8, 6, 5, 6 pages; bhz-like 32 kB with 7 size notes, cubic Rashba 18 kB)
REPORT_PAGE_MODELS = ("ti-surface", "massive-dirac", "bhz-like", "rashba-ferromagnet", "rashba",
                      "cubic-rashba-ferromagnet")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    flag = tmp / "pwned"
    jobs = {
        "json": ["derive", "ti-surface", "--observable", "all", "--format", "json", "--sample", "3"],
        "latex": ["derive", "ti-surface", "--format", "latex", "--out", str(tmp / "tex"), "--plot"],
        "table_file": ["derive", os.path.join(ROOT, "derivations", "massive_dirac.toml"), "--band", "gap"],
        "models": ["models"],
        **{f"all_{m}": ["derive", m, "--observable", "all", "--format", "latex", "--out", str(tmp / f"all_{m}"), "-q"]
           for m in REPORT_PAGE_MODELS},
        "bad_option": ["derive", "ti-surface", "--format", "pdf"],
        "import": ["derive", bad_model(tmp, "import", f"__import__('os').system('touch {flag}')")],
        "nonhermitian": ["derive", bad_model(tmp, "nonherm", "Matrix([[0, 1], [0, 0]])*k_x"), "--format", "json"],
    }
    procs = {k: subprocess.Popen(CLI + v, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                                 cwd=str(tmp)) for k, v in jobs.items()}
    model = ti_surface()
    api = {"hall": anomalous_hall(model), "spin": spin_density(model)}   # meanwhile, in process
    out = {}
    for k, p in procs.items():
        so, se = p.communicate(timeout=300)
        out[k] = subprocess.CompletedProcess(jobs[k], p.returncode, so, se)
    return {"tmp": tmp, "flag": flag, "api": api, **out}


def _write(path, text):
    path.write_text(text)
    return str(path)


# ------------------------------------------------------------------------------ JSON
SCHEMA = {  # docs/cli.md, "JSON schema, version 1" (subset of JSON Schema, checked by `validate`)
    "type": "object",
    "required": ["schema", "generator", "model", "regime", "conventions", "approximation", "symbols",
                 "observables"],
    "properties": {
        "schema": {"enum": [1]},
        "generator": {"type": "string"},
        "model": {"type": "object", "required": ["name", "source", "hamiltonian", "momenta", "disorder",
                                                 "fermi_level"],
                  "properties": {"hamiltonian": {"$ref": "expr"}, "momenta": {"type": "array",
                                                                             "items": {"type": "string"}}}},
        "regime": {"type": "object", "required": ["name", "description", "E_F_sign", "lower", "upper"],
                   "properties": {"name": {"enum": ["conduction", "valence", "gap"]}, "E_F_sign": {"enum": [1, -1]},
                                  "lower": {"$ref": "expr?"}, "upper": {"$ref": "expr?"}}},
        "conventions": {"type": "object", "required": ["units", "charge", "conductivity", "spin", "berry",
                                                       "disorder", "fermi_level"],
                        "values": {"type": "string"}},
        "approximation": {"type": "string"},
        "symbols": {"type": "object", "values": {"type": "object", "required": ["role", "assumptions"],
                                                 "properties": {"assumptions": {"type": "object",
                                                                                "values": {"enum": [True]}}}}},
        "observables": {"type": "object", "values": {
            "type": "object",
            "required": ["quantity", "symbol", "kind", "regime", "approximation", "contributions", "labels",
                         "paper_equations", "expressions"],
            "properties": {"kind": {"enum": ["scalar", "vector"]},
                           "contributions": {"type": "array", "items": {"type": "string"}},
                           "expressions": {"type": "object", "required": ["total"], "values": {"$ref": "expr"}}}}},
        "samples": {"type": "object", "required": ["n", "seed", "rule", "points"],
                    "properties": {"points": {"type": "array", "items": {
                        "type": "object", "required": ["point", "values"],
                        "properties": {"point": {"type": "object", "values": {"type": "number"}}}}}}},
    },
}
EXPR = {"type": "object", "required": ["str", "srepr", "latex"],
        "properties": {"str": {"type": "string"}, "srepr": {"type": "string"}, "latex": {"type": "string"},
                       "components": {"type": "array", "items": {"$ref": "expr"}}}}
TYPES = {"object": dict, "array": list, "string": str, "number": (int, float)}


def validate(x, schema, path="$"):
    """Tiny validator for the schema subset used here ($ref expr / expr?, type, enum, required,
    properties, items, values = schema of every value of an object)."""
    ref = schema.get("$ref")
    if ref:
        if ref == "expr?" and x is None:
            return
        return validate(x, EXPR, path)
    if "type" in schema:
        assert isinstance(x, TYPES[schema["type"]]) and not isinstance(x, bool), f"{path}: not {schema['type']}"
    if "enum" in schema:
        assert x in schema["enum"], f"{path}: {x!r} not in {schema['enum']}"
    for key in schema.get("required", ()):
        assert key in x, f"{path}: missing {key}"
    for key, sub in schema.get("properties", {}).items():
        if isinstance(x, dict) and key in x:
            validate(x[key], sub, f"{path}.{key}")
    if "items" in schema:
        for i, y in enumerate(x):
            validate(y, schema["items"], f"{path}[{i}]")
    if "values" in schema:
        for key, y in x.items():
            validate(y, schema["values"], f"{path}.{key}")


NS = {name: getattr(sp, name) for name in dir(sp) if not name.startswith("_")}


def from_srepr(s):
    """Re-parse an srepr string (trusted test input) in a namespace of SymPy names only."""
    return eval(s, {"__builtins__": {}}, NS)


def same(a, b):
    a, b = sp.Matrix(a) if isinstance(a, sp.MatrixBase) else a, sp.Matrix(b) if isinstance(b, sp.MatrixBase) else b
    d = (a - b).applyfunc(sp.cancel) if isinstance(a, sp.MatrixBase) else sp.cancel(a - b)
    return d == sp.zeros(*a.shape) if isinstance(a, sp.MatrixBase) else d == 0


@pytest.fixture(scope="module")
def doc(runs):
    r = runs["json"]
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_json_matches_documented_schema(doc):
    validate(doc, SCHEMA)
    assert doc["schema"] == 1
    assert set(doc["observables"]) == {"sigma_yx", "spin_density", "spin_orbit_torque", "spin_hall"}
    hall = doc["observables"]["sigma_yx"]
    assert hall["contributions"] == ["intrinsic", "extrinsic", "side_jump", "skew"]
    assert hall["paper_equations"]["total"] == 86 and hall["kind"] == "scalar"
    assert doc["observables"]["spin_density"]["kind"] == "vector"
    assert doc["symbols"]["M"]["assumptions"]["positive"] is True
    assert doc["symbols"]["k_x"]["assumptions"] == {"real": True}
    assert "sigma_ab = j_a / E_b" in doc["conventions"]["conductivity"]
    assert doc["approximation"].startswith("first Born")


def test_json_expressions_round_trip_to_the_python_api(doc, runs):
    api = runs["api"]
    hall = doc["observables"]["sigma_yx"]["expressions"]
    for name, expected in api["hall"].items():
        got = from_srepr(hall[name]["srepr"])
        assert same(got, expected), name
        assert got.free_symbols == sp.sympify(expected).free_symbols  # assumptions survive
    spin = doc["observables"]["spin_density"]["expressions"]
    for name, expected in api["spin"].items():
        got = from_srepr(spin[name]["srepr"])
        assert same(got, expected), name
        comps = [from_srepr(c["srepr"]) for c in spin[name]["components"]]
        assert same(sp.Matrix(comps), expected)
    H = from_srepr(doc["model"]["hamiltonian"]["srepr"])
    assert H == ti_surface().H


def test_json_str_form_reparses_with_the_declared_symbols(doc):
    syms = {n: sp.Symbol(n, **s["assumptions"]) for n, s in doc["symbols"].items()}
    for entry in doc["observables"]["sigma_yx"]["expressions"].values():
        assert sp.parse_expr(entry["str"], local_dict=syms) == from_srepr(entry["srepr"])


def test_json_samples_are_evaluations_of_the_expressions(doc):
    s = doc["samples"]
    assert s["n"] == 3 and len(s["points"]) == 3 and s["seed"] == 0
    exprs = {key: {n: from_srepr(e["srepr"]) for n, e in ob["expressions"].items()}
             for key, ob in doc["observables"].items()}
    for row in s["points"]:
        p = row["point"]
        assert p["epsilon_F"] > p["M"] > 0                         # inside the conduction regime
        for key, vals in row["values"].items():
            for name, val in vals.items():
                x = exprs[key][name]
                sub = {sym: p[sym.name] for sym in x.free_symbols}
                num = [complex(sp.N(c.xreplace(sub))) for c in x] if isinstance(x, sp.MatrixBase) \
                    else complex(sp.N(x.xreplace(sub)))
                for a, b in zip(num if isinstance(num, list) else [num], val if isinstance(val, list) else [val]):
                    assert abs(a - b) <= 1e-9 * max(1.0, abs(a)), (key, name)


def test_json_samples_are_reproducible(doc):
    from symkin.io.export import sample_points
    pts = sample_points(ti_surface(), None, 3, seed=0)
    assert [r["point"] for r in doc["samples"]["points"]] == pts


# ------------------------------------------------------------------------------ LaTeX and plot
def balanced_environments(tex):
    stack = []
    for m in re.finditer(r"\\(begin|end)\{([^}]*)\}", tex):
        if m.group(1) == "begin":
            stack.append(m.group(2))
        else:
            assert stack and stack.pop() == m.group(2), f"unbalanced \\end{{{m.group(2)}}}"
    assert not stack, f"unclosed {stack}"
    depth = 0
    for ch in re.sub(r"\\[{}]", "", tex):
        depth += (ch == "{") - (ch == "}")
        assert depth >= 0
    assert depth == 0
    return True


@pytest.fixture(scope="module")
def tex(runs):
    r = runs["latex"]
    assert r.returncode == 0, r.stderr
    path = runs["tmp"] / "tex" / "ti_surface.tex"
    assert f"wrote {path}" in r.stderr
    return path.read_text()


def test_latex_report_structure(tex):
    assert tex.startswith("\\documentclass") and "\\begin{document}" in tex and tex.rstrip().endswith("\\end{document}")
    assert balanced_environments(tex)
    for sec in REPORT_SECTIONS + ("Anomalous Hall conductivity",):
        assert f"\\section{{{sec}}}" in tex, sec
    for eq in (68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 81, 82, 83, 84, 85, 86):
        assert f"[Eq.~{eq}" in tex, eq
    assert "not available" not in tex
    assert "\\section{Spin density}" not in tex          # --observable hall (default) only


def test_latex_report_contains_the_closed_forms(tex):
    assert sp.latex(anomalous_hall(ti_surface()).total) in tex
    assert r"\frac{e^{2} \xi_{F}}{4 \pi \hbar}" in tex      # Eq. 74 in terms of xi_F


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_latex_report_compiles(runs, tex, tmp_path):
    (tmp_path / "r.tex").write_text(tex)
    r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "r.tex"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-2000:]
    assert (tmp_path / "r.pdf").stat().st_size > 10_000


def _pdflatex_pages(tex_path):
    """Compile with pdflatex; returns the number of pages from "Output written on X.pdf (N pages"."""
    r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex_path.name], cwd=tex_path.parent,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:]
    m = re.search(r"Output written on .*?\((\d+) pages?", r.stdout.replace("\n", ""))
    assert m, r.stdout[-1000:]
    return int(m.group(1))


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
@pytest.mark.parametrize("name", REPORT_PAGE_MODELS)
def test_all_observables_report_compiles_in_at_most_20_pages(runs, name):
    """Issue 12: the `--observable all` LaTeX report compiles, <= 20 pages, no line near TeX's buffer."""
    r = runs[f"all_{name}"]
    assert r.returncode == 0, r.stderr
    (tex,) = (runs["tmp"] / f"all_{name}").glob("*.tex")
    assert max(map(len, tex.read_text().splitlines())) <= 1000
    assert 1 <= _pdflatex_pages(tex) <= 20


@pytest.mark.parametrize("name", REPORT_PAGE_MODELS)
def test_all_observables_report_has_no_raw_code(runs, name):
    """Issue 12: no SymPy text in place of a formula (the report's fallback "(too long to typeset; SymPy
    form)"), and every stage quantity (Fermi surface to the skew distribution) typeset, in the
    Fermi-surface variables with their definitions where the model has them (bhz_like)."""
    (tex,) = (runs["tmp"] / f"all_{name}").glob("*.tex")
    text = tex.read_text()
    assert "SymPy form" not in text
    assert "expression too large to typeset" not in text  # (the damping-like torque of bhz_like was)
    stages = text[text.index("\\section{Fermi surface"):text.index("\\section{Anomalous Hall")]
    assert "expression too large to typeset" not in stages and "not available" not in stages
    if name == "bhz-like":
        assert "written in the Fermi-surface variables, defined by" in stages
        for lhs in (r"\rho(\epsilon_F) &= ", r"\tau_{\mathrm{tr}} &= ", r"n^{(\mathrm{sk})}_{++}\big|_{k = k_{F}} &= "):
            line = stages.split(lhs)[1].split("\n")[0] if lhs in stages else ""
            assert "k_{F}" in line and "\\sqrt" not in line, lhs


def test_plot_written(runs):
    for png in ("ti_surface_sigma_yx.png", "ti_surface_sigma_yx_vs_EF.png"):
        data = (runs["tmp"] / "tex" / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert not list((runs["tmp"] / "tex").glob("*.tmp"))   # atomic writes leave no temporary file


def test_progress_on_stderr(runs):
    err = runs["latex"].stderr
    assert "skew distribution" in err and re.search(r"\[\s*\d+\.\d s\]", err)
    assert "Traceback" not in err


# ------------------------------------------------------------------------------ table, models
def test_table_from_a_model_file(runs):
    r = runs["table_file"]
    assert r.returncode == 0, r.stderr
    for word in ("sigma_yx", "massive_dirac", "gap (0 < epsilon_F < Delta", "intrinsic", "extrinsic",
                 "side_jump", "skew", "total", "approximation: first Born", "Eq. 86"):
        assert word in r.stdout, word


def test_models_lists_builtins_with_hamiltonians(runs):
    r = runs["models"]
    assert r.returncode == 0
    for name in ("ti-surface", "massive-dirac", "bhz-like"):
        assert name in r.stdout
    assert len(re.findall(r"^\s+H = ", r.stdout, re.M)) == len(BUILTINS)


# ------------------------------------------------------------------------------ errors
def test_input_errors_in_a_subprocess_are_one_clear_line(runs):
    for key, needle in (("import", "key 'hamiltonian' (line 3): attribute access is not allowed"),
                        ("nonhermitian", "key 'hamiltonian' (line 3): H is not Hermitian")):
        r = runs[key]
        assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("symkin: error: ") and needle in r.stderr
    assert not runs["flag"].exists()


def test_usage_error(runs):
    r = runs["bad_option"]
    assert r.returncode == 2 and "Invalid value for '--format'" in r.stderr and "Traceback" not in r.stderr


def run_main(capsys, *argv):
    """symkin.io.cli.main in process (the console script's code path, minus interpreter start-up)."""
    from symkin.io.cli import main
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


@pytest.mark.parametrize("name,h,needle", [
    ("lambda", "(lambda: open('{flag}', 'w'))()", "lambda is not allowed"),
    ("dunder", "().__class__.__base__.__subclasses__()", "attribute access is not allowed"),
    ("unknown", "k_x*sigma_x + q*sigma_z", "unknown symbol 'q'"),
    ("warped", TI_H + " + M*(k_x**3 - 3*k_x*k_y**2)*sigma_z", "not rotationally symmetric"),
])
def test_input_errors_are_one_clear_line(capsys, tmp_path, name, h, needle):
    flag = tmp_path / "pwned"
    code, out, err = run_main(capsys, "derive", bad_model(tmp_path, name, h.format(flag=flag)), "-q")
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("symkin: error: ")
    assert needle in err and not flag.exists()


def test_other_input_errors(capsys, tmp_path):
    code, _, err = run_main(capsys, "derive", "no-such-model")
    assert code == 2 and "unknown model 'no-such-model'" in err
    code, _, err = run_main(capsys, "derive", _write(tmp_path / "s.toml", TI_TOML + "\n[parameters\n"))
    assert code == 2 and "TOML syntax error" in err and "line" in err
    code, _, err = run_main(capsys, "derive", bad_model(tmp_path, "shifted", TI_H + " + 3*M*sigma_0"),
                            "--band", "both")
    assert code == 2 and "no 'both' regime" in err and err.count("\n") == 1


def test_sample_needs_json(capsys):
    code, _, err = run_main(capsys, "derive", "ti-surface", "--sample", "3")
    assert code == 2 and "--sample applies to --format json only" in err


def test_table_to_out_dir(capsys, tmp_path):
    code, out, err = run_main(capsys, "derive", "massive-dirac", "--band", "gap", "--out", str(tmp_path), "-q")
    assert code == 0 and out == "" and f"wrote {tmp_path}" in err
    assert "Eq. 86" in (tmp_path / "massive_dirac.txt").read_text()


def test_run_all_discovers_every_derivation():
    import importlib.util
    spec = importlib.util.spec_from_file_location("run_all", os.path.join(ROOT, "derivations", "run_all.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    labels = [label for label, _, _ in mod.items("out", 60)]
    for script in ("ti_surface", "massive_dirac"):
        assert f"script {script}.py" in labels and not any(f"model {script}.toml" in x for x in labels)
    assert "script run_all.py" not in labels
    assert any(x.startswith("model bhz_like.toml: latex") for x in labels)


# ------------------------------------------------------------------ --operator, N x N spin-hall
FOUR_TOML = '''name = "two_dirac"
hamiltonian = "hbar*v*kron(tau_z, k_x*sigma_x + k_y*sigma_y) + M*kron(tau_0, sigma_z)"
[parameters]
v = "positive"
M = "positive"
[operators]
spin_z = "kron(tau_0, sigma_z)"
'''


def _run(*args):
    return subprocess.run(CLI + list(args), capture_output=True, text=True, env=ENV, timeout=600)


def test_operator_response_equals_python_api(tmp_path):
    from symkin import response
    from symkin.io.modelfile import load_model
    from symkin.io.export import text_table
    path = tmp_path / "ti_op.toml"
    path.write_text(TI_TOML + '\n[operators]\nspin_x = "sigma_x"\n')
    p = _run("derive", str(path), "--operator", "spin_x", "-q")
    assert p.returncode == 0, p.stderr
    sx = sp.Matrix([[0, 1], [1, 0]])            # typed here, independently of the model file
    r = response(load_model(str(path)), sx)
    assert r.total != sp.zeros(1, 1)
    assert p.stdout == text_table(r, width=100) + "\n"


@pytest.mark.parametrize("args, msg", [
    (("--observable", "spin-hall"), "4 x 4: define the spin-current operator under [operators]"),
    (("--operator", "nope"), "no operator 'nope' in [operators] (defined: spin_z)"),
])
def test_four_band_spin_hall_and_unknown_operator(tmp_path, args, msg):
    path = tmp_path / "four.toml"
    path.write_text(FOUR_TOML)
    p = _run("derive", str(path), *args, "-q")
    assert p.returncode == 2
    assert msg in p.stderr and "SympifyError" not in p.stderr and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_operator_needs_a_model_file():
    p = _run("derive", "ti-surface", "--operator", "s_x", "-q")
    assert p.returncode == 2 and "--operator needs a model file" in p.stderr


# ------------------------------------------------------------------------------ output phase (issue 12 item 4)
def test_unwritable_out_is_reported_before_any_derivation(capsys, tmp_path, monkeypatch):
    from symkin.io import cli, pipeline
    blocker = tmp_path / "a_file"
    blocker.write_text("x")

    def no_derivation(*a, **k):
        raise AssertionError("a derivation started before --out was checked")
    monkeypatch.setattr(pipeline, "run_stages", no_derivation)
    for fmt in ("latex", "json"):
        with pytest.raises(SystemExit) as exc:
            cli.main(["derive", "ti-surface", "--format", fmt, "--out", str(blocker / "sub")])
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert "--out" in err and "cannot write there" in err and err.count("\n") == 1


def test_a_slow_formatting_step_stops_with_one_message_naming_it(monkeypatch):
    import time
    from symkin.errors import SymkinError
    from symkin.io.pipeline import Progress, output_step
    buf = io.StringIO()
    with pytest.raises(SymkinError, match=r"^LaTeX report: timed out after 0.2 s \(--stage-timeout\)"):
        output_step("LaTeX report", lambda: time.sleep(30), Progress(stream=buf, delay=0), timeout=0.2)
    assert output_step("table", lambda: "ok", timeout=5) == "ok"


def test_atomic_write_replaces_whole_files_or_nothing(tmp_path):
    from symkin.io.common import write_atomic
    path = tmp_path / "r.tex"
    write_atomic(str(path), "first")
    write_atomic(str(path), b"second")
    assert path.read_text() == "second"
    with pytest.raises(UnicodeEncodeError):
        write_atomic(str(path), "bad \udc80 surrogate")    # fails while writing: the old file stays
    assert path.read_text() == "second" and [p.name for p in tmp_path.iterdir()] == ["r.tex"]
    (tmp_path / "plain").write_text("x")
    assert path.stat().st_mode == (tmp_path / "plain").stat().st_mode    # permissions as open() gives


def test_every_builtin_has_its_report_page_check():
    # issue 12: the `--observable all` report of *every* built-in compiles in <= 20 pages
    assert set(REPORT_PAGE_MODELS) == {name.replace("_", "-") for name in BUILTINS}
