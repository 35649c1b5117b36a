r"""Model files: a k.p model as TOML, parsed without executing any code.

A model file gives the Hamiltonian as a *string*, the momentum symbols, the parameters with their
assumptions, the disorder model and, optionally, the Fermi-level symbol, a default band and a sample
point.  Example (``derivations/ti_surface.toml``, paper Eq. 68)::

    name = "ti_surface"
    hamiltonian = "hbar*v_F*(k_x*sigma_y - k_y*sigma_x) + M*sigma_z"
    momenta = ["k_x", "k_y"]

    [parameters]
    v_F = "positive"
    M = { assumptions = ["positive"], description = "exchange mass" }

    [disorder]
    type = "white_noise"
    strength = "u_0"

Keys
----
``name`` (str), ``description`` (str), ``hamiltonian`` (str: a matrix expression, or an array of
arrays of scalar expression strings), ``momenta`` (two names, default ``["k_x", "k_y"]``; always real),
``[parameters]`` (name = assumption string, list of assumption strings, or a table with
``assumptions`` and ``description``; allowed assumptions: real, positive, negative, nonnegative,
nonpositive, nonzero -- every parameter is real), ``[disorder]`` (``type = "white_noise"``,
``strength`` = a name, default ``u_0``), ``fermi_level`` (a name, default ``epsilon_F``), ``band``
(default regime: conduction, valence or gap), ``[sample]`` (numeric values of parameters).

``hbar`` (and the standard symbols ``e``, ``u_0``, ``epsilon_F``) are predefined, positive, and need no
declaration.

Expression language
-------------------
The Hamiltonian string is parsed with :func:`ast.parse` and its tree is *walked against a whitelist*;
the SymPy expression is then built node by node here -- no ``eval``, ``sympify`` or ``parse_expr`` ever
sees the text.  Allowed:

* numbers (int / decimal, made exact rationals), ``+ - * / **`` and unary minus (``**`` only with a
  rational exponent of modest size);
* names: the declared parameters, the momenta, ``hbar``, ``I``, ``pi`` and the Pauli matrices
  ``sigma_0 sigma_x sigma_y sigma_z``, the same matrices as ``tau_0 tau_x tau_y tau_z`` and
  ``s_0 s_x s_y s_z`` (names for a second and a third degree of freedom);
* matrix literals ``[[a, b], [c, d]]`` (optionally written ``Matrix([[...]])``);
* calls of ``sqrt``, ``Matrix`` / ``matrix``, ``kron(A, B, ...)`` (Kronecker product, left factor
  outermost: ``kron(tau_z, sigma_x)`` is block-diagonal with blocks ``+sigma_x`` and ``-sigma_x``) and
  ``eye(n)`` (the n x n identity, n a literal integer), positional arguments only.

Operators
---------
An optional ``[operators]`` table names observables, ``name = "expression"`` in the same language,
e.g. ``spin_z = "kron(tau_0, sigma_z)"`` or a spin current ``j_sz_y = "..."``.  Each must be a
Hermitian matrix of the Hamiltonian's shape depending only on the Hamiltonian's symbols, the momenta
and ``hbar``; ``symkin derive MODEL --operator NAME`` computes its response
(:func:`symkin.response`).

Everything else -- attribute access, subscripts, lambdas, comprehensions, strings, keywords, other
calls -- is refused with a :class:`ModelFileError` naming the key and line.  A scalar added to a matrix
means scalar x identity (``epsilon_0 + d.sigma``).

>>> m = parse_model('''
... hamiltonian = "hbar*v*(k_x*sigma_x + k_y*sigma_y) + Delta*sigma_z"
... [parameters]
... v = "positive"
... Delta = "positive"
... ''')
>>> m.H
Matrix([
[               Delta, hbar*v*(k_x - I*k_y)],
[hbar*v*(k_x + I*k_y),               -Delta]])
>>> parse_model('''hamiltonian = "__import__('os').system('ls')"''')
Traceback (most recent call last):
...
symkin.modelfile.ModelFileError: <string>: key 'hamiltonian' (line 1): attribute access is not allowed (the only calls are sqrt(...) and Matrix(...))
"""
from __future__ import annotations

import ast
import keyword
import math
import os
import re
from dataclasses import dataclass

import sympy as sp

