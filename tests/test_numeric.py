"""Numeric back-end (symkin.numeric): closed forms of paper Section VI, convergence, gauge and basis
independence, and a dense pair-by-pair reference implementation of the Born collision operator."""
import math

import numpy as np
import pytest
import sympy as sp

import symkin.numeric as numeric
from symkin import Model, paper
from symkin import conventions as cv
from symkin.errors import MomentumError, RegimeError, ShapeError
from symkin.models import bhz_like, k_x, k_y, massive_dirac, s0, sz, ti_surface

lam = sp.Symbol("lambda", real=True)
w_tilt = sp.Symbol("w", real=True)


def warped_ti():
    ti = ti_surface()
    return Model(ti.H + lam * (k_x**3 - 3 * k_x * k_y**2) * sz, ti.momenta, ti.disorder, name="warped")


def tilted_dirac():
    md = massive_dirac()
    return Model(md.H + cv.hbar * w_tilt * k_x * s0, md.momenta, md.disorder, name="tilted")


def ti_values(xi, **kw):
    p = {"e": 1.0, "hbar": 1.0, "v_F": 1.0, "M": 0.3, "epsilon_F": 0.3 / xi, "u_0": 0.1}
    p.update(kw)
    return p


def hall_closed_form(p, M="M"):
    """Paper Eqs. 74, 78, 82, 85, 86 (symkin.paper): sigma_yx of the TI surface / massive Dirac model."""
    ref = paper.ti_sigma_yx(e=p["e"], hbar=p["hbar"], M=p[M], epsilon_F=p["epsilon_F"])
    return {name: float(x) for name, x in ref.items()}


def spin_closed_form(p):
    """Paper Eq. 104 and its pieces (Eqs. 90, 96, 99, 101, 103; symkin.paper), Pauli spin, as (3, 2)
    arrays (rows s_x, s_y, s_z; columns E_x, E_y)."""
    kw = dict(e=p["e"], hbar=p["hbar"], v_F=p["v_F"], M=p["M"], epsilon_F=p["epsilon_F"], u_0=p["u_0"])
    cols = [paper.ti_spin_density(**kw, E_x=1, E_y=0), paper.ti_spin_density(**kw, E_x=0, E_y=1)]
    arr = {name: np.array([[float(c[name][i]) for c in cols] for i in range(3)]) for name in cols[0]}
    total = arr.pop("total")
    return arr, total


def rel(a, b):
    return abs(a - b) / abs(b)


# ---------------------------------------------------------------- closed forms (isotropic)
@pytest.mark.parametrize("xi", [0.2, 0.5, 0.8])
def test_ti_hall_all_contributions(xi):
    p = ti_values(xi)
    r = numeric.anomalous_hall(ti_surface(), p, n_points=64)
    for key, want in hall_closed_form(p).items():
        assert rel(r[key], want) < 1e-8, key
    assert abs(r.fermi_surface) < 1e-12
    # the skew is carried half by the E_F shell and half by the valence shell at -E_F: the two
    # prescriptions agree for this particle-hole symmetric model
    a = numeric.anomalous_hall(ti_surface(), p, n_points=64, skew="all-shells")
    d = a.diagnostics
    assert rel(a.skew, r.skew) < 1e-8
    assert rel(d["skew_fermi_shell"], r.skew / 2) < 1e-8
    assert rel(d["skew_other_shells"], r.skew / 2) < 1e-8


def test_ti_hall_acceptance_resolution_and_units():
    """n_points=400 as in the acceptance check, and units/charges that are not 1."""
    p = ti_values(0.37, e=1.7, hbar=0.6, v_F=1.9, M=0.45, epsilon_F=0.45 / 0.37)
    r = numeric.anomalous_hall(ti_surface(), p, n_points=400)
    for key, want in hall_closed_form(p).items():
        assert rel(r[key], want) < 1e-8, key


