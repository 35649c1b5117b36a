"""The layout (issue 13): one result record for every route, one contribution registry."""
import pickle

import numpy as np
import pytest
import sympy as sp

from symkin import anomalous_hall, kubo, numeric, paper, spin_density
from symkin.contributions import CONTRIBUTIONS, canonical, label, paper_equation
from symkin.models import ti_surface
from symkin.results import BACKENDS, Result

VALUES = {"e": 1.0, "hbar": 1.0, "v_F": 1.0, "M": 0.3, "epsilon_F": 0.6, "u_0": 0.1}


@pytest.fixture(scope="module")
def hall():
    return anomalous_hall(ti_surface())


@pytest.fixture(scope="module")
def hall_numeric():
    return numeric.anomalous_hall(ti_surface(), VALUES, n_points=8)


def test_closed_form_result_pickles(hall):
    back = pickle.loads(pickle.dumps(hall))
    assert back.backend == "closed-form" and list(back.contributions) == list(hall.contributions)
    assert all(sp.cancel(back[n] - x) == 0 for n, x in hall.items())
    assert back.conditions == hall.conditions and back.sample == hall.sample and str(back.regime) == str(hall.regime)


def test_numeric_result_pickles(hall_numeric):
    back = pickle.loads(pickle.dumps(hall_numeric))
    assert back.backend == "numeric" and back.energy == hall_numeric.energy
    assert all(back[n] == x for n, x in hall_numeric.items())
    s = numeric.spin_density(ti_surface(), VALUES, n_points=8)
    back = pickle.loads(pickle.dumps(s))
    assert all(np.array_equal(back[n], x) for n, x in s.items())


def test_every_route_returns_result_with_the_same_names(hall, hall_numeric):
    k = kubo.anomalous_hall(ti_surface(), VALUES, n_theta=16)
    assert all(isinstance(r, Result) for r in (hall, hall_numeric, k))
    assert [r.backend for r in (hall, hall_numeric, k)] == list(BACKENDS)
    assert set(hall.contributions) <= set(hall_numeric.contributions)
    want = paper.ti_sigma_yx(**VALUES)  # Eqs. 74-86
    for name, x in hall_numeric.items():
        if name != "fermi_surface":
            assert abs(x - float(want[name])) < 1e-10 * abs(float(want["total"]))
    assert abs(float(k) - float(want["total"])) < 2e-4 * float(want["total"])
    for r in (hall, hall_numeric, k):  # every name is registered, with its label
        assert all(n in CONTRIBUTIONS and r.labels[n] == label(n, "sigma_yx") for n in r.contributions)


def test_paper_name_of_the_extrinsic_term_is_a_synonym(hall, hall_numeric):
    # sigma_yx's extrinsic term is Eq. 78's "extrinsic velocity": both keys read it, silently (no
    # DeprecationWarning: pytest's filterwarnings = error would raise)
    assert canonical("extrinsic_velocity") == "extrinsic"
    assert paper_equation("sigma_yx", "extrinsic_velocity") == paper_equation("sigma_yx", "extrinsic") == 78
    for r in (hall, hall_numeric):
        assert r.extrinsic_velocity is r.extrinsic
        assert r["extrinsic_velocity"] is r.extrinsic


def test_former_band_keyword_warns():
    with pytest.warns(DeprecationWarning, match="regime="):
        r = numeric.anomalous_hall(ti_surface(), VALUES, n_points=8, band="valence")
    assert r.energy == -VALUES["epsilon_F"]


