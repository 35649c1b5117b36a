"""A numeric white-noise strength is made exact with a note, like floats in H (issue 11 item 2)."""
import pytest
import sympy as sp

import symkin
from symkin import conventions as cv
from symkin.errors import AssumptionError
from symkin.model import Model, WhiteNoise
from symkin.models import ti_surface


def test_float_white_noise_strength_is_exact_with_a_note():
    m0 = ti_surface()
    m = Model(m0.H, m0.momenta, WhiteNoise(0.5), name="ti-half")
    assert m.disorder.u0 == sp.Rational(1, 2) and "disorder strength 0.5 taken as 1/2" in m.notes
    assert "0.5 taken as 1/2" in str(m)
    s, s0 = symkin.spin_density(m), symkin.spin_density(m0)  # Edelstein part ~ 1/u_0^2
    assert any(b.has(cv.u_0) for b in s0.total)  # so the comparison below tests the strength
    for a, b in zip(s.total, s0.total):
        assert sp.cancel(a - b.subs(cv.u_0, sp.Rational(1, 2))) == 0


@pytest.mark.parametrize("bad", [-0.3, 0, 0.0])
def test_non_positive_white_noise_strength_refused(bad):
    with pytest.raises(AssumptionError, match="positive"):
        WhiteNoise(bad)
