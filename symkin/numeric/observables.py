r"""The numeric chain, stage 4 (mirrors :mod:`symkin.observables`): the response of operators,
assembled from the named stages of :class:`~symkin.numeric.kinetics.ShellKinetics` plus the Fermi sea,
and the named observables (anomalous Hall conductivity, spin density).

The five pieces (Eq. 63): ``fermi_surface`` (``sum O^{mm} n^(-1)``), ``intrinsic`` (Fermi sea, Eqs. 72,
91: ``sum_k sum_a n_FD(e^a) 2e sum_{b!=a} Im[O^{ba}(E.dH)^{ab}]/(e^a-e^b)^2``; ``J(S_int)`` is *not*
added, paper/NOTES.md), ``extrinsic``, ``side_jump`` and ``skew``.
"""
from __future__ import annotations

import warnings

import numpy as np
import sympy as sp

from .. import conventions as cv
from ..contributions import labels
from ..crossed_numeric import crossed_response_numeric
from ..errors import RegimeError, ShapeError
from ..regimes import Regime, get_regime
from ..results import Result
from .fermi import sea_integral_occupied
from .kinetics import ShellKinetics
from .model import CompiledModel

__all__ = ["response", "anomalous_hall", "spin_density", "fermi_sea",
           "intrinsic_integrand", "fermi_energy", "regime_argument", "regime_label", "as_operator_list", "pauli", "chain", "RESPONSE_NAMES"]

#: the five pieces of Eq. 63, as in the closed form (symkin.observables)
RESPONSE_NAMES = ("fermi_surface", "intrinsic", "extrinsic", "side_jump", "skew")


def regime_argument(regime, band, where):
    """``regime=`` with the former ``band=`` still accepted (DeprecationWarning)."""
    if band is not None:
        warnings.warn(f"{where}(band=...) is now regime=...", DeprecationWarning, stacklevel=3)
        if regime is None:
            return band
    return regime


def fermi_energy(cm, regime=None):
    """The Fermi energy ``E_F = +/- epsilon_F`` of a regime: + for None and 'conduction', - for
    'valence'; a :class:`symkin.regimes.Regime` or another regime name of the model by its sign."""
    if regime in ("conduction", "c", "+", 1, None):
        return cm.eF
    if regime in ("valence", "v", "-", -1):
        return -cm.eF
    if not isinstance(regime, (str, Regime)):
        raise RegimeError(f"regime must be a name or a symkin Regime, got {regime!r}")
    return get_regime(cm.model, regime).sign * cm.eF


def regime_label(regime, E):
    """The ``Result.regime`` of a numeric route: the Regime itself, else its name and the energy used."""
    if isinstance(regime, Regime):
        return regime
    return f"E_F = {E:.6g}" if regime is None else f"{regime} (E_F = {E:.6g})"


def as_operator_list(O):
    if isinstance(O, (list, tuple)):
        return list(O)
    return [O]


def pauli():
    """The Pauli matrices (sigma_x, sigma_y, sigma_z) as SymPy matrices."""
    return tuple(sp.Matrix(m) for m in cv.PAULI)


