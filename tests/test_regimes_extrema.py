"""Band extrema decided symbolically where they have a closed form, and exactly (circle counts) where
they do not (issue 11 item 3): a Mexican hat absent at the sample point is still listed with its
condition; regime_at decides at the given point, never from the case's sample point."""
import sys

import numpy as np
import pytest
import sympy as sp

import symkin
from symkin import conventions as cv
from symkin.errors import RegimeError
from symkin.extrema import BandExtremum, NCircles, NumBands
from symkin.model import Model, WhiteNoise

kx, ky = sp.symbols("k_x k_y", real=True)
v, B, Dl = sp.symbols("v B Delta", positive=True)
SX, SY, SZ = sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]), sp.diag(1, -1)


def _inverted_dirac(sample=()):
    H = cv.hbar * v * (kx * SX + ky * SY) + (Dl - B * (kx**2 + ky**2)) * SZ
    return Model(H, (kx, ky), WhiteNoise(cv.u_0), name="inverted", sample=sample)


def test_mexican_hat_absent_at_sample_point_is_listed_with_its_condition():
    # typed here: |d|^2 = (Delta - B x)^2 + hbar^2 v^2 x, x = k^2; d|d|^2/dx = 0 at
    # x* = (2 B Delta - hbar^2 v^2)/(2 B^2) > 0, where |d| = hbar v sqrt(4 B Delta - hbar^2 v^2)/(2 B)
    hv = cv.hbar * v
    e_min = hv * sp.sqrt(4 * B * Dl - hv**2) / (2 * B)
    hat = 2 * B * Dl - hv**2 > 0
    m = _inverted_dirac(sample=(("v", 1.0), ("B", 0.5), ("Delta", 0.4), ("hbar", 1.0)))  # no hat here
    rs = {r.name: r for r in symkin.regimes(m)}
    assert set(rs) == {"valence", "valence-annulus", "gap-hat", "gap", "conduction-annulus", "conduction"}
    ann = rs["conduction-annulus"]
    assert sp.simplify(ann.lower - e_min) == 0 and ann.upper == Dl and ann.circles == ((0, 2),)
    assert ann.condition == hat and rs["gap-hat"].condition == hat
    assert rs["gap"].condition == sp.Not(hat) and rs["gap"].upper == Dl
    assert rs["conduction"].condition is None and rs["valence"].condition is None
    base = dict(hbar=1.0, v=0.3, B=0.5, Delta=0.4)  # e_min = 0.3 sqrt(0.71) = 0.2528
    assert symkin.regime_at(m, dict(base, epsilon_F=0.35)).name == "conduction-annulus"
    assert symkin.regime_at(m, dict(base, epsilon_F=0.2)).name == "gap-hat"
    assert symkin.regime_at(m, dict(base, epsilon_F=-0.3)).name == "valence-annulus"
    assert symkin.regime_at(m, dict(base, v=1.0, epsilon_F=0.35)).name == "gap"


def test_numeric_band_extrema_and_circles():
    # eps = x^2 - 2x (d_0) +- 1 (|d|^2 = 1): minimum at x = 1 (energy -1 +- 1), edge at x = 0
    nb = NumBands([0.0, -2.0, 1.0], [1.0])
    assert [(round(e, 12), b, round(x, 12)) for e, b, x in nb.extrema()] == [
        (-2.0, 1, 1.0), (-1.0, 1, 0.0), (0.0, 0, 1.0), (1.0, 0, 0.0)]
    assert nb.circles(-1.5) == (0, 2) and nb.circles(-0.5) == (0, 1) and nb.circles(0.5) == (2, 1)
    assert nb.rises(0) and nb.rises(1)
    a = sp.Symbol("a", real=True)
    n = NCircles(1, sp.Float(-0.5), sp.Tuple(0, -2 * a, 1), sp.Tuple(1))
    assert n.subs(a, 1) == 1 and n.subs(a, -1) == 1  # -1: x^2 + 2x - 1 = E cuts once
    assert BandExtremum(1, 0, sp.Tuple(0, -2, 1), sp.Tuple(1)) == -2.0
    assert BandExtremum(0, 5, sp.Tuple(0, -2, 1), sp.Tuple(1)) == sp.oo
    f = sp.lambdify([a], NCircles(1, -1.5, sp.Tuple(0, -2 * a, 1), sp.Tuple(1)))
    assert list(f(np.array([1.0, -1.0]))) == [2, 0]


def test_winding_three_hat_decided_at_the_point():
    """Fuzz seed 2 (issue 11): a winding-3 model with a k-dependent mass whose band extrema solve a
    quartic in k^2; E_F = -0.1415 is a band energy at k = 0.908 (two circles of the lower band), once
    classified 'gap' from a sample point.  Now: the two-circle window, or a refusal."""
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import fuzzgen
    m, values, _ = fuzzgen.build(2)
    r = symkin.regime_at(m, values)
    assert r.circles == ((1, 2),)
    assert r.conditions.xreplace({s: sp.Float(values[s.name]) for s in r.conditions.free_symbols}) is sp.true
    # the true gap is |E| < min |d| = 0.1352 here (the k = 0 edges are at +-7/10)
    assert symkin.regime_at(m, dict(values, epsilon_F=-0.12)).circles == ()
    assert symkin.regime_at(m, dict(values, epsilon_F=0.2)).circles == ((0, 2),)


def test_check_samples_inside_a_window_absent_at_the_model_sample():
    # the model's sample point (v = 1) has no hat; check must sample where the annulus exists
    from symkin.check import sample_points
    m = _inverted_dirac(sample=(("v", 1.0), ("B", 0.5), ("Delta", 0.4), ("hbar", 1.0)))
    pts = sample_points(m, "conduction-annulus", n=3)
    for p in pts:
        hv, b, d = p["hbar"] * p["v"], p["B"], p["Delta"]
        assert 2 * b * d > hv**2  # typed: the hat exists
        assert hv * np.sqrt(4 * b * d - hv**2) / (2 * b) < p["epsilon_F"] < d
        assert symkin.regime_at(m, p).name == "conduction-annulus"


def test_case_emptiness_proved_not_searched():
    from symkin.regimes import provably_empty
    a, y = sp.Symbol("a", positive=True), sp.Symbol("y", real=True)
    assert provably_empty(sp.And(a > 2, a < 1))  # interval reasoning
    assert provably_empty(sp.And(y > 1, sp.Not(y > 1)))  # propositional
    assert not provably_empty(sp.And(y > 1, y < 2))
    assert not provably_empty(sp.And(a * y > 1, y < 0))  # empty (a > 0), but two symbols: not proved


def test_regime_at_selects_roots_at_the_point_asked_about():
    # fuzz seed 1000: the valence closed form derived at the case point (rho = 0.1 > 0, inverted)
    # took the wrong branch at rho = -0.887; regime_at now carries the point asked about
    from symkin.models import bhz_like
    vals = dict(B=0.5, Delta=0.4, v=1.0, hbar=1.0, D=-0.2, epsilon_F=1.3)
    r = symkin.regime_at(bhz_like(), vals)
    assert r.name == "conduction"
    assert {s.name: x for s, x in r.point} == {n: vals[n] for n in ("B", "D", "Delta", "hbar", "v")}
    assert r.sample_epsilon_F == 1.3
