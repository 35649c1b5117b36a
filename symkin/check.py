"""Cross-check of a closed form against the two independent numeric routes.

For each sample point: sigma_yx from the closed form (lambdified), from the Fermi-contour Boltzmann
solver (:mod:`symkin.numeric`, same semiclassical theory, no SymPy in the loop) and from the
Kubo-Streda formula with ladder vertex (:mod:`symkin.kubo`, weak-disorder limit), with the relative
deviations.  Agreement of the first two tests the algebra; of the first and third, the theory
(non-crossing approximation).
"""
from __future__ import annotations

from dataclasses import dataclass

from . import kubo, numeric
from .fermi import get_regime
from .observables import anomalous_hall

FIELDS = ("intrinsic", "extrinsic_velocity", "side_jump", "skew", "total")


@dataclass(frozen=True)
class CheckRow:
    values: dict
    closed: dict
    numeric: dict
    kubo: float

    @property
    def numeric_deviation(self):
        return max(abs(self.closed[f] - self.numeric[f]) / max(abs(self.closed[f]), 1e-300) for f in FIELDS
                   if abs(self.closed[f]) > 1e-14 * abs(self.closed["total"]))

    @property
    def kubo_deviation(self):
        return abs(self.closed["total"] - self.kubo) / abs(self.closed["total"])


def sample_points(model, regime=None, n=3):
    """Documented sample points: the model's sample parameters, e = 1, u_0 = 0.1 (any small value: the
    results are disorder independent), epsilon_F = (1, 1.3, 1.8, ...) x the regime's sample value."""
    r = get_regime(model, regime)
    base = {s.name: v for s, v in model.sample_point().items()}
    base.update(e=1.0, u_0=0.1)
    factors = [1.0, 1.3, 1.8, 2.5, 3.5][:n]
    return [dict(base, epsilon_F=abs(r.sample_epsilon_F) * f) for f in factors]


def check(model, regime=None, n=3, n_points=128):
    """Rows of closed form vs numeric vs Kubo for sigma_yx at ``n`` sample points."""
    f = anomalous_hall(model, regime).lambdify()
    band = "valence" if get_regime(model, regime).sign < 0 else "conduction"
    rows = []
    for vals in sample_points(model, regime, n):
        closed = {k: float(v.real) if hasattr(v, "real") else float(v) for k, v in f(**vals).items()}
        num = numeric.anomalous_hall(model, vals, n_points=n_points, band=band)
        rows.append(CheckRow(vals, closed, {k: float(getattr(num, k)) for k in FIELDS},
                             float(kubo.anomalous_hall(model, vals, band=band))))
    return rows


def format_rows(rows):
    lines = [f"{'epsilon_F':>10} {'closed form':>14} {'numeric':>14} {'Kubo':>14} {'rel.dev num':>12} {'rel.dev Kubo':>12}"]
    for r in rows:
        lines.append(f"{r.values['epsilon_F']:10.4g} {r.closed['total']:14.8g} {r.numeric['total']:14.8g} "
                     f"{r.kubo:14.8g} {r.numeric_deviation:12.2e} {r.kubo_deviation:12.2e}")
    return "\n".join(lines)
