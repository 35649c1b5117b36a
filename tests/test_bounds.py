"""Issue 11 item 8: no input makes a derivation run unbounded.  Every SymPy call whose run time no
FLINT size check bounds (solve, linsolve, integrate, limit, simplify, factor) is preceded by a cheap
structural guard (symkin.algebra.bounds) that raises one SizeLimitError naming its limit in
symkin.algebra.poly -- or, for the cosmetic simplify, skips the step."""
import random

import pytest
import sympy as sp

import symkin
from symkin import conventions as cv
from symkin.algebra import poly
from symkin.algebra.bounds import check_integrand, is_zero, simplify_bounded, solve_bounded
from symkin.algebra.fsvars import total_diff
from symkin.algebra.integrate import radial_integral, sea_antiderivative
from symkin.bands import k, rotation_generator
from symkin.blocks import direct_sum, symmetry_basis
from symkin.cases import provably_empty
from symkin.errors import SizeLimitError
from symkin.fermi import fermi_wavevector
from symkin.kinetics import born_product, phi
from symkin.model import Model, WhiteNoise
from symkin.models import PAULI, Delta, k_x, k_y, massive_dirac, ti_surface, v

from conftest import close_at, points

sx, sy, sz = PAULI
B = sp.Symbol("B", positive=True)


def _names_limit(info, name):
    msg = str(info.value)
    assert f"symkin.algebra.poly.{name}" in msg and f"SYMKIN_{name}" in msg, msg


def test_fermi_radius_beyond_quartic_is_refused_naming_the_limit():
    """A mass Delta + B k^6: the Fermi radius is a root of an irreducible sextic in k^2 (no radicals).
    Before: sympy.solve returned [] and the error blamed the regime."""
    k2 = k_x**2 + k_y**2
    H = cv.hbar * v * (k_x * sx + k_y * sy) + (Delta + B * k2**3) * sz
    model = Model(H, (k_x, k_y), WhiteNoise(cv.u_0), name="sextic_mass")
    with pytest.raises(SizeLimitError, match="MAX_SOLVE_DEGREE") as info:
        fermi_wavevector(model)
    _names_limit(info, "MAX_SOLVE_DEGREE")
    assert "degree in k**2" in str(info.value) and "= 6 >" in str(info.value)


def test_solve_bounded_solves_only_the_factor_that_has_the_root():
    x, a = sp.symbols("x a", positive=True)
    eq = sp.expand((x**2 - a) * (x**7 + x + a))
    assert solve_bounded(eq, x, "x", {a: 4}, 2.0) == [sp.sqrt(a)]  # the degree-7 factor is not touched
    with pytest.raises(SizeLimitError, match="MAX_SOLVE_DEGREE"):
        solve_bounded(eq, x, "x")  # every factor: the degree-7 one is refused before sympy.solve
    # a biquadratic counts 2 (in x**2), so the quartic formula is not needed
    assert len(solve_bounded(x**4 - 5 * a * x**2 + 4 * a**2, x, "x")) == 2


def test_integrand_poles_and_size_are_bounded(monkeypatch):
    u, a = sp.symbols("u a", positive=True)
    assert check_integrand(1 / (u**2 + a), u, "f") == 1 / (u**2 + a)
    with pytest.raises(SizeLimitError, match="MAX_SOLVE_DEGREE"):
        check_integrand(1 / (u**5 + u + a), u, "f")  # its poles are the roots of a quintic
    monkeypatch.setattr(poly, "MAX_SYMPY_NODES", 10)
    with pytest.raises(SizeLimitError, match="MAX_SYMPY_NODES") as info:
        check_integrand(1 / (u**2 + a) + u / (u + a**3), u, "f")
    _names_limit(info, "MAX_SYMPY_NODES")


def test_fermi_sea_integrals_are_guarded(monkeypatch):
    L, m_ = sp.symbols("L m_", positive=True)
    d2 = v**2 * k**2 + m_**2
    f = m_ / L**3  # the Berry-curvature shape of a massive Dirac cone (integrated with k dk)
    F, u = sea_antiderivative(f, k, L, d2)  # within the limits
    Lu = sp.sqrt(d2.subs(k, sp.sqrt(u)))
    assert sp.simplify(sp.diff(F.xreplace({L: Lu}), u) - (f / 2).xreplace({L: Lu})) == 0
    monkeypatch.setattr(poly, "MAX_SYMPY_NODES", 5)
    with pytest.raises(SizeLimitError, match="MAX_SYMPY_NODES"):
        sea_antiderivative(f, k, L, d2)
    with pytest.raises(SizeLimitError, match="MAX_SYMPY_NODES"):
        radial_integral(f, k, 0, sp.oo, d2, L)


def test_linear_systems_of_the_model_analysis_are_guarded(monkeypatch):
    w = sp.Symbol("w_bounds_test", positive=True)  # fresh model: rotation_generator is cached
    monkeypatch.setattr(poly, "MAX_SYMPY_NODES", 5)
    with pytest.raises(SizeLimitError, match="MAX_SYMPY_NODES") as info:
        rotation_generator(ti_surface(velocity=w))
    assert "isotropy equations" in str(info.value)
    pair = direct_sum(massive_dirac(), massive_dirac(-Delta))
    with pytest.raises(SizeLimitError, match="symmetry equations"):
        symmetry_basis(pair)
    monkeypatch.setattr(poly, "MAX_SYMPY_NODES", 20_000)
    assert symmetry_basis(pair) is not None  # its eigenvalues are rational: degree 1
    monkeypatch.setattr(poly, "MAX_SOLVE_DEGREE", 0)
    with pytest.raises(SizeLimitError, match="eigenvalue of the symmetry generator"):
        symmetry_basis(pair)
    rotated = ti_surface(velocity=sp.Symbol("w_bounds_test3", positive=True)).with_basis(
        sp.Matrix([[1, 1], [1, -1]]) / sp.sqrt(2))  # a non-diagonal rotation generator
    with pytest.raises(SizeLimitError, match="eigenvalue of the rotation generator"):
        rotation_generator(rotated)