from . import conventions as cv
from .errors import SymkinError
from .model import Model, WhiteNoise

try:  # Python >= 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    try:
        import tomli as tomllib
    except ModuleNotFoundError:
        tomllib = None

__all__ = ["ModelFile", "ModelFileError", "load_model", "parse_model", "parse_model_file", "read_model_file",
           "parse_expression", "ASSUMPTIONS"]


class ModelFileError(SymkinError, ValueError):
    """A model file is invalid: TOML syntax, unknown key or symbol, forbidden construct, shape,
    non-Hermitian H.  The message names the file, the key and (where known) the line."""

    def __init__(self, message, source="<string>", key=None, line=None):
        self.source, self.key, self.line = source, key, line
        where = source
        if key is not None:
            where += f": key '{key}'"
            if line is not None:
                where += f" (line {line})"
        elif line is not None:
            where += f": line {line}"
        super().__init__(f"{where}: {message}")


#: assumption keywords a parameter may carry (every parameter is real)
ASSUMPTIONS = ("real", "positive", "negative", "nonnegative", "nonpositive", "nonzero")
TOP_KEYS = {"name", "description", "hamiltonian", "momenta", "parameters", "disorder", "fermi_level", "band",
            "sample", "schema", "operators"}
_P = {"0": cv.SIGMA_0, "x": cv.SIGMA_X, "y": cv.SIGMA_Y, "z": cv.SIGMA_Z}
#: Pauli matrices under three names: sigma_* (spin or orbital), tau_* (a second degree of freedom), s_*
PAULI = {f"{pre}_{a}": m for pre in ("sigma", "tau", "s") for a, m in _P.items()}
CONSTANTS = {"I": sp.I, "pi": sp.pi, **PAULI}
FUNCTIONS = ("sqrt", "Matrix", "matrix", "kron", "eye")
STANDARD = {"hbar": cv.hbar, "e": cv.e, "u_0": cv.u_0, "epsilon_F": cv.epsilon_F}
RESERVED = set(CONSTANTS) | set(FUNCTIONS)
FORBIDDEN = {"e": "the elementary charge", "u_0": "the disorder strength", "epsilon_F": "the Fermi level"}
MAX_LENGTH = 20_000      # characters of one expression
MAX_NODES = 5_000        # AST nodes of one expression
MAX_EXPONENT = 64        # |p| of a rational exponent p/q
MAX_MATRIX = 8           # largest matrix dimension
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


# ------------------------------------------------------------------------------------ expressions
def _is_matrix(x):
    return isinstance(x, sp.MatrixBase)


def _add(a, b, err):
    if _is_matrix(a) and _is_matrix(b):
        if a.shape != b.shape:
            raise err(f"cannot add matrices of shapes {a.shape} and {b.shape}")
        return a + b
    if _is_matrix(a):
        if not a.is_square:
            raise err(f"cannot add a scalar to a {a.shape} matrix")
        return a + b * sp.eye(a.rows)  # scalar means scalar x identity
    if _is_matrix(b):
        return _add(b, a, err)
    return a + b


