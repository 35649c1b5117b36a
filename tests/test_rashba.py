"""Rashba ferromagnet / Rashba 2DEG (issue 5): regimes, closed forms against the independent numeric
chain and the non-crossing Kubo-Streda calculation, and decoupled N x N models.

References: Nunner et al., PRB 76, 235312 (2007) (Rashba ferromagnet, non-crossing approximation:
sigma_xy = 0 when both subbands are occupied); Edelstein, Solid State Commun. 73, 233 (1990) (current-
induced spin polarisation of the Rashba 2DEG); Inoue, Bauer, Molenkamp, PRB 70, 041303 (2004)
(vertex corrections cancel the spin-Hall conductivity of the Rashba 2DEG).
"""
import numpy as np
import pytest
import sympy as sp

from symkin import anomalous_hall, kubo, numeric, regime_at, regimes, response
from symkin import conventions as cv
from symkin.blocks import blocks, direct_sum
from symkin.errors import RegimeError, ShapeError
from symkin.fermi import density_of_states, get_regime
from symkin.models import Delta, alpha, m, massive_dirac, rashba, rashba_ferromagnet

hbar, e, u0, EF = cv.hbar, cv.e, cv.u_0, cv.E_F
KEYS = ("intrinsic", "extrinsic", "side_jump", "skew")


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def test_regimes_of_the_rashba_ferromagnet():
    """Windows -Delta < E_F < Delta (one circle) and E_F > Delta (two circles); below -Delta the
    lower band is a Mexican hat for m alpha^2/hbar^2 > Delta (sample point), the Fermi sea an annulus
    down to the ring minimum E_min = -m alpha^2/(2 hbar^2) - hbar^2 Delta^2/(2 m alpha^2)."""
    rs = {r.name: r for r in regimes(rashba_ferromagnet())}
    assert list(rs) == ["lower-annulus", "lower", "both"]
    e_min = -m * alpha**2 / (2 * hbar**2) - hbar**2 * Delta**2 / (2 * m * alpha**2)
    assert sp.simplify(rs["lower-annulus"].lower - e_min) == 0
    assert rs["lower-annulus"].upper == -Delta and rs["lower"].lower == -Delta
    assert rs["lower"].upper == Delta and rs["both"].lower == Delta and rs["both"].upper is None
    assert rs["both"].bands == (0, 1) and rs["lower"].circles == ((1, 1),)
    assert rs["lower-annulus"].circles == ((1, 2),) and "annulus" in rs["lower-annulus"].shape
    cond = rs["lower-annulus"].condition
    assert cond.subs({m: 1, alpha: 1, hbar: 1, Delta: 0.5}) and not cond.subs({m: 1, alpha: 1, hbar: 1, Delta: 2})
    # no Mexican hat when Delta > m alpha^2 / hbar^2: the hat window is listed with its condition
    # (whatever the sample point) and never selected there
    flat = rashba_ferromagnet()
    flat = type(flat)(flat.H, flat.momenta, flat.disorder, "flat", flat.fermi_level,
                      (("hbar", 1.0), ("m", 1.0), ("alpha", 1.0), ("Delta", 2.0)))
    assert [r.name for r in regimes(flat)] == ["lower-annulus", "lower", "both"]
    base = dict(hbar=1.0, m=1.0, alpha=1.0)
    assert regime_at(flat, dict(base, Delta=2.0, epsilon_F=-1.9)).name == "lower"
    assert regime_at(flat, dict(base, Delta=0.5, epsilon_F=-0.6)).name == "lower-annulus"  # E_min = -0.625
    with pytest.raises(RegimeError):
        regime_at(flat, dict(base, Delta=2.0, epsilon_F=-2.1))  # below the band, no hat


def test_rashba_2deg_regimes_and_density_of_states():
    """Delta = 0: the bands touch at k = 0 (allowed: a band extremum); for E_F > 0 the two Fermi
    circles together have the DOS m/(pi hbar^2) of a spin-degenerate gas, independent of alpha."""
    model = rashba()
    names = [r.name for r in regimes(model)]
    assert names == ["lower-annulus", "both"]
    assert sp.simplify(get_regime(model, "lower-annulus").lower + m * alpha**2 / (2 * hbar**2)) == 0
    assert sp.simplify(density_of_states(model, "both") - m / (sp.pi * hbar**2)) == 0


