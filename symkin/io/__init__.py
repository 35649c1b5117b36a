"""The faces of symkin: how derivations get in and out.  Nothing here is physics; the engine is
reached through its public functions.

* :mod:`symkin.io.cli` -- the ``symkin`` command line (click)
* :mod:`symkin.io.modelfile` -- TOML model files, parsed without executing anything
* :mod:`symkin.io.pipeline` -- the stage registry and runner (progress, time limit, worker processes)
* :mod:`symkin.io.latex` -- the LaTeX derivation report
* :mod:`symkin.io.export` -- the JSON document, its sample points, the terminal table
* :mod:`symkin.io.plot` -- the sigma_yx plot
* :mod:`symkin.io.common` -- what they share (CLI observables, paper reference, small helpers)
"""
