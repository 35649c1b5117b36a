"""Model files: shipped TOMLs equal the built-ins; malicious or broken files are refused with an error
naming the key and line, and nothing in them is ever executed (no derivations here: fast)."""
import builtins
import glob
import os

import pytest
import sympy as sp

from symkin.errors import SymkinError
from symkin.models import BUILTINS
from symkin.io.modelfile import (ModelFileError, load_model, parse_expression, parse_model, parse_model_file,
                              read_model_file)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DERIV = os.path.join(ROOT, "derivations")
TI_H = "hbar*v_F*(k_x*sigma_y - k_y*sigma_x) + M*sigma_z"
BASE = f'''hamiltonian = "{TI_H}"
name = "t"

[parameters]
v_F = "positive"
M = "positive"
'''


def with_h(h):
    """BASE with the Hamiltonian string replaced (TOML literal string when h contains a quote)."""
    q = "'" if '"' in h else '"'
    if "'" in h and '"' in h:
        h = h.replace('"', '\\"')
        q = '"'
    return BASE.replace(f'"{TI_H}"', q + h + q)


def same(a, b):
    return all(sp.expand(x) == 0 for x in sp.Matrix(a) - sp.Matrix(b))


# ------------------------------------------------------------------------- shipped files
@pytest.mark.parametrize("stem,builtin", [("ti_surface", "ti-surface"), ("massive_dirac", "massive-dirac"),
                                          ("bhz_like", "bhz-like")])
def test_shipped_model_files_equal_builtins(stem, builtin):
    m = load_model(os.path.join(DERIV, stem + ".toml"))
    ref = BUILTINS[builtin]()
    assert same(m.H, ref.H)
    assert m.momenta == ref.momenta and m.disorder == ref.disorder and m.name == ref.name
    assert m.sample == ref.sample
    assert {s.name: s for s in m.parameters} == {s.name: s for s in ref.parameters}  # assumptions too


def test_every_shipped_toml_parses():
    files = glob.glob(os.path.join(DERIV, "*.toml"))
    assert files
    for f in files:
        mf = read_model_file(f)
        assert mf.model.n_bands == 2 and mf.source == f


def test_metadata():
    mf = read_model_file(os.path.join(DERIV, "massive_dirac.toml"))
    assert mf.band == "conduction" and "Delta" in mf.descriptions and mf.description


# ------------------------------------------------------------------------- expression language
@pytest.mark.parametrize("h,expected", [
    ("[[M, hbar*v_F*(-I*k_x - k_y)], [hbar*v_F*(I*k_x - k_y), -M]]", None),
    ("Matrix([[M, hbar*v_F*(-I*k_x - k_y)], [hbar*v_F*(I*k_x - k_y), -M]])", None),
    ("hbar*v_F*(k_x*sigma_y - k_y*sigma_x) + M*sigma_z + 0*sigma_0", None),
    ("2*M*sigma_z/2 + hbar*v_F*(k_x*sigma_y - k_y*sigma_x)", None),
])
def test_equivalent_spellings(h, expected):
    m = parse_model(with_h(h))
    assert same(m.H, BUILTINS["ti-surface"]().H)


def test_scalar_plus_matrix_means_identity_and_decimals_are_exact():
    m = parse_model(with_h("0.5*M + k_x*sigma_x + k_y*sigma_y + M*sigma_z"))
    M = sp.Symbol("M", positive=True)
    assert m.H[0, 0] == sp.Rational(1, 2) * M + M and m.H[1, 1] == sp.Rational(1, 2) * M - M
    assert not m.H.atoms(sp.Float)


def test_matrix_of_strings_form():
    text = BASE.replace(f'hamiltonian = "{TI_H}"',
                        'hamiltonian = [["M", "hbar*v_F*(-I*k_x - k_y)"], ["hbar*v_F*(I*k_x - k_y)", "-M"]]')
    assert same(parse_model(text).H, BUILTINS["ti-surface"]().H)


