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

from ..errors import UnsupportedModelError
from ..internal import internal, internal_symbols
from .bounds import check_integrand, check_size
from .poly import fcancel, ffactor, flaurent


def qcancel(x):
    """Exact ``cancel`` of a rational expression (FLINT gcds, :func:`symkin.algebra.poly.fcancel`).

    The imaginary unit is one more generator: every step is a ring operation valid for any value
    of it (multivariate gcds over Q(i) are about 10x slower than over Q)."""
    return fcancel(x)


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


def laurent_coeff(expr, w, n=0, simplify=qcancel):
    """Coefficient of w**n of an expression that is a Laurent polynomial in w."""
    if simplify is qcancel:
        try:
            return flaurent(expr, w, n=n)
        except (KeyError, ValueError):
            pass
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
    """Dict {l: coefficient of w**l} (products formed in FLINT, :func:`symkin.algebra.poly.flaurent`;
    SymPy's ``expand`` for expressions FLINT cannot hold, e.g. non-integer powers)."""
    try:
        return {l: c for l, c in flaurent(expr, w).items() if c != 0}
    except (KeyError, ValueError):
        pass
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
    u = internal("_u", positive=True)
    if Lam is not None and d_squared is not None:
        poly = sp.Poly(sp.expand(d_squared), kvar)
        if poly.degree() == 2 and poly.coeff_monomial(kvar) == 0:
            b, a = poly.coeff_monomial(kvar**2), poly.coeff_monomial(1)
            L = internal("_L", positive=True)
            # f dk = (f/k) k dk = (f/k) L dL / b, with k^2 = (L^2 - a)/b
            g = sp.cancel(sp.expand(f / kvar).subs(kvar**2, (L**2 - a) / b).xreplace({Lam: L}))
            if not g.has(kvar):
                def lam_of(x):
                    if x is sp.oo:
                        return sp.oo
                    return sp.sqrt(sp.expand(d_squared.subs(kvar, x)))
                h = check_integrand(sp.cancel(g * L / b), L, "the Fermi-sea integrand")
                prim = sp.integrate(sp.apart(h, L), L)
                lo, hi = lam_of(lower), lam_of(upper)
                val = _at(prim, L, hi) - _at(prim, L, lo)
                return ffactor((val))
        f = f.xreplace({Lam: sp.sqrt(d_squared)})
    check_size([f, lower, upper], "the Fermi-sea integral")
    res = sp.integrate(f, (kvar, lower, upper))
    special = sorted({type(a).__name__ for a in res.atoms(sp.hyper, sp.meijerg, sp.elliptic_e, sp.elliptic_f,
                                                         sp.elliptic_k, sp.elliptic_pi, sp.appellf1)})
    if special:
        # the cubic Rashba ferromagnet's intrinsic spin-Hall term: SymPy returns 2F1 functions that grow
        # to 243 000 nodes when reduced (and gave nan/zoo before): refused, not typeset or evaluated
        raise UnsupportedModelError(
            f"the Fermi-sea integral has no elementary closed form here (SymPy returns {', '.join(special)}); "
            "evaluate this observable with symkin.numeric or symkin.kubo")
    if res.has(sp.Integral):
        warnings.warn(f"Fermi-sea integral left unevaluated: {res}", RuntimeWarning, stacklevel=2)
    return res


def _at(prim, L, x):
    if x is sp.oo:
        return sp.limit(check_size(prim, "the Fermi-sea antiderivative"), L, sp.oo)
    return prim.subs(L, x)


def sea_antiderivative(f, kvar, Lam, d_squared):
    r"""Antiderivative in :math:`u = k^2` of :math:`f(k, \Lambda)\,k\,dk = \tfrac12 f\,du`, where f is rational in
    k (even) and :math:`\Lambda = |\mathbf d(k)|` with :math:`\Lambda^2 = Q(u)`.

    f is first brought to the form :math:`p_0(u) + p_1(u)\Lambda` (exact, by inverting the denominator
    modulo :math:`\Lambda^2 - Q`).  :math:`\int p_0` is a rational integral; for the algebraic part an
    ansatz :math:`T(u)\Lambda` with :math:`T = A(u)/D(u)` (A polynomial, D the denominator of
    :math:`S = p_1 Q`) solves :math:`T'Q + TQ'/2 = S` as a linear system -- for two-band blocks this is
    the solid-angle structure of the Berry curvature.

    Returns ``(F, u)`` with F a function of u and Lam, or ``None`` if the ansatz fails.
    """
    u = internal("u", positive=True)
    Q = sp.expand(d_squared.subs(kvar, sp.sqrt(u)))
    g = sp.cancel(sp.expand(check_size(f, "the Fermi-sea integrand") / 2).xreplace({kvar: sp.sqrt(u)}))
    if g.has(kvar) or not g.is_rational_function(u, Lam):
        return None
    num, den = sp.fraction(sp.cancel(g))
    P = sp.Poly(Lam**2 - Q, Lam)
    num_p, den_p = sp.Poly(num, Lam).rem(P), sp.Poly(den, Lam).rem(P)
    if den_p.degree() > 0:
        num_p = (num_p * sp.invert(den_p, P)).rem(P)
        den_p = sp.Poly(1, Lam)
    den_e = den_p.as_expr()
    p0 = sp.cancel(num_p.coeff_monomial(1) / den_e)
    p1 = sp.cancel(num_p.coeff_monomial(Lam) / den_e)
    F = sp.integrate(sp.apart(check_integrand(p0, u, "the Fermi-sea integrand"), u), u) if p0 != 0 else sp.S.Zero
    if p1 != 0:
        S = sp.cancel(p1 * Q)
        N, D = sp.fraction(S)
        deg = sp.degree(N, u) + sp.degree(D, u) + 1
        cs = internal_symbols(f"_a0:{deg + 1}")
        A = sum(c * u**i for i, c in enumerate(cs))
        eq = sp.expand(A.diff(u) * Q * D - A * D.diff(u) * Q + A * Q.diff(u) * D / 2 - N * D)
        eqs = check_size(sp.Poly(eq, u).coeffs(), "the linear system of the Fermi-sea antiderivative")
        sol = sp.solve(eqs, cs, dict=True)
        if not sol:
            return None
        T = sp.cancel((A / D).xreplace(sol[0]).xreplace({c: 0 for c in cs}))
        F += T * Lam
    return F, u
