r"""Fermi circles ("rings"), densities of states and Fermi-level regimes of an isotropic model.

Shell measure
-------------
Every collision sum goes through one formula.  On the shell of band b at energy E,

.. math:: \sum_{\mathbf k'} F(\mathbf k')\,\delta(E - \epsilon^b_{k'})
          = \sum_{\text{rings } \rho} \frac{k_\rho}{2\pi\hbar|v^b_\rho|}\,\langle F\rangle_{\theta'},

with :math:`v = \hbar^{-1}\partial\epsilon/\partial k` and :math:`\langle\cdot\rangle_\theta` the angular
average; :math:`\rho_b(E) = \sum_\rho k_\rho/(2\pi\hbar|v_\rho|)` is the density of states per unit area.

Rings carry their own symbols (radius ``r``, :math:`|\mathbf d| = \Lambda`, the gauge parameter t and the
normalisation c of :mod:`symkin.bands`) so the kinetic algebra stays rational;
:meth:`RingSet.reduce` substitutes their closed forms at the end.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import sympy as sp

from . import conventions as cv
from .bands import TwoBandBlock, k, rotation_generator, two_band_block
from .errors import DegeneracyError, RegimeError
from .model import Model
from .poly import fcancel, fcollect, ffactor, ffactor_list, flaurent


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
    import itertools

    from .blocks import two_band_blocks

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
        E_F = -epsilon_F windows (holes), with epsilon_F = |value|.

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


@dataclass
class Ring:
    """A circle |k| = r on which distributions live; carries symbols that keep the algebra rational."""

    index: int
    r: sp.Symbol
    Lam: sp.Symbol
    t: sp.Symbol
    c: sp.Symbol
    radius: sp.Expr          # closed form of r
    Lam_value: sp.Expr       # closed form of |d(r)|
    band: int = 0            # the band ...
    energy: sp.Expr = None   # ... that has this energy (closed form) on the ring
    numeric: dict = field(default_factory=dict)
    shell: sp.Expr = None    # the energy as asked for (parameters and other rings' symbols)


class RingSet:
    """All rings one derivation needs, found on demand; the shell-measure bookkeeping.

    Parameters
    ----------
    model : Model (two-band, isotropic)
    regime : Regime
    """

    def __init__(self, model: Model, regime: Regime):
        self.model = model
        self.regime = regime
        self.iso = rotation_generator(model)
        self.blk = two_band_block(model)
        self.n = 2
        self.sample = dict(regime.point) if regime.point else dict(model.sample_point())
        self.E_F = regime.sign * model.fermi_level
        self.sample[model.fermi_level] = (abs(regime.sample_epsilon_F) if model.fermi_level.is_positive
                                           else regime.sample_epsilon_F)
        self.rings: list[Ring] = []
        self._cache = {}
        self._sqrts = {}  # q -> (D, numeric sqrt(D)): square roots of Fermi-radius discriminants
        d2 = self.blk.d_squared
        self._d0, self._d2 = self.blk.d0, d2
        self._d0n = sp.lambdify(k, self.blk.d0.subs(self.sample), "numpy")
        self._d2n = sp.lambdify(k, d2.subs(self.sample), "numpy")

    # ---------------------------------------------------------------- numerics
    def num(self, expr):
        """Numeric value of an expression at the sample point (ring symbols included)."""
        vals = dict(self.sample)
        for ring in self.rings:
            vals.update(ring.numeric)
        return complex(sp.N(sp.sympify(expr).xreplace(vals), 30))

    # ---------------------------------------------------------------- ring data
    def energy(self, ring: Ring, band: int):
        """epsilon_band at the ring, in ring symbols: d0(r) +- Lambda."""
        return self._d0.subs(k, ring.r) + (ring.Lam if band == 0 else -ring.Lam)

    def dispersion_slope(self, ring: Ring, band: int):
        r"""d epsilon/dk at the ring (= hbar v, signed), in ring symbols."""
        blk = self.blk
        dd = (blk.dz * blk.dz.diff(k) + blk.g * blk.g.diff(k)).subs(k, ring.r)
        return blk.d0.diff(k).subs(k, ring.r) + (dd / ring.Lam if band == 0 else -dd / ring.Lam)

    def abs_slope(self, ring: Ring, band: int):
        s = self.dispersion_slope(ring, band)
        sgn = int(np.sign(self.num(s).real))
        if sgn == 0:
            raise DegeneracyError(f"zero group velocity on the Fermi circle of band {band}")
        return sgn * s

    def weight(self, ring: Ring, band: int):
        r"""Shell measure :math:`k_\rho/(2\pi\hbar|v_\rho|)` = k/(2 pi |d eps/dk|)."""
        return ring.r / (2 * sp.pi * self.abs_slope(ring, band))

    def eigenvectors(self, ring: Ring):
        return self.blk.eigenvectors(ring.t, ring.c)

    # ---------------------------------------------------------------- ring search
    def rings_at(self, band: int, E):
        """Rings where ``band`` has energy E (E in parameters and ring symbols)."""
        En = self.num(E).real
        key = (band, round(En, 9))
        if key in self._cache:
            return self._cache[key]
        roots = self._numeric_radii(band, En)
        found = []
        for kr in roots:
            ring = next((R for R in self.rings if abs(R.numeric[R.r] - kr) < 1e-7 * max(1, kr)), None)
            if ring is None:
                ring = self._new_ring(band, E, kr)
            found.append(ring)
        self._cache[key] = found
        return found

    def _numeric_radii(self, band, En):
        # (E - d0)^2 = |d|^2 as a polynomial in k
        poly = sp.Poly(sp.expand(((En - self._d0) ** 2 - self._d2).subs(self.sample)), k)
        out = []
        for root in np.roots([complex(c) for c in poly.all_coeffs()]):
            if abs(root.imag) < 1e-9 and root.real > 1e-12:
                kr = root.real
                lam = np.sqrt(float(self._d2n(kr)))
                if lam < 1e-12:
                    raise DegeneracyError(f"E_F at a band touching (|d| = 0 at k = {kr:.3g})")
                e = float(self._d0n(kr)) + (lam if band == 0 else -lam)
                if abs(e - En) < 1e-8 * max(1, abs(En)):
                    out.append(kr)
        return sorted(set(round(x, 12) for x in out))

    def _explicit(self, E):
        """Replace ring symbols in E by their closed forms."""
        for ring in self.rings:
            E = E.xreplace({ring.Lam: ring.Lam_value}).xreplace({ring.r: ring.radius})
        return sp.simplify(E)

    def _new_ring(self, band, E, kr):
        Ex = self._explicit(sp.sympify(E))
        eq = sp.expand((Ex - self._d0) ** 2 - self._d2)
        cands = sp.solve(eq, k)
        radius = None
        for cand in cands:
            val = complex(sp.N(cand.subs(self.sample), 30))
            if abs(val.imag) < 1e-9 and abs(val.real - kr) < 1e-7 * max(1, kr):
                radius = cand
                break
        if radius is None:
            raise RegimeError(f"could not solve epsilon_{band}(k) = {Ex} in closed form")
        i = len(self.rings)
        from .errors import SizeLimitError
        from .poly import MAX_RINGS
        if i >= MAX_RINGS:
            raise SizeLimitError(f"more than symkin.poly.MAX_RINGS = {MAX_RINGS} rings (Fermi circles and band "
                                 "extrema) are needed; raise it with the environment variable SYMKIN_MAX_RINGS "
                                 "or symkin.poly.MAX_RINGS = ...")
        lam_value = sp.expand(Ex - self._d0.subs(k, radius)) * (1 if band == 0 else -1)
        from .internal import internal  # engine-owned ring symbols (never a user symbol)
        r, Lam = internal(f"k_{i}", positive=True), internal(f"Lambda_{i}", positive=True)
        t, c = internal(f"t_{i}", real=True), internal(f"c_{i}", positive=True)
        ring = Ring(i, r, Lam, t, c, radius, lam_value, band, Ex)
        lam_n = float(np.sqrt(float(self._d2n(kr))))
        t_n = self.blk.t_of(Lam).subs(self.sample).subs({k: kr, Lam: lam_n})
        t_n = float(sp.N(t_n))
        ring.numeric = {r: kr, Lam: lam_n, t: t_n, c: 1 / np.sqrt(1 + t_n**2)}
        ring.shell = sp.sympify(E)
        self.rings.append(ring)
        return ring

    def fermi_rings(self):
        """(ring, band) pairs of the Fermi circles at E_F."""
        return [(ring, b) for b in range(self.n) for ring in self.rings_at(b, self.E_F)]

    # ---------------------------------------------------------------- reduction
    def canon(self, expr):
        r"""Canonical form of an expression in ring symbols, used between the steps of the kinetic
        chain to keep intermediate expressions small.

        Imposes, ring by ring, :math:`t = g/(\Lambda + d_z)` and :math:`c = (1+t^2)^{-1/2}` (exact
        substitutions; c enters squared), and :math:`\Lambda^2 = |\mathbf d(r)|^2` (polynomial
        reduction, denominator rationalised: :func:`symkin.poly.fcancel`).  When
        :math:`|\mathbf d|^2` is a perfect square (:math:`d_z = 0`, Rashba 2DEG) :math:`\Lambda = |g(r)|`
        is substituted instead.  The Fermi-level relation :math:`\epsilon(r) = E` is not used here
        (it is imposed once, in :meth:`reduce`).
        """
        expr = sp.sympify(expr)
        if isinstance(expr, sp.MatrixBase):
            return expr.applyfunc(self.canon)
        expr, rels = self._canon_prepare(expr)
        return fcancel(expr, rels)

    def laurent(self, expr, w, n=None):
        """Laurent coefficients in w (``{l: coefficient}``, or that of w**n) of an expression in ring
        symbols, each in the canonical form of :meth:`canon` (:func:`symkin.poly.flaurent`)."""
        expr, rels = self._canon_prepare(sp.sympify(expr))
        return flaurent(expr, w, rels, n)

    def _canon_prepare(self, expr):
        rep, rels = {}, []
        syms = expr.free_symbols
        for ring in self.rings:
            if syms & {ring.r, ring.Lam, ring.t, ring.c}:
                r_, rel = self._canon_data(ring)
                rep.update(r_)
                rels += rel
        return (expr.xreplace(rep) if rep else expr), rels

    def _canon_data(self, ring):
        key = ("canon", ring.index)
        if key in self._cache:
            return self._cache[key]
        g, dz = self.blk.g.subs(k, ring.r), self.blk.dz.subs(k, ring.r)
        rep, rels = {}, []
        lin = self._linear()
        if lin is not None:
            # shell parametrisation: Lambda in terms of the shell parameter, k^2 = (Lambda^2 - a)/b
            a, b, _ = lin
            Lam = self._lam_param(ring)
            if Lam != ring.Lam:
                rep[ring.Lam] = Lam
            rb = sp.sqrt(b)
            if a == 0 and not rb.has(sp.Pow):
                rep[ring.r] = Lam / rb  # |d| = sqrt(b) k exactly (Rashba 2DEG)
                g = g.xreplace({ring.r: Lam / rb})
            else:
                rels.append((ring.r, sp.expand((Lam**2 - a) / b)))
        elif sp.expand(dz) == 0 and g != 0:
            Lam = int(np.sign(float(self.num(g).real))) * g
            rep[ring.Lam] = Lam
        else:
            Lam = ring.Lam
            rels.append((ring.Lam, sp.expand(self._d2.subs(k, ring.r))))
        t_val = g / (Lam + dz)
        rep[ring.t] = t_val
        rep[ring.c] = 1 / sp.sqrt(1 + t_val**2)
        self._cache[key] = (rep, rels)
        return self._cache[key]

    # ---------------------------------------------------------------- shell parameters
    def _linear(self):
        r"""``(a, b, D0)`` when :math:`|\mathbf d|^2 = a + bk^2` (b != 0), :math:`d_z` is constant and
        :math:`d_0 = D_0(k^2)` is at most linear in :math:`k^2` (Dirac cones, Rashba): a circle is then fixed by its
        :math:`\Lambda` alone, :math:`k^2 = (\Lambda^2 - a)/b`, and every circle of one energy shell
        by one *shell parameter* (the :math:`\Lambda` of the first circle found on it).  None otherwise."""
        if "linear" not in self._cache:
            out = None
            P, P0 = sp.Poly(self._d2, k), sp.Poly(self._d0, k)
            if (P.degree() == 2 and P.coeff_monomial(k) == 0 and sp.diff(self.blk.dz, k) == 0
                    and all(e % 2 == 0 for (e,) in P0.monoms())):
                s_ = sp.Dummy("s")
                D0 = sp.expand(self._d0.subs(k, sp.sqrt(s_)))
                # D0 at most linear in k^2: the shell parameter is then a root of a quadratic
                out = (P.coeff_monomial(1), P.coeff_monomial(k**2), D0, s_) if sp.degree(D0, s_) <= 1 else None
            self._cache["linear"] = out
        out = self._cache["linear"]
        return None if out is None else out[:2] + ((out[2], out[3]),)

    def _shell_energy(self, ring, L):
        """Energy of ring.band on a circle with |d| = L (linear case): D0((L^2 - a)/b) +- L."""
        a, b, (D0, s_) = self._linear()
        return sp.expand(D0.xreplace({s_: (L**2 - a) / b}) + (L if ring.band == 0 else -L))

    def _lam_param(self, ring):
        """Lambda of ``ring`` as a rational function of a shell parameter (linear case)."""
        key = ("lam", ring.index)
        if key in self._cache:
            return self._cache[key]
        prim = self._cache.setdefault("primaries", {})  # numeric energy -> primary ring
        En = round(self.num(ring.energy).real, 9)
        target = None
        if En in prim:
            P = prim[En]
            target = self._shell_energy(P, P.Lam)
        else:
            E = ring.shell
            others = [R for R in self.rings if R is not ring and E.has(R.r, R.Lam)]
            if others:
                a, b, _ = self._linear()
                rep = {}
                for R in others:
                    LR = self._lam_param(R)
                    rep[R.Lam], rep[R.r] = LR, sp.sqrt((LR**2 - a) / b)
                target = sp.cancel(E.xreplace(rep))
                if not target.is_rational_function(*[R.Lam for R in prim.values()] or [sp.Dummy()]):
                    target = None
        rep = None
        if target is not None:
            L = sp.Dummy("L")
            eq = sp.numer(sp.together(self._shell_energy(ring, L) - target))
            for f, _ in ffactor_list(eq):
                if sp.degree(f, L) == 1:
                    c1, c0 = sp.Poly(f, L).all_coeffs()
                    cand = sp.cancel(-c0 / c1)
                    if abs(self.num(cand) - ring.numeric[ring.Lam]) < 1e-8 * max(1.0, ring.numeric[ring.Lam]):
                        rep = cand
                        break
        if rep is None:
            prim.setdefault(En, ring)
            rep = ring.Lam
        self._cache[key] = rep
        return rep

    def relation(self, ring):
        """The polynomial P(r) = (E - d0(r))^2 - |d(r)|^2 that vanishes on the ring."""
        return sp.Poly(sp.expand((ring.energy - self._d0.subs(k, ring.r)) ** 2
                                 - self._d2.subs(k, ring.r)), ring.r)

    def reduce(self, expr, final=ffactor):
        r"""Closed form of an expression in ring symbols.

        Substitutes, ring by ring, :math:`c = (1+t^2)^{-1/2}`, :math:`t = g/(\Lambda + d_z)`,
        :math:`\Lambda = \pm(E - d_0(r))`, each followed by ``cancel`` (the result is rational in r),
        then reduces numerator and inverse denominator modulo the ring relation P(r) = 0
        (polynomial remainder, exact); the radius' closed form is substituted only if r survives.
        For an even relation :math:`P(r) = Q(r^2)` with deg Q = 2 (Rashba) the root
        :math:`r^2 = (-b \pm\sqrt{b^2-4ac})/2a` is used and the result is returned as
        :math:`A + B\sqrt{b^2-4ac}` with A, B rational (:meth:`_reduce_even`).
        """
        expr = sp.sympify(expr)
        if isinstance(expr, sp.MatrixBase):
            return expr.applyfunc(lambda x: self.reduce(x, final))
        if self._linear() is not None:
            return self._reduce_param(expr, final)
        # cancel over Q(i) is ~10x slower than over Q: replace i by a generic symbol j during the
        # reduction (every step is a ring operation valid for any j) and restore it afterwards
        j = sp.Dummy("j")
        expr, simple = self._reduce(expr.xreplace({sp.I: j}))
        if not simple:  # closed forms substituted without simplification (quartic Fermi radius)
            return expr.xreplace({j: sp.I})
        return self._resolve_sqrts(expr, final, j)

    def _reduce_param(self, expr, final):
        r"""Closed form in the shell parametrisation (:meth:`_linear`).

        After :meth:`canon` the expression is rational in the shell parameters :math:`\Lambda_P`
        and linear in each circle radius r (:math:`r^2 = (\Lambda^2 - a)/b`).  Each
        :math:`\Lambda_P` is a root of :math:`D_0((\Lambda^2-a)/b) \pm \Lambda = E`: rational in E
        (massless d_0: Dirac cones) or :math:`(-\beta + \sigma q)/2\alpha` with :math:`q = \sqrt{D}`
        (Rashba), the root being the one that matches the circle at the sample point.  The relations
        :math:`r^2 = \ldots` and :math:`q^2 = D` are imposed exactly (:func:`symkin.poly.fcollect`),
        and the result is written as :math:`\sum` coefficient x products of r (closed-form radius)
        and :math:`\sqrt D`, each coefficient simplified with ``final``.
        """
        expr, rels = self._canon_prepare(expr)
        subs, qrels, qvals = {}, [], {}
        for P in self._cache.get("primaries", {}).values():
            if not (expr.has(P.Lam) or any(Q.has(P.Lam) for _, Q in rels)):
                continue
            L = sp.Dummy("L")
            eq = sp.numer(sp.together(self._shell_energy(P, L) - P.energy))
            root = None
            for f, _ in ffactor_list(eq):
                if not f.has(L):
                    continue
                poly = sp.Poly(f, L)
                if poly.degree() == 1:
                    c1, c0 = poly.all_coeffs()
                    cands = [(sp.cancel(-c0 / c1), None)]
                elif poly.degree() == 2:
                    al, be, ga = poly.all_coeffs()
                    q, qn = self._sqrt_symbol(sp.expand(be**2 - 4 * al * ga))
                    cands = [((-be + sg * q) / (2 * al), (q, qn, sp.expand(be**2 - 4 * al * ga))) for sg in (1, -1)]
                else:
                    continue
                for cand, qd in cands:
                    val = self.num(cand.xreplace({qd[0]: qd[1]}) if qd else cand).real
                    if abs(val - P.numeric[P.Lam]) < 1e-8 * max(1.0, abs(val)):
                        root = (cand, qd)
                        break
                if root:
                    break
            if root is None:
                raise RegimeError(f"no closed form for the shell parameter of the circle |k| = {P.radius}")
            subs[P.Lam] = root[0]
            if root[1] and root[1][0] not in qvals:
                q, qn, D = root[1]
                qrels.append((q, D))
                qvals[q] = sp.sqrt(ffactor(D))
        expr = expr.xreplace(subs)
        rels = [(L_, sp.cancel(Q.xreplace(subs))) for L_, Q in rels]
        radii = {R.r: R.radius for R in self.rings}
        gens = [L_ for L_, _ in rels] + [q for q, _ in qrels]
        parts = fcollect(expr, gens, rels + qrels)
        out = sp.S.Zero
        for exps, coeff in parts.items():
            coeff = sp.expand(coeff) if coeff.has(sp.I) else coeff
            val = final(coeff) if final else coeff
            for g_, e in zip(gens, exps):
                if e:
                    val *= (radii[g_] if g_ in radii else qvals[g_]) ** e
            out += val
        return out

    def _reduce(self, expr):
        simple = True
        for ring in reversed(self.rings):
            if not (expr.free_symbols & {ring.r, ring.Lam, ring.t, ring.c}):
                continue
            r = ring.r
            lam_r = sp.expand((ring.energy - self._d0.subs(k, r)) * (1 if ring.band == 0 else -1))
            t_val = self.blk.t_of(ring.Lam).subs(k, r)
            P = self.relation(ring)
            even = self._even_quadratic(ring, P)
            if not even and P.degree() > 2:
                # k_F a root of a general quartic: substitute the closed forms without rational
                # simplification (exact; cancel would not finish)
                simple = False
                expr = expr.xreplace({ring.c: 1 / sp.sqrt(1 + ring.t**2)}).xreplace({ring.t: t_val})
                expr = expr.xreplace({ring.Lam: ring.Lam_value}).xreplace({r: ring.radius})
                continue
            expr = sp.cancel(expr.xreplace({ring.c: 1 / sp.sqrt(1 + ring.t**2)}))
            expr = sp.cancel(expr.xreplace({ring.t: t_val}))
            expr = sp.cancel(expr.xreplace({ring.Lam: lam_r}))
            if expr.has(r):
                expr = self._reduce_even(expr, ring, P) if even else self._reduce_mod(expr, ring, P)
        return expr, simple

    def _even_quadratic(self, ring, P):
        """True when the ring relation P(r) is even of degree 4 and d_z is constant (Rashba family):
        r^2 is then a root of a quadratic with small coefficients, reduced exactly by
        :meth:`_reduce_even`.  Degree <= 2 (TI) goes through :meth:`_reduce_mod`; other quartics
        (k-dependent mass with d_0 ~ k^2, bhz_like with D != 0) get their closed forms substituted
        without simplification -- the even-quadratic reduction is exact there too, but its
        coefficient swell makes it slower than plain substitution."""
        if P.degree() != 4 or sp.diff(self.blk.dz, k) != 0:
            return False
        return all(P.coeff_monomial(ring.r**i) == 0 for i in (1, 3))

    def _reduce_mod(self, expr, ring, P):
        """Reduce a rational function of r modulo the ring relation P(r) (degree <= 2)."""
        r = ring.r
        num, den = sp.fraction(expr)
        num_p, den_p = sp.Poly(num, r), sp.Poly(den, r)
        if den_p.degree() > 0:
            num_p = (num_p * sp.invert(den_p.rem(P), P)).rem(P)
            den_p = sp.Poly(1, r)
        else:
            num_p = num_p.rem(P)
        expr = sp.cancel(num_p.as_expr() / den_p.as_expr())
        return sp.cancel(expr.xreplace({r: ring.radius})) if expr.has(r) else expr

    def _reduce_even(self, expr, ring, P):
        r"""Reduce a rational function of r modulo an even ring relation :math:`P(r) = Q(r^2)`, deg Q = 2.

        The denominator is made even (times its r -> -r image), numerator and denominator are split
        into even and odd parts in :math:`s = r^2`, reduced to linear in s modulo Q, multiplied by
        the conjugate (the other root), and s is replaced by its root :math:`(-b \\pm q)/2a` with
        the symbol :math:`q = \\sqrt{b^2-4ac}` (resolved in :meth:`reduce`).  Odd parts keep a
        factor r = sqrt(s).
        """
        r = ring.r
        s = sp.Dummy("s", positive=True)
        c, _, b, _, a = P.all_coeffs()[::-1]  # Q(s) = a s^2 + b s + c
        num, den = sp.fraction(expr)
        den_m = den.xreplace({r: -r})
        if sp.expand(den_m - den) != 0:
            num, den = sp.expand(num * den_m), sp.expand(den * den_m)

        def split(x):
            p = sp.Poly(x, r)
            ev, od = sp.S.Zero, sp.S.Zero
            for (deg,), c in p.terms():
                if deg % 2:
                    od += c * s ** (deg // 2)
                else:
                    ev += c * s ** (deg // 2)
            return sp.Poly(ev, s), sp.Poly(od, s)

        ne, no = split(num)
        de, do = split(den)
        assert do.is_zero
        # all polynomial arithmetic on coefficient expressions (no gcd in a big fraction field)

        def lin(p):
            cs = [sp.expand(x) for x in p.all_coeffs()[::-1]]
            while len(cs) > 2:
                top = cs.pop()
                cs[-1] = sp.expand(cs[-1] - b * top / a)
                cs[-2] = sp.expand(cs[-2] - c * top / a)
            return (cs + [sp.S.Zero, sp.S.Zero])[:2]

        d0, d1 = lin(de)
        conj0, conj1 = sp.expand(d0 - d1 * b / a), -d1
        norm = sp.expand(d0**2 - d0 * d1 * b / a + d1**2 * c / a)

        def times_conj(p):
            x0, x1 = lin(p)
            # (x0 + x1 s)(conj0 + conj1 s) mod Q
            p0, p1, p2 = x0 * conj0, x0 * conj1 + x1 * conj0, x1 * conj1
            return sp.expand(p0 - p2 * c / a), sp.expand(p1 - p2 * b / a)

        q, qn = self._sqrt_symbol(sp.expand(b**2 - 4 * a * c))
        an, bn = self.num(a).real, self.num(b).real
        target = ring.numeric[r] ** 2
        sig = 1 if abs((-bn + qn) / (2 * an) - target) < abs((-bn - qn) / (2 * an) - target) else -1

        def at_root(p):  # (p0 + p1 s)/norm at s = (-b + sig q)/(2a), as P0 + P1 q
            p0, p1 = times_conj(p)
            return (sp.cancel((p0 - p1 * b / (2 * a)) / norm)
                    + sp.cancel(sig * p1 / (2 * a) / norm) * q)

        out = at_root(ne)
        if not no.is_zero:
            out += at_root(no) * sp.sqrt((-b + sig * q) / (2 * a))
        return out

    def _sqrt_symbol(self, D):
        """A positive symbol q standing for sqrt(D) (one per distinct D), and its sample value."""
        for q, (D2, qn) in self._sqrts.items():
            if sp.expand(D2 - D) == 0:
                return q, qn
        Dn = self.num(D).real
        if Dn <= 0:
            raise RegimeError(f"negative discriminant {D} for a Fermi radius at the sample point")
        q = sp.Dummy(f"q{len(self._sqrts)}", positive=True)
        self._sqrts[q] = (D, float(np.sqrt(Dn)))
        return q, float(np.sqrt(Dn))

    def _resolve_sqrts(self, expr, final, j):
        """Impose q^2 = D on an expression rational in the symbols q, substitute q = sqrt(D), and
        restore i (= j) in each coefficient before ``final``."""
        def fin(x):
            x = sp.expand(x.xreplace({j: sp.I})) if x.has(j) else x
            return final(x) if final else x

        qs = [q for q in self._sqrts if expr.has(q)]
        if not qs:
            return fin(expr)
        num, den = sp.fraction(sp.cancel(expr))
        for q in qs:
            rel = sp.Poly(q**2 - self._sqrts[q][0], q)
            dp = sp.Poly(den, q).rem(rel)
            if dp.degree() > 0:
                conj_ = dp.as_expr().xreplace({q: -q})
                num, den = sp.expand(num * conj_), sp.expand(dp.as_expr() * conj_)
                den = sp.Poly(den, q).rem(rel).as_expr()
            num = sp.Poly(num, q).rem(rel).as_expr()
        # den is now free of q; collect the numerator as a multilinear polynomial in the q's
        out = sp.S.Zero
        for mon, c in sp.Poly(num, *qs).terms():
            out += fin(sp.cancel(c / den)) * sp.Mul(*[sp.sqrt(ffactor(self._sqrts[q][0])) ** e for q, e in zip(qs, mon)])
        return out

    def density_of_states(self, band=None):
        """rho(E_F) = sum over Fermi rings of k/(2 pi hbar |v|) (per unit area), closed form."""
        tot = sum((self.weight(R, b) for R, b in self.fermi_rings() if band in (None, b)), sp.S.Zero)
        return self.reduce(tot)


from .errors import engine_entry as _engine_entry  # noqa: E402  (entry points below)


@dataclass(frozen=True)
class FermiCircle:
    r"""One Fermi circle at E_F: the band crossing E_F there, its radius k_F (closed form: the root of
    :math:`\epsilon_{band}(k) = E_F` that is real and positive in the regime, chosen by value at the
    model's sample point) and its density of states :math:`k_F/(2\pi\hbar|v_F|)` per unit area."""

    band: int
    radius: sp.Expr
    density_of_states: sp.Expr


def fermi_circles(model: Model, regime=None):
    """All Fermi circles of ``regime``, ordered by radius (e.g. two for the Rashba ferromagnet with
    both bands occupied, two of the same band for an annular Fermi sea)."""
    rs = RingSet(model, get_regime(model, regime))
    out = [FermiCircle(b, R.radius, rs.reduce(rs.weight(R, b))) for R, b in rs.fermi_rings()]
    return tuple(sorted(out, key=lambda c: float(sp.N(c.radius.subs(rs.sample)))))


@_engine_entry
def fermi_wavevector(model: Model, regime=None):
    """Closed-form radius of the (first) Fermi circle at E_F."""
    rs = RingSet(model, get_regime(model, regime))
    fr = rs.fermi_rings()
    if not fr:
        raise RegimeError("no Fermi circle in this regime")
    return fr[0][0].radius


@_engine_entry
def density_of_states(model: Model, regime=None):
    """rho(E_F) per unit area (one species), summed over the Fermi circles."""
    return RingSet(model, get_regime(model, regime)).density_of_states()
