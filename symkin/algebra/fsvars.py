r"""Fermi-surface variables: named algebraic symbols for the Fermi radii, with their defining relations.

A closed form is written the way the paper writes Eq. 76 -- through the Fermi wavevector and
:math:`|\mathbf d(k_F)|` -- rather than through the nested radical that solves
:math:`\epsilon_m(k_F) = E_F`.  Each Fermi circle of a regime gets

* a radius :math:`k_F` (``k_{F,1}, k_{F,2}, ...`` when there are several), an algebraic symbol defined
  by its relation :math:`P(k_F^2) = 0`, the irreducible factor of

  .. math:: (E_F - d_0(k))^2 - |\mathbf d(k)|^2 = 0

  that vanishes on the circle, and a *branch*: the band (:math:`E_F - d_0(k_F) = \pm|\mathbf d(k_F)|`)
  and the position of the circle among that band's circles at :math:`E_F`, ordered by radius;
* :math:`\Lambda_F = |\mathbf d(k_F)| = \pm(E_F - d_0(k_F))`, an expression in :math:`k_F`.

The kinetic chain never substitutes a root: every quantity is a rational function of
:math:`(k_F, \Lambda_F)` reduced modulo :math:`\Lambda_F^2 = |\mathbf d(k_F)|^2`
(:meth:`symkin.fermi.RingSet.compact`), so a cubic or quartic relation costs no more than a
quadratic one.  :func:`explicit` substitutes the roots at the end (radicals up to degree 2 in
:math:`k_F^2`, else :class:`FermiRoot`), :func:`evaluate` finds them numerically, vectorised
(eigenvalues of companion matrices, then Newton polishing), on the stated branch.

Chain position: a wing of :mod:`symkin.fermi` (no physics beyond the relation and the branch).
"""
from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from .bounds import check_size, factor_bounded
from .poly import fcancel, ffactor


class FermiSymbol(sp.Symbol):
    """A Fermi-surface variable (``k_F``, ``Lambda_F``, ...).  A class of its own: never equal to a
    user's parameter of the same name (as :class:`symkin.internal.Internal`), but part of results."""


def has_fermi_symbols(expr):
    """True when ``expr`` is written in Fermi-surface variables."""
    return any(isinstance(s, FermiSymbol) for s in sp.sympify(expr).free_symbols)


@dataclass(frozen=True)
class Definition:
    r"""Definition of one Fermi-surface variable.

    Attributes
    ----------
    symbol : FermiSymbol
    expr : sympy.Expr or None
        For a derived variable (:math:`\Lambda_F`): its value in parameters and earlier variables.
    relation : sympy.Expr or None
        For a radius: the polynomial :math:`P` in ``symbol`` (even: a polynomial in ``symbol**2``)
        with :math:`P(k_F) = 0`.
    branch : sympy.Expr or None
        For a radius: an expression in ``symbol`` that is positive on the chosen band
        (:math:`\pm(E_F - d_0(k))`), and ``index`` / ``count``: the chosen root is the
        ``index``-th (from 0) of the ``count`` positive roots of ``relation`` on that band, by size.
    band : int
        0 = upper band, 1 = lower band.
    """

    symbol: sp.Symbol
    expr: object = None
    relation: object = None
    branch: object = None
    index: int = 0
    count: int = 1
    band: int = 0
    square: object = None      # for Lambda_F: its square in earlier variables (the relation imposed)
    eliminates: tuple = ()     # for m_F = d_z(k_F): (parameter, its value in m_F and k_F)
    atom: bool = False         # a named per-circle quantity of several circles (RingSet.atomic)

    @property
    def is_radius(self):
        return self.relation is not None

    def __str__(self):
        x = self.symbol
        if not self.is_radius:
            return f"{x} = {sp.sstr(self.expr)}"
        band = "upper" if self.band == 0 else "lower"
        which = ("the root" if self.count == 1 else
                 f"root {self.index + 1} of {self.count} (by size)")
        return (f"{x} > 0: {sp.sstr(self.relation)} = 0, {which} of the {band} band "
                f"({sp.sstr(self.branch)} > 0)")

    def latex(self):
        x = sp.latex(self.symbol)
        if not self.is_radius:
            return f"{x} = {sp.latex(self.expr)}"
        band = "upper" if self.band == 0 else "lower"
        which = "the root" if self.count == 1 else f"root {self.index + 1} of {self.count} (by size)"
        return (f"{sp.latex(self.relation)} = 0,\\quad {x} > 0,\\ \\text{{{which} of the {band} band}}"
                f"\\ ({sp.latex(self.branch)} > 0)")


