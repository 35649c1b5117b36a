r"""Exports of a derivation for other programs and the terminal: the JSON document (``"schema": 1``,
documented in ``docs/cli.md``), the numeric sample points it carries, the terminal table, and
:func:`write_exports` (JSON + table + plot in one directory)::

    doc  = json_document(model, results, regime, samples=5)
    text = text_table(result)
"""
from __future__ import annotations

import json
import math
import os
import shutil
import sys
import textwrap

import numpy as np
import sympy as sp

from .. import __version__
from .. import conventions as cv
from ..regimes import get_regime
from ..contributions import paper_equations
from .common import OBSERVABLES, PAPER, SCHEMA, is_matrix, split_orders, value_at, write_atomic
from .plot import plot_hall

def expr_entry(x):
    """{"str", "srepr", "latex"} of an expression; matrices add "shape" and per-entry "components"."""
    if is_matrix(x):
        x = sp.ImmutableMatrix(x)
        return {"str": sp.sstr(x), "srepr": sp.srepr(x), "latex": sp.latex(x), "shape": list(x.shape),
                "components": [{"str": sp.sstr(c), "srepr": sp.srepr(c), "latex": sp.latex(c)} for c in x]}
    x = sp.sympify(x)
    return {"str": sp.sstr(x), "srepr": sp.srepr(x), "latex": sp.latex(x)}


ASSUMPTION_KEYS = ("real", "positive", "negative", "nonnegative", "nonpositive", "nonzero", "integer")


def symbol_entry(s, model):
    roles = {cv.e: "elementary charge (e > 0)", cv.hbar: "reduced Planck constant",
             model.disorder.u0: "disorder strength, <U(r)U(r')> = u_0^2 delta(r - r')",
             model.fermi_level: "Fermi-energy magnitude, E_F = +/- epsilon_F",
             cv.E_x: "electric field, x component", cv.E_y: "electric field, y component"}
    role = roles.get(s) or ("momentum" if s in model.momenta else "parameter of H")
    facts = {a: getattr(s, f"is_{a}") for a in ASSUMPTION_KEYS}
    return {"role": role, "assumptions": {a: True for a, v in facts.items() if v}}


def json_document(model, results, regime=None, samples=0, seed=0, source=None):
    """The JSON-ready dict of a derivation (schema 1, docs/cli.md); ``results`` {CLI name: Result}."""
    reg = get_regime(model, regime)
    syms = set(model.H.free_symbols) | set(model.momenta)
    obs = {}
    for o, r in results.items():
        key = OBSERVABLES[o][0]
        entry = {"quantity": r.quantity, "symbol": r.symbol, "kind": "vector" if is_matrix(r.total) else "scalar",
                 "regime": r.regime, "conditions": sp.sstr(r.conditions), "sample": r.sample,
                 "approximation": r.approximation,
                 "contributions": list(r.contributions), "labels": dict(r.labels),
                 "paper_equations": paper_equations(key, r.contributions),
                 "expressions": {n: expr_entry(x) for n, x in r.items()},
                 # the Fermi-surface variables the expressions are written in (relation and branch)
                 "definitions": [{"symbol": x.name, "definition": str(dfn), "latex": dfn.latex()}
                                 for x, dfn in r.definitions.items()]}
        obs[key] = entry
        syms |= r.free_symbols
    doc = {
        "schema": SCHEMA,
        "generator": f"symkin {__version__}",
        "paper": PAPER,
        "model": {"name": model.name, "source": source or model.name, "hamiltonian": expr_entry(model.H),
                  "momenta": [k.name for k in model.momenta], "disorder": model.disorder.describe(),
                  "fermi_level": model.fermi_level.name},
        "regime": {"name": reg.name, "description": str(reg), "E_F_sign": reg.sign,
                   "lower": None if reg.lower is None else expr_entry(reg.lower),
                   "upper": None if reg.upper is None else expr_entry(reg.upper),
                   "conditions": sp.sstr(reg.conditions), "conditions_latex": sp.latex(reg.conditions),
                   "point": {s.name: float(v) for s, v in reg.point}},
        "conventions": dict(cv.CONVENTIONS),
        "approximation": cv.APPROXIMATION,
        "symbols": {s.name: symbol_entry(s, model) for s in sorted(syms, key=lambda s: s.name)},
        "observables": obs,
    }
    if samples:
        doc["samples"] = sample_table(model, results, reg, samples, seed)
    return doc


