"""Compatibility module: ``symkin.closedform`` moved to :mod:`symkin.algebra.closedform` (the exact-machinery wing).
Every name still resolves here, with a DeprecationWarning; removed in the next release."""
import warnings

from .algebra import closedform as _new


def __getattr__(name):
    value = getattr(_new, name)
    warnings.warn(f"symkin.closedform.{name} moved to symkin.algebra.closedform", DeprecationWarning, stacklevel=2)
    return value
