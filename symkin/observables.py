r"""One prescription for every observable (paper Eqs. 52-63).

For an operator :math:`\hat O` in the driven, disordered steady state (Eq. 63),

.. math::
    \langle O\rangle = \sum_{mk}\Big\{O^{mm}_k\,[n^{(-1)m}_{Ek} + n^{(sj)m}_{Ek} + n^{(sk)m}_{Ek}]
        + \frac{ie}{\hbar}[\mathcal T_k, \mathbf E\cdot\mathcal R'_k]^{m}\,n_{FD}(\epsilon^m_k)
        + \gamma^m_{O,k}\,n^{(-1)m}_{Ek}\Big\},
    \qquad \mathcal T^{nm} = \frac{\hbar O^{nm}}{i(\epsilon^n-\epsilon^m)}\ \text{(Eq. 56)} .

The five pieces are returned as ``fermi_surface`` (Edelstein term for spin), ``side_jump``, ``skew``,
``intrinsic`` (Fermi sea, Eq. 57) and ``extrinsic`` (:math:`\gamma`, Eqs. 59-61; :math:`\beta` for the
velocity, Eqs. 45-47).  The anomalous Hall conductivity is the case :math:`O = \hat v_y` with
:math:`j = -e\langle v\rangle`: :func:`anomalous_hall` is a thin layer over :func:`response`.

All results: first Born (non-crossing) approximation, Gaussian white noise, delta parts of energy
denominators only, T = 0, leading order in :math:`\hbar/\epsilon_F\tau` for each piece.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from . import conventions as cv
from .bands import conj, k, polar_subs, rotation_generator, z
from .blocks import restrict, two_band_blocks
from .contributions import labels as labels_of
from .crossed import APPROX_CROSSED, crossed_response
from .errors import ShapeError, engine_entry
from .algebra.fsvars import has_fermi_symbols, present
from .algebra.integrate import angular_average, radial_integral, sea_antiderivative
from .kinetics import E_VEC, kinetics
from .model import Model, dagger
from .internal import internal
from .algebra.bounds import check_size, tree_size
from .algebra.poly import ffactor
from .regimes import get_regime
from .results import Result
from .skew3 import APPROX_SK3, third_order_response

PAULI = tuple(sp.Matrix(m) for m in cv.PAULI)
#: the five pieces of Eq. 63 (labels, paper equations, formulas: symkin.contributions)
RESPONSE_NAMES = ("fermi_surface", "intrinsic", "extrinsic", "side_jump", "skew")
CROSSED_NAMES = ("crossed_X", "crossed_Psi")


def _as_operators(model, O):
    if isinstance(O, sp.MatrixBase) or (isinstance(O, (list, tuple)) and O and not isinstance(O[0], (list, tuple, sp.MatrixBase))):
        ops = [sp.Matrix(O)]
    else:
        ops = [sp.Matrix(x) for x in O]
    return tuple(sp.ImmutableMatrix(model.validate_operator(x)) for x in ops)


@engine_entry
def response(model: Model, O, regime=None, skew="fermi-shell", crossed=False) -> Result:
    r"""Linear response :math:`\langle O\rangle` of an operator (or a list of operators) to
    :math:`\mathbf E = (E_x, E_y)`.

    Parameters
    ----------
    model : Model
        Isotropic two-band model.
    O : Matrix or sequence of Matrix
        Hermitian operator(s) in the Hamiltonian's basis, constant or k-dependent.
    regime : None, str or Regime
        Fermi-level window (default: E_F = +epsilon_F in the conduction band; for models without a
        'conduction' window, the highest one).
    skew : {'fermi-shell', 'all-shells'}
        Skew prescription (:meth:`symkin.kinetics.Kinetics.J_skew`); they differ only for models
        without particle-hole symmetry.
    crossed : bool
        Add the pair-skew (crossed X and Psi diagram) contributions ``crossed_X`` and
        ``crossed_Psi`` (:mod:`symkin.crossed`; Gaussian disorder, order u_0^0).  Disorder with a third
        cumulant (:class:`symkin.disorder.PointImpurities`) adds ``skew_third_order`` on its own
        (:mod:`symkin.skew3`).

    Returns
    -------
    Result
        Fields ``fermi_surface``, ``intrinsic``, ``extrinsic``, ``side_jump``, ``skew`` and ``total``:
        column matrices (one row per operator), linear in ``E_x``, ``E_y``.
    """
    ops = _as_operators(model, O)
    reg = get_regime(model, regime)  # once per call: the hashable Regime keys every cache below
    if model.n_bands != 2:
        return _block_response(model, ops, reg, skew, crossed)
    return _response(model, ops, reg, skew, bool(crossed))


def _block_response(model, ops, regime, skew, crossed=False):
    """N x N model of decoupled 2 x 2 blocks: the sum of the blocks' responses (symkin.blocks)."""
    reg = get_regime(model, regime)
    parts = []
    bl = two_band_blocks(model)
    for blk, part in zip(bl, reg.parts):
        sub = tuple(restrict(o, blk, blocks_=bl) for o in ops)
        parts.append(_response(blk.model, sub, part, skew, bool(crossed)).explicit())
    contributions = {name: sum((p[name] for p in parts[1:]), parts[0][name]) for name in parts[0].contributions}
    contributions = {n: v.applyfunc(lambda x: ffactor((x))) for n, v in contributions.items()}
    return Result("response", contributions, r"\langle O\rangle", parts[0].labels, model=model.name,
                  approximation=parts[0].approximation,
                  regime=reg, extra={"skew prescription": skew, "blocks": len(parts)})


