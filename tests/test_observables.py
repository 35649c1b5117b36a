r"""One prescription for every observable (paper Eqs. 53-63, 87-105) on the TI surface."""
import pytest
import sympy as sp

from symkin import anomalous_hall, errors, paper, response, spin_density, spin_hall, spin_orbit_torque
from symkin.kinetics import scattering_time
from symkin.kinetics import extrinsic_spin, extrinsic_velocity, extrinsic_vertex, kinetics
from symkin.models import M, k_x, sx, sy, sz, ti_surface, v_F
from symkin.observables import extrinsic_trace

from conftest import Ex, Ey, close_at, e, eF, hbar, same, u0

xF = M / eF
rho = eF / (2 * sp.pi * hbar**2 * v_F**2)
tau = hbar / (sp.pi * u0**2 * rho)
E = sp.Matrix([Ex, Ey, 0])
zxE = sp.Matrix([-Ey, Ex, 0])
a = (1 - xF**2) / (1 + 3 * xF**2)
REF = paper.ti_spin_density()  # Eqs. 90, 96, 99, 101, 103, 104, typed in once (symkin.paper)


def vec_same(x, y):
    return all(same(p, q) for p, q in zip(sp.Matrix(x), sp.Matrix(y)))


@pytest.fixture(scope="module")
def spin(ti):
    return spin_density(ti)


def test_eq90_edelstein(spin):
    # <s>^Edel = e tau E x z v_F rho (1-xi^2)/(1+3xi^2), E x z = -z x E
    assert vec_same(spin.fermi_surface, REF["fermi_surface"])


def test_eq96_intrinsic(spin):
    assert vec_same(spin.intrinsic, REF["intrinsic"])


def test_eq98_99_extrinsic_spin(ti, spin):
    assert vec_same(spin.extrinsic, REF["extrinsic"])
    # Eq. 98 as corrected (paper/NOTES.md): gamma = -(hbar/(tau lambda)) xi sqrt(1-xi^2) khat
    from symkin.bands import theta as th
    gamma = extrinsic_spin(ti)
    want = -(hbar / (scattering_time(ti) * eF)) * xF * sp.sqrt(1 - xF**2)
    assert close_at(gamma[0], want * sp.cos(th)) and close_at(gamma[1], want * sp.sin(th))
    assert gamma[2] == 0
    # and beta = -v_F z x gamma
    beta = extrinsic_velocity(ti)
    assert same(beta[0], v_F * gamma[1]) and same(beta[1], -v_F * gamma[0])


def test_eq101_side_jump(spin):
    assert vec_same(spin.side_jump, REF["side_jump"])


def test_eq103_skew(spin):
    assert vec_same(spin.skew, REF["skew"])


def test_eq104_total(spin):
    assert vec_same(spin.total, REF["total"])
    # Eq. 104 in its printed shape: Edelstein plus 4 e hbar v_F rho xi/eF (1 + xi^2)/(1 + 3 xi^2)^2 E
    assert vec_same(REF["total"], REF["fermi_surface"] + 4 * e * hbar * v_F * rho * M / eF**2
                    * (1 + xF**2) / (1 + 3 * xF**2) ** 2 * E)
    for name in ("intrinsic", "extrinsic", "side_jump", "skew"):
        assert u0 not in sp.Matrix(spin[name]).free_symbols


def test_eq105_torque_corrected(ti):
    t = spin_orbit_torque(ti, sp.Matrix([0, 0, 1]))
    m = sp.Matrix([0, 0, 1])
    want = paper.ti_torque(m)  # Eq. 105 as corrected (symkin.paper)
    first, second = want["field_like"], want["damping_like"]
    assert vec_same(t.field_like, first) and vec_same(t.damping_like, second)
    # the printed Eq. 105 carries an extra rho(eF) in its first term: that form does not hold
    assert not vec_same(t.field_like, first * rho)


def test_torque_accepts_tuple_and_rejects_bad_m(ti):
    t = spin_orbit_torque(ti, (0, 0, 1))
    assert vec_same(t.total, spin_orbit_torque(ti, sp.Matrix([0, 0, 1])).total)
    with pytest.raises(errors.ShapeError):
        spin_orbit_torque(ti, (0, 1))


