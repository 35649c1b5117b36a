"""Properties every result must have, independent of the TI's algebra: basis and gauge independence,
symmetry under M -> -M and chirality reversal, the gap, bad input."""
import pytest
import sympy as sp

from symkin import Model, WhiteNoise, anomalous_hall, errors, paper, regimes
from symkin.kinetics import Kinetics
from symkin.models import M, Delta, k_x, k_y, massive_dirac, sx, sy, sz, ti_surface, v, v_F
from symkin.observables import _extrinsic

from conftest import e, eF, hbar, same, u0

c = lambda x: e**2 / (2 * sp.pi * hbar) * x


def eq86(mass, vel=v_F):
    return paper.ti_sigma_yx(M=mass, v_F=vel)["total"]


def test_massive_dirac_equals_ti():
    s = anomalous_hall(massive_dirac())
    assert same(s.total, eq86(Delta))


def test_constant_basis_change_leaves_sigma_unchanged():
    U = sp.Matrix([[1, 1], [1, -1]]) / sp.sqrt(2)   # Hadamard: sigma_z <-> sigma_x, not a z rotation
    rot = ti_surface().with_basis(U)
    s = anomalous_hall(rot)
    assert same(s.total, eq86(M))
    assert same(s.skew, anomalous_hall(ti_surface()).skew)


def test_opposite_chirality_flips_sign():
    H = hbar * v * (k_x * sx - k_y * sy) + Delta * sz
    s = anomalous_hall(Model(H, (k_x, k_y), WhiteNoise(u0), name="anti-chiral"))
    assert same(s.total, -eq86(Delta))
    for name, x in s.contributions.items():
        assert same(x, -anomalous_hall(massive_dirac())[name]), name


def test_mass_reversal_flips_sign():
    s, s0 = anomalous_hall(ti_surface(mass=-M)), anomalous_hall(ti_surface())
    for name, x in s.items():
        assert same(x, -s0[name]), name


@pytest.mark.parametrize("mass,sign", [(M, 1), (-M, -1)])
def test_gap_is_half_quantized(mass, sign):
    s = anomalous_hall(ti_surface(mass=mass), regime="gap")
    assert same(s.total, sign * e**2 / (4 * sp.pi * hbar))
    assert s.skew == 0 and s.side_jump == 0 and s.extrinsic == 0


def test_valence_band_by_particle_hole_symmetry():
    # E_F = -epsilon_F: the TI surface is particle-hole symmetric, sigma_yx(-eF) = sigma_yx(eF)
    s, s0 = anomalous_hall(ti_surface(), "valence"), anomalous_hall(ti_surface())
    assert same(s.total, s0.total)


def test_regimes_of_the_ti():
    names = [r.name for r in regimes(ti_surface())]
    assert names == ["valence", "gap", "conduction"]
    cond = regimes(ti_surface())[-1]
    assert cond.lower == M and cond.bands == (0,)


def test_gauge_independence():
    """Multiply the eigenvectors by ring- and angle-dependent phases: nothing observable changes."""
    model = ti_surface()
    phases = [sp.Rational(3, 5) + sp.I * sp.Rational(4, 5), sp.Rational(5, 13) - sp.I * sp.Rational(12, 13)]
    gauge = lambda ring, w: sp.diag(w**2 * phases[0], w**-3 * phases[1])
    plain, twisted = Kinetics(model, None), Kinetics(model, None, gauge=gauge)
    vy = model.velocity_operator()[1]
    for kin_a, kin_b in [(plain, twisted)]:
        diag = lambda kin: (lambda R: sp.diag(*[kin.band_matrix(vy, R)[i, i] for i in range(2)]))
        for dist in ("n_side_jump", "n_skew", "n_leading"):
            a = kin_a.rs.reduce(kin_a.fermi_sum(getattr(kin_a, dist)(), diag(kin_a)))
            b = kin_b.rs.reduce(kin_b.fermi_sum(getattr(kin_b, dist)(), diag(kin_b)))
            assert same(a, b), dist
        assert same(kin_a.rs.reduce(_extrinsic(kin_a, vy)), kin_b.rs.reduce(_extrinsic(kin_b, vy)))
    # the off-diagonal S_ext itself is gauge covariant, not invariant
    assert not same(plain.rs.reduce(plain.S_ext()[0][0, 1]), twisted.rs.reduce(twisted.S_ext()[0][0, 1]))


# ------------------------------------------------------------------------------- bad input
def test_non_hermitian():
    with pytest.raises(errors.NonHermitianError):
        Model(sp.Matrix([[M, k_x], [0, -M]]), (k_x, k_y))


def test_wrong_shape_for_two_band_engine():
    H = sp.diag(M, -M, M) + k_x * sp.ones(3, 3)
    with pytest.raises(errors.ShapeError):
        anomalous_hall(Model(H, (k_x, k_y)))
    with pytest.raises(errors.ShapeError):
        Model(sp.Matrix([[M, k_x, 0], [k_x, -M, 0]]), (k_x, k_y))


