"""Built-in models.  Each returns a :class:`symkin.Model` whose symbols carry the names the API
fixes (``hbar``, ``v_F``, ``M``, ``Delta``, ...; all positive)."""
import sympy as sp

from . import conventions as cv
from .model import Model, WhiteNoise

k_x, k_y = sp.symbols("k_x k_y", real=True)
s0 = sp.eye(2)
sx = sp.Matrix([[0, 1], [1, 0]])
sy = sp.Matrix([[0, -sp.I], [sp.I, 0]])
sz = sp.Matrix([[1, 0], [0, -1]])
PAULI = (sx, sy, sz)

v_F = sp.Symbol("v_F", positive=True)
v = sp.Symbol("v", positive=True)
M = sp.Symbol("M", positive=True)
Delta = sp.Symbol("Delta", positive=True)


def ti_surface(mass=M, velocity=v_F):
    r"""Magnetic topological-insulator surface, paper Eq. 68:

    .. math:: H = \hbar v_F (k_x\sigma_y - k_y\sigma_x) + M\sigma_z .

    Pass ``mass=-M`` to reverse the magnetization.
    """
    H = cv.hbar * velocity * (k_x * sy - k_y * sx) + mass * sz
    return Model(H, (k_x, k_y), WhiteNoise(cv.u_0), name="ti_surface")


def massive_dirac(mass=Delta, velocity=v):
    r"""Massive Dirac model :math:`H = \hbar v (k_x\sigma_x + k_y\sigma_y) + \Delta\sigma_z`
    (the TI surface in a basis rotated by pi/2 about z)."""
    H = cv.hbar * velocity * (k_x * sx + k_y * sy) + mass * sz
    return Model(H, (k_x, k_y), WhiteNoise(cv.u_0), name="massive_dirac")


def bhz_like(D=sp.Symbol("D", real=True), B=sp.Symbol("B", positive=True)):
    r"""A massive Dirac cone with a k-dependent mass and particle-hole asymmetry,

    .. math:: H = D k^2\sigma_0 + \hbar v (k_x\sigma_x + k_y\sigma_y) + (\Delta - B k^2)\sigma_z ,

    (one spin block of the Bernevig-Hughes-Zhang model).  A single Fermi circle in the conduction
    band requires |D| < B.
    """
    k2 = k_x**2 + k_y**2
    H = D * k2 * s0 + cv.hbar * v * (k_x * sx + k_y * sy) + (Delta - B * k2) * sz
    return Model(H, (k_x, k_y), WhiteNoise(cv.u_0), name="bhz_like",
                 sample=(("D", 0.1), ("B", 0.5), ("Delta", 0.4), ("v", 1.0), ("hbar", 1.0)))


BUILTINS = {"ti-surface": ti_surface, "massive-dirac": massive_dirac, "bhz-like": bhz_like}
