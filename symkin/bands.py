r"""Bands and eigenvectors of an isotropic model, in a smooth documented gauge.

Isotropy
--------
A model is *isotropic* when a constant Hermitian generator :math:`J` exists with

.. math:: (k_x\partial_{k_y} - k_y\partial_{k_x})\,H = -i[J, H],

i.e. :math:`H(R_\theta\mathbf k) = e^{-iJ\theta}H(\mathbf k)e^{iJ\theta}` (for the TI surface
:math:`J = \sigma_z/2` + const: rotations act on the spin).  :func:`rotation_generator` solves this
linear equation for J; no solution means the model is anisotropic and no closed form is attempted.
J is shifted so that its smallest eigenvalue is 0 and its eigenvalues must be integers (then the
gauge below is single valued).

Gauge
-----
In the basis where J is diagonal, :math:`J = \mathrm{diag}(j_i)`, the eigenvectors are

.. math:: |u^a_{k,\theta}\rangle = e^{-iJ\theta}\,|u^a_{k,0}\rangle ,

and on the ray :math:`\theta = 0` a two-band block :math:`h = d_0 + \mathbf d\cdot\sigma` with
:math:`d_x + i d_y = \kappa\,g(k)` (:math:`\kappa` a constant phase, g real) has

.. math:: |u^+\rangle = c\,(1, \kappa t)^T,\quad |u^-\rangle = c\,(t, -\kappa)^T,\quad
          t = \frac{g}{|\mathbf d| + d_z} = \tan\frac{\beta}{2}\ \mathrm{sign}\,g,\quad c = (1+t^2)^{-1/2} .

For the TI surface (Eq. 68) this is exactly the paper's Eq. 69.  With :math:`t` and
:math:`z = e^{i\theta}` every on-shell quantity is rational (paper/NOTES.md), which keeps SymPy fast
and makes ``cancel(a - b) == 0`` a complete zero test.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from .errors import AnisotropicModelError, ShapeError, SizeLimitError
from .internal import internal, internal_symbols
from .model import Model, dagger
from .algebra.bounds import check_size, simplify_bounded, solve_degree
from .algebra.poly import MAX_K_DEGREE

#: polar variables: k = |k| > 0, z = exp(i theta) as a *real* placeholder (conjugation is z -> 1/z)
k = internal("k", positive=True)
z = internal("z", real=True)
zp = internal("z'", real=True)
theta = internal("theta", real=True)


def conj(expr, zs=(z, zp)):
    """Complex conjugate of an expression in the real placeholders z = e^{i theta}: z -> 1/z."""
    c = sp.conjugate(expr)
    return c.xreplace({w: 1 / w for w in zs})


def dagger_z(m, zs=(z, zp)):
    """Hermitian conjugate of a matrix whose entries are Laurent in the placeholders z, z'."""
    return sp.Matrix(m).T.applyfunc(lambda x: conj(x, zs))


def polar_subs(model: Model, radius=k, w=z):
    """Substitution k_x -> r (w + 1/w)/2, k_y -> r (w - 1/w)/(2i) (w = e^{i theta})."""
    kx, ky = model.momenta
    return {kx: radius * (w + 1 / w) / 2, ky: radius * (w - 1 / w) / (2 * sp.I)}


@dataclass(frozen=True)
class Isotropy:
    """Rotation generator and the basis in which it is diagonal.

    Attributes
    ----------
    J : diag(j_i), integer eigenvalues, min 0
    W : unitary with ``W^dagger J_model W = J`` (columns: eigenvectors of the model's generator)
    H : the Hamiltonian in that basis, ``W^dagger H W``
    """

    J: sp.ImmutableMatrix
    W: sp.ImmutableMatrix
    H: sp.ImmutableMatrix

    @property
    def charges(self):
        return tuple(int(self.J[i, i]) for i in range(self.J.shape[0]))


def rotation_generator(model: Model) -> Isotropy:
    r"""Solve :math:`(k_x\partial_{k_y}-k_y\partial_{k_x})H = -i[J,H]` for a constant Hermitian J.

    Raises
    ------
    AnisotropicModelError
        if no such J exists (e.g. warping :math:`k_x^3-3k_xk_y^2` or :math:`k_x^2-k_y^2` terms), or if
        the rotation eigenvalues do not differ by integers.

    Examples
    --------
    >>> from symkin.models import ti_surface
    >>> rotation_generator(ti_surface()).charges
    (1, 0)
    """
    try:
        return _rotation_generator(model.H, model.momenta)
    except AnisotropicModelError as exc:
        if not model.notes:
            raise
        raise AnisotropicModelError(f"{exc}; H had float coefficients ({'; '.join(model.notes)}): a rotation "
                                    "typed in floats (e.g. cos(0.3)) is isotropic only to round-off; type the "
                                    "basis change exactly or use Model.with_basis(U)") from None


