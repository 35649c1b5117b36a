"""Two Fermi circles in closed form (issue 5): the Rashba ferromagnet with both subbands occupied and
with an annular Fermi sea, the Rashba 2DEG (Edelstein), and continuity at the regime boundaries.

References
----------
* Nunner, Sinitsyn, Borunda, Dugaev, Kovalev, Abanov, Timm, Jungwirth, Inoue, MacDonald, Sinova,
  PRB 76, 235312 (2007): Rashba ferromagnet in the non-crossing approximation; sigma_xy = 0 when both
  subbands are occupied, intrinsic + side jump + skew cancel.
* Culcer, MacDonald, Niu, PRB 68, 045327 (2003): intrinsic (Berry-curvature) anomalous Hall
  conductivity of the Rashba ferromagnet, e^2 Delta/(4 pi hbar) (1/Lambda_+ - 1/Lambda_-) with
  Lambda_pm = |d| on the two Fermi circles.
* Edelstein, Solid State Commun. 73, 233 (1990): current-induced spin polarisation of the Rashba 2DEG,
  <sigma_y> = -e E_x alpha m tau/(pi hbar^3) (Pauli spin, both circles), with 1/tau = m u_0^2/hbar^3
  for Gaussian white noise in the Born approximation.
"""
import random

import numpy as np
import pytest
import sympy as sp

from symkin import anomalous_hall, kubo, numeric, spin_density
from symkin import conventions as cv
from symkin.fermi import get_regime
from symkin.models import Delta, alpha, m, rashba, rashba_ferromagnet

hbar, e, u0, EF, Ex, Ey = cv.hbar, cv.e, cv.u_0, cv.E_F, cv.E_x, cv.E_y
KEYS = ("intrinsic", "extrinsic", "side_jump", "skew")
SPIN_KEYS = ("fermi_surface", "intrinsic", "extrinsic", "side_jump", "skew")
BASE = {"hbar": 1.0, "m": 1.0, "alpha": 1.0, "Delta": 0.5, "e": 1.0, "u_0": 0.3}


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def at(expr, vals):
    return complex(sp.N(expr.subs({s: vals[s.name] for s in expr.free_symbols if s.name in vals})))


@pytest.fixture(scope="module")
def hall():
    model = rashba_ferromagnet()
    return model, {name: anomalous_hall(model, regime=name) for name in ("lower-annulus", "lower", "both")}


@pytest.mark.parametrize("E", [0.8, 1.7])
def test_both_bands_hall_contributions_against_numeric(hall, E):
    """E_F > Delta: every contribution (coupled two-circle Boltzmann equations, interband
    scattering between circles of different radius) equals the NumPy Fermi-contour chain."""
    model, res = hall
    p = dict(BASE, epsilon_F=E)
    n = numeric.anomalous_hall(model, p, n_points=32, energy=E)
    for key in KEYS:
        assert rel(at(res["both"][key], p).real, n[key]) < 1e-10, key


def test_both_bands_hall_vanishes_exactly_and_intrinsic_is_berry(hall):
    """Nunner et al. (2007): sigma_yx = 0 with both subbands occupied -- here exactly, in closed form.
    The intrinsic part is the Berry-curvature result of Culcer, MacDonald, Niu (2003)."""
    _, res = hall
    both = res["both"]
    assert sp.cancel(both.total) == 0
    # |d| on the two Fermi circles: roots of hbar^2 L^2/2m +- alpha^2 L - (alpha^2 E_F + hbar^2 Delta^2/2m) = 0
    root = sp.sqrt(m**2 * alpha**4 + 2 * m * alpha**2 * hbar**2 * EF + hbar**4 * Delta**2)
    L_plus = (root - m * alpha**2) / hbar**2
    L_minus = (root + m * alpha**2) / hbar**2
    expected = e**2 * Delta / (4 * sp.pi * hbar) * (1 / L_plus - 1 / L_minus)
    rng = random.Random(5)
    for _ in range(4):
        p = {"hbar": rng.uniform(0.5, 2), "m": rng.uniform(0.5, 2), "alpha": rng.uniform(0.5, 2),
             "Delta": rng.uniform(0.1, 1), "e": rng.uniform(0.5, 2)}
        p["epsilon_F"] = p["Delta"] * rng.uniform(1.1, 4)
        assert rel(at(both.intrinsic, p), at(expected, p)) < 1e-12