def test_custom_fermi_level_band_and_disorder_names():
    text = BASE.replace('name = "t"', 'name = "t"\nfermi_level = "mu"\nband = "valence"') \
        + '[disorder]\nstrength = "W"\n'
    mf = parse_model_file(text)
    assert mf.model.fermi_level == sp.Symbol("mu", positive=True)
    assert mf.model.disorder.u0 == sp.Symbol("W", positive=True)
    assert mf.band == "valence"


# ------------------------------------------------------------------------- malicious input
MALICIOUS = [
    "__import__('os').system('touch {flag}')",
    "(lambda: open('{flag}', 'w'))()",
    "().__class__.__base__.__subclasses__()",
    "open('{flag}', 'w')",
    "eval('1')",
    "exec('x=1')",
    "k_x*sigma_x.__class__",
    "sigma_x[0]",
    "[x for x in (1, 2)]",
    "{{k_x: 1}}",
    "(k_x, k_y)",
    "f'{{k_x}}'",
    "(y := k_x)*sigma_x",
    "k_x if M else k_y",
    "k_x < M",
    "k_x and M",
    "sqrt(x=k_x)*sigma_x",
    "sqrt(*[k_x])*sigma_x",
    "exp(k_x)*sigma_x",
    "k_x @ sigma_x",
    "k_x // 2 * sigma_x",
    "k_x % 2 * sigma_x",
    "'k_x'*sigma_x",
    "b'k'*sigma_x",
    "True*sigma_x",
    "None",
    "1j*k_x*sigma_x",
    "9**9**9**9*sigma_x",
    "(((2**64)**64)**64)*sigma_x",
    "k_x**M*sigma_x",
    "(" * 300 + "k_x" + ")" * 300,
    "-" * 5000 + "k_x*sigma_x",
    "k_x*sigma_x + " * 3000 + "M*sigma_z",
    "Matrix([[0, 1], [0, 0]])*k_x",
    "__builtins__",
    "I.__class__",
    "sigma_x.T*k_x",
]


@pytest.mark.parametrize("payload", MALICIOUS)
def test_malicious_hamiltonians_are_refused_and_never_run(payload, tmp_path, monkeypatch):
    flag = tmp_path / "pwned"
    h = payload.format(flag=flag)
    calls = []
    real_open = builtins.open
    import subprocess
    import sympy.parsing.sympy_parser as spp
    # nothing may run a command, open a file or parse Python text while the expression is built
    monkeypatch.setattr(os, "system", lambda *a, **k: calls.append("system"))
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: calls.append("Popen"))
    real_parse = spp.parse_expr
    texts = []
    monkeypatch.setattr(spp, "parse_expr", lambda s, *a, **k: texts.append(s) or real_parse(s, *a, **k))
    monkeypatch.setattr(builtins, "open", lambda *a, **k: calls.append("open") or real_open(*a, **k))
    with pytest.raises(ModelFileError) as info:
        parse_model(with_h(h), "bad.toml")
    monkeypatch.undo()
    assert not flag.exists() and not calls
    assert not any("k_x" in str(t) or "sigma" in str(t) for t in texts)  # SymPy's own constants only
    msg = str(info.value)
    assert msg.startswith("bad.toml: key 'hamiltonian' (line 1): ") and "\n" not in msg


def test_sympify_and_parse_expr_are_not_used(monkeypatch):
    """The whitelist builder constructs the expression itself (sympify/parse_expr evaluate Python)."""
    import sympy.parsing.sympy_parser as spp
    boom = lambda *a, **k: (_ for _ in ()).throw(AssertionError("string parsing used"))
    monkeypatch.setattr(spp, "parse_expr", boom)
    monkeypatch.setattr(spp, "eval_expr", boom)
    m = parse_model(with_h("hbar*v_F*(k_x*sigma_y - k_y*sigma_x) + sqrt(M**2)*sigma_z"))
    assert same(m.H, BUILTINS["ti-surface"]().H)


