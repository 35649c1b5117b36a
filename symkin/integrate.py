r"""Angular averages and Fermi-sea radial integrals in closed form.

Angular averages
----------------
With :math:`z = e^{i\theta}` every integrand of an isotropic model is a Laurent polynomial in z,
and :math:`\langle F\rangle_\theta = [z^0]F` (the residue at 0 of F/z) -- exact and far faster than
``integrate`` over :math:`\theta` (paper/NOTES.md: 120 s did not finish one collision integrand).
Only the extracted coefficient is ``cancel``-ed.

Fermi sea
---------
:math:`\sum_k F(k) = \int_0^\infty \frac{k\,dk}{2\pi}\langle F\rangle_\theta`.  For two-band blocks
with :math:`|\mathbf d|^2` linear in :math:`u = k^2` the integrand becomes rational in
:math:`\Lambda = |\mathbf d|` and SymPy integrates it exactly; otherwise ``integrate`` is tried in u and
an unevaluated ``Integral`` is returned (with a warning) if it fails.
"""
from __future__ import annotations

import warnings

import sympy as sp


def split_power(term, w):
    """(coefficient, exponent) of a product term c * w**n (fast replacement of as_coeff_exponent)."""
    if term == w:
        return sp.S.One, 1
    if term.is_Pow and term.base == w:
        return sp.S.One, int(term.exp)
    if term.is_Mul:
        rest, ex = [], 0
        for f in term.args:
            if f == w:
                ex += 1
            elif f.is_Pow and f.base == w:
                ex += int(f.exp)
            else:
                rest.append(f)
        coeff = sp.Mul(*rest)
    else:
        coeff, ex = term, 0
    if coeff.has(w):
        # expand() merges w**-1 into expanded denominators: peel the monomial factor off again
        num, den = coeff.as_numer_denom()
        out = []
        for part, sgn in ((num, 1), (den, -1)):
            if part.has(w):
                terms = sp.Poly(part, w).terms()
                if len(terms) != 1:
                    raise ValueError(f"not a Laurent polynomial in {w}: {term}")
                (mon,), part = terms[0]
                ex += sgn * mon
            out.append(part)
        coeff = out[0] / out[1]
    return coeff, ex


def laurent_coeff(expr, w, n=0, simplify=sp.cancel):
    """Coefficient of w**n of an expression that is a Laurent polynomial in w."""
    expr = sp.expand(expr)
    out = []
    for term in sp.Add.make_args(expr):
        coeff, ex = split_power(term, w)
        if ex == n:
            out.append(coeff)
    res = sp.Add(*out)
    return simplify(res) if simplify else res


def angular_average(expr, w):
    r""":math:`\langle F\rangle_\theta` for F Laurent in :math:`w = e^{i\theta}`.

    >>> z = sp.Symbol('z', real=True)
    >>> angular_average((z + 1/z)**2 / 4, z)      # <cos^2> = 1/2
    1/2
    """
    return laurent_coeff(expr, w, 0)


def harmonics(expr, w):
    """Dict {l: coefficient of w**l}."""
    expr = sp.expand(expr)
    out = {}
    for term in sp.Add.make_args(expr):
        coeff, ex = split_power(term, w)
        out[ex] = out.get(ex, 0) + coeff
    return {l: c for l, c in out.items() if c != 0}


def radial_integral(f, kvar, lower, upper, d_squared=None, Lam=None):
    r"""Exact :math:`\int_{lower}^{upper} f\, dk` for an integrand rational in k and
    :math:`\Lambda = |\mathbf d(k)|` (``Lam`` stands for it in f; ``d_squared`` is :math:`|\mathbf d|^2`).

    If :math:`|\mathbf d|^2 = a + b k^2` the substitution :math:`k\,dk = \Lambda\,d\Lambda/b` makes the
    integrand rational in :math:`\Lambda` (f must be odd in k, as :math:`k\,dk\,F(k^2)`).
    """
    u = sp.Symbol("_u", positive=True)
    if Lam is not None and d_squared is not None:
        poly = sp.Poly(sp.expand(d_squared), kvar)
        if poly.degree() == 2 and poly.coeff_monomial(kvar) == 0:
            b, a = poly.coeff_monomial(kvar**2), poly.coeff_monomial(1)
            L = sp.Symbol("_L", positive=True)
            # f dk = (f/k) k dk = (f/k) L dL / b, with k^2 = (L^2 - a)/b
            g = sp.cancel(sp.expand(f / kvar).subs(kvar**2, (L**2 - a) / b).xreplace({Lam: L}))
            if not g.has(kvar):
                def lam_of(x):
                    if x is sp.oo:
                        return sp.oo
                    return sp.sqrt(sp.expand(d_squared.subs(kvar, x)))
                prim = sp.integrate(sp.apart(sp.cancel(g * L / b), L), L)
                lo, hi = lam_of(lower), lam_of(upper)
                val = _at(prim, L, hi) - _at(prim, L, lo)
                return sp.factor(sp.cancel(val))
        f = f.xreplace({Lam: sp.sqrt(d_squared)})
    res = sp.integrate(f, (kvar, lower, upper))
    if res.has(sp.Integral):
        warnings.warn(f"Fermi-sea integral left unevaluated: {res}", RuntimeWarning, stacklevel=2)
    return res


def _at(prim, L, x):
    if x is sp.oo:
        return sp.limit(prim, L, sp.oo)
    return prim.subs(L, x)
