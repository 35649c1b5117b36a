r"""N x N models: decomposition into decoupled blocks.

Scalar (white-noise) disorder :math:`U(\mathbf r)\mathbb 1` cannot scatter between two blocks of a
block-diagonal Hamiltonian: every overlap :math:`\langle u^a_k|u^b_{k'}\rangle` between eigenvectors of
different blocks vanishes, so the Born collision operator, the Boltzmann equations and every
contribution of :mod:`symkin.observables` split block by block.  For an operator that is itself
block diagonal the response is the sum of the blocks' responses, each evaluated at the common Fermi
level.

A block structure is found as the connected components of the graph whose edges are the non-zero
entries :math:`H_{ij}(\mathbf k)` (any ordering of the basis); each block must be 2 x 2 (the
:math:`d_0 + \mathbf d\cdot\sigma` fast path of :mod:`symkin.bands`).  An irreducible block larger
than 2 x 2 is refused with :class:`~symkin.errors.ShapeError`: closed-form eigenvectors of a general
N x N block are not implemented (use :mod:`symkin.numeric` or :mod:`symkin.kubo`, which take any N).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .errors import ShapeError
from .model import Model


@dataclass(frozen=True)
class Block:
    """One decoupled block: the basis indices it occupies and the model it defines."""

    indices: tuple
    model: Model


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
    comps = components(model.H)
    if len(comps) == 1:
        return (Block(comps[0], model),)
    out = []
    for i, idx in enumerate(comps):
        H = model.H.extract(list(idx), list(idx))
        out.append(Block(idx, Model(H, model.momenta, model.disorder, f"{model.name}[{i}]",
                                    model.fermi_level, model.sample)))
    return tuple(out)


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


def restrict(O, block: Block, name="operator"):
    """The block of an operator; refuses operators that couple different blocks."""
    O = sp.Matrix(O)
    idx = set(block.indices)
    for i in block.indices:
        for j in range(O.shape[0]):
            if j not in idx and (sp.expand(O[i, j]) != 0 or sp.expand(O[j, i]) != 0):
                raise ShapeError(f"the {name} couples decoupled blocks (basis states {i} and {j}); "
                                 "only block-diagonal operators are supported for N x N models")
    return sp.ImmutableMatrix(O.extract(list(block.indices), list(block.indices)))


def direct_sum(*models: Model, name=None) -> Model:
    """Block-diagonal model :math:`H_1 \\oplus H_2 \\oplus \\dots` (same momenta and disorder)."""
    first = models[0]
    H = sp.diag(*[m.H for m in models])
    sample = tuple({k: v for m in models for k, v in m.sample}.items())
    return Model(H, first.momenta, first.disorder, name or "+".join(m.name for m in models),
                 first.fermi_level, sample)
