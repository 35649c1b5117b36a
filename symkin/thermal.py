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
from .algebra.fsvars import total_diff
from .algebra import poly as _poly
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
    Fermi-surface variables (``definitions``) are differentiated implicitly (:func:`symkin.algebra.fsvars.total_diff`)."""
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
    _poly._limit("order of the Sommerfeld series (power of k_B T)", order, "MAX_SERIES_ORDER")


def thermal(result: Result, order=2, *, T=None, values=None, model=None, observable=None,
            mu=None, fixed_density=False, limit=200):
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
    fixed_density : bool
        Hold the carrier density :math:`n(E_F, T=0)` fixed instead of the chemical potential:
        :math:`\\mu = \\mu(T)` from :func:`chemical_potential` (needs ``model``).  The series then
        expands :math:`\\sigma(\\mu(T), T)` to the same order; with ``T`` the convolution is taken
        at the exact :math:`\\mu(T)` (``mu`` or ``values['epsilon_F']`` give the T = 0 Fermi level).

    Returns
    -------
    Result
        (series) the same contributions to :math:`O((k_BT)^{order})`, in the symbols ``k_B``, ``T``;
        its approximation text states the condition :math:`|\\mu-E_{edge}|\\gg k_BT`.
    dict
        (``T`` given) ``{name: float}`` of each contribution and the total, the exact integral
        :math:`\\int d\\epsilon(-\\partial f/\\partial\\epsilon)\\sigma(\\epsilon, 0)`; with
        ``fixed_density`` also ``"mu"``, the chemical potential used.
    """
    if T is not None:
        return _convolve(result, T, values or {}, model, observable, mu, weight="sigma", limit=limit,
                         fixed_density=fixed_density)
    _requires_order(order, False)
    var, sign = _variable(result)
    if fixed_density:
        contrib = _fixed_density_series(result, model, var, sign, order)
    else:
        contrib = {n: _series(x, var, sign, order, False, result.definitions)
                   for n, x in result.contributions.items()}
    approx = (result.approximation + f"; Sommerfeld expansion to (k_B T)^{order}, valid away from band "
              "edges (|mu - E_edge| >> k_B T; misses terms ~ exp(-|mu - E_edge|/k_B T))"
              + ("; fixed carrier density n(E_F, T = 0), mu(T) from the density of states"
                 if fixed_density else ""))
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
def _num(b, values):
    """A regime bound (SymPy or None) at the numeric ``values`` (by name)."""
    if b is None:
        return None
    b = sp.sympify(b)
    return float(b.subs({s: values[s.name] for s in b.free_symbols if s.name in values}))


def _stitched(model, values, build):
    """``g(E)`` over every regime of ``model``: ``build(regime)`` gives ``h(epsilon_F) -> value`` in
    that regime's window (E = sign * epsilon_F), outside every window (a gap) ``None``.  Returns
    ``(g, edges)`` with the window bounds as signed energies."""
    from .regimes import regimes

    pieces, edges = [], set()
    for reg in regimes(model):
        lo, hi = _num(reg.lower, values), _num(reg.upper, values)
        s = reg.sign
        # energy window E = s * epsilon_F with lo < epsilon_F < hi
        a, b = (lo, hi) if s > 0 else ((-hi if hi is not None else None), (-lo if lo is not None else None))
        if reg.name == "gap" and lo == 0 and hi is not None:
            a, s = -hi, 0  # two-band gap listed as 0 < epsilon_F < M: the whole gap, epsilon_F = |E|
        edges.update(x for x in (a, b) if x is not None)
        pieces.append((a, b, s, build(reg)))

    def g(E):
        for a, b, s, h in pieces:
            if (a is None or E > a) and (b is None or E < b):
                return h(abs(E) if s == 0 else s * E)
        return None
    return g, edges


def _mf(E, mu, kT):  # -df/dE
    return 0.25 / kT / math.cosh((E - mu) / kT / 2) ** 2


def _integrate(g, lo, hi, points, limit, epsabs=0.0):
    from scipy.integrate import quad

    grid = sorted({lo, hi, *(x for x in points if lo < x < hi)})
    return sum(quad(g, a, b, limit=limit, epsabs=epsabs, epsrel=1e-12)[0]
               for a, b in zip(grid[:-1], grid[1:]))