def sample_points(model, regime, n, seed=0):
    """``n`` numeric parameter points (dicts name -> float) inside the regime, fixed seed (docs/cli.md):

    * parameters of H: the model's sample point times U(0.8, 1.25) each (kept fixed when the regime's
      bounds are only numeric, e.g. a band extremum away from k = 0);
    * e, u_0 ~ U(0.5, 2); hbar ~ U(0.5, 2) unless the sample point fixes it; E_x, E_y ~ U(-1, 1);
    * epsilon_F: lower + (upper - lower) U(0.1, 0.9) in a bounded window, else
      lower + (s - lower) U(0.25, 3) with s the regime's sample Fermi energy rescaled to the point
      (lower = 0 when unbounded below).
    """
    reg = get_regime(model, regime)
    rng = np.random.default_rng(seed)
    base = dict(reg.point) if reg.point else model.sample_point()
    exact = all(b is None or not sp.sympify(b).atoms(sp.Float) for b in (reg.lower, reg.upper))
    fixed_hbar = any(k == "hbar" for k, _ in model.sample)
    s_lo = value_at(reg.lower, base) if reg.lower is not None else 0.0
    pts = []
    for _ in range(n):
        p = {}
        for s in sorted(base, key=lambda s: s.name):
            p[s] = base[s] * (rng.uniform(0.8, 1.25) if exact else 1.0)
        if cv.hbar not in p:
            p[cv.hbar] = rng.uniform(0.5, 2.0)
        elif not fixed_hbar and exact:
            p[cv.hbar] = rng.uniform(0.5, 2.0)
        lo = value_at(reg.lower, p) if reg.lower is not None else 0.0
        if reg.upper is not None:
            hi = value_at(reg.upper, p)
            eF = lo + (hi - lo) * rng.uniform(0.1, 0.9)
        else:
            scale = lo / s_lo if (s_lo and lo) else 1.0
            eF = lo + (reg.sample_epsilon_F * scale - lo) * rng.uniform(0.25, 3.0)
        vals = {s.name: float(v) for s, v in p.items()}
        vals.update({model.fermi_level.name: float(eF), "e": float(rng.uniform(0.5, 2.0)),
                     **{s.name: float(rng.uniform(0.5, 2.0)) for s in sp.sympify(model.disorder.u0).free_symbols},
                     "E_x": float(rng.uniform(-1, 1)), "E_y": float(rng.uniform(-1, 1))})
        pts.append(vals)
    return pts


def _plain(y):
    y = np.asarray(y)
    if np.iscomplexobj(y):
        if np.max(np.abs(y.imag), initial=0.0) > 1e-12 * max(1.0, float(np.max(np.abs(y.real), initial=0.0))):
            return {"re": _plain(y.real), "im": _plain(y.imag)}
        y = y.real
    fin = lambda v: float(v) if math.isfinite(v) else None  # JSON has no NaN/inf: null
    return [fin(v) for v in y.ravel()] if y.ndim else fin(float(y))


def sample_table(model, results, regime, n, seed=0):
    pts = sample_points(model, regime, n, seed)
    funcs = {OBSERVABLES[o][0]: r.lambdify() for o, r in results.items()}
    rows = []
    for p in pts:
        vals = {}
        with np.errstate(all="ignore"):
            for key, f in funcs.items():
                vals[key] = {name: _plain(y) for name, y in f(**p).items()}
        rows.append({"point": p, "values": vals})
    return {"n": n, "seed": seed, "rule": "docs/cli.md#sample-points", "points": rows}


def unicode_ok(stream=None):
    enc = getattr(stream or sys.stdout, "encoding", None) or ""
    return enc.lower().replace("-", "") in ("utf8", "utf16", "utf32")