def test_massive_dirac_total():
    p = {"e": 1.2, "hbar": 0.8, "v": 1.3, "Delta": 0.35, "epsilon_F": 0.9, "u_0": 0.3}
    r = numeric.anomalous_hall(massive_dirac(), p, n_points=32)
    want = hall_closed_form(p, M="Delta")
    assert rel(r.total, want["total"]) < 1e-8
    assert rel(r.skew, want["skew"]) < 1e-8


def test_ti_spin_density_eq104():
    p = ti_values(0.5, e=1.3, hbar=0.7, v_F=1.1, u_0=0.2)
    r = numeric.spin_density(ti_surface(), p, n_points=48)
    parts, total = spin_closed_form(p)
    scale = np.abs(parts["intrinsic"]).max()
    for key, want in parts.items():
        assert np.abs(r[key] - want).max() < 1e-8 * max(np.abs(want).max(), scale), key
    assert np.abs(r.total - total).max() < 1e-8 * np.abs(total).max()
    # sigma_yx = e v_F <s_x> term by term (paper, below Eq. 105)
    h = numeric.anomalous_hall(ti_surface(), p, n_points=48)
    assert rel(p["e"] * p["v_F"] * (r.total[0, 0]), h.total) < 1e-10


def test_response_general_operator_list_and_shapes():
    m = ti_surface()
    vx, vy = m.velocity_operator()
    r = numeric.response(m, ti_values(0.5), [vx, vy, sp.eye(2)], n_points=32)
    for key in ("fermi_surface", "intrinsic", "extrinsic", "side_jump", "skew", "total"):
        assert np.asarray(r[key]).shape == (3, 2)
    # the density does not respond to a uniform field (the constant mode is fixed this way)
    assert np.abs(r.total[2]).max() < 1e-12
    # sigma_xx = -e <v_x>/E_x > 0 (Drude), sigma_yx = -sigma_xy (isotropic)
    assert -r.fermi_surface[0, 0] > 0
    assert abs(r.total[1, 0] + r.total[0, 1]) < 1e-12 * abs(r.total[1, 0])
    single = numeric.response(m, ti_values(0.5), vy, n_points=32)
    assert np.allclose(single.total, r.total[1:2], rtol=1e-12, atol=0)


# ---------------------------------------------------------------- convergence, gauge, basis
def test_convergence_in_n_points_anisotropic():
    """Exponential convergence of the contour (trapezoid) rule for a strongly warped TI; the
    Fermi-sea term (narrow angular features at large k) converges algebraically."""
    m, p = warped_ti(), ti_values(0.5, **{"lambda": 2.0})
    ref = numeric.anomalous_hall(m, p, n_points=256)
    errs = {}
    for n in (48, 96):
        r = numeric.anomalous_hall(m, p, n_points=n)
        errs[n] = max(abs(r[k] - ref[k]) for k in ("extrinsic", "side_jump", "skew"))
    assert errs[96] < 1e-7 * abs(ref.total)
    assert errs[96] < 1e-2 * errs[48]  # far faster than any power law of the grid ratio 2
    r96 = numeric.anomalous_hall(m, p, n_points=96)
    # occupied-projector sea integral (pieces between all Fermi radii): 4.9e-4 at 96 rays (1.05e-4
    # with the radial nodes of the first, unrefined pass: an angular error either way), 5e-11 between
    # 256 and 512 rays
    assert abs(r96.intrinsic - ref.intrinsic) < 1e-3 * abs(ref.intrinsic)


def test_convergence_in_n_points_isotropic():
    p = ti_values(0.3)
    want = hall_closed_form(p)["total"]
    for n in (8, 64):
        assert rel(numeric.anomalous_hall(ti_surface(), p, n_points=n).total, want) < 1e-10


