"""Model input: a k.p Hamiltonian H(k_x, k_y) as a SymPy matrix plus a disorder model.

The first stage of symkin's data flow (model -> bands -> regimes/fermi -> geometry -> kinetics ->
observables; the disorder model, like H, is input: :mod:`symkin.disorder`).  Validation happens here, once: H must be square and
Hermitian, depend only on the declared (real) momenta and on real parameters.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from . import conventions as cv
from .algebra.exact import exact_numbers  # noqa: F401 (re-exported: symkin.model.exact_numbers)
from .disorder import WhiteNoise  # noqa: F401 (the default disorder; re-exported)
from .algebra.bounds import is_zero, simplify_bounded
from .errors import AssumptionError, MomentumError, NonHermitianError, ShapeError


def dagger(m):
    """Hermitian conjugate of a SymPy matrix."""
    return m.conjugate().T


@dataclass(frozen=True)
class Model:
    r"""A two-dimensional k.p model :math:`H(k_x, k_y)` with a disorder model.

    Parameters
    ----------
    H : sympy.Matrix
        N x N Hermitian matrix, polynomial (or rational) in the momenta.
    momenta : tuple of two Symbols
        ``(k_x, k_y)``, declared ``real=True``.
    disorder : WhiteNoise, symkin.disorder.PointImpurities or symkin.disorder.DisorderSum
        Disorder model; the non-crossing chain uses its Gaussian part ``u0**2``.
    name : str
        A label used by printouts.
    fermi_level : Symbol
        The Fermi-level symbol.  Positive (default ``epsilon_F``): its magnitude, with
        :math:`E_F = \pm\epsilon_F` fixed by the regime; real (``conventions.E_F``): E_F itself, for
        models whose Fermi-level windows straddle zero (the Rashba models).
    notes : tuple of str
        Filled in by the constructor: one line per float coefficient of H made exact
        (``"0.3 taken as 3/10"``, see :func:`exact_numbers`); printed by ``str(model)``.
    sample : tuple of (name, value) pairs
        A representative numeric parameter point.  Used only to order Fermi radii and decide which
        side of a band edge is occupied (the symbolic results hold throughout the regime); the
        default is a fixed point with every positive parameter near 1 and real ones at 0.1.

    Examples
    --------
    >>> import sympy as sp
    >>> from symkin import Model, WhiteNoise
    >>> kx, ky = sp.symbols("k_x k_y", real=True)
    >>> M = sp.Symbol("M", positive=True)
    >>> m = Model(sp.Matrix([[M, kx - sp.I*ky], [kx + sp.I*ky, -M]]), (kx, ky))
    >>> m.n_bands, sorted(s.name for s in m.parameters)
    (2, ['M'])
    """

    H: sp.ImmutableMatrix
    momenta: tuple
    disorder: WhiteNoise = field(default_factory=WhiteNoise)
    name: str = "model"
    fermi_level: sp.Symbol = cv.epsilon_F
    sample: tuple = ()
    notes: tuple = field(default=(), compare=False)

    def __post_init__(self):
        try:
            H = sp.ImmutableMatrix(self.H)
        except (TypeError, ValueError, sp.SympifyError) as exc:
            raise ShapeError(f"H must be a SymPy matrix (or a nested list of expressions): {exc}") from exc
        H, notes = exact_numbers(H)
        notes += tuple(getattr(self.disorder, "notes", ()))
        object.__setattr__(self, "H", H)
        object.__setattr__(self, "notes", tuple(dict.fromkeys(tuple(self.notes) + notes)))
        if not H.is_square:
            raise ShapeError(f"H must be a square matrix, got shape {H.shape}")
        if len(self.momenta) != 2 or not all(isinstance(k, sp.Symbol) for k in self.momenta):
            raise MomentumError(f"momenta must be two Symbols (k_x, k_y), got {self.momenta!r}")
        object.__setattr__(self, "momenta", tuple(self.momenta))
        for k in self.momenta:
            if not k.is_real:
                raise AssumptionError(f"momentum {k} must be declared real=True")
        if not (isinstance(self.fermi_level, sp.Symbol) and self.fermi_level.is_real):
            raise AssumptionError(f"Fermi-level symbol {self.fermi_level} must be declared positive=True "
                                  "(E_F = +-epsilon_F) or real=True (E_F = epsilon_F)")
        for s in self.parameters:
            if not s.is_real:
                raise AssumptionError(
                    f"parameter {s} of H must be declared real (or positive): Symbol('{s.name}', real=True)")
        dis = getattr(self.disorder, "free_symbols", None) or {self.disorder.u0}  # WhiteNoise or disorder.*
        if H.free_symbols & (set(dis) | {self.fermi_level}):
            raise MomentumError("H must not contain the disorder strength or the Fermi level")
        if any(sp.expand(x) != 0 for x in (H - dagger(H))):
            raise NonHermitianError(f"H is not Hermitian: H - H^dagger = {simplify_bounded(H - dagger(H))}")

    # ------------------------------------------------------------------ basic data
    @property
    def n_bands(self) -> int:
        return self.H.shape[0]

    @property
    def parameters(self) -> frozenset:
        """Symbols of H other than the momenta."""
        return frozenset(self.H.free_symbols - set(self.momenta))

    def velocity_operator(self):
        r"""The velocity operator :math:`\hat{\mathbf v} = \hbar^{-1}\partial H/\partial\mathbf k` as a
        tuple ``(v_x, v_y)`` of matrices (the band-basis form is paper Eq. 39)."""
        return tuple(sp.ImmutableMatrix(self.H.diff(k) / cv.hbar) for k in self.momenta)

    def with_basis(self, U, name=None):
        """The same physics in another basis: H -> U^dagger H U for a constant unitary U."""
        U, unotes = exact_numbers(sp.ImmutableMatrix(U), radicals=True)
        if not all(is_zero(x, "U^dagger U - 1") for x in (dagger(U) * U - sp.eye(self.n_bands))):
            raise ShapeError("basis change must be a constant unitary matrix")
        return Model(sp.ImmutableMatrix(sp.expand(dagger(U) * self.H * U)), self.momenta, self.disorder,
                     name or self.name + " (rotated basis)", self.fermi_level, self.sample,
                     self.notes + unotes)

    def sample_point(self):
        """Numeric values (by Symbol) of the parameters: ``sample`` overrides, then defaults that
        respect the assumptions (positive/nonnegative > 0, negative/nonpositive < 0, real 0.1).
        The point inside a given regime is :func:`symkin.regimes.sample_point`."""
        given = dict(self.sample)
        defaults = (0.83, 1.17, 0.91, 1.09, 0.97, 1.23, 0.79)
        out = {}
        for i, s in enumerate(sorted(self.parameters, key=lambda s: s.name)):
            if s.name in given:
                out[s] = float(given[s.name])
            elif s.is_positive or s.is_nonnegative:
                out[s] = defaults[i % len(defaults)]
            elif s.is_negative or s.is_nonpositive:
                out[s] = -defaults[i % len(defaults)]  # a symbol declared negative is sampled negative
            else:
                out[s] = 0.1
        return out

    def validate_operator(self, O):
        """Check an observable O (N x N, Hermitian, depending only on the model's symbols)."""
        O, _ = exact_numbers(sp.ImmutableMatrix(O))
        if O.shape != self.H.shape:
            raise ShapeError(f"operator has shape {O.shape}, the Hamiltonian {self.H.shape}")
        extra = O.free_symbols - self.H.free_symbols - set(self.momenta) - {cv.hbar, cv.e}
        if extra:
            raise MomentumError(f"operator depends on symbols the model lacks: {sorted(map(str, extra))}")
        if any(sp.expand(x) != 0 for x in (O - dagger(O))):
            raise NonHermitianError("operator is not Hermitian")
        return O

    def __str__(self):
        out = f"{self.name}: H = {sp.sstr(self.H)}; {self.disorder.describe()}"
        return out + "".join(f"\n  note: {n}" for n in self.notes)
