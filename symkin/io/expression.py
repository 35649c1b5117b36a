r"""The expression language of model files, built without executing anything: the text is parsed
with :func:`ast.parse`, its tree walked against a whitelist, and the SymPy object built node by node
(no ``eval``, ``sympify`` or ``parse_expr`` ever sees the text).  The language is documented in
:mod:`symkin.io.modelfile`; :class:`ModelFileError` is the one exception of both.
"""
from __future__ import annotations

import ast
import math

import sympy as sp

from .. import conventions as cv
from ..errors import SymkinError


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



_P = {"0": cv.SIGMA_0, "x": cv.SIGMA_X, "y": cv.SIGMA_Y, "z": cv.SIGMA_Z}
#: Pauli matrices under three names: sigma_* (spin or orbital), tau_* (a second degree of freedom), s_*
PAULI = {f"{pre}_{a}": m for pre in ("sigma", "tau", "s") for a, m in _P.items()}
CONSTANTS = {"I": sp.I, "pi": sp.pi, **PAULI}
FUNCTIONS = ("sqrt", "Matrix", "matrix", "kron", "eye")
RESERVED = set(CONSTANTS) | set(FUNCTIONS)
#: the standard symbols a model file may not redefine
FORBIDDEN = {"e": "the elementary charge", "u_0": "the disorder strength", "epsilon_F": "the Fermi level"}
MAX_LENGTH = 20_000      # characters of one expression
MAX_NODES = 5_000        # AST nodes of one expression
MAX_EXPONENT = 64        # |p| of a rational exponent p/q
MAX_MATRIX = 8           # largest matrix dimension


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
