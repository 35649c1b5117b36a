"""Kinetic = diagrammatic for pair skew scattering (issue 14): the crossed X and Psi collision terms of
:mod:`symkin.crossed_numeric` (antisymmetric rates, Boltzmann solve) against the crossed Kubo-Streda
diagrams of :mod:`symkin.kubo_crossed` (ladder-dressed vertices, finite-disorder inner block,
extrapolated to weak disorder), in units e^2/h.

Typed expectation: Ado, Dmitriev, Ostrovsky, Titov, EPL 111, 37004 (2015), massive Dirac,
sigma^X = -(e^2/h) 4 xi (1 - xi^2)/(1 + 3 xi^2)^2, sigma^Psi = 0 (sigma_yx = j_y/E_x, M > 0).
"""
import math

import pytest
import sympy as sp

from symkin.crossed_numeric import crossed_hall_numeric
from symkin.errors import AnisotropicModelError, ShapeError
from symkin.kubo_crossed import crossed_hall_kubo
from symkin.model import Model, WhiteNoise
from symkin.models import massive_dirac, rashba_ferromagnet

TOL = 1e-5          # in e^2/h
E2H = 2 * math.pi   # sigma(e = hbar = 1) -> units of e^2/h


def _compare(model, E, values, **kw):
    kin = crossed_hall_numeric(model, E, values)
    kubo = crossed_hall_kubo(model, E, values, **kw)
    for name in ("X", "Psi"):
        a, b = E2H * kin["crossed_" + name], E2H * getattr(kubo, "crossed_" + name)
        assert abs(a - b) < TOL, (name, a, b)
    return kin, kubo


def test_massive_dirac_kubo_equals_ado():
    Delta, v, E = 0.4, 1.3, 1.0
    _, kubo = _compare(massive_dirac(), E, {"Delta": Delta, "v": v, "hbar": 1.0})
    xi = Delta / E
    assert abs(E2H * kubo.crossed_X + 4 * xi * (1 - xi**2) / (1 + 3 * xi**2) ** 2) < TOL
    assert abs(E2H * kubo.crossed_Psi) < TOL


@pytest.mark.slow
@pytest.mark.parametrize("E, n_circles, kw", [
    (0.2, 1, dict(etas=(0.004, 0.002, 0.001), n_psi=12, n_gl=8)),   # 'lower': weaker disorder needed
    (1.0, 2, dict(etas=(0.016, 0.008, 0.004), n_psi=4, n_gl=6)),    # 'both'
])
def test_rashba_ferromagnet_kinetic_equals_kubo(E, n_circles, kw):
    """'lower' (one circle) and 'both' (two circles of different group velocity); X and Psi are
    separately large and of opposite sign, both agree."""
    kin, kubo = _compare(rashba_ferromagnet(), E, {"hbar": 1.0, "m": 1.0, "alpha": 1.0, "Delta": 0.5}, **kw)
    assert len(kin["circles"]) == n_circles
    assert kubo.crossed_X > 0 > kubo.crossed_Psi


def test_bad_input():
    with pytest.raises(ShapeError):
        crossed_hall_kubo(massive_dirac(), 1.0, {"Delta": 0.4, "v": 1.0}, etas=(0.01, 0.02))
    kx, ky = sp.symbols("k_x k_y", real=True)
    aniso = Model(sp.Matrix([[kx**2, ky], [ky, -kx**2]]), (kx, ky), WhiteNoise(sp.Symbol("u_0", positive=True)))
    with pytest.raises(AnisotropicModelError):
        crossed_hall_kubo(aniso, 1.0, {})