@pytest.mark.parametrize("frac", [0.3, 0.75])
def test_annulus_hall_against_numeric(hall, frac):
    """E_min < E_F < -Delta: two circles of the *same* band (annular Fermi sea of the Mexican hat)."""
    model, res = hall
    r = get_regime(model, "lower-annulus")
    lo, hi = (float(x.subs(model.sample_point())) for x in (r.lower, r.upper))
    E = lo + frac * (hi - lo)
    p = dict(BASE, epsilon_F=E)
    n = numeric.anomalous_hall(model, p, n_points=32, energy=E)
    for key in KEYS:
        assert rel(at(res["lower-annulus"][key], p).real, n[key]) < 1e-10, key


def test_annulus_total_equals_kubo(hall):
    """The total in the annulus regime equals the non-crossing Kubo-Streda calculation."""
    model, res = hall
    p = dict(BASE, epsilon_F=-0.55)
    k = float(kubo.anomalous_hall(model, p, energy=-0.55, n_theta=32))
    assert rel(at(res["lower-annulus"].total, p).real, k) < 1e-4


def test_continuity_at_the_regime_boundaries(hall):
    """At E_F = -Delta (annulus -> disc) and E_F = +Delta (the upper band starts filling) the Fermi
    sea changes continuously, so the intrinsic (Berry-curvature) contribution is continuous.  The
    disorder contributions are not: a new circle (or pocket) appears with finite 2D density of
    states, a new scattering channel, so they jump -- and at +Delta the total jumps to exactly 0."""
    _, res = hall
    rng = random.Random(11)
    for _ in range(3):
        p = {"hbar": rng.uniform(0.8, 1.2), "m": rng.uniform(0.8, 1.2), "alpha": rng.uniform(0.9, 1.3),
             "Delta": rng.uniform(0.2, 0.5), "e": 1.0, "u_0": 0.3}
        assert p["m"] * p["alpha"] ** 2 / p["hbar"] ** 2 > p["Delta"]  # Mexican hat: the annulus exists
        for a, b, sgn in (("lower-annulus", "lower", -1), ("lower", "both", 1)):
            q = dict(p, epsilon_F=sgn * p["Delta"])
            left, right = at(res[a].intrinsic, q).real, at(res[b].intrinsic, q).real
            assert rel(left, right) < 1e-12
            jump = at(res[a].side_jump, q).real - at(res[b].side_jump, q).real
            assert abs(jump) > 1e-3 * abs(left)
        q = dict(p, epsilon_F=p["Delta"])
        assert abs(at(res["lower"].total, q)) > 1e-3 and at(res["both"].total, q) == 0


def test_rashba_2deg_edelstein_closed_form():
    """Rashba 2DEG, E_F > 0 (two circles): the Edelstein spin density in closed form,
    <sigma> = (e alpha m tau/(pi hbar^3)) (E_y, -E_x, 0) with tau = hbar^3/(m u_0^2); every other
    contribution vanishes (time-reversal symmetry), and the result does not depend on E_F."""
    res = spin_density(rashba(), regime="both")
    tau = hbar**3 / (m * u0**2)
    edelstein = e * alpha * m * tau / (sp.pi * hbar**3) * sp.Matrix([Ey, -Ex, 0])
    assert (res.fermi_surface - edelstein).applyfunc(sp.cancel) == sp.zeros(3, 1)
    for key in SPIN_KEYS[1:]:
        assert res[key].applyfunc(sp.cancel) == sp.zeros(3, 1), key
    # and against the numeric chain
    p = {"hbar": 1.0, "m": 1.0, "alpha": 1.0, "e": 1.0, "u_0": 0.3, "epsilon_F": 0.7, "E_x": 1.0, "E_y": 0.0}
    n = numeric.spin_density(rashba(), p, n_points=32, energy=0.7)
    got = np.array([at(x, p) for x in res.fermi_surface])
    assert np.abs(got - n.fermi_surface[:, 0]).max() < 1e-10 * np.abs(n.fermi_surface).max()


