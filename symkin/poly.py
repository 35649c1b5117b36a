"""Compatibility module: ``symkin.poly`` moved to :mod:`symkin.algebra.poly` (the exact-machinery wing).
Every name still resolves here, with a DeprecationWarning; removed in the next release."""
import warnings

from .algebra import poly as _new


def __getattr__(name):
    value = getattr(_new, name)
    warnings.warn(f"symkin.poly.{name} moved to symkin.algebra.poly", DeprecationWarning, stacklevel=2)
    return value