def relation_in_s(d: Definition):
    """(coefficients of P as a polynomial in s = k^2, highest first) of a radius definition."""
    x = d.symbol
    s = sp.Dummy("s")
    P = sp.Poly(sp.expand(d.relation), x)
    terms = {}
    for (e,), c in P.terms():
        if e % 2:
            raise ValueError(f"relation {d.relation} is not even in {x}")
        terms[e // 2] = c
    n = max(terms)
    return [terms.get(i, sp.S.Zero) for i in range(n, -1, -1)]


def _root_numeric(coeffs, branch_f, index, count):
    """The branch's root k > 0 of sum c_i s^(n-i) = 0 (s = k^2), vectorised over the coefficient arrays.

    Roots of the polynomial in s are the eigenvalues of the companion matrices (one per point); the
    admissible ones (real, s > 0, ``branch_f(k) > 0``) are sorted by size; NaN where their number
    is not ``count`` (the point is outside the regime).  Each root is polished by Newton steps."""
    cs = np.broadcast_arrays(*[np.asarray(c, dtype=float) for c in coeffs])
    shape = cs[0].shape
    cs = [c.reshape(-1) for c in cs]
    n = len(cs) - 1
    N = cs[0].size
    lead = cs[0]
    if n == 1:
        roots = (-cs[1] / lead)[:, None].astype(complex)
    else:
        comp = np.zeros((N, n, n))
        for i in range(n):
            comp[:, 0, i] = -cs[i + 1] / lead
        for i in range(1, n):
            comp[:, i, i - 1] = 1.0
        roots = np.linalg.eigvals(comp)
    scale = np.maximum(1.0, np.abs(roots))
    ok = (np.abs(roots.imag) < 1e-7 * scale) & (roots.real > 0)
    s = np.where(ok, roots.real, np.nan)
    for _ in range(3):  # Newton polishing in s
        p = np.zeros_like(s)
        dp = np.zeros_like(s)
        for c in cs:
            dp = dp * s + p
            p = p * s + c[:, None]
        step = np.where(dp != 0, p / np.where(dp != 0, dp, 1), 0.0)
        s = s - step
    kk = np.sqrt(s)
    with np.errstate(invalid="ignore"):
        good = np.asarray(branch_f(kk), dtype=float) > 0
    kk = np.where(good & np.isfinite(kk), kk, np.nan)
    kk = np.sort(kk, axis=1)  # NaNs last
    nvalid = np.sum(np.isfinite(kk), axis=1)
    out = np.where(nvalid == count, kk[:, min(index, n - 1)], np.nan)
    return out.reshape(shape)


def evaluator(definitions):
    """``f(values) -> values`` extended by every Fermi-surface variable (``values``: name -> array),
    in the order of ``definitions``; radii on their branch, NaN outside the regime."""
    steps = []
    for d in definitions:
        if d.is_radius:
            coeffs = relation_in_s(d)
            syms = sorted(set().union(*[sp.sympify(c).free_symbols for c in coeffs], d.branch.free_symbols - {d.symbol}),
                          key=lambda s: s.name)
            cf = [sp.lambdify(syms, c, "numpy") for c in coeffs]
            bf = sp.lambdify([d.symbol] + syms, d.branch, "numpy")
            steps.append((d, syms, cf, bf))
        else:
            syms = sorted(d.expr.free_symbols, key=lambda s: s.name)
            steps.append((d, syms, sp.lambdify(syms, d.expr, "numpy"), None))

    def f(values):
        vals = dict(values)
        for d, syms, cf, bf in steps:
            args = [vals[s.name] for s in syms]
            if d.is_radius:
                cs = [np.asarray(c(*args), dtype=float) for c in cf]
                shape = np.broadcast(*cs, *[np.asarray(a) for a in args]).shape if args else ()
                cs = [np.broadcast_to(c, shape) for c in cs]
                bargs = [np.broadcast_to(np.asarray(a, dtype=float), shape)[..., None] for a in args]
                vals[d.symbol.name] = _root_numeric(cs, lambda k: bf(k, *bargs), d.index, d.count)
            else:
                vals[d.symbol.name] = cf(*args)
        return vals

    f.parameters = tuple(sorted({s.name for d, syms, *_ in steps for s in syms} -
                                {d.symbol.name for d in definitions}))
    return f


class FermiRoot(sp.Function):
    r"""``FermiRoot(P, k, branch, index, count)``: the root :math:`k > 0` of the polynomial P (in k,
    even) on the branch (``branch`` > 0), the ``index``-th of ``count`` by size -- the closed form of a
    Fermi radius whose relation has degree > 2 in :math:`k^2` (numeric once the parameters are)."""

    @classmethod
    def eval(cls, P, x, branch, index, count):
        return None

    @property
    def free_symbols(self):
        P, x, branch = self.args[:3]
        return (P.free_symbols | branch.free_symbols) - {x}

    def _eval_evalf(self, prec):
        P, x, branch, index, count = self.args
        if (P.free_symbols | branch.free_symbols) - {x}:
            return None
        d = Definition(x, relation=P, branch=branch, index=int(index), count=int(count))
        coeffs = [float(c) for c in relation_in_s(d)]
        bf = sp.lambdify(x, branch, "numpy")
        val = _root_numeric([np.array(c) for c in coeffs], bf, int(index), int(count))
        if not np.isfinite(val):
            return sp.nan
        # refine in mpmath to the requested precision
        s = sp.Symbol("s")
        poly = sum(c * s ** (len(coeffs) - 1 - i) for i, c in enumerate(relation_in_s(d)))
        try:
            sv = sp.nsolve(poly, s, float(val) ** 2, prec=max(15, mpmath.libmp.prec_to_dps(prec)))
        except (ValueError, ZeroDivisionError):
            return sp.Float(float(val), prec)
        return sp.sqrt(sv).evalf(prec)


def closed_radius(d: Definition, sample):
    r"""Closed form of a radius: radicals when the relation has degree <= 2 in :math:`k^2` (the sign
    of the square root chosen on the branch, checked at ``sample``: Symbol -> number), else
    :class:`FermiRoot`."""
    coeffs = relation_in_s(d)
    x = d.symbol
    if len(coeffs) == 2:
        cands = [sp.sqrt(-coeffs[1] / coeffs[0])]
    elif len(coeffs) == 3:
        a, b, c = coeffs
        D = factor_bounded(sp.expand(b**2 - 4 * a * c))
        cands = [sp.sqrt((-b + sg * sp.sqrt(D)) / (2 * a)) for sg in (1, -1)]
    else:
        return FermiRoot(d.relation, x, d.branch, d.index, d.count)
    want = evaluator([d])({s.name: v for s, v in sample.items()})[x.name]
    for cand in cands:
        val = complex(sp.N(cand.xreplace(sample), 20))
        if abs(val.imag) < 1e-9 and abs(val.real - float(want)) < 1e-8 * max(1.0, abs(float(want))):
            return cand
    return FermiRoot(d.relation, x, d.branch, d.index, d.count)


def explicit_map(definitions, sample):
    """Symbol -> closed form (in parameters only) of every Fermi-surface variable."""
    out = {}
    for d in definitions:
        if d.is_radius:
            out[d.symbol] = closed_radius(d, sample)
        else:
            out[d.symbol] = d.expr.xreplace(out)
    return out


def present(expr, definitions):
    r"""Write ``expr`` (rational in the Fermi-surface variables) compactly.

    A parameter eliminated by a mass variable (:math:`\Delta = m_F + Bk_F^2` for
    :math:`m_F = d_z(k_F) = \Delta - Bk_F^2`) is replaced; the relation
    :math:`\Lambda_F^2 = m_F^2 + g(k_F)^2` is imposed (canonical form, :func:`symkin.algebra.poly.fcancel`);
    then every factor whose coefficients are multiples of :math:`\Lambda_F^2` is written with it
    and common powers of :math:`\Lambda_F` cancel."""
    expr = sp.sympify(expr)
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda x: present(x, definitions))
    defs = list(definitions.values()) if isinstance(definitions, dict) or hasattr(definitions, "values") else list(definitions)
    if any(d.atom for d in defs):
        return expr  # several circles: kept collected in the coupled transport times (RingSet.compact)
    rep = {}
    for d in defs:
        if d.eliminates:
            rep[d.eliminates[0]] = d.eliminates[1]
    if rep:
        expr = expr.xreplace(rep)
    rels = [(d.symbol, d.square) for d in defs if d.square is not None]
    if not expr.free_symbols & {L for L, _ in rels}:
        return ffactor(fcancel(expr)) if rep else expr
    e = ffactor(fcancel(expr, rels))

    def fix(f):
        base, ex = f.as_base_exp()
        if not base.is_Add:
            return f
        for L, Q in rels:
            if not base.free_symbols & Q.free_symbols:
                continue
            gens = sorted((base.free_symbols | Q.free_symbols) - {L}, key=sp.default_sort_key)
            if not (base.is_polynomial(L, *gens) and Q.is_polynomial(*gens)):
                continue  # (parameters in denominators: leave the factor as it is)
            pq = sp.Poly(Q, *gens)
            new = sp.S.Zero
            for (j,), c in sp.Poly(base, L).terms():
                q, r = sp.div(sp.Poly(c, *gens), pq)
                if r.is_zero and not q.is_zero:
                    c = L**2 * q.as_expr()
                new += c * L**j
            base = new
        return base**ex

    e = sp.Mul(*[fix(f) for f in sp.Mul.make_args(e)]) if (e.is_Mul or e.is_Pow) else fix(e)
    return ffactor(e)


