r"""Third-order (non-Gaussian) skew scattering for point impurities (issue 14; BEYOND_NCA.md §2).

One impurity of strength V at a random position: the T-matrix to second order,
:math:`T_{k'k} = V\langle u_{k'}|u_k\rangle + V^2\sum_p\langle u_{k'}|G^R(p)|u_k\rangle`, and
:math:`G^R = \mathcal P(\epsilon-H)^{-1} - i\pi\hat\delta`.  The cross term of the two Born amplitudes
in :math:`|T|^2`, averaged over positions and strengths (:math:`n_i\langle V^3\rangle = n_iV_1^3`),
has the part antisymmetric under :math:`(a,\mathbf k)\leftrightarrow(b,\mathbf k')`

.. math::
    w^{(3)A}_{a\to b}(\mathbf k,\mathbf k') = 2\pi n_iV_1^3\sum_c\int_{\mathbf p}
        \delta(\epsilon-\epsilon_c(\mathbf p))\,{\rm Im\,Tr}[P_b(\mathbf k')P_c(\mathbf p)P_a(\mathbf k)],

(the principal part only renormalises the symmetric rate).  With the golden-rule rate
:math:`W_{a\mathbf k\to b\mathbf k'} = (2\pi/\hbar)\,\delta(\epsilon_a(\mathbf k)-\epsilon_b(\mathbf k'))\,w^{(3)A}`
the collision term, written like the paper's :math:`J_0` (out minus in, Eq. 28),

.. math::
    J_{(3)}[n]_{a\mathbf k} = \sum_{b\mathbf k'}\big(W_{a\mathbf k\to b\mathbf k'}n_a(\mathbf k)
        - W_{b\mathbf k'\to a\mathbf k}n_b(\mathbf k')\big)
      = \sum_{b\mathbf k'}W_{a\mathbf k\to b\mathbf k'}\,\big(n_a(\mathbf k) + n_b(\mathbf k')\big)

drives a new subleading Boltzmann equation beside Eq. 34,
:math:`J_0[n^{(sk3)}] = -J_{(3)}[n^{(-1)}_E]`, solved with the same harmonic solve as every other
distribution (:meth:`symkin.kinetics.Kinetics.solve`), on every Fermi circle.  Then
:math:`\langle O\rangle^{(sk3)} = \sum_{mk}O^{mm}_k n^{(sk3)m}_k` for any operator.

Power counting: :math:`n^{(-1)}\propto 1/(n_iV_0^2)` and :math:`J_0^{-1}\propto 1/(n_iV_0^2)`, so the result is
:math:`\propto n_iV_1^3/(n_iV_0^2)^2 = V_1^3/(n_iV_0^4)`: the skew term that dominates clean samples.
With several independent sources :math:`u_0^2` is the total Gaussian part and
:math:`\sigma^{sk3}\propto n_iV_1^3/u_0^4`.

The angular integral over the intermediate circle(s) is done exactly in the Laurent variable
:math:`w = e^{i\chi}` (each projector product is a Laurent polynomial), so the result is closed-form
for any isotropic two-band model and any number of Fermi circles.
"""
from __future__ import annotations

import sympy as sp

from . import conventions as cv
from .bands import conj, z, zp

#: the angle variable e^{i chi} of the intermediate (on-shell) state p
_w = sp.Dummy("w", real=True)


def third_moment(disorder):
    """n_i <V^3> of a disorder model (0 for Gaussian white noise)."""
    return sp.sympify(getattr(disorder, "third_moment", 0))


def _U(kin, ring, w):
    return kin.U(ring, w)


def _Udag(kin, ring, w):
    return sp.Matrix(kin.U(ring, w)).T.applyfunc(lambda x: conj(x, (z, zp, _w)))


def _ov(kin, r1, w1, r2, w2):
    return (_Udag(kin, r1, w1) * _U(kin, r2, w2)).applyfunc(sp.expand)