@lru_cache(maxsize=64)
def _response(model, ops, regime, skew, crossed=False):
    """The pieces of Eq. 63 from one chain: one :class:`~symkin.kinetics.Kinetics` for every piece,
    the Fermi sea and the beyond-NCA terms included."""
    kin = kinetics(model, regime, skew)
    rs = kin.rs
    n1 = kin.n_leading()
    parts = {name: [] for name in RESPONSE_NAMES}
    nsj, nsk = (kin.n_side_jump(), kin.n_skew()) if n1 else ({}, {})
    for Op in ops:
        diag = lambda R, Op=Op: sp.diag(*[kin.band_matrix(Op, R)[i, i] for i in range(kin.n)])
        parts["fermi_surface"].append(rs.compact(kin.fermi_sum(n1, diag)))
        parts["side_jump"].append(rs.compact(kin.fermi_sum(nsj, diag)))
        parts["skew"].append(rs.compact(kin.fermi_sum(nsk, diag)))
        parts["extrinsic"].append(rs.compact(_extrinsic(kin, Op)))
        parts["intrinsic"].append(_fermi_sea(kin, Op))
    contributions = {name: sp.Matrix(vals) for name, vals in parts.items()}
    defs = _definitions(kin, contributions)
    if defs:  # (several circles: present keeps them collected in the tau_ij)
        contributions = {name: present(v, defs) for name, v in contributions.items()}
    # --- beyond the paper (issue 14): third-order skew scattering of non-Gaussian disorder
    sk3 = third_order_response(kin, ops) if n1 else None
    approx = cv.APPROXIMATION
    if sk3 is not None:  # present only for disorder with <V^3> != 0
        contributions["skew_third_order"] = sp.Matrix(sk3)
        approx = cv.APPROXIMATION + APPROX_SK3
    if crossed:
        for name, vals in (crossed_response(kin, ops) if n1 else
                           {n: [sp.S.Zero] * len(ops) for n in CROSSED_NAMES}).items():
            contributions[name] = sp.Matrix(vals)
        approx = APPROX_CROSSED + "; " + approx
    # --- end issue 14
    return Result("response", contributions, r"\langle O\rangle", labels_of(contributions, "response"),
                  approximation=approx, model=model.name, regime=kin.regime, extra={"skew prescription": skew},
                  definitions=_definitions(kin, contributions) or defs)


def _definitions(kin, contributions):
    """The Fermi-surface variables (symbol -> Definition) a result is written in (:mod:`symkin.algebra.fsvars`)."""
    if not any(has_fermi_symbols(v) for v in contributions.values()):
        return {}
    defs, _ = kin.rs.fermi_variables()
    return {d.symbol: d for d in defs}


def _extrinsic(kin, Op):
    """sum over Fermi rings of n^(-1) gamma_O (Eq. 59)."""
    n1 = kin.n_leading()
    T = lambda R, w: kin.interband(Op, R, w)
    tot = sp.S.Zero
    for R, m, val in kin.diagonal_entries(n1):
        tot += R.r / (2 * sp.pi) * kin.rs.laurent(val * kin.vertex(T, R, m), z, 0)
    return tot


