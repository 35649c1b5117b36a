"""The layout (issue 13): one result record for every route, one contribution registry."""
import pickle

import numpy as np
import pytest
import sympy as sp

from symkin import anomalous_hall, kubo, numeric, paper, spin_density
from symkin.contributions import CONTRIBUTIONS, canonical, label, paper_equation
from symkin.models import ti_surface
from symkin.results import BACKENDS, Result

VALUES = {"e": 1.0, "hbar": 1.0, "v_F": 1.0, "M": 0.3, "epsilon_F": 0.6, "u_0": 0.1}


@pytest.fixture(scope="module")
def hall():
    return anomalous_hall(ti_surface())


@pytest.fixture(scope="module")
def hall_numeric():
    return numeric.anomalous_hall(ti_surface(), VALUES, n_points=8)


def test_closed_form_result_pickles(hall):
    back = pickle.loads(pickle.dumps(hall))
    assert back.backend == "closed-form" and list(back.contributions) == list(hall.contributions)
    assert all(sp.cancel(back[n] - x) == 0 for n, x in hall.items())
    assert back.conditions == hall.conditions and back.sample == hall.sample and str(back.regime) == str(hall.regime)


def test_numeric_result_pickles(hall_numeric):
    back = pickle.loads(pickle.dumps(hall_numeric))
    assert back.backend == "numeric" and back.energy == hall_numeric.energy
    assert all(back[n] == x for n, x in hall_numeric.items())
    s = numeric.spin_density(ti_surface(), VALUES, n_points=8)
    back = pickle.loads(pickle.dumps(s))
    assert all(np.array_equal(back[n], x) for n, x in s.items())


def test_every_route_returns_result_with_the_same_names(hall, hall_numeric):
    k = kubo.anomalous_hall(ti_surface(), VALUES, n_theta=16)
    assert all(isinstance(r, Result) for r in (hall, hall_numeric, k))
    assert [r.backend for r in (hall, hall_numeric, k)] == list(BACKENDS)
    assert set(hall.contributions) <= set(hall_numeric.contributions)
    want = paper.ti_sigma_yx(**VALUES)  # Eqs. 74-86
    for name, x in hall_numeric.items():
        if name != "fermi_surface":
            assert abs(x - float(want[name])) < 1e-10 * abs(float(want["total"]))
    assert abs(float(k) - float(want["total"])) < 2e-4 * float(want["total"])
    for r in (hall, hall_numeric, k):  # every name is registered, with its label
        assert all(n in CONTRIBUTIONS and r.labels[n] == label(n, "sigma_yx") for n in r.contributions)


def test_former_names_warn(hall, hall_numeric):
    assert canonical("extrinsic_velocity") == "extrinsic"
    assert paper_equation("sigma_yx", "extrinsic_velocity") == paper_equation("sigma_yx", "extrinsic") == 78
    for r in (hall, hall_numeric):
        with pytest.warns(DeprecationWarning, match="now called 'extrinsic'"):
            old = r.extrinsic_velocity
        assert old is r.extrinsic
        with pytest.warns(DeprecationWarning):
            assert r["extrinsic_velocity"] is r.extrinsic
    with pytest.warns(DeprecationWarning, match="regime="):
        r = numeric.anomalous_hall(ti_surface(), VALUES, n_points=8, band="valence")
    assert r.energy == -VALUES["epsilon_F"]


def test_spin_density_routes_agree():
    s = spin_density(ti_surface())
    n = numeric.spin_density(ti_surface(), VALUES, n_points=8)
    f = s.lambdify()
    for col, (Ex, Ey) in enumerate(((1.0, 0.0), (0.0, 1.0))):
        closed = f(**VALUES, E_x=Ex, E_y=Ey)
        for name, x in n.items():
            assert np.allclose(x[:, col], closed[name], rtol=1e-10, atol=1e-12)