def response(model, values, O, n_points=400, regime=None, *, n_cheb=24, n_sea=None,
             gauge_seed=None, energy=None, skew="fermi-shell", band=None, crossed=False):
    r"""Linear response ``delta<O> = sum_mu chi_mu E_mu`` of operators ``O`` (semiclassical chain).

    Parameters
    ----------
    model : symkin.Model
    values : dict
        Numbers by symbol name (``hbar``, ``e``, ``u_0``, ``epsilon_F`` and the model parameters).
    O : sympy.Matrix or sequence of sympy.Matrix
        Hermitian operators (constant or k-dependent) in the basis of ``H``.
    n_points : int
        Rays (uniform angles) on the Fermi contour; the Fermi-sea term uses the same number of
        angles.
    regime : None, str or Regime
        ``E_F = +epsilon_F`` (None, 'conduction') or ``-epsilon_F`` ('valence'); a regime of the
        model (name or :class:`symkin.regimes.Regime`) by its sign.  ``band=`` is its former name
        (deprecated).
    n_cheb : int
        Chebyshev nodes in energy for the skew shells away from ``E_F`` when their energies vary
        along the contour (anisotropic models).
    gauge_seed : int, optional
        Random eigenvector phases (test hook; results must not change).
    energy : float, optional
        Override the Fermi energy.
    skew : {'fermi-shell', 'all-shells'}
        Skew prescription, as :meth:`symkin.kinetics.Kinetics.J_skew` (default: the Fermi-shell part
        twice, which equals the non-crossing Kubo result; 'all-shells' adds the shells at
        :math:`\epsilon^m(k_F) \ne E_F`).
    crossed : bool
        Add pair skew scattering, the contributions ``crossed_X`` and ``crossed_Psi`` (crossed
        impurity lines, order u_0^0; isotropic two-band models;
        :func:`symkin.crossed_numeric.crossed_response_numeric`).

    Returns
    -------
    Result
        ``backend='numeric'``; the contributions ``fermi_surface``, ``intrinsic``, ``extrinsic``,
        ``side_jump``, ``skew`` are arrays of shape ``(len(O), 2)`` (row = operator, column = unit
        ``E_x``, unit ``E_y``); ``r.energy`` is the Fermi energy used, ``r.diagnostics``:
        ``n_shell_points``, ``rhs_mean_n1``/``rhs_mean_sj`` (relative shell averages of the sources
        removed before the Boltzmann solves, ~1e-16 when particle number is conserved),
        ``skew_shells`` (energy, or energy range, of the off-shell skew shells per band),
        ``skew_fermi_shell``/``skew_other_shells`` (the skew split by the shell that carries it).
    """
    regime = regime_argument(regime, band, "symkin.numeric.response")
    Ol = as_operator_list(O)
    cm = CompiledModel(model, values, gauge_seed)
    for o in Ol:
        model.validate_operator(o)
    Ofs = [cm.operator(o) for o in Ol]
    E = fermi_energy(cm, regime) if energy is None else float(energy)
    parts, diag = chain(cm, Ofs, E, n_points, n_cheb, n_sea or n_points, skew)
    if crossed:
        parts.update(crossed_response_numeric(model, E, Ol, values, e=cm.e))
    return Result("response", parts, r"\langle O\rangle", labels(parts, "response"), model=model.name,
                  regime=regime_label(regime, E), extra={"energy": E, "diagnostics": diag, "skew prescription": skew},
                  backend="numeric")


def chain(cm, Ofs, E, n_points, n_cheb, n_sea, skew="fermi-shell"):
    """The five pieces ({name: (n_o, 2) array}) of the response of the compiled operators ``Ofs`` at
    the Fermi energy ``E``, and the diagnostics of the shell solves."""
    kin = ShellKinetics(cm, E, n_points, n_cheb)
    Oss, Osa = kin.operators(Ofs)
    parts = {"fermi_surface": kin.fermi_sum(Oss, kin.n_leading),
             "intrinsic": fermi_sea(cm, Ofs, E, n_sea),
             "extrinsic": kin.extrinsic(Osa),
             "side_jump": kin.fermi_sum(Oss, kin.n_side_jump),
             "skew": kin.skew(Ofs, Oss, skew)}
    return parts, kin.diagnostics


def fermi_sea(cm, Ofs, E, n_theta=400):
    """The intrinsic (Fermi-sea) term of each operator, (n_o, 2) (Eqs. 72, 91)."""
    intr = sea_integral_occupied(cm, E, intrinsic_integrand(cm, Ofs, cm.e, E), n_theta=n_theta)
    return np.asarray(intr).reshape(len(Ofs), 2) if Ofs else np.zeros((0, 2))


