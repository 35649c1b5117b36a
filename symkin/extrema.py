r"""Band extrema and Fermi-circle counts of an isotropic two-band model, in :math:`x = k^2`.

With :math:`\epsilon_\pm(x) = d_0(x) \pm \sqrt{D(x)}`, :math:`D = |\mathbf d|^2` (both polynomials in
:math:`x = k^2` for an isotropic model), a band extremum at :math:`x > 0` solves
:math:`d_0' = \mp D'/(2\sqrt D)`, hence

.. math:: P(x) = 4\,d_0'(x)^2 D(x) - D'(x)^2 = 0 ,

on the upper band where :math:`d_0' D' < 0`, the lower band where :math:`d_0' D' > 0` and both
where :math:`d_0' = D' = 0` (:math:`' = d/dx`).  The extrema are the real positive roots of P,
found by numeric root isolation at each point (never by sampling a grid), plus :math:`x = 0`.

The Fermi circles of band b at energy E are the positive roots of
:math:`Q(x) = (E - d_0)^2 - D` with :math:`\mathrm{sign}(E - d_0(x)) = +` (upper) or :math:`-`
(lower).  :class:`NCircles` counts them at any numeric parameter point; it is the exact
statement of a window's circle structure where the extrema have no closed form (a SymPy function of
the parameters that evaluates when they are numbers, and compiles with ``lambdify``).
"""
from __future__ import annotations

import numpy as np
import sympy as sp
from numpy.polynomial import polynomial as npoly

from .bands import TwoBandBlock, k
from .errors import UnsupportedModelError
from .internal import internal
from .algebra.bounds import factor_bounded
from .algebra.poly import ffactor_list

x = internal("x", nonnegative=True)


def radial_coefficients(blk: TwoBandBlock):
    """Ascending coefficients in :math:`x = k^2` of :math:`d_0` and :math:`|\\mathbf d|^2`
    (two tuples of SymPy expressions)."""
    out = []
    for e in (blk.d0, blk.d_squared):
        p = sp.Poly(sp.expand(e), k)
        cs = [p.coeff_monomial(k**j) for j in range(p.degree() + 1)] if not p.is_zero else [sp.S.Zero]
        if any(c != 0 for c in cs[1::2]):
            raise UnsupportedModelError("d_0 or |d|^2 has odd powers of k: the model is not isotropic "
                                        "in the form the engine needs (use a polynomial in k_x^2 + k_y^2)")
        out.append(tuple(sp.expand(c) for c in cs[::2]))
    return tuple(out)


def radial_polys(blk: TwoBandBlock):
    """:math:`(d_0(x), D(x), P(x))` as SymPy expressions in the internal symbol :data:`x`."""
    c0, c2 = radial_coefficients(blk)
    d0 = sum(c * x**j for j, c in enumerate(c0))
    d2 = sum(c * x**j for j, c in enumerate(c2))
    P = sp.expand(4 * d0.diff(x) ** 2 * d2 - d2.diff(x) ** 2)
    return d0, d2, P


def _real_positive_roots(coeffs):
    """Real roots > 0 of the ascending float polynomial ``coeffs``, sorted."""
    c = np.trim_zeros(np.asarray(coeffs, dtype=float), "b")
    if c.size <= 1:
        return []
    r = npoly.polyroots(c)
    scale = 1.0 + np.abs(r)
    real = sorted(float(v) for v in r.real[(np.abs(r.imag) <= 1e-7 * scale) & (r.real > 1e-12)])
    return [v for i, v in enumerate(real) if i == 0 or v - real[i - 1] > 1e-7 * (1 + abs(v))]


