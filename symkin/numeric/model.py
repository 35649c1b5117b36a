r"""The numeric chain, stage 1 (mirrors :mod:`symkin.model` and :mod:`symkin.bands`): a
:class:`symkin.Model` with numbers substituted -- vectorised ``H(k)``, ``dH/dk``, eigensystems and the
operators to respond with."""
from __future__ import annotations

import numpy as np
import sympy as sp

from .. import conventions as cv
from ..errors import MomentumError, ShapeError

__all__ = ["MatFun", "CompiledModel", "compile_model"]


class MatFun:
    r"""Vectorised evaluation of a k-dependent ``N x N`` SymPy matrix.

    Polynomial entries are stored as ``{(p, q): C_pq}`` and evaluated as
    :math:`\sum_{pq} C_{pq} k_x^p k_y^q` (exact derivatives); other entries fall back to
    :func:`sympy.lambdify`.
    """

    def __init__(self, mat, kx, ky):
        mat = sp.Matrix(mat)
        self.shape = mat.shape
        self.kx, self.ky = kx, ky
        self.terms = None
        self.mat = mat
        extra = mat.free_symbols - {kx, ky}
        if extra:
            raise MomentumError(f"no numeric value for {sorted(map(str, extra))}")
        if all(sp.expand(x).is_polynomial(kx, ky) for x in mat):
            terms = {}
            for i in range(mat.shape[0]):
                for j in range(mat.shape[1]):
                    x = sp.expand(mat[i, j])
                    if x == 0:
                        continue
                    for (p, q), c in sp.Poly(x, kx, ky).terms():
                        terms.setdefault((p, q), np.zeros(self.shape, complex))[i, j] += complex(c)
            self.terms = terms
        else:  # non-polynomial: lambdify element-wise
            self.funcs = [[sp.lambdify((kx, ky), mat[i, j], "numpy") for j in range(mat.shape[1])]
                          for i in range(mat.shape[0])]

    def __call__(self, kx, ky):
        kx = np.asarray(kx, float)
        ky = np.asarray(ky, float)
        shp = np.broadcast(kx, ky).shape
        if self.terms is not None:
            out = np.zeros(shp + self.shape, complex)
            for (p, q), c in self.terms.items():
                mono = np.broadcast_to(kx ** p * ky ** q, shp)
                out += mono[..., None, None] * c
            return out
        out = np.empty(shp + self.shape, complex)
        for i, row in enumerate(self.funcs):
            for j, f in enumerate(row):
                out[..., i, j] = np.broadcast_to(np.asarray(f(kx, ky), complex), shp)
        return out

    def diff(self, k):
        """The derivative with respect to the momentum symbol ``k``."""
        if self.terms is None:
            return MatFun(self.mat.diff(k), self.kx, self.ky)
        new = MatFun.__new__(MatFun)
        new.shape, new.kx, new.ky, new.mat = self.shape, self.kx, self.ky, self.mat.diff(k)
        new.terms = {}
        for (p, q), c in self.terms.items():
            if k == self.kx and p > 0:
                new.terms.setdefault((p - 1, q), np.zeros(self.shape, complex))
                new.terms[(p - 1, q)] += p * c
            elif k == self.ky and q > 0:
                new.terms.setdefault((p, q - 1), np.zeros(self.shape, complex))
                new.terms[(p, q - 1)] += q * c
        return new


def _substitutions(expr_syms, values, exclude=()):
    """Map every free symbol (except ``exclude``) to ``float(values[name])``."""
    sub = {}
    for s in expr_syms:
        if s in exclude:
            continue
        if s.name not in values:
            raise MomentumError(f"no numeric value given for symbol {s.name!r}")
        sub[s] = float(values[s.name])
    return sub


