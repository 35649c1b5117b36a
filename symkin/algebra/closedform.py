r"""Closed forms in the parameters of expressions in ring symbols (:meth:`ClosedForms.reduce`): the
explicit route, used for shell-parametrised models (Dirac cones, Rashba: results rational in
:math:`\epsilon_F` or with one square root) and for quantities printed with closed-form radii
(:func:`symkin.fermi.fermi_circles`, the distributions of :mod:`symkin.kinetics`).  Models without a
shell parametrisation are printed in Fermi-surface variables instead (:mod:`symkin.algebra.fsvars`,
:meth:`symkin.fermi.RingSet.compact`).

A mixin of :class:`symkin.fermi.RingSet` (it uses the rings, their numeric values, the radial variable
``self.k`` and the shell parametrisation; it imports no stage of the chain); split out of fermi.py
(issue 13: one job per module).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..errors import RegimeError
from .poly import fcollect, ffactor, ffactor_list


class ClosedForms:
    """Reduction of ring-symbol expressions to closed forms (mixin of RingSet)."""

    def relation(self, ring):
        """The polynomial P(r) = (E - d0(r))^2 - |d(r)|^2 that vanishes on the ring."""
        return sp.Poly(sp.expand((ring.energy - self._d0.subs(self.k, ring.r)) ** 2
                                 - self._d2.subs(self.k, ring.r)), ring.r)

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
        :math:`r^2 = \ldots` and :math:`q^2 = D` are imposed exactly (:func:`symkin.algebra.poly.fcollect`),
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
            lam_r = sp.expand((ring.energy - self._d0.subs(self.k, r)) * (1 if ring.band == 0 else -1))
            t_val = self.blk.t_of(ring.Lam).subs(self.k, r)
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
        if P.degree() != 4 or sp.diff(self.blk.dz, self.k) != 0:
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
