"""Third-order (non-Gaussian) skew scattering of point impurities (issue 14, BEYOND_NCA.md §2).

Expectations are typed independently here: the massive-Dirac result by a 1D angular derivation
(golden-rule rates from the two-band projectors, one Fermi circle, tau_tr and tau_perp), Sinitsyn et
al. PRB 75, 045315 (2007) converted to sigma_yx, zero for the Rashba ferromagnet with both bands
occupied, and the scaling with a second (Gaussian) source.
"""
import sympy as sp
import pytest

from symkin import conventions as cv
from symkin.disorder import DisorderSum, PointImpurities, third_moment
from symkin.errors import AssumptionError
from symkin.kinetics import kinetics
from symkin.model import Model, WhiteNoise
from symkin.models import Delta, M, massive_dirac, rashba_ferromagnet, ti_surface, v, v_F
from symkin.observables import anomalous_hall, drude_conductivity, spin_density
from symkin import skew3

e, hbar, eF = cv.e, cv.hbar, cv.epsilon_F
imp = PointImpurities()
n_i, V_0, V_1 = imp.n_i, imp.V_0, imp.V_1


def with_disorder(model, dis):
    return Model(model.H, model.momenta, dis, name=model.name + "+imp", fermi_level=model.fermi_level,
                 sample=model.sample)


def dirac_by_hand():
    r"""sigma_yx^{sk3} of H = hbar v k.sigma + Delta sigma_z, derived with 1D angular integrals.

    d(theta) = (a cos, a sin, b), a = hbar v k_F/eps_F, b = Delta/eps_F;
    1/tau_tr = (2pi/hbar) n_i V_0^2 rho <(1 + d.d0)/2 (1 - cos psi)>,
    w(psi) = 2pi n_i V_1^3 rho <d(psi).(d(chi) x d(0))/4>_chi,
    1/tau_perp = (2pi/hbar) rho <w(psi) sin psi>, and (J0[n3] = -J3[n1], j = -e sum v n)
    sigma_yx = e^2 k_F v_g tau_tr^2/(4 pi hbar tau_perp), rho = k_F/(2 pi hbar v_g).
    """
    psi, chi = sp.symbols("psi chi", real=True)
    kF = sp.sqrt(eF**2 - Delta**2) / (hbar * v)
    a, b = hbar * v * kF / eF, Delta / eF
    d = lambda t: sp.Matrix([a * sp.cos(t), a * sp.sin(t), b])
    vg = hbar * v**2 * kF / eF
    rho = kF / (2 * sp.pi * hbar * vg)
    avg = lambda f, x: sp.integrate(sp.expand(f), (x, 0, 2 * sp.pi)) / (2 * sp.pi)
    inv_tr = 2 * sp.pi / hbar * n_i * V_0**2 * rho * avg((1 + d(psi).dot(d(0))) / 2 * (1 - sp.cos(psi)), psi)
    w = 2 * sp.pi * n_i * V_1**3 * rho * avg(d(psi).dot(d(chi).cross(d(0))) / 4, chi)
    inv_perp = 2 * sp.pi / hbar * rho * avg(sp.expand_trig(w * sp.sin(psi)), psi)
    return e**2 * kF * vg / (4 * sp.pi * hbar) * inv_perp / inv_tr**2


def test_massive_dirac_equals_hand_derivation_and_sinitsyn():
    s = anomalous_hall(with_disorder(massive_dirac(), imp))
    got = s.skew_third_order
    assert sp.cancel(got - dirac_by_hand()) == 0
    # Sinitsyn et al. 2007 (their H = v k.sigma + Delta sigma_z, sigma_xy = -sigma_yx):
    # sigma_xy^sk = -(e^2/2 pi hbar) V_1^3/(n_i V_0^4) (v k_F)^4 Delta/(4 Delta^2 + (v k_F)^2)^2
    vk2 = eF**2 - Delta**2  # (hbar v k_F)^2
    sin_xy = -e**2 / (2 * sp.pi * hbar) * V_1**3 / (n_i * V_0**4) * vk2**2 * Delta / (4 * Delta**2 + vk2)**2
    assert sp.cancel(got + sin_xy) == 0
    assert "third-order" in s.approximation


def test_mass_sign_and_ti_surface_spin_locking():
    ti, ti_m = with_disorder(ti_surface(), imp), with_disorder(ti_surface(mass=-M), imp)
    s, sm = anomalous_hall(ti), anomalous_hall(ti_m)
    assert s.skew_third_order != 0
    assert sp.cancel(s.skew_third_order + sm.skew_third_order) == 0
    # TI surface: v_y = -v_F sigma_x, j_y = -e<v_y> => sigma_yx = e v_F d<s_x>/dE_x, term by term
    sx = spin_density(ti).skew_third_order[0]
    assert sp.cancel(s.skew_third_order - e * v_F * sp.diff(sx, cv.E_x)) == 0
    # the Gaussian-order pieces do not see the third moment
    g = anomalous_hall(ti_surface())
    for name in ("intrinsic", "extrinsic", "side_jump", "skew"):
        assert sp.cancel(s[name] - g[name]) == 0
    assert "skew_third_order" not in g.contributions


def test_rashba_ferromagnet_both_bands_zero_lower_band_not():
    rf = with_disorder(rashba_ferromagnet(), imp)
    kin = kinetics(rf, "both")
    rings = kin.rs.fermi_rings()
    assert len(rings) == 2
    # the rate itself vanishes: it is linear in the intermediate projector, whose angular average
    # weighted by the shell measures sum_c s_c rho_c Delta/|d_c| cancels between the two circles
    for R, a in rings:
        for R2, b in rings:
            assert skew3.rate(kin, R, a, R2, b) == 0
    assert anomalous_hall(rf, "both").skew_third_order == 0
    low = anomalous_hall(rf, "lower").skew_third_order
    assert low != 0 and low.has(V_1)


def test_two_sources_scaling():
    md = massive_dirac()
    u0 = cv.u_0
    both = with_disorder(md, DisorderSum((imp, WhiteNoise(u0))))
    only = with_disorder(md, imp)
    sb, so = anomalous_hall(both), anomalous_hall(only)
    for name in ("intrinsic", "extrinsic", "side_jump", "skew"):
        assert sp.cancel(sb[name] - so[name]) == 0
    ratio = n_i * V_0**2 / (n_i * V_0**2 + u0**2)
    assert sp.cancel(sb.skew_third_order - ratio**2 * so.skew_third_order) == 0
    # the leading (Drude) term sees the total Gaussian strength
    assert sp.cancel(drude_conductivity(both) - ratio * drude_conductivity(only)) == 0


def test_disorder_objects():
    assert sp.expand(imp.u0**2 - n_i * V_0**2) == 0
    assert third_moment(WhiteNoise()) == 0 and third_moment(imp) == n_i * V_1**3
    s = DisorderSum((imp, DisorderSum((WhiteNoise(),))))
    assert len(s.sources) == 2 and sp.expand(s.strength - n_i * V_0**2 - cv.u_0**2) == 0
    with pytest.raises(AssumptionError, match="V_1"):
        PointImpurities(V_1=sp.Symbol("V_1"))
    with pytest.raises(AssumptionError, match="positive"):
        PointImpurities(n_i=sp.Symbol("n"))
    with pytest.raises(AssumptionError, match="disorder source"):
        DisorderSum((1,))
    # H may not contain a disorder symbol
    from symkin.errors import MomentumError
    md = massive_dirac()
    with pytest.raises(MomentumError):
        Model(md.H + V_0 * sp.eye(2), md.momenta, imp)
