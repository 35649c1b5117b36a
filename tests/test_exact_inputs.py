"""Exact numbers before the isotropy test (issue 11 items 2, 9): a numeric white-noise strength is made
exact with a note, like floats in H; float round-off is dropped; a float unitary is recognised."""
import math

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


def test_float_round_off_dropped_and_float_unitary_recognised():
    m0 = ti_surface()
    kx, ky = m0.momenta
    H = m0.H + sp.Matrix([[0, 5.55e-17 * kx], [5.55e-17 * kx, 0]])
    m = Model(H, m0.momenta, name="residue")
    assert m.H == m0.H and any("5.55e-17 taken as 0 (round-off)" in n for n in m.notes)
    c = 1 / math.sqrt(2)  # 0.7071067811865476
    mb = m0.with_basis(sp.Matrix([[c, c], [c, -c]]))
    assert any(n.endswith("taken as sqrt(2)/2") for n in mb.notes)
    Ue = sp.Matrix([[1, 1], [1, -1]]) / sp.sqrt(2)
    assert mb.H == sp.ImmutableMatrix(sp.expand(Ue.H * m0.H * Ue))


def test_float_rotated_hamiltonian_refusal_names_the_floats():
    from symkin.errors import AnisotropicModelError
    m0 = ti_surface()
    c, s = math.cos(0.3), math.sin(0.3)
    U = sp.Matrix([[c, -s], [s, c]])
    m = Model((U.T * m0.H * U).applyfunc(sp.expand), m0.momenta, name="float-rotated")
    with pytest.raises(AnisotropicModelError, match="float coefficients.*exactly"):
        symkin.anomalous_hall(m)


def test_si_sized_floats_are_never_dropped():
    kx, ky = sp.symbols("k_x k_y", real=True)
    H = sp.Matrix([[1.05e-34 * (kx**2 + ky**2) + 3.0e5, 0], [0, -3.0e5]])
    m = Model(H, (kx, ky), name="si")
    assert m.H[0, 0].coeff(kx**2) == sp.Rational("1.05e-34")
