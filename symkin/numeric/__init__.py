r"""Numeric back-end: the semiclassical chain of Burgos Atencia, Niu & Culcer, PRR 4, 013001 (2022),
evaluated on discretised Fermi contours for any 2D k.p model (isotropic or not).  It mirrors the
closed-form chain file by file, with the same stage names:

* :mod:`symkin.numeric.model` -- the model with numbers: vectorised ``H(k)``, ``dH/dk``, eigensystems;
* :mod:`symkin.numeric.fermi` -- iso-energy shells on rays, their delta measure, the Fermi-sea quadrature;
* :mod:`symkin.numeric.kinetics` -- the Born collision operator on a shell (:func:`solve_shell`) and
  :class:`ShellKinetics` with the stages ``n_leading`` (n^(-1)), ``D_prime``, ``S_ext``, ``J_E``,
  ``n_side_jump``, ``skew`` (J_sk -> n^sk) and ``extrinsic`` (the beta/gamma vertex);
* :mod:`symkin.numeric.observables` -- the response of operators (plus the Fermi sea) and the named
  observables.

:mod:`symkin.kubo` (the independent diagrammatic check) is built on the public names of this package.

Conventions: :mod:`symkin.conventions` (``e > 0``, ``j = -e Tr(v f)``, ``sigma_yx = j_y/E_x``).

Accuracy and scope
------------------
* Isotropic models: the angular integrands are low-degree trigonometric polynomials, so a handful of
  rays already gives machine precision (TI: all five contributions of Eqs. 74-86 to ~1e-14).
* Anisotropic, star-shaped contours: exponential convergence of the Fermi-surface terms in
  ``n_points``.  The Fermi-sea term converges only algebraically when the model has sharp angular
  structure at large k (e.g. strong k^3 warping); contours that are not star-shaped about k = 0
  are handled (several roots per ray) with algebraic convergence.
* Bands must be non-degenerate on every shell used (:class:`~symkin.errors.DegeneracyError`).
* Particle-hole asymmetric models (``D k^2 sigma_0``, a tilt, Rashba): with ``skew='all-shells'``
  the skew shells away from ``E_F`` sit at ``e^a(k_F) != -E_F``, as the printed delta-only
  collision integral prescribes, and the result differs from the non-crossing Kubo-Streda one
  (:mod:`symkin.kubo`).  The default ``skew='fermi-shell'`` (twice ``diagnostics["skew_fermi_shell"]``)
  equals Kubo (BHZ-like, tilted Dirac, Rashba ferromagnet in all regimes, to 1e-6); for
  particle-hole symmetric models the two parts are equal and both prescriptions agree.
"""
from .fermi import TWO_PI_SQ, Shell, band_diagonal, fermi_shell, sea_integral_occupied, shell_roots
from .kinetics import ShellKinetics, born_rate, solve_shell
from .model import CompiledModel, MatFun, compile_model
from .observables import (RESPONSE_NAMES, anomalous_hall, as_operator_list, chain, fermi_energy, fermi_sea,
                          intrinsic_integrand, pauli, regime_argument, regime_label, response,
                          spin_density)

__all__ = ["CompiledModel", "MatFun", "Shell", "ShellKinetics", "compile_model", "chain", "RESPONSE_NAMES",
           "fermi_shell", "shell_roots", "band_diagonal", "solve_shell", "born_rate", "response",
           "anomalous_hall", "spin_density", "fermi_sea", "intrinsic_integrand", "sea_integral_occupied",
           "fermi_energy", "regime_argument", "regime_label", "as_operator_list", "pauli", "TWO_PI_SQ"]
