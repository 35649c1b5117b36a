r"""A result across every Fermi-level regime of a model: each contribution a SymPy ``Piecewise`` over
the regimes of :func:`symkin.regimes.regimes`, each piece valid under its regime's conditions
(the E_F window and the parameter conditions)::

    r = anomalous_hall(model, regime="all")       # r.intrinsic is Piecewise((..., cond), ...)
    f = r.lambdify(); f(E_F=np.linspace(-2, 2, 401), ...)   # NaN where no regime holds

For a model with a positive Fermi-level symbol :math:`\epsilon_F` the regimes below the charge
neutrality point read :math:`E_F = -\epsilon_F`; across regimes the pieces are written in the real
Fermi energy :math:`E_F` (:math:`\epsilon_F \to \mathrm{sign}\,E_F`, with :math:`\mathrm{sign}\,E_F > 0`
added to the conditions), so that the valence band, the gap and the conduction band are one axis.
The gap regime gives its Fermi-sea (intrinsic) value.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .algebra.poly import ffactor
from .regimes import regimes
from .results import RegimeLabel, Result

#: the regime argument selecting every regime
ALL = "all"


def fermi_energy_symbol(model):
    r"""The real Fermi energy E_F of the Piecewise: the model's Fermi-level symbol when it is real,
    else a real Symbol ``E_F`` (for a positive :math:`\epsilon_F`)."""
    eps = model.fermi_level
    return sp.Symbol("E_F", real=True) if eps.is_positive else eps


def _pieces(model, E):
    """[(regime, {epsilon_F: sign E_F}, condition in E_F)] of every regime of ``model``."""
    eps = model.fermi_level
    out = []
    for r in regimes(model, _both_gap_sides=not (E is eps)):  # the gap on both sides of E_F = 0
        if E is eps:
            out.append((r, {}, r.conditions))
            continue
        sub = {eps: r.sign * E}
        cond = sp.And(r.conditions.xreplace(sub), sp.StrictGreaterThan(r.sign * E, 0))
        out.append((r, sub, cond))
    return out


def _piecewise(values, conds):
    """Piecewise over (value, condition) pairs, elementwise for matrices; no fallback piece (the
    value is undefined -- NaN when lambdified -- where no regime holds)."""
    first = next((v for v in values if v is not None), None)
    if isinstance(first, sp.MatrixBase):
        shape = first.shape
        comps = [_piecewise([None if v is None else v[i] for v in values], conds)
                 for i in range(shape[0] * shape[1])]
        return sp.Matrix(shape[0], shape[1], comps)
    args = [(sp.sympify(0 if v is None else v), c) for v, c in zip(values, conds) if c is not sp.false]
    return sp.Piecewise(*args, evaluate=False) if args else sp.S.Zero


class AcrossRegimes(Result):
    """A :class:`symkin.results.Result` whose contributions are Piecewise over the regimes;
    ``extra['regimes']`` holds the per-regime Results (name -> Result) and ``extra['E_F']`` the
    Fermi-energy symbol of the pieces."""

    def __reduce__(self):  # pickles (worker processes) as an AcrossRegimes with its pieces unmerged
        state = super().__reduce__()[1][0]
        state["contributions"] = {n: _pack(x) for n, x in state["contributions"].items()}
        return (_rebuild, (state,))

    @property
    def total(self):
        """Piecewise of the per-regime sums (the contributions share their conditions)."""
        return _sum_pieces(list(self.contributions.values()))

    def lambdify(self, backend="numpy"):
        """A vectorised NumPy function ``f(**values)`` -> {name: ndarray} of each contribution and
        the total, as :meth:`Result.lambdify`: at each point the first regime whose conditions hold
        is evaluated with its own Result's lambdify (its Fermi-surface variables -- ``k_F``, ... --
        are that regime's, ``extra['regimes'][name].definitions``), NaN where no regime holds.
        (NumPy's floating-point warnings of the discarded regimes are silenced.)"""
        if backend != "numpy":
            raise ValueError("a result across regimes lambdifies with backend='numpy' only")
        E, eps = self.extra["E_F"], self.extra["fermi_level"]
        compiled = []
        names = set()
        for name, sign, cond in self.extra["pieces"]:
            g = self.extra["regimes"][name].lambdify()
            csyms = sorted(cond.free_symbols, key=lambda x: x.name)
            factors = [sp.lambdify(csyms, c, modules="numpy") for c in sp.And.make_args(cond)]
            compiled.append((g, sign, [x.name for x in csyms], factors))
            names |= {E.name if (sign and p == eps.name) else p for p in g.parameters} | {x.name for x in csyms}
        names = tuple(sorted(names))
        comps = {n: list(x) if isinstance(x, sp.MatrixBase) else None for n, x in self.items()}

        def f(**values):
            missing = [n for n in names if n not in values]
            if missing:
                raise TypeError(f"missing values for {missing}")
            arrays = {n: np.asarray(values[n], dtype=float) for n in names}
            shape = np.broadcast(*arrays.values()).shape if arrays else ()
            out, free = {}, np.ones(shape, dtype=bool)
            with np.errstate(all="ignore"):
                for g, sign, cnames, factors in compiled:
                    c = free.copy()
                    for fc in factors:
                        c &= np.broadcast_to(np.asarray(fc(*[arrays[n] for n in cnames]), dtype=bool), shape)
                    if not c.any():
                        continue
                    vals = {**values, **{k: np.broadcast_to(v, shape) for k, v in arrays.items()}}
                    if sign:
                        vals[eps.name] = sign * vals[E.name]
                    res = g(**vals)
                    for n, y in res.items():
                        y = np.asarray(y)
                        lead = (len(comps[n]),) if comps[n] else ()   # vector: leading component axis
                        y = np.broadcast_to(y, lead + shape)
                        if n not in out:
                            out[n] = np.full(y.shape, np.nan, dtype=y.dtype if np.iscomplexobj(y) else float)
                        out[n][..., c] = y[..., c]
                    free &= ~c
            return out
        f.parameters = names
        return f


def across_regimes(fn, model, skip_failed=False, **kwargs):
    r"""``fn(model, regime=r, **kwargs)`` for every regime ``r`` of ``model``, joined into one
    :class:`AcrossRegimes` whose contributions are

    .. math:: X(E_F) = \begin{cases} X_r(\epsilon_F = \mathrm{sign}_r E_F) & \text{conditions}_r\\
              \ldots\end{cases}

    (``symkin.regimes.Regime.conditions``; parameter conditions are kept in the pieces).  A regime
    whose derivation fails raises its :class:`symkin.errors.SymkinError`; with ``skip_failed`` (the
    plot) it is left out instead and named with the reason in ``extra['unavailable']``."""
    from .errors import SymkinError
    E = fermi_energy_symbol(model)
    per, kept, failed = {}, [], {}
    for piece in _pieces(model, E):
        r = piece[0]
        name = r.name if r.name not in per and r.name not in failed else f"{r.name} ({sp.sstr(r.condition)})"
        try:
            per[name] = fn(model, regime=r, **kwargs)
        except SymkinError as exc:
            if not skip_failed:
                raise
            failed[name] = " ".join(str(exc).split())[:200]
            continue
        kept.append(piece)
    if not per:
        raise SymkinError(f"{model.name}: no regime could be derived ({'; '.join(f'{k}: {v}' for k, v in failed.items())})")
    pieces = kept
    kept_names = list(per)
    results = list(per.values())
    names = []
    for res in results:
        names += [n for n in res.contributions if n not in names]
    conds = [c for _, _, c in pieces]
    contrib = {}
    for n in names:
        vals = [None if n not in res.contributions else _sub(res.contributions[n], sub)
                for res, (_, sub, _) in zip(results, pieces)]
        contrib[n] = _piecewise(vals, conds)
    first = results[0]
    label = RegimeLabel("all regimes: " + ", ".join(per))
    return AcrossRegimes(first.quantity, contrib, first.symbol,
                         {k: v for res in results for k, v in res.labels.items()}, first.approximation,
                         model=model.name, regime=label, extra={"regimes": per, "E_F": E, "unavailable": failed, "fermi_level": model.fermi_level,
                                "pieces": tuple((n, r.sign if sub else 0, c) for n, (r, sub, c) in zip(kept_names, pieces))},
                         backend=first.backend)


def _rebuild(state):
    state["contributions"] = {n: _unpack(x) for n, x in state["contributions"].items()}
    return AcrossRegimes(**state)


def _pack(x):
    """Picklable form of a Piecewise (SymPy's own pickle re-evaluates it and merges equal pieces)."""
    if isinstance(x, sp.MatrixBase):
        return ("M", x.shape, [_pack(y) for y in x])
    if isinstance(x, sp.Piecewise):
        return ("P", [(a.expr, a.cond) for a in x.args])
    return ("X", x)


def _unpack(p):
    if p[0] == "M":
        return sp.Matrix(p[1][0], p[1][1], [_unpack(y) for y in p[2]])
    return sp.Piecewise(*p[1], evaluate=False) if p[0] == "P" else p[1]


def _sum_pieces(vals):
    if isinstance(vals[0], sp.MatrixBase):
        sh = vals[0].shape
        return sp.Matrix(sh[0], sh[1], [_sum_pieces([v[i] for v in vals]) for i in range(sh[0] * sh[1])])
    pw = [v for v in vals if isinstance(v, sp.Piecewise)]
    if not pw or any(v.args[i].cond != w.args[i].cond or len(v.args) != len(w.args)
                     for v in pw for w in pw for i in range(min(len(v.args), len(w.args)))):
        return sp.Add(*vals)
    conds = [a.cond for a in pw[0].args]
    pieces = []
    for i, c in enumerate(conds):
        parts = [v.args[i].expr if isinstance(v, sp.Piecewise) else v for v in vals]
        pieces.append((ffactor(sp.Add(*parts)) if sp.count_ops(parts) < 300 else sp.Add(*parts), c))
    return sp.Piecewise(*pieces, evaluate=False)


def _sub(x, sub):
    return x.xreplace(sub) if sub else x
