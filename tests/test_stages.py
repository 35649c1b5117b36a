"""Stage-level closed forms in the Fermi-surface variables (issue 12): ``compact=True`` of the stage
functions (rho, tau, tau_tr, n^(-1), n^sj, n^sk, beta, gamma) writes them in k_F, m_F, Lambda_F with
:func:`symkin.kinetics.fermi_definitions`; numerically equal to the default explicit forms (the radii
found by the numeric root of their relation, an independent route from the closed radicals), and
for the TI (shell-parametrised) the very same expressions (Eqs. 74-86 as printed)."""
import random

import pytest
import sympy as sp

import symkin
from symkin import fermi
from symkin import kinetics as kn
from symkin.algebra.fsvars import FermiSymbol, evaluator, total_diff
from symkin.bands import theta
from symkin.models import bhz_like, ti_surface
from symkin.regimes import get_regime
from symkin.thermal import ThermalError

STAGES = (fermi.density_of_states, kn.scattering_time, kn.transport_time, kn.leading_distribution,
          kn.side_jump_distribution, kn.skew_distribution, kn.extrinsic_velocity, kn.extrinsic_spin)


def _flat(x):
    """(labels, expressions) of a stage value: a dict of distributions, a Matrix or an expression."""
    if isinstance(x, dict):
        return [lab.split(" at ")[0] for lab in x], [y for v in x.values() for y in _flat(v)[1]]
    if isinstance(x, sp.MatrixBase):
        return [], list(x)
    return [], [x]


def _fs(x):
    return {s for s in sp.sympify(x).free_symbols if isinstance(s, FermiSymbol)}


def _at(expr, vals):
    rep = {s: (vals["theta"] if s == theta else vals[s.name]) for s in sp.sympify(expr).free_symbols}
    return complex(sp.N(sp.sympify(expr).xreplace(rep), 30))


def _bhz_points(n=4, seed=1212):
    """Parameter points of the bhz_like conduction regime (B > |D|, one circle: the relation's root on
    the branch is finite), with generic e, hbar, v."""
    rng = random.Random(seed)
    f = evaluator(list(kn.fermi_definitions(bhz_like()).values()))
    out = []
    while len(out) < n:
        B = rng.uniform(0.3, 0.9)
        v = {"e": rng.uniform(0.5, 1.5), "hbar": rng.uniform(0.6, 1.4), "v": rng.uniform(0.6, 1.4),
             "B": B, "D": rng.uniform(-0.6, 0.6) * B, "Delta": rng.uniform(0.1, 0.6), "u_0": rng.uniform(0.1, 1),
             "E_x": rng.uniform(-1, 1), "E_y": rng.uniform(-1, 1), "theta": rng.uniform(0, 6.28)}
        v["epsilon_F"] = v["Delta"] + rng.uniform(0.2, 1.0)
        full = f(v)
        if all(abs(complex(full[s.name])) < 1e300 and full[s.name] == full[s.name]
               for s in kn.fermi_definitions(bhz_like())):
            out.append(full)
    return out


@pytest.mark.parametrize("stage", STAGES, ids=lambda f: f.__name__)
def test_bhz_like_compact_stage_forms_equal_the_explicit_ones(stage):
    m = bhz_like()
    defs = kn.fermi_definitions(m)
    lab_c, compact = _flat(stage(m, compact=True))
    lab_x, explicit = _flat(stage(m))
    assert lab_c == lab_x and len(compact) == len(explicit)
    assert set().union(*map(_fs, compact)) <= set(defs) and any(_fs(c) for c in compact)
    assert not any(_fs(x) for x in explicit)                    # the default stays explicit (public API)
    assert all(len(str(c)) <= 800 for c in compact)             # (explicit: up to 92 000 characters)
    for vals in _bhz_points():
        for c, x in zip(compact, explicit):
            a, b = _at(c, vals), _at(x, vals)
            assert abs(a - b) <= 1e-10 * max(abs(b), 1e-12), (stage.__name__, a, b)


@pytest.mark.parametrize("stage", STAGES, ids=lambda f: f.__name__)
def test_ti_compact_stage_forms_are_the_paper_forms(stage):
    """Shell-parametrised (Dirac cone): compact = explicit, no variable, the forms Eqs. 74-86 test."""
    ti = ti_surface()
    assert stage(ti, compact=True) == stage(ti)
    assert not any(_fs(x) for x in _flat(stage(ti, compact=True))[1])
    assert not kn.fermi_definitions(ti) or all(d.symbol.name.endswith("_F") for d in kn.fermi_definitions(ti).values())


def test_fixed_density_uses_the_explicit_density_of_states(monkeypatch):
    """mu(T) differentiates rho in epsilon_F: rho in k_F differentiated as it stands misses
    dk_F/depsilon_F (total_diff has it), so symkin.thermal asks for the explicit form and refuses
    a compact one with one ThermalError."""
    m = bhz_like()
    eF = m.fermi_level
    defs = kn.fermi_definitions(m)
    rho_c, rho_x = fermi.density_of_states(m, compact=True), fermi.density_of_states(m)
    vals = _bhz_points(1, seed=7)[0]
    want = _at(sp.diff(rho_x, eF), vals)
    assert abs(_at(total_diff(rho_c, eF, 1, defs), vals) - want) <= 1e-10 * abs(want)
    assert abs(_at(sp.diff(rho_c, eF), vals) - want) > 1e-3 * abs(want)   # the naive derivative is wrong
    monkeypatch.setattr(fermi, "density_of_states", lambda model, regime=None, compact=False: rho_c)
    with pytest.raises(ThermalError, match="Fermi-surface variables"):
        symkin.chemical_potential(m, order=2)


@pytest.mark.parametrize("regime", ["valence", "lower"])
def test_bhz_like_compact_stage_forms_in_other_regimes(regime):
    """The valence band (E_F = -epsilon_F) and |D| > B (one circle of the lower band), at the regime's
    own sample point (symkin.regimes)."""
    m = bhz_like()
    reg = get_regime(m, regime)
    vals = {"e": 1.1, "u_0": 0.5, "E_x": 0.3, "E_y": -0.7, "theta": 0.9, "epsilon_F": float(reg.sample_epsilon_F),
            **{x.name: float(v) for x, v in reg.point}}
    vals = evaluator(list(kn.fermi_definitions(m, reg).values()))(vals)
    for stage in STAGES:
        compact, explicit = _flat(stage(m, reg, compact=True))[1], _flat(stage(m, reg))[1]
        assert any(_fs(c) for c in compact)
        for c, x in zip(compact, explicit):
            a, b = _at(c, vals), _at(x, vals)
            assert abs(a - b) <= 1e-10 * max(abs(b), 1e-12), (stage.__name__, a, b)