def test_parse_expression_direct():
    kx = sp.Symbol("k_x", real=True)
    assert parse_expression("2*k_x**2 - 1/2", {"k_x": kx}) == 2 * kx**2 - sp.Rational(1, 2)
    with pytest.raises(ModelFileError, match="unknown symbol 'y'"):
        parse_expression("k_x + y", {"k_x": kx})


# ------------------------------------------------------------------------- errors name key and line
@pytest.mark.parametrize("text,needle", [
    (with_h("k_x*sigma_x + q*sigma_z"), "key 'hamiltonian' (line 1): unknown symbol 'q'"),
    (with_h("[[k_x, 1, 0], [1, -k_x, 0]]"), "key 'hamiltonian' (line 1): the Hamiltonian must be square"),
    (with_h("[[k_x, 1], [1]]"), "key 'hamiltonian' (line 1): matrix rows have different lengths"),
    (with_h("k_x*M"), "key 'hamiltonian' (line 1): the Hamiltonian must be a matrix"),
    (with_h("M*sigma_z"), "does not depend on the momenta"),
    (with_h("k_x*sigma_x + I*M*sigma_z"), "key 'hamiltonian' (line 1): H is not Hermitian"),
    (with_h("k_x*sigma_x + u_0*sigma_z"), "'u_0' is the disorder strength"),
    (with_h("k_x*sigma_x +"), "key 'hamiltonian' (line 1): syntax error"),
    (BASE + "[oops\n", "TOML syntax error"),
    (BASE.replace('name = "t"', 'name = "t"\ncolour = 1'), "key 'colour' (line 3): unknown key"),
    (BASE.replace('M = "positive"', 'M = "complex"'), "key 'parameters.M' (line 6): unknown assumption"),
    (BASE.replace('M = "positive"', 'M = ["positive", "negative"]'), "inconsistent assumptions"),
    (BASE.replace('M = "positive"', 'sigma_x = "real"'), "key 'parameters.sigma_x' (line 6): 'sigma_x' is reserved"),
    (BASE.replace('M = "positive"', '__class__ = "real"'), "is not a valid symbol name"),
    (BASE.replace('M = "positive"', 'hbar = "real"'), "standard symbol"),
    (BASE + "[sample]\nM = -1.0\n", "key 'sample.M' (line 8): M is declared positive"),
    (BASE + "[sample]\nQ = 1.0\n", "key 'sample.Q' (line 8): 'Q' is not a declared parameter"),
    (BASE + "[sample]\nM = \"big\"\n", "sample value must be a number"),
    (BASE + "[disorder]\ntype = \"correlated\"\n", "key 'disorder.type' (line 8): unsupported disorder"),
    (BASE.replace('name = "t"', 'band = "middle"'), "key 'band' (line 2)"),
    (BASE.replace('name = "t"', 'momenta = ["k_x"]'), "key 'momenta' (line 2)"),
    (BASE.replace(f'hamiltonian = "{TI_H}"', ""), "missing key 'hamiltonian'"),
    (BASE.replace(f'"{TI_H}"', "3"), "expected a string"),
])
def test_errors_name_the_key_and_line(text, needle):
    with pytest.raises(ModelFileError) as info:
        parse_model(text, "m.toml")
    msg = str(info.value)
    assert needle in msg and msg.startswith("m.toml") and "\n" not in msg
    assert isinstance(info.value, SymkinError)


def test_toml_syntax_error_names_the_line():
    with pytest.raises(ModelFileError, match=r"line 7"):
        parse_model(BASE + "[oops\n", "m.toml")


def test_unreadable_files(tmp_path):
    with pytest.raises(ModelFileError, match="cannot read model file"):
        load_model(tmp_path / "missing.toml")
    p = tmp_path / "bin.toml"
    p.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ModelFileError, match="not UTF-8"):
        load_model(p)