class NumBands:
    """The two bands at one numeric parameter point (ascending float coefficients in x)."""

    def __init__(self, c0, c2):
        self.c0 = np.asarray([float(v) for v in c0])
        self.c2 = np.asarray([float(v) for v in c2])

    def eps(self, band, xv):
        lam = np.sqrt(np.maximum(npoly.polyval(xv, self.c2), 0.0))
        return npoly.polyval(xv, self.c0) + (lam if band == 0 else -lam)

    def extrema(self):
        """Sorted list of (energy, band, x): the band edges at x = 0 and the ring extrema x > 0."""
        d0p, d2p = npoly.polyder(self.c0), npoly.polyder(self.c2)
        if not np.any(d0p):  # P = -D'^2: the double roots of P are the simple roots of D'
            P = d2p
        else:
            P = npoly.polysub(4 * npoly.polymul(npoly.polymul(d0p, d0p), self.c2), npoly.polymul(d2p, d2p))
        out = [(float(self.eps(b, 0.0)), b, 0.0) for b in (0, 1)]
        for xr in _real_positive_roots(P):
            s = np.sqrt(max(npoly.polyval(xr, self.c2), 0.0))
            if s <= 1e-12:
                continue  # a band crossing: reported by the degeneracy check
            a, b_ = npoly.polyval(xr, d0p), npoly.polyval(xr, d2p) / (2 * s)
            tol = 1e-6 * (npoly.polyval(xr, np.abs(d0p)) + npoly.polyval(xr, np.abs(d2p)) / (2 * s) + 1e-300)
            for band, slope in ((0, a + b_), (1, a - b_)):
                if abs(slope) <= tol:
                    out.append((float(self.eps(band, xr)), band, xr))
        return sorted(out)

    def circles(self, E):
        """(number of Fermi circles of the upper band, of the lower band) at energy E."""
        e0 = np.zeros(max(len(self.c0), 1))
        e0[0] = E
        r = npoly.polysub(e0, self.c0)
        Q = npoly.polysub(npoly.polymul(r, r), self.c2)
        n = [0, 0]
        for xr in _real_positive_roots(Q):
            n[0 if npoly.polyval(xr, r) > 0 else 1] += 1
        return tuple(n)

    def rises(self, band):
        """Whether the band goes to +oo (else -oo or a constant) at large k."""
        xs = [0.0] + [xr for _, _, xr in self.extrema()]
        X = 1e3 * (1.0 + max(xs))
        return bool(self.eps(band, X) > self.eps(band, 0.0) and self.eps(band, 10 * X) > self.eps(band, X))


def _floats(args):
    try:
        return [complex(a) for a in args]
    except TypeError:
        return None


class NCircles(sp.Function):
    r"""Number of Fermi circles of band ``b`` (0 upper, 1 lower) at energy E:
    ``NCircles(b, E, (d_0 coefficients), (|d|^2 coefficients))``, coefficients ascending in
    :math:`x = k^2`.  Evaluates to an Integer when E and the coefficients are numbers."""

    nargs = 4

    @classmethod
    def eval(cls, band, E, c0, c2):
        vals = [E, *c0, *c2]
        if not all(v.is_number for v in vals):
            return None
        z = _floats(vals)
        if z is None or any(abs(v.imag) > 1e-12 * (1 + abs(v.real)) for v in z):
            return None
        n0 = len(c0)
        nb = NumBands([v.real for v in z[1:1 + n0]], [v.real for v in z[1 + n0:]])
        return sp.Integer(nb.circles(z[0].real)[int(band)])

    @staticmethod
    def _imp_(band, E, c0, c2):
        arrays = np.broadcast_arrays(np.asarray(E, dtype=float), *[np.asarray(c, dtype=float) for c in c0],
                                     *[np.asarray(c, dtype=float) for c in c2])
        flat = [a.ravel() for a in arrays]
        n0 = len(c0)
        out = np.array([NumBands([f[i] for f in flat[1:1 + n0]], [f[i] for f in flat[1 + n0:]])
                        .circles(flat[0][i])[int(band)] for i in range(flat[0].size)])
        return out.reshape(arrays[0].shape)

    def _sympystr(self, printer):
        return f"n_circles[{'upper' if self.args[0] == 0 else 'lower'}]({printer._print(self.args[1])})"

    def _latex(self, printer):
        return rf"n_{{\mathrm{{{'upper' if self.args[0] == 0 else 'lower'}}}}}({printer._print(self.args[1])})"


