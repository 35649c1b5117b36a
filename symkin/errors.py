"""Exceptions raised for bad input: one class per problem, each with a message naming it."""


class SymkinError(Exception):
    """Base class of all symkin errors."""


class NonHermitianError(SymkinError, ValueError):
    """The Hamiltonian (or an operator) is not Hermitian."""


class ShapeError(SymkinError, ValueError):
    """A matrix has the wrong shape (H not square / not 2x2 where required, O not N x N)."""


class MomentumError(SymkinError, ValueError):
    """The momenta are not real symbols, or H / O depends on symbols the model does not declare."""


class AssumptionError(SymkinError, ValueError):
    """A symbol lacks an assumption the derivation needs (e.g. a parameter not declared real)."""


class AnisotropicModelError(SymkinError, ValueError):
    """A closed form was requested for a model whose bands are not rotationally symmetric."""


class DegeneracyError(SymkinError, ValueError):
    """Bands are degenerate where the theory needs a gap (e.g. E_F at a band touching)."""


class RegimeError(SymkinError, ValueError):
    """The requested Fermi-level regime does not exist for this model."""


class CrossedUnavailableError(SymkinError, NotImplementedError):
    """The crossed (X, Psi) pair-skew terms have no closed form implemented for this model/regime."""
