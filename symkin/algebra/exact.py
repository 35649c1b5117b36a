"""Exact numbers from user input: floats become the rationals of their decimal form (issue 11 item 2).

The derivation is exact rational-function algebra: a float coefficient would be a polynomial generator
of its own (no cancellation with the rationals) and makes SymPy's gcds crawl, so every float a user
types (in H, operators, basis changes, the disorder strength) goes through :func:`exact_numbers` once,
when the model is built.
"""
from __future__ import annotations

import sympy as sp


def exact_numbers(M, radicals=False):
    r"""Replace every float in a matrix (or expression) by the exact rational of its decimal form.

    ``Float(x) -> Rational(str(x))`` (15 significant digits), so 0.3 becomes 3/10 and 0.7 becomes
    7/10, not the binary fraction 5404319552844595/18014398509481984.  Where the numbers of
    ``M`` are of natural size (the largest between 1e-3 and 1e3), a float below :math:`10^{-12}` times
    the largest is floating-point round-off (the 5.55e-17 left by a float basis change) and becomes
    0, with a note; numbers in SI units (1e-34 next to 5e5) are never dropped.  With ``radicals=True`` (basis-change matrices) a float that
    is a simple radical to 1e-13 becomes it (0.7071067811865476 -> sqrt(2)/2), so that a unitary
    typed in floats stays exactly unitary.  Returns ``(M_exact, notes)`` with one note
    ``"0.3 taken as 3/10"`` per distinct float.  Exact input is returned unchanged.
    The derivation is exact rational-function algebra: a float coefficient would be a polynomial
    generator of its own (no cancellation with the rationals) and makes SymPy's gcds crawl.
    """
    floats = sorted(M.atoms(sp.Float), key=float)
    if not floats:
        return M, ()
    big = max(abs(complex(f)) for f in M.atoms(sp.Number))
    natural = 1e-3 <= big <= 1e3  # natural units: no genuine coefficient 1e12 times below the others

    def exact(f):
        if natural and abs(float(f)) < 1e-12 * big:
            return sp.S.Zero
        if radicals:
            r = sp.nsimplify(f, [], tolerance=1e-13, rational=False)
            if not r.atoms(sp.Float) and abs(float(r) - float(f)) <= 1e-13 * max(1.0, abs(float(f))):
                return r
        return sp.Rational(str(f))

    rep = {f: exact(f) for f in floats}
    shown = sorted({abs(f) for f in floats}, key=float)  # -0.3 and 0.3: one note
    notes = tuple(f"{sp.sstr(f, full_prec=False)} taken as {exact(f)}" + (" (round-off)" if exact(f) == 0 else "")
                  for f in shown)
    return M.xreplace(rep), notes