@pytest.mark.parametrize("model,p", [
    (ti_surface(), ti_values(0.4)),
    (warped_ti(), ti_values(0.5, **{"lambda": 0.5})),
    (bhz_like(), {"e": 1.0, "hbar": 1.0, "v": 1.0, "D": 0.2, "B": 0.5, "Delta": 0.3, "epsilon_F": 1.0,
                  "u_0": 0.1}),
])
def test_gauge_independence(model, p):
    """Random eigenvector phases at every k point change nothing."""
    ref = numeric.spin_density(model, p, n_points=48)
    for seed in (1, 2):
        r = numeric.spin_density(model, p, n_points=48, gauge_seed=seed)
        for key in ("fermi_surface", "intrinsic", "extrinsic", "side_jump", "skew"):
            scale = np.abs(ref.total).max()
            assert np.abs(r[key] - ref[key]).max() < 1e-12 * scale, key


def test_basis_independence():
    """H -> U^dag H U with a constant unitary U: sigma_yx unchanged."""
    m = ti_surface()
    U = sp.Matrix([[1, sp.I], [sp.I, 1]]) / sp.sqrt(2)
    p = ti_values(0.6)
    a = numeric.anomalous_hall(m, p, n_points=32)
    b = numeric.anomalous_hall(m.with_basis(U), p, n_points=32)
    for key in ("intrinsic", "extrinsic", "side_jump", "skew"):
        assert rel(b[key], a[key]) < 1e-10


def test_valence_band_particle_hole_map():
    """E_F = -epsilon_F: for the TI (H -> -sigma_x H* sigma_x maps k -> -k bands) sigma_yx is even
    under the particle-hole map; compared against Kubo in test_kubo.py."""
    p = ti_values(0.5)
    c = numeric.anomalous_hall(ti_surface(), p, n_points=32)
    v = numeric.anomalous_hall(ti_surface(), p, n_points=32, regime="valence")
    assert v.energy == -p["epsilon_F"]
    for key in ("intrinsic", "extrinsic", "side_jump", "skew"):
        assert rel(v[key], c[key]) < 1e-10


def test_limits_of_warping_and_tilt():
    p = ti_values(0.5, **{"lambda": 0.0})
    r = numeric.anomalous_hall(warped_ti(), p, n_points=32)
    for key, want in hall_closed_form(p).items():
        assert rel(r[key], want) < 1e-8, key
    q = {"e": 1.0, "hbar": 1.0, "v": 1.0, "Delta": 0.3, "epsilon_F": 0.6, "u_0": 0.1, "w": 0.0}
    r = numeric.anomalous_hall(tilted_dirac(), q, n_points=32)
    assert rel(r.total, hall_closed_form(q, M="Delta")["total"]) < 1e-8


def test_tilt_off_shell_skew_chebyshev_convergence():
    """Tilted Dirac: the valence-band skew shells form a continuum of energies (Chebyshev in energy)."""
    q = {"e": 1.0, "hbar": 1.0, "v": 1.0, "Delta": 0.3, "epsilon_F": 0.6, "u_0": 0.1, "w": 0.4}
    a = numeric.anomalous_hall(tilted_dirac(), q, n_points=64, n_cheb=16, skew="all-shells")
    b = numeric.anomalous_hall(tilted_dirac(), q, n_points=64, n_cheb=32, skew="all-shells")
    assert isinstance(a.diagnostics["skew_shells"][0], tuple)  # a range of energies
    assert abs(a.skew - b.skew) < 1e-10 * abs(b.skew)
    assert abs(a.fermi_surface) < 1e-12  # mirror y -> -y: no Drude Hall