@pytest.mark.parametrize("E", [0.9])
def test_rashba_ferromagnet_both_bands_spin_density_against_numeric(E):
    """E_F > Delta: Edelstein, intrinsic, extrinsic, side-jump and skew spin densities vs numeric."""
    model = rashba_ferromagnet()
    res = spin_density(model, regime="both")
    p = dict(BASE, epsilon_F=E, E_x=1.0, E_y=0.0)
    n = numeric.spin_density(model, p, n_points=32, energy=E)
    for key in SPIN_KEYS:
        got = np.array([at(x, p) for x in res[key]])
        want = getattr(n, key)[:, 0]
        scale = np.abs(want).max()
        assert scale > 0 and np.abs(got - want).max() < 1e-10 * scale, key


def test_rashba_2deg_spin_hall_intrinsic_universal_and_cancelled():
    """Rashba 2DEG, both circles: the intrinsic spin-Hall response is the universal e/(8 pi) of
    Sinova et al., PRL 92, 126603 (2004) -- here <{sigma_z, v_y}/2>/E_x = e/(4 pi hbar), i.e. e/(8 pi)
    once the hbar/2 of the spin is restored -- and the extrinsic (vertex-correction) term cancels it
    exactly, as in Inoue, Bauer, Molenkamp, PRB 70, 041303 (2004)."""
    from symkin import spin_hall
    res = spin_hall(rashba(), regime="both")
    assert sp.cancel(res.intrinsic * hbar / 2 - e / (8 * sp.pi)) == 0
    assert sp.cancel(res.extrinsic + res.intrinsic) == 0
    assert sp.cancel(res.total) == 0


def test_rashba_ferromagnet_both_bands_spin_hall_against_numeric():
    """E_F > Delta: each spin-Hall contribution against the numeric chain (same operator)."""
    from symkin import spin_hall
    from symkin.observables import PAULI
    model = rashba_ferromagnet()
    res = spin_hall(model, regime="both")
    vy = model.velocity_operator()[1]
    O = (PAULI[2] * vy + vy * PAULI[2]) / 2
    p = dict(BASE, epsilon_F=1.3)
    n = numeric.response(model, p, O, n_points=32, energy=1.3)
    for key in SPIN_KEYS:
        want = getattr(n, key)[0, 0]
        got = at(res[key], p)
        assert abs(got - want) < 1e-10 * max(abs(n.intrinsic[0, 0]), 1e-300), key


def test_fermi_circles_of_the_rashba_ferromagnet():
    """E_F > Delta: k_pm^2 = [2 A E_F + alpha^2 -+ sqrt(alpha^4 + 4 A alpha^2 E_F + 4 A^2 Delta^2)]/(2 A^2),
    A = hbar^2/2m (roots of (E_F - A k^2)^2 = alpha^2 k^2 + Delta^2); the upper band has the smaller
    circle.  Their densities of states add up to the total."""
    from symkin.fermi import density_of_states, fermi_circles
    model = rashba_ferromagnet()
    circles = fermi_circles(model, "both")
    assert [c.band for c in circles] == [0, 1]
    A = hbar**2 / (2 * m)
    root = sp.sqrt(alpha**4 + 4 * A * alpha**2 * EF + 4 * A**2 * Delta**2)
    k2 = [(2 * A * EF + alpha**2 + sg * root) / (2 * A**2) for sg in (-1, 1)]
    rng = random.Random(3)
    for _ in range(3):
        p = {"hbar": rng.uniform(0.5, 2), "m": rng.uniform(0.5, 2), "alpha": rng.uniform(0.5, 2),
             "Delta": rng.uniform(0.1, 1)}
        p["epsilon_F"] = p["Delta"] * rng.uniform(1.1, 4)
        for c, want in zip(circles, k2):
            assert rel(at(c.radius**2, p), at(want, p)) < 1e-12
        dos = sum(at(c.density_of_states, p) for c in circles)
        assert rel(dos, at(density_of_states(model, "both"), p)) < 1e-12