# ------------------------------------------------------------------ kron, eye, tau/s Paulis, [operators]
SX = sp.Matrix([[0, 1], [1, 0]])
SY = sp.Matrix([[0, -sp.I], [sp.I, 0]])
SZ = sp.Matrix([[1, 0], [0, -1]])
ONE = sp.eye(2)


def test_kron_eye_and_pauli_names():
    names = {"a": sp.Symbol("a", real=True)}
    a = names["a"]
    got = parse_expression("a*kron(tau_z, sigma_x) + kron(s_y, eye(2))", names)
    want = sp.Matrix([[0, a, -sp.I, 0], [a, 0, 0, -sp.I], [sp.I, 0, 0, -a], [0, sp.I, -a, 0]])
    assert sp.Matrix(got - want).applyfunc(sp.expand).is_zero_matrix is True
    assert sp.Matrix(parse_expression("kron(tau_0, sigma_z, s_x)", names)).shape == (8, 8)
    assert sp.Matrix(parse_expression("eye(3)", names)) == sp.eye(3)


@pytest.mark.parametrize("text, msg", [
    ("kron(sigma_x)", "at least two"),
    ("kron(sigma_x, a)", "must be matrices"),
    ("kron(sigma_x, sigma_y, sigma_z, sigma_0)", "larger than"),
    ("eye(a)", "literal integer"),
    ("eye(2.0)", "literal integer"),
    ("eye(9)", "between 1 and"),
    ("kron(sigma_x, sigma_y, x=1)", "positional"),
])
def test_kron_eye_refused(text, msg):
    with pytest.raises(ModelFileError, match=msg):
        parse_expression(text, {"a": sp.Symbol("a", real=True)})


FOUR = '''name = "two_dirac"
hamiltonian = "hbar*v*kron(tau_z, k_x*sigma_x + k_y*sigma_y) + M*kron(tau_0, sigma_z)"
[parameters]
v = "positive"
M = "positive"
[operators]
'''


def test_operators_table():
    mf = parse_model_file(FOUR + 'spin_z = "kron(tau_0, sigma_z)"\njv = "hbar*v*k_x*kron(tau_z, sigma_0)"\n')
    v, hbar = sp.Symbol("v", positive=True), sp.Symbol("hbar", positive=True)
    kx = sp.Symbol("k_x", real=True)
    assert [n for n, _ in mf.operators] == ["spin_z", "jv"]
    assert sp.Matrix(mf.operator("spin_z")) == sp.diag(SZ, SZ)
    assert sp.Matrix(mf.operator("jv") - sp.diag(ONE, -ONE) * hbar * v * kx).applyfunc(sp.expand).is_zero_matrix is True
    H = sp.Matrix(mf.model.H)
    M = sp.Symbol("M", positive=True)
    ky = sp.Symbol("k_y", real=True)
    block = hbar * v * (kx * SX + ky * SY)
    assert sp.Matrix(H - sp.diag(block + M * SZ, -block + M * SZ)).applyfunc(sp.expand).is_zero_matrix is True
    with pytest.raises(ModelFileError, match="no operator 'nope'.*spin_z"):
        mf.operator("nope")


@pytest.mark.parametrize("line, msg", [
    ('o = "I*kron(tau_0, sigma_0)"', "not Hermitian"),
    ('o = "sigma_z"', "shape"),
    ('o = "w*kron(tau_0, sigma_z)"', "unknown symbol 'w'"),
    ('o = "__import__(\'os\').system(\'ls\')"', "not allowed"),
    ('o = 3', "expected a string"),
    ('"o o" = "sigma_z"', "not a valid symbol name"),
])
def test_operators_refused(line, msg):
    with pytest.raises(ModelFileError, match=msg) as exc:
        parse_model_file(FOUR + line + "\n")
    assert "operators" in str(exc.value)


def test_operators_must_be_a_table():
    with pytest.raises(ModelFileError, match=r"\[operators\] must be a table"):
        parse_model_file(FOUR.replace("[operators]\n", "") .replace('name = "two_dirac"', 'operators = 1\nname = "x"'))
