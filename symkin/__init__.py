"""symkin: closed-form semiclassical linear response of disordered multiband conductors.

Implements Burgos Atencia, Niu, Culcer, *Semiclassical response of disordered conductors*,
Phys. Rev. Research 4, 013001 (2022), as a SymPy engine.  Conventions: :mod:`symkin.conventions`.
"""
from .fermi import fermi_circles
from .regimes import regime_at, regimes, sample_point
from .model import Model, WhiteNoise
from .results import Result
from .thermal import chemical_potential, nernst, thermal
from .observables import (anomalous_hall, drude_conductivity, hall_angle, response, spin_density, spin_hall,
                          spin_orbit_torque)

__all__ = ["Model", "WhiteNoise", "Result", "anomalous_hall", "drude_conductivity", "hall_angle", "response",
           "spin_density", "spin_hall", "spin_orbit_torque", "regimes", "regime_at", "sample_point",
           "fermi_circles", "numeric", "kubo", "thermal", "nernst", "chemical_potential", "units"]
__version__ = "0.1.0"

# the numeric back-ends and the units (SciPy) load on first use: ``symkin.numeric``, ``from symkin
# import kubo`` (import symkin 0.45 -> 0.36 s; a derivation needs neither)
_LAZY = ("kubo", "numeric", "units")


def __getattr__(name):
    if name in _LAZY:
        import importlib
        mod = importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'symkin' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
