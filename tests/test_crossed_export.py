"""Export of the mechanisms beyond the paper (issue 14): model-file point disorder, the CLI --crossed
flag (table/JSON), the LaTeX section with the kinetic equations, and the total no longer tagged as
the paper's Eq. 86."""
import json
import os
import subprocess
import sys

import pytest

from symkin.disorder import PointImpurities
from symkin.io import latex, pipeline
from symkin.io.modelfile import ModelFileError, parse_model
from symkin.models import ti_surface
from symkin.observables import anomalous_hall

POINT = '''
name = "dirac_point"
hamiltonian = "hbar*v*(k_x*sigma_x + k_y*sigma_y) + Delta*sigma_z"
[parameters]
v = "positive"
Delta = "positive"
[disorder]
kind = "point"
n_i = "n_imp"
V_1 = "W"
'''


def test_model_file_point_impurities():
    m = parse_model(POINT)
    assert isinstance(m.disorder, PointImpurities)
    assert {s.name for s in m.disorder.free_symbols} == {"n_imp", "V_0", "W"}
    assert "skew_third_order" in anomalous_hall(m).contributions
    with pytest.raises(ModelFileError, match="unknown key"):
        parse_model(POINT.replace('V_1 = "W"', 'strength = "u_0"'))
    with pytest.raises(ModelFileError, match="unsupported disorder"):
        parse_model(POINT.replace('kind = "point"', 'kind = "gaussian-colored"'))


def test_cli_crossed_json():
    out = subprocess.run([sys.executable, "-m", "symkin.cli", "derive", "ti-surface", "--crossed", "--format", "json",
                          "-q"], capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "error"})
    assert out.returncode == 0, out.stderr
    hall = json.loads(out.stdout)["observables"]["sigma_yx"]
    assert {"crossed_X", "crossed_Psi"} <= set(hall["contributions"])
    assert "total" not in hall["paper_equations"] and hall["approximation"].startswith("NCA + crossed")


def test_latex_section_with_the_kinetic_equations():
    m = ti_surface()
    stages = pipeline.collect_stages(m, None, observables={"hall": anomalous_hall(m, crossed=True)})
    tex = latex.latex_report(m, stages)
    assert "Beyond the non-crossing approximation" in tex and r"w^{X,A}_{a\to b}" in tex
    assert r"\sigma_{yx}^{\mathrm{X}}" in tex and "[Eq.~86]" not in tex
    plain = latex.latex_report(m, pipeline.collect_stages(m, None, observables={"hall": anomalous_hall(m)}))
    assert "Beyond the non-crossing" not in plain and "[Eq.~86]" in plain


@pytest.mark.slow
def test_check_compares_the_crossed_terms_with_kubo():
    from symkin.check import TOL_CROSSED, check, format_rows
    (row,) = check(ti_surface(), None, n=1, crossed=True)
    assert row.ok and 0 <= row.crossed_deviation <= TOL_CROSSED
    closed, num, kb = row.crossed["crossed_X"]
    assert abs(closed - num) < 1e-9 * abs(num) and closed < 0
    assert "crossed X, Psi" in format_rows([row])
