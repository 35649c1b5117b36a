"""Physical units: evaluate a symbolic Result in SI from values such as ``"5e5 m/s"`` or ``"30 meV"``.

Built on :mod:`scipy.constants` (CODATA; already a dependency) with a small parser for
``"<number> <unit> [<unit>...] [/ <unit>...]"`` and powers ``m^2`` / ``m**2`` / ``m2``; no new
dependency (pint would add one for a parser this small).  ``e``, ``hbar`` and ``k_B`` are filled in
from CODATA unless given.  Values without units (plain numbers) are taken as SI.

Outputs are SI: a conductivity in S (per square, 2D), a density in m^-2, a current density in A/m.
:func:`in_e2_h` converts a conductivity in S to units of e^2/h.
"""
from __future__ import annotations

import re

import numpy as np
import scipy.constants as C

from .errors import SymkinError


class UnitError(SymkinError, ValueError):
    """A value's unit cannot be parsed or has the wrong dimension for its parameter."""


# dimension vectors over (m, kg, s, A, K)
_M, _KG, _S, _A, _K = np.eye(5, dtype=int)
_ENERGY = _KG + 2 * _M - 2 * _S
_UNITS = {
    "m": (1.0, _M), "cm": (1e-2, _M), "mm": (1e-3, _M), "um": (1e-6, _M), "nm": (1e-9, _M),
    "A": (1.0, _A), "Angstrom": (1e-10, _M), "Å": (1e-10, _M),
    "s": (1.0, _S), "ms": (1e-3, _S), "ps": (1e-12, _S), "fs": (1e-15, _S),
    "kg": (1.0, _KG), "g": (1e-3, _KG),
    "K": (1.0, _K), "mK": (1e-3, _K),
    "J": (1.0, _ENERGY), "eV": (C.e, _ENERGY), "meV": (1e-3 * C.e, _ENERGY), "ueV": (1e-6 * C.e, _ENERGY),
    "keV": (1e3 * C.e, _ENERGY),
    "V": (1.0, _ENERGY - _A - _S), "S": (1.0, 2 * _A - _ENERGY + _S),  # siemens = A/V = A^2 s / J
    "C": (1.0, _A + _S), "T": (1.0, _KG - 2 * _S - _A),
}

#: expected dimensions of the standard parameter names (others are accepted as given)
EXPECTED = {
    "v_F": _M - _S, "v": _M - _S, "M": _ENERGY, "Delta": _ENERGY, "epsilon_F": _ENERGY, "mu": _ENERGY,
    "u_0": _ENERGY + _M, "T": _K, "alpha": _ENERGY + _M, "lambda_": _ENERGY + _M, "m": _KG,
    "hbar": _ENERGY + _S, "e": _A + _S, "k_B": _ENERGY - _K,
}

_TOKEN = re.compile(r"^([^\^\*\d\-]+)(?:(?:\^|\*\*)?(-?\d+))?$")


def parse(value, name="value"):
    """SI magnitude and dimension vector (m, kg, s, A, K) of ``value``.

    ``value`` is a number (SI, dimension unknown: returned as None), a string ``"30 meV"``,
    ``"5e5 m/s"``, ``"0.1 eV nm"``, ``"2 eV nm^2"``, or a ``(number, "unit")`` pair.
    """
    if isinstance(value, tuple) and len(value) == 2:
        value = f"{value[0]} {value[1]}"
    if not isinstance(value, str):
        return float(value), None
    parts = value.replace("·", " ").replace("*", " * ").split()
    parts = [p for p in parts if p != "*"]
    try:
        mag = float(parts[0])
    except (IndexError, ValueError):
        raise UnitError(f"{name}={value!r}: expected '<number> <unit>', e.g. '30 meV' or '5e5 m/s'") from None
    dim = np.zeros(5, dtype=int)
    sign = 1
    for tok in " ".join(parts[1:]).replace("/", " / ").split():
        if tok == "/":
            sign = -1
            continue
        m_ = _TOKEN.match(tok.replace("**", "^"))
        unit, power = (m_.group(1), int(m_.group(2) or 1)) if m_ else (tok, 1)
        if unit not in _UNITS:
            raise UnitError(f"{name}={value!r}: unknown unit {unit!r}; known: {sorted(_UNITS)}")
        f, d = _UNITS[unit]
        mag *= f ** (sign * power)
        dim = dim + sign * power * d
    return mag, dim


def si_values(values, symbols=()):
    """SI floats of ``values`` (CODATA e, hbar, k_B added); raises :class:`UnitError` on a dimension
    that does not match :data:`EXPECTED` for a standard parameter name."""
    out = {"e": C.e, "hbar": C.hbar, "k_B": C.k}
    for name, v in values.items():
        mag, dim = parse(v, name)
        if dim is not None and name in EXPECTED and not np.array_equal(dim, EXPECTED[name]):
            raise UnitError(f"{name}={v!r} has dimension {_fmt(dim)}, expected {_fmt(EXPECTED[name])}; "
                            "give it in matching units (e.g. M='30 meV', v_F='5e5 m/s', u_0='0.1 eV nm^1')")
        out[name] = mag
    missing = [s for s in symbols if s not in out]
    if missing:
        raise UnitError(f"no value for {missing}; pass them as keyword arguments with units")
    return out


def evaluate(result, **values):
    """Each contribution and the total of ``result`` in SI, ``{name: float or ndarray}``.

    ``values``: parameters with units (``v_F="5e5 m/s"``, ``M="30 meV"``, ``epsilon_F="50 meV"``,
    ``u_0="0.1 eV nm"``, ``T="10 K"``) or plain SI numbers; e, hbar, k_B from CODATA.
    A conductivity comes out in S (per square); see :func:`in_e2_h`.
    """
    names = sorted(s.name for s in result.free_symbols)
    vals = si_values(values, names)
    f = result.lambdify()
    return {n: (float(x) if np.ndim(x) == 0 else np.asarray(x)) for n, x in f(**vals).items()}


def in_e2_h(sigma_si):
    """A conductivity in S expressed in units of e^2/h (h = 2 pi hbar)."""
    return np.asarray(sigma_si) / (C.e ** 2 / C.h) if np.ndim(sigma_si) else sigma_si / (C.e ** 2 / C.h)


def _fmt(dim):
    return " ".join(f"{u}^{p}" for u, p in zip(("m", "kg", "s", "A", "K"), dim) if p) or "1"
