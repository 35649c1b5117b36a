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
``strength`` = a name, default ``u_0``; or ``type = "point"`` (alias ``kind``): point impurities with
density ``n_i``, ``<V^2> = V_0^2``, ``<V^3> = V_1^3``, the names of these three symbols, defaults
``n_i``, ``V_0``, ``V_1``; adds third-order skew scattering), ``fermi_level`` (a name, default ``epsilon_F``), ``band``
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
symkin.io.expression.ModelFileError: <string>: key 'hamiltonian' (line 1): attribute access is not allowed (the only calls are sqrt(...) and Matrix(...))
"""
from __future__ import annotations

import keyword
import math
import os
import re
from dataclasses import dataclass

import sympy as sp

from .. import conventions as cv
from ..errors import SymkinError
from ..disorder import PointImpurities
from ..model import Model, WhiteNoise
from .expression import FORBIDDEN, MAX_MATRIX, RESERVED, ModelFileError, _is_matrix, parse_expression

try:  # Python >= 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    try:
        import tomli as tomllib
    except ModuleNotFoundError:
        tomllib = None

__all__ = ["ModelFile", "ModelFileError", "load_model", "parse_model", "parse_model_file", "read_model_file",
           "parse_expression", "ASSUMPTIONS"]


#: assumption keywords a parameter may carry (every parameter is real)
ASSUMPTIONS = ("real", "positive", "negative", "nonnegative", "nonpositive", "nonzero")
TOP_KEYS = {"name", "description", "hamiltonian", "momenta", "parameters", "disorder", "fermi_level", "band",
            "sample", "schema", "operators"}
STANDARD = {"hbar": cv.hbar, "e": cv.e, "u_0": cv.u_0, "epsilon_F": cv.epsilon_F}
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


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
    dtype = str(dis.get("type", dis.get("kind", "white_noise"))).replace("-", "_").replace(" ", "_").lower()
    allowed = {"white_noise": ("type", "kind", "strength"),
               "point": ("type", "kind", "n_i", "V_0", "V_1")}.get("point" if dtype in ("point", "point_impurities")
                                                                else dtype)
    if allowed is None:
        raise E("disorder.type", "disorder")(f"unsupported disorder {dis.get('type', dis.get('kind'))!r} "
                                              "(\"white_noise\" or \"point\")")
    extra = set(dis) - set(allowed)
    if extra:
        raise E(f"disorder.{sorted(extra)[0]}", "disorder")(f"unknown key (allowed: {', '.join(allowed)})")
    if "n_i" in allowed:  # point impurities: density n_i, <V^2> = V_0^2, <V^3> = V_1^3 (names)
        syms = {}
        for key, assumption in (("n_i", {"positive": True}), ("V_0", {"positive": True}), ("V_1", {"real": True})):
            nm = _check_name(dis.get(key, key), E(f"disorder.{key}", "disorder"))
            if nm in names:
                raise E(f"disorder.{key}", "disorder")(f"{nm!r} is declared as a parameter of H")
            syms[key] = sp.Symbol(nm, **assumption)
        disorder = PointImpurities(**syms)
        dnames = tuple(x.name for x in syms.values())
    else:
        sname = _check_name(dis.get("strength", "u_0"), E("disorder.strength", "disorder"))
        u0 = cv.u_0 if sname == "u_0" else sp.Symbol(sname, positive=True)
        if sname in names and names[sname] != u0:
            raise E("disorder.strength", "disorder")(f"{sname!r} is declared as a parameter of H")
        disorder = WhiteNoise(u0)
        dnames = (sname,)

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
    build_names = {n: s for n, s in names.items() if n not in (*dnames, fname) and n not in FORBIDDEN
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
        model = Model(H, (names[mom[0]], names[mom[1]]), disorder, name=name, fermi_level=eF,
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