class BandExtremum(sp.Function):
    r"""Energy of the ``i``-th extremum (in increasing energy, band edges at k = 0 included) of band
    ``b``: ``BandExtremum(b, i, (d_0 coefficients), (|d|^2 coefficients))``; a window boundary
    without a closed form.  Evaluates to a Float when the coefficients are numbers (``oo`` when the
    band has fewer extrema there: the window does not exist)."""

    nargs = 4

    @classmethod
    def eval(cls, band, i, c0, c2):
        vals = [*c0, *c2]
        if not all(v.is_number for v in vals):
            return None
        z = _floats(vals)
        if z is None:
            return None
        n0 = len(c0)
        ext = [e for e, b, _ in NumBands([v.real for v in z[:n0]], [v.real for v in z[n0:]]).extrema()
               if b == int(band)]
        return sp.Float(ext[int(i)]) if int(i) < len(ext) else sp.oo

    @staticmethod
    def _imp_(band, i, c0, c2):
        f = np.vectorize(lambda *cs: float(BandExtremum(band, i, sp.Tuple(*cs[:len(c0)]), sp.Tuple(*cs[len(c0):]))))
        return f(*c0, *c2)

    def _sympystr(self, printer):
        return f"extremum[{'upper' if self.args[0] == 0 else 'lower'}, {self.args[1]}]"

    def _latex(self, printer):
        return rf"\epsilon^{{\mathrm{{ext}}}}_{{{'+' if self.args[0] == 0 else '-'},{self.args[1]}}}"


def circle_condition(blk: TwoBandBlock, E, circles):
    """SymPy boolean: the Fermi level E cuts exactly ``circles`` ((band, n), ...) circles."""
    c0, c2 = (sp.Tuple(*c) for c in radial_coefficients(blk))
    n = dict(circles)
    return sp.And(*[sp.Eq(NCircles(b, E, c0, c2), n.get(b, 0)) for b in (0, 1)])


def band_extremum(blk: TwoBandBlock, band, index):
    """:class:`BandExtremum` of ``blk`` (the boundary of a window without a closed form)."""
    c0, c2 = (sp.Tuple(*c) for c in radial_coefficients(blk))
    return BandExtremum(band, index, c0, c2)


def _positive(expr):
    """``expr > 0`` with a denominator of known sign cleared (a SymPy boolean)."""
    num, den = sp.fraction(factor_bounded(sp.together(expr)))
    sign, keep = 1, []
    for f in sp.Mul.make_args(num) + tuple(1 / a for a in sp.Mul.make_args(den)):
        if f.is_positive or (f.is_Pow and f.exp.is_even) or isinstance(f, sp.Abs):
            continue  # (a square is positive except on a boundary of measure zero)
        if f.is_negative:
            sign = -sign
        else:
            keep.append(f)
    body = sp.Mul(*keep)
    return sp.StrictGreaterThan(body, 0) if sign > 0 else sp.StrictLessThan(body, 0)


def _tidy(e):
    """A short form of a closed-form extremum energy (one ``simplify`` on a small expression)."""
    return sp.simplify(e) if sp.count_ops(e) < 80 else e


def ring_extrema(blk: TwoBandBlock):
    """Closed forms of the ring extrema (x = k^2 > 0) where P has linear factors in x.

    Returns ``(roots, complete)``: ``roots`` a list of per-root options, each a list of
    ``(label, condition, {band: energy})`` -- the root absent (x_r <= 0), an extremum of the upper
    band (:math:`x_r > 0,\\ d_0'D' < 0`), of the lower band (:math:`d_0'D' > 0`) or of both
    (:math:`d_0' \\equiv 0`); ``complete`` is False when P has a factor of degree >= 2 in x (extrema
    without a closed form may exist: the windows then carry :func:`circle_condition`)."""
    d0, d2, P = radial_polys(blk)
    if P == 0:
        return [], False
    roots, complete = [], True
    for f, _ in ffactor_list(P):
        deg = sp.degree(f, x)
        if deg == 0:
            continue
        if deg > 1:
            complete = False
            continue
        a, b = sp.Poly(f, x).all_coeffs()
        xr = sp.cancel(-b / a)
        if xr.is_nonpositive:
            continue
        s = sp.cancel(d0.diff(x).subs(x, xr) * d2.diff(x).subs(x, xr))
        e0, lam = d0.subs(x, xr), sp.sqrt(factor_bounded(d2.subs(x, xr)))
        e0 = factor_bounded(e0)
        pos = _positive(xr)
        if s == 0:
            states = [("both", pos, {0: _tidy(e0 + lam), 1: _tidy(e0 - lam)})]
        else:
            states = [("upper", sp.And(pos, _positive(-s)), {0: _tidy(e0 + lam)}),
                      ("lower", sp.And(pos, _positive(s)), {1: _tidy(e0 - lam)})]
        states = [st for st in states if st[1] is not sp.false]
        if not states:
            continue
        absent = sp.And(*[sp.Not(c) for _, c, _ in states])
        roots.append([("absent", absent, {})] + states)
    return roots, complete