# ---------------------------------------------------------------- dense pair-by-pair reference
def _dense_chain(cm, E, n, Ofs):
    """The brief's Born collision operator written literally with (n x n) pair arrays, for a
    particle-hole symmetric single-contour two-band model (valence shell at -E on the same k
    points).  Returns fermi_surface, extrinsic, side_jump, skew as (n_o, 2) arrays."""
    sh = numeric.fermi_shell(cm, E, n)
    assert set(sh.band.tolist()) == {1}
    K = np.pi * cm.u0**2 / cm.hbar
    U, w, e = sh.U, sh.w, sh.e
    O = np.einsum("iab,jac->ijbc", U.conj(), U)  # O[i, j] = U_i^dag U_j (band basis)
    A = 2 * K * np.abs(O[:, :, 1, 1]) ** 2  # conduction-conduction kernel
    Av = 2 * K * np.abs(O[:, :, 0, 0]) ** 2  # valence-valence kernel on the -E shell

    def solve(Amat, rhs):
        rhs = rhs - (w @ rhs) / w.sum()  # as symkin.numeric.solve_shell (zero up to discretisation)
        L = np.diag(Amat @ w) - Amat * w[None, :]
        L = np.vstack([L, w[None, :]])
        rhs = np.vstack([rhs, np.zeros((1, rhs.shape[1]))])
        return np.linalg.lstsq(L, rhs, rcond=None)[0]

    dHb = np.einsum("iba,mibc,icd->miad", U.conj(), sh.dH, U)
    vel = dHb[:, :, 1, 1].real / cm.hbar  # (2, n)
    g = solve(A, -cm.e * vel.T)  # n^(-1)
    Ob = np.stack([np.einsum("iba,ibc,icd->iad", U.conj(), f(sh.kx, sh.ky), U) for f in Ofs])
    fs = np.einsum("i,oi,im->om", w, Ob[:, :, 1, 1].real, g)
    # J(n)^{01}_i (a = valence, s = conduction): K sum_j w_j O^{0c}_{ij} O^{c1}_{ji} (g_i - g_j), c = 1
    X = K * np.einsum("j,ij,ji,ijm->mi", w, O[:, :, 0, 1], O[:, :, 1, 1],
                      g[:, None, :] - g[None, :, :])
    S01 = 1j * cm.hbar * X / (e[:, 0] - e[:, 1])  # S^{-+}
    S10 = S01.conj()
    ext = 2 * np.einsum("i,oi,mi->om", w, Ob[:, :, 1, 0], S01).real
    # side jump: J_E_i = -2K e sum_j w_j Re{[R'_i O_ij - O_ij R'_j]^{11} conj(O_ij^{11})}
    de = e[:, None, :] - e[:, :, None]
    de[:, [0, 1], [0, 1]] = np.inf
    Rp = 1j * dHb / de[None]
    RO = np.einsum("miab,ijbc->mijac", Rp, O) - np.einsum("ijab,mjbc->mijac", O, Rp)
    JE = -2 * K * cm.e * np.einsum("j,mij,ij->mi", w, RO[:, :, :, 1, 1], O[:, :, 1, 1].conj()).real
    gsj = solve(A, -JE.T)
    sj = np.einsum("i,oi,im->om", w, Ob[:, :, 1, 1].real, gsj)
    # skew: J(S)^{mm} literally (terms T1..T4), conduction (+E) and valence (-E) shells
    # O^{++}_ij, O^{--}_ij, O^{+-}_ij, O^{-+}_ij
    Oc, Ov, Ocv, Ovc = O[:, :, 1, 1], O[:, :, 0, 0], O[:, :, 1, 0], O[:, :, 0, 1]
    # m = conduction at k_i (shell +E, intermediate c = conduction)
    OjiC_V = np.transpose(O[:, :, 1, 0])  # O^{+-}_{ji}
    OjiV_C = np.transpose(O[:, :, 0, 1])  # O^{-+}_{ji}
    Jc = (K * np.einsum("j,ij,ij,mi->mi", w, Oc, OjiC_V, S01)            # T1: O^{++}_ij O^{+-}_ji S^{-+}_i
          + K * np.einsum("j,mi,ij,ij->mi", w, S10, Ovc, Oc.T)            # T4: S^{+-}_i O^{-+}_ij O^{++}_ji
          - K * np.einsum("j,ij,mj,ij->mi", w, Oc, S10, OjiV_C)           # T2: O^{++}_ij S^{+-}_j O^{-+}_ji
          - K * np.einsum("j,ij,mj,ij->mi", w, Ocv, S01, Oc.T))           # T3: O^{+-}_ij S^{-+}_j O^{++}_ji
    Jv = (K * np.einsum("j,ij,ij,mi->mi", w, Ov, OjiV_C, S10)            # T1: O^{--}_ij O^{-+}_ji S^{+-}_i
          + K * np.einsum("j,mi,ij,ij->mi", w, S01, Ocv, Ov.T)            # T4: S^{-+}_i O^{+-}_ij O^{--}_ji
          - K * np.einsum("j,ij,mj,ij->mi", w, Ov, S01, OjiC_V)           # T2: O^{--}_ij S^{-+}_j O^{+-}_ji
          - K * np.einsum("j,ij,mj,ij->mi", w, Ovc, S10, Ov.T))           # T3: O^{-+}_ij S^{+-}_j O^{--}_ji
    assert np.abs(Jc.imag).max() < 1e-12 * np.abs(Jc).max()
    nc = solve(A, -Jc.real.T)
    nv = solve(Av, -Jv.real.T)
    skew = (np.einsum("i,oi,im->om", w, Ob[:, :, 1, 1].real, nc)
            + np.einsum("i,oi,im->om", w, Ob[:, :, 0, 0].real, nv))
    return fs, ext, sj, skew, np.abs(w @ Jv.real.T).max() / np.abs(Jv).max()


