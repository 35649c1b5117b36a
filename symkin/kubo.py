r"""Independent diagrammatic check: Kubo-Streda linear response with the Born self-energy and the
ladder (non-crossing) vertex correction for Gaussian white noise, evaluated numerically for any
:class:`symkin.Model` and extrapolated to weak disorder.

Formulas (T = 0, per unit area, ``sum_k = int d^2k/(2 pi)^2``; response of a Hermitian ``A`` to a
perturbation ``-B . F``; for the field ``B_j = -e v_j = -(e/hbar) dH/dk_j`` so that
``delta<A> = K(A, B_j) E_j`` and ``sigma_ij = K(-e v_i, -e v_j)``):

* Streda term I (Fermi surface, Crepieux & Bruno PRB 64, 014416 (2001)):

  .. math:: K^{I}(A,B) = \frac{\hbar}{4\pi}\sum_k\mathrm{Tr}\big\langle A(G^R-G^A)BG^A
            - AG^RB(G^R-G^A)\big\rangle
            = \frac{\hbar}{2\pi}\mathrm{Re}\sum_k\mathrm{Tr}[AG^R\tilde B^{RA}G^A]
            - \frac{\hbar}{2\pi}\mathrm{Re}\sum_k\mathrm{Tr}[AG^R\tilde B^{RR}G^R] ,

  with ``G^R(k) = (E_F - H_k - Sigma^R)^{-1}``.  Born self-energy, delta part only (the real part is
  UV divergent for Dirac models and is dropped, consistently with dropping principal parts in the
  kinetic theory): :math:`\Sigma^R = -i\pi u_0^2\sum_k\delta(E_F-H_k)` (a k-independent matrix;
  for the TI ``-(i hbar/2 tau)(1 + xi sigma_z)``, ``1/tau = pi u_0^2 rho/hbar``).
  Ladder vertex for white noise (k-independent correction):
  :math:`\tilde B^{RX} = B + \Gamma^{RX}`,
  :math:`\Gamma^{RX} = u_0^2\sum_k G^R(B+\Gamma^{RX})G^X` — an ``N^2 x N^2`` linear system.
* Streda term II (Fermi sea) in its weak-disorder (clean) limit, obtained from
  :math:`\frac{\hbar}{4\pi}\int_{-\infty}^{E_F}d\varepsilon\,\mathrm{Tr}[AG^RB\partial_\varepsilon G^R
  - A\partial_\varepsilon G^RBG^R - (R\to A)]` with band-resolved energy integrals:

  .. math:: K^{II} = 2\hbar\sum_{k,a\neq b} n_a\frac{\mathrm{Im}(A^{ab}B^{ba})}{(\epsilon_a-\epsilon_b)^2}
            + \hbar\sum_{k,a}\delta(E_F-\epsilon_a)\sum_{b\neq a}
              \frac{\mathrm{Im}(A^{ab}B^{ba})}{\epsilon_a-\epsilon_b}

  (zero for the massive Dirac / TI model with ``E_F`` in a band, Sinitsyn et al. PRB 75, 045315
  (2007)).

Weak-disorder limit: ``K^I`` is computed at several ``x = u_0^2`` with ``hbar/tau = eta |E_F|``,
``eta`` in ``etas``, and ``x K^I(x) = c_0 + c_1 x + c_2 x^2 + ...`` is fitted: ``c_0/u_0^2`` is the
leading (Drude / Edelstein, ~ 1/u_0^2) part and ``c_1`` the disorder-independent part (side jump,
skew, intrinsic Fermi-surface part).  The paper states that Eq. 86 agrees exactly with this
non-crossing result (Sinitsyn et al. 2007; Ado et al. EPL 111, 37004 (2015) for the crossed
diagrams that are *not* included here).

k-integrals: polar rays (uniform angles), radial Gauss-Legendre on a mesh graded geometrically
towards every quasiparticle pole (width ``Gamma/|d e/d r|``) and towards ``k = 0``, cut off at
``k_cut`` times the largest Fermi radius (the off-shell remainder is ``O(u_0^2)`` and does not
change the weak-disorder limit).
"""
from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np