def _kT(values, T_val):
    if "k_B" not in values:
        raise ThermalError("values must contain k_B (e.g. 1 in natural units, or 8.617333e-5 eV/K)")
    return float(values["k_B"]) * float(T_val)


def _convolve(result, T_val, values, model, observable, mu, weight, limit, fixed_density=False):
    if model is None or observable is None:
        raise ThermalError("the exact convolution needs model= (the Model) and observable= (e.g. "
                           "symkin.anomalous_hall) to rebuild sigma(E) in every regime")
    kT = _kT(values, T_val)
    var, sign0 = _variable(result)
    if mu is None:
        if "epsilon_F" not in values:
            raise ThermalError("give mu= or values['epsilon_F']")
        mu = sign0 * float(values["epsilon_F"])
    if fixed_density:
        mu = _mu_exact(model, float(T_val), values, mu, limit)
    names = list(result.contributions) + ["total"]

    def build(reg):
        f = observable(model, reg).lambdify()

        def h(eF):
            out = f(**{**values, "epsilon_F": eF})
            return {n: float(out[n]) for n in names}
        return h
    sig, edges = _stitched(model, values, build)

    def sigma(E):
        return sig(E) or dict.fromkeys(names, 0.0)

    span = 40 * kT
    out = {}
    for n in names:
        if weight == "sigma":
            def g(E):
                return _mf(E, mu, kT) * sigma(E)[n]
        else:
            def g(E):
                return _mf(E, mu, kT) * (E - mu) * sigma(E)[n]
        val = _integrate(g, mu - span, mu + span, [*edges, mu], limit)
        if weight == "alpha":
            val = -val / (float(values["e"]) * float(T_val))
        out[n] = val
    if fixed_density:
        out["mu"] = mu
    return out


# ------------------------------------------------------------------ fixed carrier density: mu(T)
def _dos(model, regime):
    r"""rho(epsilon_F) of ``regime`` (0 where no band crosses E_F) and the regime.

    Explicit in :math:`\epsilon_F` (``compact=False``): the series differentiates it with respect to
    :math:`\epsilon_F`, and a form in :math:`k_F` would miss :math:`dk_F/d\epsilon_F`; a Fermi-surface
    variable reaching here is refused (one :class:`ThermalError`, not a wrong derivative)."""
    from .algebra.fsvars import FermiSymbol
    from .fermi import density_of_states
    from .regimes import get_regime

    reg = get_regime(model, regime)
    rho = density_of_states(model, reg, compact=False) if reg.circles else sp.Integer(0)
    if any(isinstance(x, FermiSymbol) for x in rho.free_symbols):
        raise ThermalError(f"the density of states of the {reg.name} regime is written in Fermi-surface variables "
                           f"({', '.join(sorted(x.name for x in rho.free_symbols if isinstance(x, FermiSymbol)))}): "
                           "mu(T) needs rho explicitly in epsilon_F (its derivatives would miss dk_F/depsilon_F): "
                           "symkin.fermi.density_of_states(model, regime, compact=False)")
    return rho, reg


