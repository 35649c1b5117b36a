r"""Numeric back-end: the semiclassical chain of Burgos Atencia, Niu & Culcer, PRR 4, 013001 (2022),
evaluated on discretised Fermi contours for any 2D k.p model (isotropic or not).

Everything is composed from **one** routine, the Born collision operator for white-noise disorder
acting on a band-matrix distribution (paper Eqs. 13-19, 24-26; ``O^{ab}_{kk'} = <u^a_k|u^b_{k'}>``,
``K = pi u_0^2/hbar``, ``sum_k = int d^2k/(2 pi)^2``):

.. math::

    J(f)^{ab}_k = K\sum_{k'cd}\big[O^{ac}_{kk'}O^{cd}_{k'k}f^{db}_k\,\delta(\epsilon^c_{k'}-\epsilon^b_k)
      - O^{ac}_{kk'}f^{cd}_{k'}O^{db}_{k'k}\,\delta(\epsilon^c_{k'}-\epsilon^b_k)
      - O^{ad}_{kk'}f^{dc}_{k'}O^{cb}_{k'k}\,\delta(\epsilon^a_k-\epsilon^c_{k'})
      + f^{ad}_kO^{dc}_{kk'}O^{cb}_{k'k}\,\delta(\epsilon^a_k-\epsilon^c_{k'})\big].

Because the white-noise correlator does not depend on ``k - k'``, every sum over ``k'`` collapses to
an ``N x N`` *shell matrix*

.. math:: \rho_X(\varepsilon) = \sum_{k',c} \delta(\epsilon^c_{k'}-\varepsilon)\,X^c_{k'}\,
          |u^c_{k'}\rangle\langle u^c_{k'}| ,

(``X = 1`` gives the spectral matrix ``rho_w``).  For a band-diagonal ``n`` this gives the closed form

.. math:: J(n)^{ab}_k = K\langle a_k|n^b_k\rho_1(\epsilon^b_k)-\rho_n(\epsilon^b_k)|b_k\rangle
          + K\langle a_k|n^a_k\rho_1(\epsilon^a_k)-\rho_n(\epsilon^a_k)|b_k\rangle ,

so the Boltzmann operator ``J0 = [J(diag n)]^{diag}`` (Eq. 28) is "diagonal minus rank N^2" and is
inverted exactly through an ``N^2 x N^2`` linear system (the semiclassical twin of the k-independent
ladder vertex).  No double loop over contour points is ever formed.

The chain (all on the energy shell ``E = +/- epsilon_F``; only delta parts of energy denominators):

* ``n^(-1)``: ``J0[n^(-1)] = e E.v (dn_FD/de)`` (Eq. 27); the constant mode of each shell is fixed
  by requiring the shell density to be unchanged.
* ``S_ext^{ab} = hbar D'^{ab}/(i(e^a-e^b))``, ``D' = -[J(n^(-1))]^{off}`` (Eqs. 31, 33).
* extrinsic: ``sum_k Tr[T_O J(n^(-1))]``, ``T_O^{ab} = hbar O^{ab}/(i(e^a-e^b))`` (Eqs. 44, 58);
  for the velocity ``T_O = R'`` (interband Berry connection) and this is the extrinsic-velocity term
  (Eqs. 47, 75).
* side jump: ``J0[n^sj] = -J_E(n_FD)`` with the gauge-invariant form of Eq. 38,
  ``J_E = 2K (dn_FD/de) eE . sum Re{[R'_k O_kk' - O_kk' R'_k']^{mm'} (O^{mm'}_kk')^*} delta``.
* skew: ``J0[n^sk] = -[J(S_ext)]^{diag}`` (Eqs. 35, 36).  ``[J(S_ext)]^{mm}`` is non-zero for every
  band ``m`` at the momenta where ``S_ext`` lives (for the TI also the valence band at ``|k| = k_F``,
  energy ``-epsilon_F``; see paper/NOTES.md).  It is evaluated through the adjoint (reciprocity)
  identity ``sum O n^sk = -sum chi J_sk`` with ``J0 chi = O^{diag}`` solved on every shell that is
  reached (for anisotropic models a continuum of shells: Chebyshev interpolation in energy).
* intrinsic (Fermi sea, Eqs. 72, 91): ``sum_k sum_a n_FD(e^a) 2e sum_{b!=a}
  Im[O^{ba}(E.dH)^{ab}]/(e^a-e^b)^2``; ``J(S_int)`` is *not* added (paper/NOTES.md).

Delta functions on the contour: ``sum_k' F(k') delta(e^c_k' - E) = int dtheta r F/|d e/d r|/(2 pi)^2``
on rays ``theta`` (roots ``r`` of ``e^c(r, theta) = E`` found numerically; several contours per band
allowed).  With a uniform angle grid this trapezoid rule converges exponentially for smooth contours.

Conventions: :mod:`symkin.conventions` (``e > 0``, ``j = -e Tr(v f)``, ``sigma_yx = j_y/E_x``).

Accuracy and scope
------------------
* Isotropic models: the angular integrands are low-degree trigonometric polynomials, so a handful of
  rays already gives machine precision (TI: all five contributions of Eqs. 74-86 to ~1e-14).
* Anisotropic, star-shaped contours: exponential convergence of the Fermi-surface terms in
  ``n_points``.  The Fermi-sea term converges only algebraically when the model has sharp angular
  structure at large k (e.g. strong k^3 warping); contours that are not star-shaped about k = 0
  are handled (several roots per ray) with algebraic convergence.
* Bands must be non-degenerate on every shell used (:class:`~symkin.errors.DegeneracyError`).
* Particle-hole asymmetric models (``D k^2 sigma_0``, a tilt, Rashba): with ``skew='all-shells'``
  the skew shells away from ``E_F`` sit at ``e^a(k_F) != -E_F``, as the printed delta-only
  collision integral prescribes, and the result differs from the non-crossing Kubo-Streda one
  (:mod:`symkin.kubo`).  The default ``skew='fermi-shell'`` (twice ``diagnostics["skew_fermi_shell"]``)
  equals Kubo (BHZ-like, tilted Dirac, Rashba ferromagnet in all regimes, to 1e-6); for
  particle-hole symmetric models the two parts are equal and both prescriptions agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import sympy as sp

from . import conventions as cv
from .crossed_numeric import crossed_response_numeric
from .errors import DegeneracyError, MomentumError, RegimeError, ShapeError

__all__ = ["CompiledModel", "Shell", "Response", "HallResponse", "compile_model", "fermi_shell",
           "response", "anomalous_hall", "spin_density",
           "sea_integral_occupied"]

TWO_PI_SQ = (2.0 * np.pi) ** 2


# ===================================================================== model compilation
class _MatFun:
    r"""Vectorised evaluation of a k-dependent ``N x N`` SymPy matrix.

    Polynomial entries are stored as ``{(p, q): C_pq}`` and evaluated as
    :math:`\sum_{pq} C_{pq} k_x^p k_y^q` (exact derivatives); other entries fall back to
    :func:`sympy.lambdify`.
    """

    def __init__(self, mat, kx, ky):
        mat = sp.Matrix(mat)
        self.shape = mat.shape
        self.kx, self.ky = kx, ky
        self.terms = None
        self.mat = mat
        extra = mat.free_symbols - {kx, ky}
        if extra:
            raise MomentumError(f"no numeric value for {sorted(map(str, extra))}")
        if all(sp.expand(x).is_polynomial(kx, ky) for x in mat):
            terms = {}
            for i in range(mat.shape[0]):
                for j in range(mat.shape[1]):
                    x = sp.expand(mat[i, j])
                    if x == 0:
                        continue
                    for (p, q), c in sp.Poly(x, kx, ky).terms():
                        terms.setdefault((p, q), np.zeros(self.shape, complex))[i, j] += complex(c)
            self.terms = terms
        else:  # non-polynomial: lambdify element-wise
            self.funcs = [[sp.lambdify((kx, ky), mat[i, j], "numpy") for j in range(mat.shape[1])]
                          for i in range(mat.shape[0])]

    def __call__(self, kx, ky):
        kx = np.asarray(kx, float)
        ky = np.asarray(ky, float)
        shp = np.broadcast(kx, ky).shape
        if self.terms is not None:
            out = np.zeros(shp + self.shape, complex)
            for (p, q), c in self.terms.items():
                mono = np.broadcast_to(kx ** p * ky ** q, shp)
                out += mono[..., None, None] * c
            return out
        out = np.empty(shp + self.shape, complex)
        for i, row in enumerate(self.funcs):
            for j, f in enumerate(row):
                out[..., i, j] = np.broadcast_to(np.asarray(f(kx, ky), complex), shp)
        return out

    def diff(self, k):
        """The derivative with respect to the momentum symbol ``k``."""
        if self.terms is None:
            return _MatFun(self.mat.diff(k), self.kx, self.ky)
        new = _MatFun.__new__(_MatFun)
        new.shape, new.kx, new.ky, new.mat = self.shape, self.kx, self.ky, self.mat.diff(k)
        new.terms = {}
        for (p, q), c in self.terms.items():
            if k == self.kx and p > 0:
                new.terms.setdefault((p - 1, q), np.zeros(self.shape, complex))
                new.terms[(p - 1, q)] += p * c
            elif k == self.ky and q > 0:
                new.terms.setdefault((p, q - 1), np.zeros(self.shape, complex))
                new.terms[(p, q - 1)] += q * c
        return new


def _substitutions(expr_syms, values, exclude=()):
    """Map every free symbol (except ``exclude``) to ``float(values[name])``."""
    sub = {}
    for s in expr_syms:
        if s in exclude:
            continue
        if s.name not in values:
            raise MomentumError(f"no numeric value given for symbol {s.name!r}")
        sub[s] = float(values[s.name])
    return sub


class CompiledModel:
    r"""A :class:`symkin.Model` with numbers substituted: fast ``H(k)``, ``dH/dk`` and eigen-systems.

    Parameters
    ----------
    model : symkin.Model
    values : dict
        Numbers by symbol *name*: every parameter of ``H`` plus ``hbar``, ``e``, ``u_0`` and
        ``epsilon_F`` (``e`` defaults to 1 if absent).
    gauge_seed : int, optional
        If given, every eigenvector returned by :meth:`eig` is multiplied by a random phase
        (a test hook for gauge independence).
    """

    def __init__(self, model, values, gauge_seed=None):
        self.model = model
        self.values = dict(values)
        kx, ky = model.momenta
        self.kx_sym, self.ky_sym = kx, ky
        sub = _substitutions(model.H.free_symbols, values, exclude=(kx, ky))
        self.sub = {**sub, **{s: float(values[s.name]) for s in _std_symbols() if s.name in values}}
        H = sp.Matrix(model.H).subs(sub)
        self.N = H.shape[0]
        self.H = _MatFun(H, kx, ky)
        self.dH = (self.H.diff(kx), self.H.diff(ky))
        self.hbar = float(values["hbar"])
        self.e = float(values.get("e", 1.0))
        self.u0 = float(values[model.disorder.u0.name])
        self.eF = float(values[model.fermi_level.name])
        self._rng = None if gauge_seed is None else np.random.default_rng(gauge_seed)
        self._grids = {}
        H0 = self.H(0.0, 0.0)
        self.energy_scale = max(abs(self.eF), float(np.abs(np.linalg.eigvalsh(H0)).max()), 1e-300)
        self.k_scale = self._find_k_scale()

    # ------------------------------------------------------------------ helpers
    def operator(self, O):
        """Compile an operator (SymPy matrix, may depend on k and on the model's symbols)."""
        O = sp.Matrix(O)
        if O.shape != (self.N, self.N):
            raise ShapeError(f"operator has shape {O.shape}, the Hamiltonian ({self.N}, {self.N})")
        kx, ky = self.kx_sym, self.ky_sym
        sub = _substitutions(O.free_symbols, {**{s.name: v for s, v in self.sub.items()}, **self.values},
                             exclude=(kx, ky))
        return _MatFun(O.subs(sub), kx, ky)

    def _find_k_scale(self):
        """Momentum where ``||H(k) - H(0)||`` reaches the energy scale (sets grids and tails)."""
        H0 = self.H(0.0, 0.0)
        target = self.energy_scale
        th = np.linspace(0, 2 * np.pi, 8, endpoint=False)

        def spread(r):
            d = self.H(r * np.cos(th), r * np.sin(th)) - H0
            return np.linalg.norm(d, ord=2, axis=(-2, -1)).max()

        r = 1.0
        for _ in range(200):
            s = spread(r)
            if s < target:
                r *= 2.0
            elif spread(r / 2) >= target:
                r /= 2.0
            else:
                return r
        return 1.0

    def eigvalsh(self, kx, ky):
        Hk = self.H(kx, ky)
        if self.N == 2:  # closed form, much faster than batched LAPACK for 2 x 2
            a, d, b = Hk[..., 0, 0].real, Hk[..., 1, 1].real, Hk[..., 0, 1]
            m, r = 0.5 * (a + d), np.sqrt(0.25 * (a - d) ** 2 + np.abs(b) ** 2)
            return np.stack([m - r, m + r], axis=-1)
        return np.linalg.eigvalsh(Hk)

    def eig(self, kx, ky):
        """Energies (ascending) and eigenvectors (columns) at the given momenta."""
        e, U = np.linalg.eigh(self.H(kx, ky))
        if self._rng is not None:
            U = U * np.exp(2j * np.pi * self._rng.random(U.shape[:-2] + (1, self.N)))
        return e, U

    def radial_grid(self):
        return self.k_scale * np.concatenate(([0.0], np.geomspace(1e-4, 1e4, 321)))


def _std_symbols():
    return (cv.hbar, cv.e, cv.u_0, cv.epsilon_F)


def compile_model(model, values, gauge_seed=None):
    """Return a :class:`CompiledModel` (``H`` and ``dH/dk`` compiled to NumPy)."""
    return CompiledModel(model, values, gauge_seed)


# ===================================================================== contours / shells
@dataclass
class Shell:
    r"""Discretised iso-energy shell ``{(k, c): e^c_k = energy}`` (all bands).

    Attributes
    ----------
    energy : float
    theta, r, kx, ky : ndarray (n,)
        Polar and Cartesian coordinates of the points.
    band : ndarray (n,) of int
        Band index (ascending energies) of each point.
    w : ndarray (n,)
        Measure: ``sum_k F delta(e^c_k - energy) = sum_i w_i F_i``,
        ``w = dtheta r/|d e/d r|/(2 pi)^2``.
    e : ndarray (n, N)
        All band energies at the point.
    U : ndarray (n, N, N)
        Eigenvectors (columns), ``V = U[:, :, band]``.
    dH : ndarray (2, n, N, N)
        ``dH/dk_x``, ``dH/dk_y`` in the orbital basis.
    """

    energy: float
    theta: np.ndarray
    r: np.ndarray
    kx: np.ndarray
    ky: np.ndarray
    band: np.ndarray
    w: np.ndarray
    e: np.ndarray
    U: np.ndarray
    dH: np.ndarray
    V: np.ndarray = field(init=False)
    rho_w: np.ndarray = field(init=False)

    def __post_init__(self):
        idx = np.arange(len(self.r))
        self.V = self.U[idx, :, self.band]
        self.rho_w = np.einsum("n,na,nb->ab", self.w, self.V, self.V.conj())

    @property
    def n(self):
        return len(self.r)

    def expect(self, rho):
        r"""``<V_i|rho|V_i>`` for a stack of matrices ``rho`` (..., N, N) -> (..., n)."""
        return np.einsum("na,...ab,nb->...n", self.V.conj(), rho, self.V)

    def velocity(self, hbar):
        """Band velocity ``grad e / hbar`` at the points, shape (2, n)."""
        return np.einsum("na,mnab,nb->mn", self.V.conj(), self.dH, self.V).real / hbar


def _roots(cm, theta, E, bands=None):
    """All radii ``r`` with ``e^c(r, theta) = E`` on each ray (sign changes on a geometric grid,
    then safeguarded Newton with Hellmann-Feynman slopes).  Returns (theta_index, r, band)."""
    key = (theta.size, float(theta[0]), float(theta[-1]))
    R = cm.radial_grid()
    if key not in cm._grids:
        c, s = np.cos(theta)[:, None], np.sin(theta)[:, None]
        cm._grids[key] = cm.eigvalsh(c * R, s * R)  # (n_theta, n_r, N)
    ev = cm._grids[key]
    ti, lo, hi, flo, bd = [], [], [], [], []
    for c in range(cm.N) if bands is None else bands:
        f = ev[:, :, c] - E
        pos = f > 0
        it, jr = np.nonzero(pos[:, :-1] != pos[:, 1:])
        ti.append(it)
        lo.append(R[jr])
        hi.append(R[jr + 1])
        flo.append(f[it, jr])
        bd.append(np.full(it.size, c))
    ti, lo, hi, flo, bd = map(np.concatenate, (ti, lo, hi, flo, bd))
    if ti.size == 0:
        return ti, lo, bd
    th = theta[ti]
    c, s = np.cos(th), np.sin(th)
    x = 0.5 * (lo + hi)
    idx = np.arange(x.size)
    for _ in range(200):
        e, U = np.linalg.eigh(cm.H(x * c, x * s))
        V = U[idx, :, bd]
        dHr = c[:, None, None] * cm.dH[0](x * c, x * s) + s[:, None, None] * cm.dH[1](x * c, x * s)
        f = e[idx, bd] - E
        fp = np.einsum("na,nab,nb->n", V.conj(), dHr, V).real
        same = (f > 0) == (flo > 0)
        lo, hi = np.where(same, x, lo), np.where(same, hi, x)
        flo = np.where(same, f, flo)
        with np.errstate(divide="ignore", invalid="ignore"):
            xn = x - f / fp
        bad = ~np.isfinite(xn) | (xn <= lo) | (xn >= hi)
        xn = np.where(bad & (f != 0), 0.5 * (lo + hi), np.where(f == 0, x, xn))
        done = np.abs(xn - x) <= 2e-16 * np.abs(x) + 1e-300
        x = xn
        if done.all():
            break
    return ti, x, bd


def fermi_shell(cm, E, n_points=400):
    r"""The iso-energy shell at energy ``E`` on ``n_points`` uniformly spaced rays.

    Returns
    -------
    Shell
    """
    theta = 2 * np.pi * np.arange(n_points) / n_points
    ti, r, bd = _roots(cm, theta, E)
    if r.size == 0:
        raise RegimeError(f"no states at energy {E!r}: the Fermi level lies in a gap")
    th = theta[ti]
    kx, ky = r * np.cos(th), r * np.sin(th)
    e, U = cm.eig(kx, ky)
    dH = np.stack([cm.dH[0](kx, ky), cm.dH[1](kx, ky)])
    idx = np.arange(r.size)
    V = U[idx, :, bd]
    dHr = np.cos(th)[:, None, None] * dH[0] + np.sin(th)[:, None, None] * dH[1]
    slope = np.abs(np.einsum("na,nab,nb->n", V.conj(), dHr, V).real)
    gaps = np.abs(e - e[idx, bd][:, None])
    gaps[idx, bd] = np.inf
    if gaps.min() < 1e-9 * cm.energy_scale:
        raise DegeneracyError(f"bands are degenerate on the shell at energy {E!r}")
    w = (2 * np.pi / n_points) * r / slope / TWO_PI_SQ
    return Shell(E, th, r, kx, ky, bd, w, e, U, dH)


# ===================================================================== the Boltzmann solve
def solve_shell(sh, rhs, K):
    r"""Solve the Born Boltzmann equation (Eq. 28) on one shell, ``J0[g] = rhs``.

    With ``rho_g = sum_j w_j g_j P_j`` (``P_j = |V_j><V_j|``) the operator reads
    ``J0[g]_i = 2K (Gamma_i g_i - <V_i|rho_g|V_i>)``, ``Gamma_i = <V_i|rho_w|V_i>``; eliminating
    ``g`` leaves an ``N^2 x N^2`` system for ``rho_g``.  The constant mode (density) is fixed by
    ``sum_i w_i g_i = Tr rho_g = 0``; the shell average of ``rhs`` is removed first (it vanishes for
    every physical source, by particle conservation).

    Parameters
    ----------
    sh : Shell
    rhs : ndarray (n, m)
        Right-hand sides (coefficients of the shell delta function).
    K : float
        ``pi u_0^2 / hbar``.

    Returns
    -------
    g : ndarray (n, m)
    rho : ndarray (m, N, N)
        ``sum_j w_j g_j P_j``.
    mean : ndarray (m,)
        The removed shell average of ``rhs``.
    """
    rhs = np.asarray(rhs, float)
    N = sh.V.shape[1]
    mean = sh.w @ rhs / sh.w.sum()
    rhs = rhs - mean
    P = sh.V[:, :, None] * sh.V.conj()[:, None, :]
    Gam = sh.expect(sh.rho_w).real
    c = sh.w / Gam
    Pv = P.reshape(sh.n, N * N)
    PTv = P.transpose(0, 2, 1).reshape(sh.n, N * N)
    A = np.eye(N * N, dtype=complex) - np.einsum("n,ni,nj->ij", c, Pv, PTv)
    A = np.vstack([A, np.eye(N).reshape(1, N * N)])
    b = np.einsum("n,nm,ni->im", c, rhs / (2 * K), Pv)
    b = np.vstack([b, np.zeros((1, b.shape[1]))])
    sol = np.linalg.lstsq(A, b, rcond=None)[0]
    rho = sol.T.reshape(-1, N, N)
    rho = 0.5 * (rho + rho.conj().transpose(0, 2, 1))
    g = (rhs / (2 * K) + sh.expect(rho).real.T) / Gam[:, None]
    return g, rho, mean


def _chi_shell(cm, E, Ofs, n_points, K):
    """Adjoint solution ``J0 chi = O^{diag} - <O>`` on the shell at ``E``.

    Returns ``rho_w (N,N)``, ``rho_chi (n_o,N,N)``, ``Obar (n_o,)``."""
    sh = fermi_shell(cm, E, n_points)
    Oss = _band_diag(sh, Ofs)
    _, rho, mean = solve_shell(sh, Oss.T, K)
    return sh.rho_w, rho, mean


def _band_diag(sh, Ofs):
    """``<V_i|O(k_i)|V_i>`` for each operator: (n_o, n)."""
    return np.stack([np.einsum("na,nab,nb->n", sh.V.conj(), O(sh.kx, sh.ky), sh.V).real
                     for O in Ofs]).reshape(len(Ofs), sh.n)


def _cheb_nodes(a, b, n):
    j = np.arange(n)
    x = np.cos(np.pi * (j + 0.5) / n)
    wts = (-1.0) ** j * np.sin(np.pi * (j + 0.5) / n)
    return 0.5 * (a + b) + 0.5 * (b - a) * x, wts


def _cheb_interp(nodes, wts, vals, x):
    """Barycentric interpolation (Chebyshev points of the first kind), vals (n_nodes, ...)."""
    d = x[:, None] - nodes[None, :]
    exact = d == 0
    d[exact] = 1.0
    c = wts[None, :] / d
    c[exact.any(1)] = exact[exact.any(1)].astype(float)
    c /= c.sum(1, keepdims=True)
    return np.tensordot(c, vals, axes=(1, 0))


# ===================================================================== Fermi sea
def sea_integral_occupied(cm, E, integrand, n_theta=400, n_gl=24, n_tail=48, levels=5):
    r"""``sum_k F(k)`` over the union of the occupied regions, ``F`` a function of the whole occupied
    subspace (e.g. the curvature of the occupied projector, Eqs. 72, 91).

    Unlike integrating each energy-ordered band over its own occupied
    region, the pieces here are bounded by the Fermi radii of *all* bands on each ray, so the
    occupation set is constant inside every piece and an integrand that only depends on the
    occupied projector is smooth there even where two occupied bands cross (energy-ordered band
    labels swap at a crossing, which makes a per-band Berry curvature discontinuous and spoils
    Gauss-Legendre convergence).

    Parameters
    ----------
    integrand : callable
        ``integrand(kx, ky, e, U)`` -> array (n, ...) evaluated at the nodes; it decides the
        occupation of each band itself from ``e < E``.

    Returns
    -------
    ndarray
        The weighted sum over nodes, ``sum w F`` (with the ``1/(2 pi)^2`` of the k-sum).
    """
    theta = 2 * np.pi * np.arange(n_theta) / n_theta
    ti, rr, _ = _roots(cm, theta, E)
    xg, wg = np.polynomial.legendre.leggauss(n_gl)
    xg, wg = 0.5 * (xg + 1), 0.5 * wg
    xt, wt = np.polynomial.legendre.leggauss(n_tail)
    xt, wt = 0.5 * (xt + 1), 0.5 * wt
    L = cm.k_scale
    rs, ws, ths, bs = [], [], [], []

    def anyocc(r, th):
        return (cm.eigvalsh(r * np.cos(th), r * np.sin(th)) < E).any(axis=1)

    def add(a0, a1, occ, th):
        a0, a1, th = a0[occ], a1[occ], th[occ]
        if a0.size == 0:
            return
        pieces = [(a0, a1)]
        if np.all(a0 == 0):  # graded towards the origin
            pieces = [(a1 * 4.0 ** -(j + 1), a1 * 4.0 ** -j) for j in range(levels)]
            pieces.append((a0, a1 * 4.0 ** -levels))
        for p0, p1 in pieces:
            r = p0[:, None] + (p1 - p0)[:, None] * xg
            _append(rs, ws, ths, bs, r, (p1 - p0)[:, None] * wg * r, th, -1)

    roots = [np.unique(rr[ti == i]) for i in range(n_theta)]
    counts = np.array([len(x) for x in roots])
    for m in np.unique(counts):
        rows = np.nonzero(counts == m)[0]
        th = theta[rows]
        Rb = np.array([roots[i] for i in rows]).reshape(len(rows), m)
        edges = np.concatenate([np.zeros((len(rows), 1)), Rb], axis=1)
        for j in range(m):
            a0, a1 = edges[:, j], edges[:, j + 1]
            keep = a1 > a0
            occ = keep & anyocc(0.5 * (a0 + a1), th)
            add(a0, a1, occ, th)
        r0 = edges[:, m]
        occ = anyocc(r0 + L, th)
        if m == 0:
            add(np.zeros(len(rows)), np.full(len(rows), L), occ, th)
            r0 = r0 + L
        r = r0[occ][:, None] + L * xt / (1 - xt)
        _append(rs, ws, ths, bs, r, L * wt / (1 - xt) ** 2 * r, th[occ], -1)
    if not rs:
        return 0.0
    r = np.concatenate(rs)
    w = np.concatenate(ws) * (2 * np.pi / n_theta) / TWO_PI_SQ
    th = np.concatenate(ths)
    kx, ky = r * np.cos(th), r * np.sin(th)
    e, U = cm.eig(kx, ky)
    F = integrand(kx, ky, e, U)
    return np.tensordot(w, F, axes=(0, 0))


def _append(rs, ws, ths, bs, r, wr, th, a):
    if r.size:
        rs.append(r.ravel())
        ws.append(wr.ravel())
        ths.append(np.repeat(th, r.shape[1]))
        bs.append(np.full(r.size, a))


def _intrinsic_integrand(cm, Ofs, hbar_e, E):
    r"""Integrand of the Fermi-sea term (Eqs. 72, 91) for every operator and field direction, as a
    function of the occupied subspace:
    ``2e sum_{a occ} sum_{b unocc} Im[O^{ba} (dH_mu)^{ab}]/(e^a - e^b)^2`` -> (n, n_o, 2).

    The pairs with both bands occupied cancel pointwise in ``sum_a n_a sum_{b != a}`` (the summand
    is antisymmetric in a, b); dropping them removes the ``0/0`` of nearly degenerate occupied
    bands, and the remaining sum is smooth across crossings of occupied bands.  Integrate it with
    :func:`sea_integral_occupied`."""
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


# ===================================================================== the response chain
@dataclass(frozen=True)
class Response:
    r"""Linear response of a list of operators to a uniform field, split by mechanism.

    Each field is an array of shape ``(n_O, 2)``: row = operator, column 0 = response to a unit
    ``E_x``, column 1 = to a unit ``E_y``.

    Attributes
    ----------
    fermi_surface : ndarray
        ``sum_k O^{mm} n^(-1)m`` (Eq. 27; Drude / Edelstein, ~ 1/u_0^2).
    intrinsic : ndarray
        Fermi-sea interband term (Eqs. 72, 91).
    extrinsic : ndarray
        ``sum_k Tr[T_O J(n^(-1))]`` (extrinsic velocity / spin, Eqs. 44, 58, 75, 97).
    side_jump : ndarray
        ``sum_k O^{mm} n^sj`` (Eqs. 37, 38, 79, 100).
    skew : ndarray
        ``sum_k O^{mm} n^sk`` on every shell (Eqs. 35, 36, 83, 102).
    total : ndarray
        The sum of the five.
    energy : float
        The Fermi energy used.
    diagnostics : dict
        ``n_shell_points``; ``rhs_mean_n1``/``rhs_mean_sj`` (relative shell averages of the sources
        removed before the Boltzmann solves, ~1e-16 when particle number is conserved);
        ``skew_shells`` (energy, or energy range, of the off-shell skew shells per band);
        ``skew_fermi_shell``/``skew_other_shells`` (the skew split by the shell that carries it).
    crossed_X, crossed_Psi : ndarray or None
        Pair skew scattering (crossed X and Psi diagrams, :mod:`symkin.crossed_numeric`, order
        u_0^0) with ``crossed=True``; included in ``total`` then.
    """

    fermi_surface: np.ndarray
    intrinsic: np.ndarray
    extrinsic: np.ndarray
    side_jump: np.ndarray
    skew: np.ndarray
    energy: float
    diagnostics: dict = field(default_factory=dict)
    crossed_X: np.ndarray | None = None
    crossed_Psi: np.ndarray | None = None

    @property
    def total(self):
        t = self.fermi_surface + self.intrinsic + self.extrinsic + self.side_jump + self.skew
        return t if self.crossed_X is None else t + self.crossed_X + self.crossed_Psi

    def __getitem__(self, name):
        return getattr(self, name)


@dataclass(frozen=True)
class HallResponse:
    r"""Anomalous Hall conductivity ``sigma_yx = j_y/E_x`` by mechanism (floats).

    ``extrinsic_velocity`` is Eq. 75, ``side_jump`` Eq. 79, ``skew`` Eq. 83, ``intrinsic`` Eq. 72;
    ``fermi_surface`` is the Drude part of ``sigma_yx`` (zero for isotropic models).
    ``diagnostics`` as in :class:`Response`, with the skew split converted to ``sigma_yx``.
    """

    fermi_surface: float
    intrinsic: float
    extrinsic_velocity: float
    side_jump: float
    skew: float
    energy: float
    diagnostics: dict = field(default_factory=dict)
    crossed_X: float | None = None
    crossed_Psi: float | None = None

    @property
    def total(self):
        t = self.fermi_surface + self.intrinsic + self.extrinsic_velocity + self.side_jump + self.skew
        return t if self.crossed_X is None else t + self.crossed_X + self.crossed_Psi

    def __getitem__(self, name):
        return getattr(self, name)


def _fermi_energy(cm, band):
    if band in ("conduction", "c", "+", 1, None):
        return cm.eF
    if band in ("valence", "v", "-", -1):
        return -cm.eF
    raise RegimeError(f"band must be 'conduction' or 'valence', got {band!r}")


def _as_list(O):
    if isinstance(O, (list, tuple)):
        return list(O)
    return [O]


def response(model, values, O, n_points=400, band="conduction", *, n_cheb=24, n_sea=None,
             gauge_seed=None, energy=None, skew="fermi-shell", crossed=False):
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
    band : {'conduction', 'valence'}
        ``E_F = +epsilon_F`` or ``-epsilon_F``.
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
        Add the pair-skew contributions ``crossed_X``, ``crossed_Psi`` (isotropic two-band models,
        :func:`symkin.crossed_numeric.crossed_response_numeric`).

    Returns
    -------
    Response
        Arrays of shape ``(len(O), 2)``.
    """
    Ol = _as_list(O)
    cm = CompiledModel(model, values, gauge_seed)
    for o in Ol:
        model.validate_operator(o)
    Ofs = [cm.operator(o) for o in Ol]
    E = _fermi_energy(cm, band) if energy is None else float(energy)
    r = _response(cm, Ofs, E, n_points, n_cheb, n_sea or n_points, skew)
    if crossed:
        c = crossed_response_numeric(model, E, Ol, values, e=cm.e)
        r = replace(r, crossed_X=c["crossed_X"], crossed_Psi=c["crossed_Psi"])
    return r


def _response(cm, Ofs, E, n_points, n_cheb, n_sea, skew="fermi-shell"):
    hbar, e_ch = cm.hbar, cm.e
    K = np.pi * cm.u0 ** 2 / hbar
    n_o = len(Ofs)
    sh = fermi_shell(cm, E, n_points)
    n, N = sh.n, cm.N
    idx = np.arange(n)
    s = sh.band
    w = sh.w
    U, V = sh.U, sh.V
    Uh = U.conj().transpose(0, 2, 1)
    Ob = np.stack([Uh @ O(sh.kx, sh.ky) @ U for O in Ofs])  # (n_o, n, N, N) band basis
    Oss = Ob[:, idx, s, s].real  # (n_o, n)
    Osa = Ob[:, idx, s, :]  # O^{s a}: (n_o, n, N)
    dHb = np.einsum("nba,mnbc,ncd->mnad", U.conj(), sh.dH, U)  # (2, n, N, N)
    vel = dHb[:, idx, s, s].real / hbar  # (2, n)
    offd = np.ones((n, N), bool)
    offd[idx, s] = False
    de = sh.e - sh.e[idx, s][:, None]  # e^a - e^s
    de_safe = np.where(offd, de, 1.0)
    diag = {"n_shell_points": n}

    # ---- leading order n^(-1): J0 g = -e E.v  (Eq. 27)
    g1, rho1, m1 = solve_shell(sh, -e_ch * vel.T, K)
    fs = np.einsum("n,on,nm->om", w, Oss, g1)
    diag["rhs_mean_n1"] = np.abs(m1).max() / (np.abs(e_ch * vel).max() + 1e-300)

    # ---- J(n^(-1))^{as} = K <a|(g rho_w - rho_g)|s>, S_ext^{as} = i hbar X^{as}/(e^a - e^s)
    Mg = g1.T[:, :, None, None] * sh.rho_w[None, None] - rho1[:, None]  # (2, n, N, N)
    X = K * np.einsum("nba,mnbc,nc->mna", U.conj(), Mg, V)  # (2, n, N)
    X = np.where(offd[None], X, 0.0)
    S = 1j * hbar * X / de_safe[None]  # S^{as}
    ext = 2 * np.einsum("n,ona,mna->om", w, Osa, S).real

    # ---- side jump: J_E (gauge-invariant Eq. 38) and J0 n^sj = -J_E
    denom = sh.e[:, None, :] - sh.e[:, :, None]  # e^b - e^a
    denom[:, np.arange(N), np.arange(N)] = np.inf
    Rp = 1j * dHb / denom[None]  # interband Berry connection R'^{ab} = i dH^{ab}/(e^b - e^a)
    A_row = np.einsum("mnb,ncb->mnc", Rp[:, idx, s, :], U.conj())  # (R' U^dag)[s, :]
    B_col = np.einsum("nab,nmb->mna", U, Rp[:, idx, :, s])  # U R'[:, s] (adv. index first)
    sigB = np.einsum("n,mna,nb->mab", w, B_col, V.conj())
    JE = -2 * K * e_ch * (np.einsum("mna,ab,nb->mn", A_row, sh.rho_w, V) - sh.expect(sigB)).real
    gsj, _, msj = solve_shell(sh, -JE.T, K)
    sj = np.einsum("n,on,nm->om", w, Oss, gsj)
    diag["rhs_mean_sj"] = np.abs(msj).max() / (np.abs(JE).max() + 1e-300)

    # ---- skew, through the adjoint: skew = -2K sum_i w_i sum_{a!=s} Re{S^{as} Y^{sa} + S^{sa} Z^{as}}
    chi, rho_chi, _ = solve_shell(sh, Oss.T, K)  # (n, n_o), (n_o, N, N)
    My = chi.T[:, :, None, None] * sh.rho_w[None, None] - rho_chi[:, None]  # (n_o, n, N, N)
    Y = np.einsum("na,onab,nbc->onc", V.conj(), My, U)  # <s|(...)|a>
    skew_E = -2 * K * np.einsum("n,mna,ona->om", w, S, Y).real  # skew carried by the E_F shell
    if skew == "all-shells":
        Z = _skew_Z(cm, sh, Ofs, K, n_points, n_cheb, offd, diag)  # (n_o, n, N) = <a|(...)|s>
        skew_other = -2 * K * np.einsum("n,mna,ona->om", w, S.conj(), Z).real  # ... by the other shells
        skew_tot = skew_E + skew_other
        diag["skew_other_shells"] = skew_other
    else:  # the E_F-shell part twice (symkin.kinetics.Kinetics.J_skew)
        skew_tot = 2 * skew_E
    diag["skew_fermi_shell"] = skew_E

    # ---- intrinsic (Fermi sea)
    intr = sea_integral_occupied(cm, E, _intrinsic_integrand(cm, Ofs, e_ch, E), n_theta=n_sea)
    intr = np.asarray(intr).reshape(n_o, 2) if n_o else np.zeros((0, 2))
    return Response(fs, intr, ext, sj, skew_tot, E, diag)


def _skew_Z(cm, sh, Ofs, K, n_points, n_cheb, offd, diag):
    r"""``Z^{as}_i = <a_i|(chi^a(k_i) rho_w(e) - rho_chi(e))|s_i>`` on the shells ``e = e^a(k_i)``,
    with ``chi^a(k_i)`` from the Nystrom formula ``((O^{aa} - <O>)/2K + <a|rho_chi|a>)/<a|rho_w|a>``."""
    n, N = sh.n, cm.N
    n_o = len(Ofs)
    idx = np.arange(n)
    Z = np.zeros((n_o, n, N), complex)
    energies = []
    for a in range(N):
        pts = np.nonzero(offd[:, a])[0]
        if pts.size == 0:
            continue
        eps = sh.e[pts, a]
        lo, hi = eps.min(), eps.max()
        tol = 1e-10 * cm.energy_scale
        if hi - lo <= tol:  # one shell (isotropic models)
            rw, rc, ob = _chi_shell(cm, 0.5 * (lo + hi), Ofs, n_points, K)
            rw = np.broadcast_to(rw, (pts.size, N, N))
            rc = np.broadcast_to(rc[:, None], (n_o, pts.size, N, N))
            ob = np.broadcast_to(ob[:, None], (n_o, pts.size))
            energies.append(0.5 * (lo + hi))
        else:  # a continuum of shells: Chebyshev interpolation in energy
            nodes, wts = _cheb_nodes(lo, hi, n_cheb)
            res = [_chi_shell(cm, x, Ofs, n_points, K) for x in nodes]
            rw = _cheb_interp(nodes, wts, np.stack([r[0] for r in res]), eps)
            rc = _cheb_interp(nodes, wts, np.stack([r[1] for r in res]), eps).transpose(1, 0, 2, 3)
            ob = _cheb_interp(nodes, wts, np.stack([r[2] for r in res]), eps).T
            energies.append((lo, hi))
        Ua = sh.U[pts, :, a]
        Vs = sh.V[pts]
        Oaa = np.stack([np.einsum("na,nab,nb->n", Ua.conj(), O(sh.kx[pts], sh.ky[pts]), Ua).real
                        for O in Ofs])
        gam = np.einsum("na,nab,nb->n", Ua.conj(), rw, Ua).real
        chi_a = ((Oaa - ob) / (2 * K) + np.einsum("na,onab,nb->on", Ua.conj(), rc, Ua).real) / gam
        Mz = chi_a[:, :, None, None] * rw[None] - rc
        Z[:, pts, a] = np.einsum("na,onab,nb->on", Ua.conj(), Mz, Vs)
    diag["skew_shells"] = energies
    return Z


# ===================================================================== convenience wrappers
def anomalous_hall(model, values, n_points=400, band="conduction", **kw):
    r"""Anomalous Hall conductivity ``sigma_yx = j_y/E_x = -e <v_y>/E_x`` by mechanism.

    ``v_y = (1/hbar) dH/dk_y``.  For the TI surface (Eq. 68) with ``xi = M/epsilon_F`` and
    ``c = e^2 M/(2 pi hbar epsilon_F)`` the expected values are: intrinsic ``c/2`` (Eq. 74),
    extrinsic velocity ``c(1-xi^2)/(1+3xi^2)`` (Eq. 78), side jump the same (Eq. 82), skew
    ``3c(1-xi^2)^2/(2(1+3xi^2)^2)`` (Eq. 85), total ``4c(1+xi^2)/(1+3xi^2)^2`` (Eq. 86).

    Returns
    -------
    HallResponse
    """
    vy = model.velocity_operator()[1]
    r = response(model, values, [vy], n_points=n_points, band=band, **kw)
    e_ch = float(values.get("e", 1.0))
    f = lambda x: float(-e_ch * x[0, 0])  # noqa: E731
    diag = dict(r.diagnostics)
    for key in ("skew_fermi_shell", "skew_other_shells"):
        if key in diag:
            diag[key] = f(diag[key])
    cr = {} if r.crossed_X is None else {"crossed_X": f(r.crossed_X), "crossed_Psi": f(r.crossed_Psi)}
    return HallResponse(f(r.fermi_surface), f(r.intrinsic), f(r.extrinsic), f(r.side_jump),
                        f(r.skew), r.energy, diag, **cr)


def pauli():
    """The Pauli matrices (sigma_x, sigma_y, sigma_z) as SymPy matrices."""
    return tuple(sp.Matrix(m) for m in cv.PAULI)


def spin_density(model, values, n_points=400, band="conduction", **kw):
    r"""Spin density ``<sigma>`` (Pauli, no hbar/2) per unit field: :func:`response` with
    ``O = (sigma_x, sigma_y, sigma_z)`` (two-band models).

    For the TI surface, Eq. 104 with ``rho = epsilon_F/(2 pi hbar^2 v_F^2)``,
    ``1/tau = pi u_0^2 rho/hbar``: ``<s> = -e tau v_F rho (1-xi^2)/(1+3xi^2) z x E
    + 4 e hbar v_F rho M/epsilon_F^2 (1+xi^2)/(1+3xi^2)^2 E``.
    """
    if model.n_bands != 2:
        raise ShapeError("spin_density with Pauli matrices needs a two-band model")
    return response(model, values, list(pauli()), n_points=n_points, band=band, **kw)