@pytest.mark.parametrize("model,p", [
    (ti_surface(), ti_values(0.45)),
    (warped_ti(), ti_values(0.5, **{"lambda": 1.0})),
])
def test_against_dense_pairwise_collision_operator(model, p):
    n = 40
    cm = numeric.CompiledModel(model, p)
    Ol = list(numeric.pauli()) + [model.velocity_operator()[1]]
    Ofs = [cm.operator(o) for o in Ol]
    fs, ext, sj, skew, valence_mean = _dense_chain(cm, cm.eF, n, Ofs)
    r = numeric.response(model, p, Ol, n_points=n)
    scale = np.abs(r.skew).max()
    for got, want in ((r.fermi_surface, fs), (r.extrinsic, ext), (r.side_jump, sj), (r.skew, skew)):
        assert np.abs(got - want).max() < 1e-10 * max(np.abs(want).max(), scale)
    assert valence_mean < 1e-10  # J_sk conserves the particle number on the valence shell


def test_low_rank_solver_matches_dense():
    cm = numeric.CompiledModel(warped_ti(), ti_values(0.5, **{"lambda": 1.0}))
    sh = numeric.fermi_shell(cm, cm.eF, 50)
    K = 0.7
    rng = np.random.default_rng(0)
    rhs = rng.normal(size=(sh.n, 3))
    rhs -= (sh.w @ rhs) / sh.w.sum()
    g, rho, mean = numeric.solve_shell(sh, rhs, K)
    A = 2 * K * np.abs(np.einsum("ia,ja->ij", sh.V.conj(), sh.V)) ** 2
    L = np.diag(A @ sh.w) - A * sh.w[None, :]
    assert np.abs(L @ g - rhs).max() < 1e-10 * np.abs(rhs).max()
    assert np.abs(sh.w @ g).max() < 1e-12 * np.abs(g).max()
    assert np.abs(mean).max() < 1e-12


# ---------------------------------------------------------------- contours and errors
def test_bhz_single_conduction_circle():
    p = {"e": 1.0, "hbar": 1.0, "v": 1.0, "D": 0.2, "B": 0.5, "Delta": 0.3, "epsilon_F": 1.0, "u_0": 0.1}
    cm = numeric.CompiledModel(bhz_like(), p)
    sh = numeric.fermi_shell(cm, 1.0, 16)
    assert sh.n == 16 and set(sh.band.tolist()) == {1}
    assert np.ptp(sh.r) < 1e-12
    kF = sh.r[0]
    e_plus = 0.2 * kF**2 + math.sqrt(kF**2 + (0.3 - 0.5 * kF**2) ** 2)
    assert abs(e_plus - 1.0) < 1e-13
    # density of states: sum_i w_i = k_F/(2 pi |de/dk|)
    dk = 1e-6
    f = lambda k: 0.2 * k**2 + math.sqrt(k**2 + (0.3 - 0.5 * k**2) ** 2)  # noqa: E731
    slope = (f(kF + dk) - f(kF - dk)) / (2 * dk)
    assert rel(sh.w.sum(), kF / (2 * math.pi * slope)) < 1e-8


