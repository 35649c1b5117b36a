r"""Born-averaged disorder products and scattering times (paper Eqs. 9-10, 28-30, 76).

For Gaussian white noise :math:`\langle U^{ab}_{kk'}U^{cd}_{k'k}\rangle = u_0^2\langle u^a_k|u^b_{k'}\rangle
\langle u^c_{k'}|u^d_k\rangle` (per unit area).  The scattering time is
:math:`1/\tau = \pi u_0^2\rho(\epsilon_F)/\hbar`; the transport time is *derived* from the harmonic-1
eigenvalue of the Born collision operator :math:`J_0` (no relaxation-time approximation is typed in).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import conventions as cv
from .bands import z, zp
from .errors import RegimeError
from .integrate import laurent_coeff
from .kinetics import kinetics
from .errors import AssumptionError
from .model import Model, WhiteNoise
from .poly import ffactor

phi = __import__("symkin.internal", fromlist=["internal"]).internal("phi", real=True)


# ---------------------------------------------------------------------- disorder models (issue 14)
@dataclass(frozen=True)
class PointImpurities:
    r"""Randomly placed point impurities of density :math:`n_i` and random strength V,
    :math:`U(\mathbf r) = \sum_j V_j\,\delta(\mathbf r - \mathbf R_j)`, with
    :math:`\langle V^2\rangle = V_0^2` and :math:`\langle V^3\rangle = V_1^3`.

    Gaussian part (second cumulant): :math:`\langle U U\rangle = n_iV_0^2\,\delta(\mathbf r-\mathbf r')`,
    i.e. :math:`u_0^2 = n_iV_0^2`, which is all the Gaussian-order chain (paper Eqs. 9-10) sees.
    Third cumulant :math:`n_iV_1^3` (per unit area): the source of third-order skew scattering
    (:mod:`symkin.skew3`; Sinitsyn et al., PRB 75, 045315 (2007)).

    ``n_i`` and ``V_0`` must be positive Symbols, ``V_1`` a real Symbol (its sign is that of
    :math:`\langle V^3\rangle`).
    """

    n_i: sp.Symbol = sp.Symbol("n_i", positive=True)
    V_0: sp.Symbol = sp.Symbol("V_0", positive=True)
    V_1: sp.Symbol = sp.Symbol("V_1", real=True)

    def __post_init__(self):
        for name in ("n_i", "V_0"):
            s = getattr(self, name)
            if not isinstance(s, sp.Symbol) or not s.is_positive:
                raise AssumptionError(f"PointImpurities.{name} = {s!r} must be a Symbol declared positive=True")
        if not isinstance(self.V_1, sp.Symbol) or not self.V_1.is_real:
            raise AssumptionError(f"PointImpurities.V_1 = {self.V_1!r} must be a Symbol declared real=True")

    @property
    def strength(self):
        """Gaussian part :math:`u_0^2 = n_iV_0^2`."""
        return self.n_i * self.V_0**2

    @property
    def u0(self):
        r""":math:`u_0 = \sqrt{n_i}V_0` (so that ``u0**2`` is the Gaussian part exactly)."""
        return sp.sqrt(self.n_i) * self.V_0

    @property
    def third_moment(self):
        r"""Third cumulant per unit area, :math:`n_i\langle V^3\rangle = n_iV_1^3`."""
        return self.n_i * self.V_1**3

    @property
    def free_symbols(self):
        return {self.n_i, self.V_0, self.V_1}

    def describe(self):
        return (f"point impurities, density {self.n_i}, <V^2> = {self.V_0}^2, <V^3> = {self.V_1}^3 "
                f"(Gaussian part u_0^2 = {self.n_i}*{self.V_0}^2)")


@dataclass(frozen=True)
class DisorderSum:
    r"""Independent disorder sources added: cumulants add, so
    :math:`u_0^2 = \sum_s u_{0,s}^2` and :math:`n_i\langle V^3\rangle = \sum_s n_{i,s}V_{1,s}^3`.

    >>> import sympy as sp
    >>> d = DisorderSum((PointImpurities(), WhiteNoise()))
    >>> d.strength, d.third_moment
    (V_0**2*n_i + u_0**2, V_1**3*n_i)
    """

    sources: tuple

    def __post_init__(self):
        src = tuple(self.sources)
        if not src:
            raise AssumptionError("DisorderSum needs at least one source (WhiteNoise, PointImpurities)")
        flat = []
        for s in src:
            if isinstance(s, DisorderSum):
                flat += list(s.sources)
            elif hasattr(s, "strength"):
                flat.append(s)
            else:
                raise AssumptionError(f"{s!r} is not a disorder source: use WhiteNoise or PointImpurities")
        object.__setattr__(self, "sources", tuple(flat))

    @property
    def strength(self):
        return sp.Add(*[s.strength for s in self.sources])

    @property
    def u0(self):
        return sp.sqrt(self.strength)

    @property
    def third_moment(self):
        return sp.Add(*[third_moment(s) for s in self.sources])

    @property
    def free_symbols(self):
        return set().union(*[disorder_symbols(s) for s in self.sources])

    def describe(self):
        return " + ".join(s.describe() for s in self.sources)

    def __add__(self, other):
        return DisorderSum(self.sources + (other,))


def third_moment(disorder):
    """Third cumulant per unit area of a disorder model (0 for Gaussian white noise)."""
    return sp.sympify(getattr(disorder, "third_moment", 0))


def gaussian_strength(disorder):
    r"""The Gaussian part :math:`u_0^2` of a disorder model (what the non-crossing chain uses)."""
    return sp.sympify(disorder.strength)


def disorder_symbols(disorder):
    """Symbols of a disorder model."""
    fs = getattr(disorder, "free_symbols", None)
    return set(fs) if fs is not None else {disorder.u0}


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
