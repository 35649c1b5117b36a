"""Compatibility module: the report moved to the faces wing :mod:`symkin.io` (pipeline, LaTeX, export,
plot).  The old names are re-exported here; new code imports from ``symkin.io.*``."""
import warnings

from .io.common import (HALL_FORMULAS, OBSERVABLES, PAPER, PAPER_EQS, SCHEMA, SPIN_FORMULAS,  # noqa: F401
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

warnings.warn("symkin.report moved to symkin.io (pipeline, latex, export, plot); import from there",
              DeprecationWarning, stacklevel=2)
