r"""The paper's Section VI closed forms for the TI surface, typed in once — *references*, not engine code.

Burgos Atencia, Niu, Culcer, PRR 4, 013001 (2022), Section VI: the magnetic TI surface
:math:`H = \hbar v_F(k_x\sigma_y - k_y\sigma_x) + M\sigma_z` (Eq. 68) with white-noise disorder
:math:`u_0^2` (Eq. 9), E_F = +epsilon_F in the conduction band, :math:`\xi = M/\epsilon_F`.

The engine never imports this module: every symkin result is *derived* from the Hamiltonian.  The
tests and the worked derivations compare those derivations with the expressions here, so the paper's
formulas are typed in one place (one reference, one home per quantity).  Where the printed equation is
corrected (paper/NOTES.md, docs/), the corrected form is given and the docstring says why.

Every function takes the symbols as keyword arguments (defaults: the conventions' symbols and the
built-in model's ``v_F``, ``M``), so the same forms serve numeric checks:

>>> import sympy as sp
>>> from symkin import paper
>>> s = paper.ti_sigma_yx()
>>> sp.cancel(sum(s[k] for k in ("intrinsic", "extrinsic", "side_jump", "skew")) - s["total"])
0
"""
from __future__ import annotations

import sympy as sp

from . import conventions as cv

_v_F = sp.Symbol("v_F", positive=True)
_M = sp.Symbol("M", positive=True)


def _args(e, hbar, v_F, M, epsilon_F, u_0):
    return (cv.e if e is None else e, cv.hbar if hbar is None else hbar, _v_F if v_F is None else v_F,
            _M if M is None else M, cv.epsilon_F if epsilon_F is None else epsilon_F,
            cv.u_0 if u_0 is None else u_0)


def ti_fermi_surface(*, e=None, hbar=None, v_F=None, M=None, epsilon_F=None, u_0=None):
    r"""Fermi-surface data of the TI surface (conduction band).

    .. math:: k_F^2 = \frac{\epsilon_F^2 - M^2}{(\hbar v_F)^2},\quad
              \rho = \frac{\epsilon_F}{2\pi\hbar^2v_F^2},\quad \tau = \frac{\hbar}{\pi u_0^2\rho},\quad
              \tau_{tr} = \frac{2\tau}{1+3\xi^2}\ \text{(Eq. 76)} .

    Returns a dict with ``xi``, ``kF2``, ``rho``, ``tau``, ``tau_tr``.
    """
    e, hbar, v_F, M, eF, u0 = _args(e, hbar, v_F, M, epsilon_F, u_0)
    xi = M / eF
    rho = eF / (2 * sp.pi * hbar**2 * v_F**2)
    tau = hbar / (sp.pi * u0**2 * rho)
    return {"xi": xi, "kF2": (eF**2 - M**2) / (hbar * v_F) ** 2, "rho": rho, "tau": tau,
            "tau_tr": 2 * tau / (1 + 3 * xi**2)}


def ti_sigma_yx(*, e=None, hbar=None, v_F=None, M=None, epsilon_F=None, u_0=None):
    r"""The anomalous Hall conductivity of the TI surface, Eqs. 74, 78, 82, 85, 86.

    .. math:: \sigma^{\rm int} = \frac{e^2}{4\pi\hbar}\xi,\quad
              \sigma^{\rm ext} = \sigma^{\rm sj} = \frac{e^2}{2\pi\hbar}\frac{\xi(1-\xi^2)}{1+3\xi^2},\quad
              \sigma^{\rm sk} = \frac{e^2}{2\pi\hbar}\frac{3\xi(1-\xi^2)^2}{2(1+3\xi^2)^2},\quad
              \sigma_{yx} = \frac{e^2}{2\pi\hbar}\frac{4\xi(1+\xi^2)}{(1+3\xi^2)^2} .

    Keys as in :func:`symkin.anomalous_hall` (``intrinsic``, ``extrinsic``, ``side_jump``,
    ``skew``, ``total``); σ_yx = j_y/E_x, e > 0, NCA, Gaussian white noise.
    """
    e, hbar, v_F, M, eF, u0 = _args(e, hbar, v_F, M, epsilon_F, u_0)
    x = M / eF
    c = e**2 / (2 * sp.pi * hbar) * x
    return {"intrinsic": c / 2,                                          # Eq. 74
            "extrinsic": c * (1 - x**2) / (1 + 3 * x**2),       # Eq. 78
            "side_jump": c * (1 - x**2) / (1 + 3 * x**2),                # Eq. 82
            "skew": c * 3 * (1 - x**2) ** 2 / (2 * (1 + 3 * x**2) ** 2),  # Eq. 85
            "total": 4 * c * (1 + x**2) / (1 + 3 * x**2) ** 2}           # Eq. 86


