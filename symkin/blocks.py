r"""N x N models: decomposition into decoupled blocks.

Scalar (white-noise) disorder :math:`U(\mathbf r)\mathbb 1` cannot scatter between two blocks of a
block-diagonal Hamiltonian: every overlap :math:`\langle u^a_k|u^b_{k'}\rangle` between eigenvectors of
different blocks vanishes, so the Born collision operator, the Boltzmann equations and every
contribution of :mod:`symkin.observables` split block by block.  For an operator that is itself
block diagonal the response is the sum of the blocks' responses, each evaluated at the common Fermi
level.

A block structure is found as the connected components of the graph whose edges are the non-zero
entries :math:`H_{ij}(\mathbf k)` (any ordering of the basis).  If a component is larger than 2 x 2
the constant symmetries of H are tried next: the Hermitian matrices C with :math:`[C, H(\mathbf k)] = 0`
for every k and every parameter value (the commutant of the coefficient matrices of H) -- e.g.
:math:`\tau_x` for two layers coupled by a constant hopping :math:`t\tau_x\sigma_0`.  The eigenvectors of
a generic element of the commutant are an exact constant unitary W in which H is block diagonal
(bonding and antibonding blocks).  Each block must be 2 x 2 (the
:math:`d_0 + \mathbf d\cdot\sigma` fast path of :mod:`symkin.bands`).  An irreducible block larger
than 2 x 2 is refused with :class:`~symkin.errors.ShapeError`: closed-form eigenvectors of a general
N x N block are not implemented (use :mod:`symkin.numeric` or :mod:`symkin.kubo`, which take any N).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .algebra.bounds import check_size, solve_degree
from .bands import hermitian_unknown
from .errors import ShapeError
from .model import Model, dagger


@dataclass(frozen=True)
class Block:
    """One decoupled block: the basis indices it occupies, the model it defines, and the basis
    vectors spanning it (columns, in the model's basis; unit vectors unless a symmetry rotation was
    needed)."""

    indices: tuple
    model: Model
    basis: sp.ImmutableMatrix = None


def components(H) -> list:
    """Index sets of the connected components of the non-zero pattern of H (sorted)."""
    n = H.shape[0]
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if sp.expand(H[i, j]) != 0:
                parent[find(i)] = find(j)
    groups = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted((tuple(g) for g in groups.values()), key=lambda g: g[0])


def blocks(model: Model) -> tuple:
    """The decoupled blocks of ``model`` (a single block if H is irreducible).

    Examples
    --------
    >>> import sympy as sp
    >>> from symkin.models import massive_dirac, Delta
    >>> m = direct_sum(massive_dirac(), massive_dirac(-Delta))
    >>> [b.indices for b in blocks(m)]
    [(0, 1), (2, 3)]
    """
    H, W = model.H, sp.eye(model.n_bands)
    comps = components(H)
    if max(len(c) for c in comps) > 2:
        U = symmetry_basis(model)
        if U is not None:
            Hr = (dagger(U) * sp.Matrix(H) * U).applyfunc(lambda x: sp.nsimplify(sp.expand(x)))
            rc = components(Hr)
            if len(rc) > len(comps):
                H, W, comps = sp.ImmutableMatrix(Hr), U, rc
    if len(comps) == 1:
        return (Block(comps[0], model, sp.ImmutableMatrix(W)),)
    out = []
    for i, idx in enumerate(comps):
        Hb = sp.Matrix(H).extract(list(idx), list(idx))
        out.append(Block(idx, Model(sp.ImmutableMatrix(Hb), model.momenta, model.disorder, f"{model.name}[{i}]",
                                    model.fermi_level, model.sample),
                         sp.ImmutableMatrix(W.extract(list(range(W.shape[0])), list(idx)))))
    return tuple(out)


def symmetry_basis(model: Model):
    r"""A constant unitary W that block-diagonalises H, from its constant symmetries, or None.

    Solves :math:`[C, M_\mu] = 0` for a Hermitian C, where :math:`M_\mu` are the coefficient matrices of
    H as a polynomial in the momenta *and* the parameters (so C holds for every parameter value);
    if the solutions are more than multiples of the identity, the eigenvectors of a generic solution
    (fixed rational weights) give W.
    """
    H = sp.Matrix(model.H)
    n = H.shape[0]
    gens = list(model.momenta) + sorted(H.free_symbols - set(model.momenta), key=lambda s: s.name)
    mats = {}
    try:
        for a in range(n):
            for b in range(n):
                x = sp.expand(H[a, b])
                if x == 0:
                    continue
                for mon, c in sp.Poly(x, *gens).terms():
                    mats.setdefault(mon, sp.zeros(n, n))[a, b] += c
    except sp.PolynomialError:
        return None
    C, unknowns = hermitian_unknown(n, "_c")
    eqs = []
    for Mm in mats.values():
        for x in (C * Mm - Mm * C):
            re, im = sp.expand_complex(sp.expand(x)).as_real_imag()
            eqs += [q for q in (sp.expand(re), sp.expand(im)) if q != 0]
    sol = sp.linsolve(check_size(eqs, "the symmetry equations"), unknowns)
    if not sol:
        return None
    (vals,) = list(sol)
    free = sorted(set().union(*[sp.sympify(v).free_symbols for v in vals]) & set(unknowns), key=str)
    if len(free) <= 1:  # only multiples of the identity
        return None
    weights = {f: sp.Rational(2 * i + 3, 7 + i) for i, f in enumerate(free)}  # a generic combination
    Cg = C.xreplace(dict(zip(unknowns, vals))).xreplace(weights)
    lam = sp.Dummy("lambda")
    for f, _ in Cg.charpoly(lam).factor_list()[1]:  # (numeric, over Q(i)): eigenvalues in radicals
        solve_degree(f.as_expr(), f.gen, "an eigenvalue of the symmetry generator")
    cols = []
    for _, _, vecs in sorted(Cg.eigenvects(), key=lambda t: sp.default_sort_key(t[0])):
        cols += sp.GramSchmidt(vecs, orthonormal=True)
    W = sp.Matrix.hstack(*cols).applyfunc(sp.radsimp)
    return W


def two_band_blocks(model: Model) -> tuple:
    """The blocks of an N x N model, each required to be 2 x 2 (the closed-form path)."""
    bl = blocks(model)
    for b in bl:
        if b.model.n_bands != 2:
            raise ShapeError(
                f"{model.name}: the block on basis states {b.indices} is an irreducible "
                f"{b.model.n_bands}x{b.model.n_bands} Hamiltonian; closed forms need decoupled 2x2 blocks "
                "(symkin.numeric and symkin.kubo take any N)")
    return bl


def restrict(O, block: Block, name="operator", blocks_=()):
    r"""The block of an operator, :math:`B^\dagger O B` (B: the block's basis vectors); refuses an
    operator that couples the block to another one of ``blocks_`` (all blocks of the model)."""
    O = sp.Matrix(O)
    n = O.shape[0]
    unit = lambda b: sp.eye(n).extract(list(range(n)), list(b.indices))
    B = sp.Matrix(block.basis) if block.basis is not None else unit(block)
    for other in blocks_:
        if other.indices == block.indices:
            continue
        Bo = sp.Matrix(other.basis) if other.basis is not None else unit(other)
        if any(sp.expand(x) != 0 for x in (dagger(B) * O * Bo).applyfunc(sp.radsimp)):
            raise ShapeError(f"the {name} couples decoupled blocks {block.indices} and {other.indices}; "
                             "only block-diagonal operators are supported for N x N models")
    return sp.ImmutableMatrix((dagger(B) * O * B).applyfunc(lambda x: sp.radsimp(sp.expand(x))))


def direct_sum(*models: Model, name=None) -> Model:
    """Block-diagonal model :math:`H_1 \\oplus H_2 \\oplus \\dots` (same momenta and disorder)."""
    first = models[0]
    H = sp.diag(*[m.H for m in models])
    sample = tuple({k: v for m in models for k, v in m.sample}.items())
    return Model(H, first.momenta, first.disorder, name or "+".join(m.name for m in models),
                 first.fermi_level, sample)