def test_momenta_and_assumptions():
    q = sp.Symbol("q")  # no real assumption
    with pytest.raises(errors.AssumptionError):
        Model(hbar * v * (q * sx + k_y * sy), (q, k_y))
    a = sp.Symbol("a")  # parameter without assumption
    with pytest.raises(errors.AssumptionError):
        Model(a * sz + hbar * v * (k_x * sx + k_y * sy), (k_x, k_y))
    with pytest.raises(errors.AssumptionError):
        WhiteNoise(sp.Symbol("u"))


def test_anisotropic_model_is_refused():
    w = sp.Symbol("w", positive=True)
    H = hbar * v * (k_x * sx + k_y * sy) + (Delta + w * (k_x**2 - k_y**2)) * sz
    with pytest.raises(errors.AnisotropicModelError):
        anomalous_hall(Model(H, (k_x, k_y)))


def test_degenerate_bands_are_refused():
    """Bands that cross inside a window (no hybridisation) are refused; a touching point at a band
    extremum (massless Dirac cone, Rashba 2DEG at k = 0) is not, and no gap is listed then."""
    B = sp.Symbol("B", positive=True)
    H = hbar * v * (k_x * sx + k_y * sy)
    crossing = Model((Delta - B * (k_x**2 + k_y**2)) * sz + H * 0, (k_x, k_y))
    with pytest.raises(errors.DegeneracyError, match="cross"):
        regimes(crossing)
    assert [r.name for r in regimes(Model(H, (k_x, k_y)))] == ["valence", "conduction"]


def test_k_dependent_mass_and_particle_hole_asymmetry_against_numeric():
    """D k^2 sigma_0 + hbar v k.sigma + (Delta - B k^2) sigma_z: the closed form (k_F a root of a quartic)
    against symkin.numeric, an independent route (Fermi-contour discretisation in NumPy, no SymPy)."""
    import numpy as np

    from symkin import numeric
    from symkin.models import bhz_like
    model = bhz_like()
    f = anomalous_hall(model).lambdify()
    for D, Bv, d, ef in [(0.1, 0.5, 0.4, 1.0), (0.0, 0.5, 0.4, 0.8), (-0.15, 0.6, 0.3, 1.3)]:
        vals = {"e": 1.0, "hbar": 1.0, "v": 1.0, "Delta": d, "B": Bv, "D": D, "epsilon_F": ef, "u_0": 0.1}
        closed = f(**vals)
        ref = numeric.anomalous_hall(model, vals, n_points=64)
        for name in ("intrinsic", "extrinsic", "side_jump", "skew", "total"):
            np.testing.assert_allclose(float(closed[name]), getattr(ref, name), rtol=1e-10, err_msg=name)


def test_fermi_circle_quantities_refuse_the_gap():
    """tau, tau_tr and the extrinsic vertex live on the Fermi circle: one RegimeError in the gap."""
    from symkin.kinetics import extrinsic_velocity, scattering_time, transport_time
    for f in (scattering_time, transport_time, extrinsic_velocity):
        with pytest.raises(errors.RegimeError, match="no Fermi circle"):
            f(ti_surface(), "gap")


@pytest.mark.parametrize("regime", ["lower-annulus", "lower-negative", "lower", "both"])
def test_particle_hole_asymmetric_dirac_every_regime_against_numeric(regime):
    """A model no issue names: D k^2 sigma_0 + hbar v k.sigma + Delta sigma_z with D > 0.  The lower
    band is a Mexican hat, so its regimes are an annulus (two circles of one band, E_F < 0), a disc
    (split at E_F = 0 for the positive Fermi-level symbol) and both bands (two circles of different
    radius).  Every sigma_yx contribution against symkin.numeric."""
    from symkin import numeric
    from symkin.fermi import get_regime
    D = sp.Symbol("D", positive=True)
    H = D * (k_x**2 + k_y**2) * sp.eye(2) + hbar * v * (k_x * sx + k_y * sy) + Delta * sz
    model = Model(H, (k_x, k_y), WhiteNoise(u0), name="dirac_Dk2",
                  sample=(("D", 0.3), ("v", 1.0), ("hbar", 1.0), ("Delta", 0.4)))
    r = get_regime(model, regime)
    res = anomalous_hall(model, regime=r)
    vals = {"D": 0.3, "v": 1.0, "hbar": 1.0, "Delta": 0.4, "e": 1.0, "u_0": 0.3, "epsilon_F": r.sample_epsilon_F}
    ref = numeric.anomalous_hall(model, vals, n_points=32, energy=r.sign * r.sample_epsilon_F)
    for name in ("intrinsic", "extrinsic", "side_jump", "skew"):
        got = complex(sp.N(res[name].subs({s: vals[s.name] for s in res[name].free_symbols})))
        assert abs(got - ref[name]) < 1e-10 * abs(ref[name]), name