def ti_spin_density(*, e=None, hbar=None, v_F=None, M=None, epsilon_F=None, u_0=None,
                    E_x=None, E_y=None):
    r"""The current-induced spin density of the TI surface, Eqs. 90, 96, 99, 101, 103, 104.

    Pauli matrices without ħ/2; columns (s_x, s_y, s_z).  With
    :math:`a = (1-\xi^2)/(1+3\xi^2)` and :math:`b = e\hbar v_F\rho\,\xi/\epsilon_F`:

    .. math:: \langle s\rangle^{\rm Edel} = -e\tau v_F\rho\,a\,\hat z\times\mathbf E,\quad
              \langle s\rangle^{\rm int} = \tfrac b2\mathbf E,\quad
              \langle s\rangle^{\rm ext} = \langle s\rangle^{\rm sj} = b\,a\,\mathbf E,\quad
              \langle s\rangle^{\rm sk} = \tfrac32 b\,a^2\,\mathbf E .

    Keys as in :func:`symkin.spin_density` (``fermi_surface``, ``intrinsic``, ``extrinsic``,
    ``side_jump``, ``skew``, ``total``).
    """
    e, hbar, v_F, M, eF, u0 = _args(e, hbar, v_F, M, epsilon_F, u_0)
    Ex, Ey = (cv.E_x if E_x is None else E_x), (cv.E_y if E_y is None else E_y)
    fs = ti_fermi_surface(e=e, hbar=hbar, v_F=v_F, M=M, epsilon_F=eF, u_0=u0)
    x, rho, tau = fs["xi"], fs["rho"], fs["tau"]
    E, zxE = sp.Matrix([Ex, Ey, 0]), sp.Matrix([-Ey, Ex, 0])
    a = (1 - x**2) / (1 + 3 * x**2)
    b = e * hbar * v_F * rho * x / eF
    out = {"fermi_surface": -e * tau * v_F * rho * a * zxE,     # Eq. 90
           "intrinsic": b / 2 * E,                               # Eq. 96
           "extrinsic": b * a * E,                               # Eq. 99
           "side_jump": b * a * E,                               # Eq. 101
           "skew": sp.Rational(3, 2) * b * a**2 * E}             # Eq. 103
    out["total"] = sum((out[k] for k in list(out)), sp.zeros(3, 1))  # Eq. 104
    return out


def ti_torque(m=(0, 0, 1), *, e=None, hbar=None, v_F=None, M=None, epsilon_F=None, u_0=None,
              E_x=None, E_y=None):
    r"""Spin-orbit torque of the TI surface, Eq. 105 *as corrected*.

    .. math:: \mathbf T = -\frac{e\tau\epsilon_F M}{2\pi\hbar^2v_F}\frac{1-\xi^2}{1+3\xi^2}
              \,\mathbf m\times(\hat z\times\mathbf E)
              + \frac{2e}{\pi\hbar v_F}\frac{M^2}{\epsilon_F}\frac{1+\xi^2}{(1+3\xi^2)^2}\,\mathbf m\times\mathbf E .

    Correction: the printed first term carries an extra factor ρ(ε_F); derived from Eq. 104 with ħ/2
    restored (T = (2M/ħ) m × ⟨S⟩, S = ħs/2) it does not — dimensionally the printed form is off by an
    inverse area × energy.  Keys ``field_like``, ``damping_like``, ``total``.
    """
    e, hbar, v_F, M, eF, u0 = _args(e, hbar, v_F, M, epsilon_F, u_0)
    Ex, Ey = (cv.E_x if E_x is None else E_x), (cv.E_y if E_y is None else E_y)
    m = sp.Matrix(m)
    fs = ti_fermi_surface(e=e, hbar=hbar, v_F=v_F, M=M, epsilon_F=eF, u_0=u0)
    x, tau = fs["xi"], fs["tau"]
    E, zxE = sp.Matrix([Ex, Ey, 0]), sp.Matrix([-Ey, Ex, 0])
    field_like = -(e * tau * eF * M / (2 * sp.pi * hbar**2 * v_F)) * (1 - x**2) / (1 + 3 * x**2) * m.cross(zxE)
    damping_like = 2 * e / (sp.pi * hbar * v_F) * M**2 / eF * (1 + x**2) / (1 + 3 * x**2) ** 2 * m.cross(E)
    return {"field_like": field_like, "damping_like": damping_like, "total": field_like + damping_like}
