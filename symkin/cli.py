"""Compatibility module: the command line lives in :mod:`symkin.io.cli` (``python -m symkin.cli``
keeps working)."""
from .io.cli import CLIError, cli, main, resolve_model  # noqa: F401

if __name__ == "__main__":
    main()