def test_sigma_equals_e_vF_sx_term_by_term(ti, spin):
    """TI identity v = -v_F z x sigma  =>  sigma_yx = e v_F <s_x>/E_x, for every contribution."""
    s = anomalous_hall(ti)
    pairs = {"intrinsic": "intrinsic", "extrinsic": "extrinsic", "side_jump": "side_jump",
             "skew": "skew"}
    for hall, sd in pairs.items():
        assert same(s[hall], e * v_F * sp.diff(spin[sd][0], Ex)), hall
    assert same(s.total, e * v_F * sp.diff(spin.total[0], Ex).subs(u0, 1) * 0 + e * v_F * sp.diff(
        (spin.total - spin.fermi_surface)[0], Ex))


def test_velocity_case_is_beta_and_R_prime(ti):
    """For O = v: T_O is the interband Berry connection and gamma_O is beta (one mechanism)."""
    vx, vy = ti.velocity_operator()
    kin = kinetics(ti, None)
    R = kin.rs.fermi_rings()[0][0]
    for i, v in enumerate((vx, vy)):
        assert (kin.interband(v, R) - kin.connection(R)[i]).applyfunc(sp.cancel) == sp.zeros(2, 2)
        assert same(extrinsic_vertex(ti, v), extrinsic_velocity(ti)[i])
    # anomalous_hall is response(v_y) with j = -e <v>
    r = response(ti, vy)
    assert same(anomalous_hall(ti).total, -e * sp.diff(r.total[0] - r.fermi_surface[0], Ex))


def test_extrinsic_vertex_is_adjoint_of_collision_operator(ti):
    """Mutual test: sum_k n gamma_O (adjoint, Eq. 59) == sum_k Tr[T_O J(n)] (Eq. 58)."""
    for O in (sx, sy, ti.velocity_operator()[1], k_x * sz):
        assert same(response(ti, O).extrinsic[0], extrinsic_trace(ti, O)), O


def test_spin_hall_of_the_ti_vanishes(ti):
    """v = -v_F z x sigma anticommutes with sigma_z on the TI surface: the s_z spin current operator
    {sigma_z, v_y}/2 is identically zero, so is every contribution."""
    s = spin_hall(ti)
    assert all(x == 0 for _, x in s.items())


def test_bad_operators(ti):
    with pytest.raises(errors.NonHermitianError):
        response(ti, sp.Matrix([[0, 1], [0, 0]]))
    with pytest.raises(errors.ShapeError):
        response(ti, sp.eye(3))
    with pytest.raises(errors.MomentumError):
        response(ti, sp.Symbol("lam", real=True) * sx)


def test_latex_and_lambdify_of_vectors(spin):
    import numpy as np
    assert r"\langle\mathbf{s}\rangle^{\mathrm{Edel}}" in spin.latex()
    f = spin.lambdify()
    out = f(e=1.0, hbar=1.0, v_F=1.0, M=0.5, epsilon_F=np.array([1.0, 2.0]), u_0=0.2, E_x=1.0, E_y=0.0)
    assert out["total"].shape == (3, 2)
    x = 0.5 / np.array([1.0, 2.0])
    rho_ = np.array([1.0, 2.0]) / (2 * np.pi)
    np.testing.assert_allclose(out["intrinsic"][0], 0.5 * rho_ / (2 * np.array([1.0, 4.0])), rtol=1e-13)
    assert np.all(out["total"][2] == 0)


def test_spin_hall_of_a_four_band_model_is_one_shape_error():
    from symkin.blocks import direct_sum
    from symkin.models import massive_dirac
    with pytest.raises(errors.ShapeError, match="2x2 model"):
        spin_hall(direct_sum(massive_dirac(), massive_dirac()))


def test_non_elementary_fermi_sea_refused_by_name():
    """The intrinsic spin-Hall term of the cubic Rashba ferromagnet: SymPy's Fermi-sea integral is a
    2F1 expression (243 000 nodes once reduced; it used to come out nan/zoo) -- one
    UnsupportedModelError naming it, never a number; the Hall conductivity of the same model keeps
    its elementary closed form."""
    from symkin.models import cubic_rashba_ferromagnet
    m = cubic_rashba_ferromagnet()
    with pytest.raises(errors.UnsupportedModelError, match="no elementary closed form.*hyper"):
        spin_hall(m)
    assert not anomalous_hall(m).intrinsic.has(sp.hyper)
