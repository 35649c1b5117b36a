"""docs/cli.md cannot drift from the CLI: every subcommand, option, choice and built-in model the
CLI's own help lists is documented; release files (LICENSE, CHANGELOG, one version) are present."""
import os
import pathlib
import re

import click
import pytest

import symkin
from symkin.io.cli import cli
from symkin.models import BUILTINS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI_MD = pathlib.Path(ROOT, "docs", "cli.md").read_text(encoding="utf-8")


def _help(cmd, name):
    with click.Context(cmd, info_name=name) as ctx:
        return cmd.get_help(ctx)


def test_every_subcommand_is_documented():
    top = _help(cli, "symkin")
    listed = re.findall(r"^  ([a-z][a-z-]*)\s", top.split("Commands:")[1], re.M)
    assert set(listed) == set(cli.commands) and listed
    for name in listed:
        assert re.search(rf"symkin {name}\b", CLI_MD), f"docs/cli.md lacks `symkin {name}`"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_option_and_choice_is_documented(name):
    cmd = cli.commands[name]
    text = _help(cmd, f"symkin {name}")
    for p in cmd.params:
        if not isinstance(p, click.Option):
            continue
        longs = [o for o in p.opts if o.startswith("--")]
        assert longs and longs[0] in text            # the help lists it ...
        assert longs[0] in CLI_MD, f"docs/cli.md lacks {name} {longs[0]}"  # ... and so do the docs
        if isinstance(p.type, click.Choice):
            for c in p.type.choices:
                assert re.search(rf"\b{re.escape(c)}\b", CLI_MD), f"docs/cli.md lacks {longs[0]} {c}"


@pytest.mark.parametrize("model", sorted(BUILTINS))
def test_every_builtin_is_documented(model):
    assert f"`{model}`" in CLI_MD


def test_release_files():
    lic = pathlib.Path(ROOT, "LICENSE").read_text(encoding="utf-8")
    assert lic.startswith("MIT License") and "the symkin developers" in lic
    changelog = pathlib.Path(ROOT, "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {symkin.__version__}" in changelog and "## Unreleased" in changelog
    pyproject = pathlib.Path(ROOT, "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and not re.search(r'^version\s*=\s*"', pyproject, re.M)


README = pathlib.Path(ROOT, "README.md").read_text(encoding="utf-8")
INDEX = README.split("<!-- equation-index-start -->")[1].split("<!-- equation-index-end -->")[0]
INDEX_NAMES = sorted(set(re.findall(r"`(symkin(?:\.\w+)+)`", INDEX)))


def _resolve(dotted):
    """The object named ``symkin.a.b.C.d``, as Python resolves it: attributes first (so
    ``symkin.thermal`` is the function), importing submodules where an attribute is missing."""
    import importlib

    parts = dotted.split(".")
    obj = importlib.import_module(parts[0])
    for i, p in enumerate(parts[1:], start=2):
        obj = getattr(obj, p) if hasattr(obj, p) else importlib.import_module(".".join(parts[:i]))
    return obj


def test_equation_index_has_rows():
    rows = [r for r in INDEX.splitlines() if r.startswith("| Eq")]
    assert len(rows) >= 15 and len(INDEX_NAMES) >= 20
    for r in rows:  # every paper row names a function and says whether the equation is as printed
        cells = [c.strip() for c in r.strip("|").split("|")]
        assert len(cells) == 4 and "`symkin." in cells[2] and cells[3], r


@pytest.mark.parametrize("name", INDEX_NAMES)
def test_equation_index_names_import(name):
    assert callable(_resolve(name)), f"README's equation index names {name}, which is not a callable"


def test_docs_site_sources():
    """The Sphinx site includes the index and the changelog from their one home, and its API page
    documents every public name of ``symkin.__all__`` through the top-level ``symkin.X`` path."""
    docs = pathlib.Path(ROOT, "docs")
    eq = (docs / "equations.md").read_text(encoding="utf-8")
    assert "../README.md" in eq and "equation-index-start" in eq and "equation-index-end" in eq
    api = (docs / "api.md").read_text(encoding="utf-8")
    for name in symkin.__all__:
        if name in ("numeric", "kubo", "units"):  # modules: their functions are listed by name
            assert f"symkin.{name}." in api, name
        else:
            assert re.search(rf"auto\w+:: symkin\.{name}\s", api), f"docs/api.md lacks symkin.{name}"
    corrections = (docs / "corrections.md").read_text(encoding="utf-8")
    for eq_no in ("47", "61", "36", "38", "98", "105"):
        assert f"Eq. {eq_no}" in corrections or f"Eqs. {eq_no}" in corrections, eq_no
