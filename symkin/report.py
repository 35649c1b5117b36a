"""Compatibility module: the report moved to the faces wing :mod:`symkin.io` (pipeline, LaTeX, export,
plot) and the contribution registry to :mod:`symkin.contributions`.  Every old name still resolves here,
with a DeprecationWarning; new code imports from ``symkin.io.*``."""
import warnings

from . import contributions as _contributions
from .io import common as _common, export as _export, latex as _latex, pipeline as _pipeline, plot as _plot

_RENAMED = {"_is_matrix": (_common, "is_matrix"), "_num": (_common, "value_at"), "_unicode_ok": (_export, "unicode_ok"),
            "_regime_info": (_pipeline, "regime_info")}
_HALL = ("intrinsic", "extrinsic", "side_jump", "skew")
_SPIN = ("fermi_surface", "intrinsic", "extrinsic", "side_jump", "skew")


def _registry_tables():
    eqs = _contributions.paper_equations
    return {"PAPER_EQS": {"sigma_yx": eqs("sigma_yx", _HALL), "spin_density": eqs("spin_density", _SPIN),
                          "spin_orbit_torque": eqs("spin_orbit_torque", ("field_like", "damping_like")),
                          "spin_hall": {}},
            "HALL_FORMULAS": {n: _contributions.formula("sigma_yx", n) for n in _HALL},
            "SPIN_FORMULAS": {n: _contributions.formula("spin_density", n) for n in _SPIN}}


def __getattr__(name):
    if name in _RENAMED:
        mod, new = _RENAMED[name]
        value = getattr(mod, new)
    elif name in ("PAPER_EQS", "HALL_FORMULAS", "SPIN_FORMULAS"):
        mod, value = _contributions, _registry_tables()[name]
    else:
        for mod in (_pipeline, _latex, _export, _plot, _common):
            if hasattr(mod, name):
                value = getattr(mod, name)
                break
        else:
            raise AttributeError(f"module 'symkin.report' has no attribute {name!r}")
    warnings.warn(f"symkin.report.{name} moved to {mod.__name__}", DeprecationWarning, stacklevel=2)
    return value
