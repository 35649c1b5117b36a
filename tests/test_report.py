"""symkin.io (pipeline, LaTeX, export, plot) in process, on synthetic stage values (the paper's closed forms typed in), so no
derivation runs here: LaTeX structure and missing stages, JSON document, table, plot, progress,
stage failures and time-outs, sample points."""
import io
import json
import pathlib
import re
import time

import pytest
import sympy as sp

from symkin import paper
from symkin.io.common import model_mass, safe_filename, split_orders
from symkin.io.export import json_document, sample_points, text_table
from symkin.io.latex import REPORT_SECTIONS, _lhs, in_xi, latex_report, write_latex
from symkin.io.pipeline import Progress, Unavailable, regime_info, run_stages, run_task
from symkin.io.plot import plot_hall
from symkin.bands import k, theta
from symkin.conventions import E_x, E_y, e, epsilon_F as eF, hbar, u_0
from symkin.models import M, ti_surface, v_F
from symkin.contributions import labels
from symkin.results import Result

xi = M / eF
_REF = paper.ti_sigma_yx()  # Eqs. 74-86 (symkin.paper)
HALL = {name: _REF[name] for name in ("intrinsic", "extrinsic", "side_jump", "skew")}
TOTAL = _REF["total"]


@pytest.fixture(scope="module")
def model():
    return ti_surface()


@pytest.fixture(scope="module")
def hall():
    return Result("sigma_yx", HALL, r"\sigma_{yx}", labels(HALL, "sigma_yx"), model="ti_surface", regime="conduction")


@pytest.fixture(scope="module")
def spin():
    ref = paper.ti_spin_density()  # Eqs. 90-103 (symkin.paper)
    contrib = {name: ref[name] for name in ("fermi_surface", "intrinsic", "extrinsic", "side_jump", "skew")}
    return Result("spin density <s>", contrib, r"\langle\mathbf{s}\rangle", labels(contrib, "spin_density"),
                  model="ti_surface", regime="conduction")


@pytest.fixture(scope="module")
def stages(model, hall, spin):
    lam = sp.sqrt(hbar**2 * v_F**2 * k**2 + M**2)
    that = sp.Matrix([-sp.sin(theta), sp.cos(theta)])
    kF = sp.sqrt(eF**2 - M**2) / (hbar * v_F)
    dist = lambda x: {f"conduction at |k| = {sp.sstr(kF)}": x * e * (-E_x * sp.sin(theta) + E_y * sp.cos(theta))}
    return {
        "regime": regime_info(model, None),
        "bands": {"energies": (lam, -lam), "eigenvectors": sp.eye(2), "xi": M / lam,
                  "d_squared": hbar**2 * v_F**2 * k**2 + M**2},
        "berry_connection": {"diagonal": (sp.eye(2) * that[0], sp.eye(2) * that[1]),
                             "interband": (sp.zeros(2), sp.zeros(2))},
        "berry_curvature": (-M * hbar**2 * v_F**2 / (2 * lam**3), M * hbar**2 * v_F**2 / (2 * lam**3)),
        "fermi_wavevector": kF,
        "density_of_states": eF / (2 * sp.pi * hbar**2 * v_F**2),
        "scattering_time": 2 * hbar**3 * v_F**2 / (eF * u_0**2),
        "transport_time": Unavailable("ValueError: synthetic failure"),
        "leading_distribution": dist(1 / u_0**2),
        "extrinsic_velocity": sp.Matrix([-sp.sin(theta), sp.cos(theta)]) * M * u_0**2,
        "extrinsic_spin": sp.Matrix([sp.cos(theta), sp.sin(theta), 0]),
        "side_jump_distribution": dist(2 * M / (3 * M**2 + eF**2)),
        "skew_distribution": {},
        "observable:hall": hall,
        "observable:spin": spin,
    }


def environments_balanced(tex):
    stack = []
    for m in re.finditer(r"\\(begin|end)\{([^}]*)\}", tex):
        if m.group(1) == "begin":
            stack.append(m.group(2))
        elif not stack or stack.pop() != m.group(2):
            return False
    depth = 0
    for ch in re.sub(r"\\[{}]", "", tex):
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return not stack and depth == 0


