"""Benchmark of the numeric back-ends.

(a) symkin.numeric.anomalous_hall for the TI surface: wall time per call versus the number of
    Fermi-contour rays, with the relative deviation from Eq. 86 (and the worst of the five
    contributions, Eqs. 74-85); the smallest resolution reaching 1e-8 is reported.
(b) symkin.kubo.anomalous_hall: wall time per point (four disorder strengths + extrapolation) for
    the TI (isotropic) and a warped TI (anisotropic), with the deviation from Eq. 86 / numeric.
(c) Pair skew scattering (issue 14): the numeric crossed X + Psi sigma_yx of the Rashba ferromagnet
    per Fermi energy (kinetic, symkin.crossed_numeric; target <= 5 s), and the crossed Kubo diagrams
    (symkin.kubo_crossed) per point with their deviation from the kinetic numbers.

Usage: python bench/bench_numeric.py
"""
import math
import time

import sympy as sp

import symkin.kubo as kubo
import symkin.numeric as numeric
from symkin import Model
from symkin.models import k_x, k_y, sz, ti_surface


def expected(p):
    x = p["M"] / p["epsilon_F"]
    c = p["e"] ** 2 / (2 * math.pi * p["hbar"]) * x
    return dict(intrinsic=c / 2, extrinsic=c * (1 - x**2) / (1 + 3 * x**2),
                side_jump=c * (1 - x**2) / (1 + 3 * x**2),
                skew=c * 3 * (1 - x**2) ** 2 / (2 * (1 + 3 * x**2) ** 2),
                total=4 * c * (1 + x**2) / (1 + 3 * x**2) ** 2)


def best_time(f, repeat=5):
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        ts.append(time.perf_counter() - t0)
    return min(ts), out


def main():
    m = ti_surface()
    p = {"e": 1.0, "hbar": 1.0, "v_F": 1.0, "M": 0.3, "epsilon_F": 0.6, "u_0": 0.1}
    want = expected(p)
    numeric.anomalous_hall(m, p, n_points=8)  # warm-up (imports, SymPy -> NumPy compilation)
    print("(a) numeric.anomalous_hall, TI surface, xi = 0.5")
    print(f"{'rays':>6} {'time [ms]':>10} {'rel. dev. total':>16} {'worst piece':>12}")
    first = None
    for n in (4, 8, 16, 32, 64, 128, 400):
        t, r = best_time(lambda: numeric.anomalous_hall(m, p, n_points=n))
        dev_t = abs(r.total - want["total"]) / want["total"]
        dev_w = max(abs(r[k] - want[k]) / abs(want[k]) for k in want)
        print(f"{n:6d} {t * 1e3:10.1f} {dev_t:16.2e} {dev_w:12.2e}")
        if first is None and dev_w < 1e-8:
            first = (n, t)
    print(f"1e-8 agreement in all five contributions reached with {first[0]} rays in {first[1] * 1e3:.1f} ms "
          "(isotropic model: the angular integrands are trigonometric polynomials of low degree)")

    print("(b) kubo.anomalous_hall (4 disorder strengths, extrapolated to weak disorder)")
    for xi in (0.2, 0.5, 0.8):
        q = dict(p, epsilon_F=p["M"] / xi)
        for nt in (16, 64):
            t, k = best_time(lambda: float(kubo.anomalous_hall(m, q, n_theta=nt)), repeat=2)
            dev = abs(k - expected(q)["total"]) / expected(q)["total"]
            print(f"  TI xi={xi}: {nt:3d} rays  {t:6.2f} s/point   rel. dev. from Eq. 86 {dev:.2e}")
    lam = sp.Symbol("lambda", real=True)
    ti = ti_surface()
    w = Model(ti.H + lam * (k_x**3 - 3 * k_x * k_y**2) * sz, ti.momenta, ti.disorder, name="warped")
    q = dict(p, **{"lambda": 1.0})
    ref = numeric.anomalous_hall(w, q, n_points=256).total
    for nt in (64, 128):
        t, k = best_time(lambda: float(kubo.anomalous_hall(w, q, n_theta=nt)), repeat=2)
        print(f"  warped TI (lambda k_F^3/M = 0.47): {nt:3d} rays  {t:6.2f} s/point   "
              f"rel. dev. from numeric {abs(k - ref) / ref:.2e}")


def crossed():
    from symkin.crossed_numeric import crossed_hall_numeric
    from symkin.kubo_crossed import crossed_hall_kubo
    from symkin.models import massive_dirac, rashba_ferromagnet
    rf, vals = rashba_ferromagnet(), {"hbar": 1.0, "m": 1.0, "alpha": 1.0, "Delta": 0.5}
    crossed_hall_numeric(rf, 0.2, vals)  # warm-up
    print("(c) Rashba FM numeric crossed per E_F (hbar = m = alpha = 1, Delta = 0.5; e^2/h)")
    c = 2 * math.pi
    kins = {}
    for E in (1.0, 0.6, 0.2, -0.3, -0.55):
        t, r = best_time(lambda: crossed_hall_numeric(rf, E, vals), repeat=2)
        kins[E] = r
        print(f"  E_F = {E:5.2f} ({len(r['circles'])} circle(s)): {t:6.2f} s   sigma^X = {c * r['crossed_X']:.6f}"
              f"  sigma^Psi = {c * r['crossed_Psi']:.6f}  sum = {c * (r['crossed_X'] + r['crossed_Psi']):.6f}")
    print("  crossed Kubo diagrams (3 disorder strengths, extrapolated), deviation from kinetic [e^2/h]:")
    for name, model, E, v, kw in (
            ("massive Dirac xi = 0.4", massive_dirac(), 1.0, {"Delta": 0.4, "v": 1.3, "hbar": 1.0}, {}),
            ("Rashba FM E_F = 0.2", rf, 0.2, vals, dict(etas=(0.004, 0.002, 0.001), n_psi=12, n_gl=8)),
            ("Rashba FM E_F = 1.0", rf, 1.0, vals, dict(etas=(0.016, 0.008, 0.004), n_psi=4, n_gl=6))):
        kin = kins.get(E) if model is rf else crossed_hall_numeric(model, E, v)
        t, k = best_time(lambda: crossed_hall_kubo(model, E, v, **kw), repeat=1)
        print(f"  {name:24s} {t:6.2f} s/point   dX = {c * (k.crossed_X - kin['crossed_X']):+.1e}"
              f"  dPsi = {c * (k.crossed_Psi - kin['crossed_Psi']):+.1e}")


if __name__ == "__main__":
    main()
    crossed()
