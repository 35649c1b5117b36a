r"""The TI surface (paper Sec. VI A): every stage of the derivation against the paper's equations,
typed independently here.  xi = M/lambda_k, lambda_k = sqrt(hbar^2 v^2 k^2 + M^2)."""
import sympy as sp

from symkin import anomalous_hall, drude_conductivity, hall_angle, paper
from symkin.bands import bands, k, theta
from symkin.kinetics import born_product, phi, scattering_time, transport_time
from symkin.fermi import density_of_states, fermi_wavevector
from symkin.geometry import berry_connection, berry_curvature
from symkin.kinetics import (extrinsic_velocity, leading_distribution, side_jump_distribution,
                             skew_distribution)
from symkin.models import M, v_F

from conftest import Ex, Ey, close_at, e, eF, hbar, same, u0

lam = sp.sqrt(hbar**2 * v_F**2 * k**2 + M**2)
xi = M / lam
xF = M / eF
rho = eF / (2 * sp.pi * hbar**2 * v_F**2)
tau = hbar / (sp.pi * u0**2 * rho)
that = sp.Matrix([-sp.sin(theta), sp.cos(theta)])
khat = sp.Matrix([sp.cos(theta), sp.sin(theta)])
sx, sy, sz = sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]), sp.Matrix([[1, 0], [0, -1]])


def test_eq69_eigenvectors(ti):
    b = bands(ti)
    paper = sp.Matrix([[sp.exp(-sp.I * theta) * sp.sqrt(1 + xi), sp.exp(-sp.I * theta) * sp.sqrt(1 - xi)],
                       [sp.I * sp.sqrt(1 - xi), -sp.I * sp.sqrt(1 + xi)]]) / sp.sqrt(2)
    assert all(close_at(x, y) for x, y in zip(b.eigenvectors, paper))
    Hp = ti.H.xreplace({ti.momenta[0]: k * sp.cos(theta), ti.momenta[1]: k * sp.sin(theta)})
    for i, eps in enumerate((lam, -lam)):
        residual = Hp * b.eigenvectors[:, i] - eps * b.eigenvectors[:, i]
        assert all(close_at(x + 1, 1) for x in residual)
    assert same(b.energies[0] ** 2, lam**2) and same(b.xi**2, xi**2)


def test_eq70_71_92_93_connection(ti):
    R = berry_connection(ti)
    Rd = [(that[i] / (2 * k)) * (sp.eye(2) + xi * sz) for i in range(2)]
    Rod = [(hbar * v_F / (2 * lam)) * (sx * that[i] - xi * sy * khat[i]) for i in range(2)]
    for i in range(2):
        assert all(close_at(x, y) for x, y in zip(R.diagonal[i], Rd[i]))
        assert all(close_at(x, y) for x, y in zip(R.interband[i], Rod[i]))
    # Eqs. 92-93, the +- elements
    assert close_at(R.interband[0][0, 1], -(hbar * v_F / (2 * lam)) * (sp.sin(theta) - sp.I * xi * sp.cos(theta)))
    assert close_at(R.interband[1][0, 1], (hbar * v_F / (2 * lam)) * (sp.cos(theta) + sp.I * xi * sp.sin(theta)))


def test_eq73_curvature(ti):
    om_c, om_v = berry_curvature(ti)
    assert close_at(om_c, -xi * (1 - xi**2) / (2 * k**2))
    assert close_at(om_v, +xi * (1 - xi**2) / (2 * k**2))


def test_dos_and_times(ti):
    assert same(density_of_states(ti), rho)
    assert same(fermi_wavevector(ti) ** 2, (eF**2 - M**2) / (hbar * v_F) ** 2)
    assert same(scattering_time(ti), tau)
    assert same(transport_time(ti), 2 * tau / (1 + 3 * xF**2))  # Eq. 76
    # Born product on the Fermi circle: u0^2 |<u_k|u_k'>|^2 = u0^2 [1 + xi^2 + (1 - xi^2) cos phi]/2
    assert close_at(born_product(ti), u0**2 * (1 + xF**2 + (1 - xF**2) * sp.cos(phi)) / 2,
                    pts=[{**p, phi: 0.37 * i} for i, p in enumerate(__import__("conftest").points())])


