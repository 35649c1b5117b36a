r"""Guards before the SymPy calls whose run time no FLINT size check bounds (issue 11 item 8: no input
makes a derivation run unbounded).

``sympy.solve`` of a polynomial of degree 5 or more, ``simplify`` / ``integrate`` / ``limit`` /
``linsolve`` of a large expression can run for minutes or hours; a ``signal``-based timeout would
make the engine's results depend on the machine.  Instead each such call is preceded by a cheap
structural check against a limit of :mod:`symkin.algebra.poly` (``MAX_SOLVE_DEGREE``,
``MAX_SYMPY_NODES``, ``MAX_SIMPLIFY_NODES``; environment variables ``SYMKIN_MAX_*``), which raises
one :class:`symkin.errors.SizeLimitError` naming the limit and how to raise it -- or, for the
cosmetic ``simplify``, skips the step.
"""
from __future__ import annotations

import math

import sympy as sp

from . import poly
from .poly import _limit, ffactor, ffactor_list

__all__ = ["check_integrand", "check_size", "factor_bounded", "is_zero", "simplify_bounded", "solve_bounded",
           "solve_degree", "tree_size"]


def tree_size(expr, cap):
    """Nodes of the expression tree of ``expr`` (matrix entries summed), counting stops at ``cap``
    (cheap on huge trees)."""
    n = 0
    for y in (expr if isinstance(expr, (sp.MatrixBase, list, tuple)) else [expr]):
        for _ in sp.preorder_traversal(sp.sympify(y)):
            n += 1
            if n >= cap:
                return n
    return n


def check_size(expr, what):
    """Return ``expr``; :class:`SizeLimitError` if it has more than :data:`~symkin.algebra.poly.MAX_SYMPY_NODES` tree nodes
    (the input of a SymPy routine whose run time no other limit bounds: solve, integrate, limit ...).

    >>> x = sp.Symbol('x')
    >>> check_size(x + 1, "an integrand")
    x + 1
    """
    _limit(f"expression-tree nodes of {what}", tree_size(expr, poly.MAX_SYMPY_NODES + 1), "MAX_SYMPY_NODES",
           more_than=True)
    return expr


def simplify_bounded(expr, fallback=None):
    """``sympy.simplify(expr)`` if ``expr`` has at most :data:`~symkin.algebra.poly.MAX_SIMPLIFY_NODES` tree nodes, else
    ``fallback(expr)`` (e.g. :func:`~symkin.algebra.poly.fcancel`), or ``expr`` unchanged: simplification is cosmetic, so
    a large expression is never an error, only left less tidy.

    >>> x = sp.Symbol('x')
    >>> simplify_bounded(sp.sin(x)**2 + sp.cos(x)**2)
    1
    """
    if tree_size(expr, poly.MAX_SIMPLIFY_NODES + 1) <= poly.MAX_SIMPLIFY_NODES:
        return sp.simplify(expr)
    return fallback(expr) if fallback else expr


def solve_degree(poly, x, what):
    """The degree of the polynomial ``poly`` in the lowest power of ``x`` that occurs (a biquadratic
    in x counts 2), checked against :data:`~symkin.algebra.poly.MAX_SOLVE_DEGREE`, and the size of ``poly`` against
    :data:`~symkin.algebra.poly.MAX_SYMPY_NODES`: the guard before ``sympy.solve`` / ``roots``."""
    P = sp.Poly(poly, x)
    step = 0
    for (e,) in P.monoms():
        step = math.gcd(step, e)
    deg = P.degree() // max(step, 1)
    var = f"{x}" if step <= 1 else f"{x}**{step}"
    _limit(f"degree in {var} of the irreducible polynomial whose root is {what} (no closed form in "
           "radicals above degree 4; results in Fermi-surface variables, symkin.numeric and symkin.kubo "
           "do not need one)", deg, "MAX_SOLVE_DEGREE")
    check_size(poly, f"the polynomial whose root is {what}")
    return deg


def solve_bounded(eq, x, what, point=None, near=None):
    """Roots in radicals (``sympy.solve``) of the polynomial equation ``eq = 0`` in ``x``, bounded:
    ``eq`` is factored by FLINT (:func:`~symkin.algebra.poly.ffactor_list`) and each factor is checked by
    :func:`solve_degree` before SymPy solves it.  With a numeric ``point`` (symbol -> value) and a
    root ``near`` found numerically there, only the factor that vanishes there is solved, so another
    factor of high degree costs nothing.

    >>> x, a = sp.symbols('x a', positive=True)
    >>> solve_bounded((x**2 - a)*(x**7 + x + a), x, "x", {a: 4}, 2.0)
    [sqrt(a)]
    """
    check_size(eq, f"the equation for {what}")
    factors = [f for f, _ in ffactor_list(eq) if f.has(x)]
    if point is not None and near is not None and len(factors) > 1:
        def residual(f):
            vals = {**point, x: near}
            terms = [complex(sp.N(t.xreplace(vals), 30)) for t in sp.Add.make_args(sp.expand(f))]
            return abs(sum(terms)) / max(sum(abs(t) for t in terms), 1e-300)
        factors = [min(factors, key=residual)]
    out = []
    for f in factors:
        solve_degree(f, x, what)
        out += sp.solve(f, x)
    return out


def check_integrand(expr, x, what):
    """Return ``expr``, a rational function of ``x`` about to be integrated in closed form
    (``sympy.integrate`` / ``apart``), after :func:`check_size` and a :func:`solve_degree` check of
    each irreducible factor of its denominator (its roots are the poles the antiderivative needs:
    logs and arctangents up to degree 2, ``RootSum`` beyond).

    >>> u, a = sp.symbols('u a', positive=True)
    >>> check_integrand(1/(u**2 + a), u, "the integrand")
    1/(a + u**2)
    """
    check_size(expr, what)
    _, den = sp.fraction(sp.together(expr))
    for f, _ in ffactor_list(den):
        if f.has(x):
            solve_degree(f, x, f"a pole of {what}")
    return expr


def is_zero(expr, what):
    """Exact zero test: ``expand``, then ``sympy.simplify`` up to
    :data:`~symkin.algebra.poly.MAX_SIMPLIFY_NODES` tree nodes; a larger expression that ``expand``
    does not bring to 0 raises :class:`SizeLimitError` (never a guessed answer).

    >>> x = sp.Symbol('x')
    >>> is_zero(sp.sin(x)**2 + sp.cos(x)**2 - 1, "an identity")
    True
    """
    expr = sp.expand(expr)
    if expr == 0:
        return True
    _limit(f"expression-tree nodes of {what} (an exact zero test)", tree_size(expr, poly.MAX_SIMPLIFY_NODES + 1),
           "MAX_SIMPLIFY_NODES", more_than=True)
    return sp.simplify(expr) == 0


def factor_bounded(expr):
    """``sympy.factor(expr)`` (its printed form) on expressions up to
    :data:`~symkin.algebra.poly.MAX_SIMPLIFY_NODES` tree nodes, FLINT's
    :func:`~symkin.algebra.poly.ffactor` above (SymPy's multivariate factorisation has no time bound).

    >>> a, b = sp.symbols('a b', positive=True)
    >>> factor_bounded(a**2 - b**2)
    (a - b)*(a + b)
    """
    if tree_size(expr, poly.MAX_SIMPLIFY_NODES + 1) <= poly.MAX_SIMPLIFY_NODES:
        return sp.factor(expr)
    return ffactor(expr)