def _values(model, r, frac):
    base = {"hbar": 1.0, "m": 1.0, "alpha": 1.0, "Delta": 0.5, "e": 1.0, "u_0": 0.3}
    sample = model.sample_point()
    lo = -10.0 if r.lower is None else float(r.lower.subs(sample))
    hi = lo + 4.0 if r.upper is None else float(r.upper.subs(sample))
    return dict(base, epsilon_F=lo + frac * (hi - lo))


@pytest.fixture(scope="module")
def lower_hall():
    model = rashba_ferromagnet()
    return model, anomalous_hall(model, regime="lower")


@pytest.mark.parametrize("frac", [0.2, 0.55, 0.9])
def test_rashba_ferromagnet_lower_regime_hall_against_numeric(lower_hall, frac):
    """Closed form (k_F from a quadratic in k^2, square roots kept exact) vs the NumPy Fermi-contour
    chain, every contribution, at three Fermi levels inside -Delta < E_F < Delta."""
    model, res = lower_hall
    r = get_regime(model, "lower")
    p = _values(model, r, frac)
    n = numeric.anomalous_hall(model, p, n_points=32, energy=p["epsilon_F"])
    for key in KEYS:
        val = float(sp.N(res[key].subs({s: p[s.name] for s in res[key].free_symbols})))
        assert rel(val, n[key]) < 1e-10, key
    # the extrinsic-velocity and side-jump pieces are equal, as for the TI (Eqs. 78, 82)
    assert sp.simplify(res.extrinsic - res.side_jump) == 0


def test_rashba_ferromagnet_lower_regime_total_equals_kubo(lower_hall):
    """The total equals the non-crossing Kubo-Streda result (independent, diagrammatic)."""
    model, res = lower_hall
    p = _values(model, get_regime(model, "lower"), 0.55)
    k = float(kubo.anomalous_hall(model, p, energy=p["epsilon_F"], n_theta=32))
    tot = float(sp.N(res.total.subs({s: p[s.name] for s in res.total.free_symbols})))
    assert rel(tot, k) < 1e-5


@pytest.mark.parametrize("E", [0.8, 1.5])
def test_both_bands_occupied_hall_vanishes_numeric_and_kubo(E):
    """E_F > Delta: intrinsic + extrinsic velocity + side jump + skew = 0 in the non-crossing
    approximation (Nunner et al. 2007); both the numeric chain (default skew prescription) and Kubo
    give it, and the paper's all-shells skew prescription does not (README, "Skew prescription")."""
    model = rashba_ferromagnet()
    p = {"hbar": 1.0, "m": 1.0, "alpha": 1.0, "Delta": 0.5, "e": 1.0, "u_0": 0.3, "epsilon_F": E}
    n = numeric.anomalous_hall(model, p, n_points=32, energy=E)
    assert abs(n.total) < 1e-12 * abs(n.intrinsic)
    assert abs(float(kubo.anomalous_hall(model, p, energy=E, n_theta=32))) < 1e-8 * abs(n.intrinsic)
    a = numeric.anomalous_hall(model, p, n_points=32, energy=E, skew="all-shells")
    assert abs(a.total) > 0.1 * abs(n.intrinsic)


# ---------------------------------------------------------------------- N x N: decoupled blocks
def test_blocks_are_found_in_any_basis_order():
    md = massive_dirac()
    four = direct_sum(md, massive_dirac(-Delta))
    perm = sp.Matrix(4, 4, lambda i, j: 1 if (i, j) in {(0, 0), (1, 2), (2, 1), (3, 3)} else 0)
    shuffled = four.with_basis(perm)
    assert [b.indices for b in blocks(shuffled)] == [(0, 2), (1, 3)]


def test_time_reversed_copies_cancel_and_equal_copies_add():
    """Two massive Dirac blocks: opposite masses (time-reversed partners) give sigma_yx = 0 in every
    contribution; equal masses give twice the two-band result (Eqs. 74-86 with M -> Delta)."""
    md = massive_dirac()
    two = anomalous_hall(md)
    opp = anomalous_hall(direct_sum(md, massive_dirac(-Delta)))
    same_ = anomalous_hall(direct_sum(md, md))
    for key in KEYS:
        assert sp.cancel(opp[key]) == 0, key
        assert sp.cancel(same_[key] - 2 * two[key]) == 0, key


