"""Compatibility module: model files moved to :mod:`symkin.io.modelfile`; import from there."""
import warnings

from .io.modelfile import (ModelFile, ModelFileError, load_model, parse_expression, parse_model,  # noqa: F401
                           parse_model_file, read_model_file)

warnings.warn("symkin.modelfile moved to symkin.io.modelfile", DeprecationWarning, stacklevel=2)
