r"""The :math:`\sigma_{yx}(\xi)` plot of a result, contribution by contribution (matplotlib, Agg)."""
from __future__ import annotations

import os

import numpy as np
import sympy as sp

from .. import conventions as cv
from ..regimes import get_regime
from .common import model_mass, safe_filename, value_at, write_atomic

def plot_hall(model, r, out_dir, regime=None, n=400):
    r"""PNG of each contribution and the total of :math:`\sigma_{yx}` (units :math:`e^2/h`) versus
    :math:`\xi = M/\epsilon_F` (M the mass of H; versus :math:`\epsilon_F` when there is none), other
    parameters at the model's sample point.  Returns the path."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    reg = get_regime(model, regime)
    base = {s.name: v for s, v in model.sample_point().items()}
    base.setdefault("hbar", 1.0)
    base.update({"e": 1.0, **{s.name: 1.0 for s in sp.sympify(model.disorder.u0).free_symbols}})
    unit = cv.e**2 / (2 * sp.pi * cv.hbar)  # e^2/h
    M = model_mass(model)
    lo = value_at(reg.lower, base) if reg.lower is not None else 0.0
    hi = value_at(reg.upper, base) if reg.upper is not None else None
    if hi is not None:
        lo = max(lo, 0.05 * hi)  # keep xi = M/epsilon_F below ~20 in the gap
        eps = np.linspace(lo + (hi - lo) * 1e-3, hi - (hi - lo) * 1e-3, n)
    elif lo > 0:
        eps = lo / np.linspace(0.999, 0.02, n)  # xi = lo/epsilon_F from 1 down to 0.02
    else:
        eps = np.linspace(0.01, 10.0, n)
    try:
        Mv = value_at(M, base) if M is not None else None
    except (TypeError, ValueError):
        Mv = None
    if Mv is not None and Mv > 0:
        xlab = r"$\xi = %s/\epsilon_F$" % sp.latex(M)
        xs = Mv / eps
    else:
        xlab = r"$\epsilon_F$"
        xs = eps
    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=120)
    styles = [("--", 2.6), (":", 2.2), ("-.", 1.6), ((0, (6, 2, 1, 2)), 1.4), ((0, (1, 1)), 1.2)]
    drawn = []
    # the Result's own lambdify: it evaluates Fermi-surface variables (k_F, ...) on their branch
    with np.errstate(all="ignore"):
        ys = r.lambdify()(**{**base, model.fermi_level.name: eps})
    unit_value = value_at(unit, base)
    for i, (name, _) in enumerate(r.items()):
        y = np.real(np.broadcast_to(np.asarray(ys[name], dtype=complex), eps.shape)) / unit_value
        lab = "total" if name == "total" else f"{name.replace('_', ' ')} ({r.labels.get(name, name)})"
        same = [other for other, yo in drawn if np.allclose(y, yo, rtol=1e-9, atol=1e-12)]
        if same:
            lab += f" = {same[0]}"
        if name == "total":
            ax.plot(xs, y, lw=2.4, color="k", label=lab)
        else:
            ls, lw = styles[i % len(styles)]
            ax.plot(xs, y, ls=ls, lw=lw, label=lab)
        drawn.append((name.replace("_", " "), y))
    ax.axhline(0, color="0.7", lw=0.8)
    ax.set_xlabel(xlab)
    ax.set_ylabel(r"$\sigma_{yx}$  [$e^2/h$]")
    shown = {s.name for s in model.parameters}
    fixed = ", ".join(f"{k}={v:g}" for k, v in sorted(base.items()) if k in shown)
    where = "$E_F$ in the gap" if reg.name == "gap" else f"$E_F$ in the {reg.name} band"
    ax.set_title(f"{model.name}: $\\sigma_{{yx}}$ by mechanism, {where}\n{fixed}", fontsize=9)
    ax.legend(fontsize=8)
    return _save(fig, os.path.join(out_dir, safe_filename(model.name) + "_sigma_yx.png"))


def _save(fig, path):
    """Save a figure as PNG atomically (temporary file in the same directory, then rename)."""
    import io
    import matplotlib.pyplot as plt
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return write_atomic(path, buf.getvalue())


def _edges(r_all, point):
    """Band edges and critical energies (real E_F) of every regime of an across-regimes result whose
    parameter conditions hold at ``point``."""
    edges = set()
    for reg in r_all.extra["regimes"].values():
        lab = reg.regime
        sign = -1 if "E_F = -epsilon_F" in str(lab) else 1
        for b in _bounds(lab):
            try:
                edges.add(sign * value_at(b, point))
            except (TypeError, ValueError):
                pass
    return sorted(e for e in edges if np.isfinite(e))


def _bounds(label):
    """The finite E_F-window bounds of a regime label's conditions."""
    out = []
    for rel in sp.And.make_args(label.conditions):
        if isinstance(rel, (sp.StrictLessThan, sp.StrictGreaterThan, sp.LessThan, sp.GreaterThan)):
            for side in (rel.lhs, rel.rhs):
                if not side.is_Symbol or side.name not in ("epsilon_F", "E_F"):
                    other = rel.rhs if side is rel.lhs else rel.lhs
                    if other.is_Symbol and other.name in ("epsilon_F", "E_F"):
                        out.append(side)
    return out