from . import numeric as nm
from .contributions import labels
from .errors import ShapeError
from .results import Result

__all__ = ["response", "anomalous_hall", "spin_density", "leading_order", "kubo_streda_I"]

#: the parts of the Kubo-Streda response (symkin.contributions): the Fermi-surface term at order
#: 1/u_0^2, its disorder-independent remainder, the Fermi-sea term
KUBO_NAMES = ("fermi_surface", "streda_I", "streda_II")

DEFAULT_ETAS = (0.001, 0.002, 0.004, 0.008)
APPROX = ("Kubo-Streda, Born self-energy + ladder vertex (non-crossing) for Gaussian white noise, "
          "extrapolated to weak disorder; T = 0")


def leading_order(r, rtol=1e-6):
    r"""Each component of a Kubo ``response`` at its own leading order in weak disorder: the
    ``fermi_surface`` part (``c_0/u_0^2``) where it is non-zero (``|c_0| > rtol max|c_0|``), else the
    ``u_0``-independent part ``streda_I + streda_II``.  This is the accuracy of the kinetic theory
    (e.g. Eq. 104: the Edelstein ``z x E`` term at order ``tau``, the ``E``-parallel term at order
    ``tau^0``); the ``u_0``-independent correction to the Edelstein components (relative order
    ``hbar/(epsilon_F tau)``) is dropped.  Returns the three parts so masked, {name: array}."""
    lead = np.asarray(r.fermi_surface)
    big = np.abs(lead) > rtol * np.abs(lead).max() if np.abs(lead).max() else np.zeros(lead.shape, bool)
    return {"fermi_surface": np.where(big, lead, 0.0), "streda_I": np.where(big, 0.0, r.streda_I),
            "streda_II": np.where(big, 0.0, r.streda_II)}


# ===================================================================== k mesh
@lru_cache(maxsize=None)
def _gl(n):
    """Gauss-Legendre nodes and weights on [0, 1]."""
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1), 0.5 * w


def _radial_mesh(peaks, widths, L, n_core=16, n_gl=12, n_far=24, n_tail=48, levels=5, ratio=3.0,
                 k_max=None):
    """Radial nodes/weights on [0, inf) for one ray, graded towards each pole ``peaks`` (widths in
    k units) and towards 0, with the tail ``r = r0 + L t/(1-t)``.  Weights include the factor r."""
    order = np.argsort(peaks)
    peaks, widths = np.asarray(peaks)[order], np.asarray(widths)[order]
    pieces = []  # (a, b, n)
    m = len(peaks)
    lo_lim = np.concatenate(([0.0], 0.5 * (peaks[:-1] + peaks[1:])))
    hi_lim = np.concatenate((0.5 * (peaks[:-1] + peaks[1:]), [1.5 * peaks[-1]] if m else []))
    start = 0.0
    for p, g, a, b in zip(peaks, widths, lo_lim, hi_lim):
        dl, dr = p - max(a, 0.5 * p), b - p
        left = max(p - dl, start)
        if left > start:
            pieces.append((start, left, n_far, start == 0.0))
        # graded towards the pole from both sides
        for sgn, d in ((-1, p - left), (1, dr)):
            if g >= d:
                pieces.append((p, p + sgn * d, n_core, False))
                continue
            pieces.append((p, p + sgn * g, n_core, False))
            x = g
            while x < d:
                x2 = min(x * ratio, d)
                if d - x2 < 0.5 * (x2 - x):
                    x2 = d
                pieces.append((p + sgn * x, p + sgn * x2, n_gl, False))
                x = x2
        start = p + dr
    rs, ws = [], []
    for a, b, n, graded in pieces:
        if b < a:
            a, b = b, a
        if graded:
            sub = [(b * ratio ** -(j + 1), b * ratio ** -j) for j in range(levels)]
            sub.append((0.0, b * ratio ** -levels))
        else:
            sub = [(a, b)]
        xg, wg = _gl(n)
        for a1, b1 in sub:
            r = a1 + (b1 - a1) * xg
            rs.append(r)
            ws.append((b1 - a1) * wg * r)
    if k_max is None:  # mapped tail to infinity
        xt, wt = _gl(n_tail)
        r = start + L * xt / (1 - xt)
        rs.append(r)
        ws.append(L * wt / (1 - xt) ** 2 * r)
    elif k_max > start:  # hard cut-off, graded geometrically outwards
        a = start
        xg, wg = _gl(n_far)
        while a < k_max:
            b = min(2 * a, k_max)
            r = a + (b - a) * xg
            rs.append(r)
            ws.append((b - a) * wg * r)
            a = b
    return np.concatenate(rs), np.concatenate(ws)


