r"""Fermi circles ("rings"), densities of states and Fermi-level regimes of an isotropic model.

Shell measure
-------------
Every collision sum goes through one formula.  On the shell of band b at energy E,

.. math:: \sum_{\mathbf k'} F(\mathbf k')\,\delta(E - \epsilon^b_{k'})
          = \sum_{\text{rings } \rho} \frac{k_\rho}{2\pi\hbar|v^b_\rho|}\,\langle F\rangle_{\theta'},

with :math:`v = \hbar^{-1}\partial\epsilon/\partial k` and :math:`\langle\cdot\rangle_\theta` the angular
average; :math:`\rho_b(E) = \sum_\rho k_\rho/(2\pi\hbar|v_\rho|)` is the density of states per unit area.

Rings carry their own symbols (radius ``r``, :math:`|\mathbf d| = \Lambda`, the gauge parameter t and the
normalisation c of :mod:`symkin.bands`) so the kinetic algebra stays rational;
:meth:`RingSet.reduce` substitutes their closed forms at the end.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from . import conventions as cv
from .bands import TwoBandBlock, k, rotation_generator, two_band_block
from .errors import DegeneracyError, RegimeError
from .model import Model


@dataclass(frozen=True)
class Regime:
    """A window of the Fermi level with a fixed set of Fermi circles.

    Attributes
    ----------
    name : 'conduction', 'valence' or 'gap'
    sign : +1 or -1, E_F = sign * epsilon_F
    lower, upper : SymPy bounds on epsilon_F (None when unbounded or not closed form)
    bands : occupied bands crossing E_F (0 = conduction, 1 = valence)
    sample_epsilon_F : a numeric epsilon_F inside the window for the model's sample point
    """

    name: str
    sign: int
    lower: object
    upper: object
    bands: tuple
    sample_epsilon_F: float

    def __str__(self):
        lo = "-oo" if self.lower is None else sp.sstr(self.lower)
        hi = "oo" if self.upper is None else sp.sstr(self.upper)
        return f"{self.name} ({lo} < epsilon_F < {hi}, E_F = {'+' if self.sign > 0 else '-'}epsilon_F)"


def _band_extrema(blk: TwoBandBlock, sample):
    d0 = sp.lambdify(k, blk.d0.subs(sample), "numpy")
    d2 = sp.lambdify(k, blk.d_squared.subs(sample), "numpy")
    ks = np.linspace(0, 50, 200001)
    lam = np.sqrt(np.broadcast_to(d2(ks), ks.shape))
    e0 = np.broadcast_to(d0(ks), ks.shape)
    cond, val = e0 + lam, e0 - lam
    return cond.min(), ks[cond.argmin()], val.max(), ks[val.argmax()]


def regimes(model: Model):
    """The Fermi-level windows of a two-band isotropic model (valence, gap, conduction).

    The conduction regime's lower bound is the band bottom; its sample point lies half a gap above
    it.  A band extremum away from k = 0 (a "Mexican hat") is reported with a numeric bound.
    """
    blk = two_band_block(model)
    sample = model.sample_point()
    cmin, kc, vmax, kv = _band_extrema(blk, sample)
    if cmin <= vmax + 1e-12:
        raise DegeneracyError("the bands touch or overlap: no gap, the theory needs non-degenerate bands")
    gap = cmin - vmax
    low_c = sp.expand((blk.d0 + sp.sqrt(blk.d_squared)).subs(k, 0)) if kc == 0 else sp.Float(cmin, 6)
    up_v = sp.expand((blk.d0 - sp.sqrt(blk.d_squared)).subs(k, 0)) if kv == 0 else sp.Float(vmax, 6)
    out = []
    if vmax < 0:
        out.append(Regime("valence", -1, -up_v, None, (1,), -(vmax - 0.5 * gap)))
    if cmin > 0:
        out.append(Regime("gap", +1, None if vmax >= 0 else 0, low_c, (), 0.5 * cmin if vmax < 0 else
                          (vmax + cmin) / 2))
    out.append(Regime("conduction", +1, low_c, None, (0,), cmin + 0.5 * gap))
    return out


def get_regime(model: Model, regime=None) -> Regime:
    """Resolve ``regime`` (None -> conduction, a name, or a :class:`Regime`)."""
    if isinstance(regime, Regime):
        return regime
    name = regime or "conduction"
    for r in regimes(model):
        if r.name == name:
            return r
    raise RegimeError(f"model {model.name} has no {name!r} regime; it has {[r.name for r in regimes(model)]}")


@dataclass
class Ring:
    """A circle |k| = r on which distributions live; carries symbols that keep the algebra rational."""

    index: int
    r: sp.Symbol
    Lam: sp.Symbol
    t: sp.Symbol
    c: sp.Symbol
    radius: sp.Expr          # closed form of r
    Lam_value: sp.Expr       # closed form of |d(r)|
    band: int = 0            # the band ...
    energy: sp.Expr = None   # ... that has this energy (closed form) on the ring
    numeric: dict = field(default_factory=dict)


class RingSet:
    """All rings one derivation needs, found on demand; the shell-measure bookkeeping.

    Parameters
    ----------
    model : Model (two-band, isotropic)
    regime : Regime
    """

    def __init__(self, model: Model, regime: Regime):
        self.model = model
        self.regime = regime
        self.iso = rotation_generator(model)
        self.blk = two_band_block(model)
        self.n = 2
        self.sample = dict(model.sample_point())
        self.E_F = regime.sign * model.fermi_level
        self.sample[model.fermi_level] = abs(regime.sample_epsilon_F)
        self.rings: list[Ring] = []
        self._cache = {}
        d2 = self.blk.d_squared
        self._d0, self._d2 = self.blk.d0, d2
        self._d0n = sp.lambdify(k, self.blk.d0.subs(self.sample), "numpy")
        self._d2n = sp.lambdify(k, d2.subs(self.sample), "numpy")

    # ---------------------------------------------------------------- numerics
    def num(self, expr):
        """Numeric value of an expression at the sample point (ring symbols included)."""
        vals = dict(self.sample)
        for ring in self.rings:
            vals.update(ring.numeric)
        return complex(sp.N(sp.sympify(expr).xreplace(vals), 30))

    # ---------------------------------------------------------------- ring data
    def energy(self, ring: Ring, band: int):
        """epsilon_band at the ring, in ring symbols: d0(r) +- Lambda."""
        return self._d0.subs(k, ring.r) + (ring.Lam if band == 0 else -ring.Lam)

    def dispersion_slope(self, ring: Ring, band: int):
        r"""d epsilon/dk at the ring (= hbar v, signed), in ring symbols."""
        blk = self.blk
        dd = (blk.dz * blk.dz.diff(k) + blk.g * blk.g.diff(k)).subs(k, ring.r)
        return blk.d0.diff(k).subs(k, ring.r) + (dd / ring.Lam if band == 0 else -dd / ring.Lam)

    def abs_slope(self, ring: Ring, band: int):
        s = self.dispersion_slope(ring, band)
        sgn = int(np.sign(self.num(s).real))
        if sgn == 0:
            raise DegeneracyError(f"zero group velocity on the Fermi circle of band {band}")
        return sgn * s

    def weight(self, ring: Ring, band: int):
        r"""Shell measure :math:`k_\rho/(2\pi\hbar|v_\rho|)` = k/(2 pi |d eps/dk|)."""
        return ring.r / (2 * sp.pi * self.abs_slope(ring, band))

    def eigenvectors(self, ring: Ring):
        return self.blk.eigenvectors(ring.t, ring.c)

    # ---------------------------------------------------------------- ring search
    def rings_at(self, band: int, E):
        """Rings where ``band`` has energy E (E in parameters and ring symbols)."""
        En = self.num(E).real
        key = (band, round(En, 9))
        if key in self._cache:
            return self._cache[key]
        roots = self._numeric_radii(band, En)
        found = []
        for kr in roots:
            ring = next((R for R in self.rings if abs(R.numeric[R.r] - kr) < 1e-7 * max(1, kr)), None)
            if ring is None:
                ring = self._new_ring(band, E, kr)
            found.append(ring)
        self._cache[key] = found
        return found

    def _numeric_radii(self, band, En):
        # (E - d0)^2 = |d|^2 as a polynomial in k
        poly = sp.Poly(sp.expand(((En - self._d0) ** 2 - self._d2).subs(self.sample)), k)
        out = []
        for root in np.roots([complex(c) for c in poly.all_coeffs()]):
            if abs(root.imag) < 1e-9 and root.real > 1e-12:
                kr = root.real
                lam = np.sqrt(float(self._d2n(kr)))
                if lam < 1e-12:
                    raise DegeneracyError(f"E_F at a band touching (|d| = 0 at k = {kr:.3g})")
                e = float(self._d0n(kr)) + (lam if band == 0 else -lam)
                if abs(e - En) < 1e-8 * max(1, abs(En)):
                    out.append(kr)
        return sorted(set(round(x, 12) for x in out))

    def _explicit(self, E):
        """Replace ring symbols in E by their closed forms."""
        for ring in self.rings:
            E = E.xreplace({ring.Lam: ring.Lam_value}).xreplace({ring.r: ring.radius})
        return sp.simplify(E)

    def _new_ring(self, band, E, kr):
        Ex = self._explicit(sp.sympify(E))
        eq = sp.expand((Ex - self._d0) ** 2 - self._d2)
        cands = sp.solve(eq, k)
        radius = None
        for cand in cands:
            val = complex(sp.N(cand.subs(self.sample), 30))
            if abs(val.imag) < 1e-9 and abs(val.real - kr) < 1e-7 * max(1, kr):
                radius = cand
                break
        if radius is None:
            raise RegimeError(f"could not solve epsilon_{band}(k) = {Ex} in closed form")
        i = len(self.rings)
        lam_value = sp.expand(Ex - self._d0.subs(k, radius)) * (1 if band == 0 else -1)
        r, Lam = sp.Symbol(f"k_{i}", positive=True), sp.Symbol(f"Lambda_{i}", positive=True)
        t, c = sp.Symbol(f"t_{i}", real=True), sp.Symbol(f"c_{i}", positive=True)
        ring = Ring(i, r, Lam, t, c, radius, lam_value, band, Ex)
        lam_n = float(np.sqrt(float(self._d2n(kr))))
        t_n = self.blk.t_of(Lam).subs(self.sample).subs({k: kr, Lam: lam_n})
        t_n = float(sp.N(t_n))
        ring.numeric = {r: kr, Lam: lam_n, t: t_n, c: 1 / np.sqrt(1 + t_n**2)}
        self.rings.append(ring)
        return ring

    def fermi_rings(self):
        """(ring, band) pairs of the Fermi circles at E_F."""
        return [(ring, b) for b in range(self.n) for ring in self.rings_at(b, self.E_F)]

    # ---------------------------------------------------------------- reduction
    def relation(self, ring):
        """The polynomial P(r) = (E - d0(r))^2 - |d(r)|^2 that vanishes on the ring."""
        return sp.Poly(sp.expand((ring.energy - self._d0.subs(k, ring.r)) ** 2
                                 - self._d2.subs(k, ring.r)), ring.r)

    def reduce(self, expr, final=sp.factor):
        r"""Closed form of an expression in ring symbols.

        Substitutes, ring by ring, :math:`c = (1+t^2)^{-1/2}`, :math:`t = g/(\Lambda + d_z)`,
        :math:`\Lambda = \pm(E - d_0(r))`, each followed by ``cancel`` (the result is rational in r),
        then reduces numerator and inverse denominator modulo the ring relation P(r) = 0
        (polynomial remainder, exact); the radius' closed form is substituted only if r survives.
        """
        expr = sp.sympify(expr)
        if isinstance(expr, sp.MatrixBase):
            return expr.applyfunc(lambda x: self.reduce(x, final))
        # cancel over Q(i) is ~10x slower than over Q: replace i by a generic symbol j during the
        # reduction (every step is a ring operation valid for any j) and restore it afterwards
        j = sp.Dummy("j")
        expr, simple = self._reduce(expr.xreplace({sp.I: j}))
        if not simple:  # closed forms substituted without simplification (quartic Fermi radius)
            return expr.xreplace({j: sp.I})
        expr = sp.expand(expr.xreplace({j: sp.I})) if expr.has(j) else expr
        return final(expr) if final else expr

    def _reduce(self, expr):
        simple = True
        for ring in reversed(self.rings):
            if not (expr.free_symbols & {ring.r, ring.Lam, ring.t, ring.c}):
                continue
            r = ring.r
            lam_r = sp.expand((ring.energy - self._d0.subs(k, r)) * (1 if ring.band == 0 else -1))
            t_val = self.blk.t_of(ring.Lam).subs(k, r)
            P = self.relation(ring)
            if P.degree() > 2:
                # k_F is a root of a quartic (k-dependent mass, particle-hole asymmetry): substitute the
                # closed forms without rational simplification (exact; cancel would not finish)
                simple = False
                expr = expr.xreplace({ring.c: 1 / sp.sqrt(1 + ring.t**2)}).xreplace({ring.t: t_val})
                expr = expr.xreplace({ring.Lam: ring.Lam_value}).xreplace({r: ring.radius})
                continue
            expr = sp.cancel(expr.xreplace({ring.c: 1 / sp.sqrt(1 + ring.t**2)}))
            expr = sp.cancel(expr.xreplace({ring.t: t_val}))
            expr = sp.cancel(expr.xreplace({ring.Lam: lam_r}))
            if expr.has(r):
                num, den = sp.fraction(expr)
                num_p, den_p = sp.Poly(num, r), sp.Poly(den, r)
                if den_p.degree() > 0:
                    inv = sp.invert(den_p.rem(P), P)
                    num_p = (num_p * inv).rem(P)
                    den_p = sp.Poly(1, r)
                else:
                    num_p = num_p.rem(P)
                expr = sp.cancel(num_p.as_expr() / den_p.as_expr())
                if expr.has(r):
                    expr = sp.cancel(expr.xreplace({r: ring.radius}))
        return expr, simple

    def density_of_states(self, band=None):
        """rho(E_F) = sum over Fermi rings of k/(2 pi hbar |v|) (per unit area), closed form."""
        tot = sum((self.weight(R, b) for R, b in self.fermi_rings() if band in (None, b)), sp.S.Zero)
        return self.reduce(tot)


def fermi_wavevector(model: Model, regime=None):
    """Closed-form radius of the (first) Fermi circle at E_F."""
    rs = RingSet(model, get_regime(model, regime))
    fr = rs.fermi_rings()
    if not fr:
        raise RegimeError("no Fermi circle in this regime")
    return fr[0][0].radius


def density_of_states(model: Model, regime=None):
    """rho(E_F) per unit area (one species), summed over the Fermi circles."""
    return RingSet(model, get_regime(model, regime)).density_of_states()