def test_errors():
    m = ti_surface()
    with pytest.raises(RegimeError):
        numeric.anomalous_hall(m, ti_values(0.5, epsilon_F=0.1), n_points=8)  # E_F in the gap
    with pytest.raises(MomentumError):
        numeric.anomalous_hall(m, {"e": 1, "hbar": 1, "M": 0.3, "epsilon_F": 1, "u_0": 0.1})
    with pytest.raises(ShapeError):
        numeric.response(m, ti_values(0.5), sp.eye(3), n_points=8)
    with pytest.raises(RegimeError):
        numeric.anomalous_hall(m, ti_values(0.5), regime="middle")


def test_matrix_compilation_polynomial_and_lambdify_paths():
    kx, ky = k_x, k_y
    poly = sp.Matrix([[kx**2 - 3 * ky, 2 * kx * ky - sp.I * ky**3], [2 * kx * ky + sp.I * ky**3, 0.5]])
    nonpoly = sp.Matrix([[sp.sqrt(1 + kx**2), sp.exp(-ky**2)], [sp.exp(-ky**2), sp.cos(kx * ky)]])
    x, y = np.array([0.3, -1.2]), np.array([0.7, 0.4])
    f, g = numeric.MatFun(poly, kx, ky), numeric.MatFun(nonpoly, kx, ky)
    assert f.terms is not None and g.terms is None
    for F, M in ((f, poly), (g, nonpoly)):
        for k in (None, kx, ky):
            Fk = F if k is None else F.diff(k)
            Mk = M if k is None else M.diff(k)
            want = np.array([[[complex(v.subs({kx: a, ky: b})) for v in row] for row in Mk.tolist()]
                             for a, b in zip(x, y)])
            assert np.allclose(Fk(x, y), want, rtol=1e-13, atol=1e-13)


# ---------------------------------------------------------------- N x N: band crossings in the sea
def _nz_disk_hall(e, hb, nz_kF, nz_inf):
    """Fermi-sea sigma_yx of an isotropic winding-1 two-band block with the lower band full and the
    upper band filled to k_F: (e^2/4 pi hbar) [n_z(k_F) - n_z(oo)] (Berry curvature of d/|d|)."""
    return e**2 / (4 * math.pi * hb) * (nz_kF - nz_inf)


def _bisect(f, a, b):
    for _ in range(200):
        c = 0.5 * (a + b)
        a, b = (c, b) if (f(a) > 0) == (f(c) > 0) else (a, c)
    return 0.5 * (a + b)


def _dirac_bhz_4x4():
    from symkin.blocks import direct_sum
    return direct_sum(massive_dirac(sp.Symbol("Delta_d", positive=True)), bhz_like())


@pytest.mark.parametrize("EF", [1.0, 0.45])
def test_fermi_sea_dirac_plus_bhz_bands_crossing_in_the_sea(EF):
    """Massive Dirac (gap 0.6) + BHZ block (gap 0.3): the BHZ valence band crosses the Dirac valence
    band inside the Fermi sea.  Energy-ordered per-band curvature is discontinuous there; the
    occupied-projector integral must give the sum of the two blocks' closed forms."""
    p = {"e": 1.0, "hbar": 1.0, "v": 1.0, "Delta_d": 0.6, "Delta": 0.3, "B": 0.5, "D": 0.1,
         "epsilon_F": EF, "u_0": 0.1}
    r = numeric.anomalous_hall(_dirac_bhz_4x4(), p, n_points=32, energy=EF)
    e, hb, v = 1.0, 1.0, 1.0
    Dd, Db, B, D = 0.6, 0.3, 0.5, 0.1
    # Dirac block: lower band full, upper filled to E_F if E_F > Dd (n_z(k_F) = Dd/E_F)
    want = _nz_disk_hall(e, hb, Dd / EF if EF > Dd else 1.0, 0.0)
    # BHZ block: upper band D k^2 + |d| = E_F
    dn = lambda k: math.hypot(v * k, Db - B * k * k)  # noqa: E731
    kF = _bisect(lambda k: D * k * k + dn(k) - EF, 0.0, 10.0)
    want += _nz_disk_hall(e, hb, (Db - B * kF**2) / dn(kF), -1.0)
    assert abs(r.intrinsic - want) < 1e-8 * abs(want)


