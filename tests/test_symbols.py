"""Issue 11, item 1: the engine's internal symbols never meet a user's symbol.

Each built-in model is rebuilt with one parameter renamed (same assumptions) to a name the engine
uses internally or to a common physics name; the closed form, renamed back, must equal the one of
the original model exactly (``cancel(a - b) == 0``).
"""
import random

import pytest
import sympy as sp

import symkin
from symkin import conventions as cv
from symkin.internal import Internal, internal
from symkin.errors import InternalSymbolError, SymkinError, check_no_internal
from symkin.model import Model
from symkin.models import BUILTINS

from symkin.algebra.poly import fcancel


def same(a, b):
    """Exact zero test through FLINT (sympy's expand/cancel of the bhz_like closed form is slow and
    depends on the symbol order; atoms such as radicals are generators, so this can only err on
    the side of 'different')."""
    d = sp.sympify(a) - sp.sympify(b)
    if fcancel(d) == 0:
        return True
    # forms differing only modulo sqrt(Q)^2 = Q: the same analytic function must agree (to 1e-12,
    # 30-digit evaluation) at seeded random complex-free points, on the same radical branch
    rng = random.Random(7)
    for _ in range(3):
        pt = {x: sp.Rational(rng.randint(50, 150), 100) for x in d.free_symbols}
        x, y = complex(sp.N(sp.sympify(a).xreplace(pt), 30)), complex(sp.N(sp.sympify(b).xreplace(pt), 30))
        if abs(x - y) > 1e-12 * max(abs(y), 1e-300):
            return False
    return True

#: names of the engine's own auxiliary symbols (bands, fermi rings, geometry, integrate, kinetics,
#: hermitian_unknown, disorder) and the common physics names of the issue
INTERNAL_NAMES = ["k", "z", "z'", "theta", "k_0", "k_1", "Lambda_0", "Lambda_1", "t_0", "t_1", "c_0", "c_1",
                  "t", "c", "Lambda", "u", "_u", "_L", "_a0", "_x0", "_jr0", "_ji1", "_cr0", "phi"]
PHYSICS_NAMES = ["k_F", "E", "epsilon", "tau", "rho"]
ALL_NAMES = list(dict.fromkeys(INTERNAL_NAMES + PHYSICS_NAMES))


def renamed(model, old, new_name):
    """The model with parameter ``old`` renamed to ``new_name`` (same assumptions, same sample values)."""
    new = sp.Symbol(new_name, **old.assumptions0)
    sample = tuple((new_name if s == old else s.name, v) for s, v in model.sample_point().items())
    H = model.H.xreplace({old: new})
    return Model(H, model.momenta, model.disorder, model.name, model.fermi_level, sample), new


def param(model, name):
    return next(s for s in model.parameters if s.name == name)


_BASE = {}


def base_hall(key):
    if key not in _BASE:
        _BASE[key] = symkin.anomalous_hall(BUILTINS[key]())
    return _BASE[key]


def check_renamed(key, pname, new_name, contributions=False):
    model = BUILTINS[key]()
    old = param(model, pname)
    m2, new = renamed(model, old, new_name)
    assert new in m2.parameters and old not in m2.parameters
    r2, r1 = symkin.anomalous_hall(m2), base_hall(key)
    names = ("intrinsic", "extrinsic", "side_jump", "skew", "total") if contributions else ("total",)
    for n in names:
        got = r2[n]
        assert not any(isinstance(s, Internal) for s in got.free_symbols)
        assert same(got.xreplace({new: old}), r1[n]), (key, pname, new_name, n)


@pytest.mark.parametrize("new_name", ALL_NAMES)
@pytest.mark.parametrize("pname", ["M", "v_F"])
def test_ti_surface_every_name(pname, new_name):
    """TI surface (Eq. 68): every contribution (Eqs. 74, 78, 82, 85, 86) survives every renaming."""
    check_renamed("ti-surface", pname, new_name, contributions=True)


@pytest.mark.parametrize("pname,new_name", [("Delta", "k"), ("v", "Lambda_0"), ("Delta", "c_0"), ("v", "z")])
def test_massive_dirac_renamed(pname, new_name):
    check_renamed("massive-dirac", pname, new_name, contributions=True)


@pytest.mark.slow
@pytest.mark.parametrize("key,pname,new_name", [
    ("rashba-ferromagnet", "alpha", "k_1"),
    ("rashba", "m", "t_0"),
])
def test_two_circle_and_bhz_renamed(key, pname, new_name):
    """The Rashba models (two Fermi circles: ring symbols k_0, k_1, Lambda_0, Lambda_1, ...) and the
    BHZ-like block with a parameter named like a ring symbol of another ring."""
    check_renamed(key, pname, new_name)


def test_issue_values_eq86():
    """The issue's measurements: velocity named k_0, u, Lambda, c_0 -> Eq. 86's 0.1299 at
    hbar = e = v = epsilon_F = 1, M = 1/2 (20/(49 pi) typed independently)."""
    from symkin.models import M, ti_surface, v_F
    want = 20 / (49 * 3.141592653589793)
    for name in ("k_0", "u"):  # (the other names: every contribution in test_ti_surface_every_name)
        v = sp.Symbol(name, positive=True)
        tot = symkin.anomalous_hall(ti_surface(velocity=v)).total
        val = float(tot.xreplace({cv.hbar: 1, cv.e: 1, cv.epsilon_F: 1, v: 1, M: sp.Rational(1, 2)}))
        assert abs(val - want) < 1e-12, name
    for name in ("k", "Lambda_0"):
        m = sp.Symbol(name, positive=True)
        tot = symkin.anomalous_hall(ti_surface(mass=m)).total
        val = float(tot.xreplace({cv.hbar: 1, cv.e: 1, cv.epsilon_F: 1, v_F: 1, m: sp.Rational(1, 2)}))
        assert abs(val - want) < 1e-12, name


def test_internal_symbols_are_not_user_symbols():
    from symkin import bands
    for s in (bands.k, bands.z, bands.zp, bands.theta):
        user = sp.Symbol(s.name, **s.assumptions0)
        assert s != user and hash(s) != hash(user) and str(s) == str(user)
    import pickle
    assert pickle.loads(pickle.dumps(bands.k)) == bands.k  # same symbol in the report's process pool


def test_leftover_internal_symbol_raises():
    x = sp.Symbol("x")
    assert check_no_internal({"a": x + 1}) == {"a": x + 1}
    with pytest.raises(InternalSymbolError, match="Lambda"):
        check_no_internal({"a": x + internal("Lambda", positive=True)})
    assert issubclass(InternalSymbolError, SymkinError)