def _k_mesh(cm, sh_roots, Gamma, E, n_theta, k_cut=None):
    """Polar mesh: (kx, ky, w) with ``sum_k -> sum w``."""
    theta = 2 * np.pi * np.arange(n_theta) / n_theta
    ti, rr, bd = nm.shell_roots(cm, theta, E)
    kxs, kys, ws = [], [], []
    L = cm.k_scale
    # pole widths: Gamma_band/|d e/dr| at the roots
    c, s = np.cos(theta[ti]), np.sin(theta[ti])
    e, U = np.linalg.eigh(cm.H(rr * c, rr * s))
    idx = np.arange(rr.size)
    V = U[idx, :, bd]
    dHr = c[:, None, None] * cm.dH[0](rr * c, rr * s) + s[:, None, None] * cm.dH[1](rr * c, rr * s)
    slope = np.abs(np.einsum("na,nab,nb->n", V.conj(), dHr, V).real)
    gam = np.einsum("na,ab,nb->n", V.conj(), Gamma, V).real / slope
    k_max = None if k_cut is None else k_cut * rr.max()
    for i, th in enumerate(theta):
        sel = ti == i
        r, w = _radial_mesh(rr[sel], gam[sel], L, k_max=k_max)
        kxs.append(r * np.cos(th))
        kys.append(r * np.sin(th))
        ws.append(w)
    w = np.concatenate(ws) * (2 * np.pi / n_theta) / nm.TWO_PI_SQ
    return np.concatenate(kxs), np.concatenate(kys), w


# ===================================================================== Streda I at one disorder strength
def kubo_streda_I(cm, Afs, E, x, rho_w, n_theta=64, ladder=True, k_cut=None):
    r"""``K^I(A_o, B_j)`` at disorder ``x = u_0^2`` (Born self-energy, ladder vertex).

    Returns
    -------
    ndarray (n_o, 2)
    """
    N = cm.N
    Gamma = np.pi * x * rho_w
    kx, ky, w = _k_mesh(cm, None, Gamma, E, n_theta, k_cut)
    Hk = cm.H(kx, ky)
    GR = np.linalg.inv(E * np.eye(N) - Hk + 1j * Gamma)
    GA = GR.conj().transpose(0, 2, 1)
    B = np.stack([-(cm.e / cm.hbar) * d(kx, ky) for d in cm.dH])  # (2, nk, N, N)
    A = np.stack([f(kx, ky) for f in Afs])  # (n_o, nk, N, N)
    out = np.zeros((len(Afs), 2))
    I = np.eye(N * N)
    for G2, sign in ((GA, 1.0), (GR, -1.0)):  # RA and RR
        GRB = np.einsum("kab,jkbc->jkac", GR, B)
        bare = np.einsum("k,okab,jkbc,kca->oj", w, A, GRB, G2)
        if ladder:
            bvec = np.einsum("k,jkab,kbc->jac", w, GRB, G2)  # sum G^R B G^X
            Pi = np.einsum("k,kac,kdb->abcd", w, GR, G2).reshape(N * N, N * N)
            cvec = np.einsum("k,kab,okbc,kcd->oad", w, G2, A, GR)  # sum G^X A G^R
            Gam = np.linalg.solve(I - x * Pi, x * bvec.reshape(2, N * N).T).T.reshape(2, N, N)
            bare = bare + np.einsum("jab,oba->oj", Gam, cvec)
        out += sign * bare.real
    return cm.hbar / (2 * np.pi) * out