class _Builder:
    """Walk a parsed expression against the whitelist and build the SymPy object."""

    def __init__(self, names, err):
        self.names = names
        self.err = err

    def fail(self, msg):
        raise self.err(msg)

    def build(self, node):
        meth = getattr(self, "_" + type(node).__name__, None)
        if meth is None:
            self.fail(_describe(node) + " is not allowed")
        return meth(node)

    def _Expression(self, node):
        return self.build(node.body)

    def _Constant(self, node):
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.fail(f"literal {v!r} is not allowed (numbers only)")
        if isinstance(v, float):
            if not math.isfinite(v):
                self.fail(f"number {v!r} is not finite")
            return sp.Rational(repr(v))
        return sp.Integer(v)

    def _Name(self, node):
        if not isinstance(node.ctx, ast.Load):
            self.fail(f"assignment to {node.id!r} is not allowed")
        if node.id in self.names:
            return self.names[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        if node.id in FORBIDDEN:
            self.fail(f"{node.id!r} is {FORBIDDEN[node.id]} and cannot appear in the Hamiltonian")
        if node.id in FUNCTIONS:
            self.fail(f"{node.id!r} must be called, e.g. {node.id}(...)")
        self.fail(f"unknown symbol {node.id!r} (declare it under [parameters]; known: "
                  f"{', '.join(sorted(self.names))})")

    def _UnaryOp(self, node):
        x = self.build(node.operand)
        if isinstance(node.op, ast.USub):
            return -x
        if isinstance(node.op, ast.UAdd):
            return x
        self.fail(f"operator {type(node.op).__name__} is not allowed (only + - * / **)")

    def _BinOp(self, node):
        op = type(node.op)
        if op not in (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow):
            self.fail(f"operator {op.__name__} is not allowed (only + - * / **)")
        a = self.build(node.left)
        b = self.build(node.right)
        if op is ast.Add:
            return _add(a, b, self.err)
        if op is ast.Sub:
            return _add(a, -b, self.err)
        if op is ast.Mult:
            if _is_matrix(a) and _is_matrix(b) and a.cols != b.rows:
                self.fail(f"cannot multiply matrices of shapes {a.shape} and {b.shape}")
            return a * b
        if op is ast.Div:
            if _is_matrix(b):
                self.fail("division by a matrix is not allowed")
            if b == 0:
                self.fail("division by zero")
            return a / b
        return self._pow(a, b)

    def _pow(self, a, b):
        if _is_matrix(b) or not (b.is_Rational):
            self.fail(f"exponent {b} is not allowed: exponents must be numbers (integers or fractions)")
        if abs(b.p) > MAX_EXPONENT or b.q > 8:
            self.fail(f"exponent {b} is too large (|p| <= {MAX_EXPONENT}, q <= 8)")
        if _is_matrix(a):
            if not a.is_square or b.q != 1 or b.p < 0:
                self.fail("a matrix may only be raised to a non-negative integer power")
            return a ** int(b.p)
        if a.is_Number and a != 0 and abs(float(sp.log(abs(a), 2))) * abs(b.p) > 4096:
            self.fail(f"a number raised to the power {b} is too large")
        if a == 0 and b.is_negative:
            self.fail("division by zero")
        return a ** b

    def _List(self, node):
        return self._matrix(node)

    def _matrix(self, node):
        if not isinstance(node, ast.List) or not node.elts:
            self.fail("a matrix must be a non-empty list of rows, e.g. [[a, b], [c, d]]")
        if len(node.elts) > MAX_MATRIX:
            self.fail(f"matrix has more than {MAX_MATRIX} rows")
        rows = []
        for r in node.elts:
            if not isinstance(r, ast.List):
                self.fail("a matrix must be a list of rows (lists), e.g. [[a, b], [c, d]]")
            if len(r.elts) > MAX_MATRIX:
                self.fail(f"matrix has more than {MAX_MATRIX} columns")
            row = []
            for x in r.elts:
                v = self.build(x)
                if _is_matrix(v):
                    self.fail("matrix entries must be scalars")
                row.append(v)
            rows.append(row)
        if len({len(r) for r in rows}) != 1:
            self.fail(f"matrix rows have different lengths {[len(r) for r in rows]}")
        return sp.ImmutableMatrix(rows)

    def _Call(self, node):
        f = node.func
        if not isinstance(f, ast.Name):
            self.fail(f"{_describe(f)} is not allowed (the only calls are sqrt(...) and Matrix(...))")
        if f.id not in FUNCTIONS:
            self.fail(f"call of {f.id!r} is not allowed (only sqrt, Matrix, kron, eye)")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            self.fail(f"{f.id}() takes positional arguments only")
        if f.id == "kron":
            return self._kron(node.args)
        if f.id == "eye":
            return self._eye(node.args)
        if len(node.args) != 1:
            self.fail(f"{f.id}() takes exactly one positional argument")
        if f.id == "sqrt":
            x = self.build(node.args[0])
            if _is_matrix(x):
                self.fail("sqrt of a matrix is not allowed")
            return sp.sqrt(x)
        return self._matrix(node.args[0])

    def _kron(self, args):
        if len(args) < 2:
            self.fail("kron() takes at least two matrices, e.g. kron(tau_z, sigma_x)")
        out = None
        for a in args:
            m = self.build(a)
            if not _is_matrix(m):
                self.fail(f"kron() arguments must be matrices, got the scalar {m}")
            if out is not None and out.rows * m.rows > MAX_MATRIX or out is not None and out.cols * m.cols > MAX_MATRIX:
                self.fail(f"kron() result larger than {MAX_MATRIX} x {MAX_MATRIX}")
            out = m if out is None else sp.ImmutableMatrix(sp.kronecker_product(out, m))
        return out

    def _eye(self, args):
        if len(args) != 1 or not isinstance(args[0], ast.Constant) or isinstance(args[0].value, bool) \
                or not isinstance(args[0].value, int):
            self.fail("eye() takes one literal integer, e.g. eye(2)")
        n = args[0].value
        if not 1 <= n <= MAX_MATRIX:
            self.fail(f"eye({n}): the size must be between 1 and {MAX_MATRIX}")
        return sp.ImmutableMatrix(sp.eye(n))


def _describe(node):
    kinds = {ast.Attribute: "attribute access", ast.Subscript: "subscript", ast.Lambda: "lambda",
             ast.ListComp: "comprehension", ast.SetComp: "comprehension", ast.DictComp: "comprehension",
             ast.GeneratorExp: "generator", ast.Tuple: "tuple", ast.Dict: "dict", ast.Set: "set",
             ast.Compare: "comparison", ast.BoolOp: "boolean operator", ast.IfExp: "conditional expression",
             ast.JoinedStr: "f-string", ast.NamedExpr: "assignment expression", ast.Starred: "starred argument",
             ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield"}
    return kinds.get(type(node), type(node).__name__)


def parse_expression(text, names, err=None):
    """Build a SymPy scalar or matrix from ``text`` over ``names`` (name -> Symbol) without executing
    it.  ``err(msg)`` makes the exception to raise (default: :class:`ModelFileError`)."""
    err = err or (lambda msg: ModelFileError(msg))
    if not isinstance(text, str):
        raise err(f"expected a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise err(f"expression longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise err("empty expression")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        raise err(f"syntax error in expression{col}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise err("expression is nested too deeply or is invalid") from None
    n = sum(1 for _ in ast.walk(tree))
    if n > MAX_NODES:
        raise err(f"expression has more than {MAX_NODES} parts")
    try:
        return _Builder(names, err).build(tree)
    except RecursionError:
        raise err("expression is nested too deeply") from None


# ------------------------------------------------------------------------------------ files
def _line_of(text, key, table=None):
    """1-based line of ``key = ...`` (inside ``[table]`` when given), or None."""
    current = None
    pat = re.compile(r"^\s*(\"?)" + re.escape(key) + r"\1\s*=")
    for i, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        m = re.match(r"^\[\s*([^\]]+?)\s*\]", s)
        if m and not s.startswith("[["):
            current = m.group(1)
            if table is not None and current == table and key is None:
                return i
            continue
        if (table is None and current is None or current == table) and pat.match(line):
            return i
    if table is not None:
        for i, line in enumerate(text.splitlines(), 1):
            if re.match(r"^\s*" + re.escape(table) + r"\s*=", line) or re.match(r"^\s*\[\s*" + re.escape(table)
                                                                                  + r"\s*\]", line):
                return i
    return None


def _check_name(name, err):
    if not isinstance(name, str) or not _NAME.match(name) or keyword.iskeyword(name) or "__" in name:
        raise err(f"{name!r} is not a valid symbol name (letters, digits, single underscores)")
    if name in RESERVED:
        raise err(f"{name!r} is reserved ({', '.join(sorted(RESERVED))})")
    return name


@dataclass(frozen=True)
class ModelFile:
    """A parsed model file: the :class:`symkin.Model` and the file's metadata."""

    model: Model
    source: str
    description: str
    band: object          # default regime name or None
    descriptions: dict    # parameter name -> description
    hamiltonian: object   # the Hamiltonian as written in the file
    operators: tuple = ()  # ((name, ImmutableMatrix), ...) from [operators], in file order

    def operator(self, name):
        """The matrix of the operator ``name`` from ``[operators]``; :class:`ModelFileError` if absent."""
        ops = dict(self.operators)
        if name not in ops:
            known = ", ".join(ops) or "none"
            raise ModelFileError(f"no operator {name!r} in [operators] (defined: {known}); add "
                                 f"{name} = \"...\" under [operators]", self.source, "operators")
        return ops[name]


def parse_model(text, source="<string>"):
    """Parse the TOML text of a model file into a :class:`symkin.Model` (see the module docstring)."""
    return parse_model_file(text, source).model


def parse_model_file(text, source="<string>") -> "ModelFile":
    """Parse the TOML text of a model file into a :class:`ModelFile` (model plus metadata)."""
    if tomllib is None:  # pragma: no cover
        raise ModelFileError("reading TOML needs Python >= 3.11 or the 'tomli' package", source)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelFileError(f"TOML syntax error: {exc}", source) from None

    def E(key, table=None):
        line = _line_of(text, key.split(".")[-1], table)
        return lambda msg: ModelFileError(msg, source, key, line)

    unknown = sorted(set(doc) - TOP_KEYS)
    if unknown:
        raise E(unknown[0])(f"unknown key (allowed: {', '.join(sorted(TOP_KEYS))})")
    if "schema" in doc and doc["schema"] != 1:
        raise E("schema")(f"unsupported model-file schema {doc['schema']!r} (this symkin reads schema 1)")

    # --- momenta
    mom = doc.get("momenta", ["k_x", "k_y"])
    if not isinstance(mom, list) or len(mom) != 2:
        raise E("momenta")("momenta must be a list of two names, e.g. [\"k_x\", \"k_y\"]")
    mom = [_check_name(m, E("momenta")) for m in mom]
    if mom[0] == mom[1]:
        raise E("momenta")("the two momenta must differ")
    names = {m: sp.Symbol(m, real=True) for m in mom}
    for n, s in STANDARD.items():
        if n not in names:
            names[n] = s

    # --- parameters
    params = doc.get("parameters", {})
    if not isinstance(params, dict):
        raise E("parameters")("[parameters] must be a table: name = \"positive\" | \"real\" | [...]")
    descriptions = {}
    for name, spec in params.items():
        err = E(f"parameters.{name}", "parameters")
        _check_name(name, err)
        if name in mom:
            raise err(f"{name!r} is a momentum, not a parameter")
        if isinstance(spec, dict):
            extra = set(spec) - {"assumptions", "description"}
            if extra:
                raise err(f"unknown field(s) {sorted(extra)} (allowed: assumptions, description)")
            descriptions[name] = str(spec.get("description", ""))
            spec = spec.get("assumptions", "real")
        if isinstance(spec, str):
            spec = [spec]
        if not isinstance(spec, list) or not all(isinstance(a, str) for a in spec):
            raise err("assumptions must be a string or a list of strings")
        bad = [a for a in spec if a not in ASSUMPTIONS]
        if bad:
            raise err(f"unknown assumption(s) {bad} (allowed: {', '.join(ASSUMPTIONS)})")
        kw = {"real": True, **{a: True for a in spec}}
        try:
            sym = sp.Symbol(name, **kw)
            _ = sym.is_positive  # inconsistent assumptions raise here
        except Exception:
            raise err(f"inconsistent assumptions {spec}") from None
        if name in STANDARD and sym != STANDARD[name]:
            raise err(f"{name!r} is a standard symbol, positive by convention; drop it or declare it "
                      "\"positive\"")
        names[name] = sym

    # --- disorder
    dis = doc.get("disorder", {})
    if not isinstance(dis, dict):
        raise E("disorder")("[disorder] must be a table with type = \"white_noise\" and strength = \"u_0\"")
    extra = set(dis) - {"type", "strength"}
    if extra:
        raise E(f"disorder.{sorted(extra)[0]}", "disorder")("unknown key (allowed: type, strength)")
    dtype = str(dis.get("type", "white_noise")).replace("-", "_").replace(" ", "_").lower()
    if dtype != "white_noise":
        raise E("disorder.type", "disorder")(f"unsupported disorder {dis.get('type')!r} "
                                              "(only \"white_noise\")")
    sname = _check_name(dis.get("strength", "u_0"), E("disorder.strength", "disorder"))
    u0 = cv.u_0 if sname == "u_0" else sp.Symbol(sname, positive=True)
    if sname in names and names[sname] != u0:
        raise E("disorder.strength", "disorder")(f"{sname!r} is declared as a parameter of H")

    # --- Fermi level
    fname = _check_name(doc.get("fermi_level", "epsilon_F"), E("fermi_level"))
    eF = cv.epsilon_F if fname == "epsilon_F" else sp.Symbol(fname, positive=True)
    if fname in params:
        raise E("fermi_level")(f"{fname!r} is declared as a parameter of H")
    band = doc.get("band")
    if band is not None and band not in ("conduction", "valence", "gap"):
        raise E("band")(f"band must be conduction, valence or gap, not {band!r}")

    # --- Hamiltonian
    if "hamiltonian" not in doc:
        raise ModelFileError("missing key 'hamiltonian' (the Hamiltonian as a string)", source)
    herr = E("hamiltonian")
    build_names = {n: s for n, s in names.items() if n not in (sname, fname) and n not in FORBIDDEN
                   or n in params}
    raw = doc["hamiltonian"]
    if isinstance(raw, list):
        if not raw or not all(isinstance(r, list) and r for r in raw):
            raise herr("hamiltonian must be a string or an array of arrays of strings")
        if len(raw) > MAX_MATRIX or any(len(r) != len(raw[0]) for r in raw):
            raise herr("hamiltonian rows must all have the same length (at most 8)")
        H = sp.ImmutableMatrix([[_scalar(x, build_names, herr) for x in r] for r in raw])
    else:
        H = parse_expression(raw, build_names, herr)
    if not _is_matrix(H):
        raise herr(f"the Hamiltonian must be a matrix (use sigma_x, ... or [[a, b], [c, d]]), got the scalar {H}")
    if not H.is_square:
        raise herr(f"the Hamiltonian must be square, got shape {H.shape}")
    H = sp.ImmutableMatrix(H)
    if not any(x.has(names[m]) for x in H for m in mom):
        raise herr(f"the Hamiltonian does not depend on the momenta {mom}")

    # --- sample point
    sample = doc.get("sample", {})
    if not isinstance(sample, dict):
        raise E("sample")("[sample] must be a table name = number")
    pairs = []
    for name, val in sample.items():
        err = E(f"sample.{name}", "sample")
        if name not in params and name != "hbar":
            raise err(f"{name!r} is not a declared parameter")
        if isinstance(val, bool) or not isinstance(val, (int, float)) or not math.isfinite(val):
            raise err(f"sample value must be a number, got {val!r}")
        if names[name].is_positive and val <= 0:
            raise err(f"{name} is declared positive but the sample value is {val}")
        pairs.append((name, float(val)))

    name = doc.get("name") or os.path.splitext(os.path.basename(source))[0] or "model"
    if not isinstance(name, str):
        raise E("name")("name must be a string")
    try:
        model = Model(H, (names[mom[0]], names[mom[1]]), WhiteNoise(u0), name=name, fermi_level=eF,
                      sample=tuple(pairs))
    except SymkinError as exc:
        raise herr(str(exc)) from None

    # --- operators
    ops_doc = doc.get("operators", {})
    if not isinstance(ops_doc, dict):
        raise E("operators")("[operators] must be a table name = \"matrix expression\"")
    operators = []
    for oname, expr in ops_doc.items():
        oerr = E(f"operators.{oname}", "operators")
        _check_name(oname, oerr)
        O = parse_expression(expr, build_names, oerr)
        if not _is_matrix(O):
            O = O * sp.eye(H.rows)  # a scalar means scalar x identity
        try:
            O = model.validate_operator(O)
        except SymkinError as exc:
            raise oerr(str(exc)) from None
        operators.append((oname, sp.ImmutableMatrix(O)))
    return ModelFile(model, source, str(doc.get("description", "")), band, descriptions, raw, tuple(operators))


def _scalar(x, names, err):
    if not isinstance(x, str):
        raise err(f"matrix entry {x!r} must be a string expression")
    v = parse_expression(x, names, err)
    if _is_matrix(v):
        raise err("matrix entries must be scalars")
    return v


def load_model(path):
    """Read a model file (see the module docstring) into a :class:`symkin.Model`."""
    return read_model_file(path).model


def read_model_file(path) -> ModelFile:
    """Read a model file into a :class:`ModelFile` (model plus metadata)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(1_000_001)
    except OSError as exc:
        raise ModelFileError(f"cannot read model file: {exc.strerror}", str(path)) from None
    if len(data) > 1_000_000:
        raise ModelFileError("model file larger than 1 MB", str(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelFileError(f"not UTF-8 text (byte {exc.start})", str(path)) from None
    return parse_model_file(text, str(path))
