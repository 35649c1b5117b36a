r"""Numeric pair-skew (crossed X, Psi) sigma_yx for any isotropic two-band model and any number of
Fermi circles (issue 14; the rates of :mod:`symkin.crossed`, BEYOND_NCA.md §1), at numeric parameters.

For k on circle i (angle 0) and k' on circle j (angle psi) the antisymmetric rates are

.. math::
    w^X_{ij}(\psi) = -2\pi u_0^4\sum_c\rho_c\,{\rm PV}\Big\langle{\rm Im\,Tr}\big[P_j(k')\,
        \tfrac{{\rm adj}(E-H)}{\det(E-H)}(K-q)\,P_i(k)P_c(q)\big]\Big\rangle_{\chi},\qquad K = k+k',

    w^\Psi_{ij}(\psi) = 2\pi u_0^4\sum_c\rho_c\,{\rm PV}\Big\langle{\rm Im\,Tr}\big[P_j(k')\big(
        \mathcal G(q-Q)P_c(q) + P_c(q)\mathcal G(q+Q)\big)P_i(k)\big]\Big\rangle_\chi,\qquad Q = k-k',

q on circle c at angle chi, :math:`\rho_c = k_c/(2\pi|d\epsilon/dk|)`.  With :math:`u = \cos(\chi-\chi_0)`
(:math:`\chi_0` the direction of K, Q or -Q) :math:`|p|^2 = A - Bu`, and with the roots :math:`y_j` of
:math:`D(y) = \det(E-H)|_{|p|^2=y}`, :math:`u_j = (A-y_j)/B`, the harmonics :math:`g_n` of the trace
(FFT on :math:`4\deg D+3` nodes, exact), all outer angles at once:

.. math:: {\rm PV}\Big\langle\frac{\sum_ng_ne^{in\phi}}{D(A-B\cos\phi)}\Big\rangle
          = \sum_j\frac{1}{-BD'(y_j)}\sum_ng_n\,I_n(u_j),\qquad
          I_n(\cos\alpha) = \frac{\sin|n|\alpha}{\sin\alpha}\ (|u|<1),\quad
          I_n(u) = \frac{2z^{|n|}}{z-1/z}\ (z^2-2uz+1 = 0,\ |z|<1).

The psi integrals are split at the
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
from .bands import rotation_generator
from .errors import RegimeError, ShapeError



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
        self.m_chi = 4 * self.Dpoly.degree() + 3   # chi nodes: the traces have harmonics |n| <= 2 deg

    def proj(self, px, py):
        H = self.Hn(px, py)
        d0 = (H[..., 0, 0] + H[..., 1, 1]) / 2
        eye = np.eye(2)
        return (eye + (H - d0[..., None, None] * eye) / (self.E - d0)[..., None, None]) / 2

    def adj(self, px, py):
        H = self.Hn(px, py)
        tr = H[..., 0, 0] + H[..., 1, 1]
        return (self.E - tr)[..., None, None] * np.eye(2) + H

    def pv_vec(self, g, C, kc):
        r"""PV :math:`\langle g(\chi)/D(|C - q|^2)\rangle_\chi` for many configurations at once: g
        sampled at :math:`\chi = \chi_C + 2\pi m/M` (last axis), q on the circle of radius kc, C (n, 2).

        With :math:`|C-q|^2 = A - B\cos\phi`, the roots :math:`y_j` of D and :math:`u_j = (A-y_j)/B`,
        :math:`1/D = \sum_j 1/(-BD'(y_j)(\cos\phi - u_j))` and, for the harmonics :math:`g_n`,
        :math:`{\rm PV}\langle e^{in\phi}/(\cos\phi-u)\rangle = \sin(|n|\alpha)/\sin\alpha` (u = cos alpha
        real, |u| < 1) or :math:`2z^{|n|}/(z-1/z)`, |z| < 1 (otherwise)."""
        M = g.shape[-1]
        gh = np.fft.fft(g, axis=-1) / M
        n = np.abs(np.fft.fftfreq(M, 1.0 / M))
        Cm = np.hypot(C[:, 0], C[:, 1])
        A, B = Cm**2 + kc**2, 2 * Cm * kc
        dD = self.Dpoly.deriv()
        out = np.zeros(g.shape[:-1], complex)
        for yj in self.Dpoly.roots():
            Ay = A - yj
            lo, hi = (Cm - kc) ** 2 - yj, (Cm + kc) ** 2 - yj     # A - y -+ B, without cancellation
            inside = (abs(np.imag(yj)) < 1e-12 * max(1.0, abs(yj))) & (np.real(lo) < 0) & (np.real(hi) > 0)
            R = np.sqrt(lo * hi + 0j)
            R = np.where((Ay * R.conj()).real < 0, -R, R)
            z = np.where(inside, 0.0, B / np.where(inside, 1.0, Ay + R))
            outer = np.einsum("...n,...n->...", gh, z[..., None] ** n) / (dD(yj) * np.where(inside, 1.0, R))
            uj = np.where(inside, Ay.real / np.where(B > 0, B, 1.0), 0.0)
            al = np.arccos(np.clip(uj, -1.0, 1.0))
            pvin = np.einsum("...n,...n->...", gh, np.sin(n * al[..., None])) / np.where(
                inside, -B * dD(yj) * np.sin(al), 1.0)
            out += np.where(inside, pvin, outer)
        return out

    def w_vec(self, i, j, psi, which):
        """The antisymmetric rate w_ij(psi) (vector over psi)."""
        bi, ki, _, _ = self.circ[i]
        bj, kj, _, _ = self.circ[j]
        psi = np.asarray(psi, float)
        k = np.array([ki, 0.0])
        kp = kj * np.stack([np.cos(psi), np.sin(psi)], axis=-1)      # (n, 2)
        Pa, Pb = self.proj(*k), self.proj(kp[:, 0], kp[:, 1])        # (2, 2), (n, 2, 2)
        phi = 2 * np.pi * np.arange(self.m_chi) / self.m_chi
        tot = np.zeros(psi.shape)
        for bc, kc, _, rho in self.circ:
            if which == "X":
                C = k[None, :] + kp
                chi = np.arctan2(C[:, 1], C[:, 0])[:, None] + phi
                qx, qy = kc * np.cos(chi), kc * np.sin(chi)
                M = Pb[:, None] @ self.adj(C[:, 0, None] - qx, C[:, 1, None] - qy) @ Pa @ self.proj(qx, qy)
                tot += -2 * np.pi * self.u0**4 * rho * self.pv_vec(np.trace(M, axis1=-2, axis2=-1), C, kc).imag
            else:
                Q = k[None, :] - kp
                for sgn in (1.0, -1.0):   # G(q - Q) P_c(q) (C = Q), P_c(q) G(q + Q) (C = -Q)
                    C = sgn * Q
                    chi = np.arctan2(C[:, 1], C[:, 0])[:, None] + phi
                    qx, qy = kc * np.cos(chi), kc * np.sin(chi)
                    G = self.adj(qx - C[:, 0, None], qy - C[:, 1, None])
                    Pq = self.proj(qx, qy)
                    M = Pb[:, None] @ (G @ Pq if sgn > 0 else Pq @ G) @ Pa
                    tot += 2 * np.pi * self.u0**4 * rho * self.pv_vec(np.trace(M, axis1=-2, axis2=-1), C, kc).imag
        return tot

    def w(self, i, j, psi, which):
        """The antisymmetric rate w_ij at one angle psi."""
        return float(self.w_vec(i, j, np.array([psi]), which)[0])


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


def _psi_rule(pts, n=48, sub=4):
    r"""Nodes and weights of :math:`\langle f(\psi)\rangle_\psi = \sum_i w_if(\psi_i)` over the
    pieces between ``pts`` (each cut into ``sub``), endpoint-smoothing substitution
    :math:`\psi = a + (b-a)(1-\cos\tau)/2` (removes the 1/sqrt singularities at tangencies)."""
    x, wts = np.polynomial.legendre.leggauss(n)
    tau = (x + 1) * np.pi / 2
    fine = []
    for a, b in zip(pts[:-1], pts[1:]):
        fine += list(np.linspace(a, b, sub + 1)[:-1])
    fine.append(pts[-1])
    ps, ws = [], []
    for a, b in zip(fine[:-1], fine[1:]):
        if b - a < 1e-14:
            continue
        ps.append(a + (b - a) * (1 - np.cos(tau)) / 2)
        ws.append(wts * (b - a) * np.sin(tau) / 2 * np.pi / 2 / (2 * np.pi))
    return np.concatenate(ps), np.concatenate(ws)


def crossed_amplitudes(model, E, values=None, u0=1.0):
    r"""Solve :math:`J_0[\phi^{(-1)}] = -eE_xv\cos\theta` and :math:`J_0[\phi^{X,\Psi}] = -J_{X,\Psi}[\phi^{(-1)}]`
    on the Fermi circles at energy ``E`` (e = 1, unit :math:`E_x`; parameter ``values`` as
    :func:`crossed_hall_numeric`).

    Returns
    -------
    dict
        ``circles`` (band index, radius, slope, rho) per circle, ``hbar``, the on-shell projector
        function ``proj`` and the harmonic-1 amplitudes ``X``, ``Psi`` (``phi_i = c_i e^{i theta} + c.c.``).
    """
    values = dict(values or {})
    if model.n_bands != 2:
        raise ShapeError(f"pair skew (crossed X, Psi) terms need a two-band model; {model.name} has "
                         f"{model.n_bands} bands")
    rotation_generator(model)  # AnisotropicModelError: the rates are computed on isotropic circles
    Hn, hbar = _setup(model, E, values)
    circ = _circles(Hn, E)
    if not circ:
        raise RegimeError(f"no Fermi circle of {model.name} at E = {E}")
    R = _Rates(Hn, E, circ, u0)
    nc = len(circ)
    # J0 (harmonic 1) and the drive, eps-amplitudes of e^{i theta}
    psi0, w0 = _psi_rule([0, np.pi, 2 * np.pi])
    J0 = np.zeros((nc, nc), complex)
    for i in range(nc):
        Pi = R.proj(circ[i][1], 0.0)
        for j in range(nc):
            Pj = R.proj(circ[j][1] * np.cos(psi0), circ[j][1] * np.sin(psi0))
            ov = np.einsum("ab,nba->n", Pi, Pj).real
            rate = 2 * np.pi / hbar * u0**2 * circ[j][3]
            J0[i, i] += rate * np.sum(w0 * ov)
            J0[i, j] -= rate * np.sum(w0 * ov * np.exp(1j * psi0))
    # on-shell amplitudes phi_i (n = delta(e - E) phi): drive -e E_x v_i cos(theta), v_i = slope/hbar
    drive = np.array([-c[2] / hbar / 2 for c in circ], complex)  # e = 1, E_x = 1
    n1 = np.linalg.solve(J0, drive)
    out = {"circles": circ, "hbar": hbar, "proj": R.proj}
    for which in ("X", "Psi"):
        # J_X[n1]_i = (2 pi/hbar) sum_j rho_j <w_ij(psi) (n1_i + n1_j e^{i psi})>, folded psi <-> -psi
        # (w_ii is odd: the n1_i term and the tan(psi/2)-type growth at K = 0 or Q = 0 cancel exactly)
        JXn = np.zeros(nc, complex)
        for i in range(nc):
            for j in range(nc):
                rho = circ[j][3]
                psi, wt = _psi_rule([p for p in _breaks(circ, i, j) if p <= np.pi + 1e-14])
                wp = R.w_vec(i, j, psi, which)
                if i == j:
                    fold = 2j * wp * np.sin(psi) * n1[j]
                else:
                    wm = R.w_vec(i, j, -psi, which)
                    fold = (wp * (n1[i] + n1[j] * np.exp(1j * psi))
                            + wm * (n1[i] + n1[j] * np.exp(-1j * psi)))
                JXn[i] += 2 * np.pi / hbar * rho * np.sum(wt * fold)
        out[which] = np.linalg.solve(J0, -JXn)
    return out


def crossed_hall_numeric(model, E, values=None, u0=1.0):
    r"""Numeric pair-skew :math:`\sigma^X_{yx}, \sigma^\Psi_{yx}` (units e = 1, i.e. divide by e^2) at the
    Fermi energy ``E`` (the energy itself) and parameter ``values`` ({name: float}, others from the
    model's sample point).  Returns ``{'crossed_X', 'crossed_Psi', 'circles'}``."""
    amp = crossed_amplitudes(model, E, values, u0)
    circ, hbar = amp["circles"], amp["hbar"]
    out = {"circles": [(c[0], c[1]) for c in circ]}
    for which in ("X", "Psi"):
        # j_y = -e sum_i rho_i <v_i sin(theta) phi_i(theta)>, phi = c z + conj(c)/z -> <.> = -Im c
        # (amplitudes on the energy shell, weight rho_i; with k-shell amplitudes g_i = phi_i/|slope_i|
        # the J0 coupling between circles of different slopes would need the slope ratio)
        out["crossed_" + which] = float(sum(c[3] * (c[2] / hbar) * amp[which][i].imag
                                            for i, c in enumerate(circ)))
    return out


def crossed_response_numeric(model, E, ops, values=None, e=1.0, n_theta=64):
    r"""Crossed contributions to :math:`\delta\langle O\rangle = \chi E` for any operators (any observable:
    spin density, torque, currents), :math:`\langle O\rangle^{X} = \sum_i\rho_i\langle O^{mm}_i(\theta)
    \phi^X_i(\theta)\rangle_\theta` (like :math:`n^{sk}`); the E_y column from the E_x solution rotated by
    :math:`\pi/2` (isotropy).  Charge ``e`` enters the drive.

    Returns
    -------
    dict
        ``{'crossed_X': ndarray (n_O, 2), 'crossed_Psi': ndarray (n_O, 2)}`` (columns E_x, E_y).
    """
    amp = crossed_amplitudes(model, E, values)
    kx, ky = model.momenta
    vals = {s: v for s, v in model.sample_point().items()}
    vals.update({s: float((values or {})[s.name]) for s in model.parameters if s.name in (values or {})})
    vals[cv.hbar] = amp["hbar"]
    th = 2 * np.pi * np.arange(n_theta) / n_theta
    res = {"crossed_X": np.zeros((len(ops), 2)), "crossed_Psi": np.zeros((len(ops), 2))}
    for o, O in enumerate(ops):
        Of = sp.lambdify((kx, ky), sp.Matrix(O).xreplace(vals), "numpy")
        for i, (_, kc, _, rho) in enumerate(amp["circles"]):
            px, py = kc * np.cos(th), kc * np.sin(th)
            Ok = np.stack([np.asarray(Of(x, y), complex) for x, y in zip(px, py)])
            Omm = np.einsum("nab,nba->n", amp["proj"](px, py), Ok).real
            h1 = np.mean(Omm * np.exp(1j * th))       # <O^{mm} e^{i theta}>
            for which in ("X", "Psi"):
                c = e * amp[which][i]
                for col, cc in enumerate((c, -1j * c)):  # E_x; E_y: phi(theta - pi/2)
                    res["crossed_" + which][o, col] += rho * 2 * (cc * h1).real
    return res
