r"""Fast exact rational-function arithmetic for the kinetic chain (FLINT multivariate polynomials).

SymPy's ``cancel`` computes multivariate gcds with the heuristic algorithm of
``sympy.polys.heuristicgcd``, whose evaluation points grow with every variable: with two Fermi
circles (sixteen symbols: parameters, fields and the ring symbols r, Lambda, t, c of both circles) a
single ``cancel`` of a 2 x 2 Boltzmann solution did not finish in four minutes.  FLINT's
multivariate gcd (python-flint ``fmpq_mpoly``) does the same cancellation in 0.1 s.

:func:`fcancel` converts an expression to a quotient of two ``fmpq_mpoly`` by structural recursion
(no SymPy ``expand``), cancels their gcd and converts back.  Every atom that is not a rational
number -- symbols, ``pi``, ``I``, radicals such as ``sqrt(2)``, floats -- is a generator, so the
result is the canonical reduced form over :math:`\mathbb Q(\text{atoms})`, exactly what
``sympy.cancel`` returns up to normalisation (the imaginary unit is a generator too: ``I**2`` is
folded back to -1 only when the result is rebuilt).
"""
from __future__ import annotations

import os

import flint
import sympy as sp
from sympy.core.add import _addsort
from sympy.core.mul import _mulsort

from ..errors import SizeLimitError

#: Size guards of the FLINT conversion (no derivation runs unbounded).  The engine's largest
#: canonical forms on the built-in models are ~2 200 terms, total degree ~60, 16 generators
#: (bhz_like, rashba_ferromagnet); the limits leave a factor of ~50 above that.  Raise them with the
#: environment variables ``SYMKIN_MAX_TERMS``, ``SYMKIN_MAX_DEGREE``, ``SYMKIN_MAX_GENERATORS``
#: (read at import) or by assigning ``symkin.algebra.poly.MAX_TERMS`` etc.
MAX_TERMS = int(os.environ.get("SYMKIN_MAX_TERMS", 100_000))
MAX_DEGREE = int(os.environ.get("SYMKIN_MAX_DEGREE", 2_000))
MAX_GENERATORS = int(os.environ.get("SYMKIN_MAX_GENERATORS", 64))
#: at most this many rings (Fermi circles and band extrema, each with 4 ring symbols) per model
MAX_RINGS = int(os.environ.get("SYMKIN_MAX_RINGS", 8))
#: at most this many Fermi circles in the per-circle atoms of a model without shell parametrisation
#: (symkin.algebra.atoms; fuzz: all 22 three-circle examples of 200 finish in 4-41 s on 2 cores;
#: four circles, which the fuzz generator never makes, are untested)
MAX_ATOMIC_CIRCLES = int(os.environ.get("SYMKIN_MAX_ATOMIC_CIRCLES", 3))
#: total degree of H in the momenta
MAX_K_DEGREE = int(os.environ.get("SYMKIN_MAX_K_DEGREE", 12))
#: SymPy steps whose run time no limit above bounds (issue 11 item 8).  Degree of an irreducible
#: polynomial solved in radicals (``sympy.solve``; counted in the lowest power of the unknown that
#: occurs, so a biquadratic in k counts 2): there is no general radical formula above 4, and the
#: quartic formula with symbolic coefficients already gives ~3 000-operation roots.
MAX_SOLVE_DEGREE = int(os.environ.get("SYMKIN_MAX_SOLVE_DEGREE", 4))
#: expression-tree nodes of an input handed to ``sympy.solve``, ``linsolve``, ``integrate`` or
#: ``limit`` (largest on the built-in models and the fuzz sample: 2 141, the linear system of a
#: Fermi-sea antiderivative; the isotropy equations of a 2 x 2 model ~300), and of each derivative of
#: a Sommerfeld series (``symkin.algebra.fsvars.total_diff``: bhz_like stops at order 4)
MAX_SYMPY_NODES = int(os.environ.get("SYMKIN_MAX_SYMPY_NODES", 20_000))
#: ``sympy.simplify`` (a cosmetic step) runs only on expressions up to this many tree nodes (largest
#: on the built-in models: 308); larger ones are left as they are (no error), and an exact zero test
#: that needs simplify on a larger one is refused (``symkin.algebra.bounds.is_zero``).  The same size
#: bounds the other optional SymPy steps: the proof that a regime case is empty
#: (``symkin.cases.provably_empty``); SymPy's ``factor`` (FLINT's ``ffactor`` above it).
MAX_SIMPLIFY_NODES = int(os.environ.get("SYMKIN_MAX_SIMPLIFY_NODES", 1_000))
#: power of k_B T of a Sommerfeld series (symkin.thermal): each order differentiates the closed form twice
MAX_SERIES_ORDER = int(os.environ.get("SYMKIN_MAX_SERIES_ORDER", 12))


