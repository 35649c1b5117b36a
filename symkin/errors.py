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


class SizeLimitError(SymkinError, RuntimeError):
    """A derivation hit one of the engine's size limits (polynomial degree, number of terms,
    number of Fermi circles).  The message names the limit and how to raise it (the module-level
    constants in :mod:`symkin.limits`, or the environment variables they read)."""


class UnsupportedModelError(SymkinError, ValueError):
    """The model is outside what the closed-form engine can derive; the message names the cause
    (the original SymPy/FLINT exception is chained as ``__cause__``)."""


class InternalSymbolError(SymkinError, RuntimeError):
    """A result still contains one of the engine's auxiliary symbols (a bug in symkin)."""
