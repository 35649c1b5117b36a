r"""Band geometry: Berry connection (band-diagonal and interband), curvature, velocity matrix.

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

from .bands import bands, k, rotation_generator, theta, two_band_block
from .model import Model, dagger
from .internal import internal
from .poly import ffactor


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