def _limit(what, value, name, more_than=False):
    limit = globals()[name]
    if value > limit:
        amount = ": more than" if more_than else f" = {value} >"
        raise SizeLimitError(
            f"a derivation step grew past the size limit: {what}{amount} symkin.algebra.poly.{name} = {limit} "
            f"(the model is too large for the closed-form engine as posed; to allow it, raise the limit "
            f"with the environment variable SYMKIN_{name} or symkin.algebra.poly.{name} = ...)")


__all__ = ["fcancel", "ffactor", "ffactor_list", "flaurent", "fcollect", "FracConverter", "solve_linear"]


class FracConverter:
    """Convert SymPy expressions to and from pairs (numerator, denominator) of ``fmpq_mpoly`` over a
    fixed list of generators (SymPy atoms)."""

    def __init__(self, gens):
        self.gens = list(gens)
        _limit("number of generators (symbols and radicals)", len(self.gens), "MAX_GENERATORS")
        names = tuple(f"x{i}" for i in range(max(1, len(self.gens))))
        self.ctx = flint.fmpq_mpoly_ctx.get(names, "lex")
        g = self.ctx.gens()
        self.index = {a: g[i] for i, a in enumerate(self.gens)}
        self.one = self.ctx.from_dict({(0,) * len(names): 1})
        self._plain = [_plain(a) for a in self.gens]
        self._iI = self.gens.index(sp.I) if sp.I in self.gens else None

    # ---------------------------------------------------------------- SymPy -> FLINT
    def to_frac(self, e):
        """(numerator, denominator) of ``e``; the denominator is not normalised.

        Raises :class:`symkin.errors.SizeLimitError` if either polynomial has more than
        :data:`MAX_TERMS` terms or a power exceeds :data:`MAX_DEGREE`."""
        n, d = self._to_frac(e)
        _limit("number of terms", max(len(n), len(d)), "MAX_TERMS")
        return n, d

    def _to_frac(self, e):
        if e in self.index:
            return self.index[e], self.one
        if e.is_Rational:
            return self.one * flint.fmpq(int(e.p), int(e.q)), self.one
        if e.is_Add:
            n, d = self._to_frac(e.args[0])
            for a in e.args[1:]:
                n2, d2 = self._to_frac(a)
                if d2 == self.one:
                    n = n + n2 * d
                elif d == self.one:
                    n, d = n * d2 + n2, d2
                elif d == d2:
                    n = n + n2
                else:
                    g = d.gcd(d2)
                    if g == self.one:
                        n, d = n * d2 + n2 * d, d * d2
                    else:
                        a_, b_ = d2 / g, d / g
                        n, d = n * a_ + n2 * b_, d * a_
            return n, d
        if e.is_Mul:
            n, d = self.one, self.one
            for a in e.args:
                n2, d2 = self._to_frac(a)
                n, d = n * n2, d * d2
            return n, d
        if e.is_Pow and e.exp.is_Integer:
            n, d = self._to_frac(e.base)
            x = int(e.exp)
            _limit("power", abs(x), "MAX_DEGREE")
            return (n**x, d**x) if x >= 0 else (d ** (-x), n ** (-x))
        raise KeyError(e)

    # ---------------------------------------------------------------- FLINT -> SymPy
    def to_expr(self, p):
        """The SymPy polynomial of ``p``, assembled in SymPy's canonical order directly
        (``_from_args`` after SymPy's own argument sort): the same object as
        ``Add(*[Mul(c, *powers)])`` without its flattening, which was a third of the run time of the
        kinetic chain on large models (fuzz seed 1054).  A term with a power of a generator that
        SymPy rewrites (``I**2``, ``sqrt(D)**2``, ``Abs(c)**2`` of a real c) is built by ``Mul`` and
        the sum by ``Add``."""
        gens, plain = self.gens, self._plain
        const, terms, canonical = [], [], True
        monoms = zip(p.monoms(), p.coeffs())
        if self._iI is not None:  # I**e = (-1)**(e//2) I**(e%2); terms that then coincide are summed
            red = {}
            for exps, c in monoms:
                e = exps[self._iI]
                key = exps[:self._iI] + (e % 2,) + exps[self._iI + 1:]
                red[key] = red.get(key, 0) + (-c if e % 4 in (2, 3) else c)
            monoms = [(e, c) for e, c in red.items() if c != 0]
        for exps, c in monoms:
            co = sp.Rational(int(c.p), int(c.q))
            idx = [i for i, x in enumerate(exps) if x]
            if not idx:
                const.append(co)
                continue
            if all(exps[i] == 1 and plain[i] is not None or plain[i] for i in idx):
                fac = [gens[i] if exps[i] == 1 else sp.Pow(gens[i], exps[i]) for i in idx]
                _mulsort(fac)
                if co != 1:
                    fac.insert(0, co)
                terms.append(fac[0] if len(fac) == 1 else sp.Mul._from_args(fac))
            else:
                canonical = False
                terms.append(sp.Mul(co, *[gens[i] ** exps[i] for i in idx]))
        if not canonical:
            return sp.Add(*const, *terms)
        _addsort(terms)
        args = const + terms
        return sp.Add._from_args(args) if len(args) > 1 else (args[0] if args else sp.S.Zero)

    def to_expr_frac(self, n, d):
        return self.to_expr(n) if d == self.one else self.to_expr(n) / self.to_expr(d)


