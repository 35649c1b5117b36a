"""The one result record of every route: contributions by name, their total, the approximation they
hold in, LaTeX and NumPy export.

A :class:`Result` behaves like a record with one attribute per contribution (``s.intrinsic``,
``s.skew``, ...) plus ``s.total``; it also supports ``s["skew"]``.  The closed form
(``backend='closed-form'``) holds SymPy expressions (scalars) or column matrices (vector observables
such as the spin density); :mod:`symkin.numeric` (``'numeric'``) and :mod:`symkin.kubo` (``'kubo'``)
hold floats or arrays under the same contribution names (:mod:`symkin.contributions`).  A result
pickles (worker processes, caches on disk).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType

import numpy as np
import sympy as sp

from . import conventions as cv
from .contributions import canonical
from .algebra.fsvars import evaluator, explicit_map, present
from .algebra.poly import ffactor

#: the routes a result can come from
BACKENDS = ("closed-form", "numeric", "kubo")


class RegimeLabel(str):
    """The regime's description (a str, as before) carrying its validity: ``conditions`` (SymPy
    boolean: E_F window and parameter conditions) and ``sample`` (the parameter point, name -> float,
    at which roots were selected).  Built from a :class:`symkin.regimes.Regime` by :class:`Result`."""

    conditions = sp.true
    sample = MappingProxyType({})

    @classmethod
    def of(cls, regime):
        if isinstance(regime, cls) or not hasattr(regime, "conditions"):
            return regime
        lab = cls(str(regime))
        lab.conditions = regime.conditions
        pt = {s.name: float(v) for s, v in regime.point}
        if regime.fermi_level is not None:
            pt[regime.fermi_level.name] = float(abs(regime.sample_epsilon_F) if regime.fermi_level.is_positive
                                                 else regime.sample_epsilon_F)
        lab.sample = pt
        return lab


@dataclass(frozen=True)
class Result:
    """Closed-form linear response split into named contributions.

    Attributes
    ----------
    quantity : str
        What is computed, e.g. ``"sigma_yx"`` or ``"spin density <s>"``.
    contributions : Mapping[str, sympy.Expr | sympy.Matrix]
        Ordered contributions (without the total).
    symbol : str
        LaTeX symbol of the quantity, e.g. ``r"\\sigma_{yx}"``.
    labels : Mapping[str, str]
        LaTeX superscripts of the contributions, e.g. ``{"side_jump": "sj"}``.
    approximation : str
        The approximation the result holds in (shown by every printout).
    model : str
        Name of the model.
    regime : str
        Fermi-level regime (pass the :class:`symkin.regimes.Regime`: its conditions travel along).
    conditions : sympy boolean (property)
        Where the closed form holds: the E_F window and the parameter conditions of the regime
        (``sympy.true`` if unknown).  Printed by ``str``, the reports and the JSON.
    sample : dict (property)
        The parameter point (name -> float) at which the regime's roots were selected.
    extra : Mapping[str, object]
        Further values of the route, also readable as attributes (``r.energy``, ``r.diagnostics``
        of the numeric route; ``r.fermi_surface`` of the closed-form sigma_yx).
    backend : str
        The route: ``'closed-form'``, ``'numeric'`` or ``'kubo'``.
    definitions : Mapping[Symbol, symkin.algebra.fsvars.Definition]
        The Fermi-surface variables the contributions are written in (``k_F``,
        ``Lambda_F = |d(k_F)|``, ``m_F = d_z(k_F)``, ...), in dependency order: each radius with its
        defining relation ``P(k_F^2) = 0`` and its branch.  Empty where the closed form is in the parameters alone.
        :meth:`explicit` substitutes them; :meth:`lambdify` evaluates them numerically.
    """

    quantity: str
    contributions: MappingProxyType
    symbol: str
    labels: MappingProxyType
    approximation: str = cv.APPROXIMATION
    model: str = ""
    regime: str = ""
    extra: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    backend: str = "closed-form"
    definitions: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self):
        object.__setattr__(self, "definitions", MappingProxyType(dict(self.definitions)))
        object.__setattr__(self, "contributions", MappingProxyType(dict(self.contributions)))
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))
        object.__setattr__(self, "regime", RegimeLabel.of(self.regime))

    @property
    def conditions(self):
        return getattr(self.regime, "conditions", sp.true)

    @property
    def sample(self):
        return dict(getattr(self.regime, "sample", {}))

    # --------------------------------------------------------------- access
    @property
    def total(self):
        vals = list(self.contributions.values())
        tot = vals[0]
        for x in vals[1:]:
            tot = tot + x
        if self.definitions:
            return present(tot, self.definitions)
        return _tidy(tot)

    def __getattr__(self, name):
        if name.startswith("_") or name in ("contributions", "extra", "quantity"):
            raise AttributeError(name)
        key = self._key(name)
        if key in self.contributions:
            return self.contributions[key]
        if name in self.extra:
            return self.extra[name]
        raise AttributeError(f"{self.quantity} has no contribution {name!r}; "
                             f"it has {list(self.contributions)} and total") from None

    def __getitem__(self, name):
        return self.total if name == "total" else self.contributions[self._key(name)]

    def _key(self, name):
        """The contribution key of ``name``; a synonym of the registry (``extrinsic_velocity``, the
        paper's name of the extrinsic term of sigma_yx) reads the same contribution."""
        return name if name in self.contributions else canonical(name)

    def __reduce__(self):  # the mapping proxies do not pickle: rebuild from plain dicts
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        state = {k: dict(v) if isinstance(v, MappingProxyType) else v for k, v in state.items()}
        return (_rebuild, (state,))

    def __float__(self):
        return float(self.total)

    def __complex__(self):
        return complex(self.total)

    def items(self):
        """(name, expression) pairs of the contributions followed by the total."""
        return list(self.contributions.items()) + [("total", self.total)]

    @property
    def free_symbols(self):
        """The parameters the result depends on (Fermi-surface variables replaced by the parameters
        of their definitions)."""
        syms = set()
        for _, x in self.items():
            syms |= sp.sympify(x).free_symbols
        if self.definitions:
            for d in self.definitions.values():
                syms |= sp.sympify(d.expr if d.expr is not None else d.relation).free_symbols
                if d.branch is not None:
                    syms |= d.branch.free_symbols
            syms -= set(self.definitions)
        return syms

    def explicit(self):
        """The same result with every Fermi-surface variable substituted by its closed form
        (radicals up to degree 2 of the relation in k_F^2, else :class:`symkin.algebra.fsvars.FermiRoot`);
        numerically equal to the compact form."""
        if not self.definitions:
            return self
        sample = {s: v for s in self.free_symbols for n, v in self.sample.items() if s.name == n}
        rep = explicit_map(list(self.definitions.values()), sample)
        sub = lambda x: x.xreplace(rep)
        contrib = {n: (x.applyfunc(sub) if isinstance(x, sp.MatrixBase) else sub(x))
                   for n, x in self.contributions.items()}
        extra = {n: (sub(x) if isinstance(x, sp.Basic) else x) for n, x in self.extra.items()}
        return replace(self, contributions=contrib, extra=extra, definitions={})

    # --------------------------------------------------------------- export
    def latex(self) -> str:
        """LaTeX of each contribution and the total, one ``align``-ready line each."""
        lines = []
        for name, x in self.items():
            sup = "" if name == "total" else "^{\\mathrm{%s}}" % self.labels.get(name, name.replace("_", r"\,"))
            lines.append(f"{_sup(self.symbol, sup)} &= {sp.latex(x)}")
        return " \\\\\n".join(lines)

    def definitions_latex(self) -> str:
        """LaTeX of the Fermi-surface variables' definitions (relation and branch of each radius,
        then the derived variables), one line each; empty when there are none."""
        return " \\\\\n".join(d.latex() for d in self.definitions.values())

    def _repr_latex_(self):
        body = self.latex().replace("&=", "=")
        return "$\\displaystyle \\begin{gathered}" + body + r"\end{gathered}$"

    def __str__(self):
        w = max(len(n) for n, _ in self.items())
        rows = [f"{self.quantity} for {self.model} ({self.regime})" if self.model else self.quantity]
        rows += [f"  {n:<{w}} = {sp.sstr(x)}" for n, x in self.items()]
        if self.definitions:
            rows.append("  where")
            rows += [f"    {d}" for d in self.definitions.values()]
        rows.append(f"  valid for: {sp.sstr(self.conditions)}")
        if self.sample:
            rows.append("  roots selected at: " + ", ".join(f"{n} = {v:g}" for n, v in sorted(self.sample.items())))
        rows.append(f"  [{self.approximation}]")
        return "\n".join(rows)

    def evaluate(self, **values):
        """Each contribution and the total in SI from values with units (``M="30 meV"``,
        ``v_F="5e5 m/s"``); e, hbar, k_B from CODATA.  See :func:`symkin.units.evaluate`."""
        from .units import evaluate
        return evaluate(self, **values)

    def lambdify(self, backend="numpy"):
        """A vectorised NumPy function of the free symbols, called by name.

        Returns a function ``f(**values)`` returning a dict ``{name: ndarray}`` of each contribution
        and the total (vector contributions give arrays with a leading component axis).  Extra
        keyword arguments (symbols a result does not depend on) are ignored.  Outside
        :attr:`conditions` (the E_F window and the regime's parameter conditions) every value is NaN:
        the closed form is not extrapolated; the symbols of the conditions are then required too.

        >>> from symkin import anomalous_hall
        >>> from symkin.models import ti_surface
        >>> f = anomalous_hall(ti_surface()).lambdify()
        >>> round(float(f(e=1, hbar=1, v_F=1, M=0.5, epsilon_F=1.0, u_0=0.1)["intrinsic"]), 6)
        0.039789
        """
        syms = set()
        for _, x in self.items():
            syms |= sp.sympify(x).free_symbols
        syms = sorted(syms, key=lambda s: s.name)
        fsv = set(self.definitions)
        names = [s.name for s in syms if s not in fsv]
        if fsv:
            fs_eval = evaluator(list(self.definitions.values()))
            names += [n for n in fs_eval.parameters if n not in names]
            syms = [s for s in syms if s not in fsv] + [s for s in syms if s in fsv]  # parameters first
        modules = {"numpy": "numpy", "scipy": ["scipy", "numpy"], "mpmath": "mpmath"}[backend]
        def compile_(x):
            if isinstance(x, sp.MatrixBase):  # one function per component, broadcast together
                return [sp.lambdify(syms, y, modules=modules) for y in x]
            return sp.lambdify(syms, x, modules=modules)

        funcs = {n: compile_(x) for n, x in self.items()}
        n_args = len(names)
        cond = self.conditions
        if cond is not sp.true and backend == "numpy":
            extra = sorted({s.name for s in cond.free_symbols} - set(names))
            names = names + extra
            plain = {s: sp.Dummy(s.name) for s in cond.free_symbols}
            by_name = {s.name: x for s, x in plain.items()}
            mask = sp.lambdify([by_name.get(n, sp.Dummy(n)) for n in names], cond.xreplace(plain), modules="numpy")
        else:
            mask = None

        def f(**values):
            missing = [n for n in names if n not in values]
            if missing:
                raise TypeError(f"missing values for {missing}")
            all_args = [values[n] for n in names]
            args = all_args[:n_args]
            if fsv:
                vals = fs_eval({n: v for n, v in zip(names, all_args)})
                args = [vals[s.name] for s in syms]
            out = _Values()
            bad = None if mask is None else ~np.asarray(mask(*np.broadcast_arrays(*all_args)), dtype=bool)
            if bad is not None and not bad.any():
                bad = None
            for n, g in funcs.items():
                if isinstance(g, list):
                    y = [gi(*args) for gi in g]
                    if backend != "mpmath":  # components x points, constants broadcast to the points
                        shape = np.broadcast(*all_args).shape if all_args else ()
                        y = np.array([np.broadcast_to(yi, np.broadcast_shapes(np.shape(yi), shape)) for yi in y])
                    out[n] = y
                else:
                    y = g(*args)
                    out[n] = np.broadcast_to(y, np.broadcast(*all_args).shape if all_args else ()) if backend == "numpy" else y
                if bad is not None:
                    y = np.array(out[n], dtype=complex if np.iscomplexobj(out[n]) else float)
                    if bad.ndim == 0:
                        y[...] = np.nan
                    elif y.ndim > bad.ndim:  # vector: leading component axis
                        y[:, np.broadcast_to(bad, y.shape[1:])] = np.nan
                    else:
                        y[np.broadcast_to(bad, y.shape)] = np.nan
                    out[n] = y
            return out

        f.parameters = tuple(names)
        return f


class _Values(dict):
    """``{name: ndarray}`` of a lambdified result; a registry synonym (``extrinsic_velocity``) reads
    the same entry as the name it stands for."""

    def __missing__(self, key):
        new = canonical(key)
        if new != key and new in self:
            return self[new]
        raise KeyError(key)


def _sup(symbol, sup):
    return symbol + sup if sup else symbol


def _rebuild(state):
    return Result(**state)


def _tidy(x):
    if isinstance(x, sp.MatrixBase):
        return x.applyfunc(_tidy)
    if not isinstance(x, sp.Basic):  # numeric routes: floats and arrays
        return x
    return ffactor((x)) if sp.count_ops(x) < 300 else x
