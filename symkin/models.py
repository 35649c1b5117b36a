"""Built-in models.  Each returns a :class:`symkin.Model` whose symbols carry the names the API
fixes (``hbar``, ``v_F``, ``M``, ``Delta``, ...; all positive)."""
import sympy as sp

from . import conventions as cv
from .model import Model, WhiteNoise

k_x, k_y = sp.symbols("k_x k_y", real=True)
s0, sx, sy, sz = (sp.Matrix(m) for m in (cv.SIGMA_0, *cv.PAULI))
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
    band requires :math:`|D| < B`.
    """
    k2 = k_x**2 + k_y**2
    H = D * k2 * s0 + cv.hbar * v * (k_x * sx + k_y * sy) + (Delta - B * k2) * sz
    return Model(H, (k_x, k_y), WhiteNoise(cv.u_0), name="bhz_like",
                 sample=(("D", 0.1), ("B", 0.5), ("Delta", 0.4), ("v", 1.0), ("hbar", 1.0)))


m = sp.Symbol("m", positive=True)
alpha = sp.Symbol("alpha", positive=True)


def rashba_ferromagnet(exchange=Delta, rashba=alpha, mass=m):
    r"""Two-dimensional Rashba ferromagnet (Nunner et al., PRB 76, 235312 (2007)):

    .. math:: H = \frac{\hbar^2k^2}{2m} + \alpha(\sigma_xk_y - \sigma_yk_x) + \Delta\sigma_z ,
              \qquad \epsilon_\pm = \frac{\hbar^2k^2}{2m} \pm\sqrt{\alpha^2k^2+\Delta^2} .

    Both bands rise to +oo, so the Fermi level is the *real* symbol ``epsilon_F`` (= E_F, see
    :mod:`symkin.conventions`).  Regimes: 'both' (E_F > Delta, two Fermi circles of different radius),
    'lower' (-Delta < E_F < Delta) and, when :math:`m\alpha^2/\hbar^2 > \Delta` (the default sample
    point hbar = m = alpha = 1, Delta = 0.5), 'lower-annulus' below the rim of the Mexican hat.
    """
    k2 = k_x**2 + k_y**2
    H = cv.hbar**2 * k2 / (2 * mass) * s0 + rashba * (sx * k_y - sy * k_x) + exchange * sz
    sample = (("hbar", 1.0), ("m", 1.0), ("alpha", 1.0), ("Delta", 0.5))
    return Model(H, (k_x, k_y), WhiteNoise(cv.u_0), name="rashba_ferromagnet", fermi_level=cv.E_F,
                 sample=sample)


def rashba(rashba=alpha, mass=m):
    r"""Rashba two-dimensional electron gas, :math:`H = \hbar^2k^2/2m + \alpha(\sigma_xk_y - \sigma_yk_x)`
    (:func:`rashba_ferromagnet` with :math:`\Delta = 0`; the bands touch at k = 0, so E_F > 0 is
    required: one regime, 'both')."""
    k2 = k_x**2 + k_y**2
    H = cv.hbar**2 * k2 / (2 * mass) * s0 + rashba * (sx * k_y - sy * k_x)
    return Model(H, (k_x, k_y), WhiteNoise(cv.u_0), name="rashba", fermi_level=cv.E_F,
                 sample=(("hbar", 1.0), ("m", 1.0), ("alpha", 1.0)))


alpha_3 = sp.Symbol("alpha_3", positive=True)


def cubic_rashba_ferromagnet(exchange=Delta, rashba=alpha_3, mass=m):
    r"""Cubic (heavy-hole-like, winding 3) Rashba coupling with exchange:

    .. math:: H = \frac{\hbar^2k^2}{2m} + i\alpha_3(k_-^3\sigma_+ - k_+^3\sigma_-) + \Delta\sigma_z ,
              \qquad \epsilon_\pm = \frac{\hbar^2k^2}{2m} \pm\sqrt{\alpha_3^2k^6+\Delta^2},

    :math:`k_\pm = k_x \pm ik_y`, :math:`\sigma_\pm = (\sigma_x \pm i\sigma_y)/2`.  The Fermi radius is
    a root of a *cubic* in :math:`k^2`: results are written in the Fermi-surface variables
    (:mod:`symkin.algebra.fsvars`).  The k.p form holds at small k: the lower band turns down at
    :math:`k \sim \hbar^2/(m\alpha_3)`, so its Fermi sea is unbounded (regimes 'valence',
    'valence-annulus', 'gap', 'conduction').  Fermi level: the real symbol ``epsilon_F`` (= E_F).
    """
    k2 = k_x**2 + k_y**2
    kp, km = k_x + sp.I * k_y, k_x - sp.I * k_y
    s_plus, s_minus = (sx + sp.I * sy) / 2, (sx - sp.I * sy) / 2
    H = (cv.hbar**2 * k2 / (2 * mass) * s0 + sp.I * rashba * (km**3 * s_plus - kp**3 * s_minus)
         + exchange * sz).applyfunc(sp.expand)
    sample = (("hbar", 1.0), ("m", 1.0), ("alpha_3", 1.0), ("Delta", 0.5))
    return Model(H, (k_x, k_y), WhiteNoise(cv.u_0), name="cubic_rashba_ferromagnet", fermi_level=cv.E_F,
                 sample=sample)


BUILTINS = {"ti-surface": ti_surface, "massive-dirac": massive_dirac, "bhz-like": bhz_like,
            "rashba-ferromagnet": rashba_ferromagnet, "rashba": rashba,
            "cubic-rashba-ferromagnet": cubic_rashba_ferromagnet}
