"""sigma_yx and the spin density across every Fermi-level regime (issue 12 item 5): a Piecewise over
the regimes of symkin.regimes.regimes in the real Fermi energy E_F, each piece under its regime's
conditions, lambdified with NaN where no regime holds."""
import pickle

import numpy as np
import pytest
import sympy as sp

from symkin import anomalous_hall, spin_density
from symkin.across import AcrossRegimes
from symkin.models import rashba_ferromagnet, ti_surface

TI_POINT = {"M": 0.7, "v_F": 1.3, "hbar": 0.9, "e": 1.1, "u_0": 0.4}


@pytest.fixture(scope="module")
def ti_all():
    return anomalous_hall(ti_surface(), regime="all")


def test_ti_contributions_are_piecewise_in_the_real_fermi_energy(ti_all):
    assert isinstance(ti_all, AcrossRegimes)
    E = ti_all.extra["E_F"]
    assert E.name == "E_F" and E.is_real and not E.is_positive
    assert set(ti_all.extra["regimes"]) == {"valence", "gap", "gap-negative", "conduction"}
    for _, x in ti_all.items():
        assert isinstance(x, sp.Piecewise) and x.free_symbols >= {E}
    back = pickle.loads(pickle.dumps(ti_all))   # worker processes
    assert isinstance(back, AcrossRegimes) and back.total == ti_all.total


def test_ti_intrinsic_in_every_regime_equals_the_paper(ti_all):
    """Eq. 74: sigma_int = e^2/(4 pi hbar) in the gap, e^2 M/(4 pi hbar |E_F|) in either band."""
    f = ti_all.lambdify()
    rng = np.random.default_rng(12)
    p = TI_POINT
    for E in np.concatenate([rng.uniform(-4, -p["M"], 4), rng.uniform(-p["M"], p["M"], 4), rng.uniform(p["M"], 4, 4)]):
        got = f(E_F=E, **p)["intrinsic"]
        pre = p["e"] ** 2 / (4 * np.pi * p["hbar"])
        want = pre if abs(E) < p["M"] else pre * p["M"] / abs(E)
        assert abs(got - want) < 1e-12 * abs(want)


def test_ti_pieces_are_the_per_regime_results(ti_all):
    """The value at E_F is the regime's Result at epsilon_F = |E_F| (E_F = -epsilon_F below zero)."""
    f = ti_all.lambdify()
    E = np.array([-2.3, -1.1, -0.3, 0.4, 0.9, 2.7])
    got = f(E_F=E, **TI_POINT)
    model = ti_surface()
    for i, x in enumerate(E):
        name = ("conduction" if x > 0 else "valence") if abs(x) > TI_POINT["M"] else ("gap" if x > 0 else "gap-negative")
        one = ti_all.extra["regimes"][name].lambdify()(epsilon_F=abs(x), **TI_POINT)
        for n in ("intrinsic", "extrinsic", "side_jump", "skew", "total"):
            assert abs(got[n][i] - one[n]) <= 1e-12 * max(1.0, abs(one[n])), (n, x)


def test_spin_density_across_regimes_is_a_column_of_piecewise():
    s = spin_density(ti_surface(), regime="all")
    f = s.lambdify()
    E = np.array([-1.5, 0.2, 1.5])
    out = f(E_F=E, E_x=1.0, E_y=0.3, **TI_POINT)
    assert out["total"].shape == (3, 3)
    for i, x in enumerate(E):
        name = "gap" if abs(x) < TI_POINT["M"] else ("conduction" if x > 0 else "valence")
        one = s.extra["regimes"][name].lambdify()(epsilon_F=abs(x), E_x=1.0, E_y=0.3, **TI_POINT)
        assert np.allclose(out["total"][:, i], np.ravel(one["total"]), rtol=1e-12, atol=0)


def test_parameter_conditions_stay_in_the_pieces_and_nan_where_no_regime_holds():
    """Rashba ferromagnet: the annulus regime needs the Mexican hat (alpha^2 m/hbar^2 > Delta); below
    the band bottom no regime holds."""
    r = anomalous_hall(rashba_ferromagnet(), regime="all")
    conds = [a.cond for a in r.total.args]
    assert any({s.name for s in c.free_symbols} >= {"alpha", "m", "Delta", "hbar", "epsilon_F"} for c in conds)
    f = r.lambdify()
    base = {"alpha": 1.0, "m": 1.0, "hbar": 1.0, "e": 1.0, "u_0": 0.5}
    hat = f(epsilon_F=np.array([-0.6, -0.55, -2.0, 0.1]), Delta=0.5, **base)["total"]   # bottom -0.625
    assert np.all(np.isfinite(hat[:2])) and np.isnan(hat[2]) and np.isfinite(hat[3])
    # no hat (Delta = 2 > alpha^2 m / hbar^2): the band bottom is -Delta, the annulus window is empty
    nohat = f(epsilon_F=np.array([-2.2, -1.5]), Delta=2.0, **base)["total"]
    assert np.isnan(nohat[0]) and np.isfinite(nohat[1])


def test_a_failing_regime_raises_or_is_left_out_and_named():
    from symkin.across import across_regimes
    from symkin.errors import SizeLimitError

    def fake(model, regime):
        if regime.name == "gap":
            raise SizeLimitError("too large (test)")
        return anomalous_hall(model, regime=regime)
    with pytest.raises(SizeLimitError):
        across_regimes(fake, ti_surface())
    r = across_regimes(fake, ti_surface(), skip_failed=True)
    assert list(r.extra["unavailable"]) == ["gap"] and "gap" not in r.extra["regimes"]
    tot = r.lambdify()(E_F=np.array([-0.3, 0.3, 1.5]), **TI_POINT)["total"]
    assert np.isfinite(tot[0]) and np.isnan(tot[1]) and np.isfinite(tot[2])


def test_lambdify_vector_of_constants_over_points():
    """A vector result with constant components (the TI spin density in the gap, Eq. 96's Fermi-sea
    term only) evaluates to components x points, NaN only at the points outside the gap."""
    s = spin_density(ti_surface(), regime="gap")
    ef = np.array([0.1, 0.2, 0.5, 0.9])
    out = s.lambdify()(e=1.0, hbar=1.0, v_F=1.0, M=0.6, epsilon_F=ef, u_0=0.1, E_x=1.0, E_y=0.0)
    tot = out["total"]
    assert tot.shape == (3, 4)
    want = 1 / (4 * np.pi)  # e E_x/(4 pi hbar v_F), Eq. 96 in the gap
    assert np.allclose(tot[0, :3], want, rtol=1e-12) and np.allclose(tot[1:, :3], 0)
    assert np.isnan(tot[:, 3]).all()