def plot_across(model, r_all, out_dir, regime=None, n=801):
    r"""PNG of each contribution and the total of :math:`\sigma_{yx}` (units :math:`e^2/h`) versus the
    Fermi energy :math:`E_F` across band edges and the gap, from the lambdified Piecewise of
    ``anomalous_hall(model, regime="all")`` at the parameter point of ``regime`` (its
    :attr:`Regime.point`, shown in the title); regimes whose conditions fail there are blank (NaN)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    reg = get_regime(model, regime)
    point = {s.name: float(v) for s, v in reg.point} or {s.name: float(v) for s, v in model.sample_point().items()}
    point.setdefault("hbar", 1.0)
    vals = {**point, "e": 1.0, model.disorder.u0.name: 1.0}
    E = r_all.extra["E_F"]
    edges = _edges(r_all, vals)
    span = (edges[-1] - edges[0]) if len(edges) > 1 else (abs(edges[0]) if edges else 1.0) or 1.0
    lo, hi = (edges[0] - 1.5 * span, edges[-1] + 1.5 * span) if edges else (-2.0, 2.0)
    grid = np.linspace(lo, hi, n)
    grid = grid[~np.isin(grid, edges)]
    f = r_all.lambdify()
    missing = [p for p in f.parameters if p not in vals and p != E.name]
    vals.update({p: 1.0 for p in missing})
    ys = f(**{**vals, E.name: grid})
    unit = 1.0 / (2 * np.pi * vals["hbar"])  # e^2/h with e = 1
    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=120)
    styles = [("--", 2.2), (":", 2.2), ("-.", 1.6), ((0, (6, 2, 1, 2)), 1.4), ((0, (1, 1)), 1.2)]
    for i, (name, _) in enumerate(r_all.items()):
        y = np.real(np.asarray(ys[name], dtype=complex)) / unit
        if name == "total":
            ax.plot(grid, y, lw=2.4, color="k", label="total")
        else:
            ls, lw = styles[i % len(styles)]
            ax.plot(grid, y, ls=ls, lw=lw, label=f"{name.replace('_', ' ')} ({r_all.labels.get(name, name)})")
    for e in edges:
        ax.axvline(e, color="0.6", lw=0.8, ls=":")
    ax.axhline(0, color="0.7", lw=0.8)
    ax.set_xlabel(r"$E_F$")
    ax.set_ylabel(r"$\sigma_{yx}$  [$e^2/h$]")
    shown = {s.name for s in model.parameters} | set(missing)
    fixed = ", ".join(f"{k}={v:g}" for k, v in sorted(vals.items()) if k in shown)
    skipped = r_all.extra.get("unavailable") or {}
    note = ("\nnot derived (blank): " + ", ".join(skipped)) if skipped else ""
    ax.set_title(f"{model.name}: $\\sigma_{{yx}}$ by mechanism across regimes "
                 f"(point of the {reg.name} regime)\n{fixed}{note}", fontsize=9)
    ax.legend(fontsize=8)
    return _save(fig, os.path.join(out_dir, safe_filename(model.name) + "_sigma_yx_vs_EF.png"))
