r"""Band geometry: Berry connection (band-diagonal and interband), curvature, velocity matrix, and
the band-basis matrices on the rings of a Fermi-level regime (:class:`BandBasis`: eigenvectors,
overlaps :math:`O^{ab}_{kk'}`, operators, :math:`\mathcal T_O` and :math:`\mathcal R'`) that the
collision operator and every observable use.

Conventions (paper Eqs. 39, 43): :math:`\mathcal R^{mn} = i\langle u^m|\nabla_k u^n\rangle`,
:math:`\Omega = \nabla_k\times\mathcal R`, :math:`v^{mn} = \hbar^{-1}[\partial_k\epsilon\,\delta_{mn}
+ i(\epsilon_m-\epsilon_n)\mathcal R^{mn}]`.

Gauge-covariant pieces need no eigenvector derivatives:
:math:`\mathcal R'^{mn} = i\langle m|\partial_k H|n\rangle/(\epsilon_n-\epsilon_m)` and the
sum-over-states curvature :math:`\Omega^m_z = -2\,{\rm Im}\sum_{n\ne m}
\langle m|\partial_xH|n\rangle\langle n|\partial_yH|m\rangle/(\epsilon_m-\epsilon_n)^2`.
In the gauge of :mod:`symkin.bands`, :math:`|u_{k,\theta}\rangle = e^{-iJ\theta}|u_{k,0}\rangle`, the
connection is :math:`\mathcal R^{mn} = \hat k\,A^{mn}(k) + \hat\theta\,\langle u^m_{k,0}|J|u^n_{k,0}\rangle/k`
with :math:`A^{mm} = 0` (real eigenvectors on the ray) -- paper Eqs. 70-71 for the TI surface.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import conventions as cv
from .bands import bands, dagger_z, k, polar_subs, rotation_generator, theta, two_band_block, z, zp
from .model import Model, dagger
from .internal import internal
from .algebra.poly import ffactor


@dataclass(frozen=True)
class BerryConnection:
    """Cartesian components (x, y) of the band-basis connection, split as in Eqs. 70-71."""

    diagonal: tuple
    interband: tuple

    @property
    def total(self):
        return tuple(a + b for a, b in zip(self.diagonal, self.interband))


def _ray(model):
    """H, dH/dk_x, dH/dk_y in the J-diagonal basis on the ray theta = 0, and the eigenvectors there."""
    iso = rotation_generator(model)
    W = iso.W
    on_ray = {model.momenta[0]: k, model.momenta[1]: 0}
    dH = [(dagger(W) * model.H.diff(q) * W).xreplace(on_ray) for q in model.momenta]
    b = bands(model)
    U0 = (dagger(W) * b.eigenvectors).xreplace({theta: 0})
    return iso, dH, U0, b


def berry_connection(model: Model) -> BerryConnection:
    r"""Berry connection in the documented gauge, as band-basis matrices in k and theta.

    Computed with the real gauge parameters (t, c, Lambda) of :mod:`symkin.bands` as symbols, which
    are replaced by their closed forms at the end."""
    iso, dH, _, _ = _ray(model)
    blk = two_band_block(model)
    t, c, Lam = internal("t", real=True), internal("c", positive=True), internal("Lambda", positive=True)
    U0 = blk.eigenvectors(t, c)
    e = blk.energies(Lam)
    n = model.n_bands
    A = sp.zeros(n, n)  # radial component (interband only)
    for a in range(n):
        for b in range(n):
            if a != b:
                A[a, b] = sp.I * (dagger(U0[:, a]) * dH[0] * U0[:, b])[0] / (e[b] - e[a])
    B = (dagger(U0) * iso.J * U0) / k  # azimuthal component
    cos, sin = sp.cos(theta), sp.sin(theta)
    t_val = blk.t_of(Lam)

    def close(x):
        x = sp.cancel(sp.expand(x).xreplace({c: 1 / sp.sqrt(1 + t**2)}))
        x = sp.cancel(x.xreplace({t: t_val}))
        # reduce Lambda^2 -> |d|^2 and substitute
        num, den = sp.fraction(x)
        P = sp.Poly(Lam**2 - blk.d_squared, Lam)
        num, den = sp.Poly(num, Lam).rem(P), sp.Poly(den, Lam).rem(P)
        if den.degree() > 0:
            num, den = (num * sp.invert(den, P)).rem(P), sp.Poly(1, Lam)
        return ffactor((num.as_expr() / den.as_expr())).xreplace({Lam: sp.sqrt(blk.d_squared)})

    simp = lambda M: M.applyfunc(close)
    comp = lambda Ak, Bt: (simp(cos * Ak - sin * Bt), simp(sin * Ak + cos * Bt))
    Bd = sp.diag(*[B[i, i] for i in range(n)])
    return BerryConnection(comp(sp.zeros(n, n), Bd), comp(A, B - Bd))


def berry_curvature(model: Model):
    r"""Berry curvature :math:`\Omega^m_z(k)` of each band (sum over states, Eq. 43; Eq. 73 for the TI).

    Two-band form with projectors :math:`P_\pm = [1 \pm (h - d_0)/|\mathbf d|]/2`."""
    iso, dH, _, _ = _ray(model)
    blk = two_band_block(model)
    Lam = internal("Lambda", positive=True)
    h = sp.Matrix([[blk.dz, sp.conjugate(blk.kappa) * blk.g], [blk.kappa * blk.g, -blk.dz]])
    P = [(sp.eye(2) + s * h / Lam) / 2 for s in (1, -1)]
    out = []
    for a in (0, 1):
        tr = sp.expand((P[a] * dH[0] * P[1 - a] * dH[1]).trace())
        om = -2 * sp.im(tr) / (4 * Lam**2)
        out.append(ffactor((sp.expand(om).xreplace({Lam: sp.sqrt(blk.d_squared)}))))
    return tuple(out)


class BandBasis:
    r"""Band-basis matrices of a model on the rings of a :class:`symkin.fermi.RingSet`.

    A ring point is ``(ring, w)`` with :math:`w = e^{i\theta}` (``z`` at k, ``zp`` at k').  In the
    gauge of :mod:`symkin.bands` the eigenvector columns are
    :math:`U(\rho, w) = {\rm diag}(w^{-j})\,U(\rho, 1)`; ``gauge(ring, w)`` (optional, a diagonal
    phase matrix) multiplies them -- observables must not change (a test of gauge invariance).
    """

    z, zp = z, zp

    def __init__(self, model, rs, gauge=None):
        self.model, self.rs, self.n = model, rs, rs.n
        self.charges, self.W = rs.iso.charges, rs.iso.W
        self.gauge = gauge
        self._ops = {}

    def U(self, ring, w):
        """Eigenvector columns at the ring, angle w = e^{i theta}: diag(w^-j) U(theta=0)."""
        U = sp.diag(*[w ** (-j) for j in self.charges]) * self.rs.eigenvectors(ring)
        return U * self.gauge(ring, w) if self.gauge else U

    def Udag(self, ring, w):
        return dagger_z(self.U(ring, w))

    def overlap(self, r1, w1, r2, w2):
        """O^{ab} = <u^a(r1, w1)|u^b(r2, w2)> (paper Eq. 10)."""
        return (self.Udag(r1, w1) * self.U(r2, w2)).applyfunc(sp.expand)

    def band_matrix(self, X, ring, w=z):
        """Operator X (model basis, may depend on k) in the band basis at the ring."""
        key = (X, ring.index, w)
        if key not in self._ops:
            Xt = dagger(self.W) * sp.Matrix(X) * self.W
            Xt = Xt.xreplace(polar_subs(self.model, ring.r, w))
            self._ops[key] = (self.Udag(ring, w) * Xt * self.U(ring, w)).applyfunc(sp.expand)
        return self._ops[key]

    def energies(self, ring):
        return [self.rs.energy(ring, b) for b in range(self.n)]

    def interband(self, X, ring, w=z):
        r""":math:`\mathcal T_X^{ab} = \hbar X^{ab}/(i(\epsilon^a-\epsilon^b))` (Eq. 56), zero diagonal."""
        Xb = self.band_matrix(X, ring, w)
        e = self.energies(ring)
        T = sp.zeros(self.n, self.n)
        for a in range(self.n):
            for b in range(self.n):
                if a != b:
                    T[a, b] = self.rs.canon(cv.hbar * Xb[a, b] / (sp.I * (e[a] - e[b])))
        return T

    def connection(self, ring, w=z):
        r"""Interband Berry connection :math:`\mathcal R'` (x, y) at the ring:
        :math:`\mathcal R'^{ab} = i\langle a|\partial_k H|b\rangle/(\epsilon^b-\epsilon^a)`
        (= :math:`\mathcal T` of the velocity operator)."""
        return tuple(self.interband(v, ring, w) for v in self.model.velocity_operator())
