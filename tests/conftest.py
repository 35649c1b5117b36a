"""Shared fixtures: symbols by name and the TI derivations (memoised within the session)."""
import random

import pytest
import sympy as sp

from symkin import conventions as cv
from symkin.bands import k as bands_k, theta as bands_theta
from symkin.models import M, ti_surface, v_F

e, hbar, eF, u0 = cv.e, cv.hbar, cv.epsilon_F, cv.u_0
Ex, Ey = cv.E_x, cv.E_y


def same(a, b):
    """Exact zero test of a closed-form difference (rational functions: cancel is complete)."""
    return sp.cancel(sp.expand(sp.sympify(a) - sp.sympify(b))) == 0


def points(n=4, seed=12345):
    """Random positive parameter points in the conduction regime (0 < M < epsilon_F)."""
    rng = random.Random(seed)
    for _ in range(n):
        m = rng.uniform(0.2, 2.0)
        yield {e: rng.uniform(0.5, 2), hbar: rng.uniform(0.5, 2), v_F: rng.uniform(0.5, 2), M: m,
               eF: m / rng.uniform(0.1, 0.9), u0: rng.uniform(0.1, 1), Ex: rng.uniform(-1, 1),
               Ey: rng.uniform(-1, 1), bands_theta: rng.uniform(0, 6.28), bands_k: rng.uniform(0.1, 3)}


def close_at(a, b, pts=None, tol=1e-12):
    """Agreement to `tol` (relative) at random positive points."""
    for p in pts or points():
        x = complex(sp.N(sp.sympify(a).xreplace(p), 30))
        y = complex(sp.N(sp.sympify(b).xreplace(p), 30))
        if abs(x - y) > tol * max(abs(y), 1e-300):
            return False
    return True


@pytest.fixture(scope="session")
def ti():
    return ti_surface()