def total_diff(expr, var, n=1, definitions=()):
    r"""n-th total derivative of ``expr`` with respect to a parameter ``var`` (e.g. :math:`\epsilon_F`),
    the Fermi-surface variables depending on it implicitly:
    :math:`dk_F/dx = -(\partial P/\partial x)/(\partial P/\partial k_F)` from the relation, derived
    variables by the chain rule.  The result is again written in the variables (:func:`present`)."""
    defs = list(definitions.values()) if hasattr(definitions, "values") else list(definitions)
    what = f"a derivative with respect to {var} (the Sommerfeld series grows with each order)"
    if not defs:
        for _ in range(n):  # one order at a time, each checked (sympy.diff does the same in one call)
            expr = check_size(sp.diff(expr, var), what)
        return expr
    dv = {}
    for d in defs:
        if d.is_radius:
            P = d.relation
            dP = sp.diff(P, var) + sum((sp.diff(P, v) * dv[v] for v in dv if P.has(v)), sp.S.Zero)
            dv[d.symbol] = -dP / sp.diff(P, d.symbol)
        else:
            dv[d.symbol] = sp.diff(d.expr, var) + sum((sp.diff(d.expr, v) * dv[v] for v in dv if d.expr.has(v)),
                                                      sp.S.Zero)
    for _ in range(n):
        expr = sp.diff(expr, var) + sum((sp.diff(expr, v) * dv[v] for v in dv if expr.has(v)), sp.S.Zero)
        expr = present(check_size(expr, what), defs)
    return expr
