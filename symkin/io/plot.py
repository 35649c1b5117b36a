r"""The :math:`\sigma_{yx}(\xi)` plot of a result, contribution by contribution (matplotlib, Agg)."""
from __future__ import annotations

import os

import numpy as np
import sympy as sp

from .. import conventions as cv
from ..regimes import get_regime
from .common import model_mass, safe_filename, value_at

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
    for i, (name, x) in enumerate(r.items()):
        x = sp.sympify(x / unit)
        f = sp.lambdify(model.fermi_level, x.xreplace({s: base[s.name] for s in x.free_symbols
                                                        if s.name in base}), "numpy")
        with np.errstate(all="ignore"):
            y = np.real(np.broadcast_to(np.asarray(f(eps), dtype=complex), eps.shape))
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
    fig.tight_layout()
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, safe_filename(model.name) + "_sigma_yx.png")
    fig.savefig(path)
    plt.close(fig)
    return path
