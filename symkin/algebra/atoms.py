r"""Per-circle atoms: named Fermi-surface quantities of a regime with several Fermi circles and no
shell parametrisation (a mixin of :class:`symkin.fermi.RingSet`).

Why: written out in the radii, the 2 x 2 collision matrix of the two circles of bhz_like with
D > B has entries of 1019/1455 terms, and its elimination passes 500 000 terms.  With the
Fermi velocities :math:`s_i = \hbar v_{F,i}`, the masses :math:`m_i = d_z(k_{F,i})` and the
in-plane :math:`g_i = g(k_{F,i})` as atoms (reduced modulo :math:`g_i^2 = \Lambda_i^2 - m_i^2`: a
:math:`1/\Lambda_i` stays a monomial) the entries have 34/15 terms, and with the
inverse collision matrix :math:`\tau = \Gamma^{-1}` named, every solution of the Boltzmann
equations is linear in the :math:`\tau_{ij}` -- the way a theorist writes coupled transport times:

.. math:: n^{(-1)}_i = \sum_j \tau_{ij}\, e\mathbf E\cdot\mathbf v_j\,\partial n_{FD}/\partial\epsilon
          \quad\text{(Eqs. 27-30 for several circles).}

Nothing is approximated: each atom carries its exact definition (ring symbols and earlier atoms),
``Result.definitions`` lists them in the Fermi-surface variables and ``Result.explicit()``
substitutes them.

Chain position: a wing of :mod:`symkin.fermi` (it knows rings only through ``self``).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..errors import DegeneracyError
from ..internal import internal
from .fsvars import Definition, FermiSymbol, has_fermi_symbols, present
from .poly import fcancel, fcollect, ffactor, ffactor_list


@dataclass(frozen=True)
class Atom:
    """One named per-circle quantity: it stands for ``expr`` (ring symbols and earlier atoms), has
    ``value`` at the sample point, and is written ``scale * FermiSymbol(fermi)`` in results."""

    expr: object
    value: float
    fermi: str
    scale: object = 1
    kind: str = ""  # 'v', 'm', 'g', 'Gamma', 'tau': what the atom is (results are collected in the 'tau')


class CircleAtoms:
    """Mixin of :class:`symkin.fermi.RingSet`: its Fermi-surface variables and, for a regime with
    several circles, the atoms.

    Expects ``self.atoms`` (symbol -> :class:`Atom`), ``self._cache``, ``self.rings``, ``self.sample``,
    ``_values``, ``_several_circles``, ``shell_key``, ``canon``, ``_canon_prepare``, ``fermi_rings``."""

    def atomic(self):
        r"""True when the kinetic chain works in named per-circle quantities ("atoms"): several Fermi
        circles and no shell parametrisation (:meth:`_several_circles`; bhz_like with D > B in
        'both-rising', the annulus of the cubic Rashba ferromagnet, ...).

        Why: written out in the radii, the 2 x 2 collision matrix of two circles of bhz_like has
        entries of 1019/1455 terms and its elimination passes 500 000; with the Fermi velocities
        :math:`s_i = \hbar v_{F,i}` as atoms (:meth:`dispersion_slope`) the entries have 34/15 terms,
        and with the inverse collision matrix :math:`\tau = \Gamma^{-1}` named
        (:meth:`inverse_collision`) every solution is linear in the named :math:`\tau_{ij}` -- the
        way a theorist writes coupled transport times.  Nothing is approximated: each atom has its
        exact definition (:meth:`fermi_variables`, ``Result.definitions``; ``Result.explicit()``
        substitutes them)."""
        return self._several_circles()

    def require_closed_form(self):
        """Refuse, at once, more Fermi circles in atoms than :data:`symkin.algebra.poly.MAX_ATOMIC_CIRCLES`
        (measured: three circles finish in 4-41 s; four are untested)."""
        from . import poly
        n = sum(c for _, c in self.regime.circles)
        if self.atomic() and n > poly.MAX_ATOMIC_CIRCLES:
            from ..errors import SizeLimitError
            raise SizeLimitError(
                f"the {self.regime.name} regime has {n} Fermi circles and no shell parametrisation: more than "
                f"symkin.algebra.poly.MAX_ATOMIC_CIRCLES = {poly.MAX_ATOMIC_CIRCLES} circles in per-circle atoms; "
                "raise it (environment variable SYMKIN_MAX_ATOMIC_CIRCLES) or use symkin.numeric / symkin.kubo "
                "(the Fermi-sea term is available in closed form: symkin.observables.fermi_sea)")

    def on_fermi_shell(self, ring):
        return ring.shell is not None and self.shell_key(ring.shell) == ("E_F",)

    def fermi_circles(self):
        """(ring, band) of the Fermi circles in the order of their variables: by band, then radius."""
        return sorted(self.fermi_rings(), key=lambda rb: (rb[1], rb[0].numeric[rb[0].r]))

    def atom(self, name, expr, value, ring=None, scale=1, kind=None, **assumptions):
        """A new atom: engine-owned symbol ``name`` standing for ``expr`` (ring symbols and earlier
        atoms), with its numeric ``value`` at the sample point.  With ``ring`` (a Fermi circle) it is
        written ``scale * name_{F,i}`` in results, i the circle's number; else ``name``."""
        assumptions = assumptions or ({"positive": True} if value > 0 else {"real": True})
        sym = internal(f"{name}_{ring.index}" if ring is not None else name, **assumptions)
        fermi = name
        if ring is not None:
            i = [R.index for R, _ in self.fermi_circles()].index(ring.index)
            fermi = f"{name}_{{F,{i + 1}}}"
        self.atoms[sym] = Atom(expr, value, fermi, scale, kind or name)
        return sym

    def inverse_collision(self, A):
        r"""Named inverse :math:`\tau = \Gamma^{-1}` of the collision matrix A of one harmonic on the
        Fermi shell (rows/columns: the Fermi circles, by band then radius): atoms :math:`\Gamma_{ij}`
        for the non-zero entries of A and :math:`\tau_{ij}` for those of the adjugate over the
        determinant.  For the harmonic :math:`l = \pm 1` the :math:`\tau_{ij}` are the coupled
        transport times: :math:`n^{(-1)}_i = \sum_j\tau_{ij}\,e\mathbf E\cdot\mathbf v_j\,
        \partial n_{FD}/\partial\epsilon` (Eqs. 27-30 for several circles)."""
        A = A.applyfunc(self.canon)
        inverses = self._cache.setdefault("inverses", {})  # entries of A -> tau
        key = tuple(A)
        if key not in inverses:
            sfx = "'" * len(inverses)
            n = A.shape[0]
            G = sp.zeros(n, n)
            for i in range(n):
                for j in range(n):
                    if A[i, j] != 0:
                        G[i, j] = self.atom(f"Gamma{sfx}_{{{i + 1}{j + 1}}}", A[i, j], self._num_rate(A[i, j]),
                                            kind="Gamma")
            if G.det() == 0:
                raise DegeneracyError("the collision matrix of the Fermi circles is singular")
            inv = G.adjugate() / G.det()
            T = sp.zeros(n, n)
            for i in range(n):
                for j in range(n):
                    x = fcancel(inv[i, j])
                    if x != 0:
                        T[i, j] = self.atom(f"tau{sfx}_{{{i + 1}{j + 1}}}", x, self._num_rate(x), kind="tau")
            inverses[key] = T
        return inverses[key]

    def _num_rate(self, x):
        """Value at the sample point of a quantity proportional to a power of the disorder strength
        (a positive symbol, not part of the sample: set to 1 -- only the sign and the scale of the
        atom's value are used)."""
        x = sp.sympify(x).xreplace(self._values())
        x = x.xreplace({s: 1 for s in x.free_symbols if s.is_positive})
        return float(sp.re(sp.N(x, 30)))

    def expand_atoms(self, expr):
        """Substitute every atom by its definition (latest first): an expression in ring symbols."""
        for sym in reversed(list(self.atoms)):
            if expr.has(sym):
                expr = expr.xreplace({sym: self.atoms[sym].expr})
        return expr

    def reduce(self, expr, final=ffactor):
        """:meth:`symkin.algebra.closedform.ClosedForms.reduce` after :meth:`expand_atoms`."""
        expr = sp.sympify(expr)
        if self.atoms and not isinstance(expr, sp.MatrixBase):
            expr = self.expand_atoms(expr)
        return super().reduce(expr, final)

    def _with_atoms(self, defs, rep):
        r"""The circle variables followed by the atoms (:meth:`atomic`) made so far, in order:
        :math:`v_{F,i}` (:math:`s_i = \hbar v_{F,i}`), :math:`m_{F,i}`, the collision matrix
        :math:`\Gamma_{ij}`, its inverse :math:`\tau_{ij}`, each defined in the earlier variables."""
        if not self.atoms:
            return defs, rep
        defs, rep = list(defs), dict(rep)
        for sym, a in self.atoms.items():
            key = ("atomdef", sym)
            if key not in self._cache:
                fs = FermiSymbol(a.fermi, **({"positive": True} if sym.is_positive else {"real": True}))
                e, rels = self._canon_prepare(a.expr)
                self._cache[key] = (Definition(fs, expr=ffactor(fcancel(e, rels).xreplace(rep) / a.scale), atom=True),
                                    a.scale * fs)
            d, image = self._cache[key]
            defs.append(d)
            rep[sym] = image
        return tuple(defs), rep

    def presented(self, expr, final=ffactor):
        """:meth:`compact`, written by :func:`symkin.algebra.fsvars.present` when it is in Fermi-surface
        variables (``final`` only on a form without them: ``present`` reduces with FLINT)."""
        e = self.compact(expr, final=lambda x: x if has_fermi_symbols(x) else final(x))
        return present(e, self.fermi_variables()[0]) if has_fermi_symbols(e) else e

    # ---------------------------------------------------------------- Fermi-surface variables
    def fermi_variables(self):
        r"""The Fermi-surface variables of the regime (:mod:`symkin.algebra.fsvars`): ``(definitions, rep)``
        with ``definitions`` the ordered tuple of :class:`~symkin.algebra.fsvars.Definition` (per Fermi
        circle: its radius :math:`k_F` with relation and branch, then :math:`\Lambda_F = |\mathbf d(k_F)|`)
        and ``rep`` the map ring symbol -> variable.  Circles are ordered by band, then radius."""
        if "fsvars" in self._cache:
            return self._with_atoms(*self._cache["fsvars"])
        frs = self.fermi_circles()
        multi = len(frs) > 1
        defs, rep = [], {}
        for i, (R, b) in enumerate(frs):
            sfx = f"_{{F,{i + 1}}}" if multi else "_F"
            kF, LF = FermiSymbol("k" + sfx, positive=True), FermiSymbol("Lambda" + sfx, positive=True)
            sgn = 1 if b == 0 else -1
            lam = sp.expand(sgn * (self.E_F - self._d0.subs(self.k, kF)))
            P = sp.expand((self.E_F - self._d0.subs(self.k, kF)) ** 2 - self._d2.subs(self.k, kF))
            rn = R.numeric[R.r]
            vals = dict(self.sample)
            best = None
            for f, _ in ffactor_list(P):
                if not f.has(kF):
                    continue
                v = abs(complex(sp.N(f.xreplace(vals).xreplace({kF: rn}), 30)))
                if best is None or v < best[0]:
                    best = (v, f)
            rel = best[1] if best else P
            if any(e % 2 for (e,) in sp.Poly(rel, kF).monoms()):
                rel = P  # the factor is not even in k_F: keep the full (even) relation
            same = sorted((Q.numeric[Q.r] for Q in self.rings_at(b, self.E_F)))
            idx = min(range(len(same)), key=lambda j: abs(same[j] - rn))
            defs.append(Definition(kF, relation=rel, branch=lam, index=idx, count=len(same), band=b))
            square = sp.expand(self._d2.subs(self.k, kF))
            mass = self._mass_variable(kF) if not multi else None
            if mass is not None:
                mF, dz, elim = mass
                defs.append(Definition(mF, expr=dz, eliminates=elim))
                square = sp.expand((self.blk.g.subs(self.k, kF)) ** 2 + mF**2)
            defs.append(Definition(LF, expr=lam, square=square))
            rep[R.r], rep[R.Lam] = kF, LF
        self._cache["fsvars"] = (tuple(defs), rep)
        return self._with_atoms(*self._cache["fsvars"])

    def _mass_variable(self, kF):
        r"""``(m_F, d_z(k_F), (p, p(m_F, k_F)))`` when :math:`d_z` depends on k and on a parameter p
        linearly with a k-independent coefficient (the mass :math:`\Delta` of :math:`\Delta - Bk^2`):
        results are then written in :math:`m_F = d_z(k_F)` with p eliminated; None otherwise."""
        dz = sp.expand(self.blk.dz)
        if not dz.has(self.k) or sp.expand(self.blk.g.diff(self.k)) == 0:
            return None
        for p in sorted(dz.free_symbols - {self.k}, key=lambda s: s.name):
            c = sp.expand(dz.diff(p))
            if c.is_number and c != 0 and sp.expand(dz.diff(p, 2)) == 0 and not self.blk.g.has(p):
                mF = FermiSymbol("m_F", real=True)
                dzF = dz.subs(self.k, kF)
                return mF, dzF, (p, sp.expand(p + (mF - dzF) / c))
        return None

    def compact(self, expr, final=ffactor):
        r"""Closed form in the Fermi-surface variables (:mod:`symkin.algebra.fsvars`): the canonical form of
        :meth:`canon` (rational in :math:`k_F`, linear in :math:`\Lambda_F`, reduced modulo
        :math:`\Lambda_F^2 = |\mathbf d(k_F)|^2`) with the ring symbols renamed; no root is
        substituted, whatever the degree of the Fermi-level relation.  Factors equal to
        :math:`|\mathbf d(k_F)|^2` are written :math:`\Lambda_F^2`.

        Shell-parametrised models (:meth:`_linear`: Dirac cones, Rashba) and expressions on rings
        off the Fermi shell go through :meth:`reduce` (closed forms in :math:`\epsilon_F`)."""
        expr = sp.sympify(expr)
        if isinstance(expr, sp.MatrixBase):
            return expr.applyfunc(lambda x: self.compact(x, final))
        if self._linear() is not None:
            return self.reduce(expr, final)
        defs, rep = self.fermi_variables()
        ring_syms = {s for R in self.rings for s in (R.r, R.Lam, R.t, R.c)}
        fermi = {R.index for R, _ in self.fermi_rings()}
        used = expr.free_symbols & ring_syms
        if any(R.index not in fermi and used & {R.r, R.Lam, R.t, R.c} for R in self.rings):
            return self.reduce(expr, final)
        e, rels = self._canon_prepare(expr)
        taus = [a for a, d in self.atoms.items() if d.kind == "tau" and e.has(a)]
        if taus:  # several circles: collected in the coupled transport times, each coefficient on its own
            # (in FLINT: SymPy's Poly of the whole numerator took 35 of 100 s for three circles)
            return sp.Add(*[sp.Mul(*[t**p for t, p in zip(taus, mon)]).xreplace(rep)
                            * (final or (lambda x: x))(c.xreplace(rep))
                            for mon, c in fcollect(e, taus, rels).items()])
        e = fcancel(e, rels).xreplace(rep)
        return final(e) if final else e