def hermitian_unknown(n, prefix):
    """An n x n Hermitian matrix of real unknowns (diagonal x, off-diagonal x + i y) and their list."""
    xs = internal_symbols(f"{prefix}r0:{n * n}", real=True)
    ys = internal_symbols(f"{prefix}i0:{n * n}", real=True)
    M, unknowns = sp.zeros(n, n), []
    for a in range(n):
        M[a, a] = xs[a * n + a]
        unknowns.append(xs[a * n + a])
        for b in range(a + 1, n):
            M[a, b] = xs[a * n + b] + sp.I * ys[a * n + b]
            M[b, a] = xs[a * n + b] - sp.I * ys[a * n + b]
            unknowns += [xs[a * n + b], ys[a * n + b]]
    return M, unknowns


def _check_k_degree(H, momenta):
    """SizeLimitError if an entry of H has total degree in the momenta above poly.MAX_K_DEGREE."""
    for x in H:
        x = sp.expand(x)
        if x == 0 or not x.is_polynomial(*momenta):
            continue
        deg = sp.Poly(x, *momenta).total_degree()
        if deg > MAX_K_DEGREE:
            raise SizeLimitError(f"H has degree {deg} in the momenta, above symkin.algebra.poly.MAX_K_DEGREE = "
                                 f"{MAX_K_DEGREE}; raise it with the environment variable SYMKIN_MAX_K_DEGREE "
                                 "or symkin.algebra.poly.MAX_K_DEGREE = ...")


@lru_cache(maxsize=64)
def _rotation_generator(H, momenta) -> Isotropy:
    kx, ky = momenta
    n = H.shape[0]
    Jm, unknowns = hermitian_unknown(n, "_j")
    _check_k_degree(H, momenta)
    lhs = (kx * H.diff(ky) - ky * H.diff(kx)) + sp.I * (Jm * H - H * Jm)
    eqs = []
    for x in lhs:
        x = sp.expand(x)
        if x == 0:
            continue
        try:
            poly = sp.Poly(x, kx, ky)
        except sp.PolynomialError:
            raise AnisotropicModelError("H must be polynomial in the momenta for the isotropy test") from None
        for coeff in poly.coeffs():
            re, im = sp.expand_complex(coeff).as_real_imag()
            eqs += [sp.expand(re), sp.expand(im)]
    eqs = [q for q in eqs if q != 0]
    sol = sp.linsolve(check_size(eqs, "the isotropy equations"), unknowns) if eqs else sp.FiniteSet(tuple(unknowns))
    if sol == sp.S.EmptySet or len(sol) == 0:
        raise AnisotropicModelError(
            "H is not rotationally symmetric: no constant generator J with "
            "(k_x d/dk_y - k_y d/dk_x) H = -i [J, H] exists, so no closed form in polar "
            "variables is possible (use symkin.numeric for anisotropic models)")
    (vals,) = list(sol)
    J = Jm.xreplace(dict(zip(unknowns, vals)))
    free = J.free_symbols & set(unknowns)
    # free directions commute with H: choose 0 (then J is fixed up to the commutant)
    J = J.xreplace({s: 0 for s in free})
    if J.free_symbols:
        raise AnisotropicModelError(f"rotation generator depends on parameters: {J}")
    if J.is_diagonal():
        W = sp.eye(n)
        jd = [J[i, i] for i in range(n)]
    else:
        W_cols, jd = [], []
        for f, _ in J.charpoly().factor_list()[1]:  # eigenvalues in radicals, bounded
            solve_degree(f.as_expr(), f.gen, "an eigenvalue of the rotation generator")
        for val, mult, vecs in J.eigenvects():
            vecs = sp.GramSchmidt(vecs, orthonormal=True)
            W_cols += vecs
            jd += [val] * mult
        W = sp.Matrix.hstack(*W_cols)
    jmin = min(jd)
    jd = [sp.nsimplify(j - jmin) for j in jd]
    if not all(j.is_integer for j in jd):
        raise AnisotropicModelError(f"rotation eigenvalues {jd} do not differ by integers")
    Ht = sp.ImmutableMatrix((dagger(W) * H * W).applyfunc(sp.expand))
    return Isotropy(sp.ImmutableMatrix(sp.diag(*jd)), sp.ImmutableMatrix(W), Ht)


