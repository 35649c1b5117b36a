"""The one place where symkin's units, signs and standard symbols are fixed.

Everything else imports from here; README.md states the same conventions.

* Units are left symbolic: ``hbar`` and the elementary charge ``e`` are positive symbols.
* ``e > 0``; the electron charge is ``-e`` and the current is :math:`\\mathbf j = -e\\,\\mathrm{Tr}(\\mathbf v f)`.
* Conductivity :math:`\\sigma_{ab} = j_a/E_b`; the paper reports :math:`\\sigma_{yx}`.
* Spin operator = Pauli matrices (no :math:`\\hbar/2`) unless a function says otherwise; the
  spin-orbit torque restores :math:`\\hbar/2`.
* Berry connection :math:`\\mathcal R^{mn} = i\\langle u^m|\\nabla_k u^n\\rangle`; curvature
  :math:`\\Omega = \\nabla_k\\times\\mathcal R` (paper Eq. 43).
* Disorder: Gaussian white noise :math:`\\langle U(r)U(r')\\rangle = u_0^2\\delta(r-r')` (Eq. 9), first
  Born order, non-crossing (ladder) approximation; only the delta-function parts of the energy
  denominators are kept (principal parts dropped).
* Results are per unit area for one species (no spin or valley degeneracy factor), at T = 0.
* The Fermi level is the positive symbol ``epsilon_F``: :math:`E_F = +\\epsilon_F` in the conduction
  band (the default) and :math:`E_F = -\\epsilon_F` in the valence band.  Models whose Fermi-level
  windows straddle zero (the Rashba models, whose bands both rise as :math:`\\hbar^2k^2/2m`) use the
  *real* symbol :data:`E_F` instead, with :math:`E_F` itself as the variable.
"""
import sympy as sp

#: elementary charge (positive; electron charge is -e)
e = sp.Symbol("e", positive=True)
#: reduced Planck constant
hbar = sp.Symbol("hbar", positive=True)
#: magnitude of the Fermi energy, E_F = +epsilon_F (conduction) or -epsilon_F (valence)
epsilon_F = sp.Symbol("epsilon_F", positive=True)
#: the Fermi energy itself (real), for models whose regimes straddle E = 0 (Rashba)
E_F = sp.Symbol("epsilon_F", real=True)
#: white-noise disorder strength, <U(r)U(r')> = u_0^2 delta(r - r')
u_0 = sp.Symbol("u_0", positive=True)
#: electric field components
E_x, E_y = sp.symbols("E_x E_y", real=True)
#: the field as a column vector (in-plane)
E_FIELD = sp.Matrix([E_x, E_y])

#: the Pauli matrices, typed once (spin operator = Pauli matrices, no hbar/2)
SIGMA_0 = sp.ImmutableMatrix([[1, 0], [0, 1]])
SIGMA_X = sp.ImmutableMatrix([[0, 1], [1, 0]])
SIGMA_Y = sp.ImmutableMatrix([[0, -sp.I], [sp.I, 0]])
SIGMA_Z = sp.ImmutableMatrix([[1, 0], [0, -1]])
PAULI = (SIGMA_X, SIGMA_Y, SIGMA_Z)

APPROXIMATION = ("first Born (non-crossing/ladder) approximation, Gaussian white-noise disorder "
                 "<U(r)U(r')> = u_0^2 delta(r-r'), delta parts of energy denominators only, T = 0, "
                 "order (hbar/epsilon_F tau)^0 in sigma_yx")

CONVENTIONS = {
    "units": "symbolic: hbar and e are positive symbols; per unit area, one species, T = 0",
    "charge": "e > 0 is the elementary charge; electron charge is -e; j = -e Tr(v f)",
    "conductivity": "sigma_ab = j_a / E_b (the paper reports sigma_yx)",
    "spin": "Pauli matrices, without hbar/2 (the torque restores hbar/2)",
    "berry": "R^{mn} = i<u^m|grad_k u^n>, Omega = curl_k R (Eq. 43)",
    "disorder": "white noise <U(r)U(r')> = u_0^2 delta(r - r') (Eq. 9), Born, non-crossing",
    "fermi_level": "E_F = +epsilon_F in the conduction band, -epsilon_F in the valence band "
                   "(positive epsilon_F); E_F = epsilon_F for a real epsilon_F (Rashba models)",
}
