r"""Born-averaged disorder products and scattering times (paper Eqs. 9-10, 28-30, 76).

For Gaussian white noise :math:`\langle U^{ab}_{kk'}U^{cd}_{k'k}\rangle = u_0^2\langle u^a_k|u^b_{k'}\rangle
\langle u^c_{k'}|u^d_k\rangle` (per unit area).  The scattering time is
:math:`1/\tau = \pi u_0^2\rho(\epsilon_F)/\hbar`; the transport time is *derived* from the harmonic-1
eigenvalue of the Born collision operator :math:`J_0` (no relaxation-time approximation is typed in).
"""
from __future__ import annotations

import sympy as sp

from . import conventions as cv
from .bands import z, zp
from .errors import RegimeError
from .integrate import laurent_coeff
from .kinetics import kinetics
from .model import Model
from .poly import ffactor

phi = __import__("symkin.internal", fromlist=["internal"]).internal("phi", real=True)


def born_product(model: Model, a=0, b=0, regime=None):
    r""":math:`\langle U^{ab}_{kk'}U^{ba}_{k'k}\rangle = u_0^2|\langle u^a_k|u^b_{k'}\rangle|^2` for k, k' on
    the (first) Fermi circle, as a function of :math:`\phi = \theta - \theta'` (gauge invariant)."""
    kin = kinetics(model, regime)
    R, _ = kin.rs.fermi_rings()[0]
    O = kin.overlap(R, z, R, zp)
    Ob = kin.overlap(R, zp, R, z)
    prod = sp.expand(model.disorder.u0**2 * O[a, b] * Ob[b, a])
    # a function of w = z/z' only: set z' = 1, z = e^{i phi}
    val = kin.rs.reduce(prod.xreplace({zp: 1}), final=sp.cancel)
    return sp.simplify(sp.expand_complex(val.xreplace({z: sp.exp(sp.I * phi)})).rewrite(sp.cos))


def scattering_time(model: Model, regime=None):
    r""":math:`\tau = \hbar/(\pi u_0^2\rho(\epsilon_F))` with the density of states of the Fermi circles."""
    kin = kinetics(model, regime)
    if not kin.rs.fermi_rings():
        raise RegimeError(f"no Fermi circle in the {kin.regime.name} regime: no scattering at E_F")
    return ffactor(cv.hbar / (sp.pi * model.disorder.u0**2 * kin.rs.density_of_states()))


def transport_time(model: Model, regime=None):
    r"""Transport time of the first Fermi circle from :math:`J_0[z] = z/\tau_{tr}` (harmonic l = 1, Eq. 30).

    For several coupled Fermi circles the harmonic problem is a matrix; this returns the inverse of its
    diagonal element for the first circle."""
    kin = kinetics(model, regime)
    if not kin.rs.fermi_rings():
        raise RegimeError(f"no Fermi circle in the {kin.regime.name} regime: no transport time")
    R, b = kin.rs.fermi_rings()[0]
    trial = {R.index: sp.zeros(kin.n, kin.n)}
    trial[R.index][b, b] = z
    J = kin.collide(trial)[R.index][b, b]
    rate = laurent_coeff(J, z, 1)
    return ffactor(kin.rs.reduce(1 / rate))