def is_isotropic(model: Model) -> bool:
    """True when :func:`rotation_generator` succeeds."""
    try:
        rotation_generator(model)
    except AnisotropicModelError:
        return False
    return True


@dataclass(frozen=True)
class TwoBandBlock:
    r"""The :math:`\theta = 0` form :math:`h(k) = d_0(k) + \mathbf d(k)\cdot\sigma` of a two-band model.

    ``g`` and ``kappa`` give :math:`d_x + i d_y = \kappa g(k)` with g real and :math:`|\kappa| = 1`.
    """

    d0: sp.Expr
    dz: sp.Expr
    g: sp.Expr
    kappa: sp.Expr

    @property
    def d_squared(self):
        return sp.expand(self.dz**2 + self.g**2)

    def energies(self, Lam=None):
        """(conduction, valence) energies d0 +- |d|; |d| given as ``Lam`` or explicit."""
        Lam = sp.sqrt(self.d_squared) if Lam is None else Lam
        return (self.d0 + Lam, self.d0 - Lam)

    def eigenvectors(self, t, c):
        """Columns u^+, u^- at theta = 0 in the parametrisation (t, c) of the module docstring."""
        return sp.Matrix([[c, c * t], [c * self.kappa * t, -c * self.kappa]])

    def t_of(self, Lam=None):
        Lam = sp.sqrt(self.d_squared) if Lam is None else Lam
        return self.g / (Lam + self.dz)


def two_band_block(model: Model) -> TwoBandBlock:
    """The d-vector of a 2x2 isotropic model on the ray theta = 0 (the d.sigma fast path)."""
    if model.n_bands != 2:
        raise ShapeError(f"the two-band fast path needs a 2x2 Hamiltonian, got {model.n_bands}x{model.n_bands}")
    iso = rotation_generator(model)
    h = iso.H.xreplace({model.momenta[0]: k, model.momenta[1]: 0})
    d0 = sp.expand((h[0, 0] + h[1, 1]) / 2)
    dz = sp.expand((h[0, 0] - h[1, 1]) / 2)
    dperp = sp.expand(h[1, 0])
    if dperp == 0:
        return TwoBandBlock(d0, dz, sp.S.Zero, sp.S.One)
    coeffs = sp.Poly(dperp, k).coeffs()
    lead = coeffs[0]
    kappa = simplify_bounded(lead / sp.Abs(lead))
    g = sp.expand(dperp / kappa)
    if sp.expand(sp.im(g)) != 0:
        raise AnisotropicModelError(
            f"the in-plane part d_x + i d_y = {dperp} of H has a k-dependent phase; not supported")
    return TwoBandBlock(d0, dz, g, kappa)


@dataclass(frozen=True)
class Bands:
    r"""Bands and eigenvectors of an isotropic two-band model (paper Eq. 69 for the TI surface).

    Attributes
    ----------
    energies : tuple of Expr
        :math:`\epsilon^\pm_k` as functions of the positive symbol ``k = |k|`` (index 0: conduction).
    eigenvectors : Matrix
        Columns :math:`|u^\pm_{k,\theta}\rangle` in the model's basis, functions of ``k`` and ``theta``,
        in the gauge of the module docstring.
    xi : Expr
        :math:`\xi_k = d_z/|\mathbf d|` (the paper's :math:`M/\lambda_k`).
    """

    energies: tuple
    eigenvectors: sp.Matrix
    xi: sp.Expr
    generator: sp.Matrix
    block: TwoBandBlock


def bands(model: Model) -> Bands:
    """Energies and eigenvectors in the documented gauge (module docstring), polar form."""
    iso = rotation_generator(model)
    blk = two_band_block(model)
    Lam = sp.sqrt(blk.d_squared)
    xi = blk.dz / Lam
    c = sp.sqrt((1 + xi) / 2)
    s = sp.sqrt((1 - xi) / 2) * sp.sign(blk.g) if blk.g != 0 else sp.S.Zero
    u0 = sp.Matrix([[c, s], [blk.kappa * s, -blk.kappa * c]])
    rot = sp.diag(*[sp.exp(-sp.I * j * theta) for j in iso.charges])
    U = (iso.W * rot * u0).applyfunc(sp.expand)
    return Bands(blk.energies(), U, xi, iso.W * iso.J * dagger(iso.W), blk)
