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

A closed form handed to the user must not contain an internal symbol: :func:`check_no_internal`
raises :class:`symkin.errors.InternalSymbolError` (a bug, not a user error) if one is left.
"""
from __future__ import annotations

import sympy as sp

from .errors import InternalSymbolError

__all__ = ["Internal", "internal", "internal_symbols", "is_internal", "check_no_internal"]


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


def check_no_internal(expr, what="result"):
    """Raise :class:`InternalSymbolError` if ``expr`` (an expression, matrix, or a dict / tuple of
    them) still contains an engine-owned symbol; return ``expr`` unchanged otherwise."""
    left = set()

    def walk(x):
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, (list, tuple)):
            for v in x:
                walk(v)
        elif isinstance(x, (sp.Basic, sp.MatrixBase)):
            left.update(s for s in x.free_symbols if is_internal(s))

    walk(expr)
    if left:
        raise InternalSymbolError(
            f"internal error: the {what} still contains the engine's auxiliary symbol(s) "
            f"{sorted(map(str, left))}; this is a bug in symkin (please report it with the model)")
    return expr