def _cell(x, avail, unicode):
    """Lines of one table cell: the pretty form, a column vector component by component, or the
    wrapped str form when the expression is too big to draw."""
    if is_matrix(x) and x.cols == 1 and x.rows > 1:
        names = "xyz" if x.rows == 3 else [str(i) for i in range(x.rows)]
        out = []
        for lab, comp in zip(names, x):
            sub = _cell(comp, avail - len(lab) - 2, unicode)
            mid = (len(sub) - 1) // 2
            out += [(f"{lab}: " if j == mid else " " * (len(lab) + 2)) + line for j, line in enumerate(sub)]
        return out
    lines = sp.pretty(x, use_unicode=unicode, num_columns=avail).split("\n")
    if len(lines) > 12 or any(len(line) > avail for line in lines) or "\u21aa" in "".join(lines):
        lines = textwrap.wrap(sp.sstr(x), width=avail, break_long_words=True) or [""]
    return lines


def text_table(r, width=None, unicode=None, key=None):
    """A terminal table: one row per contribution and the total (pretty-printed), the paper equation
    of each closed form; then the definitions of the Fermi-surface variables (k_F, Lambda_F, ...) the
    forms are written in, the conditions under which they hold, and the approximation."""
    unicode = unicode_ok() if unicode is None else unicode
    width = width or max(60, min(shutil.get_terminal_size((100, 24)).columns, 160))
    names = [n for n, _ in r.items()]
    eqs = paper_equations(key, names[:-1])
    w1 = max(len(n) for n in names)
    w2 = 8
    avail = max(30, width - w1 - w2 - 7)
    rows = []
    for n, x in r.items():
        if n == "total" and is_matrix(x) and x.has(cv.u_0):   # e.g. Edelstein (1/u_0^2) + the rest
            parts = split_orders(x, cv.u_0)
            if len(parts) > 1:
                x = sp.Matrix([sp.Add(*[p[i] for p in parts if p[i] != 0], evaluate=False)
                               for i in range(len(x))])
        rows.append((n, f"Eq. {eqs[n]}" if n in eqs else "", _cell(x, avail, unicode)))
    wexpr = min(avail, max([len("expression")] + [len(line) for _, _, lines in rows for line in lines]))
    h, v = ("─", "│") if unicode else ("-", "|")
    sep = lambda c: h * (w1 + 2) + c + h * (w2 + 2) + c + h * (wexpr + 2)
    top, mid_, bottom = (sep("┬"), sep("┼"), sep("┴")) if unicode else (sep("+"),) * 3
    head = f"{r.quantity} -- model {r.model}, {r.regime}" if r.model else r.quantity
    out = [head, top, f" {'contribution':<{w1}} {v} {'TI paper':<{w2}} {v} expression", mid_]
    for i, (n, e, lines) in enumerate(rows):
        mid = (len(lines) - 1) // 2
        for j, line in enumerate(lines):
            out.append(f" {n if j == mid else '':<{w1}} {v} {e if j == mid else '':<{w2}} {v} {line}".rstrip())
        out.append(bottom if i == len(rows) - 1 else mid_)
    if r.definitions:  # the Fermi-surface variables the closed forms are written in (issue 12)
        out.append("where")
        out += ["  " + str(d) for d in r.definitions.values()]
    cond = r.conditions
    if cond is not sp.true:
        out += textwrap.wrap("valid for: " + sp.sstr(cond), width=width, subsequent_indent="  ")
    out += textwrap.wrap("approximation: " + r.approximation, width=width)
    return "\n".join(out)


def write_exports(model, results, out_dir, stem, source=None):
    """JSON document (5 sample points), the sigma_yx PNG and the text tables of ``results``
    ({observable: Result}, keys as :data:`OBSERVABLES`) in ``out_dir``; returns the paths written."""
    paths = [write_atomic(os.path.join(out_dir, f"{stem}.json"),
                          json.dumps(json_document(model, results, samples=5, source=source), indent=1))]
    if "hall" in results:
        paths.append(plot_hall(model, results["hall"], out_dir))
    # the terminal tables (what `symkin derive ... --format table` prints)
    paths.append(write_atomic(os.path.join(out_dir, f"{stem}.txt"), "\n\n".join(
        text_table(r, key=OBSERVABLES[o][0], unicode=False) for o, r in results.items()) + "\n"))
    return paths
