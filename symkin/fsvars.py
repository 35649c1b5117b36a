"""Compatibility module: ``symkin.fsvars`` moved to :mod:`symkin.algebra.fsvars` (the exact-machinery wing).
Every name still resolves here, with a DeprecationWarning; removed in the next release."""
import warnings

from .algebra import fsvars as _new


def __getattr__(name):
    value = getattr(_new, name)
    warnings.warn(f"symkin.fsvars.{name} moved to symkin.algebra.fsvars", DeprecationWarning, stacklevel=2)
    return value
