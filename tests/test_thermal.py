"""Finite temperature and anomalous Nernst on the TI surface (massive Dirac), against an
independent Sommerfeld expansion of the typed-in paper Eq. 86 and the exact convolution."""
import math

import numpy as np
import pytest
import sympy as sp

import symkin
from symkin.models import ti_surface
from symkin.thermal import T, ThermalError, k_B

e, hbar, M, eF = sp.symbols("e hbar M epsilon_F", positive=True)
x = sp.Symbol("x", real=True)


@pytest.fixture(scope="module")
def ti():
    m = ti_surface()
    return m, symkin.anomalous_hall(m)


def _eq86_intrinsic():
    # paper Eq. 86 (intrinsic part): sigma_yx^in = e^2 M / (4 pi hbar epsilon_F)
    return e**2 * M / (4 * sp.pi * hbar * eF)


def test_sommerfeld_intrinsic_eq86(ti):
    _, R = ti
    S = symkin.thermal(R, order=4)
    g = _eq86_intrinsic()
    # independent: expand int (-f') g(mu + kT x) dx with int x^2 (-f') = pi^2/3, int x^4 (-f') = 7 pi^4/15
    gx = sp.series(g.subs(eF, eF + k_B * T * x), x, 0, 5).removeO()
    mom = {0: 1, 1: 0, 2: sp.pi**2 / 3, 3: 0, 4: 7 * sp.pi**4 / 15}
    expect = sum(gx.coeff(x, n) * mom[n] for n in range(5))
    assert sp.cancel(S.intrinsic - expect) == 0
    assert "band edges" in S.approximation


def test_mott_valence_sign(ti):
    m, _ = ti
    Rv = symkin.anomalous_hall(m, "valence")
    N = symkin.nernst(Rv)
    # mu = -epsilon_F: d/dmu = -d/depsilon_F; alpha = -(pi^2 k_B^2 T / 3e) dsigma/dmu
    for name, s in Rv.contributions.items():
        expect = -(sp.pi**2 * k_B**2 * T / (3 * e)) * (-sp.diff(s, eF))
        assert sp.cancel(N[name] - expect) == 0


def test_nernst_sommerfeld_independent(ti):
    """alpha = -(1/eT) int (eps - mu)(-f') sigma(eps) with eps - mu = k_B T x: expand sigma(mu + k_B T x)
    in x by hand and use the moments int x^2 (-f') = pi^2/3, int x^4 (-f') = 7 pi^4/15 (typed here),
    for Eq. 86's total; exact comparison at random rational points (cancel of the whole is slow)."""
    m, R = ti
    from symkin import paper
    g = paper.ti_sigma_yx()["total"]
    tau = sp.Symbol("tau", positive=True)
    gx = sp.series(g.subs(eF, eF + tau * x), x, 0, 4).removeO()  # conduction band: mu = +epsilon_F
    mom = {2: sp.pi**2 / 3, 4: 7 * sp.pi**4 / 15}
    integral = sum(sp.expand(tau * x * gx).coeff(x, n) * mom[n] for n in (2, 4))
    diff = symkin.nernst(R, order=3).total - (-integral / (e * T)).subs(tau, k_B * T)
    rng = np.random.default_rng(7)
    for _ in range(3):
        pt = {s: sp.Rational(int(rng.integers(1, 40)), int(rng.integers(1, 40))) for s in diff.free_symbols}
        pt[eF] = pt.get(M, 1) + sp.Rational(int(rng.integers(1, 40)), 7)  # inside the conduction window
        assert sp.expand(diff.subs(pt)) == 0
    # the exact integral against the series: order 1 off by O(T^3), order 3 by O(T^5)
    v = dict(e=1, hbar=1, v_F=1, M=0.5, epsilon_F=1.0, u_0=0.1, k_B=1)
    m1, m3 = (symkin.nernst(R, order=o).lambdify() for o in (1, 3))
    d1, d3 = [], []
    for Tv in (0.01, 0.02):
        ex = symkin.nernst(R, T=Tv, values=v, model=m, observable=symkin.anomalous_hall)["total"]
        d1.append(abs(ex - float(m1(**v, T=Tv)["total"])))
        d3.append(abs(ex - float(m3(**v, T=Tv)["total"])))
    assert 6 < d1[1] / d1[0] < 10 and 25 < d3[1] / d3[0] < 40 and d3[0] < 1e-8


def test_convolution_matches_series_T4(ti):
    m, R = ti
    v = dict(e=1, hbar=1, v_F=1, M=0.5, epsilon_F=1.0, u_0=0.1, k_B=1)
    S2 = symkin.thermal(R, order=2).lambdify()
    err = []
    for Tv in (0.02, 0.04):
        ex = symkin.thermal(R, T=Tv, values=v, model=m, observable=symkin.anomalous_hall)
        err.append(abs(ex["total"] - float(S2(**v, T=Tv)["total"])) + abs(ex["skew"] - float(S2(**v, T=Tv)["skew"])))
    assert err[0] < 1e-5
    assert 12 < err[1] / err[0] < 22  # O(T^4): ratio 2^4


