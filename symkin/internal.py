"""Symbols owned by the engine: never equal to a user's symbol, whatever its name and assumptions.

Every auxiliary variable of the derivation (the polar radius ``k``, the phase placeholders ``z``,
``z'``, the angle ``theta``, the ring symbols ``k_i, Lambda_i, t_i, c_i``, the gauge parameters
``t, c, Lambda``, integration variables, linear-system unknowns, ...) is an :class:`Internal`.
``Internal`` is a subclass of :class:`sympy.Symbol`: SymPy's equality and hash include the class,
so ``Internal('k', positive=True) != Symbol('k', positive=True)`` and a model parameter named
``k`` (or ``Lambda_0``, ``c_0``, ``u``, ...) can never be confused with the engine's variable.
Unlike :class:`sympy.Dummy` an ``Internal`` is identified by its name and assumptions only, so it
is the same object in every process (the report's process pool, pickling) and in every
``lru_cache`` key, and it prints exactly like a plain symbol.

A closed form handed to the user must not contain an internal symbol:
:func:`symkin.errors.check_no_internal` raises :class:`symkin.errors.InternalSymbolError` (a bug, not a user error) if one is left.
"""
from __future__ import annotations

import sympy as sp

__all__ = ["Internal", "internal", "internal_symbols", "is_internal"]


class Internal(sp.Symbol):
    """A symbol of the engine; compares unequal to every user ``Symbol`` of the same name."""


def internal(name, **assumptions):
    """An engine-owned symbol, ``Internal(name, **assumptions)``."""
    return Internal(name, **assumptions)


def internal_symbols(names, **assumptions):
    """Like :func:`sympy.symbols` (ranges ``'_x0:3'`` allowed) but returning :class:`Internal` symbols."""
    return sp.symbols(names, cls=Internal, **assumptions)


def is_internal(s):
    """True for engine-owned symbols (:class:`Internal` and :class:`sympy.Dummy`)."""
    return isinstance(s, (Internal, sp.Dummy))


def __getattr__(name):
    if name == "check_no_internal":  # moved to symkin.errors (this module imports nothing of symkin)
        import sys
        import warnings
        warnings.warn("symkin.internal.check_no_internal moved to symkin.errors", DeprecationWarning, stacklevel=2)
        return sys.modules[__package__ + ".errors"].check_no_internal
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