def test_optional_emptiness_proof_is_skipped_on_large_conditions(monkeypatch):
    x = sp.Symbol("x", positive=True)
    empty = sp.And(x > 2, x < 1)
    assert provably_empty(empty)
    monkeypatch.setattr(poly, "MAX_SIMPLIFY_NODES", 2)
    assert not provably_empty(empty)  # not proved (regimes then keep the condition): no error, no hang


def test_a_derivation_stops_with_one_error_at_the_sympy_size_limit(monkeypatch):
    """Through the public entry point: one SizeLimitError (engine_entry lets it pass unchanged)."""
    monkeypatch.setattr(poly, "MAX_SYMPY_NODES", 20)
    w = sp.Symbol("w_bounds_test2", positive=True)
    with pytest.raises(SizeLimitError, match="MAX_SYMPY_NODES"):
        symkin.anomalous_hall(ti_surface(velocity=w))


def test_sommerfeld_order_and_derivative_size_are_bounded(monkeypatch):
    model = ti_surface()
    res = symkin.anomalous_hall(model)
    for call in (lambda: symkin.thermal(res, order=poly.MAX_SERIES_ORDER + 2),
                 lambda: symkin.chemical_potential(model, order=poly.MAX_SERIES_ORDER + 2)):
        with pytest.raises(SizeLimitError, match="MAX_SERIES_ORDER") as info:
            call()
        _names_limit(info, "MAX_SERIES_ORDER")
    # derivatives are taken one order at a time (sympy.diff(x, mu, 8) of the TI took 83 s, this 1.5 s)
    # and each is checked: the same derivative, and a stop by name where it grows past the limit
    x = res["skew"]
    assert sp.cancel(total_diff(x, cv.epsilon_F, 4) - sp.diff(x, cv.epsilon_F, 4)) == 0
    monkeypatch.setattr(poly, "MAX_SYMPY_NODES", 100)
    with pytest.raises(SizeLimitError, match="derivative with respect to epsilon_F"):
        symkin.thermal(res, order=4)


def test_zero_test_is_exact_or_refused(monkeypatch):
    """A basis change whose unitarity expand cannot show (cos^2 + sin^2 = 1) is accepted by a bounded
    simplify, and refused by name when simplify is not allowed on it -- never guessed."""
    c, s = sp.cos(1), sp.sin(1)
    U = sp.Matrix([[c, s], [-s, c]])
    rotated = ti_surface().with_basis(U)
    diff = (U * rotated.H * U.T - ti_surface().H).xreplace(dict(zip(sorted(rotated.H.free_symbols, key=str),
                                                                     map(sp.Rational, (3, 7, 11, 13, 9)))))
    assert all(abs(complex(sp.N(x, 30))) < 1e-20 for x in diff)
    monkeypatch.setattr(poly, "MAX_SIMPLIFY_NODES", 3)
    with pytest.raises(SizeLimitError, match="MAX_SIMPLIFY_NODES"):
        ti_surface().with_basis(U)
    assert is_zero(sp.expand((c + s)**2) - c**2 - s**2 - 2 * c * s, "x")  # expand alone: no limit


def test_simplify_is_skipped_above_its_limit_and_only_cosmetic(monkeypatch):
    x = sp.Symbol("x")
    assert simplify_bounded(sp.sin(x)**2 + sp.cos(x)**2) == 1
    model = ti_surface()
    full = born_product(model)
    monkeypatch.setattr(poly, "MAX_SIMPLIFY_NODES", 0)
    big = sp.sin(x)**2 + sp.cos(x)**2
    assert simplify_bounded(big) is big and simplify_bounded(big, lambda e: 7) == 7
    raw = born_product(model)  # recomputed (born_product is not cached), now without simplify
    rng = random.Random(8)
    assert close_at(raw, full, [{**p, phi: rng.uniform(0, 6.3)} for p in points(3)])


@pytest.mark.parametrize("Q", ["a**2 + b", "(a**2 + b)/(1 + a**2)"])
def test_relation_reduction_is_linear_and_exact(Q):
    """fcancel modulo L^2 = Q (the monic relation goes through FLINT's multivariate division, the
    other through the even/odd fold): the result is linear in L with an L-free denominator and equals
    the input at random points with L = sqrt(Q) (seeded)."""
    from symkin.algebra.poly import fcancel
    L, a, b = sp.symbols("L a b", positive=True)
    Q = sp.sympify(Q, locals={"a": a, "b": b})
    rng = random.Random(7)
    for _ in range(6):
        def poly():
            return sum(rng.randint(-3, 3) * L**i * a**j * b**m
                       for i in range(5) for j in range(3) for m in range(2) if rng.random() < 0.3)
        expr = poly() / (poly() + 7 + L)
        out = fcancel(expr, [(L, Q)])
        num, den = sp.fraction(sp.together(out))
        assert not den.has(L) and sp.degree(sp.expand(num), L) <= 1
        for _ in range(3):
            pt = {a: sp.Rational(rng.randint(1, 9), 4), b: sp.Rational(rng.randint(1, 9), 5)}
            lv = sp.sqrt(Q.subs(pt))
            x, y = (sp.N(e.subs(pt).subs(L, lv), 30) for e in (expr, out))
            assert abs(x - y) <= 1e-20 * max(1, abs(x))