def test_activation_in_gap(ti):
    m, R = ti
    v = dict(e=1, hbar=1, v_F=1, M=0.5, u_0=0.1, k_B=1)
    plateau = 1 / (4 * math.pi)  # e^2/(4 pi hbar) sign(M) in the gap
    d = []
    Ts = (0.03, 0.04)
    for Tv in Ts:
        ex = symkin.thermal(R, T=Tv, values=v, model=m, observable=symkin.anomalous_hall, mu=0.0)
        d.append(abs(ex["intrinsic"] - plateau))
    # corrections ~ exp(-M/k_B T) times a power of T
    slope = (math.log(d[1]) - math.log(d[0])) / (1 / Ts[0] - 1 / Ts[1])
    assert 1e-12 < d[0] < d[1] and abs(slope - 0.5) < 0.1  # M - |mu| = 0.5


def test_bad_input(ti):
    m, R = ti
    with pytest.raises(ThermalError):
        symkin.thermal(R, T=0.1, values={"k_B": 1})
    with pytest.raises(ThermalError):
        symkin.thermal(R, order=-1)


# ------------------------------------------------------------------ fixed carrier density
def _dirac_mu(tau):
    # massive Dirac above the gap: rho(E) = E/(2 pi hbar^2 v^2) is linear, so the Sommerfeld series of
    # n(mu, T) = int^mu rho + (pi^2/6)(k_B T)^2 rho' stops (edges aside): mu^2 + (pi^2/3)(k_B T)^2 = E_F^2
    return sp.sqrt(eF**2 - sp.pi**2 * tau**2 / 3)


def test_chemical_potential_series_dirac(ti):
    m, _ = ti
    tau = sp.Symbol("tau", positive=True)
    expect = sp.series(_dirac_mu(tau), tau, 0, 7).removeO().subs(tau, k_B * T)
    assert sp.expand(symkin.chemical_potential(m, order=6) - expect) == 0
    # valence band, E_F = -epsilon_F: holes, mu moves up (rho'/rho = -1/epsilon_F in mu)
    mu_v = symkin.chemical_potential(m, regime="valence")
    assert sp.expand(mu_v - (-eF + sp.pi**2 * (k_B * T)**2 / (6 * eF))) == 0


def test_chemical_potential_exact_across_regimes(ti):
    m, _ = ti
    v = dict(hbar=1, v_F=1, M=0.5, epsilon_F=2.0, k_B=1)
    for Tv in (0.03, 0.05):  # band edge >= 30 k_B T away: exponential corrections < 1e-11
        mu = symkin.chemical_potential(m, T=Tv, values=v)
        assert abs(mu - math.sqrt(4 - math.pi**2 * Tv**2 / 3)) < 1e-10
    assert abs(symkin.chemical_potential(m, T=0.05, values=v, regime="valence")
               + math.sqrt(4 - math.pi**2 * 0.05**2 / 3)) < 1e-10
    # E_F in the gap of a particle-hole symmetric insulator: n is that of the filled valence band, and
    # mu(T) sits at mid-gap for every T
    assert abs(symkin.chemical_potential(m, T=0.1, values=dict(v, epsilon_F=0.2), regime="gap")) < 1e-10


def test_fixed_density_series_and_convolution(ti):
    m, R = ti
    S = symkin.thermal(R, order=4, model=m, fixed_density=True)
    assert "fixed carrier density" in S.approximation
    # independent: Sommerfeld series of Eq. 86's intrinsic part taken at the Dirac mu(T) above
    tau, mu = sp.symbols("tau mu", positive=True)
    g = _eq86_intrinsic().subs(eF, mu)
    som = g + sp.pi**2 / 6 * tau**2 * sp.diff(g, mu, 2) + 7 * sp.pi**4 / 360 * tau**4 * sp.diff(g, mu, 4)
    expect = sp.series(som.subs(mu, _dirac_mu(tau)), tau, 0, 5).removeO().subs(tau, k_B * T)
    assert sp.cancel(S.intrinsic - expect) == 0
    # exact convolution at the exact mu(T) against the order-2 fixed-density series: O(T^4)
    v = dict(e=1, hbar=1, v_F=1, M=0.5, epsilon_F=1.0, u_0=0.1, k_B=1)
    S2 = symkin.thermal(R, order=2, model=m, fixed_density=True).lambdify()
    err = []
    for Tv in (0.02, 0.04):
        ex = symkin.thermal(R, T=Tv, values=v, model=m, observable=symkin.anomalous_hall, fixed_density=True)
        assert abs(ex["mu"] - math.sqrt(1 - math.pi**2 * Tv**2 / 3)) < 1e-6  # edge terms ~ e^{-12.5}
        err.append(abs(ex["total"] - float(S2(**v, T=Tv)["total"])))
    assert err[0] < 1e-5 and 12 < err[1] / err[0] < 22


def test_fixed_density_bad_input(ti):
    m, R = ti
    with pytest.raises(ThermalError, match="model="):
        symkin.thermal(R, order=2, fixed_density=True)
    with pytest.raises(ThermalError, match="density of states"):
        symkin.chemical_potential(m, regime="gap")
    with pytest.raises(ThermalError, match="even"):
        symkin.chemical_potential(m, order=3)
