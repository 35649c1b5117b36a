"""Sphinx configuration of the symkin documentation (``make docs``; CI builds it with ``-W``).

Markdown pages are read by myst-parser (the README, docs/cli.md and the tutorials stay plain
Markdown that GitHub renders and pytest doctests); the API reference is autodoc of the public
``symkin.X`` names with numpydoc parsing the docstrings.
"""
import os
import sys

sys.path.insert(0, os.path.abspath(".."))
import symkin  # noqa: E402

project = "symkin"
author = "the symkin developers"
copyright = "the symkin developers (MIT licence)"
release = version = symkin.__version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.mathjax", "numpydoc"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3          # README / cli.md link to their own sections (#sample-points)


autodoc_default_options = {"members": False}
autodoc_typehints = "none"        # the docstrings state the types (numpydoc)
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "alabaster"
html_title = f"symkin {release}"
html_static_path = []
html_theme_options = {"page_width": "1250px", "sidebar_width": "230px"}  # room for the tutorials' outputs