def _mu_shift(rho, var, sign, order):
    r"""Coefficients of :math:`\delta = \mu - E_F = \sum_i c_i (k_BT)^{2i}` that keep
    :math:`n = \int d\epsilon\,\rho f` fixed, from the Sommerfeld series of
    :math:`n(E_F + \delta, T) - n(E_F, 0) = \sum_{m\,\rm even} M_m/m!\,(k_BT)^m
    \sum_{j} \rho^{(m+j-1)}(E_F)\,\delta^j/j! = 0` (the :math:`m = 0, j = 0` term excluded),
    solved order by order in :math:`k_BT`."""
    tau = sp.Dummy("tau", positive=True)
    cs = sp.symbols(f"c1:{order // 2 + 1}", cls=sp.Dummy)
    delta = sum(c * tau ** (2 * i + 2) for i, c in enumerate(cs))

    def d(k):  # d^k rho / d mu^k, mu = sign * var
        return sp.diff(rho, var, k) * sign ** k if k else rho
    eq = 0
    for m in range(0, order + 1, 2):
        for j in range(0 if m else 1, (order - m) // 2 + 1):
            eq += _moment(m) / sp.factorial(m) * tau ** m * d(m + j - 1) * delta ** j / sp.factorial(j)
    eq = sp.expand(eq)
    sol = {}
    for i, c in enumerate(cs):
        coeff = eq.coeff(tau, 2 * i + 2).subs(sol)
        P = sp.Poly(coeff, c)  # linear in c: rho(E_F) c + (earlier orders); no sympy.solve
        if P.degree() != 1:
            raise ThermalError("the fixed-density shift of mu needs a non-zero density of states at E_F")
        a1, a0 = P.all_coeffs()
        sol[c] = sp.cancel(-a0 / a1)
    return sp.expand(delta.subs(sol)), tau


def chemical_potential(model, order=2, *, regime=None, T=None, values=None, mu0=None, limit=200):
    r"""Chemical potential :math:`\mu(T)` at the fixed carrier density :math:`n(E_F, T=0)`.

    The density :math:`n(\mu, T) = \int d\epsilon\,\rho(\epsilon) f(\epsilon-\mu)` is held at its
    T = 0 value.  The Sommerfeld series (closed form, from the model's density of states
    :math:`\rho(\epsilon)`, valid a few :math:`k_BT` away from band edges) is

    .. math:: \mu(T) = E_F - \frac{\pi^2}{6}(k_BT)^2\,\frac{\rho'(E_F)}{\rho(E_F)} + O((k_BT)^4),

    with every higher even order solved for in the same way; the exact value solves
    :math:`n(\mu, T) = n(E_F, 0)` numerically with :math:`\rho` stitched over every regime (band
    edges, gap).

    Parameters
    ----------
    model : Model
        The model; its density of states is :func:`symkin.fermi.density_of_states`.
    order : int
        Highest (even) power of :math:`k_BT` kept in the series.
    regime : Regime or str, optional
        The regime of :math:`E_F` (series; default as in :func:`symkin.anomalous_hall`).
    T : float, optional
        A temperature: return the exact :math:`\mu` as a float (``values`` must contain ``k_B``).
    values : dict
        Parameter values by name (``k_B``, ``epsilon_F``, ``M``, ...), with ``T``.
    mu0 : float, optional
        The T = 0 Fermi level as a signed energy; default ``sign * values["epsilon_F"]`` with the
        sign of ``regime``.

    Returns
    -------
    sympy.Expr or float
        :math:`\mu(T)` in the symbols ``epsilon_F``, ``k_B``, ``T`` (:math:`E_F = \pm\epsilon_F` by
        regime, see :mod:`symkin.conventions`), or the exact value at ``T``.

    Examples
    --------
    Massive Dirac cone, :math:`\rho(E) = E/(2\pi\hbar^2v^2)` above the gap, so
    :math:`\rho'/\rho = 1/E_F`:

    >>> import symkin
    >>> from symkin.models import ti_surface
    >>> symkin.chemical_potential(ti_surface())
    -pi**2*T**2*k_B**2/(6*epsilon_F) + epsilon_F
    """
    if T is not None:
        values = dict(values or {})
        if mu0 is None:
            if "epsilon_F" not in values:
                raise ThermalError("give mu0= (the T = 0 Fermi level) or values['epsilon_F']")
            from .regimes import get_regime
            mu0 = get_regime(model, regime).sign * float(values["epsilon_F"])
        return _mu_exact(model, float(T), values, float(mu0), limit)
    if not isinstance(order, int) or order < 2 or order % 2:
        raise ThermalError(f"order must be an even integer >= 2 (the power of k_B T), got {order!r}")
    _poly._limit("order of the Sommerfeld series (power of k_B T)", order, "MAX_SERIES_ORDER")
    rho, reg = _dos(model, regime)
    if rho == 0:
        raise ThermalError(f"no density of states at E_F in regime {reg.name!r}: the Sommerfeld series "
                           "needs E_F inside a band; pass T= for the exact mu(T) across the gap")
    var = reg.fermi_level if reg.fermi_level is not None else cv.epsilon_F
    delta, tau = _mu_shift(rho, var, reg.sign, order)
    return reg.sign * var + delta.subs(tau, k_B * _T)


def _mu_exact(model, T_val, values, mu0, limit):
    """Solve n(mu, T) = n(mu0, 0) for mu: the integral of rho(E) [f(E - mu) - theta(mu0 - E)]."""
    from scipy.optimize import brentq

    kT = _kT(values, T_val)
    if not kT > 0:
        raise ThermalError(f"T must be positive, got {T_val!r}")

    def build(reg):
        if not reg.circles:
            return lambda eF: 0.0
        rho = _dos(model, reg)[0]
        syms = sorted(rho.free_symbols, key=lambda s: s.name)
        missing = [s.name for s in syms if s.name not in values and s.name != "epsilon_F"]
        if missing:
            raise ThermalError(f"values lack {missing} (needed by the density of states)")
        f = sp.lambdify(syms, rho, "math")
        return lambda eF: float(f(*[eF if s.name == "epsilon_F" else values[s.name] for s in syms]))
    rho, edges = _stitched(model, values, build)

    span = 40 * kT
    # absolute tolerance: 1e-13 of the states within k_B T of mu0 (the integrand vanishes in a gap)
    scale = kT * max([abs(rho(E) or 0.0) for E in np.linspace(mu0 - span, mu0 + span, 81)] + [1e-300])

    def dn(mu):
        def g(E):
            occ = 1.0 / (1.0 + math.exp(min((E - mu) / kT, 700.0)))
            return (rho(E) or 0.0) * (occ - (1.0 if E < mu0 else 0.0))
        return _integrate(g, min(mu, mu0) - span, max(mu, mu0) + span, [*edges, mu, mu0], limit,
                          epsabs=1e-13 * scale)

    w = 2 * kT
    for _ in range(60):
        a, b = mu0 - w, mu0 + w
        fa, fb = dn(a), dn(b)
        if fa <= 0 <= fb:
            break
        w *= 2
    else:
        raise ThermalError("no chemical potential found that keeps the density fixed")
    if fa == 0:
        return a
    if fb == 0:
        return b
    return brentq(dn, a, b, xtol=1e-14 * max(1.0, abs(mu0)), rtol=1e-14, maxiter=200)


def _fixed_density_series(result, model, var, sign, order):
    r""":math:`\sigma(\mu(T), T) = \sum_{m\,\rm even} M_m/m!\,(k_BT)^m\sum_j \sigma^{(m+j)}(E_F)\,\delta^j/j!`
    to :math:`(k_BT)^{order}`, with :math:`\delta = \mu(T) - E_F` from :func:`_mu_shift`."""
    if model is None:
        raise ThermalError("fixed_density=True needs model= (the Model): mu(T) comes from its density "
                           "of states")
    if order < 2:
        return dict(result.contributions)
    if result.definitions:
        raise ThermalError("the fixed-density Sommerfeld series is not implemented for results written in "
                           "Fermi-surface variables (k_F, Lambda_F, ...): use fixed_density with T= (the exact "
                           "convolution), or the fixed-chemical-potential series (fixed_density=False)")
    rho, reg = _dos(model, getattr(result.regime, "name", None) or _regime_name(result))
    if rho == 0:
        raise ThermalError("no density of states at E_F in this regime: the fixed-density series needs "
                           "E_F inside a band")
    rho = rho.subs(reg.fermi_level, var) if reg.fermi_level is not None else rho
    delta, tau = _mu_shift(rho, var, sign, order - order % 2)
    dpoly = sp.Poly(delta, tau)
    powers = [sp.Poly(1, tau)]
    for _ in range(order // 2):
        powers.append(powers[-1] * dpoly)  # delta^j as polynomials in tau
    out = {}
    for n, x in result.contributions.items():
        coeff = [0] * (order + 1)
        for m in range(0, order + 1, 2):
            for j in range(0, (order - m) // 2 + 1):
                k = m + j
                d = sp.diff(x, var, k) * sign ** k if k else x
                for (p,), c in powers[j].terms():
                    if m + p <= order:
                        coeff[m + p] += _moment(m) / sp.factorial(m) * c / sp.factorial(j) * d
        out[n] = sum(c * (k_B * _T) ** p for p, c in enumerate(coeff))
    return out


def _regime_name(result):
    """The regime name at the start of ``result.regime`` ('conduction (M < ...)')."""
    return str(result.regime).split(" (")[0] or None
