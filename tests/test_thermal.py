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
