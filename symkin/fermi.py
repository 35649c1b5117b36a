r"""Fermi circles ("rings"), densities of states and Fermi-level regimes of an isotropic model.

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

from .bands import k, rotation_generator, two_band_block
from .errors import DegeneracyError, RegimeError
from .model import Model
from .poly import fcancel, fcollect, ffactor, ffactor_list, flaurent
from .regimes import (  # noqa: F401  (re-exported: symkin.fermi.get_regime etc. keep working)
    Regime, case_point, get_regime, regime_at, regimes, sample_point)


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
    shell: sp.Expr = None    # the energy as asked for (parameters and other rings' symbols)


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
        self.sample = dict(regime.point) if regime.point else dict(model.sample_point())
        self.E_F = regime.sign * model.fermi_level
        self.sample[model.fermi_level] = (abs(regime.sample_epsilon_F) if model.fermi_level.is_positive
                                           else regime.sample_epsilon_F)
        self.rings: list[Ring] = []
        self._cache = {}
        self._sqrts = {}  # q -> (D, numeric sqrt(D)): square roots of Fermi-radius discriminants
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
        cands = [c for c in sp.solve(eq, k) if not c.has(sp.I)]  # casus irreducibilis: no usable closed form
        radius = None
        for cand in cands:
            val = complex(sp.N(cand.subs(self.sample), 30))
            if abs(val.imag) < 1e-9 and abs(val.real - kr) < 1e-7 * max(1, kr):
                radius = cand
                break
        if radius is None:
            raise RegimeError(f"could not solve epsilon_{band}(k) = {Ex} in closed form")
        i = len(self.rings)
        from .errors import SizeLimitError
        from .poly import MAX_RINGS
        if i >= MAX_RINGS:
            raise SizeLimitError(f"more than symkin.poly.MAX_RINGS = {MAX_RINGS} rings (Fermi circles and band "
                                 "extrema) are needed; raise it with the environment variable SYMKIN_MAX_RINGS "
                                 "or symkin.poly.MAX_RINGS = ...")
        lam_value = sp.expand(Ex - self._d0.subs(k, radius)) * (1 if band == 0 else -1)
        from .internal import internal  # engine-owned ring symbols (never a user symbol)
        r, Lam = internal(f"k_{i}", positive=True), internal(f"Lambda_{i}", positive=True)
        t, c = internal(f"t_{i}", real=True), internal(f"c_{i}", positive=True)
        ring = Ring(i, r, Lam, t, c, radius, lam_value, band, Ex)
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
        reduction, denominator rationalised: :func:`symkin.poly.fcancel`).  When
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
        symbols, each in the canonical form of :meth:`canon` (:func:`symkin.poly.flaurent`)."""
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
        prim = self._cache.setdefault("primaries", {})  # numeric energy -> primary ring
        En = round(self.num(ring.energy).real, 9)
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

    def relation(self, ring):
        """The polynomial P(r) = (E - d0(r))^2 - |d(r)|^2 that vanishes on the ring."""
        return sp.Poly(sp.expand((ring.energy - self._d0.subs(k, ring.r)) ** 2
                                 - self._d2.subs(k, ring.r)), ring.r)

    def reduce(self, expr, final=ffactor):
        r"""Closed form of an expression in ring symbols.

        Substitutes, ring by ring, :math:`c = (1+t^2)^{-1/2}`, :math:`t = g/(\Lambda + d_z)`,
        :math:`\Lambda = \pm(E - d_0(r))`, each followed by ``cancel`` (the result is rational in r),
        then reduces numerator and inverse denominator modulo the ring relation P(r) = 0
        (polynomial remainder, exact); the radius' closed form is substituted only if r survives.
        For an even relation :math:`P(r) = Q(r^2)` with deg Q = 2 (Rashba) the root
        :math:`r^2 = (-b \pm\sqrt{b^2-4ac})/2a` is used and the result is returned as
        :math:`A + B\sqrt{b^2-4ac}` with A, B rational (:meth:`_reduce_even`).
        """
        expr = sp.sympify(expr)
        if isinstance(expr, sp.MatrixBase):
            return expr.applyfunc(lambda x: self.reduce(x, final))
        if self._linear() is not None:
            return self._reduce_param(expr, final)
        # cancel over Q(i) is ~10x slower than over Q: replace i by a generic symbol j during the
        # reduction (every step is a ring operation valid for any j) and restore it afterwards
        j = sp.Dummy("j")
        expr, simple = self._reduce(expr.xreplace({sp.I: j}))
        if not simple:  # closed forms substituted without simplification (quartic Fermi radius)
            return expr.xreplace({j: sp.I})
        return self._resolve_sqrts(expr, final, j)

    def _reduce_param(self, expr, final):
        r"""Closed form in the shell parametrisation (:meth:`_linear`).

        After :meth:`canon` the expression is rational in the shell parameters :math:`\Lambda_P`
        and linear in each circle radius r (:math:`r^2 = (\Lambda^2 - a)/b`).  Each
        :math:`\Lambda_P` is a root of :math:`D_0((\Lambda^2-a)/b) \pm \Lambda = E`: rational in E
        (massless d_0: Dirac cones) or :math:`(-\beta + \sigma q)/2\alpha` with :math:`q = \sqrt{D}`
        (Rashba), the root being the one that matches the circle at the sample point.  The relations
        :math:`r^2 = \ldots` and :math:`q^2 = D` are imposed exactly (:func:`symkin.poly.fcollect`),
        and the result is written as :math:`\sum` coefficient x products of r (closed-form radius)
        and :math:`\sqrt D`, each coefficient simplified with ``final``.
        """
        expr, rels = self._canon_prepare(expr)
        subs, qrels, qvals = {}, [], {}
        for P in self._cache.get("primaries", {}).values():
            if not (expr.has(P.Lam) or any(Q.has(P.Lam) for _, Q in rels)):
                continue
            L = sp.Dummy("L")
            eq = sp.numer(sp.together(self._shell_energy(P, L) - P.energy))
            root = None
            for f, _ in ffactor_list(eq):
                if not f.has(L):
                    continue
                poly = sp.Poly(f, L)
                if poly.degree() == 1:
                    c1, c0 = poly.all_coeffs()
                    cands = [(sp.cancel(-c0 / c1), None)]
                elif poly.degree() == 2:
                    al, be, ga = poly.all_coeffs()
                    q, qn = self._sqrt_symbol(sp.expand(be**2 - 4 * al * ga))
                    cands = [((-be + sg * q) / (2 * al), (q, qn, sp.expand(be**2 - 4 * al * ga))) for sg in (1, -1)]
                else:
                    continue
                for cand, qd in cands:
                    val = self.num(cand.xreplace({qd[0]: qd[1]}) if qd else cand).real
                    if abs(val - P.numeric[P.Lam]) < 1e-8 * max(1.0, abs(val)):
                        root = (cand, qd)
                        break
                if root:
                    break
            if root is None:
                raise RegimeError(f"no closed form for the shell parameter of the circle |k| = {P.radius}")
            subs[P.Lam] = root[0]
            if root[1] and root[1][0] not in qvals:
                q, qn, D = root[1]
                qrels.append((q, D))
                qvals[q] = sp.sqrt(ffactor(D))
        expr = expr.xreplace(subs)
        rels = [(L_, sp.cancel(Q.xreplace(subs))) for L_, Q in rels]
        radii = {R.r: R.radius for R in self.rings}
        gens = [L_ for L_, _ in rels] + [q for q, _ in qrels]
        parts = fcollect(expr, gens, rels + qrels)
        out = sp.S.Zero
        for exps, coeff in parts.items():
            coeff = sp.expand(coeff) if coeff.has(sp.I) else coeff
            val = final(coeff) if final else coeff
            for g_, e in zip(gens, exps):
                if e:
                    val *= (radii[g_] if g_ in radii else qvals[g_]) ** e
            out += val
        return out

    def _reduce(self, expr):
        simple = True
        for ring in reversed(self.rings):
            if not (expr.free_symbols & {ring.r, ring.Lam, ring.t, ring.c}):
                continue
            r = ring.r
            lam_r = sp.expand((ring.energy - self._d0.subs(k, r)) * (1 if ring.band == 0 else -1))
            t_val = self.blk.t_of(ring.Lam).subs(k, r)
            P = self.relation(ring)
            even = self._even_quadratic(ring, P)
            if not even and P.degree() > 2:
                # k_F a root of a general quartic: substitute the closed forms without rational
                # simplification (exact; cancel would not finish)
                simple = False
                expr = expr.xreplace({ring.c: 1 / sp.sqrt(1 + ring.t**2)}).xreplace({ring.t: t_val})
                expr = expr.xreplace({ring.Lam: ring.Lam_value}).xreplace({r: ring.radius})
                continue
            expr = sp.cancel(expr.xreplace({ring.c: 1 / sp.sqrt(1 + ring.t**2)}))
            expr = sp.cancel(expr.xreplace({ring.t: t_val}))
            expr = sp.cancel(expr.xreplace({ring.Lam: lam_r}))
            if expr.has(r):
                expr = self._reduce_even(expr, ring, P) if even else self._reduce_mod(expr, ring, P)
        return expr, simple

    def _even_quadratic(self, ring, P):
        """True when the ring relation P(r) is even of degree 4 and d_z is constant (Rashba family):
        r^2 is then a root of a quadratic with small coefficients, reduced exactly by
        :meth:`_reduce_even`.  Degree <= 2 (TI) goes through :meth:`_reduce_mod`; other quartics
        (k-dependent mass with d_0 ~ k^2, bhz_like with D != 0) get their closed forms substituted
        without simplification -- the even-quadratic reduction is exact there too, but its
        coefficient swell makes it slower than plain substitution."""
        if P.degree() != 4 or sp.diff(self.blk.dz, k) != 0:
            return False
        return all(P.coeff_monomial(ring.r**i) == 0 for i in (1, 3))

    def _reduce_mod(self, expr, ring, P):
        """Reduce a rational function of r modulo the ring relation P(r) (degree <= 2)."""
        r = ring.r
        num, den = sp.fraction(expr)
        num_p, den_p = sp.Poly(num, r), sp.Poly(den, r)
        if den_p.degree() > 0:
            num_p = (num_p * sp.invert(den_p.rem(P), P)).rem(P)
            den_p = sp.Poly(1, r)
        else:
            num_p = num_p.rem(P)
        expr = sp.cancel(num_p.as_expr() / den_p.as_expr())
        return sp.cancel(expr.xreplace({r: ring.radius})) if expr.has(r) else expr

    def _reduce_even(self, expr, ring, P):
        r"""Reduce a rational function of r modulo an even ring relation :math:`P(r) = Q(r^2)`, deg Q = 2.

        The denominator is made even (times its r -> -r image), numerator and denominator are split
        into even and odd parts in :math:`s = r^2`, reduced to linear in s modulo Q, multiplied by
        the conjugate (the other root), and s is replaced by its root :math:`(-b \\pm q)/2a` with
        the symbol :math:`q = \\sqrt{b^2-4ac}` (resolved in :meth:`reduce`).  Odd parts keep a
        factor r = sqrt(s).
        """
        r = ring.r
        s = sp.Dummy("s", positive=True)
        c, _, b, _, a = P.all_coeffs()[::-1]  # Q(s) = a s^2 + b s + c
        num, den = sp.fraction(expr)
        den_m = den.xreplace({r: -r})
        if sp.expand(den_m - den) != 0:
            num, den = sp.expand(num * den_m), sp.expand(den * den_m)

        def split(x):
            p = sp.Poly(x, r)
            ev, od = sp.S.Zero, sp.S.Zero
            for (deg,), c in p.terms():
                if deg % 2:
                    od += c * s ** (deg // 2)
                else:
                    ev += c * s ** (deg // 2)
            return sp.Poly(ev, s), sp.Poly(od, s)

        ne, no = split(num)
        de, do = split(den)
        assert do.is_zero
        # all polynomial arithmetic on coefficient expressions (no gcd in a big fraction field)

        def lin(p):
            cs = [sp.expand(x) for x in p.all_coeffs()[::-1]]
            while len(cs) > 2:
                top = cs.pop()
                cs[-1] = sp.expand(cs[-1] - b * top / a)
                cs[-2] = sp.expand(cs[-2] - c * top / a)
            return (cs + [sp.S.Zero, sp.S.Zero])[:2]

        d0, d1 = lin(de)
        conj0, conj1 = sp.expand(d0 - d1 * b / a), -d1
        norm = sp.expand(d0**2 - d0 * d1 * b / a + d1**2 * c / a)

        def times_conj(p):
            x0, x1 = lin(p)
            # (x0 + x1 s)(conj0 + conj1 s) mod Q
            p0, p1, p2 = x0 * conj0, x0 * conj1 + x1 * conj0, x1 * conj1
            return sp.expand(p0 - p2 * c / a), sp.expand(p1 - p2 * b / a)

        q, qn = self._sqrt_symbol(sp.expand(b**2 - 4 * a * c))
        an, bn = self.num(a).real, self.num(b).real
        target = ring.numeric[r] ** 2
        sig = 1 if abs((-bn + qn) / (2 * an) - target) < abs((-bn - qn) / (2 * an) - target) else -1

        def at_root(p):  # (p0 + p1 s)/norm at s = (-b + sig q)/(2a), as P0 + P1 q
            p0, p1 = times_conj(p)
            return (sp.cancel((p0 - p1 * b / (2 * a)) / norm)
                    + sp.cancel(sig * p1 / (2 * a) / norm) * q)

        out = at_root(ne)
        if not no.is_zero:
            out += at_root(no) * sp.sqrt((-b + sig * q) / (2 * a))
        return out

    def _sqrt_symbol(self, D):
        """A positive symbol q standing for sqrt(D) (one per distinct D), and its sample value."""
        for q, (D2, qn) in self._sqrts.items():
            if sp.expand(D2 - D) == 0:
                return q, qn
        Dn = self.num(D).real
        if Dn <= 0:
            raise RegimeError(f"negative discriminant {D} for a Fermi radius at the sample point")
        q = sp.Dummy(f"q{len(self._sqrts)}", positive=True)
        self._sqrts[q] = (D, float(np.sqrt(Dn)))
        return q, float(np.sqrt(Dn))

    def _resolve_sqrts(self, expr, final, j):
        """Impose q^2 = D on an expression rational in the symbols q, substitute q = sqrt(D), and
        restore i (= j) in each coefficient before ``final``."""
        def fin(x):
            x = sp.expand(x.xreplace({j: sp.I})) if x.has(j) else x
            return final(x) if final else x

        qs = [q for q in self._sqrts if expr.has(q)]
        if not qs:
            return fin(expr)
        num, den = sp.fraction(sp.cancel(expr))
        for q in qs:
            rel = sp.Poly(q**2 - self._sqrts[q][0], q)
            dp = sp.Poly(den, q).rem(rel)
            if dp.degree() > 0:
                conj_ = dp.as_expr().xreplace({q: -q})
                num, den = sp.expand(num * conj_), sp.expand(dp.as_expr() * conj_)
                den = sp.Poly(den, q).rem(rel).as_expr()
            num = sp.Poly(num, q).rem(rel).as_expr()
        # den is now free of q; collect the numerator as a multilinear polynomial in the q's
        out = sp.S.Zero
        for mon, c in sp.Poly(num, *qs).terms():
            out += fin(sp.cancel(c / den)) * sp.Mul(*[sp.sqrt(ffactor(self._sqrts[q][0])) ** e for q, e in zip(qs, mon)])
        return out

    def density_of_states(self, band=None):
        """rho(E_F) = sum over Fermi rings of k/(2 pi hbar |v|) (per unit area), closed form."""
        tot = sum((self.weight(R, b) for R, b in self.fermi_rings() if band in (None, b)), sp.S.Zero)
        return self.reduce(tot)


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
def density_of_states(model: Model, regime=None):
    """rho(E_F) per unit area (one species), summed over the Fermi circles."""
    return RingSet(model, get_regime(model, regime)).density_of_states()
