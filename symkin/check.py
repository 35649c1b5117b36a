"""Cross-check of a closed form against the two independent numeric routes.

For each sample point: sigma_yx from the closed form (lambdified), from the Fermi-contour Boltzmann
solver (:mod:`symkin.numeric`, same semiclassical theory, no SymPy in the loop) and from the
Kubo-Streda formula with ladder vertex (:mod:`symkin.kubo`, weak-disorder limit), with the
deviations.  Agreement of the first two tests the algebra; of the first and third, the theory
(non-crossing approximation).

Deviations are ``|a - b| / max(|b|, floor)`` with the absolute floor ``FLOOR * e^2/hbar``, so a
vanishing sigma (Rashba 2DEG, the Rashba ferromagnet with both subbands occupied) is compared
absolutely.  A check *fails* when the closed form and the numeric chain differ by more than
``TOL_NUMERIC`` in any contribution, or the closed total and Kubo by more than ``TOL_KUBO``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp

from . import kubo, numeric
from .crossed_numeric import crossed_hall_numeric
from .errors import CrossedUnavailableError, RegimeError
from .kubo_crossed import crossed_hall_kubo
from .regimes import get_regime
from .observables import anomalous_hall

FIELDS = ("intrinsic", "extrinsic", "side_jump", "skew", "total")
FLOOR = 1e-3  # x e^2/hbar: typical |sigma_yx| are 1e-2..1 e^2/hbar
TOL_NUMERIC = 1e-6
TOL_KUBO = 1e-4
TOL_CROSSED = 1e-4   # crossed X, Psi: numeric (and closed form) vs the crossed Kubo diagrams
#: crossed Kubo settings of the check (weaker disorder than the default: near band edges and for the
#: Rashba ferromagnet below Delta the default extrapolation is only good to ~1e-3)
KUBO_CROSSED = dict(etas=(0.004, 0.002, 0.001), n_psi=12, n_gl=8)


@dataclass(frozen=True)
class CheckRow:
    values: dict
    closed: dict
    numeric: dict
    kubo: float
    floor: float = 0.0
    crossed: dict = None   # {'crossed_X': (closed or None, numeric, Kubo), 'crossed_Psi': ...}

    def _dev(self, a, b):
        return abs(a - b) / max(abs(b), self.floor, 1e-300)

    @property
    def numeric_deviation(self):
        return max(self._dev(self.closed[f], self.numeric[f]) for f in FIELDS)

    @property
    def kubo_deviation(self):
        return self._dev(self.closed["total"], self.kubo)

    @property
    def crossed_deviation(self):
        """Largest deviation of the crossed X, Psi (closed form and numeric) from their Kubo diagrams."""
        if not self.crossed:
            return 0.0
        return max(self._dev(a, kb) for c, nm, kb in self.crossed.values() for a in (c, nm) if a is not None)

    @property
    def ok(self):
        return (self.numeric_deviation <= TOL_NUMERIC and self.kubo_deviation <= TOL_KUBO
                and self.crossed_deviation <= TOL_CROSSED)


def _num(x, base):
    if x is None:
        return None
    v = sp.sympify(x).subs({s: base[s.name] for s in sp.sympify(x).free_symbols if s.name in base})
    v = complex(sp.N(v))
    if abs(v.imag) > 1e-12 * (1 + abs(v.real)) or not math.isfinite(v.real):
        raise RegimeError(f"regime bound {x} is not a finite real number at the sample point {base}")
    return v.real


def sample_points(model, regime=None, n=3):
    """Sample points inside the regime: the model's sample parameters, e = 1, u_0 = 0.1 (any small
    value: the results are disorder independent) and ``n`` values of epsilon_F strictly inside the
    regime's window ``(lower, upper)`` evaluated at those parameters (fractions 1/4, 1/2, 3/4, ... of
    a bounded window; ``bound +- s f`` with ``s = max(|bound|, |sample|, 1/2)`` on an unbounded side).

    This is the one function to switch to ``symkin.sample_point(model, regime)`` once it exists."""
    r = get_regime(model, regime)
    base = {s.name: float(v) for s, v in model.sample_point().items()}
    base.update(e=1.0, u_0=0.1)
    lo, hi = _num(r.lower, base), _num(r.upper, base)
    s0 = abs(float(r.sample_epsilon_F))
    if lo is not None and hi is not None:
        if not hi > lo:
            raise RegimeError(f"regime {r.name!r} is empty at the sample point ({lo} >= {hi}); "
                              "pass parameter values where it exists")
        eFs = [lo + (hi - lo) * (j + 1) / (n + 1) for j in range(n)]
    elif lo is not None:
        s = max(abs(lo), s0, 0.5)
        eFs = [lo + s * f for f in (0.3, 0.8, 1.5, 2.5, 3.5)[:n]]
    elif hi is not None:
        s = max(abs(hi), s0, 0.5)
        eFs = [hi - s * f for f in (0.3, 0.8, 1.5, 2.5, 3.5)[:n]]
    else:
        eFs = [float(r.sample_epsilon_F) * f for f in (1.0, 1.3, 1.8, 2.5, 3.5)[:n]]
    return [dict(base, epsilon_F=x) for x in eFs]


def _crossed(model, reg, vals, E, fc):
    """(closed or None, numeric, Kubo) of crossed_X and crossed_Psi of sigma_yx at one point."""
    e2 = vals["e"] ** 2
    closed = {k: complex(v).real for k, v in fc(**vals).items()} if fc else {}
    num = crossed_hall_numeric(model, E, vals)
    kb = crossed_hall_kubo(model, E, vals, **KUBO_CROSSED)
    return {k: (closed.get(k), e2 * num[k], e2 * getattr(kb, k)) for k in ("crossed_X", "crossed_Psi")}


def check(model, regime=None, n=3, n_points=128, crossed=False):
    """Rows of closed form vs numeric vs Kubo for sigma_yx at ``n`` points inside the regime; with
    ``crossed`` also the pair-skew terms crossed_X, crossed_Psi (closed form where it exists, the
    numeric collision term, the crossed Kubo diagrams of :mod:`symkin.kubo_crossed`)."""
    reg = get_regime(model, regime)
    f = anomalous_hall(model, reg).lambdify()
    fc = None
    if crossed:
        try:
            fc = anomalous_hall(model, reg, crossed=True).lambdify()
        except CrossedUnavailableError:
            fc = None   # no closed form: numeric collision term vs Kubo diagrams
    rows = []
    for vals in sample_points(model, reg, n):
        E = -vals["epsilon_F"] if reg.sign < 0 else vals["epsilon_F"]
        closed = {k: complex(v).real for k, v in f(**vals).items()}
        num = numeric.anomalous_hall(model, vals, n_points=n_points, energy=E)
        kb = float(kubo.anomalous_hall(model, vals, energy=E))
        floor = FLOOR * vals["e"] ** 2 / vals.get("hbar", 1.0)
        cr = _crossed(model, reg, vals, E, fc) if crossed else None
        rows.append(CheckRow(vals, closed, {k: float(num[k]) for k in FIELDS}, kb, floor, cr))
    return rows


def format_rows(rows):
    """Table of the rows; the parameter point is printed once above (it is shared by all rows)."""
    if not rows:
        return ""
    pt = ", ".join(f"{k}={v:.6g}" for k, v in rows[0].values.items() if k != "epsilon_F")
    lines = [f"at {pt} (absolute floor {rows[0].floor:.1e}; tolerances numeric {TOL_NUMERIC:.0e}, "
             f"Kubo {TOL_KUBO:.0e})",
             f"{'epsilon_F':>10} {'closed form':>14} {'numeric':>14} {'Kubo':>14} {'dev num':>10} "
             f"{'dev Kubo':>10}  ok"]
    for r in rows:
        lines.append(f"{r.values['epsilon_F']:10.4g} {r.closed['total']:14.8g} {r.numeric['total']:14.8g} "
                     f"{r.kubo:14.8g} {r.numeric_deviation:10.2e} {r.kubo_deviation:10.2e}  "
                     f"{'yes' if r.ok else 'NO'}")
    if rows[0].crossed:
        lines.append(f"crossed X, Psi (tolerance vs Kubo {TOL_CROSSED:.0e}):")
        lines.append(f"{'epsilon_F':>10} {'piece':>6} {'closed form':>14} {'numeric':>14} {'Kubo':>14} {'dev':>10}")
        for r in rows:
            for k, (c, nm, kb) in r.crossed.items():
                dev = max(r._dev(a, kb) for a in (c, nm) if a is not None)
                cs = f"{c:14.8g}" if c is not None else f"{'-':>14}"
                lines.append(f"{r.values['epsilon_F']:10.4g} {k[8:]:>6} {cs} {nm:14.8g} {kb:14.8g} {dev:10.2e}")
    return "\n".join(lines)
