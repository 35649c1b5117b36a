r"""Independent diagrammatic route to pair skew scattering: the crossed X and Psi diagrams of the
Kubo-Streda formula with ladder-dressed vertices (issue 14; Ado, Dmitriev, Ostrovsky, Titov, EPL 111,
37004 (2015) and PRL 117, 046601 (2016)), numeric, for any isotropic two-band model and any number
of Fermi circles, extrapolated to weak disorder.

Diagrams (Gaussian white noise :math:`\langle UU\rangle = u_0^2 = x`, Streda I, RA part of
:mod:`symkin.kubo`).  With the diffuson legs
:math:`L_B(k) = G^R(k)\tilde B G^A(k)` and :math:`L_A(k') = G^A(k')\tilde A G^R(k')`, the blocks with
one crossing of two impurity lines between them are

.. math::
    K^X &= \frac{\hbar}{2\pi}x^2\,{\rm Re}\sum_{k,k',p}{\rm Tr}[L_A(k')\,G^R(p)\,L_B(k)\,G^A(k+k'-p)],\\
    K^\Psi &= \frac{\hbar}{2\pi}x^2\,2\,{\rm Re}\sum_{k,k',p}{\rm Tr}[L_A(k')\,G^R(p+k'-k)\,G^R(p)\,L_B(k)]

(:math:`\Psi_R`: three impurity vertices on the retarded line, the middle one paired with the
advanced line; :math:`\Psi_A = \Psi_R^*`).  Crossed self-energy insertions (all four vertices on one
line) only rescale the longitudinal distribution and give no Hall part; RR blocks are O(x).

Weak-disorder limit of the legs (order :math:`x^{-1}` each, so that :math:`K^{X,\Psi} = O(x^0)`):
:math:`L_B(k)\to(\pi/\gamma_a)\,\delta(E-\epsilon_a)\,\ell_B(k)`,
:math:`\ell_B = P_a(B+\Gamma_B)P_a`, :math:`\gamma_a = \pi x\langle a|\rho_w|a\rangle`,
:math:`\rho_w = \sum_k\delta(E-H_k)`, and the ladder vertex solves
:math:`\Gamma_B = \sum_c\sum_{q\in c}P_c(B+\Gamma_B)P_c/\langle c|\rho_w|c\rangle` (the factor x cancels).
The inner momentum p is *not* put on shell: :math:`G^{R/A}(p) = (E - H_p \pm i\pi x\rho_w)^{-1}` at finite
x over the whole plane (no principal value, no antisymmetrisation is assumed), and the result is
extrapolated to :math:`x\to0` like :func:`symkin.kubo.response`.

Evaluation: p in polar coordinates (s, chi).  At fixed s the factor without chi-dependent
denominator is a trigonometric polynomial, the other is :math:`{\rm adj}(\cdot)/D(|p\mp C|^2)` with
:math:`|p\mp C|^2 = A - B\cos(\chi-\chi_C)`, and with the complex roots :math:`y_j` of D,

.. math:: \Big\langle\frac{\sum_n g_ne^{in\phi}}{D(A-B\cos\phi)}\Big\rangle_\phi
          = \sum_j\frac{\sum_n g_n z_j^{|n|}}{D'(y_j)R_j},\qquad R_j = \sqrt{(A-y_j)^2-B^2},\quad
          z_j = \frac{B}{A-y_j+R_j},\ |z_j|<1

(exact; :math:`g_n` by FFT).  The radial integral is graded towards the poles :math:`s = k_c` and the
branch points :math:`s = |C|\pm k_c`; its tail beyond a common radius is summed over the outer angles
first (a k-independent :math:`1/s^2` piece, log-divergent for Dirac cones, drops there).  Outer legs:
k on circle a along x, k' on circle b at angle psi; rotation covariance gives
:math:`\sigma_{yx} = \langle(F_{yx}-F_{xy})/2\rangle_\psi`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import numeric as nm
from .crossed_numeric import _breaks
from .errors import RegimeError, ShapeError

__all__ = ["KuboCrossed", "crossed_hall_kubo"]

DEFAULT_ETAS = (0.001, 0.002, 0.004, 0.008)


@dataclass(frozen=True)
class KuboCrossed:
    r"""Weak-disorder crossed-diagram Hall conductivities (units e = 1 as given by ``values``).

    Attributes
    ----------
    crossed_X, crossed_Psi : float
        The extrapolated :math:`x\to0` values of :math:`\sigma^X_{yx}`, :math:`\sigma^\Psi_{yx}`.
    energy : float
    fit : dict
        ``x`` values and the raw finite-disorder values per diagram.
    """

    crossed_X: float
    crossed_Psi: float
    energy: float
    fit: dict


def _gl(n):
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1), 0.5 * w


def _graded(points, widths, s_max, n=10, ratio=3.0):
    """Gauss nodes on [0, s_max] graded geometrically towards each point (scale ``width``)."""
    pts = sorted({0.0, s_max} | {p for p in points if 0.0 < p < s_max})
    wd = {p: w for p, w in zip(points, widths)}
    wd.setdefault(0.0, min(widths))
    xg, wg = _gl(n)
    rs, ws = [], []
    for a, b in zip(pts[:-1], pts[1:]):
        if b - a < 1e-14 * s_max:
            continue
        mid = 0.5 * (a + b)
        for end, sgn in ((a, 1.0), (b, -1.0)):
            g = min(wd.get(end, (b - a) * 1e-3), 0.5 * (b - a))
            cuts = [0.0]
            d = g
            while d < 0.5 * (b - a):
                cuts.append(d)
                d *= ratio
            cuts.append(0.5 * (b - a))
            for c0, c1 in zip(cuts[:-1], cuts[1:]):
                if c1 - c0 <= 0:
                    continue
                r = end + sgn * (c0 + (c1 - c0) * xg)
                rs.append(r)
                ws.append((c1 - c0) * wg)
        del mid
    return np.concatenate(rs), np.concatenate(ws)


class _Setup:
    """Numbers at one Fermi energy: circles, on-shell legs, the self-energy and D(|p|^2)."""

    def __init__(self, model, values, E, n_shell=64):
        if model.n_bands != 2:
            raise ShapeError("crossed Kubo diagrams are implemented for two-band models")
        self.cm = cm = nm.CompiledModel(model, values)
        self.E = E
        sh = nm.fermi_shell(cm, E, n_shell)
        self.rho_w = sh.rho_w
        P = np.einsum("na,nb->nab", sh.V, sh.V.conj())
        rhat = np.einsum("na,ab,nb->n", sh.V.conj(), sh.rho_w, sh.V).real
        # ladder vertex Gamma_j = sum_q w P (B_j + Gamma_j) P / rhat   (N^2 x N^2 system)
        N = cm.N
        T = np.einsum("n,nac,ndb->abcd", sh.w / rhat, P, P).reshape(N * N, N * N)
        B = -(cm.e / cm.hbar) * sh.dH  # (2, n, N, N)
        rhs = np.einsum("n,nac,jncd,ndb->jab", sh.w / rhat, P, B, P).reshape(2, N * N)
        self.Gam = np.linalg.lstsq(np.eye(N * N) - T, rhs.T, rcond=1e-10)[0].T.reshape(2, N, N)
        at0 = np.isclose(sh.theta, 0.0)
        vel = np.hypot(*sh.velocity(cm.hbar))
        # (radius, band, rho_c = sum of shell weights, <c|rho_w|c>, |group velocity|)
        self.circles = [(float(r), int(b), float(w) * n_shell, float(rh), float(v))
                        for r, b, w, rh, v in zip(sh.r[at0], sh.band[at0], sh.w[at0], rhat[at0], vel[at0])]
        self.m_chi = 4 * _degree(model) + 4
        if not self.circles:
            raise RegimeError(f"no Fermi circle at energy {E!r}")

    def leg(self, c, psi):
        """ell_j = P (B_j + Gamma_j) P on circle c at the angles psi: (n, 2, N, N)."""
        r, b = self.circles[c][:2]
        kx, ky = r * np.cos(psi), r * np.sin(psi)
        _, U = self.cm.eig(kx, ky)
        V = U[:, :, b]
        P = np.einsum("na,nb->nab", V, V.conj())
        B = np.stack([-(self.cm.e / self.cm.hbar) * d(kx, ky) for d in self.cm.dH], axis=1)
        return np.einsum("nac,njcd,ndb->njab", P, B + self.Gam[None], P)

    def at_disorder(self, x):
        r"""Self-energy :math:`-i\pi x\rho_w` and the roots of D^R(y) = det(E - H(sqrt y) + i pi x rho_w)."""
        cm = self.cm
        iG = 1j * np.pi * x * self.rho_w
        kmax = max(c[0] for c in self.circles)
        ys = np.linspace(0.0, 4.0 * kmax**2 + 1.0, 13)
        Ds = np.linalg.det(self.E * np.eye(cm.N) - cm.H(np.sqrt(ys), 0 * ys) + iG)
        V = np.vander(ys / ys[-1], 7, increasing=True)
        coef = np.linalg.lstsq(V, Ds, rcond=None)[0] / ys[-1] ** np.arange(7)
        scale = np.abs(coef * (ys[-1] ** np.arange(7))).max()
        deg = max(i for i in range(7) if abs(coef[i]) * ys[-1] ** i > 1e-9 * scale)
        Dp = np.polynomial.Polynomial(coef[:deg + 1])
        return iG, Dp.roots(), Dp.deriv()


def _degree(model):
    """Total polynomial degree of H in the momenta (sets the number of chi nodes)."""
    import sympy as sp
    kx, ky = model.momenta
    try:
        return max(sp.Poly(e, kx, ky).total_degree() for e in sp.Matrix(model.H) if e != 0)
    except sp.PolynomialError as exc:
        raise ShapeError("crossed Kubo diagrams need H polynomial in the momenta") from exc


def _ang_avg(g, A, B, roots, dD):
    r"""<g(phi)/D(A - B cos phi)>_phi for g sampled at phi_m = 2 pi m/M (last axis), D with roots y_j."""
    M = g.shape[-1]
    gh = np.fft.fft(g, axis=-1) / M
    n = np.abs(np.fft.fftfreq(M, 1.0 / M)).astype(int)
    out = 0.0
    for yj in roots:
        Ay = A - yj
        R = np.sqrt(Ay * Ay - B * B + 0j)
        R = np.where((Ay * R.conj()).real < 0, -R, R)
        zj = B / (Ay + R)
        out = out + np.einsum("...n,...n->...", gh, zj[..., None] ** n) / (dD(yj) * R)
    return out


def _adj(M):
    tr = M[..., 0, 0] + M[..., 1, 1]
    return tr[..., None, None] * np.eye(2) - M


def _mesh(radii, Cm, s_tail, width, n_gl, tail):
    """s nodes/weights for one outer configuration: graded core on [0, s_tail] plus the common tail."""
    pts = list(radii) + [Cm + r for r in radii] + [abs(Cm - r) for r in radii]
    s, w = _graded(pts, [width] * len(pts), s_tail, n_gl)
    return np.concatenate((s, tail[0])), np.concatenate((w, tail[1]))


class _Inner:
    """The inner p integral at one disorder strength x (vectorised over outer configurations)."""

    def __init__(self, st, x, n_tail=32, n_gl=8):
        self.st, self.x = st, x
        self.iG, self.roots, self.dD = st.at_disorder(x)
        radii = [c[0] for c in st.circles]
        self.radii = radii
        self.s_tail = 4.0 * max(radii)
        t, wt = _gl(n_tail)
        self.tail = (self.s_tail / t, self.s_tail / t**2 * wt)
        self.n_gl = n_gl
        cm = st.cm
        vmin = min(abs(c[4]) for c in st.circles)
        self.width = np.pi * x * np.abs(np.trace(st.rho_w)) / max(vmin, 1e-300)
        self.phi = 2 * np.pi * np.arange(st.m_chi) / st.m_chi
        self.eye = np.eye(cm.N)

    def _G(self, px, py, sign):
        M = self.st.E * self.eye - self.st.cm.H(px, py) + sign * self.iG
        det = M[..., 0, 0] * M[..., 1, 1] - M[..., 0, 1] * M[..., 1, 0]
        return _adj(M) / det[..., None, None]

    def integrate(self, which, k, kps, lB, lAs, wps):
        r"""sum over outer configurations (k fixed, k' = kps[i], weights wps[i]) of
        wps[i] * int s ds/(2 pi) <Re Tr[...](F_yx - F_xy)/2>_chi."""
        Cs = (k[None, :] + kps) if which == "X" else (k[None, :] - kps)
        Cm = np.hypot(Cs[:, 0], Cs[:, 1])
        ss, ws, ix = [], [], []
        for i, c in enumerate(Cm):
            s, w = _mesh(self.radii, c, self.s_tail, self.width, self.n_gl, self.tail)
            ss.append(s)
            ws.append(w * wps[i])
            ix.append(np.full(s.size, i))
        s, w, ix = np.concatenate(ss), np.concatenate(ws), np.concatenate(ix)
        C = Cs[ix]
        chi = np.arctan2(C[:, 1], C[:, 0])[:, None] + self.phi[None, :]
        px, py = s[:, None] * np.cos(chi), s[:, None] * np.sin(chi)
        Gp = self._G(px, py, 1.0)                               # G^R(p), (L, M, 2, 2)
        lA, lBy, lBx = lAs[ix], lB[1], lB[0]                    # lA: (L, 2, 2, 2) component, matrix
        E1 = self.st.E * self.eye
        L, M = px.shape
        if which == "X":    # adj(E - H(K - p) - i pi x rho_w) over conj(D^R)
            N = _adj(E1 - self.st.cm.H(C[:, 0, None] - px, C[:, 1, None] - py) - self.iG)
            roots, dD = self.roots.conj(), (lambda y: self.dD(y.conj()).conj())
            # Tr[a G c N] = sum G_bc N_da a_ab c_cd: K[b, c, d, a] = (ay_ab bx_cd - ax_ab by_cd)/2
            K = (np.einsum("lab,cd->lbcda", lA[:, 1], lBx) - np.einsum("lab,cd->lbcda", lA[:, 0], lBy)) / 2
            GN = (Gp.reshape(L, M, 4, 1) * N.reshape(L, M, 1, 4)).reshape(L, M, 16)
            g = np.einsum("lmi,li->lm", GN, K.reshape(L, 16))
        else:               # adj(E - H(p - Q) + i pi x rho_w) over D^R; Psi_R + Psi_A = 2 Re Psi_R
            N = _adj(E1 - self.st.cm.H(px - C[:, 0, None], py - C[:, 1, None]) + self.iG)
            roots, dD = self.roots, self.dD
            # 2 Tr[a N G c] = 2 Tr[(N G)(c a)], Z = (bx ay - by ax)/2
            Z = lBx @ lA[:, 1] - lBy @ lA[:, 0]
            NG = _mm(N, Gp)
            g = np.einsum("lmbd,ldb->lm", NG, Z)
        A, Bc = Cm[ix] ** 2 + s**2, 2 * Cm[ix] * s
        return float(np.sum(w * s / (2 * np.pi) * _ang_avg(g, A, Bc, roots, dD).real))


def _mm(a, b):
    """Batched 2 x 2 matrix product, component-wise (much faster than matmul for tiny matrices)."""
    out = np.empty(np.broadcast_shapes(a.shape, b.shape), complex)
    for i in range(2):
        for j in range(2):
            out[..., i, j] = a[..., i, 0] * b[..., 0, j] + a[..., i, 1] * b[..., 1, j]
    return out


def _psi_nodes(circ, i, j, width, n_gl):
    """psi nodes/weights (weights include 1/(2 pi)) on [0, 2 pi], graded towards the tangency break
    points of :func:`symkin.crossed_numeric._breaks` (finite-disorder features of width ``width``)."""
    pts = _breaks([(c[1], c[0], None, None) for c in circ], i, j)
    p, w = _graded(pts, [width] * len(pts), 2 * np.pi, n_gl)
    return p, w / (2 * np.pi)


def _sigma_at(st, x, n_psi, n_gl, chunk=24):
    r""":math:`(\sigma^X_{yx}, \sigma^\Psi_{yx})` at disorder x (before the extrapolation)."""
    inner = _Inner(st, x, n_gl=n_gl)
    out = {"X": 0.0, "Psi": 0.0}
    for a, ca in enumerate(st.circles):
        lB = st.leg(a, np.zeros(1))[0]
        k = np.array([ca[0], 0.0])
        for b, cb in enumerate(st.circles):
            pref = ca[2] * cb[2] / (ca[3] * cb[3])
            psis, wps = _psi_nodes(st.circles, a, b, inner.width / min(ca[0], cb[0]), n_psi)
            for lo in range(0, psis.size, chunk):
                ps, wp = psis[lo:lo + chunk], wps[lo:lo + chunk]
                lA = st.leg(b, ps)
                kps = cb[0] * np.stack([np.cos(ps), np.sin(ps)], axis=1)
                for which in out:
                    out[which] += pref * inner.integrate(which, k, kps, lB, lA, wp)
    return {w: st.cm.hbar / (2 * np.pi) * v for w, v in out.items()}


def crossed_hall_kubo(model, E, values=None, *, etas=DEFAULT_ETAS, n_psi=24, n_gl=8):
    r"""Weak-disorder Kubo-Streda crossed X and Psi contributions to :math:`\sigma_{yx}` at the Fermi
    energy ``E`` (the energy itself), parameters ``values`` ({name: float}; missing ones from the
    model's sample point, ``hbar`` = ``e`` = 1 by default).  Units: e = 1 (multiply by e^2), like
    :func:`symkin.crossed_numeric.crossed_hall_numeric`, which it checks diagrammatically.

    Returns
    -------
    KuboCrossed
    """
    vals = {s.name: float(v) for s, v in model.sample_point().items()}
    vals.update({k: float(v) for k, v in (values or {}).items()})
    vals.setdefault("hbar", 1.0)
    vals.setdefault("e", 1.0)
    vals[model.disorder.u0.name] = 1.0
    vals[model.fermi_level.name] = float(E)
    st = _Setup(model, vals, float(E))
    dos = np.trace(st.rho_w).real
    xs = [eta * abs(E) / (np.pi * dos) for eta in etas]
    raw = [_sigma_at(st, x, n_psi, n_gl) for x in xs]
    V = np.vander(np.asarray(xs), len(xs), increasing=True)
    res = {w: float(np.linalg.solve(V, [r[w] for r in raw])[0]) for w in ("X", "Psi")}
    return KuboCrossed(res["X"], res["Psi"], float(E), {"x": xs, "raw": raw})
