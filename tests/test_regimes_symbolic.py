"""Regimes decided symbolically (issue 11, items 3-5): case conditions from leading coefficients,
validity on the result, NaN outside it, regime_at and sample points inside the regime."""
import numpy as np
import pytest
import sympy as sp

import symkin
from symkin.errors import RegimeError
from symkin.fermi import case_point, regimes
from symkin.models import bhz_like, rashba_ferromagnet, ti_surface

D = sp.Symbol("D", real=True)
B = sp.Symbol("B", positive=True)


def _cond(rs, name):
    return next(r for r in rs if r.name == name).condition


def _case(cond):
    """The conjuncts of a condition that are not exact circle counts (symkin.extrema.NCircles):
    bhz_like's extrema solve a quadratic in k^2, so each window also states its circle count."""
    from symkin.extrema import NCircles
    parts = [c for c in sp.And.make_args(cond) if not c.atoms(NCircles)]
    return sp.And(*parts)


def test_bhz_like_cases_from_leading_coefficients():
    # eps_pm ~ (D +- B) k^2 at large k: typed here independently of the engine
    rs = regimes(bhz_like())
    normal = sp.And(D + B > 0, D - B < 0)
    assert _case(_cond(rs, "conduction")) == normal and _case(_cond(rs, "valence")) == normal
    assert _case(_cond(rs, "both-rising")) == (D - B > 0)
    assert _case(_cond(rs, "both-falling")) == (D + B < 0)
    for r in rs:  # every regime's point lies inside its own condition and respects B > 0
        pt = dict(r.point)
        assert pt[B] > 0
        assert _case(r.condition).xreplace({s: sp.Float(v) for s, v in pt.items()}) is sp.true


def test_single_case_models_have_no_parameter_condition():
    assert all(r.condition is None for r in regimes(ti_surface()))
    rs = regimes(rashba_ferromagnet())
    assert [r.condition is None for r in rs] == [False, True, True]  # only the Mexican-hat window


def test_regime_at_picks_by_numeric_point():
    m = bhz_like()
    base = dict(B=0.5, Delta=0.4, v=1.0, hbar=1.0)
    assert symkin.regime_at(m, dict(base, D=0.1, epsilon_F=1.0)).name == "conduction"
    assert symkin.regime_at(m, dict(base, D=0.1, epsilon_F=-1.0)).name == "valence"
    assert symkin.regime_at(m, dict(base, D=0.1, epsilon_F=0.2)).name == "gap"
    assert symkin.regime_at(m, dict(base, D=0.7, epsilon_F=1.0)).name == "both-rising"
    with pytest.raises(RegimeError):
        symkin.regime_at(m, dict(base, epsilon_F=1.0))  # D missing


def test_default_refused_when_structure_depends_and_no_conduction():
    # D k^2 dominates |d| ~ v k: cases sign(D); no 'conduction' window in either
    from symkin.model import Model, WhiteNoise
    from symkin import conventions as cv
    kx, ky = sp.symbols("k_x k_y", real=True)
    v = sp.Symbol("v", positive=True)
    s0, sx, sy = sp.eye(2), sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]])
    H = D * (kx**2 + ky**2) * s0 + v * (kx * sy - ky * sx)
    m = Model(H, (kx, ky), WhiteNoise(cv.u_0), name="d-rashba", fermi_level=cv.E_F)
    rs = regimes(m)
    conds = {r.condition for r in rs}
    assert (D > 0) in conds and (D < 0) in conds
    with pytest.raises(RegimeError, match="depends on the parameters"):
        symkin.fermi.get_regime(m)


def test_negative_symbol_sampled_negative():
    from symkin.model import Model, WhiteNoise
    from symkin import conventions as cv
    kx, ky = sp.symbols("k_x k_y", real=True)
    M = sp.Symbol("M", negative=True)
    v = sp.Symbol("v", positive=True)
    H = v * (kx * sp.Matrix([[0, 1], [1, 0]]) + ky * sp.Matrix([[0, -sp.I], [sp.I, 0]])) + M * sp.diag(1, -1)
    m = Model(H, (kx, ky), WhiteNoise(cv.u_0), name="neg")
    assert m.sample_point()[M] < 0
    assert case_point(m, M < -0.5)[M] < -0.5


def test_result_carries_conditions_and_nan_outside():
    res = symkin.anomalous_hall(ti_surface())
    M, eF = sp.Symbol("M", positive=True), sp.Symbol("epsilon_F", positive=True)
    assert res.conditions == (M < eF)
    assert "valid for: M < epsilon_F" in str(res)
    f = res.lambdify()
    vals = dict(e=1, hbar=1, v_F=1, M=0.5, u_0=0.1)
    out = f(epsilon_F=np.array([0.3, 1.0]), **vals)["total"]
    assert np.isnan(out[0])
    # Eq. 86 typed here: sigma_yx = 2 M e^2 eF (M^2 + eF^2) / (pi hbar (3 M^2 + eF^2)^2)
    assert abs(out[1] - 2 * 0.5 * 1.0 * (0.25 + 1) / (np.pi * (0.75 + 1) ** 2)) < 1e-12


def test_sample_point_inside_regime():
    m = bhz_like()
    for r in regimes(m):
        pt = symkin.sample_point(m, r)
        assert symkin.regime_at(m, dict(pt, epsilon_F=r.sign * pt["epsilon_F"])).name == r.name


def test_bhz_conduction_form_not_extrapolated_to_both_rising():
    # issue 11: at D = 0.7 > B = 0.5 both bands rise; the 'conduction' closed form must not answer
    res = symkin.anomalous_hall(bhz_like())
    f = res.lambdify()
    base = dict(B=0.5, Delta=0.4, v=1.0, hbar=1.0, epsilon_F=1.0, e=1.0, u_0=0.1)
    assert all(np.isnan(float(x)) for x in f(D=0.7, **base).values())
    assert all(np.isfinite(float(x)) for x in f(D=0.1, **base).values())