def _delta_coeff(dist, band="conduction"):
    (key,) = [kk for kk in dist if kk.startswith(band)]
    return dist[key]


def test_eq29_76_leading_distribution(ti):
    # n^(-1) = -e tau_tr E.v delta(eps - eF), delta(eps - eF) = delta(k - kF)/(hbar v sqrt(1-xi^2))
    n1 = _delta_coeff(leading_distribution(ti))
    tau_tr = 2 * tau / (1 + 3 * xF**2)
    vF = v_F * sp.sqrt(1 - xF**2)
    expected = -e * tau_tr * vF * (Ex * sp.cos(theta) + Ey * sp.sin(theta)) / (hbar * vF)
    assert close_at(n1, expected)


def test_eq77_extrinsic_velocity(ti):
    beta = extrinsic_velocity(ti)
    lamF = eF
    expected = (1 / tau) * (hbar * v_F / lamF) * xF * sp.sqrt(1 - xF**2) * that
    assert all(close_at(x, y) for x, y in zip(beta, expected))


def test_eq81_side_jump_distribution(ti):
    nsj = _delta_coeff(side_jump_distribution(ti))
    Ethat = -Ex * sp.sin(theta) + Ey * sp.cos(theta)
    per_energy = 2 * (hbar * v_F / eF) * xF * sp.sqrt(1 - xF**2) / (1 + 3 * xF**2) * e * Ethat
    assert close_at(nsj, per_energy / (hbar * v_F * sp.sqrt(1 - xF**2)))


def test_eq84_skew_distribution_on_both_shells(ti):
    """Eq. 84 with the printed (all-shells) prescription; the default Fermi-shell prescription puts
    twice the conduction part on the Fermi circle instead (same observables, README)."""
    dist = skew_distribution(ti, skew="all-shells")
    Ethat = -Ex * sp.sin(theta) + Ey * sp.cos(theta)
    per_energy = sp.Rational(3, 2) * (hbar * v_F / eF) * xF * (1 - xF**2) ** sp.Rational(3, 2) \
        / (1 + 3 * xF**2) ** 2 * e * Ethat
    nc, nv = _delta_coeff(dist, "conduction"), _delta_coeff(dist, "valence")
    assert close_at(nc, per_energy / (hbar * v_F * sp.sqrt(1 - xF**2)))
    assert same(nv, -nc)  # the sigma_z of Eq. 84: the valence shell carries the opposite distribution
    fs = skew_distribution(ti)
    assert list(fs) == [k for k in dist if k.startswith("conduction")]
    assert same(_delta_coeff(fs, "conduction"), 2 * nc)


def test_sigma_yx_eqs_74_78_82_85_86(ti):
    s = anomalous_hall(ti)
    want = paper.ti_sigma_yx()  # Eqs. 74, 78, 82, 85, 86, typed in once (symkin.paper)
    for name in ("intrinsic", "extrinsic", "side_jump", "skew", "total"):
        assert same(s[name], want[name]), name
    assert same(s.extra["fermi_surface"], 0)  # n^(-1) carries no Hall current (isotropic)
    for name, x in s.items():
        assert u0 not in x.free_symbols, name  # disorder independent at this order


def test_drude_and_hall_angle(ti):
    sxx = drude_conductivity(ti)
    tau_tr = 2 * tau / (1 + 3 * xF**2)
    vF2 = v_F**2 * (1 - xF**2)
    assert same(sxx, e**2 * rho * vF2 * tau_tr / 2)   # Einstein relation e^2 rho D, D = v^2 tau_tr/2
    assert same(hall_angle(ti), anomalous_hall(ti).total / sxx)


def test_latex_and_lambdify(ti):
    import numpy as np
    s = anomalous_hall(ti)
    tex = s.latex()
    assert r"\sigma_{yx}^{\mathrm{sk}}" in tex and tex.count("&=") == 5
    f = s.lambdify()
    xs = np.linspace(1.1, 5, 7)
    out = f(e=1.0, hbar=1.0, v_F=1.0, M=1.0, epsilon_F=xs, u_0=0.3)
    x = 1 / xs
    np.testing.assert_allclose(out["total"], 4 / (2 * np.pi) * x * (1 + x**2) / (1 + 3 * x**2) ** 2, rtol=1e-13)
    assert "non-crossing" in s.approximation and "non-crossing" in str(s)