class CompiledModel:
    r"""A :class:`symkin.Model` with numbers substituted: fast ``H(k)``, ``dH/dk`` and eigen-systems.

    Parameters
    ----------
    model : symkin.Model
    values : dict
        Numbers by symbol *name*: every parameter of ``H`` plus ``hbar``, ``e``, ``u_0`` and
        ``epsilon_F`` (``e`` defaults to 1 if absent).
    gauge_seed : int, optional
        If given, every eigenvector returned by :meth:`eig` is multiplied by a random phase
        (a test hook for gauge independence).
    """

    def __init__(self, model, values, gauge_seed=None):
        self.model = model
        self.values = dict(values)
        kx, ky = model.momenta
        self.kx_sym, self.ky_sym = kx, ky
        sub = _substitutions(model.H.free_symbols, values, exclude=(kx, ky))
        self.sub = {**sub, **{s: float(values[s.name]) for s in _std_symbols() if s.name in values}}
        H = sp.Matrix(model.H).subs(sub)
        self.N = H.shape[0]
        self.H = MatFun(H, kx, ky)
        self.dH = (self.H.diff(kx), self.H.diff(ky))
        self.hbar = float(values["hbar"])
        self.e = float(values.get("e", 1.0))
        u0 = sp.sympify(model.disorder.u0)  # a Symbol, a number (WhiteNoise(0.5)) or sqrt(n_i) V_0
        self.u0 = float(sp.N(u0.xreplace({s: values[s.name] for s in u0.free_symbols})))
        self.eF = float(values[model.fermi_level.name])
        self._rng = None if gauge_seed is None else np.random.default_rng(gauge_seed)
        self._grids = {}
        H0 = self.H(0.0, 0.0)
        self.energy_scale = max(abs(self.eF), float(np.abs(np.linalg.eigvalsh(H0)).max()), 1e-300)
        self.k_scale = self._find_k_scale()

    # ------------------------------------------------------------------ helpers
    def operator(self, O):
        """Compile an operator (SymPy matrix, may depend on k and on the model's symbols)."""
        O = sp.Matrix(O)
        if O.shape != (self.N, self.N):
            raise ShapeError(f"operator has shape {O.shape}, the Hamiltonian ({self.N}, {self.N})")
        kx, ky = self.kx_sym, self.ky_sym
        sub = _substitutions(O.free_symbols, {**{s.name: v for s, v in self.sub.items()}, **self.values},
                             exclude=(kx, ky))
        return MatFun(O.subs(sub), kx, ky)

    def _find_k_scale(self):
        """Momentum where ``||H(k) - H(0)||`` reaches the energy scale (sets grids and tails)."""
        H0 = self.H(0.0, 0.0)
        target = self.energy_scale
        th = np.linspace(0, 2 * np.pi, 8, endpoint=False)

        def spread(r):
            d = self.H(r * np.cos(th), r * np.sin(th)) - H0
            return np.linalg.norm(d, ord=2, axis=(-2, -1)).max()

        r = 1.0
        for _ in range(200):
            s = spread(r)
            if s < target:
                r *= 2.0
            elif spread(r / 2) >= target:
                r /= 2.0
            else:
                return r
        return 1.0

    def eigvalsh(self, kx, ky):
        Hk = self.H(kx, ky)
        if self.N == 2:  # closed form, much faster than batched LAPACK for 2 x 2
            a, d, b = Hk[..., 0, 0].real, Hk[..., 1, 1].real, Hk[..., 0, 1]
            m, r = 0.5 * (a + d), np.sqrt(0.25 * (a - d) ** 2 + np.abs(b) ** 2)
            return np.stack([m - r, m + r], axis=-1)
        return np.linalg.eigvalsh(Hk)

    def eig(self, kx, ky):
        """Energies (ascending) and eigenvectors (columns) at the given momenta."""
        e, U = np.linalg.eigh(self.H(kx, ky))
        if self._rng is not None:
            U = U * np.exp(2j * np.pi * self._rng.random(U.shape[:-2] + (1, self.N)))
        return e, U

    def radial_grid(self):
        return self.k_scale * np.concatenate(([0.0], np.geomspace(1e-4, 1e4, 321)))


def _std_symbols():
    return (cv.hbar, cv.e, cv.u_0, cv.epsilon_F)


def compile_model(model, values, gauge_seed=None):
    """Return a :class:`CompiledModel` (``H`` and ``dH/dk`` compiled to NumPy)."""
    return CompiledModel(model, values, gauge_seed)
