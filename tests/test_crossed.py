"""Pair skew scattering (crossed X and Psi diagrams) as a kinetic term (issue 14, BEYOND_NCA.md §1).

Expectations typed here: Ado, Dmitriev, Ostrovsky, Titov, EPL 111, 37004 (2015), in this project's
sigma_yx = j_y/E_x convention with M > 0 and e^2/h = e^2/(2 pi hbar):
sigma^X = -(e^2/h) 4 xi (1 - xi^2)/(1 + 3 xi^2)^2, sigma^Psi = 0, NCA + X + Psi = (e^2/h) 8 xi^3/(1 + 3 xi^2)^2.
"""
import pytest
import sympy as sp

from symkin import conventions as cv
from symkin import crossed
from symkin.errors import CrossedUnavailableError
from symkin.kinetics import kinetics
from symkin.models import Delta, M, bhz_like, massive_dirac, ti_surface, v, v_F
from symkin.observables import anomalous_hall, response, spin_density, spin_orbit_torque

e, hbar, eF = cv.e, cv.hbar, cv.epsilon_F
e2h = e**2 / (2 * sp.pi * hbar)


def ado(mass):
    xi = mass / eF
    return {"crossed_X": -e2h * 4 * xi * (1 - xi**2) / (1 + 3 * xi**2)**2,
            "crossed_Psi": sp.S.Zero,
            "total": e2h * 8 * xi**3 / (1 + 3 * xi**2)**2}


@pytest.mark.parametrize("make, mass", [(ti_surface, M), (massive_dirac, Delta)])
def test_dirac_closed_forms(make, mass):
    s = anomalous_hall(make(), crossed=True)
    exp = ado(mass)
    for name in ("crossed_X", "crossed_Psi", "total"):
        assert sp.cancel(s[name] - exp[name]) == 0, name
    assert s.approximation.startswith("NCA + crossed (X, Psi)")
    # the NCA pieces are untouched by the option
    g = anomalous_hall(make())
    for name in g.contributions:
        assert sp.cancel(s[name] - g[name]) == 0
    assert "crossed_X" not in g.contributions


def test_x_rate_is_tan_half_angle():
    """w^{X,A}(psi) = -(u0^4/(hbar v)^2) (M/(2 eps)) tan(psi/2), w^{Psi,A} = 0 (typed here)."""
    kin = kinetics(ti_surface())
    wX, wPsi = crossed.rates(kin)
    t = [s for s in wX.free_symbols if s.name == "t"][0]
    tan_half = sp.I * (1 - t**2) / (1 + t**2)  # tan(alpha) with t = e^{i alpha}, alpha = psi/2
    expect = -cv.u_0**4 / (hbar * v_F)**2 * M / (2 * eF) * tan_half
    assert sp.cancel(kin.rs.reduce(wX) - expect) == 0
    assert kin.rs.reduce(wPsi) == 0


def test_mass_sign_and_band_edge():
    s, sm = anomalous_hall(ti_surface(), crossed=True), anomalous_hall(ti_surface(mass=-M), crossed=True)
    assert sp.cancel(s.crossed_X + sm.crossed_X) == 0
    assert sp.cancel(s.total + sm.total) == 0
    assert sp.limit(s.crossed_X, eF, M) == 0
    assert sp.cancel(sp.limit(s.total, eF, M) - e2h / 2) == 0


def test_ti_spin_density_crossed_part_consistent():
    """TI surface: v_y = -v_F sigma_x, so sigma_yx = e v_F d<s_x>/dE_x for every term."""
    ti = ti_surface()
    sig = anomalous_hall(ti, crossed=True)
    sd = spin_density(ti, crossed=True)
    for name in ("crossed_X", "crossed_Psi"):
        assert sp.cancel(sig[name] - e * v_F * sp.diff(sd[name][0], cv.E_x)) == 0
    r = response(ti, ti.velocity_operator()[1], crossed=True)
    assert sp.cancel(-e * sp.diff(r.crossed_X[0], cv.E_x) - sig.crossed_X) == 0
    tq = spin_orbit_torque(ti, crossed=True)
    assert "crossed" in tq.approximation


def test_unavailable_models_raise_one_error():
    with pytest.raises(CrossedUnavailableError, match="linear in p\\^2"):
        anomalous_hall(bhz_like(), crossed=True)


@pytest.mark.parametrize("make, mname, vname", [(ti_surface, "M", "v_F"), (massive_dirac, "Delta", "v")])
@pytest.mark.parametrize("mass, E", [(0.4, 1.0), (-0.7, 1.3)])
def test_numeric_rates_equal_dirac_closed_form(make, mname, vname, mass, E):
    """The numeric back-end (general PV machinery, no Dirac special case) against Ado 2015."""
    from symkin.crossed_numeric import crossed_hall_numeric
    model = make(mass=sp.Symbol(mname, positive=True) * (1 if mass > 0 else -1))
    r = crossed_hall_numeric(model, E, {mname: abs(mass), vname: 1.3, "hbar": 1.0})
    xi = mass / E
    expect_X = -4 * xi * (1 - xi**2) / (1 + 3 * xi**2)**2 / (2 * float(sp.pi))  # units of e^2, hbar = 1
    assert abs(r["crossed_X"] - expect_X) < 1e-8 * abs(expect_X)
    assert abs(r["crossed_Psi"]) < 1e-9


def test_numeric_response_crossed_option():
    """numeric.response(crossed=True): massive Dirac gives Ado's X and NCA + X + Psi = 8 xi^3/(1+3xi^2)^2;
    spin density carries the crossed part consistently (TI: sigma_yx = e v_F <s_x>, term by term)."""
    from symkin import numeric as nm
    Mv, vF, E = 0.4, 1.3, 1.0
    vals = {"M": Mv, "v_F": vF, "hbar": 1.0, "e": 1.0, "u_0": 0.7, "epsilon_F": E}
    ti = ti_surface()
    h = nm.anomalous_hall(ti, vals, n_points=128, crossed=True)
    xi, e2h = Mv / E, 1 / (2 * float(sp.pi))
    assert abs(h["crossed_X"] + e2h * 4 * xi * (1 - xi**2) / (1 + 3 * xi**2) ** 2) < 1e-9
    assert abs(h["crossed_Psi"]) < 1e-9
    assert abs(h.total - e2h * 8 * xi**3 / (1 + 3 * xi**2) ** 2) < 1e-7
    s = nm.spin_density(ti, vals, n_points=128, crossed=True)
    assert abs(vF * s["crossed_X"][0, 0] - h["crossed_X"]) < 1e-12
    assert "crossed_X" not in nm.anomalous_hall(ti, vals, n_points=128).contributions


def test_rashba_ferromagnet_closed_form_names_numeric_route():
    from symkin.models import rashba_ferromagnet
    with pytest.raises(CrossedUnavailableError, match="crossed=True"):
        anomalous_hall(rashba_ferromagnet(), crossed=True)
