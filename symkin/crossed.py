r"""Pair skew scattering: the crossed X and Psi diagrams as a kinetic collision term (issue 14;
BEYOND_NCA.md §1; Ado, Dmitriev, Ostrovsky, Titov, EPL 111, 37004 (2015)).

For states a at k and b at k' on the Fermi shell, Gaussian white noise of strength :math:`u_0^2`,
the parts of the fourth-order rates antisymmetric under :math:`a\leftrightarrow b` are

.. math::
    w^{X,A}_{a\to b} &= -2\pi u_0^4\int_p{\rm Im\,Tr}[P_b(k')\,\mathcal P(p)\,P_a(k)\,\hat\delta(k+k'-p)],\\
    w^{\Psi,A}_{a\to b} &= +2\pi u_0^4\int_p{\rm Im\,Tr}[P_b(k')\,(\mathcal P(p)\hat\delta(p+k-k')
        + \hat\delta(p)\mathcal P(p+k-k'))\,P_a(k)],

with :math:`\mathcal P(p) = {\rm PV}(\epsilon-H(p))^{-1} = {\rm PV}\,{\rm adj}(\epsilon-H)/\det(\epsilon-H)`
and :math:`\hat\delta(q) = \sum_cP_c(q)\delta(\epsilon-\epsilon_c(q))`.  On the shell
:math:`P(q) = [1 + (H(q)-d_0(q))/(\epsilon-d_0(q))]/2` (no square roots).

Evaluation (one Fermi circle of radius :math:`k_F`): k and k' at angles :math:`\mp\alpha`
(:math:`\psi = 2\alpha`), the on-shell momentum q at angle :math:`\chi`; :math:`|K-q|^2` (X) and
:math:`|q\mp Q|^2` (Psi) are linear in :math:`u = \cos(\chi-\chi_0)`, and for models whose
:math:`\det(\epsilon-H(p))` is linear in :math:`p^2` (Dirac cones with a constant mass: TI surface,
massive Dirac) the denominator is :math:`\beta(u-u_0)` with :math:`|u_0|<1`.  Then, with the trace a
Laurent polynomial :math:`\sum_na_nw^n` in :math:`w = e^{i(\chi-\chi_0)}`,

.. math:: {\rm PV}\!\int_0^{2\pi}\frac{d\chi}{2\pi}\frac{\sum_n a_nw^n}{\beta(\cos\chi-u_0)}
          = \frac1\beta\sum_{n\ge1}(a_n+a_{-n})\,U_{n-1}(u_0),
          \qquad U_{n-1}(\cos\alpha_0) = \frac{\sin n\alpha_0}{\sin\alpha_0}

(:math:`{\rm PV}\int_0^{2\pi}\cos n\chi\,d\chi/(\cos\chi-\cos\alpha_0) = 2\pi\sin n\alpha_0/\sin\alpha_0`, the
sine parts vanish).  The kinetic equation :math:`J_0[n^X] = -J_X[n^{(-1)}]`,
:math:`J_X[n]_k = \sum_{k'}W^X_{k\to k'}(n_k+n_{k'})`, :math:`W = (2\pi/\hbar)\delta(\epsilon-\epsilon')w^A`,
needs on one circle only :math:`J_X[z^l] = z^l(2\pi/\hbar)\rho\langle w(\psi)(1+e^{il\psi})\rangle_\psi`,
and is solved with the engine's harmonic solve; :math:`\langle O\rangle^X = \sum_kO^{mm}n^X` for any
operator (likewise Psi).  Power counting: :math:`w\sim u_0^4`, :math:`n^{(-1)}\sim u_0^{-2}`: O(1).
"""
from __future__ import annotations

import sympy as sp

from . import conventions as cv
from .bands import conj, z
from .errors import CrossedUnavailableError
from .algebra.integrate import harmonics, laurent_coeff

_t = sp.Dummy("t", real=True)   # e^{i alpha}, alpha = psi/2
_w = sp.Dummy("w", real=True)   # e^{i (chi - chi_0)}


def _cos(x):
    return (x + 1 / x) / 2


def _sin(x):
    return (x - 1 / x) / (2 * sp.I)


def _single_circle(kin):
    rings = kin.rs.fermi_rings()
    if len(rings) != 1:
        raise CrossedUnavailableError(
            f"crossed (X, Psi) terms are implemented in closed form for one Fermi circle; the "
            f"{kin.regime.name} regime of {kin.model.name} has {len(rings)}; for numbers use "
            f"symkin.numeric.response(model, values, O, crossed=True) (symkin.crossed_numeric)")
    return rings[0]


def _H_at(model, px, py):
    kx, ky = model.momenta
    return sp.Matrix(model.H).xreplace({kx: px, ky: py})


def _proj(model, E, px, py):
    """On-shell projector [1 + (H - d0)/(E - d0)]/2 at momentum (px, py)."""
    H = _H_at(model, px, py)
    d0 = H.trace() / 2
    return (sp.eye(2) + (H - d0 * sp.eye(2)) / (E - d0)) / 2