# ------------------------------------------------------------------------------ LaTeX
def test_report_sections_tags_and_balance(model, stages):
    tex = latex_report(model, stages, observables=["hall", "spin"], source="built-in", description="TI_surface & co")
    assert environments_balanced(tex)
    assert tex.count("\\begin{document}") == 1 and tex.rstrip().endswith("\\end{document}")
    for sec in REPORT_SECTIONS + ("Anomalous Hall conductivity", "Spin density"):
        assert f"\\section{{{sec}}}" in tex
    for eq in (68, 69, 70, 71, 73, 74, 78, 82, 85, 86, 87, 90, 96, 99, 101, 103, 104):
        assert f"[Eq.~{eq}" in tex
    assert "TI\\_surface \\& co" in tex                                   # text is escaped
    assert "transport time: not available (ValueError: synthetic failure)" in tex
    assert "Zero (no Fermi circle)" in tex                                   # empty skew distribution
    assert r"\lambda_{k}" in tex                                            # sqrt(|d|^2) shown as lambda_k
    assert r"n^{(-1)}_{++}\big|_{k = k_F}" in tex
    assert sp.latex(sp.factor(TOTAL.subs(eF, M / sp.Symbol("xi_F", positive=True)))) in tex


def test_missing_stages_are_not_available(model):
    tex = latex_report(model, {}, observables=["hall"])
    assert environments_balanced(tex)
    assert tex.count("not available (not computed)") >= 8
    for sec in REPORT_SECTIONS:
        assert f"\\section{{{sec}}}" in tex


def test_vector_total_is_split_by_order_in_u0(model, stages, spin):
    parts = split_orders(spin.total, u_0)
    assert len(parts) == 2 and all(p.has(u_0) == (i == 0) for i, p in enumerate(parts))
    assert sp.simplify(parts[0] + parts[1] - spin.total) == sp.zeros(3, 1)
    tex = latex_report(model, stages, observables=["spin"])
    assert sp.latex(parts[1]) in tex


def test_double_superscript_symbols_are_braced():
    r = Result("x", {"skew": sp.S(1)}, r"\chi^{z}_{yx}", {"skew": "sk"})
    assert _lhs(r, "skew") == r"{\chi^{z}_{yx}}^{\mathrm{sk}}"


def test_write_latex_file_name(model, stages, tmp_path):
    path = write_latex(model, stages, str(tmp_path / "out"))
    assert path.endswith("ti_surface.tex") and environments_balanced(pathlib.Path(path).read_text())
    assert safe_filename("a b/../c") == "a_b_.._c" and safe_filename("///") == "model"


# ------------------------------------------------------------------------------ JSON
def test_json_document(model, hall, spin):
    doc = json.loads(json.dumps(json_document(model, {"hall": hall, "spin": spin}, samples=4, seed=3)))
    assert doc["schema"] == 1 and set(doc["observables"]) == {"sigma_yx", "spin_density"}
    ns = {n: getattr(sp, n) for n in dir(sp) if not n.startswith("_")}
    tot = eval(doc["observables"]["sigma_yx"]["expressions"]["total"]["srepr"], {"__builtins__": {}}, ns)
    assert sp.cancel(tot - TOTAL) == 0
    sd = doc["observables"]["spin_density"]
    assert sd["kind"] == "vector" and sd["expressions"]["total"]["shape"] == [3, 1]
    assert len(sd["expressions"]["total"]["components"]) == 3
    assert doc["samples"]["seed"] == 3 and len(doc["samples"]["points"]) == 4
    row = doc["samples"]["points"][0]
    assert len(row["values"]["spin_density"]["total"]) == 3
    p = row["point"]
    x = p["M"] / p["epsilon_F"]
    expect = 4 * p["e"] ** 2 / (2 * 3.141592653589793 * p["hbar"]) * x * (1 + x**2) / (1 + 3 * x**2) ** 2
    assert abs(row["values"]["sigma_yx"]["total"] - expect) < 1e-12 * expect
    assert doc["symbols"]["E_x"]["role"].startswith("electric field")


def test_sample_points_inside_the_regime_and_seeded(model):
    a = sample_points(model, None, 20, seed=1)
    assert a == sample_points(model, None, 20, seed=1) != sample_points(model, None, 20, seed=2)
    for p in a:
        assert p["epsilon_F"] > p["M"] > 0 and -1 <= p["E_x"] <= 1 and p["u_0"] > 0
    for p in sample_points(model, "gap", 10):
        assert 0 < p["epsilon_F"] < p["M"]


# ------------------------------------------------------------------------------ table, plot
def test_text_table(hall):
    t = text_table(hall, width=100, unicode=False, key="sigma_yx")
    for name in list(HALL) + ["total", "Eq. 74", "Eq. 86", "approximation: first Born"]:
        assert name in t
    assert all(len(line) <= 100 for line in t.splitlines())
    assert text_table(hall, unicode=True).count("│") > 10


def test_plot(model, hall, tmp_path):
    path = plot_hall(model, hall, str(tmp_path))
    data = pathlib.Path(path).read_bytes()
    assert path.endswith("ti_surface_sigma_yx.png") and data[:4] == b"\x89PNG" and len(data) > 20_000


