"""symkin: closed-form semiclassical linear response of disordered multiband conductors.

Implements Burgos Atencia, Niu, Culcer, *Semiclassical response of disordered conductors*,
Phys. Rev. Research 4, 013001 (2022), as a SymPy engine.  Conventions: :mod:`symkin.conventions`.
"""
from .model import Model, WhiteNoise

__all__ = ["Model", "WhiteNoise"]
__version__ = "0.1.0"
