"""Compatibility module: ``symkin.integrate`` moved to :mod:`symkin.algebra.integrate` (the exact-machinery wing).
Every name still resolves here, with a DeprecationWarning; removed in the next release."""
import warnings

from .algebra import integrate as _new


def __getattr__(name):
    value = getattr(_new, name)
    warnings.warn(f"symkin.integrate.{name} moved to symkin.algebra.integrate", DeprecationWarning, stacklevel=2)
    return value