def _streda_II(cm, Afs, E, n_theta=64, n_shell=64):
    r"""Clean-limit Fermi-sea Streda term ``K^II(A_o, B_j)``, ``B_j = -(e/hbar) dH/dk_j``."""
    # one pass (max_doublings=0): its radial nodes cancel the Fermi-surface part of a massive Dirac
    # model to 1e-17; the refined passes converge to ~4e-12 of it, more than the weak-disorder fit's
    # 1e-5 needs
    sea = nm.sea_integral_occupied(cm, E, nm.intrinsic_integrand(cm, Afs, cm.e, E), n_theta=n_theta,
                                   max_doublings=0)
    sea = np.asarray(sea).reshape(len(Afs), 2)
    sh = nm.fermi_shell(cm, E, n_shell)
    idx = np.arange(sh.n)
    U = sh.U
    Uh = U.conj().transpose(0, 2, 1)
    Ab = np.stack([Uh @ f(sh.kx, sh.ky) @ U for f in Afs])[:, idx, sh.band, :]  # A^{sb}
    # B^{bs}: shape (n, 2, N) (the advanced indices go first)
    Bb = np.stack([Uh @ (-(cm.e / cm.hbar) * d) @ U for d in sh.dH])[:, idx, :, sh.band]
    de = sh.e[idx, sh.band][:, None] - sh.e
    de[idx, sh.band] = np.inf
    fs = cm.hbar * np.einsum("n,ona,nja,na->oj", sh.w, Ab, Bb, 1 / de).imag
    return sea + fs


def _fit(xs, ys):
    """Fit ``x K(x) = c0 + c1 x + ...`` through the points; returns (c0, c1) arrays."""
    xs = np.asarray(xs)
    V = np.vander(xs, len(xs), increasing=True)  # 1, x, x^2, ...
    Y = np.stack([x * y for x, y in zip(xs, ys)])
    coef = np.linalg.solve(V, Y.reshape(len(xs), -1)).reshape((len(xs),) + Y.shape[1:])
    return coef[0], coef[1], coef


def response(model, values, O, regime=None, *, etas=DEFAULT_ETAS, n_theta=64, ladder=True,
             k_cut=4.0, gauge_seed=None, energy=None, band=None):
    r"""Weak-disorder Kubo-Streda response of the operators ``O`` to a uniform electric field.

    Parameters
    ----------
    model : symkin.Model
    values : dict
        Numbers by symbol name (as :func:`symkin.numeric.response`).
    O : sympy.Matrix or sequence of sympy.Matrix
    regime : None, str or Regime
        As :func:`symkin.numeric.response` (``band=`` is its former name, deprecated).
    etas : sequence of float
        ``hbar/tau / |E_F|`` values used for the extrapolation to weak disorder.
    n_theta : int
        Number of rays of the k mesh.
    ladder : bool
        Include the ladder vertex correction (default).
    k_cut : float or None
        Radial cut-off of the ``K^I`` k integrals in units of the largest Fermi radius (``None``:
        integrate to infinity).  Away from the Fermi surface the integrand of ``K^I`` is
        ``O(u_0^2)`` and analytic in ``u_0^2``, so the cut-off drops out of the weak-disorder limit;
        it protects against UV-sensitive off-shell pieces of single terms (e.g. the ladder vertex
        of the k^3-warped TI diverges logarithmically along the nodal directions of the warping).

    Returns
    -------
    Result
        ``backend='kubo'``, arrays of shape ``(n_O, 2)`` (columns: ``E_x``, ``E_y``):
        ``fermi_surface`` = ``c_0/u_0^2`` at the given ``u_0`` (Drude / Edelstein part of ``K^I``),
        ``streda_I`` = ``c_1`` (the disorder-independent part of ``K^I``), ``streda_II`` (the
        Fermi-sea term, clean limit); ``r.energy``, ``r.fit`` (``x`` values, raw ``K^I(x)``, the fit
        coefficients).  :func:`leading_order` keeps each component at its own order.
    """
    regime = nm.regime_argument(regime, band, "symkin.kubo.response")
    Ol = nm.as_operator_list(O)
    cm = nm.CompiledModel(model, values, gauge_seed)
    for o in Ol:
        model.validate_operator(o)
    Afs = [cm.operator(o) for o in Ol]
    E = nm.fermi_energy(cm, regime) if energy is None else float(energy)
    sh = nm.fermi_shell(cm, E, max(n_theta, 64))
    rho_w = sh.rho_w
    dos = np.trace(rho_w).real
    xs = [eta * abs(E) / (np.pi * dos) for eta in etas]
    ys = [kubo_streda_I(cm, Afs, E, x, rho_w, n_theta, ladder, k_cut) for x in xs]
    c0, c1, coef = _fit(xs, ys)
    lead = c0 / cm.u0 ** 2
    II = _streda_II(cm, Afs, E, n_theta=max(n_theta, 64))
    parts = {"fermi_surface": lead, "streda_I": c1, "streda_II": II}
    return Result("response", parts, r"\langle O\rangle", labels(parts, "response"), model=model.name,
                  regime=nm.regime_label(regime, E), approximation=APPROX,
                  extra={"energy": E, "fit": {"x": xs, "K_I": ys, "coef": coef}}, backend="kubo")