@engine_entry
def extrinsic_trace(model, O, regime=None):
    r""":math:`\sum_k{\rm Tr}[\mathcal T_O\,J(n^{(-1)})]` (Eq. 58) -- the same extrinsic term computed
    directly from the collision operator; equals ``response(...).extrinsic`` (a mutual test)."""
    kin = kinetics(model, regime)
    Op = model.validate_operator(O)
    Jn = kin.collide(kin.n_leading())
    return kin.rs.reduce(kin.fermi_sum(Jn, lambda R: kin.interband(Op, R)))


def intrinsic_density(model, O, band):
    r"""Angle-averaged intrinsic (Fermi-sea) density of band ``band`` as a function of k, with the
    symbol ``Lambda`` standing for :math:`|\mathbf d(k)|` (Eq. 57):

    .. math:: o^a(k) = 2e\sum_{b\ne a}\frac{{\rm Im}[O^{ba}(\mathbf E\cdot\partial_{\mathbf k}H)^{ab}]}
              {(\epsilon_a-\epsilon_b)^2}, \qquad \text{two-band: } P_\pm = \tfrac12[1\pm(h-d_0)/\Lambda].
    """
    Lam = internal("Lambda", positive=True)
    W = rotation_generator(model).W  # (no regime needed: the density is a function of k)
    subs = polar_subs(model, k, z)
    Ht = (dagger(W) * model.H * W).xreplace(subs)
    Ot = (dagger(W) * sp.Matrix(O) * W).xreplace(subs)
    dH = [(dagger(W) * model.H.diff(q) * W).xreplace(subs) for q in model.momenta]
    EdH = E_VEC[0] * dH[0] + E_VEC[1] * dH[1]
    d0 = (Ht[0, 0] + Ht[1, 1]) / 2
    P = [(sp.eye(2) + s * (Ht - d0 * sp.eye(2)) / Lam) / 2 for s in (1, -1)]
    a, b = band, 1 - band
    tr = (P[a] * EdH * P[b] * Ot).trace()  # not expanded: the products are formed in FLINT (flaurent);
    im = (tr - conj(tr, (z,))) / (2 * sp.I)  # SymPy's expand took 280 s for a mass Delta + B k^12
    return sp.cancel(2 * cv.e * angular_average(im, z) / (4 * Lam**2)), Lam


def _sea_intervals(kin):
    """Radial intervals between consecutive Fermi radii (all bands; end points 0, a Ring or oo),
    each with the set of bands below E_F there (decided at the sample point; the closed form holds
    throughout the regime)."""
    rs = kin.rs
    radii = sorted({R.index: R for b in range(kin.n) for R in rs.rings_at(b, rs.E_F)}.values(),
                   key=lambda R: R.numeric[R.r])
    pts = [sp.S.Zero] + radii + [sp.oo]
    nums = [0.0] + [R.numeric[R.r] for R in radii] + [np.inf]
    eF = rs.num(rs.E_F).real
    out = []
    for lo, hi, nlo, nhi in zip(pts[:-1], pts[1:], nums[:-1], nums[1:]):
        mid = nlo + 1.0 if nhi == np.inf else (nlo + nhi) / 2
        occ = tuple(b for b in range(kin.n)
                    if float(rs.blk.energies()[b].subs(rs.sample).subs(k, mid)) < eF)
        if occ:
            out.append((lo, hi, occ))
    return out


@engine_entry
def fermi_sea(model, O, regime=None):
    r"""Intrinsic contribution :math:`\sum_{mk}(ie/\hbar)[\mathcal T,\mathbf E\cdot\mathcal R']^m n_{FD}`
    (Eqs. 57, 72), a Fermi-sea integral over every occupied band (valence band included).

    The k axis is cut at every Fermi radius; on each piece the densities of the occupied bands are
    added *before* integrating, so interband singularities that cancel between two occupied bands
    (the touching point of the Rashba 2DEG at k = 0) never appear."""
    return _fermi_sea(kinetics(model, regime), O)


def _fermi_sea(kin, O):
    """:func:`fermi_sea` on the chain ``kin`` (the one every piece of a response shares)."""
    model = kin.model
    d2 = kin.rs.blk.d_squared
    dens = {}
    for band in range(kin.n):
        dens[band], Lam = intrinsic_density(model, O, band)
    tot = sp.S.Zero
    antis = {}
    for lo, hi, occ in _sea_intervals(kin):
        f = sp.cancel(sum((dens[b] for b in occ), sp.S.Zero))
        if f == 0:
            continue
        if occ not in antis:
            antis[occ] = sea_antiderivative(f / (2 * sp.pi), k, Lam, d2)
        anti = antis[occ]
        if anti is None:
            tot += radial_integral(k * f / (2 * sp.pi), k, _radius(lo), _radius(hi), d2, Lam)
            continue
        F, u = anti
        tot += _sea_at(kin, F, u, Lam, hi) - _sea_at(kin, F, u, Lam, lo)
    return ffactor((tot))


