"""Issue 11, items 2 and 8: float coefficients become exact rationals (with a note); failures are one
symkin error naming cause and remedy; no derivation runs unbounded (size limits)."""
import pytest
import sympy as sp

import symkin
from symkin import conventions as cv
from symkin.algebra import poly
from symkin.algebra.poly import fcancel
from symkin.errors import SizeLimitError, SymkinError, UnsupportedModelError, engine_entry
from symkin.model import Model, exact_numbers
from symkin.models import M, PAULI, bhz_like, k_x, k_y, ti_surface, v_F

from conftest import same


def _no_float(expr):
    return not sp.sympify(expr).atoms(sp.Float)


def test_exact_numbers_decimal_not_binary():
    m, notes = exact_numbers(sp.Matrix([[sp.Float(0.3), 0.7], [0.7, -0.3]]))
    assert m == sp.Matrix([[sp.Rational(3, 10), sp.Rational(7, 10)], [sp.Rational(7, 10), -sp.Rational(3, 10)]])
    assert notes == ("0.3 taken as 3/10", "0.7 taken as 7/10")
    exact = sp.Matrix([[M, 1], [1, -M]])
    assert exact_numbers(exact) == (exact, ())


def test_ti_float_mass_equals_rational():
    """Issue: the TI surface with mass 0.3 did not finish in 300 s; now it equals mass 3/10."""
    mf = ti_surface(mass=0.3)
    assert "0.3 taken as 3/10" in mf.notes and "0.3 taken as 3/10" in str(mf)
    rf, rq = symkin.anomalous_hall(mf), symkin.anomalous_hall(ti_surface(mass=sp.Rational(3, 10)))
    for name in ("intrinsic", "extrinsic", "side_jump", "skew", "total"):
        assert _no_float(rf[name]) and same(rf[name], rq[name])
    # and the Eq. 86 closed form typed here, at M = 3/10
    c = cv.e**2 / (2 * sp.pi * cv.hbar) * sp.Rational(3, 10) / cv.epsilon_F
    x2 = (sp.Rational(3, 10) / cv.epsilon_F) ** 2
    assert same(rf.total, 4 * c * (1 + x2) / (1 + 3 * x2) ** 2)


def test_ti_float_velocity():
    """Issue: a velocity 0.7 raised NotInvertible."""
    r = symkin.anomalous_hall(ti_surface(velocity=0.7))
    assert _no_float(r.total)
    assert same(r.total, symkin.anomalous_hall(ti_surface(velocity=sp.Rational(7, 10))).total)


@pytest.mark.slow
def test_bhz_float_D_finishes():
    """Issue: D = 0.2 in a D k^2 sigma_0 term grew past 24 GB; now it is D = 1/5, exactly."""
    r = symkin.anomalous_hall(bhz_like(D=0.2))
    assert _no_float(r.total)
    exact = symkin.anomalous_hall(bhz_like(D=sp.Rational(1, 5))).total
    assert fcancel(r.total - exact) == 0  # (sympy's expand/cancel of this closed form takes ~20 s)


def test_float_operator_made_exact():
    ti = ti_surface()
    half = symkin.response(ti, 0.5 * PAULI[2]).total
    assert _no_float(half) and same(half[0], symkin.response(ti, PAULI[2]).total[0] / 2)


@pytest.mark.parametrize("name", ["k", "Lambda", "Lambda_0", "c_0"])
def test_issue_mass_names_give_one_value(name):
    """Issue: a mass named k gave 0, Lambda nan, Lambda_0 ZeroDivisionError, c_0 a hang."""
    m = sp.Symbol(name, positive=True)
    got = symkin.anomalous_hall(ti_surface(mass=m)).total.xreplace({m: M})
    assert same(got, symkin.anomalous_hall(ti_surface()).total)


def test_size_limit_terms(monkeypatch):
    """No derivation runs unbounded: a (deliberately tiny) term limit stops it with SizeLimitError."""
    monkeypatch.setattr(poly, "MAX_TERMS", 3)
    w = sp.Symbol("w_size_test", positive=True)  # fresh model: no cached result
    with pytest.raises(SizeLimitError, match="MAX_TERMS") as info:
        symkin.anomalous_hall(ti_surface(velocity=w))
    assert "SYMKIN_MAX_TERMS" in str(info.value)


def test_size_limit_momentum_degree():
    k2 = k_x**2 + k_y**2
    H = ti_surface().H + k2**7 * sp.eye(2)
    with pytest.raises(SizeLimitError, match="MAX_K_DEGREE"):
        symkin.anomalous_hall(Model(H, (k_x, k_y)))


def test_engine_entry_translates_algebra_errors():
    from sympy.polys.polyerrors import NotInvertible

    @engine_entry
    def boom(exc):
        raise exc

    for exc in (ZeroDivisionError("x"), NotInvertible("y"), NotImplementedError("z")):
        with pytest.raises(UnsupportedModelError, match="remedy|declare|regime") as info:
            boom(exc)
        assert info.value.__cause__ is exc and isinstance(info.value, SymkinError)
    with pytest.raises(KeyError):  # a real bug stays visible, unchanged
        boom(KeyError("bug"))

    @engine_entry
    def undefined():
        return sp.nan * M

    with pytest.raises(UnsupportedModelError, match="nan"):
        undefined()