def rate(kin, R, a, R2, b):
    r""":math:`w^{(3)A}_{a\to b}` for a on ring R at angle z and b on ring R2 at angle z' (same energy),
    a Laurent polynomial in z, z' with coefficients in ring symbols."""
    m3 = third_moment(kin.model.disorder)
    E = kin.rs.energy(R, a)
    tot = sp.S.Zero
    O_kkp = _ov(kin, R, z, R2, zp)
    O_kpk = _ov(kin, R2, zp, R, z)
    for c in range(kin.n):
        for R3 in kin.rs.rings_at(c, E):
            O_kpp, O_pk = _ov(kin, R2, zp, R3, _w), _ov(kin, R3, _w, R, z)
            O_kp, O_pkp = _ov(kin, R, z, R3, _w), _ov(kin, R3, _w, R2, zp)
            # Tr[P_b(k') P_c(p) P_a(k)] = <a k|b k'><b k'|c p><c p|a k>, and its conjugate
            T = O_kkp[a, b] * O_kpp[b, c] * O_pk[c, a]
            Tb = O_kp[a, c] * O_pkp[c, b] * O_kpk[b, a]
            avg = kin.rs.laurent(sp.expand((T - Tb) / (2 * sp.I)), _w, 0)
            tot += kin.rs.weight(R3, c) * avg
    return kin.tidy(2 * sp.pi * m3 * sp.expand(tot))


def collide_third(kin, n):
    r""":math:`J_{(3)}[n]` (module docstring) of a diagonal ring distribution on one energy shell
    (the Fermi shell for :math:`n^{(-1)}`); the output lives on the same shell."""
    out = {}
    rings = {R.index: R for R in kin.rs.rings}
    rates = {}

    def w3(R, a, R2, b):
        key = (R.index, a, R2.index, b)
        if key not in rates:
            rates[key] = rate(kin, R, a, R2, b)
        return rates[key]

    def add(R, a, val):
        M = out.setdefault(R.index, sp.zeros(kin.n, kin.n))
        M[a, a] += val

    pref = 2 * sp.pi / cv.hbar
    for R2, b, F in list(kin.diagonal_entries(n)):
        E = kin.rs.energy(R2, b)
        Fp = F.xreplace({z: zp})
        for a in range(kin.n):
            for R in kin.rs.rings_at(a, E):
                # in term: +W_{ak -> b k'} n_b(k'), output on ring R of band a
                val = kin.rs.laurent(sp.expand(w3(R, a, R2, b) * Fp), zp, 0)
                add(R, a, pref * R2.r / (2 * sp.pi * kin.rs.abs_slope(R, a)) * val)
        # out term: n_b(k) sum_{c k'} W_{b k -> c k'} (zero by unitarity at this order; kept exactly)
        tot = sp.S.Zero
        for c in range(kin.n):
            for R3 in kin.rs.rings_at(c, E):
                tot += kin.rs.weight(R3, c) * kin.rs.laurent(w3(R2, b, R3, c), zp, 0)
        tot = kin.rs.canon(tot)
        if tot != 0:
            add(R2, b, pref * sp.expand(tot * F))
    return {i: M.applyfunc(kin.tidy) for i, M in out.items()}


def n_third_order(kin):
    r""":math:`n^{(sk3)}` from :math:`J_0[n^{(sk3)}] = -J_{(3)}[n^{(-1)}_E]`; empty without a third
    cumulant or without Fermi circles."""
    if third_moment(kin.model.disorder) == 0:
        return {}
    n1 = kin.n_leading()
    if not n1:
        return {}
    J = collide_third(kin, n1)
    drive = {i: -M for i, M in J.items() if any(x != 0 for x in M)}
    return kin.solve(drive) if drive else {}


def third_order_response(kin, ops):
    r"""``[sum_k Tr[O n^(sk3)] for O in ops]`` reduced to closed form, or None for Gaussian disorder."""
    if third_moment(kin.model.disorder) == 0:
        return None
    n3 = n_third_order(kin)
    vals = []
    for Op in ops:
        diag = lambda R, Op=Op: sp.diag(*[kin.band_matrix(Op, R)[i, i] for i in range(kin.n)])
        vals.append(kin.rs.reduce(kin.fermi_sum(n3, diag)) if n3 else sp.S.Zero)
    return vals


#: the approximation text of results with the third-order term
APPROX_SK3 = ("; plus third-order (non-Gaussian) skew scattering from <V^3> = V_1^3 of point impurities, "
              "order V_1^3/(n_i V_0^4), Gaussian part u_0^2 = n_i V_0^2 in the rest")