def _radius(x):
    return x.radius if hasattr(x, "radius") else x


def _sea_at(kin, F, u, Lam, x):
    """Antiderivative at an end point: 0, oo, or a Fermi ring (closed form via the ring relation)."""
    d2u = sp.expand(kin.rs.blk.d_squared.subs(k, sp.sqrt(u)))
    if x in (sp.oo, 0):
        check_size(F, "the Fermi-sea antiderivative")  # before sympy.limit
    if x is sp.oo:
        return sp.limit(F.xreplace({Lam: sp.sqrt(d2u)}), u, sp.oo)
    if x == 0:
        val = sp.cancel(F.xreplace({Lam: sp.sqrt(d2u.subs(u, 0))}).subs(u, 0))
        if val.has(sp.nan, sp.zoo, sp.oo, -sp.oo):  # |d| = 0 at k = 0 (bands touch): a limit
            val = sp.limit(F.xreplace({Lam: sp.sqrt(d2u)}), u, 0, "+")
        return val
    return kin.rs.compact(F.xreplace({u: x.r**2, Lam: x.Lam}), final=sp.cancel)


# ---------------------------------------------------------------------- named observables
def _coeff(x, Ei):
    """Coefficient of a field component in an expression linear and homogeneous in E_x, E_y (every
    response is: each stage is linear in the drive eE.v).  By substitution, not ``sp.diff``: the
    derivative of a three-circle contribution in the coupled transport times took 11 s."""
    y = x.xreplace({E: (1 if E == Ei else 0) for E in (cv.E_x, cv.E_y)})
    return ffactor(y) if tree_size(y, 1000) < 1000 and sp.count_ops(y) < 300 else y


@engine_entry
def anomalous_hall(model: Model, regime=None, skew="fermi-shell", crossed=False) -> Result:
    r"""Anomalous Hall conductivity :math:`\sigma_{yx} = j_y/E_x` and its four contributions
    (paper Eqs. 72-86): ``intrinsic`` (Berry curvature, Fermi sea), ``extrinsic`` (the extrinsic
    velocity :math:`\beta`; ``extrinsic_velocity``, the paper's name, reads the same), ``side_jump``
    (:math:`n^{sj}` from J_E) and ``skew`` (:math:`n^{sk}`).

    Computed as :func:`response` of :math:`\hat v_y = \hbar^{-1}\partial H/\partial k_y` with
    :math:`j = -e\langle v\rangle` (one mechanism for every observable).  ``regime="all"``: each
    contribution a Piecewise over every regime (:func:`symkin.across.across_regimes`).
    """
    if isinstance(regime, str) and regime == "all":
        from .across import across_regimes
        return across_regimes(anomalous_hall, model, skew=skew, crossed=crossed)
    r = response(model, model.velocity_operator()[1], regime, skew, crossed)
    pick = {"intrinsic": "intrinsic", "extrinsic": "extrinsic", "side_jump": "side_jump", "skew": "skew"}
    for extra in ("skew_third_order", "crossed_X", "crossed_Psi"):  # issue 14
        if extra in r.contributions:
            pick[extra] = extra
    contrib = {name: _coeff(-cv.e * r[src][0], cv.E_x) for name, src in pick.items()}
    return Result("sigma_yx", contrib, r"\sigma_{yx}", labels_of(contrib, "sigma_yx"), model=model.name,
                  regime=r.regime, approximation=r.approximation, extra={"fermi_surface": _coeff(-cv.e * r.fermi_surface[0], cv.E_x)},
                  definitions=r.definitions)


@engine_entry
def drude_conductivity(model: Model, regime=None):
    r"""Leading-order longitudinal conductivity :math:`\sigma_{xx} = j_x/E_x` from
    :math:`n^{(-1)}_E` with the transport time (Eqs. 29-30); order :math:`1/u_0^2`."""
    r = response(model, model.velocity_operator()[0], regime)
    return _coeff(-cv.e * r.fermi_surface[0], cv.E_x)


