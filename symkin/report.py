"""Compatibility module: the report moved to the faces wing :mod:`symkin.io` (pipeline, LaTeX, export,
plot).  The old names are re-exported here; new code imports from ``symkin.io.*``."""
import warnings

from .contributions import formula, paper_equations
from .io.common import (OBSERVABLES, PAPER, SCHEMA,  # noqa: F401
                        compute_observable, is_matrix as _is_matrix, model_mass, observable_keys,
                        safe_filename, split_orders, value_at as _num)
from .io.export import (ASSUMPTION_KEYS, expr_entry, json_document, sample_points, sample_table,  # noqa: F401
                        symbol_entry, text_table, unicode_ok as _unicode_ok, write_exports)
from .io.latex import (MAX_DISPLAY, PREAMBLE, REPORT_SECTIONS, in_xi, latex_report, tex_escape,  # noqa: F401
                       write_latex, _lhs)
from .io.pipeline import (POST, REPORT_TASKS, STAGES, Progress, StageTimeout, Unavailable,  # noqa: F401
                          collect_stages, observable_tasks, regime_info as _regime_info, report_tasks,
                          run_stages, run_task)
from .io.plot import plot_hall  # noqa: F401

_HALL = ("intrinsic", "extrinsic_velocity", "side_jump", "skew")
_SPIN = ("fermi_surface", "intrinsic", "extrinsic", "side_jump", "skew")
PAPER_EQS = {"sigma_yx": paper_equations("sigma_yx", _HALL), "spin_density": paper_equations("spin_density", _SPIN),
             "spin_orbit_torque": paper_equations("spin_orbit_torque", ("field_like", "damping_like")),
             "spin_hall": {}}
HALL_FORMULAS = {n: formula("sigma_yx", n) for n in _HALL}
SPIN_FORMULAS = {n: formula("spin_density", n) for n in _SPIN}

warnings.warn("symkin.report moved to symkin.io (pipeline, latex, export, plot); import from there",
              DeprecationWarning, stacklevel=2)
