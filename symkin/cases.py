"""Parameter cases: conditions (SymPy booleans in a model's parameters) tested at numeric points, a
point inside a condition found by a finite search, emptiness proved where SymPy can.

Used by :mod:`symkin.regimes`; a point only *selects* numerically what a symbolic condition decides.
"""
from __future__ import annotations

import sympy as sp

from .algebra import poly
from .algebra.bounds import tree_size

from .model import Model


_TRIAL_VALUES = (1.0, 2.0, 0.5, 3.0, 5.0, 0.2, 10.0, 0.1, 30.0)


def _allowed(s, x):
    """Whether the number x is allowed by the assumptions of Symbol s."""
    if s.is_positive:
        return x > 0
    if s.is_negative:
        return x < 0
    if s.is_nonnegative:
        return x >= 0
    if s.is_nonpositive:
        return x <= 0
    return True


def _holds(cond, point):
    if cond is None or cond is sp.true:
        return True
    val = cond.xreplace({s: sp.Float(v) for s, v in point.items()})
    return bool(val) if val in (sp.true, sp.false) else False


def case_point(model: Model, condition=None):
    """A parameter point (dict Symbol -> float) respecting the assumptions and inside ``condition``,
    or None if none is found.

    Starts from :meth:`Model.sample_point`; if it violates ``condition``, the symbols of the
    condition are changed one at a time, then in pairs, over +/-(1, 2, 0.5, 3, 5, 0.2, 10, 0.1, 30)
    (signs the assumptions allow), first match returned (deterministic).  The point only *selects*
    numerically what the symbolic condition decides."""
    base = dict(model.sample_point())
    if _holds(condition, base):
        return base
    syms = sorted(condition.free_symbols & set(base), key=lambda s: s.name)
    trial = lambda s: [x for m in _TRIAL_VALUES for x in (m, -m) if _allowed(s, x)]
    for s in syms:
        for x in trial(s):
            pt = dict(base)
            pt[s] = x
            if _holds(condition, pt):
                return pt
    for i, s in enumerate(syms):
        for t in syms[i + 1:]:
            for x in trial(s):
                for y in trial(t):
                    pt = dict(base)
                    pt[s], pt[t] = x, y
                    if _holds(condition, pt):
                        return pt
    return None


def provably_empty(cond):
    """True when the SymPy boolean ``cond`` is unsatisfiable for real values respecting the
    symbols' assumptions, proved by :func:`sympy.reduce_inequalities` (conjunctions of
    inequalities in one symbol) after propositional reduction (:func:`sympy.satisfiable` on the
    atoms); False when not proved (the finite search of :func:`case_point` then decides nothing).
    The proof is optional: it is not attempted on a condition above
    :data:`symkin.algebra.poly.MAX_SIMPLIFY_NODES` tree nodes (SymPy's inequality solver has no time
    bound)."""
    if cond is sp.false:
        return True
    if cond is None or cond is sp.true:
        return False
    if tree_size(cond, poly.MAX_SIMPLIFY_NODES + 1) > poly.MAX_SIMPLIFY_NODES:
        return False
    if sp.satisfiable(cond) is False:
        return True
    parts = sp.And.make_args(cond)
    syms = cond.free_symbols
    if len(syms) != 1 or not all(isinstance(p, sp.core.relational.Relational) for p in parts):
        return False
    (s,) = syms
    try:
        return sp.reduce_inequalities(list(parts), [s]) is sp.false
    except (NotImplementedError, TypeError, ValueError, sp.PolynomialError):
        return False


def holds_at(cond, vals):
    """Whether the SymPy boolean ``cond`` is true at the numeric point ``vals`` (by name); a bound
    that is not real there (a window that does not exist) counts as false."""
    try:
        c = cond.xreplace({s: sp.Float(vals[s.name]) for s in cond.free_symbols})
    except TypeError:
        return False
    return c is sp.true