def _plain(a):
    """True when SymPy keeps every integer power of the generator ``a`` as ``Pow(a, n)`` and orders
    it in a product by its own sort alone (Symbols, pi, functions of them whose powers it does not
    rewrite); False when only its first power is plain (``I``, ``exp(a)``); None for radicals (no fast path)."""
    if a is sp.I:
        return False  # its powers are folded into the coefficient by FracConverter.to_expr
    if a.is_Pow or not a.is_commutative:  # sqrt(D) D = D**(3/2)
        return None
    if isinstance(a, sp.Symbol) or a.is_NumberSymbol:
        return True
    return all(isinstance(a**n, sp.Pow) and (a**n).args == (a, sp.Integer(n)) for n in (2, 3))


def _atoms(e, out):
    if e.is_Rational:
        return
    if e.is_Atom:
        out.setdefault(e, None)
    elif e.is_Add or e.is_Mul:
        for a in e.args:
            _atoms(a, out)
    elif e.is_Pow and e.exp.is_Integer:
        _atoms(e.base, out)
    else:
        out.setdefault(e, None)


def generators(e):
    """Atoms of ``e`` that :func:`fcancel` treats as polynomial generators (ordered)."""
    out = {}
    _atoms(sp.sympify(e), out)
    return sorted(out, key=sp.default_sort_key)


def fcancel(expr, relations=()):
    r"""``sympy.cancel`` through FLINT: numerator/denominator with no common factor.

    ``relations`` is a sequence of pairs ``(L, Q)`` meaning :math:`L^2 = Q` with Q a rational
    expression free of L and of the L's before it (e.g. :math:`\Lambda^2 = |\mathbf d(r)|^2` on a
    Fermi circle).  They are imposed exactly, in order: numerator and denominator become linear in
    L and the denominator is rationalised (times its L -> -L conjugate), so the result is a
    canonical form multilinear in the L's.  Q must not be a perfect square (the conjugate would
    then be a zero divisor); substitute L directly instead.

    >>> x, y = sp.symbols('x y')
    >>> fcancel((x**2 - y**2)/(x - y))
    x + y
    >>> fcancel(1/x + 1/y)
    (x + y)/(x*y)
    >>> L = sp.Symbol('L')
    >>> fcancel(1/(L + 1), [(L, x)])        # L = sqrt(x)
    (L - 1)/(x - 1)
    """
    expr = sp.sympify(expr)
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda e: fcancel(e, relations))
    if expr.is_Rational or expr.is_Atom and not relations:
        return expr
    conv, rels = _setup(expr, relations)
    if conv is None:
        return expr
    n, d = conv.to_frac(expr)
    return conv.to_expr_frac(*_normalise(conv, n, d, rels))


def ffactor(expr):
    """``sympy.factor`` through FLINT: content times irreducible factors of numerator and denominator.

    SymPy's multivariate factorisation (Wang's algorithm) draws random evaluation points, and with
    the radicals of a Fermi radius as generators some draws take minutes; FLINT's does not.

    >>> x, y = sp.symbols('x y')
    >>> ffactor((2*x**2*y - 2*y**3)/(x + y))
    2*y*(x - y)
    """
    expr = sp.sympify(expr)
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(ffactor)
    if expr.is_number or expr.is_Atom:
        return expr
    conv, _ = _setup(expr, ())
    if conv is None:
        return expr
    n, d = _normalise(conv, *conv.to_frac(expr), [])
    if n.is_zero():
        return sp.S.Zero

    def prod(p):
        c, fs = p.factor()
        return sp.Rational(int(c.p), int(c.q)), sp.Mul(*[conv.to_expr(f) ** e for f, e in fs])

    cn, pn = prod(n)
    cd, pd = prod(d)
    return (cn / cd) * pn / pd


