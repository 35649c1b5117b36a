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
