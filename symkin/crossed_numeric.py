r"""Numeric pair-skew (crossed X, Psi) sigma_yx for any isotropic two-band model and any number of
Fermi circles (issue 14; the rates of :mod:`symkin.crossed`, BEYOND_NCA.md §1), at numeric parameters.

For k on circle i (angle 0) and k' on circle j (angle psi) the antisymmetric rates are

.. math::
    w^X_{ij}(\psi) = -2\pi u_0^4\sum_c\rho_c\,{\rm PV}\Big\langle{\rm Im\,Tr}\big[P_j(k')\,
        \tfrac{{\rm adj}(E-H)}{\det(E-H)}(K-q)\,P_i(k)P_c(q)\big]\Big\rangle_{\chi},\qquad K = k+k',

    w^\Psi_{ij}(\psi) = 2\pi u_0^4\sum_c\rho_c\,{\rm PV}\Big\langle{\rm Im\,Tr}\big[P_j(k')\big(
        \mathcal G(q-Q)P_c(q) + P_c(q)\mathcal G(q+Q)\big)P_i(k)\big]\Big\rangle_\chi,\qquad Q = k-k',

q on circle c at angle chi, :math:`\rho_c = k_c/(2\pi|d\epsilon/dk|)`.  With :math:`u = \cos(\chi-\chi_0)`
(:math:`\chi_0` the direction of K, Q or -Q) :math:`|p|^2 = A - Bu`, so :math:`\det(E-H(p)) = D(u)` is a
polynomial; the even part of the trace is a polynomial g(u) (fitted exactly at Chebyshev nodes), and

.. math:: {\rm PV}\Big\langle\frac{g(u)}{D(u)}\Big\rangle = \langle q(u)\rangle
          + \sum_j\frac{r(u_j)}{D'(u_j)}\,\frac{2}{z_j - 1/z_j},\qquad z_j^2 - 2u_jz_j + 1 = 0,\ |z_j|\le1

(g = qD + r; the pole term vanishes for real :math:`|u_j|<1`).  The psi integrals are split at the
tangency break points (:math:`|K|` or :math:`|Q|` equal to :math:`k_m\pm k_c`), with the endpoint
substitution :math:`\psi = a + (b-a)(1-\cos\tau)/2` that removes the :math:`1/\sqrt{\ }` singularities.
The harmonic-1 Boltzmann equations (:math:`J_0` coupled over the circles, as in the engine) for the
amplitudes on the energy shell, :math:`n = \delta(\epsilon-E)\phi`:
:math:`J_0[\phi^{(-1)}] = -eE_xv_i\cos\theta`, :math:`J_0[\phi^X] = -J_X[\phi^{(-1)}]`;
:math:`\sigma_{yx} = -e\sum_i\rho_i\langle v_i\sin\theta\,\phi_i\rangle/E_x`.  Results in units with e = 1 (multiply by e^2).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from . import conventions as cv
from .errors import RegimeError

_NODES = 17
_UN = np.cos(np.pi * (np.arange(_NODES) + 0.5) / _NODES)
_PHI = np.arccos(_UN)
_PHI_EQ = 2 * np.pi * (np.arange(64) + 0.5) / 64  # offset: never on a pole u = +-1


def _setup(model, E, values):
    kx, ky = model.momenta
    vals = {s: v for s, v in model.sample_point().items()}
    vals.update({s: float(values[s.name]) for s in model.parameters if s.name in values})
    vals[cv.hbar] = float(values.get("hbar", vals.get(cv.hbar, 1.0)))
    H = sp.Matrix(model.H).xreplace(vals)
    fs = [[sp.lambdify((kx, ky), H[a, b], "numpy") for b in range(2)] for a in range(2)]

    def Hn(px, py):
        px, py = np.broadcast_arrays(np.asarray(px, float), np.asarray(py, float))
        out = np.empty(px.shape + (2, 2), complex)
        for a in range(2):
            for b in range(2):
                out[..., a, b] = np.broadcast_to(np.asarray(fs[a][b](px, py), complex), px.shape)
        return out
    return Hn, vals[cv.hbar]


def _circles(Hn, E, kmax=30.0, n=20000):
    ks = np.linspace(1e-6, kmax, n)
    ev = np.linalg.eigvalsh(Hn(ks, 0 * ks))[:, ::-1]  # band 0 = upper
    out = []
    from scipy.optimize import brentq
    for b in range(2):
        g = ev[:, b] - E
        for i in np.nonzero(np.sign(g[:-1]) * np.sign(g[1:]) < 0)[0]:
            kc = brentq(lambda k: np.linalg.eigvalsh(Hn(k, 0.0))[::-1][b] - E, ks[i], ks[i + 1], xtol=1e-15)
            h = 1e-6 * max(kc, 1.0)
            sl = (np.linalg.eigvalsh(Hn(kc + h, 0.0))[::-1][b] - np.linalg.eigvalsh(Hn(kc - h, 0.0))[::-1][b]) / (2 * h)
            out.append((b, kc, sl, kc / (2 * np.pi * abs(sl))))
    return out


class _Rates:
    def __init__(self, Hn, E, circles, u0=1.0):
        self.Hn, self.E, self.circ, self.u0 = Hn, E, circles, u0
        # D(s) = det(E - H(sqrt s, 0)) as a polynomial in s = |p|^2
        ss = np.linspace(0.0, 4.0 * max(c[1] for c in circles) ** 2 + 1.0, 9)
        Ds = [np.linalg.det(E * np.eye(2) - Hn(np.sqrt(s), 0.0)).real for s in ss]
        self.Dpoly = np.polynomial.polynomial.Polynomial.fit(ss, Ds, 4).convert().trim(1e-9 * max(map(abs, Ds)))

    def proj(self, px, py):
        H = self.Hn(px, py)
        d0 = (H[..., 0, 0] + H[..., 1, 1]) / 2
        eye = np.eye(2)
        return (eye + (H - d0[..., None, None] * eye) / (self.E - d0)[..., None, None]) / 2

    def adj(self, px, py):
        H = self.Hn(px, py)
        tr = H[..., 0, 0] + H[..., 1, 1]
        return (self.E - tr)[..., None, None] * np.eye(2) + H

    def pv(self, f, C, kc):
        """PV <f(chi)/D(|p|^2)>_chi with |p|^2 = |C|^2 + kc^2 - 2 |C| kc cos(chi - chi0)."""
        Cm = np.hypot(*C)
        chi0 = np.arctan2(C[1], C[0])
        A, B = Cm**2 + kc**2, 2 * Cm * kc
        Dv = lambda u: self.Dpoly(A - B * u)
        # the poles near the circle |u| <= 4 (roots y_j of D(A - y), u_j = y_j/B; well conditioned)
        near = []
        if B > 1e-12:
            P = np.polynomial.polynomial.Polynomial
            for yj in self.Dpoly(P([A, -1.0])).roots():
                uj = yj / B
                if abs(uj) <= 4.0:
                    near.append(uj)
        g_cheb = np.polynomial.chebyshev.Chebyshev.fit(_UN, 0.5 * (f(chi0 + _PHI) + f(chi0 - _PHI)), _NODES - 1)
        dD = self.Dpoly.deriv()
        res = [(uj, g_cheb(uj) / (-B * dD(A - B * uj))) for uj in near]
        # smooth remainder by the (spectral) trapezoid rule in phi
        u = np.cos(_PHI_EQ)
        gv = 0.5 * (f(chi0 + _PHI_EQ) + f(chi0 - _PHI_EQ))
        smooth = gv / Dv(u) - sum(rj / (u - uj) for uj, rj in res)
        avg = complex(np.mean(smooth))
        for uj, rj in res:
            if abs(uj.imag) < 1e-12 and abs(uj.real) < 1:
                continue
            zj = uj - np.sqrt(uj * uj - 1 + 0j)
            if abs(zj) > 1:
                zj = 1 / zj
            avg += rj * 2 / (zj - 1 / zj)
        return avg.real

    def w(self, i, j, psi, which):
        bi, ki, _, _ = self.circ[i]
        bj, kj, _, _ = self.circ[j]
        k, kp = np.array([ki, 0.0]), kj * np.array([np.cos(psi), np.sin(psi)])
        Pa, Pb = self.proj(*k), self.proj(*kp)
        tot = 0.0
        for bc, kc, _, rho in self.circ:
            def q_of(chi):
                return kc * np.cos(chi), kc * np.sin(chi)
            if which == "X":
                K = k + kp
                def f(chi):
                    qx, qy = q_of(chi)
                    M = Pb @ self.adj(K[0] - qx, K[1] - qy) @ Pa @ self.proj(qx, qy)
                    return np.trace(M, axis1=-2, axis2=-1).imag
                tot += -2 * np.pi * self.u0**4 * rho * self.pv(f, K, kc)
            else:
                Q = k - kp
                def f1(chi):
                    qx, qy = q_of(chi)
                    M = Pb @ self.adj(qx - Q[0], qy - Q[1]) @ self.proj(qx, qy) @ Pa
                    return np.trace(M, axis1=-2, axis2=-1).imag
                def f2(chi):
                    qx, qy = q_of(chi)
                    M = Pb @ self.proj(qx, qy) @ self.adj(qx + Q[0], qy + Q[1]) @ Pa
                    return np.trace(M, axis1=-2, axis2=-1).imag
                tot += 2 * np.pi * self.u0**4 * rho * (self.pv(f1, Q, kc) + self.pv(f2, -Q, kc))
        return tot


def _breaks(circles, i, j):
    ki, kj = circles[i][1], circles[j][1]
    radii = [c[1] for c in circles]
    pts = {0.0, np.pi, 2 * np.pi}
    for km in radii:
        for kc in radii:
            for target in (km + kc, abs(km - kc)):
                for sgn in (1, -1):  # |K|^2 (sgn +1) or |Q|^2 (sgn -1)
                    cpsi = sgn * (target**2 - ki**2 - kj**2) / (2 * ki * kj)
                    if -1 < cpsi < 1:
                        a = np.arccos(cpsi)
                        pts |= {a, 2 * np.pi - a}
    return sorted(pts)


def _psi_avg(fun, pts, n=48, sub=4):
    """<fun(psi)>_psi over [0, 2 pi], split at pts, endpoint-smoothing substitution."""
    x, wts = np.polynomial.legendre.leggauss(n)
    tau = (x + 1) * np.pi / 2
    tot = 0.0
    fine = []
    for a, b in zip(pts[:-1], pts[1:]):
        fine += list(np.linspace(a, b, sub + 1)[:-1])
    fine.append(pts[-1])
    for a, b in zip(fine[:-1], fine[1:]):
        if b - a < 1e-14:
            continue
        psi = a + (b - a) * (1 - np.cos(tau)) / 2
        jac = (b - a) * np.sin(tau) / 2 * np.pi / 2
        tot += sum(wt * jc * fun(p) for wt, jc, p in zip(wts, jac, psi))
    return tot / (2 * np.pi)


def crossed_hall_numeric(model, E, values=None, u0=1.0):
    r"""Numeric pair-skew :math:`\sigma^X_{yx}, \sigma^\Psi_{yx}` (units e = 1, i.e. divide by e^2) at the
    Fermi energy ``E`` (the energy itself) and parameter ``values`` ({name: float}, others from the
    model's sample point).  Returns ``{'crossed_X', 'crossed_Psi', 'circles'}``."""
    values = dict(values or {})
    Hn, hbar = _setup(model, E, values)
    circ = _circles(Hn, E)
    if not circ:
        raise RegimeError(f"no Fermi circle of {model.name} at E = {E}")
    R = _Rates(Hn, E, circ, u0)
    nc = len(circ)
    # J0 (harmonic 1) and the drive, eps-amplitudes of e^{i theta}
    ov = lambda i, j, psi: np.trace(R.proj(circ[i][1], 0.0) @ R.proj(*(circ[j][1] * np.array([np.cos(psi), np.sin(psi)])))).real
    J0 = np.zeros((nc, nc), complex)
    for i in range(nc):
        for j in range(nc):
            rho = circ[j][3]
            J0[i, i] += 2 * np.pi / hbar * u0**2 * rho * _psi_avg(lambda p: ov(i, j, p), [0, np.pi, 2 * np.pi])
            J0[i, j] -= 2 * np.pi / hbar * u0**2 * rho * _psi_avg(lambda p: ov(i, j, p) * np.exp(1j * p), [0, np.pi, 2 * np.pi])
    # on-shell amplitudes phi_i (n = delta(e - E) phi): drive -e E_x v_i cos(theta), v_i = slope/hbar
    drive = np.array([-c[2] / hbar / 2 for c in circ], complex)  # e = 1, E_x = 1
    n1 = np.linalg.solve(J0, drive)
    out = {"circles": [(c[0], c[1]) for c in circ]}
    for which in ("X", "Psi"):
        # J_X[n1]_i = (2 pi/hbar) sum_j rho_j <w_ij(psi) (n1_i + n1_j e^{i psi})>, folded psi <-> -psi
        # (w_ii is odd: the n1_i term and the tan(psi/2)-type growth at K = 0 or Q = 0 cancel exactly)
        JXn = np.zeros(nc, complex)
        for i in range(nc):
            for j in range(nc):
                rho = circ[j][3]
                pts = [p for p in _breaks(circ, i, j) if p <= np.pi + 1e-14]

                def fold(p, i=i, j=j):
                    wp, wm = R.w(i, j, p, which), R.w(i, j, -p, which)
                    if i == j:
                        return 2j * wp * np.sin(p) * n1[j]
                    return wp * (n1[i] + n1[j] * np.exp(1j * p)) + wm * (n1[i] + n1[j] * np.exp(-1j * p))
                JXn[i] += 2 * np.pi / hbar * rho * _psi_avg(fold, pts)
        nX = np.linalg.solve(J0, -JXn)
        # j_y = -e sum_i rho_i <v_i sin(theta) phi_i(theta)>, phi = c z + conj(c)/z -> <.> = -Im c
        # (amplitudes on the energy shell, weight rho_i; with k-shell amplitudes g_i = phi_i/|slope_i|
        # the J0 coupling between circles of different slopes would need the slope ratio)
        sig = sum(c[3] * (c[2] / hbar) * nX[i].imag for i, c in enumerate(circ))
        out["crossed_" + which] = float(sig)
    return out
