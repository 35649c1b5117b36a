r"""Fermi-level regimes of an isotropic model: which bands cut E_F, with how many circles, and under
which parameter conditions (band edges, ring extrema -- the Mexican hat --, large-k behaviour of each
band).  A sample point may select a root, never the physics: every :class:`Regime` carries its
SymPy :attr:`Regime.condition`.

Chain position: model -> bands -> **regimes** -> fermi (rings on the shells) -> geometry -> ...
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import itertools

import numpy as np
import sympy as sp

from .bands import TwoBandBlock, k, two_band_block
from .blocks import two_band_blocks
from .errors import DegeneracyError, RegimeError
from .model import Model


@dataclass(frozen=True)
class Regime:
    """A window of the Fermi level with a fixed set of Fermi circles.

    Attributes
    ----------
    name : str
        'conduction', 'valence', 'gap' (two-band insulators); for bands that both rise to +oo
        (Rashba) 'lower' (one circle of the lower band), 'lower-annulus' (two circles of the lower
        band: E_F below the rim of a Mexican hat, the Fermi sea is an annulus) and 'both'.
    sign : +1 or -1
        E_F = sign * epsilon_F for a positive Fermi-level symbol; always +1 for a real one (E_F =
        epsilon_F).
    lower, upper : SymPy bounds on epsilon_F (None when unbounded)
    bands : occupied bands crossing E_F (0 = upper band, 1 = lower band)
    sample_epsilon_F : a numeric epsilon_F inside the window for the model's sample point
    circles : tuple of (band, number of Fermi circles)
    condition : SymPy relational on the parameters under which this window exists with this set of
        circles (e.g. the Mexican hat m alpha^2/hbar^2 > Delta), or None when it always exists
    shape : a sentence on the Fermi sea (disc / annulus / full band)
    parts : for an N x N model of decoupled 2 x 2 blocks (:mod:`symkin.blocks`), the regime of each
        block (same Fermi level); empty for a two-band model
    point : tuple of (Symbol, float): a parameter point inside :attr:`condition` (respecting the
        assumptions); the roots of the closed form are selected there and the window was found there
    fermi_level : the Fermi-level Symbol of the model (for :attr:`conditions`)
    """

    name: str
    sign: int
    lower: object
    upper: object
    bands: tuple
    sample_epsilon_F: float
    circles: tuple = ()
    condition: object = None
    shape: str = ""
    parts: tuple = ()
    point: tuple = ()
    fermi_level: object = None

    @property
    def conditions(self):
        """SymPy boolean under which this regime holds: the E_F window ``lower < epsilon_F < upper``
        and the parameter :attr:`condition` (``sympy.true`` when there is nothing to require)."""
        parts = []
        if self.fermi_level is not None:
            if self.lower is not None:
                parts.append(sp.StrictLessThan(self.lower, self.fermi_level))
            if self.upper is not None:
                parts.append(sp.StrictLessThan(self.fermi_level, self.upper))
        if self.condition is not None:
            parts.append(self.condition)
        return sp.And(*parts) if parts else sp.true

    def __str__(self):
        lo = "-oo" if self.lower is None else sp.sstr(self.lower)
        hi = "oo" if self.upper is None else sp.sstr(self.upper)
        ef = "E_F = epsilon_F" if self.sign > 0 else "E_F = -epsilon_F"
        return f"{self.name} ({lo} < epsilon_F < {hi}, {ef})"


@dataclass(frozen=True)
class _Critical:
    """A band extremum: numeric energy, closed form, and the condition for it to exist."""

    value: float
    expr: object
    condition: object = None


def _band_curves(blk: TwoBandBlock, sample):
    d0 = sp.lambdify(k, blk.d0.subs(sample), "numpy")
    d2 = sp.lambdify(k, blk.d_squared.subs(sample), "numpy")
    ks = np.linspace(0, 50, 200001)
    lam = np.sqrt(np.broadcast_to(d2(ks), ks.shape))
    e0 = np.broadcast_to(d0(ks), ks.shape)
    return ks, (e0 + lam, e0 - lam)


def _stationary(blk: TwoBandBlock, band, k_num, sample):
    """Closed form of a band extremum at k = k_num > 0: solve d eps/dk = 0, i.e.
    d0'^2 |d|^2 = (d . d')^2, and pick the root that matches numerically."""
    dd = blk.dz * blk.dz.diff(k) + blk.g * blk.g.diff(k)
    poly = sp.expand(blk.d0.diff(k) ** 2 * blk.d_squared - dd**2)
    e_band = blk.energies()[band]
    for root in sp.solve(poly, k):
        val = complex(sp.N(root.subs(sample), 30))
        if abs(val.imag) < 1e-9 and abs(val.real - k_num) < 1e-3 * max(1, k_num):
            energy = sp.simplify(sp.expand(e_band.subs(k, root)))
            cond = sp.simplify(root**2) > 0
            return energy, (None if cond is sp.true else cond)
    return sp.Float(float(e_band.subs(sample).subs(k, k_num)), 8), None


def _critical_energies(blk: TwoBandBlock, sample):
    """Band extrema (k = 0 and ring extrema) with closed forms, sorted by energy."""
    ks, curves = _band_curves(blk, sample)
    crit = []
    for band, e in enumerate(curves):
        e0 = sp.expand(blk.d0.subs(k, 0) + (1 if band == 0 else -1) * sp.sqrt(blk.d_squared.subs(k, 0)))
        crit.append(_Critical(float(e[0]), e0))
        de = np.diff(e)
        turn = np.nonzero(np.sign(de[1:]) * np.sign(de[:-1]) < 0)[0] + 1
        for i in turn:
            expr, cond = _stationary(blk, band, ks[i], sample)
            crit.append(_Critical(float(e[i]), expr, cond))
    crit.sort(key=lambda c: c.value)
    out = []
    for c in crit:  # merge coincident extrema (e.g. the two bands touching)
        if out and abs(c.value - out[-1].value) < 1e-9:
            continue
        out.append(c)
    return out, ks, curves


def _circles(curves, E):
    """Number of Fermi circles of each band at energy E (sign changes of eps - E on the grid)."""
    out = []
    for band, e in enumerate(curves):
        s = np.sign(e - E)
        n = int(np.count_nonzero(s[1:] * s[:-1] < 0))
        if n:
            out.append((band, n))
    return tuple(out)


def _window_name(circles, curves):
    bands = {b for b, _ in circles}
    if not bands:
        return "gap"
    if bands == {0, 1}:
        return "both"
    (b, n), = circles
    rises = curves[b][-1] > curves[b][0]
    if b == 0:
        base = "conduction" if rises else "upper"
    else:
        base = "valence" if not rises else "lower"
    return base if n == 1 else base + "-annulus"


def _shape(circles, curves):
    parts = []
    for b, n in circles:
        label = "upper" if b == 0 else "lower"
        rises = curves[b][-1] > curves[b][0]
        if n == 2:
            parts.append(f"{label} band: two Fermi circles, the {'Fermi sea' if rises else 'hole pocket'} "
                         "is an annulus (ring extremum, 'Mexican hat')")
        elif n == 1:
            parts.append(f"{label} band: one Fermi circle, {'a disc' if rises else 'holes in a disc'}")
        else:
            parts.append(f"{label} band: {n} Fermi circles")
    return "; ".join(parts)


def regimes(model: Model, _both_gap_sides=False):
    """The Fermi-level windows of an isotropic two-band model, each with a fixed set of Fermi circles.

    The window boundaries are the band extrema: the band edges at k = 0 and ring extrema (a
    "Mexican hat", found by solving :math:`d\\epsilon/dk = 0`, with the parameter condition under
    which it exists in :attr:`Regime.condition`).

    Which bands cut E_F at large energies is decided symbolically (:func:`_asymptotic_cases`): with
    :math:`d_0 \\sim a k^{p}` and :math:`|\\mathbf d| \\sim b k^{q}` (:math:`b^2` the leading
    coefficient of :math:`|\\mathbf d|^2`), the bands :math:`\\epsilon_\\pm = d_0 \\pm |\\mathbf d|`
    rise/fall as sign(a) for p > q, as +/- for p < q, and as sign(a +/- b) for p = q (e.g. both
    bands rise for D > B in :func:`symkin.models.bhz_like`).  Every case the assumptions allow is
    enumerated; its condition is part of each :attr:`Regime.condition`, and the windows of a case
    are found at a parameter point inside it (:func:`case_point`, stored in :attr:`Regime.point`).
    Boundaries of measure zero (a = +/-b) are not listed.  Windows without Fermi
    circles are listed only if a band is completely filled there ('gap'); below all bands nothing
    is occupied and there is no regime.

    For a positive Fermi-level symbol, a window straddling E = 0 is split at 0 (E_F = +epsilon_F
    above, -epsilon_F below); a gap is listed once, with E_F = +epsilon_F.

    Examples
    --------
    >>> from symkin.models import ti_surface
    >>> [str(r) for r in regimes(ti_surface())]
    ['valence (M < epsilon_F < oo, E_F = -epsilon_F)', 'gap (0 < epsilon_F < M, E_F = epsilon_F)', 'conduction (M < epsilon_F < oo, E_F = epsilon_F)']
    """
    if model.n_bands != 2:
        return _composite_regimes(model)
    blk = two_band_block(model)
    cases = _asymptotic_cases(blk, model)
    out = []
    for cond, tag in cases:
        point = case_point(model, cond)
        if point is None:
            continue  # no parameter point the assumptions allow satisfies this case
        out.append((tag, _windows(model, blk, point, cond, _both_gap_sides)))
    names = [r.name for _, rs in out for r in rs]
    final = []
    for tag, rs in out:
        for r in rs:
            final.append(replace(r, name=r.name + "-" + tag) if tag and names.count(r.name) > 1 else r)
    return final


def _asymptotic_cases(blk: TwoBandBlock, model: Model):
    """The symbolic cases of the large-k behaviour of the two bands: list of (condition, tag),
    condition a SymPy boolean (None = always).  See :func:`regimes`."""
    d0 = sp.Poly(sp.expand(blk.d0), k)
    d2 = sp.Poly(sp.expand(blk.d_squared), k)
    if d0.is_zero or d2.is_zero or 2 * d0.degree() < d2.degree():
        return [(None, "")]
    a = d0.LC()
    if 2 * d0.degree() > d2.degree():
        raw = [(sp.StrictGreaterThan(a, 0), "rising"), (sp.StrictLessThan(a, 0), "falling")]
    else:
        b = sp.sqrt(d2.LC())
        raw = [(sp.And(sp.StrictGreaterThan(a + b, 0), sp.StrictLessThan(a - b, 0)), ""),
               (sp.StrictGreaterThan(a - b, 0), "rising"), (sp.StrictLessThan(a + b, 0), "falling")]
    cases = [(c, t) for c, t in raw if c is not sp.false]
    if any(c is sp.true for c, _ in cases):
        return [(None, next(t for c, t in cases if c is sp.true))]
    return cases


_TRIAL_VALUES = (1.0, 2.0, 0.5, 3.0, 5.0, 0.2, 10.0, 0.1, 30.0)


def _allowed(s, x):
    """Whether the number x is allowed by the assumptions of Symbol s."""
    if s.is_positive:
        return x > 0
    if s.is_negative:
        return x < 0
    if s.is_nonnegative:
        return x >= 0
    if s.is_nonpositive:
        return x <= 0
    return True


def _holds(cond, point):
    if cond is None or cond is sp.true:
        return True
    val = cond.xreplace({s: sp.Float(v) for s, v in point.items()})
    return bool(val) if val in (sp.true, sp.false) else False


def case_point(model: Model, condition=None):
    """A parameter point (dict Symbol -> float) respecting the assumptions and inside ``condition``,
    or None if none is found.

    Starts from :meth:`Model.sample_point`; if it violates ``condition``, the symbols of the
    condition are changed one at a time, then in pairs, over +/-(1, 2, 0.5, 3, 5, 0.2, 10, 0.1, 30)
    (signs the assumptions allow), first match returned (deterministic).  The point only *selects*
    numerically what the symbolic condition decides."""
    base = dict(model.sample_point())
    if _holds(condition, base):
        return base
    syms = sorted(condition.free_symbols & set(base), key=lambda s: s.name)
    trial = lambda s: [x for m in _TRIAL_VALUES for x in (m, -m) if _allowed(s, x)]
    for s in syms:
        for x in trial(s):
            pt = dict(base)
            pt[s] = x
            if _holds(condition, pt):
                return pt
    for i, s in enumerate(syms):
        for t in syms[i + 1:]:
            for x in trial(s):
                for y in trial(t):
                    pt = dict(base)
                    pt[s], pt[t] = x, y
                    if _holds(condition, pt):
                        return pt
    return None


def _windows(model, blk, sample, case_cond, _both_gap_sides):
    """The Fermi-level windows of one asymptotic case, found at the parameter point ``sample``."""
    crit, ks, curves = _critical_energies(blk, sample)
    d2 = sp.Poly(sp.expand(blk.d_squared.subs(sample)), k)
    for root in (np.roots([float(c) for c in d2.all_coeffs()]) if d2.degree() > 0 else []):
        # |d| = 0 at k = 0 (massless Dirac cone, Rashba 2DEG) is a band extremum, never on a Fermi
        # circle; a zero at |k| > 0 is a whole circle of crossings
        if abs(root.imag) < 1e-6 * max(1.0, abs(root)) and root.real > 1e-9:
            e_t = float(blk.d0.subs(sample).subs(k, root.real))
            raise DegeneracyError(f"the bands cross at |k| = {root.real:.4g}, energy {e_t:.4g} "
                                  "(sample point): the theory needs non-degenerate bands")
    scale = max(1.0, max(abs(c.value) for c in crit))
    edges = [None] + crit + [None]
    positive = bool(model.fermi_level.is_positive)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        a = lo.value if lo else crit[0].value - scale
        b = hi.value if hi else crit[-1].value + scale
        mid = a + 0.55 * (b - a)  # off-centre: avoids special points such as E_F = 0
        circles = _circles(curves, mid)
        filled = any(e.max() < mid for e in curves)
        if not circles and not filled:
            continue
        name = _window_name(circles, curves)
        conds = [case_cond] if case_cond is not None else []
        conds += [c.condition for c in (lo, hi) if c is not None and c.condition is not None]
        cond = sp.And(*conds) if conds else None
        bands = tuple(sorted(b for b, _ in circles))
        common = dict(bands=bands, circles=circles, condition=cond, shape=_shape(circles, curves),
                      point=tuple(sorted(sample.items(), key=lambda x: x[0].name)),
                      fermi_level=model.fermi_level)
        lo_e = lo.expr if lo else None
        hi_e = hi.expr if hi else None
        if not positive:
            out.append(Regime(name, +1, lo_e, hi_e, sample_epsilon_F=mid, **common))
            continue
        if a >= 0:
            out.append(Regime(name, +1, lo_e, hi_e, sample_epsilon_F=mid, **common))
        elif b <= 0:
            out.append(Regime(name, -1, None if hi_e is None else -hi_e, None if lo_e is None else -lo_e,
                              sample_epsilon_F=-mid, **common))
        else:  # straddles E = 0: split (a gap only once, on the positive side)
            pos, neg = (name + "-positive", name) if name == "valence" else (name, name + "-negative")
            out.append(Regime(pos, +1, sp.S.Zero, hi_e, sample_epsilon_F=0.5 * b, **common))
            if circles or _both_gap_sides:  # composite models need both sides of a block's gap
                out.append(Regime(neg, -1, sp.S.Zero, None if lo_e is None else -lo_e,
                                  sample_epsilon_F=-0.5 * a, **common))
    return out


def _composite_regimes(model: Model):
    """Regimes of a model of decoupled 2 x 2 blocks: the non-empty intersections of the blocks'
    windows (in epsilon_F, same sign).  A window where some block has no regime (below all its
    bands) is not listed."""
    per = [regimes(b.model, _both_gap_sides=True) for b in two_band_blocks(model)]
    sample = model.sample_point()
    num = lambda x: float(sp.N(sp.sympify(x).subs(sample)))
    out = []
    for combo in itertools.product(*per):
        if len({r.sign for r in combo}) > 1 or all(r.name == "gap-negative" for r in combo):
            continue  # mixed signs; an overall gap is listed once, on the positive side
        lows = [(num(r.lower), r.lower) for r in combo if r.lower is not None]
        ups = [(num(r.upper), r.upper) for r in combo if r.upper is not None]
        lo = max(lows, key=lambda x: x[0]) if lows else None
        hi = min(ups, key=lambda x: x[0]) if ups else None
        if lo and hi and lo[0] >= hi[0] - 1e-12:
            continue
        a = lo[0] if lo else (hi[0] - 2.0 if hi else 0.0)
        b = hi[0] if hi else a + 2.0 * max(1.0, abs(a))
        eps = a + 0.55 * (b - a)
        parts = tuple(replace(r, sample_epsilon_F=eps) for r in combo)
        circles = tuple((2 * i + b_, n) for i, r in enumerate(combo) for b_, n in r.circles)
        conds = [r.condition for r in combo if r.condition is not None]
        out.append(Regime("+".join(r.name for r in combo), combo[0].sign, lo[1] if lo else None,
                          hi[1] if hi else None, tuple(b_ for b_, _ in circles), eps, circles,
                          sp.And(*conds) if conds else None,
                          "; ".join(f"block {i}: {r.shape}" for i, r in enumerate(combo) if r.shape), parts,
                          point=tuple(sorted(sample.items(), key=lambda x: x[0].name)),
                          fermi_level=model.fermi_level))
    out.sort(key=lambda r: r.sign * r.sample_epsilon_F)
    return out


def get_regime(model: Model, regime=None) -> Regime:
    """Resolve ``regime``: a :class:`Regime`, a name, or None.

    None picks the 'conduction' window if there is exactly one (its :attr:`Regime.condition`, e.g.
    ``(B + D > 0) & (D - B < 0)`` for :func:`symkin.models.bhz_like`, travels with the result as
    ``Result.conditions``), else, when all windows hold for every allowed parameter value, the
    highest window.  Where the circle structure depends on the parameters and there is no single
    'conduction' window, the default is refused with one :class:`RegimeError` listing the regimes
    and their conditions."""
    if isinstance(regime, Regime):
        return regime
    rs = regimes(model)
    if not rs:
        raise RegimeError(f"model {model.name} has no Fermi-level regime")
    if regime is None:
        prefer = ("conduction", "+".join(["conduction"] * (model.n_bands // 2)))
        hits = [r for r in rs if r.name in prefer]
        if len(hits) == 1:
            return hits[0]
        if any(r.condition is not None and not r.name.endswith("-annulus") for r in rs):
            raise RegimeError(_listing(model, rs, "the Fermi-circle structure depends on the parameters"))
        return rs[-1]
    for r in rs:
        if r.name == regime:
            return r
    raise RegimeError(f"model {model.name} has no {regime!r} regime; it has {[r.name for r in rs]}")


def _listing(model, rs, cause):
    rows = "; ".join(f"{r.name}: {sp.sstr(r.conditions)}" for r in rs)
    return (f"model {model.name}: {cause} -- declare assumptions that fix it or pass regime=... "
            f"(regimes and their conditions: {rows})")


def regime_at(model: Model, values) -> Regime:
    """The regime valid at a numeric parameter point.

    Parameters
    ----------
    model : Model
    values : dict name -> number
        Values by symbol *name* of the parameters and the Fermi level (``epsilon_F``).  For a
        positive Fermi-level symbol the value is read as E_F: a negative number selects the
        E_F = -epsilon_F windows (holes), with ``epsilon_F = |value|``.

    Returns
    -------
    Regime whose :attr:`Regime.conditions` hold at the point.

    Raises
    ------
    RegimeError : a value is missing, or no regime holds (E_F below all bands, on a boundary, or a
        parameter point outside every case the engine enumerates).
    """
    vals = {str(n): float(v) for n, v in values.items()}
    ef = model.fermi_level.name
    if ef not in vals and "E_F" in vals:
        vals[ef] = vals["E_F"]
    rs = regimes(model)
    syms = set().union(*(r.conditions.free_symbols for r in rs)) if rs else set()
    missing = sorted(s.name for s in syms if s.name not in vals)
    if missing:
        raise RegimeError(f"regime_at({model.name}): no value for {missing}; pass them by name")
    sign = 1
    if model.fermi_level.is_positive and vals[ef] < 0:
        sign, vals[ef] = -1, -vals[ef]
    for r in rs:
        if r.sign != sign and r.bands:  # a gap (no circle) is listed once, for E_F = +epsilon_F
            continue
        c = r.conditions.xreplace({s: sp.Float(vals[s.name]) for s in r.conditions.free_symbols})
        if c is sp.true:
            return r
    raise RegimeError(f"no regime of {model.name} holds at {vals}: " + _listing(model, rs, "candidates"))


def sample_point(model: Model, regime=None, epsilon_F=None):
    """A numeric point (dict name -> float, including the Fermi level) inside ``regime``.

    The parameters are the regime's :attr:`Regime.point` (assumptions respected, inside its
    condition); the Fermi level is ``epsilon_F`` if given, else the regime's sample value.  Raises
    RegimeError if the point is not inside :attr:`Regime.conditions`."""
    r = get_regime(model, regime)
    pt = {s.name: float(v) for s, v in (r.point or tuple(model.sample_point().items()))}
    ef = abs(r.sample_epsilon_F) if model.fermi_level.is_positive else r.sample_epsilon_F
    pt[model.fermi_level.name] = float(ef if epsilon_F is None else epsilon_F)
    c = r.conditions.xreplace({s: sp.Float(pt[s.name]) for s in r.conditions.free_symbols if s.name in pt})
    if c is not sp.true:
        raise RegimeError(f"sample point {pt} is outside regime {r.name} ({sp.sstr(r.conditions)})")
    return pt