def ffactor_list(expr):
    """Irreducible factors (with multiplicity) of the numerator of ``expr`` over Q, via FLINT:
    ``[(factor, exponent), ...]`` (the rational content is dropped).

    >>> x, y = sp.symbols('x y')
    >>> ffactor_list(2*x**2 - 2*y**2)
    [(x - y, 1), (x + y, 1)]
    """
    expr = sp.sympify(expr)
    conv, _ = _setup(expr, ())
    if conv is None:
        return []
    n, _ = _normalise(conv, *conv.to_frac(expr), [])
    return [(conv.to_expr(f), int(e)) for f, e in n.factor()[1]]


def flaurent(expr, w, relations=(), n=None):
    """Coefficients of a Laurent polynomial in the generator w, each in the canonical form of
    :func:`fcancel` (with ``relations``): ``{l: coefficient of w**l}``, or the single coefficient of
    ``w**n`` when n is given.  The expression may be any rational expression whose denominator is a
    monomial in w times a w-free polynomial (no SymPy ``expand``: the products are formed in FLINT).

    >>> x, w = sp.symbols('x w')
    >>> flaurent((w + 1/w)**2/(x + 1), w)
    {-2: 1/(x + 1), 0: 2/(x + 1), 2: 1/(x + 1)}
    """
    expr = sp.sympify(expr)
    if expr == 0:
        return sp.S.Zero if n is not None else {}
    conv, rels = _setup(expr, relations, extra=(w,))
    num, den = conv.to_frac(expr)
    iw = conv.gens.index(w)
    dd = den.to_dict()
    ews = {e[iw] for e in dd}
    if len(ews) != 1:
        raise ValueError(f"not a Laurent polynomial in {w}: the denominator depends on it")
    (e0,) = ews
    strip = lambda e: e[:iw] + (0,) + e[iw + 1:]
    den = conv.ctx.from_dict({strip(e): c for e, c in dd.items()})
    parts = {}
    for e, c in num.to_dict().items():
        parts.setdefault(e[iw] - e0, {})[strip(e)] = c
    if n is not None:
        part = parts.get(n)
        if not part:
            return sp.S.Zero
        return conv.to_expr_frac(*_normalise(conv, conv.ctx.from_dict(part), den, rels))
    return {l: conv.to_expr_frac(*_normalise(conv, conv.ctx.from_dict(part), den, rels))
            for l, part in sorted(parts.items())}


def fcollect(expr, gens, relations=()):
    """Impose ``relations`` (as in :func:`fcancel`; they must include every generator in ``gens``
    so the result is multilinear in them) and collect: ``{exponents: coefficient}`` with
    ``expr = sum(coefficient * prod(gens**exponents))`` and coefficients free of ``gens``.

    >>> x, L = sp.symbols('x L')
    >>> fcollect(1/(L + 1), [L], [(L, x)])
    {(0,): -1/(x - 1), (1,): 1/(x - 1)}
    """
    expr = sp.sympify(expr)
    if expr.is_number:
        return {(0,) * len(gens): expr} if expr != 0 else {}
    conv, rels = _setup(expr, relations, extra=tuple(gens))
    num, den = _normalise(conv, *conv.to_frac(expr), rels)
    idx = [conv.gens.index(g) for g in gens]
    parts = {}
    for e, c in num.to_dict().items():
        key = tuple(e[i] for i in idx)
        e0 = tuple(0 if i in idx else x for i, x in enumerate(e))
        parts.setdefault(key, {})[e0] = c
    return {key: conv.to_expr_frac(*_normalise(conv, conv.ctx.from_dict(v), den, []))
            for key, v in sorted(parts.items())}


def _setup(expr, relations, extra=()):
    relations = [(L, sp.sympify(Q)) for L, Q in relations]
    present = set(expr.free_symbols)
    for L, Q in relations:  # a relation matters if L is in expr or in a later-imposed Q before it
        if L in present:
            present |= Q.free_symbols
    rels = [(L, Q) for L, Q in relations if L in present]
    gens = generators(expr)
    gens += [g for g in extra if g not in gens]
    if not gens:
        return None, rels
    for _, Q in rels:
        gens += [g for g in generators(Q) if g not in gens]
    lead = [L for L, _ in rels]
    gens = lead + [g for g in gens if g not in lead]
    return FracConverter(gens), rels


