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
from functools import lru_cache

import numpy as np

from . import numeric as nm
from .bands import rotation_generator
from .crossed_numeric import _breaks
from .errors import RegimeError, ShapeError

__all__ = ["KuboCrossed", "crossed_hall_kubo"]

DEFAULT_ETAS = (0.016, 0.008, 0.004)


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


@lru_cache(maxsize=None)
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
        self.m_chi = 4 * _degree(model) + 1
        self.H = _FastH(cm.H)
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


class _FastH:
    """H(px, py) for a polynomial two-band H, entry by entry with shared monomials (the generic
    :class:`symkin.numeric._MatFun` multiplies full matrices per monomial)."""

    def __init__(self, matfun):
        if matfun.terms is None:
            raise ShapeError("crossed Kubo diagrams need H polynomial in the momenta")
        self.entries = [[[(p, q, c[i, j]) for (p, q), c in matfun.terms.items() if c[i, j] != 0]
                         for j in range(2)] for i in range(2)]

    def __call__(self, px, py, shift):
        """Components ``[[m00, m01], [m10, m11]]`` of ``shift - H(p)`` (shift: constant 2 x 2)."""
        mono = {}
        out = [[None, None], [None, None]]
        for i in range(2):
            for j in range(2):
                acc = np.full(px.shape, complex(shift[i, j]))
                for p, q, c in self.entries[i][j]:
                    if (p, q) not in mono:
                        mono[(p, q)] = px**p * py**q
                    acc -= c * mono[(p, q)]
                out[i][j] = acc
        return out


def _ang_avg(g, Cm, s, roots, dD):
    r"""<g(phi)/D(A - B cos phi)>_phi, A = Cm^2 + s^2, B = 2 Cm s, for g sampled at phi_m = 2 pi m/M
    (last axis), D with roots y_j."""
    M = g.shape[-1]
    gh = np.fft.fft(g, axis=-1) / M
    n = np.abs(np.fft.fftfreq(M, 1.0 / M)).astype(int)
    A, B = Cm**2 + s**2, 2 * Cm * s
    out = 0.0
    for yj in roots:
        Ay = A - yj
        R = np.sqrt(((Cm - s) ** 2 - yj) * ((Cm + s) ** 2 - yj) + 0j)   # sqrt((A-y)^2 - B^2)
        R = np.where((Ay * R.conj()).real < 0, -R, R)
        zj = B / (Ay + R)
        out = out + np.einsum("...n,...n->...", gh, zj[..., None] ** n) / (dD(yj) * R)
    return out


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

    def integrate(self, which, k, kps, lB, lAs, wps):
        r"""sum over outer configurations (k fixed, k' = kps[i], weights wps[i]) of
        wps[i] * int s ds/(2 pi) <Re Tr[...](F_yx - F_xy)/2>_chi.  2 x 2 matrices are kept as
        component arrays (contiguous, no batched matmul)."""
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
        E1 = self.st.E * self.eye
        m = self.st.H(px, py, E1 + self.iG)                     # G^R(p)^{-1}
        det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
        G = [[m[1][1] / det, -m[0][1] / det], [-m[1][0] / det, m[0][0] / det]]
        lA = lAs[ix][:, :, :, :, None]                           # (L, 2, 2, 2, 1) component, matrix
        lBx, lBy = lB[0], lB[1]
        if which == "X":    # adj(E - H(K - p) - i pi x rho_w) over conj(D^R)
            n = self.st.H(C[:, 0, None] - px, C[:, 1, None] - py, E1 - self.iG)
            roots, dD = self.roots.conj(), (lambda y: self.dD(y.conj()).conj())
            N = [[n[1][1], -n[0][1]], [-n[1][0], n[0][0]]]
            # Tr[a G c N] = sum G_bc N_da a_ab c_cd, (F_yx - F_xy)/2: a = lA_y, c = lB_x minus x <-> y
            g = 0.0
            for bb in range(2):
                for cc in range(2):
                    inner = 0.0
                    for dd in range(2):
                        for aa in range(2):
                            kk = (lA[:, 1, aa, bb] * lBx[cc, dd] - lA[:, 0, aa, bb] * lBy[cc, dd]) / 2
                            inner = inner + N[dd][aa] * kk
                    g = g + G[bb][cc] * inner
        else:               # adj(E - H(p - Q) + i pi x rho_w) over D^R; Psi_R + Psi_A = 2 Re Psi_R
            n = self.st.H(px - C[:, 0, None], py - C[:, 1, None], E1 + self.iG)
            roots, dD = self.roots, self.dD
            N = [[n[1][1], -n[0][1]], [-n[1][0], n[0][0]]]
            # 2 Tr[a N G c] = 2 Tr[(N G)(c a)], Z = (c_x a_y - c_y a_x)/2 per configuration
            Z = np.einsum("ab,lbc->lac", lBx, lAs[:, 1]) - np.einsum("ab,lbc->lac", lBy, lAs[:, 0])
            Z = Z[ix][:, :, :, None]
            g = 0.0
            for bb in range(2):
                for dd in range(2):
                    g = g + (N[bb][0] * G[0][dd] + N[bb][1] * G[1][dd]) * Z[:, dd, bb]
        return float(np.sum(w * s / (2 * np.pi) * _ang_avg(g, Cm[ix], s, roots, dD).real))


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


def _extrapolate(xs, ys):
    r"""Weak-disorder limit :math:`c_0` of :math:`y(x) = c_0 + c_1x\ln x + c_2x + c_3x^2 + \dots`
    through the given points (the crossed blocks carry an :math:`x\ln x` term, equal and opposite in
    X and Psi)."""
    xs = np.asarray(xs, float)
    cols = [np.ones_like(xs), xs * np.log(xs), xs, xs**2, xs**2 * np.log(xs)][:len(xs)]
    return float(np.linalg.solve(np.stack(cols, axis=1), np.asarray(ys, float))[0])


def crossed_hall_kubo(model, E, values=None, *, etas=DEFAULT_ETAS, n_psi=6, n_gl=6):
    r"""Weak-disorder Kubo-Streda crossed X and Psi contributions to :math:`\sigma_{yx}` at the Fermi
    energy ``E`` (the energy itself), parameters ``values`` ({name: float}; missing ones from the
    model's sample point, ``hbar`` = ``e`` = 1 by default).  Units: e = 1 (multiply by e^2), like
    :func:`symkin.crossed_numeric.crossed_hall_numeric`, which it checks diagrammatically.

    Parameters
    ----------
    etas : sequence of float
        :math:`\hbar/\tau / |E|` values of the finite-disorder evaluations (3 to 5 of them).
    n_psi, n_gl : int
        Gauss nodes per graded piece of the outer-angle and the radial meshes.

    Returns
    -------
    KuboCrossed
    """
    rotation_generator(model)  # AnisotropicModelError: the outer-angle reduction needs isotropy
    if not 3 <= len(etas) <= 5:
        raise ShapeError(f"crossed_hall_kubo needs 3 to 5 disorder strengths (etas), got {len(etas)}")
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
    res = {w: _extrapolate(xs, [r[w] for r in raw]) for w in ("X", "Psi")}
    return KuboCrossed(res["X"], res["Psi"], float(E), {"x": xs, "raw": raw})
