r"""Fermi-level regimes of an isotropic model: which bands cut E_F, with how many circles, and under
which parameter conditions (band edges, ring extrema -- the Mexican hat --, large-k behaviour of each
band).  A sample point may select a root, never the physics: every :class:`Regime` carries its
SymPy :attr:`Regime.condition`.

Chain position: model -> bands -> **regimes** -> fermi (rings on the shells) -> geometry -> ...
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np
import sympy as sp

from .bands import TwoBandBlock, k, two_band_block
from .blocks import two_band_blocks
from .errors import DegeneracyError, RegimeError
from .cases import case_point, holds_at, provably_empty  # noqa: F401  (re-exported)
from .extrema import NumBands, band_extremum, circle_condition, radial_coefficients, ring_extrema
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
    """A band extremum: numeric energy at the point, closed form (or a :class:`BandExtremum`)."""

    value: float
    expr: object


def _window_name(circles, rises):
    bands = {b for b, _ in circles}
    if not bands:
        return "gap"
    if bands == {0, 1}:
        return "both"
    (b, n), = circles
    if b == 0:
        base = "conduction" if rises[0] else "upper"
    else:
        base = "valence" if not rises[1] else "lower"
    return base if n == 1 else base + "-annulus"


def _shape(circles, rises):
    parts = []
    for b, n in circles:
        label = "upper" if b == 0 else "lower"
        if n == 2:
            parts.append(f"{label} band: two Fermi circles, the {'Fermi sea' if rises[b] else 'hole pocket'} "
                         "is an annulus (ring extremum, 'Mexican hat')")
        elif n == 1:
            parts.append(f"{label} band: one Fermi circle, {'a disc' if rises[b] else 'holes in a disc'}")
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
    rings = ring_extrema(blk)
    out = []
    for cond, tag in cases:
        rs = _case_regimes(model, blk, cond, rings, _both_gap_sides)
        if rs:
            out.append((tag, rs))
    names = [r.name for _, rs in out for r in rs]
    final = []
    for tag, rs in out:
        for r in rs:
            final.append(replace(r, name=r.name + "-" + tag) if tag and names.count(r.name) > 1 else r)
    return final


def _case_regimes(model, blk, case_cond, rings, _both_gap_sides):
    """The windows of one asymptotic case, over every pattern of the closed-form ring extrema
    (each absent, or an extremum of one band: :func:`symkin.extrema.ring_extrema`).

    A pattern's windows are found at a parameter point inside it (:func:`case_point`); a window
    found identically in every pattern holds without the pattern's condition.  Where the extrema
    are not all in closed form (P has a factor of degree >= 2 in k^2, or an extremum at the point
    matches no closed form), each window also carries :func:`symkin.extrema.circle_condition`:
    the exact circle count at E_F, evaluated at any numeric point."""
    roots, complete = rings
    per = []  # (pattern condition or None, has_ring, [(regime, open)])
    all_found = True
    for combo in itertools.product(*roots) if roots else [()]:
        pcond = sp.And(*[c for _, c, _ in combo]) if combo else sp.true
        full = pcond if case_cond is None else sp.And(case_cond, pcond)
        if full is sp.false:
            continue
        point = case_point(model, None if full is sp.true else full)
        if point is None:
            all_found &= provably_empty(full)  # else windows keep their pattern's condition
            continue
        present = {}
        for _, _, energies in combo:
            for band, e in energies.items():
                present.setdefault(band, []).append(e)
        per.append((None if pcond is sp.true else pcond, any(lab != "absent" for lab, _, _ in combo),
                    _windows(model, blk, point, present, complete, _both_gap_sides)))
    if not per:
        return []
    key = lambda r: (r.name, r.sign, r.lower, r.upper, r.circles)
    common = set.intersection(*[{key(r) for r, _ in ws} for _, _, ws in per]) if all_found else set()
    out, seen = [], set()
    for pcond, has_ring, ws in per:
        for r, open_ in ws:
            kk = key(r)
            shared = kk in common
            if shared and kk in seen:
                continue
            seen.add(kk)
            conds = [c for c in (case_cond, None if shared else pcond) if c is not None]
            if open_ or any(o for _, _, w in per for q, o in w if shared and key(q) == kk):
                conds.append(circle_condition(blk, r.sign * model.fermi_level, r.circles))
            cond = sp.And(*conds) if conds else None
            out.append((replace(r, condition=cond), has_ring and not shared))
    names = [r.name for r, _ in out]
    final, count = [], {}
    for r, ring in out:
        if names.count(r.name) > 1 and ring:
            n = sum(1 for q, g in out if q.name == r.name and g)
            count[r.name] = count.get(r.name, 0) + 1
            r = replace(r, name=r.name + "-hat" + (str(count[r.name]) if n > 1 else ""))
        final.append(r)
    final.sort(key=lambda r: r.sign * r.sample_epsilon_F)
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


def _extrema_at(blk, sample, present):
    """Band extrema at the numeric point ``sample``, each with its closed form (band edges at k = 0;
    ring extrema matched to ``present`` {band: [closed forms]}) or a :class:`BandExtremum`; and
    whether one had no closed form."""
    c0, c2 = radial_coefficients(blk)
    num = lambda e: complex(sp.N(sp.sympify(e).xreplace(sample)))
    nb = NumBands([num(c).real for c in c0], [num(c).real for c in c2])
    crit, unmatched, per_band = [], False, {0: 0, 1: 0}
    for value, band, xv in nb.extrema():
        index = per_band[band]
        per_band[band] += 1
        if xv == 0.0:
            expr = sp.expand(c0[0] + (1 if band == 0 else -1) * sp.sqrt(c2[0]))
        else:
            tol = 1e-8 * max(1.0, abs(value))
            hits = [e for e in present.get(band, []) if abs(num(e) - value) <= tol]
            expr = hits[0] if hits else band_extremum(blk, band, index)
            unmatched |= not hits
        crit.append(_Critical(value, expr))
    crit.sort(key=lambda c: c.value)
    out = []
    for c in crit:  # merge coincident extrema (e.g. the two bands touching)
        if out and abs(c.value - out[-1].value) < 1e-9:
            continue
        out.append(c)
    return out, nb, unmatched


def _windows(model, blk, sample, present, complete, _both_gap_sides):
    """The Fermi-level windows at the parameter point ``sample``: list of (Regime, open), open when
    a boundary has no closed form or extrema without one may exist (see :func:`_case_regimes`);
    conditions are attached by the caller."""
    crit, nb, unmatched = _extrema_at(blk, sample, present)
    d2 = sp.Poly(sp.expand(blk.d_squared.xreplace(sample)), k)
    for root in (np.roots([float(c) for c in d2.all_coeffs()]) if d2.degree() > 0 else []):
        # |d| = 0 at k = 0 (massless Dirac cone, Rashba 2DEG) is a band extremum, never on a Fermi
        # circle; a zero at |k| > 0 is a whole circle of crossings
        if abs(root.imag) < 1e-6 * max(1.0, abs(root)) and root.real > 1e-9:
            e_t = float(blk.d0.xreplace(sample).subs(k, root.real))
            raise DegeneracyError(f"the bands cross at |k| = {root.real:.4g}, energy {e_t:.4g} "
                                  "(sample point): the theory needs non-degenerate bands")
    open_ = unmatched or not complete
    rises = (nb.rises(0), nb.rises(1))
    ext = nb.extrema()
    scale = max(1.0, max(abs(c.value) for c in crit))
    edges = [None] + crit + [None]
    positive = bool(model.fermi_level.is_positive)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        a = lo.value if lo else crit[0].value - scale
        b = hi.value if hi else crit[-1].value + scale
        mid = a + 0.55 * (b - a)  # off-centre: avoids special points such as E_F = 0
        n = nb.circles(mid)
        circles = tuple((band, n[band]) for band in (0, 1) if n[band])
        filled = any(not rises[band_] and max(e for e, b_, _ in ext if b_ == band_) < mid for band_ in (0, 1))
        if not circles and not filled:
            continue
        name = _window_name(circles, rises)
        bands = tuple(sorted(b_ for b_, _ in circles))
        common = dict(bands=bands, circles=circles, shape=_shape(circles, rises),
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
    return [(r, open_) for r in out]


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
        if holds_at(r.conditions, vals):
            if model.n_bands != 2 or _circles_at(model, vals, sign) == dict(r.circles):
                return _moved_to(r, model, vals)
            break  # the listed conditions hold but the circles differ: decide at the point itself
    if model.n_bands == 2:
        r = _regime_at_point(model, vals, sign)
        if r is not None:
            return r
    raise RegimeError(f"no regime of {model.name} holds at {vals}: " + _listing(model, rs, "candidates"))


def _moved_to(r, model, vals):
    """``r`` with its sample point moved to the given parameter values (and E_F): the closed form's
    roots are then selected at the point asked about.  Branch choices made at a sample point
    (e.g. sqrt(rho^2) = rho) are not all stated in :attr:`Regime.condition` yet, so a regime's
    own case point may lie on another branch than ``vals`` (fuzz seed 1000)."""
    pt = _symbol_point(model, vals)
    if model.n_bands != 2 or len(pt) < len(model.parameters):
        return r
    return replace(r, point=tuple(sorted(pt.items(), key=lambda x: x[0].name)),
                   sample_epsilon_F=vals[model.fermi_level.name])


def _symbol_point(model, vals):
    return {s: float(vals[s.name]) for s in model.parameters if s.name in vals}


def _circles_at(model, vals, sign):
    """{band: number of Fermi circles} at the numeric point (E_F = sign * epsilon_F)."""
    blk = two_band_block(model)
    pt = _symbol_point(model, vals)
    c0, c2 = radial_coefficients(blk)
    num = lambda e: float(sp.re(sp.N(sp.sympify(e).xreplace(pt))))
    n = NumBands([num(c) for c in c0], [num(c) for c in c2]).circles(sign * vals[model.fermi_level.name])
    return {b: n[b] for b in (0, 1) if n[b]}


def _regime_at_point(model, vals, sign):
    """The window containing E_F found at the numeric point itself (closed-form extrema whose
    existence conditions hold there, the others as :class:`BandExtremum`), with the exact circle
    count as part of its condition; None if E_F lies in no window (below all bands, on an edge)."""
    blk = two_band_block(model)
    pt = _symbol_point(model, vals)
    if len(pt) < len(model.parameters):
        return None
    conds = [c for c, _ in _asymptotic_cases(blk, model) if c is None or holds_at(c, vals)][:1]
    roots, complete = ring_extrema(blk)
    present = {}
    for options in roots:
        for _, c, energies in options:
            if holds_at(c, vals):
                conds.append(c)
                for band, e in energies.items():
                    present.setdefault(band, []).append(e)
                break
    E = sign * vals[model.fermi_level.name]
    for r, _ in _windows(model, blk, pt, present, complete, False):
        lo = -np.inf if r.lower is None else float(sp.N(sp.sympify(r.sign * r.lower).xreplace(pt)))
        hi = np.inf if r.upper is None else float(sp.N(sp.sympify(r.sign * r.upper).xreplace(pt)))
        if r.sign == sign and min(lo, hi) < E < max(lo, hi):
            cond = [c for c in conds if c is not None] + [circle_condition(blk, sign * model.fermi_level, r.circles)]
            r = replace(r, condition=sp.And(*cond), name=r.name + "-at-point")
            return r if holds_at(r.conditions, vals) else None
    return None


def sample_point(model: Model, regime=None, epsilon_F=None):
    """A numeric point (dict name -> float, including the Fermi level) inside ``regime``.

    The parameters are the regime's :attr:`Regime.point` (assumptions respected, inside its
    condition); the Fermi level is ``epsilon_F`` if given, else the regime's sample value.  Raises
    RegimeError if the point is not inside :attr:`Regime.conditions`."""
    r = get_regime(model, regime)
    pt = {s.name: float(v) for s, v in (r.point or tuple(model.sample_point().items()))}
    ef = abs(r.sample_epsilon_F) if model.fermi_level.is_positive else r.sample_epsilon_F
    pt[model.fermi_level.name] = float(ef if epsilon_F is None else epsilon_F)
    if not holds_at(r.conditions, pt):
        raise RegimeError(f"sample point {pt} is outside regime {r.name} ({sp.sstr(r.conditions)})")
    return pt
