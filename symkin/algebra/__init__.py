r"""The exact machinery: algebra that knows no stage of the physics chain (issue 13, the wing beside it).

=================  =====================================================================================
``poly``           exact rational arithmetic on FLINT multivariate polynomials (python-flint): ``fcancel``,
                   Laurent coefficients ``flaurent``, relations :math:`L^2 = Q` imposed exactly,
                   ``solve_linear``; the size limits ``MAX_*`` (``SYMKIN_MAX_*`` environment variables)
``bounds``         guards before the SymPy calls no FLINT limit bounds (solve, linsolve, integrate,
                   limit, simplify): one ``SizeLimitError`` naming the limit, never an unbounded run
``integrate``      angular averages as Laurent coefficients in :math:`z = e^{i\theta}`; Fermi-sea
                   antiderivatives
``fsvars``         algebraic symbols defined by a polynomial relation and a branch (the Fermi-surface
                   variables :math:`k_F`, :math:`\Lambda_F`, ...): definitions, numeric roots, explicit forms,
                   implicit differentiation
``exact``          floats a user types become exact rationals (``exact_numbers``), once, when a model
                   is built
``closedform``     the explicit reduction of ring-symbol expressions (a mixin of
                   :class:`symkin.fermi.RingSet`: it works on the rings it is given, imports no stage)
=================  =====================================================================================

The chain (``bands`` ... ``observables``) imports from here; nothing here imports the chain
(``tests/test_architecture.py``).
"""