# ------------------------------------------------------------------------------ runner
def test_progress_is_silent_for_quick_runs_and_shows_stages_after_the_delay():
    buf = io.StringIO()
    with Progress(stream=buf, delay=10.0) as p:
        p.start("quick")
        p.done("quick")
    assert buf.getvalue() == ""
    buf = io.StringIO()
    with Progress(stream=buf, delay=0.05) as p:
        p.start("slow stage")
        time.sleep(0.3)
        p.done("slow stage")
        p.start("next stage")
        p.done("next stage")
    out = buf.getvalue()
    assert "slow stage ..." in out and "slow stage done in" in out and "next stage ..." in out
    assert re.search(r"^symkin: \[\s*0\.\d s\] slow stage \.\.\.$", out, re.M)
    assert "finished (total" in out


def test_failing_and_slow_stages_become_unavailable(model, monkeypatch):
    from symkin.io import pipeline

    def stage(fn):
        return ("Berry curvature", lambda model, regime: fn(model))

    def boom(model):
        raise RuntimeError("no curvature today")

    def slow(model):
        time.sleep(5)

    monkeypatch.setitem(pipeline.STAGES, "berry_curvature", stage(boom))
    out, _ = run_task(["berry_curvature"], model, None)
    assert out["berry_curvature"] == Unavailable("RuntimeError: no curvature today")
    monkeypatch.setitem(pipeline.STAGES, "berry_curvature", stage(slow))
    t0 = time.monotonic()
    out, _ = run_task(["berry_curvature"], model, None, timeout=0.3)
    assert time.monotonic() - t0 < 3 and "timed out after 0.3 s" in str(out["berry_curvature"])
    with pytest.raises(RuntimeError):
        monkeypatch.setitem(pipeline.STAGES, "berry_curvature", stage(boom))
        run_task(["berry_curvature"], model, None, strict=("berry_curvature",))


def test_run_stages_sequential_collects_and_reports_progress(model):
    buf = io.StringIO()
    progress = Progress(stream=buf, delay=0.0)
    time.sleep(0.05)
    res = run_stages(model, None, [("regime and bands", ("regime", "bands"))], progress=progress)
    progress.close()
    assert res["regime"]["name"] == "conduction" and res["bands"]["xi"] is not None
    assert "regime and bands done in" in buf.getvalue()


def test_in_xi_and_mass(model):
    assert model_mass(model) == M
    form, x = in_xi(TOTAL, model)
    assert sp.cancel(form - TOTAL.subs(eF, M / x)) == 0


def test_run_stages_in_worker_processes(model):
    """jobs > 1: spawned workers; Results (MappingProxy fields) come back intact."""
    tasks = [("regime", ("regime",)), ("bands", ("bands",)), ("gap Hall", ("observable:hall",))]
    res = run_stages(model, "gap", tasks, jobs=2)
    assert res["regime"]["name"] == "gap" and set(res["bands"]) >= {"energies", "xi"}
    r = res["observable:hall"]
    assert isinstance(r, Result) and sp.cancel(r.total - e**2 / (4 * sp.pi * hbar)) == 0


def test_huge_expressions_fall_back_to_text(model, stages, tmp_path):
    huge = sum(sp.sqrt(M + j * eF + k) / (j + v_F) for j in range(1, 60))
    st = {**stages, "transport_time": huge}
    tex = latex_report(model, st)
    assert environments_balanced(tex) and "too long to typeset; SymPy form" in tex
    assert "\\tau_{\\mathrm{tr}} =$" in tex and max(map(len, tex.splitlines())) < 2 * len(sp.sstr(huge)) + 100


def test_no_line_near_tex_buffer_and_huge_expressions_get_a_size_note(model, stages):
    """Issue 12 item 4: an expression too large to typeset is a one-line note with its size, and no
    .tex line exceeds 1000 characters (TeX's buffer is ~200k)."""
    huge = sum(sp.sqrt(M + j * eF + k) / (j + v_F) ** 2 for j in range(1, 2500))
    long_line = sp.Add(*[sp.Symbol(f"a{j}") * M ** j for j in range(1, 95)])   # display math, one line
    assert 1000 < len(sp.latex(long_line)) <= 1500
    st = {**stages, "transport_time": huge, "scattering_time": long_line}
    tex = latex_report(model, st)
    assert environments_balanced(tex) and max(map(len, tex.splitlines())) <= 1000
    assert re.search(r"expression too large to typeset \(more than 20,000 nodes", tex)
    assert "a_{94}" in tex and sp.sstr(huge)[:40] not in tex
    from symkin.io.latex import wrap_lines
    for line in ("x " * 3000, "\\alpha" * 500, "{}" * 1500):
        wrapped = wrap_lines(line)
        assert max(map(len, wrapped.splitlines())) <= 1000
        assert wrapped.replace("\n", "").replace(" ", "") == line.replace(" ", "")
