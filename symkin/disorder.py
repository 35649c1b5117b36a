r"""Disorder: the correlator models (paper Eqs. 8-10) and the Born kernel a collision term uses.

For Gaussian white noise :math:`\langle U^{ab}_{kk'}U^{cd}_{k'k}\rangle = u_0^2\langle u^a_k|u^b_{k'}\rangle
\langle u^c_{k'}|u^d_k\rangle` (per unit area).  What the collision operator needs from
:math:`\langle UU\rangle` is small (:class:`Disorder`): the Gaussian strength, and from it a
:class:`BornKernel` -- :math:`K = \pi u_0^2/\hbar` and the shell-averaged overlap product.  A second
disorder model (another correlator, another kernel) is a new class here, not an edit of
:class:`symkin.kinetics.Kinetics`.

The disorder model is input, like the Hamiltonian: this module needs nothing of the chain (the kernel
receives the band-basis overlaps, :class:`symkin.geometry.BandBasis`), so it sits first in the import
order and :class:`symkin.Model` takes :class:`WhiteNoise` as its default.  The scattering and
transport times, derived from the collision operator, live in :mod:`symkin.kinetics`.
"""
from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import sympy as sp

from . import conventions as cv
from .errors import AssumptionError


@runtime_checkable
class Disorder(Protocol):
    """What the collision operator needs from a disorder model."""

    @property
    def strength(self):
        r"""The Gaussian (second-cumulant) weight :math:`u_0^2` multiplying the overlap products (Eq. 10)."""

    def born_kernel(self, basis) -> "BornKernel":
        """The Born kernel on the rings of ``basis`` (a :class:`symkin.geometry.BandBasis`)."""

    def describe(self) -> str:
        """One line for people and exports."""


class BornKernel:
    r"""The Born (non-crossing, second-order) kernel of a white-noise correlator on the rings of a
    :class:`symkin.geometry.BandBasis`:

    .. math:: K = \pi\,\langle UU\rangle/\hbar,\qquad
              A^{ad}(\rho, E) = \sum_c\sum_{\rho'} w_c(\rho')\,\big\langle O^{ac}(\rho,z;\rho',z')
              O^{cd}(\rho',z';\rho,z)\big\rangle_{\theta'},

    :math:`\rho'` the rings of band c at energy E, :math:`w_c(\rho')` their delta-function weight.
    ``A`` is what the out-scattering terms of Eqs. 18-20 need (the in-scattering terms take the
    overlaps themselves, times ``K``)."""

    def __init__(self, strength, basis):
        self.strength = strength
        self.basis = basis
        self.K = sp.pi * strength / cv.hbar
        self._A = {}

    def shell_average(self, ring, E):
        """``A^{ad}`` of the ring at energy E (cached per ring and shell)."""
        rs, basis = self.basis.rs, self.basis
        key = (ring.index, rs.shell_key(E))
        if key in self._A:
            return self._A[key]
        z, zp, n = basis.z, basis.zp, basis.n
        A = sp.zeros(n, n)
        for c in range(n):
            for r2 in rs.rings_at(c, E):
                O1 = basis.overlap(ring, z, r2, zp)
                O2 = basis.overlap(r2, zp, ring, z)
                wgt = rs.weight(r2, c)
                for a in range(n):
                    for d in range(n):
                        A[a, d] += wgt * rs.laurent(O1[a, c] * O2[c, d], zp, 0)
        self._A[key] = A.applyfunc(rs.canon)
        return self._A[key]


class _WhiteCorrelator:
    """Disorder whose Gaussian part is delta-correlated: the Born kernel of :class:`BornKernel`."""

    def born_kernel(self, basis):
        return BornKernel(self.strength, basis)


@dataclass(frozen=True)
class WhiteNoise(_WhiteCorrelator):
    r"""Gaussian white-noise scalar disorder, paper Eqs. 8-10.

    .. math:: \langle U(\mathbf r)U(\mathbf r')\rangle = u_0^2\,\delta(\mathbf r-\mathbf r'),\qquad
              \langle U^{ab}_{kk'}U^{cd}_{k'k}\rangle = u_0^2\,
              \langle u^a_k|u^b_{k'}\rangle\langle u^c_{k'}|u^d_k\rangle .

    ``u0`` has units of energy x length (2D); it must be a positive symbol.
    """

    u0: sp.Symbol = cv.u_0

    def __post_init__(self):
        if not isinstance(self.u0, sp.Symbol) or not self.u0.is_positive:
            raise AssumptionError(f"WhiteNoise strength {self.u0!r} must be a Symbol declared positive=True")

    @property
    def strength(self):
        """The correlator weight u_0^2 multiplying the overlap products (Eq. 10)."""
        return self.u0**2

    def describe(self):
        return f"Gaussian white noise <U(r)U(r')> = {self.u0}^2 delta(r - r')"


# ---------------------------------------------------------------------- disorder models (issue 14)
@dataclass(frozen=True)
class PointImpurities(_WhiteCorrelator):
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
class DisorderSum(_WhiteCorrelator):
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



#: former names of this module, now in symkin.kinetics (derived from the collision operator)
_MOVED = ("born_product", "scattering_time", "transport_time", "phi")


def __getattr__(name):
    if name in _MOVED:  # deprecated aliases; the package import has loaded the kinetics already
        warnings.warn(f"symkin.disorder.{name} moved to symkin.kinetics.{name}", DeprecationWarning, stacklevel=2)
        return getattr(sys.modules[__package__ + ".kinetics"], name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