@pytest.mark.parametrize("t,EF", [(0.8, 1.5), (1.1, 0.2)])
def test_fermi_sea_bilayer_coupled_beyond_the_gap(t, EF):
    """Two massive Dirac layers coupled by t tau_x, t > Delta: the blocks h -+ t cross at E = 0
    inside the sea.  Closed form: sum over blocks of the Dirac Fermi-sea term at E_F +- t."""
    tt = sp.Symbol("t", positive=True)
    tx = sp.Matrix([[0, 1], [1, 0]])
    H = sp.kronecker_product(sp.eye(2), massive_dirac().H) + tt * sp.kronecker_product(tx, sp.eye(2))
    model = Model(H, (k_x, k_y), massive_dirac().disorder, name="bilayer")
    Dl = 0.5
    p = {"e": 1.0, "hbar": 1.0, "v": 1.0, "Delta": Dl, "t": t, "epsilon_F": EF, "u_0": 0.1}
    r = numeric.anomalous_hall(model, p, n_points=32, energy=EF)

    def block(E):  # Dirac block with local Fermi energy E (E in the gap: lower band full)
        return _nz_disk_hall(1.0, 1.0, Dl / abs(E) if abs(E) > Dl else 1.0, 0.0)

    want = block(EF + t) + block(EF - t)
    assert abs(r.intrinsic - want) < 1e-8 * abs(want)


@pytest.mark.parametrize("delta", [1e-6, 1e-9])
def test_shell_finds_the_two_circles_just_past_a_band_extremum(delta):
    # upper band (k^2 - 1)^2 + 1 has its minimum 1 on the ring k = 1; at E = 1 + delta the two
    # circles k^2 = 1 -+ sqrt(delta) lie inside one cell of the radial scan grid (ratio 1.06), where
    # no sign change shows them (fuzz seeds 1024, 1137, 1165 lay 2e-6 .. 3e-4 from an extremum)
    k2 = k_x**2 + k_y**2
    m = Model(sp.ImmutableMatrix((k2 - 1) ** 2 * s0 + sz), (k_x, k_y), fermi_level=cv.E_F)
    cm = numeric.compile_model(m, {"hbar": 1.0, "e": 1.0, "u_0": 0.1, "epsilon_F": 1 + delta})
    sh = numeric.fermi_shell(cm, 1 + delta, 16)
    radii = np.sort(np.sqrt([1 - math.sqrt(delta), 1 + math.sqrt(delta)]))
    upper = sh.band == 1  # (the lower band (k^2 - 1)^2 - 1 has its one circle at k^2 = 1 + sqrt(2 + delta))
    assert upper.sum() == 32 and np.allclose(sh.r[~upper], math.sqrt(1 + math.sqrt(2 + delta)), rtol=1e-13)
    # a root this close to a double root is conditioned like eps/sqrt(delta) (1e-12 relative at 1e-9)
    assert np.allclose(np.sort(sh.r[upper]), np.repeat(radii, 16), rtol=1e-11, atol=0)
    # and nothing is added where the extremum stays on its side of E (E just below the band minimum)
    assert set(numeric.fermi_shell(cm, 1 - delta, 16).band) == {0}
