r"""Fermi circles ("rings") and densities of states of an isotropic model, on the shells a derivation needs.

Shell measure
-------------
Every collision sum goes through one formula.  On the shell of band b at energy E,

.. math:: \sum_{\mathbf k'} F(\mathbf k')\,\delta(E - \epsilon^b_{k'})
          = \sum_{\text{rings } \rho} \frac{k_\rho}{2\pi\hbar|v^b_\rho|}\,\langle F\rangle_{\theta'},

with :math:`v = \hbar^{-1}\partial\epsilon/\partial k` and :math:`\langle\cdot\rangle_\theta` the angular
average; :math:`\rho_b(E) = \sum_\rho k_\rho/(2\pi\hbar|v_\rho|)` is the density of states per unit area.

The Fermi-level regimes (which bands cut E_F, under which parameter conditions) live in
:mod:`symkin.regimes`; this module takes a resolved :class:`~symkin.regimes.Regime`.

Rings carry their own symbols (radius ``r``, :math:`|\mathbf d| = \Lambda`, the gauge parameter t and the
normalisation c of :mod:`symkin.bands`) so the kinetic algebra stays rational;
:meth:`RingSet.reduce` substitutes their closed forms at the end.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from . import conventions as cv
from .bands import k, rotation_generator, two_band_block
from .errors import DegeneracyError, RegimeError
from .model import Model
from .algebra.atoms import CircleAtoms
from .algebra.closedform import ClosedForms
from .algebra.bounds import simplify_bounded, solve_bounded
from .algebra.poly import fcancel, ffactor_list, flaurent
from .regimes import (  # noqa: F401  (re-exported: symkin.fermi.get_regime etc. keep working)
    Regime, case_point, get_regime, regime_at, regimes, sample_point)


@dataclass
class Ring:
    """A circle |k| = r on which distributions live; carries symbols that keep the algebra rational.

    The closed forms (``radius``, ``Lam_value``, ``energy``) are computed on first use only: the
    kinetic chain and the Fermi-surface variables (:meth:`RingSet.compact`) never need them, and for
    a cubic relation they are Cardano radicals."""

    index: int
    r: sp.Symbol
    Lam: sp.Symbol
    t: sp.Symbol
    c: sp.Symbol
    closed: object = None    # () -> (radius, Lam_value, energy), evaluated once
    band: int = 0            # the band that has the energy ``shell`` on the ring
    numeric: dict = field(default_factory=dict)
    shell: sp.Expr = None    # the energy as asked for (parameters and other rings' symbols)

    def _closed(self):
        if not isinstance(self.closed, tuple):
            self.closed = self.closed()
        return self.closed

    @property
    def radius(self):
        """Closed form of r."""
        return self._closed()[0]

    @property
    def Lam_value(self):
        """Closed form of |d(r)|."""
        return self._closed()[1]

    @property
    def energy(self):
        """Closed form of the energy of ``band`` on the ring."""
        return self._closed()[2]


class RingSet(CircleAtoms, ClosedForms):
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
        self.k = k  # the radial variable (symkin.algebra.closedform works in it)
        self.n = 2
        self.sample = dict(regime.point) if regime.point else dict(model.sample_point())
        self.E_F = regime.sign * model.fermi_level
        self.sample[model.fermi_level] = (abs(regime.sample_epsilon_F) if model.fermi_level.is_positive
                                           else regime.sample_epsilon_F)
        self.rings: list[Ring] = []
        self._cache = {}
        self._sqrts = {}  # q -> (D, numeric sqrt(D)): square roots of Fermi-radius discriminants
        self.atoms = {}  # per-circle atoms (several circles, :meth:`atomic`): symbol -> algebra.atoms.Atom
        d2 = self.blk.d_squared
        self._d0, self._d2 = self.blk.d0, d2
        self._d0n = sp.lambdify(k, self.blk.d0.subs(self.sample), "numpy")
        self._d2n = sp.lambdify(k, d2.subs(self.sample), "numpy")

    # ---------------------------------------------------------------- numerics
    def _values(self):
        """Symbol -> value at the sample point: parameters, ring symbols, atoms."""
        vals = dict(self.sample)
        for ring in self.rings:
            vals.update(ring.numeric)
        vals.update({s: a.value for s, a in self.atoms.items()})
        return vals

    def num(self, expr):
        """Numeric value of an expression at the sample point (ring symbols included)."""
        return complex(sp.N(sp.sympify(expr).xreplace(self._values()), 30))

    # ---------------------------------------------------------------- ring data
    def energy(self, ring: Ring, band: int):
        """epsilon_band at the ring, in ring symbols: d0(r) +- Lambda."""
        return self._d0.subs(k, ring.r) + (ring.Lam if band == 0 else -ring.Lam)

    def dispersion_slope(self, ring: Ring, band: int):
        r"""d epsilon/dk at the ring (= hbar v, signed), in ring symbols.

        On a Fermi circle of a regime with several circles (:meth:`atomic`) it is the atom
        :math:`\pm s_i` (:math:`s_i = \hbar v_{F,i} > 0`, sign of the band's slope there), defined by the
        expression below."""
        s = self._slope_expr(ring, band)
        if not (band == ring.band and self.atomic() and self.on_fermi_shell(ring)):
            return s
        key = ("slope", ring.index)
        if key not in self._cache:
            val = self.num(s).real
            if abs(val) < 1e-12:
                raise DegeneracyError(f"zero group velocity on the Fermi circle of band {band}")
            sgn = 1 if val > 0 else -1
            self._cache[key] = sgn * self.atom("v", self.canon(sgn * s), abs(val), ring, scale=cv.hbar)
        return self._cache[key]

    def _slope_expr(self, ring: Ring, band: int):
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
    def shell_key(self, E):
        """Exact, hashable identity of an energy shell: ``('E_F',)`` for the Fermi level, the key of
        the shell a ring was found on for the energy of that ring's band there, ``('ring', i, b)``
        for the energy of band b on ring i otherwise (structural equality with :meth:`energy`; no
        rounded float).  An energy not built by :meth:`energy` is keyed by its expression."""
        E = sp.sympify(E)
        if E == self.E_F:
            return ("E_F",)
        for R in self.rings:
            for b in range(self.n):
                if E == self.energy(R, b):
                    return self.shell_key(R.shell) if b == R.band else ("ring", R.index, b)
        return ("expr", E)

    def rings_at(self, band: int, E):
        """Rings where ``band`` has energy E (E in parameters and ring symbols)."""
        key = (band, self.shell_key(E))
        if key in self._cache:
            return self._cache[key]
        En = self.num(E).real
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

    def _explicit(self, E, upto=None):
        """Replace ring symbols in E by their closed forms (of the rings before index ``upto``)."""
        for ring in self.rings[:upto]:
            E = E.xreplace({ring.Lam: ring.Lam_value}).xreplace({ring.r: ring.radius})
        return simplify_bounded(E)

    def _closed_forms(self, i, band, E, kr):
        """(radius, |d|, energy) in closed form of ring i of ``band`` at E found at radius kr."""
        Ex = self._explicit(sp.sympify(E), i)
        eq = sp.expand((Ex - self._d0) ** 2 - self._d2)
        cands = [c for c in solve_bounded(eq, k, f"the radius of ring {i}", self.sample, kr)
                 if not c.has(sp.I)]  # casus irreducibilis: no usable closed form
        radius = None
        for cand in cands:
            val = complex(sp.N(cand.subs(self.sample), 30))
            if abs(val.imag) < 1e-9 and abs(val.real - kr) < 1e-7 * max(1, kr):
                radius = cand
                break
        if radius is None:
            raise RegimeError(f"could not solve epsilon_{band}(k) = {Ex} in closed form")
        lam_value = sp.expand(Ex - self._d0.subs(k, radius)) * (1 if band == 0 else -1)
        return radius, lam_value, Ex

    def _new_ring(self, band, E, kr):
        i = len(self.rings)
        from .errors import SizeLimitError
        from .algebra.poly import MAX_RINGS
        if i >= MAX_RINGS:
            raise SizeLimitError(f"more than symkin.algebra.poly.MAX_RINGS = {MAX_RINGS} rings (Fermi circles and band "
                                 "extrema) are needed; raise it with the environment variable SYMKIN_MAX_RINGS "
                                 "or symkin.algebra.poly.MAX_RINGS = ...")
        from .internal import internal  # engine-owned ring symbols (never a user symbol)
        r, Lam = internal(f"k_{i}", positive=True), internal(f"Lambda_{i}", positive=True)
        t, c = internal(f"t_{i}", real=True), internal(f"c_{i}", positive=True)
        ring = Ring(i, r, Lam, t, c, lambda: self._closed_forms(i, band, E, kr), band)
        lam_n = float(np.sqrt(float(self._d2n(kr))))
        t_n = self.blk.t_of(Lam).subs(self.sample).subs({k: kr, Lam: lam_n})
        t_n = float(sp.N(t_n))
        ring.numeric = {r: kr, Lam: lam_n, t: t_n, c: 1 / np.sqrt(1 + t_n**2)}
        ring.shell = sp.sympify(E)
        self.rings.append(ring)
        return ring

    def fermi_rings(self):
        """(ring, band) pairs of the Fermi circles at E_F."""
        return [(ring, b) for b in range(self.n) for ring in self.rings_at(b, self.E_F)]

    # ---------------------------------------------------------------- reduction
    def canon(self, expr):
        r"""Canonical form of an expression in ring symbols, used between the steps of the kinetic
        chain to keep intermediate expressions small.

        Imposes, ring by ring, :math:`t = g/(\Lambda + d_z)` and :math:`c = (1+t^2)^{-1/2}` (exact
        substitutions; c enters squared), and :math:`\Lambda^2 = |\mathbf d(r)|^2` (polynomial
        reduction, denominator rationalised: :func:`symkin.algebra.poly.fcancel`).  When
        :math:`|\mathbf d|^2` is a perfect square (:math:`d_z = 0`, Rashba 2DEG) :math:`\Lambda = |g(r)|`
        is substituted instead.  The Fermi-level relation :math:`\epsilon(r) = E` is not used here
        (it is imposed once, in :meth:`reduce`).
        """
        expr = sp.sympify(expr)
        if isinstance(expr, sp.MatrixBase):
            return expr.applyfunc(self.canon)
        expr, rels = self._canon_prepare(expr)
        return fcancel(expr, rels)

    def laurent(self, expr, w, n=None):
        """Laurent coefficients in w (``{l: coefficient}``, or that of w**n) of an expression in ring
        symbols, each in the canonical form of :meth:`canon` (:func:`symkin.algebra.poly.flaurent`)."""
        expr, rels = self._canon_prepare(sp.sympify(expr))
        return flaurent(expr, w, rels, n)

    def _canon_prepare(self, expr):
        rep, rels = {}, []
        syms = expr.free_symbols
        for ring in self.rings:
            if syms & {ring.r, ring.Lam, ring.t, ring.c}:
                r_, rel = self._canon_data(ring)
                rep.update(r_)
                rels += rel
        return (expr.xreplace(rep) if rep else expr), rels

    def _canon_data(self, ring):
        key = ("canon", ring.index)
        if key in self._cache:
            return self._cache[key]
        g, dz = self.blk.g.subs(k, ring.r), self.blk.dz.subs(k, ring.r)
        rep, rels = {}, []
        lin = self._linear()
        if lin is not None:
            # shell parametrisation: Lambda in terms of the shell parameter, k^2 = (Lambda^2 - a)/b
            a, b, _ = lin
            Lam = self._lam_param(ring)
            if Lam != ring.Lam:
                rep[ring.Lam] = Lam
            rb = sp.sqrt(b)
            if a == 0 and not rb.has(sp.Pow):
                rep[ring.r] = Lam / rb  # |d| = sqrt(b) k exactly (Rashba 2DEG)
                g = g.xreplace({ring.r: Lam / rb})
            else:
                rels.append((ring.r, sp.expand((Lam**2 - a) / b)))
        elif sp.expand(dz) == 0 and g != 0:
            Lam = int(np.sign(float(self.num(g).real))) * g
            rep[ring.Lam] = Lam
        elif self.atomic() and self.on_fermi_shell(ring):
            # several circles: d_z(r_i) and g(r_i) are atoms m_i, g_i (RingSet.atomic) -- the model's
            # parameters leave the collision algebra -- reduced modulo g_i^2 = Lambda_i^2 - m_i^2.
            # That orientation keeps Lambda_i a free generator: 1/Lambda_i (energy denominators, the
            # spinor norm) stays a monomial.  Eliminating Lambda_i^2 = g_i^2 + m_i^2 instead put the
            # product of the (g_i^2 + m_i^2) over the circles in every denominator: three circles of
            # fuzz seed 1125 grew past 170 000 terms in 75 s; with g_i eliminated, 28 s.
            Lam = ring.Lam
            if dz.has(ring.r):
                dz = self.atom("m", sp.expand(dz), self.num(dz).real, ring, real=True)
            if g.has(ring.r):
                g = self.atom("g", sp.expand(g), self.num(g).real, ring, real=True)
                rels.append((g, sp.expand(Lam**2 - dz**2)))
            else:
                rels.append((ring.Lam, sp.expand(g**2 + dz**2)))
        else:
            Lam = ring.Lam
            rels.append((ring.Lam, sp.expand(self._d2.subs(k, ring.r))))
        t_val = g / (Lam + dz)
        rep[ring.t] = t_val
        rep[ring.c] = 1 / sp.sqrt(1 + t_val**2)
        self._cache[key] = (rep, rels)
        return self._cache[key]

    # ---------------------------------------------------------------- shell parameters
    def _linear(self):
        r"""``(a, b, D0)`` when :math:`|\mathbf d|^2 = a + bk^2` (b != 0), :math:`d_z` is constant and
        :math:`d_0 = D_0(k^2)` is at most linear in :math:`k^2` (Dirac cones, Rashba): a circle is then fixed by its
        :math:`\Lambda` alone, :math:`k^2 = (\Lambda^2 - a)/b`, and every circle of one energy shell
        by one *shell parameter* (the :math:`\Lambda` of the first circle found on it).  None otherwise."""
        if "linear" not in self._cache:
            out = None
            P, P0 = sp.Poly(self._d2, k), sp.Poly(self._d0, k)
            if (P.degree() == 2 and P.coeff_monomial(k) == 0 and sp.diff(self.blk.dz, k) == 0
                    and all(e % 2 == 0 for (e,) in P0.monoms())):
                s_ = sp.Dummy("s")
                D0 = sp.expand(self._d0.subs(k, sp.sqrt(s_)))
                # D0 at most linear in k^2: the shell parameter is then a root of a quadratic
                out = (P.coeff_monomial(1), P.coeff_monomial(k**2), D0, s_) if sp.degree(D0, s_) <= 1 else None
            self._cache["linear"] = out
        out = self._cache["linear"]
        return None if out is None else out[:2] + ((out[2], out[3]),)

    def _shell_energy(self, ring, L):
        """Energy of ring.band on a circle with |d| = L (linear case): D0((L^2 - a)/b) +- L."""
        a, b, (D0, s_) = self._linear()
        return sp.expand(D0.xreplace({s_: (L**2 - a) / b}) + (L if ring.band == 0 else -L))

    def _lam_param(self, ring):
        """Lambda of ``ring`` as a rational function of a shell parameter (linear case)."""
        key = ("lam", ring.index)
        if key in self._cache:
            return self._cache[key]
        prim = self._cache.setdefault("primaries", {})  # shell key -> primary ring
        En = self.shell_key(ring.shell)
        target = None
        if En in prim:
            P = prim[En]
            target = self._shell_energy(P, P.Lam)
        else:
            E = ring.shell
            others = [R for R in self.rings if R is not ring and E.has(R.r, R.Lam)]
            if others:
                a, b, _ = self._linear()
                rep = {}
                for R in others:
                    LR = self._lam_param(R)
                    rep[R.Lam], rep[R.r] = LR, sp.sqrt((LR**2 - a) / b)
                target = sp.cancel(E.xreplace(rep))
                if not target.is_rational_function(*[R.Lam for R in prim.values()] or [sp.Dummy()]):
                    target = None
        rep = None
        if target is not None:
            L = sp.Dummy("L")
            eq = sp.numer(sp.together(self._shell_energy(ring, L) - target))
            for f, _ in ffactor_list(eq):
                if sp.degree(f, L) == 1:
                    c1, c0 = sp.Poly(f, L).all_coeffs()
                    cand = sp.cancel(-c0 / c1)
                    if abs(self.num(cand) - ring.numeric[ring.Lam]) < 1e-8 * max(1.0, ring.numeric[ring.Lam]):
                        rep = cand
                        break
        if rep is None:
            prim.setdefault(En, ring)
            rep = ring.Lam
        self._cache[key] = rep
        return rep

    def _several_circles(self):
        """True when the regime has several Fermi circles and no shell parametrisation (:meth:`_linear`)."""
        return sum(c for _, c in self.regime.circles) > 1 and self._linear() is None

    def density_of_states(self, band=None, compact=False):
        """rho(E_F) = sum over Fermi rings of k/(2 pi hbar |v|) (per unit area), closed form: explicit in
        epsilon_F, or with ``compact`` in the Fermi-surface variables (:meth:`fermi_variables`), whose
        implicit dependence on epsilon_F a derivative must take (:func:`symkin.algebra.fsvars.total_diff`)."""
        tot = sum((self.weight(R, b) for R, b in self.fermi_rings() if band in (None, b)), sp.S.Zero)
        return self.presented(tot) if compact else self.reduce(tot)


from .errors import engine_entry as _engine_entry  # noqa: E402  (entry points below)


@dataclass(frozen=True)
class FermiCircle:
    r"""One Fermi circle at E_F: the band crossing E_F there, its radius k_F (closed form: the root of
    :math:`\epsilon_{band}(k) = E_F` that is real and positive in the regime, chosen by value at the
    model's sample point) and its density of states :math:`k_F/(2\pi\hbar|v_F|)` per unit area."""

    band: int
    radius: sp.Expr
    density_of_states: sp.Expr


def fermi_circles(model: Model, regime=None):
    """All Fermi circles of ``regime``, ordered by radius (e.g. two for the Rashba ferromagnet with
    both bands occupied, two of the same band for an annular Fermi sea)."""
    rs = RingSet(model, get_regime(model, regime))
    out = [FermiCircle(b, R.radius, rs.reduce(rs.weight(R, b))) for R, b in rs.fermi_rings()]
    return tuple(sorted(out, key=lambda c: float(sp.N(c.radius.subs(rs.sample)))))


@_engine_entry
def fermi_wavevector(model: Model, regime=None):
    """Closed-form radius of the (first) Fermi circle at E_F."""
    rs = RingSet(model, get_regime(model, regime))
    fr = rs.fermi_rings()
    if not fr:
        raise RegimeError("no Fermi circle in this regime")
    return fr[0][0].radius


@_engine_entry
def density_of_states(model: Model, regime=None, compact=False):
    """rho(E_F) per unit area (one species), summed over the Fermi circles; explicit in epsilon_F, or
    with ``compact=True`` in the Fermi-surface variables (:func:`symkin.kinetics.fermi_definitions`)."""
    return RingSet(model, get_regime(model, regime)).density_of_states(compact=compact)
