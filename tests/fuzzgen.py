"""Seeded generator of random isotropic two-band models for the generality fuzz test (issue 11,
item 9), and the per-example oracle.

A model is

.. math:: H = d_0(k^2)\\sigma_0 + d_z(k^2)\\sigma_z
          + f(k^2)\\,[(k_x - i s k_y)^n \\sigma_+ + \\mathrm{h.c.}],  \\quad H \\to U^\\dagger H U,

with ``d_0``, ``d_z`` polynomials of degree <= 2 in ``k^2``, winding ``s n`` in {+-1, +-2, +-3}, a radial
factor ``f`` of degree <= 1 in ``k^2``, a random constant unitary ``U``; every coefficient is a symbol
(positive, negative or real, its name drawn from a pool containing the engine's internal names) or a
number (Rational or float).  A random parameter point and Fermi level (a band energy at a random
``k``) complete the example; the regime is the one valid there (``symkin.regime_at`` when it exists,
else :func:`regime_at_fallback`).

Oracle (:func:`run_example`): the closed form equals ``symkin.numeric`` to 1e-8 in every contribution
(and ``symkin.kubo`` to 1e-5 on every fourth seed; where the default weak-disorder extrapolation
misses, once more from four times smaller broadenings), or the engine raises one
``symkin.errors.SymkinError``.  :func:`run_isolated` runs an example in a subprocess with a hard time
limit; ``python tests/fuzzgen.py SEED`` prints the JSON outcome of one example.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import sympy as sp

NAME_POOL = ("k", "z", "u", "Lambda", "k_1", "Lambda_1", "t_1", "c_1", "theta", "phi", "k_0", "c",
             "t", "E", "tau", "rho", "a", "b", "D", "B", "M", "g")
TOL_NUMERIC = 1e-8
TOL_KUBO = 1e-5
KUBO_FINE_ETAS = (0.00025, 0.0005, 0.001, 0.002)
# Kubo's weak-disorder limit needs hbar/tau << the distance from E_F to the nearest band extremum;
# its fit uses hbar/tau = eta |E_F| up to eta = 8e-3 (seed 1032: E_F 1.05e-4 below the valence edge
# -0.77, Kubo -0.125 against closed form = numeric = -0.2387), so it is not compared within 5 x that.
KUBO_EDGE = 5 * 8e-3


def _edge_distance(model, values, E):
    """Distance from E to the nearest band extremum (band edges and ring extrema) at ``values``."""
    from symkin.bands import two_band_block
    from symkin.extrema import NumBands, radial_coefficients
    pt = {s: values[s.name] for s in model.parameters}
    c0, c2 = radial_coefficients(two_band_block(model))
    nb = NumBands([float(sp.re(sp.N(c.xreplace(pt)))) for c in c0], [float(sp.re(sp.N(c.xreplace(pt)))) for c in c2])
    return min(abs(E - e) for e, _, _ in nb.extrema())


FIELDS = ("intrinsic", "extrinsic", "side_jump", "skew", "total")

_S = 1 / sp.sqrt(2)
UNITARIES = (
    sp.eye(2),
    sp.Matrix([[0, 1], [1, 0]]),
    sp.Matrix([[1, 0], [0, sp.I]]),
    sp.Matrix([[3, 4 * sp.I], [4 * sp.I, 3]]) / 5,
    sp.Matrix([[_S, _S], [_S, -_S]]),
    sp.Matrix([[_S, -sp.I * _S], [-sp.I * _S, _S]]),
)


def build(seed):
    """``(model, values, description)`` of example ``seed`` (values by symbol name, incl. epsilon_F)."""
    from symkin import Model, WhiteNoise
    from symkin import conventions as cv
    from symkin.models import k_x, k_y
    rng = np.random.default_rng(seed)
    names = list(rng.permutation(NAME_POOL))
    values = {"hbar": 1.0, "e": 1.0, "u_0": 0.1}
    desc = []
    floats = {}

    def coef(role, magnitude=(0.3, 1.2), allow_zero_sign=True):
        kind = rng.choice(["positive", "negative", "real", "rational", "float"], p=[.3, .15, .2, .2, .15])
        mag = float(rng.uniform(*magnitude))
        sign = 1.0 if rng.random() < 0.6 else -1.0
        if kind in ("positive", "negative", "real"):
            name = names.pop()
            s = sp.Symbol(name, **{kind: True})
            values[name] = mag if kind == "positive" else (-mag if kind == "negative" else sign * mag)
            desc.append(f"{role}={name}({kind})={values[name]:.3g}")
            return s
        if kind == "rational":
            r = sp.Rational(int(round(sign * mag * 10)) or 1, 10)
            desc.append(f"{role}={r}")
            return r
        x = round(sign * mag, 2) or 0.5
        desc.append(f"{role}={x}(float)")
        ph = sp.Dummy(role, real=True)  # the float enters after the exact basis change
        floats[ph] = sp.Float(x)
        return ph

    k2 = k_x**2 + k_y**2
    deg0, degz, degf = (int(rng.integers(0, 3)), int(rng.integers(0, 3)), int(rng.integers(0, 2)))
    d0 = sum((coef(f"d0_{j}") * k2**j for j in range(1, deg0 + 1)), sp.Integer(0))
    dz = coef("m") + sum((coef(f"dz_{j}") * k2**j for j in range(1, degz + 1)), sp.Integer(0))
    f = coef("v") + (coef("f_1") * k2 if degf else 0)
    n = int(rng.integers(1, 4))
    s = 1 if rng.random() < 0.5 else -1
    off = f * (k_x - s * sp.I * k_y) ** n
    offc = f * (k_x + s * sp.I * k_y) ** n
    H = sp.Matrix([[d0 + dz, off], [offc, d0 - dz]])
    ui = int(rng.integers(0, len(UNITARIES)))
    U = UNITARIES[ui]
    H = sp.expand(sp.expand(U.H * H * U).xreplace(floats))
    desc.append(f"winding={s * n} U#{ui}")
    model = Model(sp.ImmutableMatrix(H), (k_x, k_y), WhiteNoise(cv.u_0), name=f"fuzz{seed}",
                  fermi_level=cv.E_F)
    # Fermi level: a band energy at a random k (never in a gap by construction)
    Hn = sp.lambdify((k_x, k_y), H.subs({sym: values[sym.name] for sym in H.free_symbols
                                          if sym.name in values}), "numpy")
    k0 = float(rng.uniform(0.2, 1.0))
    ev = np.linalg.eigvalsh(np.array(Hn(k0, 0.0), dtype=complex))
    values["epsilon_F"] = float(ev[int(rng.integers(0, 2))])
    desc.append(f"E_F={values['epsilon_F']:.4g} (k0={k0:.3g})")
    return model, values, "; ".join(desc)


def regime_at_fallback(model, values):
    """The regime whose window and condition hold at ``values`` (this file's stand-in for
    ``symkin.regime_at``); RegimeError when none or several do."""
    from symkin.errors import RegimeError
    from symkin.fermi import regimes

    def num(x):
        x = sp.sympify(x)
        z = complex(sp.N(x.xreplace({s: sp.Float(values[s.name]) for s in x.free_symbols})))
        return z.real if abs(z.imag) <= 1e-12 * max(1.0, abs(z.real)) else np.nan  # nan: no such window

    eF = values["epsilon_F"]
    hits = []
    for r in regimes(model):
        lo = -np.inf if r.lower is None else num(r.lower)
        hi = np.inf if r.upper is None else num(r.upper)
        if np.isnan(lo) or np.isnan(hi) or not lo < eF < hi:
            continue
        if r.condition is not None and not bool(sp.sympify(r.condition).xreplace(
                {s: sp.Float(values[s.name]) for s in r.condition.free_symbols})):
            continue
        hits.append(r)
    if len(hits) != 1:
        raise RegimeError(f"fuzz fallback regime_at: {len(hits)} regimes hold at epsilon_F = {eF}")
    return hits[0]


def regime_at(model, values):
    import symkin
    if hasattr(symkin, "regime_at"):
        return symkin.regime_at(model, values)
    return regime_at_fallback(model, values)


def run_example(seed, kubo_every=4):
    """Outcome dict: status 'pass' | 'refuse' | 'wrong' | 'crash', class, detail, seconds."""
    from symkin import anomalous_hall, kubo, numeric
    from symkin.errors import SymkinError
    t0 = time.time()
    out = {"seed": seed}
    try:
        model, values, desc = build(seed)
        out["model"] = desc
        reg = regime_at(model, values)
        out["regime"] = reg.name
        closed = anomalous_hall(model, reg).lambdify()(**values)
        closed = {k: complex(closed[k]) for k in FIELDS}
        E = reg.sign * values["epsilon_F"]
        ref = numeric.anomalous_hall(model, values, n_points=64, energy=E)
        bad = {k: (closed[k].real, getattr(ref, k)) for k in FIELDS
               if not (abs(closed[k] - getattr(ref, k)) <= TOL_NUMERIC * max(1.0, abs(ref.total)))}
        if bad:
            out.update(status="wrong", cls="closed form != numeric", detail=repr(bad))
        elif kubo_every and seed % kubo_every == 0 and _edge_distance(model, values, E) < KUBO_EDGE * abs(E):
            out["note"] = (f"Kubo not compared: E_F is {_edge_distance(model, values, E):.2g} from a band "
                           f"extremum, within the broadening {KUBO_EDGE:g}|E_F| of the weak-disorder fit")
        elif kubo_every and seed % kubo_every == 0:
            kb = float(kubo.anomalous_hall(model, values, energy=E))
            if abs(kb - closed["total"].real) > TOL_KUBO * max(abs(kb), 1e-3):
                # the weak-disorder extrapolation from eta = 1e-3..8e-3 can be off by ~1e-4 (seed 12:
                # 0.0350016 there, 0.0349983 from eta = 2.5e-4..2e-3, closed form 0.0349982): refine once
                kb = float(kubo.anomalous_hall(model, values, energy=E, etas=KUBO_FINE_ETAS, k_cut=8.0))
            if abs(kb - closed["total"].real) > TOL_KUBO * max(abs(kb), 1e-3):
                out.update(status="wrong", cls="closed form != kubo", detail=f"{closed['total']} vs {kb}")
        out.setdefault("status", "pass")
    except SymkinError as exc:
        out.update(status="refuse", cls=type(exc).__name__ + ": " + " ".join(str(exc).split()[:6]),
                   detail=str(exc)[:300])
    except Exception as exc:  # noqa: BLE001 -- the finding: a non-symkin exception
        out.update(status="crash", cls=type(exc).__name__, detail=str(exc)[:300])
    out["seconds"] = round(time.time() - t0, 2)
    return out


def run_isolated(seed, timeout=60.0, kubo_every=4):
    """:func:`run_example` in a fresh interpreter with a hard time limit ('timeout' on expiry).

    The child dumps its stack 2 s before the limit (:mod:`faulthandler`), so a timeout names the
    innermost symkin function it was in (``cls = "timeout in fermi.py:_reduce"``)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t0 = time.time()
    dump = max(1.0, timeout - 2.0)
    try:
        p = subprocess.run([sys.executable, os.path.abspath(__file__), str(seed), str(kubo_every), str(dump)],
                           capture_output=True, text=True, timeout=timeout + 5.0, env=env, cwd=root)
    except subprocess.TimeoutExpired:
        return {"seed": seed, "status": "timeout", "cls": f"timeout > {timeout:g} s", "seconds": timeout}
    if "Timeout (" in p.stderr:
        return {"seed": seed, "status": "timeout", "cls": "timeout in " + _where(p.stderr),
                "seconds": round(time.time() - t0, 2)}
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"seed": seed, "status": "crash", "cls": "subprocess died", "detail": p.stderr[-300:],
                "seconds": round(time.time() - t0, 2)}


def _where(trace):
    """'poly.py:_normalise < fermi.py:_reduce': the innermost symkin frame of a faulthandler dump
    and the innermost one in another symkin module (its caller)."""
    import re
    frames = re.findall(r'File "[^"]*/symkin/([^"/]+)", line \d+ in (\w+)', trace)
    if not frames:
        return "?"
    out = [frames[0]]
    out += [f for f in frames if f[0] != frames[0][0]][:1]
    return " < ".join(f"{m}:{fn}" for m, fn in out)


if __name__ == "__main__":
    if len(sys.argv) > 3:
        import faulthandler
        faulthandler.dump_traceback_later(float(sys.argv[3]), exit=True)
    print(json.dumps(run_example(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 4)))
