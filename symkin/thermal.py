"""Finite temperature and the anomalous Nernst (thermoelectric Hall) response.

Every T = 0 contribution :math:`\\sigma(\\epsilon)` (intrinsic term included) becomes, at temperature
T and chemical potential :math:`\\mu`,

.. math:: \\sigma(\\mu, T) = \\int d\\epsilon\\,\\left(-\\frac{\\partial f}{\\partial\\epsilon}\\right)\\sigma(\\epsilon, 0).

:func:`thermal` gives the Sommerfeld series of this integral in closed form,

.. math:: \\sigma(\\mu,T) = \\sigma(\\mu) + \\sum_{n\\ge1} 2(1-2^{1-2n})\\zeta(2n)(k_BT)^{2n}\\,
          \\sigma^{(2n)}(\\mu) = \\sigma + \\frac{\\pi^2}{6}(k_BT)^2\\sigma'' + \\frac{7\\pi^4}{360}(k_BT)^4\\sigma'''' + \\dots

valid away from band edges (:math:`|\\mu - E_{edge}| \\gg k_BT`: the series misses the terms
:math:`\\propto e^{-|\\mu-E_{edge}|/k_BT}`), or the exact convolution numerically across all regimes.

:func:`nernst` gives the anomalous Nernst coefficient.  Sign convention: electron charge :math:`-e`,
:math:`\\mathbf j = \\sigma\\mathbf E + \\alpha(-\\nabla T)`, so

.. math:: \\alpha_{yx} = -\\frac{1}{eT}\\int d\\epsilon\\,(\\epsilon-\\mu)\\left(-\\frac{\\partial f}{\\partial\\epsilon}\\right)
          \\sigma_{yx}(\\epsilon) \\simeq -\\frac{\\pi^2k_B^2T}{3e}\\frac{d\\sigma_{yx}}{d\\mu}\\quad\\text{(Mott)}.

The Fermi-level variable follows :mod:`symkin.conventions`: :math:`\\mu = s\\,\\epsilon_F` with the
regime's sign s (:math:`\\mu = -\\epsilon_F` in the valence band), so
:math:`d/d\\mu = s\\,d/d\\epsilon_F`; even derivatives do not see s, odd ones (Nernst) do.

The symbols :data:`k_B` and :data:`T` (positive, like ``hbar``) are defined here.
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from . import conventions as cv
from .errors import SymkinError
from .fsvars import total_diff
from .results import Result

#: Boltzmann constant (positive symbol)
k_B = sp.Symbol("k_B", positive=True)
#: temperature (positive symbol)
T = sp.Symbol("T", positive=True)
_T = T  # the functions below take a numeric ``T=`` keyword


class ThermalError(SymkinError, ValueError):
    """Bad input to :func:`thermal` / :func:`nernst`."""


def _moment(m):
    """:math:`\\int x^m (-f'(x)) dx` for k_B T = 1 (m even): 2 m! (1 - 2^{1-m}) zeta(m); 1 for m = 0."""
    if m == 0:
        return sp.Integer(1)
    return 2 * sp.factorial(m) * (1 - sp.Rational(1, 2 ** (m - 1))) * sp.zeta(m)


def _variable(result: Result):
    """The Fermi-level symbol of ``result`` and the sign s with mu = s * symbol."""
    syms = [s for s in result.free_symbols if s.name == "epsilon_F"]
    if not syms:
        raise ThermalError(f"{result.quantity} does not depend on the Fermi level epsilon_F; "
                           "pass a Result from symkin.response / anomalous_hall / ...")
    sign = -1 if "E_F = -epsilon_F" in result.regime else 1
    return syms[0], sign


def _series(x, var, sign, order, odd, definitions=()):
    """Sum over moments up to (k_B T)^order of d^m x / d mu^m * M_m / m! (m even, or m-1 even if odd).
    Fermi-surface variables (``definitions``) are differentiated implicitly (:func:`symkin.fsvars.total_diff`)."""
    out = 0
    for m in range(0, order + 1, 2):
        if odd:
            if m == 0:
                continue
            k = m - 1  # derivative order; moment of x^m
        else:
            k = m
        d = total_diff(x, var, k, definitions) * sign ** k if k else x
        out += _moment(m) / sp.factorial(k) * (k_B * _T) ** m * d
    return out


def _requires_order(order, odd):
    if not isinstance(order, int) or order < (1 if odd else 0):
        raise ThermalError(f"order must be a non-negative integer (the power of k_B T), got {order!r}")


def thermal(result: Result, order=2, *, T=None, values=None, model=None, observable=None,
            mu=None, limit=200):
    """Finite-temperature response: Sommerfeld series (closed form) or exact convolution (numbers).

    Parameters
    ----------
    result : Result
        A T = 0 result (any contributions, intrinsic included) depending on ``epsilon_F``.
    order : int
        Highest power of :math:`k_BT` kept in the Sommerfeld series (2: the :math:`\\pi^2/6` term,
        4: adds :math:`7\\pi^4/360`).
    T : float, optional
        Give a temperature (in the energy units of ``values`` divided by k_B; ``values`` must then
        contain ``k_B``) to get the exact convolution as numbers instead of the series.
    values : dict
        Numeric values of the parameters (``hbar``, ``e``, ``v_F``, ``M``, ``u_0``, ``k_B``, ...).
    model : Model
        The model (a Result keeps its name only): its regimes are stitched across band edges and the
        gap.  Required with ``T``.
    observable : callable
        ``observable(model, regime) -> Result`` that built ``result`` (e.g. ``symkin.anomalous_hall``).
        Required with ``T``.
    mu : float, optional
        Chemical potential (energy, sign included). Default: ``result``'s Fermi level from ``values``.

    Returns
    -------
    Result
        (series) the same contributions to :math:`O((k_BT)^{order})`, in the symbols ``k_B``, ``T``;
        its approximation text states the condition :math:`|\\mu-E_{edge}|\\gg k_BT`.
    dict
        (``T`` given) ``{name: float}`` of each contribution and the total, the exact integral
        :math:`\\int d\\epsilon(-\\partial f/\\partial\\epsilon)\\sigma(\\epsilon, 0)`.
    """
    if T is not None:
        return _convolve(result, T, values or {}, model, observable, mu, weight="sigma", limit=limit)
    _requires_order(order, False)
    var, sign = _variable(result)
    contrib = {n: _series(x, var, sign, order, False, result.definitions) for n, x in result.contributions.items()}
    approx = (result.approximation + f"; Sommerfeld expansion to (k_B T)^{order}, valid away from band "
              "edges (|mu - E_edge| >> k_B T; misses terms ~ exp(-|mu - E_edge|/k_B T))")
    return Result(quantity=result.quantity, contributions=contrib, symbol=result.symbol,
                  labels=result.labels, approximation=approx.replace("T = 0", "T > 0"),
                  model=result.model, regime=result.regime,
                  extra={**result.extra, "thermal": f"Sommerfeld, order {order}"},
                  definitions=result.definitions)


def nernst(result: Result, order=1, *, T=None, values=None, model=None, observable=None, mu=None,
           limit=200):
    """Anomalous Nernst coefficient :math:`\\alpha_{yx}` of each contribution of a Hall conductivity.

    :math:`\\alpha = -\\frac{1}{eT}\\int d\\epsilon(\\epsilon-\\mu)(-\\partial_\\epsilon f)\\sigma(\\epsilon)`
    (charge :math:`-e`, :math:`\\mathbf j = \\sigma\\mathbf E + \\alpha(-\\nabla T)`).  ``order=1`` is the
    Mott formula :math:`\\alpha = -\\frac{\\pi^2k_B^2T}{3e}\\,\\frac{d\\sigma}{d\\mu}`; ``order=3`` adds
    the next Sommerfeld moment :math:`-\\frac{7\\pi^4k_B^4T^3}{15e}\\frac{d^3\\sigma}{d\\mu^3}`.
    ``d/d mu = s d/d epsilon_F`` with the regime's sign s.  With ``T`` (and ``values``, ``model``,
    ``observable``) the exact integral is returned as numbers, like :func:`thermal`.
    """
    if T is not None:
        return _convolve(result, T, values or {}, model, observable, mu, weight="alpha", limit=limit)
    _requires_order(order, True)
    var, sign = _variable(result)
    # (1/T) * sum_m M_m (k_B T)^m sigma^{(m-1)}/(m-1)!, m even; the series is in (k_B T)^m / T
    contrib = {n: sp.expand(-_series(x, var, sign, order + 1, True, result.definitions) / (cv.e * _T))
               for n, x in result.contributions.items()}
    approx = (result.approximation.replace("T = 0", "T > 0")
              + f"; Mott/Sommerfeld expansion to (k_B T)^{order + 1}/T, valid away from band edges "
              "(|mu - E_edge| >> k_B T); alpha = -(1/eT) int (e - mu)(-df/de) sigma, charge -e, "
              "j = sigma E + alpha(-grad T)")
    quantity = "alpha" + result.quantity[len("sigma"):] if result.quantity.startswith("sigma") else \
        f"thermoelectric ({result.quantity})"
    symbol = result.symbol.replace("\\sigma", "\\alpha")
    return Result(quantity=quantity, contributions=contrib, symbol=symbol, labels=result.labels,
                  approximation=approx, model=result.model, regime=result.regime,
                  extra={**result.extra, "thermal": f"Mott, order {order}"},
                  definitions=result.definitions)


# ------------------------------------------------------------------ exact convolution (numeric)
def _convolve(result, T_val, values, model, observable, mu, weight, limit):
    from scipy.integrate import quad

    from .regimes import regimes

    if model is None or observable is None:
        raise ThermalError("the exact convolution needs model= (the Model) and observable= (e.g. "
                           "symkin.anomalous_hall) to rebuild sigma(E) in every regime")
    if "k_B" not in values:
        raise ThermalError("values must contain k_B (e.g. 1 in natural units, or 8.617333e-5 eV/K)")
    var, sign0 = _variable(result)
    kT = float(values["k_B"]) * float(T_val)
    if mu is None:
        if "epsilon_F" not in values:
            raise ThermalError("give mu= or values['epsilon_F']")
        mu = sign0 * float(values["epsilon_F"])
    names = list(result.contributions) + ["total"]
    pieces, edges = [], set()
    for reg in regimes(model):
        r = observable(model, reg)
        f = r.lambdify()
        def num(b):
            return None if b is None else float(sp.sympify(b).subs(
                {s: values[s.name] for s in sp.sympify(b).free_symbols if s.name in values}))
        lo, hi = num(reg.lower), num(reg.upper)
        s = reg.sign
        # energy window E = s * epsilon_F with lo < epsilon_F < hi
        a, b = (lo, hi) if s > 0 else ((-hi if hi is not None else None), (-lo if lo is not None else None))
        if reg.name == "gap" and lo == 0 and hi is not None:
            a, s = -hi, 0  # two-band gap listed as 0 < epsilon_F < M: the whole gap, epsilon_F = |E|
        for x in (a, b):
            if x is not None:
                edges.add(x)
        pieces.append((a, b, s, f))

    def sigma(E):
        for a, b, s, f in pieces:
            if (a is None or E > a) and (b is None or E < b):
                vals = dict(values)
                vals["epsilon_F"] = abs(E) if s == 0 else s * E
                out = f(**vals)
                return {n: float(out[n]) for n in names}
        return {n: 0.0 for n in names}

    def mf(E):  # -df/dE
        x = (E - mu) / kT
        return 0.25 / kT / math.cosh(x / 2) ** 2

    span = 40 * kT
    lo_, hi_ = mu - span, mu + span
    pts = sorted(x for x in edges if lo_ < x < hi_)
    out = {}
    for n in names:
        if weight == "sigma":
            g = lambda E: mf(E) * sigma(E)[n]
        else:
            g = lambda E: mf(E) * (E - mu) * sigma(E)[n]
        val = 0.0
        grid = [lo_] + pts + [mu] * (mu not in pts) + [hi_]
        grid = sorted(set(grid))
        for a, b in zip(grid[:-1], grid[1:]):
            val += quad(g, a, b, limit=limit, epsabs=0, epsrel=1e-12)[0]
        if weight == "alpha":
            val = -val / (float(values["e"]) * float(T_val))
        out[n] = val
    return out
