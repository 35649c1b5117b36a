"""Exceptions raised for bad input: one class per problem, each with a message naming it; the
wrapper of the engine's entry points (:func:`engine_entry`) and the check that no engine-owned
symbol leaks into a result (:func:`check_no_internal`)."""
import sympy as sp

from .internal import is_internal


class SymkinError(Exception):
    """Base class of all symkin errors."""


class NonHermitianError(SymkinError, ValueError):
    """The Hamiltonian (or an operator) is not Hermitian."""


class ShapeError(SymkinError, ValueError):
    """A matrix has the wrong shape (H not square / not 2x2 where required, O not N x N)."""


class MomentumError(SymkinError, ValueError):
    """The momenta are not real symbols, or H / O depends on symbols the model does not declare."""


class AssumptionError(SymkinError, ValueError):
    """A symbol lacks an assumption the derivation needs (e.g. a parameter not declared real)."""


class AnisotropicModelError(SymkinError, ValueError):
    """A closed form was requested for a model whose bands are not rotationally symmetric."""


class DegeneracyError(SymkinError, ValueError):
    """Bands are degenerate where the theory needs a gap (e.g. E_F at a band touching)."""


class RegimeError(SymkinError, ValueError):
    """The requested Fermi-level regime does not exist for this model."""


class CrossedUnavailableError(SymkinError, NotImplementedError):
    """The crossed (X, Psi) pair-skew terms have no closed form implemented for this model/regime."""


class SizeLimitError(SymkinError, RuntimeError):
    """A derivation hit one of the engine's size limits (polynomial degree, number of terms,
    number of Fermi circles, degree of a polynomial solved in radicals, size of an input to a SymPy
    routine).  The message names the limit and how to raise it (the module-level constants ``MAX_*``
    of :mod:`symkin.algebra.poly`, or the environment variables ``SYMKIN_MAX_*`` they read)."""


class UnsupportedModelError(SymkinError, ValueError):
    """The model is outside what the closed-form engine can derive; the message names the cause
    (the original SymPy/FLINT exception is chained as ``__cause__``)."""


class InternalSymbolError(SymkinError, RuntimeError):
    """A result still contains one of the engine's auxiliary symbols (a bug in symkin)."""


def engine_entry(fn):
    """Decorator for the engine's public entry points (``observables.response`` etc.).

    * a :class:`SymkinError` passes through unchanged;
    * an exception of SymPy's / FLINT's algebra that signals an input the closed-form engine cannot
      treat (``ZeroDivisionError``, SymPy polynomial errors such as ``NotInvertible`` or
      ``CoercionFailed``, ``NotImplementedError`` of ``solve`` / ``integrate``) becomes one
      :class:`UnsupportedModelError` naming the step and a remedy, chained with ``from exc`` so that
      the original traceback stays visible; ``MemoryError`` / ``RecursionError`` become
      :class:`SizeLimitError`; any other exception (a bug) propagates unchanged;
    * the value returned is checked: no engine-owned symbol (:func:`symkin.internal.check_no_internal`)
      and no ``nan`` / ``zoo`` may be left in a closed form.
    """
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from sympy.polys.polyerrors import BasePolynomialError
        try:
            out = fn(*args, **kwargs)
        except SymkinError:
            raise
        except (MemoryError, RecursionError) as exc:
            raise SizeLimitError(f"{fn.__name__}: the derivation ran out of memory/stack "
                                 f"({type(exc).__name__}); the model is too large for the closed-form "
                                 "engine as posed (fewer parameters, exact rational coefficients, or "
                                 "symkin.numeric for numbers)") from exc
        except (ZeroDivisionError, BasePolynomialError, NotImplementedError, sp.SympifyError) as exc:
            raise UnsupportedModelError(
                f"{fn.__name__}: the closed-form derivation failed inside SymPy/FLINT with "
                f"{type(exc).__name__}: {str(exc)[:300]}. The model (or its chosen regime) is outside what the "
                "engine can derive: check the regime (symkin.regimes(model)), declare parameter signs "
                "(positive=True) so that the band structure is fixed, or use symkin.numeric / symkin.kubo "
                "for numbers") from exc
        _check_value(out, fn.__name__)
        return out

    return wrapper


def _check_value(out, where):
    vals = []
    if hasattr(out, "contributions"):
        vals = list(out.contributions.values()) + list(getattr(out, "extra", {}).values())
    elif isinstance(out, (sp.Basic, sp.MatrixBase, tuple, list)):
        vals = [out]
    vals = [v for v in vals if isinstance(v, (sp.Basic, sp.MatrixBase, tuple, list))]
    check_no_internal(vals, f"result of {where}")
    for v in vals:
        for x in (v if isinstance(v, (tuple, list)) else [v]):
            if isinstance(x, (sp.Basic, sp.MatrixBase)) and x.has(sp.nan, sp.zoo):
                raise UnsupportedModelError(
                    f"{where}: the closed form is undefined (nan/zoo) for this model or regime -- the "
                    "regime's Fermi circles degenerate for these parameters; choose another regime "
                    "(symkin.regimes(model)) or declare the parameter signs")


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