def anomalous_hall(model, values, regime=None, *, band=None, **kw):
    r"""Weak-disorder non-crossing Kubo-Streda ``sigma_yx = e^2 K(v_y, v_x)``: a :class:`Result`
    (``backend='kubo'``) whose total (``float(r)``) is the conductivity; contributions as
    :func:`response`, floats.

    For the TI surface this is Eq. 86, ``4 e^2 M (1+xi^2) / (2 pi hbar epsilon_F (1+3 xi^2)^2)``.
    """
    regime = nm.regime_argument(regime, band, "symkin.kubo.anomalous_hall")
    vy = model.velocity_operator()[1]
    r = response(model, values, [vy], regime=regime, **kw)
    e_ch = float(values.get("e", 1.0))
    contrib = {n: float(-e_ch * r[n][0, 0]) for n in KUBO_NAMES}
    return Result("sigma_yx", contrib, r"\sigma_{yx}", labels(contrib, "sigma_yx"), model=model.name,
                  regime=r.regime, approximation=APPROX, extra=r.extra, backend="kubo")


def spin_density(model, values, regime=None, *, band=None, **kw):
    r"""Weak-disorder Kubo-Streda spin density ``<sigma_i>`` per unit ``E_j``: (3, 2) array, rows
    ``sigma_x, sigma_y, sigma_z``, columns ``E_x, E_y``.

    A :class:`Result` (``backend='kubo'``); each component at its leading order
    (:func:`leading_order`): the Edelstein
    components ``~1/u_0^2`` (evaluated at the given ``u_0``), the others ``u_0``-independent.  For
    the TI surface this is Eq. 104.  The full expansion is in :func:`response`.
    """
    regime = nm.regime_argument(regime, band, "symkin.kubo.spin_density")
    if model.n_bands != 2:
        raise ShapeError("spin_density with Pauli matrices needs a two-band model")
    r = response(model, values, list(nm.pauli()), regime=regime, **kw)
    parts = leading_order(r)
    return Result("spin density <s>", parts, r"\langle\mathbf{s}\rangle", labels(parts, "spin_density"),
                  model=model.name, regime=r.regime, approximation=APPROX, extra=r.extra, backend="kubo")


def __getattr__(name):
    if name == "KuboResponse":  # former return type: every route now returns symkin.results.Result
        warnings.warn("symkin.kubo.KuboResponse is now symkin.results.Result", DeprecationWarning, stacklevel=2)
        return Result
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
