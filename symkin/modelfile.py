"""Compatibility module: model files moved to :mod:`symkin.io.modelfile` (the expression language to
:mod:`symkin.io.expression`).  Every old name still resolves here, with a DeprecationWarning."""
import warnings

from .io import expression as _expression, modelfile as _modelfile


def __getattr__(name):
    for mod in (_modelfile, _expression):
        if not name.startswith("__") and hasattr(mod, name):
            warnings.warn(f"symkin.modelfile.{name} moved to {mod.__name__}", DeprecationWarning, stacklevel=2)
            return getattr(mod, name)
    raise AttributeError(f"module 'symkin.modelfile' has no attribute {name!r}")
