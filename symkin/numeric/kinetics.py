r"""The numeric chain, stage 3 (mirrors :mod:`symkin.kinetics`): the Born collision operator on a
discretised shell and the named stages of the paper's chain.

Everything is composed from **one** routine, the Born collision operator for white-noise disorder
acting on a band-matrix distribution (paper Eqs. 13-19, 24-26; ``O^{ab}_{kk'} = <u^a_k|u^b_{k'}>``,
``K = pi u_0^2/hbar``).  Because the white-noise correlator does not depend on ``k - k'``, every sum
over ``k'`` collapses to an ``N x N`` *shell matrix*
``rho_X(e) = sum_{k',c} delta(e^c_{k'} - e) X^c_{k'} |u^c_{k'}><u^c_{k'}|`` (``X = 1``: ``rho_w``), and
for a band-diagonal ``n``

.. math:: J(n)^{ab}_k = K\langle a_k|n^b_k\rho_1(\epsilon^b_k)-\rho_n(\epsilon^b_k)|b_k\rangle
          + K\langle a_k|n^a_k\rho_1(\epsilon^a_k)-\rho_n(\epsilon^a_k)|b_k\rangle ,

so ``J0 = [J(diag n)]^{diag}`` (Eq. 28) is "diagonal minus rank N^2" and is inverted exactly through
an ``N^2 x N^2`` linear system (:func:`solve_shell`).  No double loop over contour points is formed.

The stages of :class:`ShellKinetics` (all on the shell ``E``; delta parts of energy denominators only),
the numeric twins of :class:`symkin.kinetics.Kinetics`:

* ``n_leading``: ``J0[n^(-1)] = e E.v (dn_FD/de)`` (Eq. 27); the shell density is kept fixed;
* ``D_prime``: ``D' = -[J(n^(-1))]^{off}`` (Eq. 33), ``S_ext = hbar D'/(i(e^a - e^b))`` (Eq. 31);
* ``J_E``: the gauge-invariant field-corrected collision integral (Eq. 38),
  ``J_E = 2K (dn_FD/de) eE . sum Re{[R'_k O_kk' - O_kk' R'_k']^{mm'} (O^{mm'}_kk')^*} delta``,
  and ``n_side_jump``: ``J0[n^sj] = -J_E``;
* ``skew``: ``J0[n^sk] = -[J(S_ext)]^{diag}`` (Eqs. 35, 36) through the adjoint identity
  ``sum O n^sk = -sum chi J_sk``, ``J0 chi = O^{diag}``, on every shell reached (anisotropic models:
  a continuum of shells, Chebyshev interpolation in energy);
* ``extrinsic``: ``sum_k Tr[T_O J(n^(-1))]``, ``T_O = hbar O^{ab}/(i(e^a - e^b))`` (Eqs. 44, 58); for
  the velocity ``T_O = R'`` and this is the extrinsic-velocity term (Eqs. 47, 75).

``skew='fermi-shell'`` (default) takes the E_F-shell part twice, as
:meth:`symkin.kinetics.Kinetics.J_skew`; it equals the non-crossing Kubo result.  ``'all-shells'`` adds
the shells at ``e^a(k_F) != E_F`` (different only without particle-hole symmetry).
"""
from __future__ import annotations

from functools import cached_property

import numpy as np

from .fermi import band_diagonal, fermi_shell

__all__ = ["born_rate", "solve_shell", "ShellKinetics"]


def born_rate(cm):
    r"""``K = pi u_0^2 / hbar``, the strength of the Born collision operator for white noise."""
    return np.pi * cm.u0 ** 2 / cm.hbar


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