def test_spin_density_routes_agree():
    s = spin_density(ti_surface())
    n = numeric.spin_density(ti_surface(), VALUES, n_points=8)
    f = s.lambdify()
    for col, (Ex, Ey) in enumerate(((1.0, 0.0), (0.0, 1.0))):
        closed = f(**VALUES, E_x=Ex, E_y=Ey)
        for name, x in n.items():
            assert np.allclose(x[:, col], closed[name], rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------------------- the layout
import ast  # noqa: E402
import pathlib  # noqa: E402

import symkin  # noqa: E402

ROOT = pathlib.Path(symkin.__file__).parent
#: the chain in import order = paper order (the disorder model is input, like H; its kernel gets the
#: band-basis overlaps handed in, so it needs nothing of the chain)
CHAIN = ("disorder", "model", "bands", "blocks", "regimes", "fermi", "geometry", "kinetics", "skew3", "crossed",
         "observables")
#: what every stage may use; knows no physics stage
FOUNDATION = ("conventions", "errors", "internal", "contributions", "results", "paper", "algebra.poly",
              "algebra.integrate", "algebra.fsvars", "algebra.closedform", "algebra.exact", "algebra.atoms")


def _imports():
    """{module: [(imported module, top level?)]} of every relative import in the package."""
    out = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        name = ".".join(p for p in parts if p != "__init__") or "__init__"
        pkg = parts[:-1]
        tree = ast.parse(path.read_text())
        top = {id(n) for n in tree.body}
        found = []
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not node.level:
                continue
            base = pkg[:len(pkg) - (node.level - 1)] if node.level > 1 else pkg
            targets = [base + node.module.split(".")] if node.module else [base + [a.name] for a in node.names]
            for t in targets:
                if (ROOT.joinpath(*t).with_suffix(".py").exists() or ROOT.joinpath(*t, "__init__.py").exists()):
                    found.append((".".join(t), id(node) in top))
        out[name] = found
    return out


def test_chain_imports_follow_the_paper_order():
    imports = _imports()
    for i, mod in enumerate(CHAIN):
        for target, top in imports[mod]:
            if target in CHAIN:
                assert CHAIN.index(target) < i, f"{mod} imports the later stage {target}"
                assert top, f"{mod} imports the stage {target} lazily (inside a function)"
    for mod in FOUNDATION:
        assert not [t for t, _ in imports[mod] if t in CHAIN], f"{mod} imports a stage of the chain"


def test_no_import_circle():
    graph = {m: {t for t, _ in ts if t != "__init__"} for m, ts in _imports().items() if m != "__init__"}
    state = {}

    def visit(m, path):
        if state.get(m) == 1:
            raise AssertionError("import circle: " + " -> ".join(path[path.index(m):] + [m]))
        if state.get(m) == 2:
            return
        state[m] = 1
        for t in sorted(graph.get(m, ())):
            visit(t, path + [m])
        state[m] = 2

    for m in sorted(graph):
        visit(m, [])


def test_modules_stay_small():
    big = {str(p.relative_to(ROOT)): n for p in ROOT.rglob("*.py")
           if (n := len(p.read_text().splitlines())) > 520}
    assert set(big) <= {"fermi.py"}, big  # fermi.py: RingSet, being split by job (issue 12)


# ------------------------------------------------------------------------------- one chain per call
def _module(name):  # symkin.regimes the module (the package exports the function of that name)
    import importlib
    return importlib.import_module(f"symkin.{name}")


def _clear_caches():
    from symkin import observables
    _module("kinetics")._kinetics.cache_clear()
    observables._response.cache_clear()


@pytest.mark.parametrize("regime,skew", [("valence", "all-shells"), (None, "fermi-shell")])
def test_one_chain_per_call(monkeypatch, regime, skew):
    """anomalous_hall builds one Kinetics (the Fermi sea and every piece share it) and resolves the
    regime once; None and the name of the default window are the same chain."""
    kin_mod, reg_mod = _module("kinetics"), _module("regimes")
    counts = {"Kinetics": 0, "regimes": 0}
    init, find = kin_mod.Kinetics.__init__, reg_mod.regimes

    def counting_init(self, *args, **kwargs):
        counts["Kinetics"] += 1
        init(self, *args, **kwargs)

    def counting_regimes(*args, **kwargs):
        counts["regimes"] += 1
        return find(*args, **kwargs)

    monkeypatch.setattr(kin_mod.Kinetics, "__init__", counting_init)
    monkeypatch.setattr(reg_mod, "regimes", counting_regimes)
    _clear_caches()
    model = ti_surface()
    first = anomalous_hall(model, regime=regime, skew=skew)
    assert counts == {"Kinetics": 1, "regimes": 1}
    again = anomalous_hall(model, regime=regime or "conduction", skew=skew)  # same chain, from the cache
    assert counts["Kinetics"] == 1 and sp.cancel(again.total - first.total) == 0
    _clear_caches()