def _normalise(conv, n, d, rels):
    """Impose the relations in order (see :func:`fcancel`), cancel the gcd, monic denominator."""
    one = conv.one
    for L, Q in rels:
        n, d = _impose(conv, n, d, L, Q)
    if n.is_zero():
        return n, one
    g = n.gcd(d)
    if g != one:
        n, d = n / g, d / g
    lc = d.leading_coefficient()
    if lc != 1:
        n, d = n / lc, d / lc
    return n, d


def _impose(conv, n, d, L, Q):
    r"""Reduce n/d modulo :math:`L^2 = Q` (Q = qn/qd free of L): both become linear in L, the
    denominator L-free; then :math:`(d_0 + d_1L)` is rationalised with its conjugate.

    A polynomial Q free of every generator before L (lex order: :math:`L^2` leads :math:`L^2 - Q`):
    the linear representatives are the remainders of FLINT's multivariate division (in C; the
    dictionary fold below took 5 of 38 s for three Fermi circles).  Otherwise even powers
    :math:`L^{2j}` become :math:`qn^j qd^{J-j}` (the common :math:`qd^J` of numerator and denominator
    cancels)."""
    iL = conv.gens.index(L)
    Lp = conv.index[L]
    qn, qd = conv.to_frac(Q)
    if qd == conv.one and all(e[:iL + 1] == (0,) * (iL + 1) for e in qn.monoms()):
        rel, name = Lp**2 - qn, conv.ctx.names()[iL]

        def parts(p):
            r = p if all(e[iL] < 2 for e in p.monoms()) else divmod(p, rel)[1]
            p0 = r.subs({name: 0})
            return p0, ((r - p0) / Lp if r != p0 else conv.ctx.from_dict({}))
        (n0, n1), (d0, d1) = parts(n), parts(d)
    else:
        def split(p):
            out = {}
            for e, c in p.to_dict().items():
                out.setdefault(e[iL], {})[e[:iL] + (0,) + e[iL + 1:]] = c
            return {kk: conv.ctx.from_dict(v) for kk, v in out.items()}

        sn, sd = split(n), split(d)
        if max(sn, default=0) < 2 and max(sd, default=0) == 0:
            return n, d
        J = max(kk // 2 for kk in list(sn) + list(sd))
        qnp, qdp = [conv.one], [conv.one]
        for _ in range(J):
            qnp.append(qnp[-1] * qn)
            qdp.append(qdp[-1] * qd)

        def fold(parts):
            ev, od = conv.ctx.from_dict({}), conv.ctx.from_dict({})
            for kk, c in parts.items():
                term = c * qnp[kk // 2] * qdp[J - kk // 2]
                if kk % 2:
                    od += term
                else:
                    ev += term
            return ev, od
        (n0, n1), (d0, d1) = fold(sn), fold(sd)
    if d1.is_zero():
        return n0 + n1 * Lp, d0
    den = d0 * d0 * qd - d1 * d1 * qn
    if den.is_zero():
        raise ZeroDivisionError(f"denominator vanishes modulo {L}**2 = {Q}")
    return (n0 * d0 * qd - n1 * d1 * qn) + (n1 * d0 - n0 * d1) * qd * Lp, den


def solve_linear(A, b, canon=fcancel):
    """Solve the square system A x = b (SymPy matrices) by Gaussian elimination, bringing every
    entry to canonical form (``canon``, e.g. :meth:`symkin.fermi.RingSet.canon`) after each step.

    ``Matrix.LUsolve`` builds nested fractions whose expansion explodes with two Fermi circles of a
    k-dependent mass (885 834 terms for bhz_like with D > B); canonical forms between the steps keep
    each entry a reduced quotient.

    >>> x = sp.Symbol('x')
    >>> solve_linear(sp.Matrix([[x, 1], [1, x]]), sp.Matrix([1, 0])).T
    Matrix([[x/(x**2 - 1), -1/(x**2 - 1)]])
    """
    n = A.shape[0]
    M = [[A[i, j] for j in range(n)] + [b[i]] for i in range(n)]
    for col in range(n):
        piv = next((r for r in range(col, n) if M[r][col] != 0), None)
        if piv is None:
            raise ZeroDivisionError("singular linear system")
        M[col], M[piv] = M[piv], M[col]
        inv = canon(1 / M[col][col])
        M[col] = [canon(x * inv) if x != 0 else x for x in M[col]]
        for r in range(n):
            if r != col and M[r][col] != 0:
                f = M[r][col]
                M[r] = [canon(x - f * y) if (y != 0) else x for x, y in zip(M[r], M[col])]
    return sp.Matrix([M[i][n] for i in range(n)])