def test_block_operators_and_irreducible_blocks_are_checked():
    md = massive_dirac()
    four = direct_sum(md, md)
    coupling = sp.zeros(4, 4)
    coupling[0, 2] = coupling[2, 0] = 1
    with pytest.raises(ShapeError, match="couples decoupled blocks"):
        response(four, coupling)
    H = sp.Matrix(four.H)
    H[1, 2] = H[2, 1] = Delta
    irreducible = type(four)(H, four.momenta)
    with pytest.raises(ShapeError, match="irreducible 4x4"):
        anomalous_hall(irreducible)


def test_layers_coupled_by_constant_hopping_split_by_symmetry():
    """Two massive Dirac layers coupled by t tau_x sigma_0: no zero pattern separates them, but tau_x
    commutes with H for every k and parameter value (symkin.blocks.symmetry_basis), so the bonding and
    antibonding combinations are decoupled blocks h +- t.  sigma_yx is then the two-band result
    (Eq. 86 with M -> Delta) at epsilon_F -+ t, added; an operator odd under layer exchange (tau_z)
    couples the blocks and is refused."""
    from symkin import Model, WhiteNoise
    from symkin.models import k_x, k_y
    t = sp.Symbol("t", positive=True)
    tx, tz = sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[1, 0], [0, -1]])
    H = sp.kronecker_product(sp.eye(2), massive_dirac().H) + t * sp.kronecker_product(tx, sp.eye(2))
    model = Model(H, (k_x, k_y), WhiteNoise(u0), name="bilayer",
                  sample=(("t", 0.3), ("Delta", 0.5), ("v", 1.0), ("hbar", 1.0)))
    assert len(blocks(model)) == 2
    eF = model.fermi_level
    from symkin import paper
    eq86 = lambda E: paper.ti_sigma_yx(M=Delta, epsilon_F=E)["total"]
    res = anomalous_hall(model, regime="conduction+conduction")
    assert sp.simplify(res.total - eq86(eF - t) - eq86(eF + t)) == 0
    with pytest.raises(ShapeError, match="couples decoupled blocks"):
        response(model, sp.kronecker_product(tz, sp.eye(2)), regime="conduction+conduction")
    # the blocks' windows intersect on both sides of E = 0 (a block's gap straddles it)
    names = [r.name for r in regimes(model)]
    assert names == ["valence+valence", "gap-negative+valence", "gap+gap", "conduction+gap",
                     "conduction+conduction"]
    r = get_regime(model, "gap-negative+valence")
    p = {"t": 0.3, "Delta": 0.5, "v": 1.0, "hbar": 1.0, "e": 1.0, "u_0": 0.3, "epsilon_F": r.sample_epsilon_F}
    got = anomalous_hall(model, regime=r).total
    n = numeric.anomalous_hall(model, p, n_points=32, energy=-r.sample_epsilon_F)
    assert rel(float(sp.N(got.subs({s_: p[s_.name] for s_ in got.free_symbols}))), n.total) < 1e-10


@pytest.fixture(scope="module")
def lower_spin():
    from symkin import spin_density
    model = rashba_ferromagnet()
    return model, spin_density(model, regime="lower")


@pytest.mark.parametrize("frac", [0.3, 0.8])
def test_rashba_ferromagnet_lower_regime_spin_density_against_numeric(lower_spin, frac):
    """<sigma> (Pauli, no hbar/2) for -Delta < E_F < Delta: Edelstein (Fermi surface), intrinsic,
    extrinsic, side-jump and skew pieces against the numeric chain, E along x."""
    model, res = lower_spin
    p = dict(_values(model, get_regime(model, "lower"), frac), E_x=1.0, E_y=0.0)
    n = numeric.spin_density(model, p, n_points=32, energy=p["epsilon_F"])
    for key in ("fermi_surface", "intrinsic", "extrinsic", "side_jump", "skew"):
        got = np.array([complex(sp.N(x.subs({s: p[s.name] for s in x.free_symbols}))) for x in res[key]])
        want = getattr(n, key)[:, 0]
        scale = np.abs(want).max()
        assert scale > 0 and np.abs(got - want).max() < 1e-10 * scale, key
