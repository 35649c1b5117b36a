"""SI evaluation: a TI example in SI against the symbolic Eq. 86 value; dimension errors."""
import math

import pytest
import scipy.constants as C

import symkin
from symkin.errors import SymkinError
from symkin.models import ti_surface
from symkin.units import UnitError, in_e2_h, parse


@pytest.fixture(scope="module")
def R():
    return symkin.anomalous_hall(ti_surface())


def test_ti_si_roundtrip(R):
    out = R.evaluate(v_F="5e5 m/s", M="30 meV", epsilon_F="50 meV", u_0="0.1 eV nm")
    M, eF = 30e-3 * C.e, 50e-3 * C.e
    expect = C.e**2 * M / (4 * math.pi * C.hbar * eF)  # Eq. 86 intrinsic, in S
    assert abs(out["intrinsic"] / expect - 1) < 1e-12
    # in e^2/h: M / (2 eF)
    assert abs(in_e2_h(out["intrinsic"]) - 30 / 100) < 1e-12


def test_parse():
    assert abs(parse("0.1 eV nm")[0] - 0.1 * C.e * 1e-9) < 1e-40
    assert abs(parse("2 m^2/s")[0] - 2) < 1e-15
    assert parse(3.0) == (3.0, None)


def test_dimension_errors(R):
    with pytest.raises(UnitError):
        R.evaluate(v_F="5e5 m", M="30 meV", epsilon_F="50 meV")
    with pytest.raises(SymkinError):
        R.evaluate(v_F="5e5 m/s", M="30 furlong", epsilon_F="50 meV")
    with pytest.raises(UnitError):
        R.evaluate(v_F="5e5 m/s", M="30 meV")