def _pv_average(kin, num, den):
    r"""PV :math:`\langle num/den\rangle_\chi` for num Laurent in w and den = beta (cos chi - u0)."""
    num = sp.expand(num)
    dh = {l: kin.rs.canon(c) for l, c in _laurent(den, _w).items()}
    if set(dh) - {-1, 0, 1} or sp.expand(dh.get(1, 0) - dh.get(-1, 0)) != 0 or dh.get(1, 0) == 0:
        raise CrossedUnavailableError(
            "the resolvent denominator det(E - H(p)) is not linear in p^2: crossed terms are "
            "implemented in closed form only for Dirac cones with a constant mass (TI surface, massive "
            "Dirac); for numbers use symkin.numeric.response(model, values, O, crossed=True) "
            "(symkin.crossed_numeric)")
    beta = 2 * dh[1]
    u0 = kin.rs.canon(-dh.get(0, 0) / beta)
    a = _laurent(num, _w)
    tot = sp.S.Zero
    for n in sorted({abs(l) for l in a if l != 0}):
        tot += (a.get(n, 0) + a.get(-n, 0)) * sp.chebyshevu(n - 1, u0)
    return tot / beta


def _laurent(expr, w):
    return harmonics(sp.expand(expr), w)


def _im_tr(M):
    tr = sp.expand(M.trace())
    return (tr - conj(tr, (_t, _w))) / (2 * sp.I)


def rates(kin):
    r"""(w^{X,A}, w^{Psi,A}) on the Fermi circle as rational functions of t = e^{i psi/2}
    (k at angle -psi/2, k' at +psi/2), in ring symbols."""
    R, b = _single_circle(kin)
    model = kin.model
    E = kin.rs.energy(R, b)
    k = R.r
    u0sq = model.disorder.u0**2
    ca, sa = _cos(_t), _sin(_t)
    kvec, kpvec = (k * ca, -k * sa), (k * ca, k * sa)
    Pa, Pb = _proj(model, E, *kvec), _proj(model, E, *kpvec)
    adj = lambda M: sp.Matrix([[M[1, 1], -M[0, 1]], [-M[1, 0], M[0, 0]]])
    resolvent = lambda px, py: (adj(E * sp.eye(2) - _H_at(model, px, py)),
                                sp.expand((E * sp.eye(2) - _H_at(model, px, py)).det()))
    wgt = kin.rs.weight(R, b)
    # X: q = K - p on shell, K = (2 k cos alpha, 0), q at angle chi (chi_0 = 0)
    q = (k * _cos(_w), k * _sin(_w))
    Pq = _proj(model, E, *q)
    N, D = resolvent(2 * k * ca - q[0], -q[1])
    wX = -2 * sp.pi * u0sq**2 * wgt * _pv_average(kin, _im_tr(Pb * N * Pa * Pq), D)
    # Psi: Q = k - k' = (0, -2 k sin alpha); rotate chi = chi' - pi/2 so |q -+ Q|^2 is linear in cos chi'
    qr = (k * _sin(_w), -k * _cos(_w))  # q at angle chi' - pi/2
    Pqr = _proj(model, E, *qr)
    Qv = (0, -2 * k * sa)
    N1, D1 = resolvent(qr[0] - Qv[0], qr[1] - Qv[1])
    N2, D2 = resolvent(qr[0] + Qv[0], qr[1] + Qv[1])
    wPsi = 2 * sp.pi * u0sq**2 * wgt * (_pv_average(kin, _im_tr(Pb * N1 * Pqr * Pa), D1)
                                        + _pv_average(kin, _im_tr(Pb * Pqr * N2 * Pa), D2))
    return wX, wPsi


def _moment(kin, w, l):
    r""":math:`\langle w(\psi)(1 + e^{il\psi})\rangle_\psi` (psi = 2 alpha, average over alpha)."""
    f = sp.cancel(sp.together(w * (1 + _t**(2 * l))))
    num, den = sp.fraction(f)
    dp = sp.Poly(den, _t)
    if len(dp.terms()) != 1:
        raise CrossedUnavailableError(
            "the crossed rate's psi-moment is not elementary for this model; for numbers use "
            "symkin.numeric.response(model, values, O, crossed=True) (symkin.crossed_numeric)")
    (ex,), c = dp.terms()[0]
    return kin.rs.canon(laurent_coeff(sp.expand(num), _t, ex) / c)


def crossed_distributions(kin):
    r"""(n^X, n^Psi) from :math:`J_0[n^{X,\Psi}] = -J_{X,\Psi}[n^{(-1)}_E]` (one Fermi circle)."""
    n1 = kin.n_leading()
    if not n1:
        return {}, {}
    R, b = _single_circle(kin)
    rho = kin.rs.weight(R, b)
    out = []
    for w in rates(kin):
        drive = {}
        for idx, F in n1.items():
            h = _laurent(F[b, b], z)
            val = sp.S.Zero
            for l, c in h.items():
                val += c * z**l * 2 * sp.pi / cv.hbar * rho * _moment(kin, w, l)
            M = sp.zeros(kin.n, kin.n)
            M[b, b] = -kin.tidy(val)
            drive[idx] = M
        out.append(kin.solve(drive) if any(M[b, b] != 0 for M in drive.values()) else {})
    return tuple(out)


def crossed_response(kin, ops):
    """{'crossed_X': [...], 'crossed_Psi': [...]}: sum_k Tr[O n^{X, Psi}] per operator, closed form."""
    nX, nPsi = crossed_distributions(kin)
    res = {"crossed_X": [], "crossed_Psi": []}
    for Op in ops:
        diag = lambda R, Op=Op: sp.diag(*[kin.band_matrix(Op, R)[i, i] for i in range(kin.n)])
        for name, n in (("crossed_X", nX), ("crossed_Psi", nPsi)):
            res[name].append(kin.rs.reduce(kin.fermi_sum(n, diag)) if n else sp.S.Zero)
    return res


APPROX_CROSSED = "NCA + crossed (X, Psi)"
CROSSED_LABELS = {"crossed_X": "X", "crossed_Psi": r"\Psi"}