class ShellKinetics:
    r"""The kinetic chain on the Fermi shell at energy ``E`` (``n_points`` rays), stage by stage.

    Each stage is computed once, on first use.  Distributions are coefficients of the shell delta
    function, shape ``(n, 2)`` (columns: unit ``E_x``, unit ``E_y``); ``diagnostics`` collects
    ``n_shell_points``, ``rhs_mean_n1``/``rhs_mean_sj`` (relative shell averages of the sources removed
    before the Boltzmann solves, ~1e-16 when particle number is conserved) and, after :meth:`skew`,
    ``skew_fermi_shell``/``skew_other_shells``/``skew_shells``.
    """

    def __init__(self, cm, E, n_points=400, n_cheb=24):
        self.cm, self.E, self.n_points, self.n_cheb = cm, E, n_points, n_cheb
        self.K = born_rate(cm)
        self.sh = sh = fermi_shell(cm, E, n_points)
        n, N = sh.n, cm.N
        self.idx = np.arange(n)
        self.offd = np.ones((n, N), bool)
        self.offd[self.idx, sh.band] = False
        de = sh.e - sh.e[self.idx, sh.band][:, None]  # e^a - e^s
        self.de = np.where(self.offd, de, 1.0)
        self.diagnostics = {"n_shell_points": n}

    # ------------------------------------------------------------------ band basis on the shell
    @cached_property
    def dH_band(self):
        """``<a|dH/dk_mu|b>`` at the shell points, (2, n, N, N)."""
        U = self.sh.U
        return np.einsum("nba,mnbc,ncd->mnad", U.conj(), self.sh.dH, U)

    @cached_property
    def velocity(self):
        """Band velocity ``v^{ss}`` at the points, (2, n)."""
        s = self.sh.band
        return self.dH_band[:, self.idx, s, s].real / self.cm.hbar

    @cached_property
    def berry_connection(self):
        r"""Interband Berry connection ``R'^{ab} = i dH^{ab}/(e^b - e^a)`` (zero diagonal), (2, n, N, N)."""
        sh, N = self.sh, self.cm.N
        denom = sh.e[:, None, :] - sh.e[:, :, None]  # e^b - e^a
        denom[:, np.arange(N), np.arange(N)] = np.inf
        return 1j * self.dH_band / denom[None]

    def operators(self, Ofs):
        """Compiled operators in the band basis: (O^{ss} (n_o, n), O^{sa} (n_o, n, N))."""
        sh = self.sh
        Uh = sh.U.conj().transpose(0, 2, 1)
        Ob = np.stack([Uh @ O(sh.kx, sh.ky) @ sh.U for O in Ofs])  # (n_o, n, N, N)
        s = sh.band
        return Ob[:, self.idx, s, s].real, Ob[:, self.idx, s, :]

    def fermi_sum(self, Oss, g):
        """``sum_k O^{mm} g^m delta(e^m - E)`` for each operator and field direction, (n_o, 2)."""
        return np.einsum("n,on,nm->om", self.sh.w, Oss, g)

    # ------------------------------------------------------------------ the chain
    @cached_property
    def _leading(self):
        e_ch = self.cm.e
        g, rho, mean = solve_shell(self.sh, -e_ch * self.velocity.T, self.K)
        self.diagnostics["rhs_mean_n1"] = np.abs(mean).max() / (np.abs(e_ch * self.velocity).max() + 1e-300)
        return g, rho

    @property
    def n_leading(self):
        """``n^(-1)``: ``J0[n^(-1)] = -e E.v`` (Eq. 27), (n, 2)."""
        return self._leading[0]

    @cached_property
    def D_prime(self):
        r"""``D'^{as} = -[J(n^{(-1)})]^{as}`` for ``a != s`` (Eq. 33), (2, n, N);
        ``J(n)^{as} = K <a|(g rho_w - rho_g)|s>``."""
        sh = self.sh
        g1, rho1 = self._leading
        Mg = g1.T[:, :, None, None] * sh.rho_w[None, None] - rho1[:, None]  # (2, n, N, N)
        X = self.K * np.einsum("nba,mnbc,nc->mna", sh.U.conj(), Mg, sh.V)
        return -np.where(self.offd[None], X, 0.0)

    @cached_property
    def S_ext(self):
        r"""``S_ext^{as} = hbar D'^{as}/(i(e^a - e^s))`` (Eq. 31), (2, n, N)."""
        return self.cm.hbar * self.D_prime / (1j * self.de[None])

    @cached_property
    def J_E(self):
        r"""The field-corrected collision integral ``J_E`` per unit field (gauge-invariant Eq. 38), (2, n)."""
        sh, s, idx = self.sh, self.sh.band, self.idx
        Rp = self.berry_connection
        A_row = np.einsum("mnb,ncb->mnc", Rp[:, idx, s, :], sh.U.conj())  # (R' U^dag)[s, :]
        B_col = np.einsum("nab,nmb->mna", sh.U, Rp[:, idx, :, s])  # U R'[:, s]
        sigB = np.einsum("n,mna,nb->mab", sh.w, B_col, sh.V.conj())
        return -2 * self.K * self.cm.e * (np.einsum("mna,ab,nb->mn", A_row, sh.rho_w, sh.V)
                                          - sh.expect(sigB)).real

    @cached_property
    def n_side_jump(self):
        """``n^sj``: ``J0[n^sj] = -J_E`` (Eq. 37), (n, 2)."""
        JE = self.J_E
        g, _, mean = solve_shell(self.sh, -JE.T, self.K)
        self.diagnostics["rhs_mean_sj"] = np.abs(mean).max() / (np.abs(JE).max() + 1e-300)
        return g

    def extrinsic(self, Osa):
        r"""``sum_k Tr[T_O J(n^{(-1)})]`` (Eqs. 44, 58) = ``2 Re sum w O^{sa} S_ext^{as}``, (n_o, 2)."""
        return 2 * np.einsum("n,ona,mna->om", self.sh.w, Osa, self.S_ext).real

    def skew(self, Ofs, Oss, prescription="fermi-shell"):
        r"""``sum_k O^{mm} n^{sk,m}`` with ``J0[n^sk] = -[J(S_ext)]^{diag}`` (Eqs. 35, 36), (n_o, 2),
        through the adjoint: ``-2K sum_i w_i sum_{a != s} Re{S^{as} Y^{sa} + S^{sa} Z^{as}}``."""
        sh, K, S = self.sh, self.K, self.S_ext
        chi, rho_chi, _ = solve_shell(sh, Oss.T, K)  # (n, n_o), (n_o, N, N)
        My = chi.T[:, :, None, None] * sh.rho_w[None, None] - rho_chi[:, None]  # (n_o, n, N, N)
        Y = np.einsum("na,onab,nbc->onc", sh.V.conj(), My, sh.U)  # <s|(...)|a>
        skew_E = -2 * K * np.einsum("n,mna,ona->om", sh.w, S, Y).real  # carried by the E_F shell
        if prescription == "all-shells":
            Z = self._skew_Z(Ofs)  # (n_o, n, N) = <a|(...)|s>
            other = -2 * K * np.einsum("n,mna,ona->om", sh.w, S.conj(), Z).real  # ... by the other shells
            self.diagnostics["skew_other_shells"] = other
            total = skew_E + other
        else:  # the E_F-shell part twice (symkin.kinetics.Kinetics.J_skew)
            total = 2 * skew_E
        self.diagnostics["skew_fermi_shell"] = skew_E
        return total

    def _chi_shell(self, E, Ofs):
        """Adjoint solution ``J0 chi = O^{diag} - <O>`` on the shell at ``E``:
        ``rho_w (N,N)``, ``rho_chi (n_o,N,N)``, ``Obar (n_o,)``."""
        sh = fermi_shell(self.cm, E, self.n_points)
        _, rho, mean = solve_shell(sh, band_diagonal(sh, Ofs).T, self.K)
        return sh.rho_w, rho, mean

    def _skew_Z(self, Ofs):
        r"""``Z^{as}_i = <a_i|(chi^a(k_i) rho_w(e) - rho_chi(e))|s_i>`` on the shells ``e = e^a(k_i)``,
        with ``chi^a(k_i)`` from the Nystrom formula ``((O^{aa} - <O>)/2K + <a|rho_chi|a>)/<a|rho_w|a>``."""
        cm, sh, K = self.cm, self.sh, self.K
        n, N, n_o = sh.n, cm.N, len(Ofs)
        Z = np.zeros((n_o, n, N), complex)
        energies = []
        for a in range(N):
            pts = np.nonzero(self.offd[:, a])[0]
            if pts.size == 0:
                continue
            eps = sh.e[pts, a]
            lo, hi = eps.min(), eps.max()
            if hi - lo <= 1e-10 * cm.energy_scale:  # one shell (isotropic models)
                rw, rc, ob = self._chi_shell(0.5 * (lo + hi), Ofs)
                rw = np.broadcast_to(rw, (pts.size, N, N))
                rc = np.broadcast_to(rc[:, None], (n_o, pts.size, N, N))
                ob = np.broadcast_to(ob[:, None], (n_o, pts.size))
                energies.append(0.5 * (lo + hi))
            else:  # a continuum of shells: Chebyshev interpolation in energy
                nodes, wts = _cheb_nodes(lo, hi, self.n_cheb)
                res = [self._chi_shell(x, Ofs) for x in nodes]
                rw = _cheb_interp(nodes, wts, np.stack([r[0] for r in res]), eps)
                rc = _cheb_interp(nodes, wts, np.stack([r[1] for r in res]), eps).transpose(1, 0, 2, 3)
                ob = _cheb_interp(nodes, wts, np.stack([r[2] for r in res]), eps).T
                energies.append((lo, hi))
            Ua = sh.U[pts, :, a]
            Oaa = np.stack([np.einsum("na,nab,nb->n", Ua.conj(), O(sh.kx[pts], sh.ky[pts]), Ua).real
                            for O in Ofs])
            gam = np.einsum("na,nab,nb->n", Ua.conj(), rw, Ua).real
            chi_a = ((Oaa - ob) / (2 * K) + np.einsum("na,onab,nb->on", Ua.conj(), rc, Ua).real) / gam
            Mz = chi_a[:, :, None, None] * rw[None] - rc
            Z[:, pts, a] = np.einsum("na,onab,nb->on", Ua.conj(), Mz, sh.V[pts])
        self.diagnostics["skew_shells"] = energies
        return Z


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