def intrinsic_integrand(cm, Ofs, hbar_e, E):
    r"""Integrand of the Fermi-sea term (Eqs. 72, 91) for every operator and field direction, as a
    function of the occupied subspace:
    ``2e sum_{a occ} sum_{b unocc} Im[O^{ba} (dH_mu)^{ab}]/(e^a - e^b)^2`` -> (n, n_o, 2).

    The pairs with both bands occupied cancel pointwise in ``sum_a n_a sum_{b != a}`` (the summand
    is antisymmetric in a, b); dropping them removes the ``0/0`` of nearly degenerate occupied
    bands, and the remaining sum is smooth across crossings of occupied bands.  Integrate it with
    :func:`symkin.numeric.fermi.sea_integral_occupied`."""
    e_charge = hbar_e

    def F(kx, ky, e, U):
        Ob = np.stack([U.conj().transpose(0, 2, 1) @ O(kx, ky) @ U for O in Ofs])  # (n_o, n, N, N)
        dHb = np.stack([U.conj().transpose(0, 2, 1) @ d(kx, ky) @ U for d in cm.dH])
        occ = e < E
        pair = occ[:, :, None] & ~occ[:, None, :]  # a occupied, b empty
        de = e[:, :, None] - e[:, None, :]
        inv = np.where(pair, 1.0 / np.where(pair, de, 1.0) ** 2, 0.0)
        return 2 * e_charge * np.einsum("onab,mnab,nab->nom", Ob.conj(), dHb, inv).imag

    return F


def anomalous_hall(model, values, n_points=400, regime=None, *, band=None, **kw):
    r"""Anomalous Hall conductivity ``sigma_yx = j_y/E_x = -e <v_y>/E_x`` by mechanism.

    ``v_y = (1/hbar) dH/dk_y``.  For the TI surface (Eq. 68) with ``xi = M/epsilon_F`` and
    ``c = e^2 M/(2 pi hbar epsilon_F)`` the expected values are: intrinsic ``c/2`` (Eq. 74),
    extrinsic velocity ``c(1-xi^2)/(1+3xi^2)`` (Eq. 78), side jump the same (Eq. 82), skew
    ``3c(1-xi^2)^2/(2(1+3xi^2)^2)`` (Eq. 85), total ``4c(1+xi^2)/(1+3xi^2)^2`` (Eq. 86).

    Returns
    -------
    Result
        ``backend='numeric'``, floats ``intrinsic`` (Eq. 72), ``extrinsic`` (Eq. 75), ``side_jump``
        (Eq. 79), ``skew`` (Eq. 83) and ``fermi_surface`` (the Drude part of sigma_yx, zero for
        isotropic models; in the total); ``diagnostics`` as :func:`response`, the skew split
        converted to sigma_yx.
    """
    regime = regime_argument(regime, band, "symkin.numeric.anomalous_hall")
    vy = model.velocity_operator()[1]
    r = response(model, values, [vy], n_points=n_points, regime=regime, **kw)
    e_ch = float(values.get("e", 1.0))
    f = lambda x: float(-e_ch * x[0, 0])  # noqa: E731
    diag = dict(r.diagnostics)
    for key in ("skew_fermi_shell", "skew_other_shells"):
        if key in diag:
            diag[key] = f(diag[key])
    names = ("intrinsic", "extrinsic", "side_jump", "skew", "fermi_surface", "crossed_X", "crossed_Psi")
    contrib = {n: f(r[n]) for n in names if n in r.contributions}
    return Result("sigma_yx", contrib, r"\sigma_{yx}", labels(contrib, "sigma_yx"), model=model.name,
                  regime=r.regime, extra={**r.extra, "diagnostics": diag}, backend="numeric")


def spin_density(model, values, n_points=400, regime=None, *, band=None, **kw):
    r"""Spin density ``<sigma>`` (Pauli, no hbar/2) per unit field: :func:`response` with
    ``O = (sigma_x, sigma_y, sigma_z)`` (two-band models).

    For the TI surface, Eq. 104 with ``rho = epsilon_F/(2 pi hbar^2 v_F^2)``,
    ``1/tau = pi u_0^2 rho/hbar``: ``<s> = -e tau v_F rho (1-xi^2)/(1+3xi^2) z x E
    + 4 e hbar v_F rho M/epsilon_F^2 (1+xi^2)/(1+3xi^2)^2 E``.
    """
    regime = regime_argument(regime, band, "symkin.numeric.spin_density")
    if model.n_bands != 2:
        raise ShapeError("spin_density with Pauli matrices needs a two-band model")
    r = response(model, values, list(pauli()), n_points=n_points, regime=regime, **kw)
    return Result("spin density <s>", dict(r.contributions), r"\langle\mathbf{s}\rangle",
                  labels(r.contributions, "spin_density"), model=model.name, regime=r.regime, extra=r.extra,
                  backend="numeric")