@engine_entry
def hall_angle(model: Model, regime=None):
    """sigma_yx / sigma_xx at leading order (order u_0^2)."""
    reg = get_regime(model, regime)
    return ffactor((anomalous_hall(model, reg).total / drude_conductivity(model, reg)))


@engine_entry
def spin_density(model: Model, regime=None, skew="fermi-shell", crossed=False) -> Result:
    r"""Spin density :math:`\langle\mathbf s\rangle` (Pauli matrices, no :math:`\hbar/2`), Eqs. 87-104.
    ``regime="all"``: a Piecewise over every regime (:func:`symkin.across.across_regimes`)."""
    if model.n_bands != 2:
        raise ShapeError("spin_density uses the Pauli matrices of a 2x2 model")
    if isinstance(regime, str) and regime == "all":
        from .across import across_regimes
        return across_regimes(spin_density, model, skew=skew, crossed=crossed)
    r = response(model, PAULI, regime, skew, crossed)
    return Result("spin density <s>", dict(r.contributions), r"\langle\mathbf{s}\rangle",
                  labels_of(r.contributions, "spin_density"), model=model.name, regime=r.regime,
                  approximation=r.approximation, definitions=r.definitions)


@engine_entry
def spin_orbit_torque(model: Model, m=(0, 0, 1), regime=None, mass=None, skew="fermi-shell",
                      crossed=False) -> Result:
    r"""Spin-orbit torque :math:`\boldsymbol\tau = (2M/\hbar)\,\mathbf m\times\langle\mathbf s\rangle` with
    the :math:`\hbar/2` of the spin restored: :math:`\boldsymbol\tau = M\,\mathbf m\times\langle\boldsymbol\sigma\rangle`
    (paper Eq. 105; its first printed term carries a spurious :math:`\rho(\epsilon_F)`).

    ``field_like`` is the Fermi-surface (Edelstein, order :math:`\tau`) part, ``damping_like`` the
    disorder-independent rest.  ``mass`` is the exchange energy M (default: the coefficient of
    :math:`\sigma_z` at k = 0).
    """
    m = sp.Matrix(m)
    if m.shape != (3, 1):
        raise ShapeError("m must be a 3-vector")
    if mass is None:
        h0 = model.H.xreplace({q: 0 for q in model.momenta})
        mass = sp.expand((h0[0, 0] - h0[1, 1]) / 2)
    s = spin_density(model, regime, skew, crossed)
    cross = lambda v: (mass * m.cross(sp.Matrix(v))).applyfunc(lambda x: ffactor((x)))
    fl = cross(s.fermi_surface)
    rest = [v for n, v in s.contributions.items() if n != "fermi_surface"]
    if s.definitions:  # in Fermi-surface variables: the sum of the contributions, each reduced on its own
        dl = sum((cross(v) for v in rest), sp.zeros(3, 1))
    else:
        dl = cross(sum(rest, sp.zeros(3, 1)))
    return Result("spin-orbit torque", {"field_like": fl, "damping_like": dl}, r"\boldsymbol{\tau}",
                  labels_of(("field_like", "damping_like"), "spin_orbit_torque"), model=model.name, regime=s.regime,
                  approximation=s.approximation, definitions=s.definitions)


@engine_entry
def spin_hall(model: Model, regime=None, skew="fermi-shell", crossed=False) -> Result:
    r"""Spin-Hall response: :math:`\langle\{\sigma_z, \hat v_y\}/2\rangle` to :math:`E_x`, the spin
    current :math:`j^z_y` per unit field in units of velocity x (Pauli spin) -- multiply by
    :math:`\hbar/2` for angular momentum."""
    if model.n_bands != 2:
        raise ShapeError(f"spin_hall uses the Pauli sigma_z of a 2x2 model; for this {model.n_bands}x"
                         f"{model.n_bands} model pass the spin current as an operator: "
                         "response(model, (S_z v_y + v_y S_z)/2) with your S_z")
    vy = model.velocity_operator()[1]
    sz = PAULI[2]
    O = (sz * vy + vy * sz) / 2
    r = response(model, O, regime, skew, crossed)
    contrib = {name: _coeff(val[0], cv.E_x) for name, val in r.contributions.items()}
    return Result("spin Hall <{s_z, v_y}/2>/E_x", contrib, r"\chi^{z}_{yx}", labels_of(contrib, "spin_hall"),
                  model=model.name, regime=r.regime, approximation=r.approximation, definitions=r.definitions)
