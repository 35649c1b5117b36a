"""Anomalous Hall effect of the 2D Rashba ferromagnet in every Fermi-level regime.

    H = hbar^2 k^2/(2m) + alpha (sigma_x k_y - sigma_y k_x) + Delta sigma_z .

Prints the regimes (with the Mexican-hat condition), the closed-form sigma_yx contributions and the
spin density in every regime (annulus below -Delta: two circles of the lower band; -Delta < E_F <
Delta: one circle; E_F > Delta: one circle per band, coupled Boltzmann equations), the spin-Hall
response and Edelstein spin density of the Rashba 2DEG, and a table of sigma_yx by mechanism from the
numeric Fermi-contour chain with a few non-crossing Kubo-Streda points.  With both bands occupied the
total vanishes exactly, as published for the non-crossing approximation (Nunner et al., PRB 76,
235312 (2007)); the paper's all-shells skew prescription would not give zero (README, "Skew
prescription").

Usage: python derivations/rashba_ferromagnet.py [OUTDIR]   (default build/)
"""
import os
import sys
import time

import numpy as np
import sympy as sp

import symkin.kubo as kubo
import symkin.numeric as numeric
from symkin import anomalous_hall, regimes, spin_density, spin_hall
from symkin.models import rashba, rashba_ferromagnet

KEYS = ("intrinsic", "extrinsic", "side_jump", "skew")


def main(outdir="build"):
    os.makedirs(outdir, exist_ok=True)
    model = rashba_ferromagnet()
    print(model)
    print("\nRegimes (sample point hbar = m = alpha = 1, Delta = 0.5):")
    for r in regimes(model):
        print(f"  {r}\n      {r.shape}" + (f"; exists if {r.condition}" if r.condition is not None else ""))

    lines = []
    for r in regimes(model):
        t0 = time.perf_counter()
        res = anomalous_hall(model, regime=r)
        spin = spin_density(model, regime=r)
        lines.append(f"\n[{r}]  ({time.perf_counter() - t0:.1f} s)")
        for key in KEYS:
            lines.append(f"  sigma_yx {key} = {sp.sstr(res[key])}")
        lines.append(f"  sigma_yx total = {sp.sstr(sp.factor(sp.cancel(res.total)))}")
        for key in spin.contributions:
            lines.append(f"  <sigma> {key} = {sp.sstr(list(spin[key]))}")
    two = rashba()
    lines.append(f"\n{two}\n[{regimes(two)[-1]}]")
    lines.append(f"  <sigma> Edelstein = {sp.sstr(list(spin_density(two, regime='both').fermi_surface))}")
    sh = spin_hall(two, regime="both")
    lines.append(f"  spin Hall <{{sigma_z, v_y}}/2>/E_x: intrinsic = {sh.intrinsic}, extrinsic = {sh.extrinsic}, "
                 f"total = {sp.cancel(sh.total)}")
    print("\n".join(lines))
    with open(os.path.join(outdir, "rashba_ferromagnet.txt"), "w") as fh:
        fh.write(str(model) + "\n" + "\n".join(lines) + "\n")

    base = {"hbar": 1.0, "m": 1.0, "alpha": 1.0, "Delta": 0.5, "e": 1.0, "u_0": 0.3}
    print(f"\n{'E_F':>7} {'regime':>14} " + " ".join(f"{k:>12}" for k in KEYS) + f" {'total':>12} {'Kubo':>12}")
    for E in (-0.6, -0.52, -0.3, 0.0, 0.3, 0.8, 1.5, 3.0):
        p = dict(base, epsilon_F=E)
        name = next((r.name for r in regimes(model)
                     if (r.lower is None or float(r.lower.subs({s: base[s.name] for s in r.lower.free_symbols})) < E)
                     and (r.upper is None or E < float(r.upper.subs({s: base[s.name] for s in r.upper.free_symbols})))),
                    "-")
        n = numeric.anomalous_hall(model, p, n_points=32, energy=E)
        k = float(kubo.anomalous_hall(model, p, energy=E, n_theta=32)) if E in (-0.52, 0.3, 1.5) else np.nan
        print(f"{E:7.2f} {name:>14} " + " ".join(f"{n[key]:12.6g}" for key in KEYS) + f" {n.total:12.6g} {k:12.6g}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
