"""The ``symkin`` command line (docs/cli.md).

    symkin models
    symkin derive MODEL [--observable hall|spin|torque|spin-hall|all] [--format table|latex|json]
                        [--out DIR] [--plot] [--band conduction|valence|gap] [--sample N]

MODEL is a built-in name (``symkin models``) or the path of a TOML model file
(:mod:`symkin.io.modelfile`).  Errors in the input (a bad model file, an unsupported model, a missing
regime) are reported as one line on stderr with exit status 2 -- never a traceback (set
``SYMKIN_DEBUG=1`` to see one).
"""
from __future__ import annotations

import json
import os
import sys

import click
import sympy as sp

from .. import __version__
from ..errors import SymkinError

FORMATS = ("table", "latex", "json")
BANDS = ("conduction", "valence", "gap")
OBS_CHOICES = ("hall", "spin", "torque", "spin-hall", "all")


class CLIError(SymkinError):
    """A usage problem found after option parsing (e.g. an unknown model name)."""


def _builtins():
    from ..models import BUILTINS
    return BUILTINS


def resolve_model(spec):
    """(model, source, description, default band) of a built-in name or a model-file path."""
    builtins = _builtins()
    if spec in builtins:
        fn = builtins[spec]
        return fn(), f"built-in {spec}", _first_line(fn.__doc__), None
    looks_like_path = os.sep in spec or spec.endswith(".toml") or os.path.exists(spec)
    if not looks_like_path:
        raise CLIError(f"unknown model {spec!r}: not a built-in ({', '.join(builtins)}) and not a file")
    from .modelfile import read_model_file
    mf = read_model_file(spec)
    return mf.model, spec, mf.description, mf.band


def _first_line(doc):
    """First paragraph of a docstring as plain text (RST roles and literals stripped)."""
    import re
    doc = " ".join((doc or "").strip().split("\n\n")[0].split())
    doc = re.sub(r":math:`([^`]*)`", r"\1", doc).replace("``", "")
    return doc.rstrip(":").rstrip(",").strip()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="symkin")
def cli():
    """symkin: closed-form disorder-dependent linear response of 2D multiband models
    (Burgos Atencia, Niu, Culcer, PRR 4, 013001 (2022))."""


@cli.command()
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
def models(fmt):
    """List the built-in models with their Hamiltonians."""
    rows = []
    for name, fn in _builtins().items():
        m = fn()
        rows.append((name, m, _first_line(fn.__doc__)))
    if fmt == "json":
        click.echo(json.dumps({"schema": 1, "models": [
            {"name": n, "description": d, "hamiltonian": {"str": sp.sstr(m.H), "latex": sp.latex(m.H)},
             "parameters": sorted(s.name for s in m.parameters)} for n, m, d in rows]}, indent=2))
        return
    from .export import unicode_ok
    uni = unicode_ok()
    for n, m, d in rows:
        click.echo(f"{n}")
        click.echo(f"  {d}")
        pretty = sp.pretty(sp.Eq(sp.Symbol("H"), m.H, evaluate=False), use_unicode=uni)
        click.echo("\n".join("    " + line for line in pretty.split("\n")))
        click.echo(f"  parameters: {', '.join(sorted(s.name for s in m.parameters))}\n")
    click.echo("MODEL may also be the path of a TOML model file (docs/cli.md; examples in derivations/*.toml).")


@cli.command()
@click.argument("model")
@click.option("--observable", type=click.Choice(OBS_CHOICES), default="hall", show_default=True,
              help="What to derive.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table: terminal table; latex: standalone .tex report; json: for numeric codes.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output directory (latex: default build/; table/json: default stdout).")
@click.option("--plot", is_flag=True, help="Also write PNGs of sigma_yx by mechanism: vs xi = M/epsilon_F in the "
              "regime, and vs E_F across every regime (band edges and the gap).")
@click.option("--band", type=str, default=None,
              help="Fermi-level regime by name (conduction, valence, gap, lower, lower-annulus, both, ...; default: the model file's band, else conduction or the highest window).")
@click.option("--sample", "n_sample", type=click.IntRange(min=0, max=100000), default=0,
              help="json: add N numeric evaluations at documented parameter points.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the --sample points.")
@click.option("--jobs", type=click.IntRange(min=1, max=64), default=None,
              help="Worker processes for the LaTeX report stages (default 1: one process shares the "
                   "engine's caches).")
@click.option("--stage-timeout", type=click.FloatRange(min=0), default=None,
              help="Give up on a stage after this many seconds (report: stage shown as not available).")
@click.option("--operator", "operator", type=str, default=None,
              help="Response of the operator NAME from the model file's [operators] table (instead of "
                   "--observable; --format table).")
@click.option("--crossed", is_flag=True,
              help="Add pair skew scattering (crossed X and Psi diagrams, closed form: Dirac cones).")
@click.option("-q", "--quiet", is_flag=True, help="No progress display on stderr.")
def derive(model, observable, fmt, out_dir, plot, band, n_sample, seed, jobs, stage_timeout, operator, crossed,
           quiet):
    """Derive the response of MODEL (built-in name or .toml model file)."""
    from . import common, export, latex, pipeline  # the engine loads on first use
    if n_sample and fmt != "json":
        raise click.UsageError("--sample applies to --format json only")
    if plot:
        _need_matplotlib()
    mdl, source, description, file_band = resolve_model(model)
    regime = band or file_band
    if regime is not None:
        from ..regimes import get_regime
        get_regime(mdl, regime)  # a missing regime is a one-line error before any work
    if operator is not None:
        return _derive_operator(model, mdl, operator, regime, fmt, out_dir, plot)
    obs = common.observable_keys(observable)
    if mdl.n_bands != 2 and "spin-hall" in obs:
        if observable == "spin-hall":
            raise CLIError(f"--observable spin-hall uses the 2 x 2 Pauli sigma_z, but {mdl.name} is "
                           f"{mdl.n_bands} x {mdl.n_bands}: define the spin-current operator under "
                           "[operators] in a model file (e.g. j = \"(kron(tau_0, sigma_z)*v_y + ...)/2\") "
                           "and use --operator NAME")
        obs = [o for o in obs if o != "spin-hall"]
        click.echo(f"symkin: note: spin-hall skipped ({mdl.n_bands} x {mdl.n_bands} model: define its "
                   "spin operator under [operators] and use --operator)", err=True)
    if fmt == "latex" or out_dir or plot:  # an unwritable --out fails now, not after the derivation
        common.check_out_dir(out_dir or ("build" if fmt == "latex" else "."))
    progress = pipeline.Progress(enabled=not quiet)
    written = []

    def step(title, fn):
        return pipeline.output_step(title, fn, progress, stage_timeout)
    try:
        if fmt == "latex":
            jobs = jobs or 1
            stages = pipeline.plain_keys(pipeline.run_stages(
                mdl, regime, pipeline.report_tasks(obs, crossed), jobs=jobs, progress=progress, timeout=stage_timeout))
            written.append(step("LaTeX report", lambda: latex.write_latex(
                mdl, stages, out_dir or "build", regime, obs, source, description)))
            results = {o: stages[f"observable:{o}"] for o in obs
                       if not isinstance(stages.get(f"observable:{o}"), pipeline.Unavailable)}
        else:
            stages = pipeline.plain_keys(pipeline.run_stages(
                mdl, regime, pipeline.observable_tasks(obs, crossed), jobs=1, progress=progress,
                timeout=stage_timeout, strict=tuple(pipeline.observable_key(o, crossed) for o in obs)))
            results = {o: stages[f"observable:{o}"] for o in obs}
            if fmt == "table":
                text = step("table", lambda: "\n\n".join(
                    export.text_table(results[o], key=common.OBSERVABLES[o][0]) for o in obs) + "\n")
            else:
                title = "JSON export" + (f" with {n_sample} sample points" if n_sample else "")
                text = step(title, lambda: json.dumps(export.json_document(
                    mdl, results, regime, samples=n_sample, seed=seed, source=source), indent=1, allow_nan=False) + "\n")
            if out_dir:
                path = os.path.join(out_dir, common.safe_filename(mdl.name) + (".txt" if fmt == "table" else ".json"))
                written.append(common.write_atomic(path, text))
            else:
                click.echo(text, nl=False)
        if plot:
            written += _plots(mdl, regime, fmt, obs, results, stages, out_dir or ".", stage_timeout, progress, step)
    finally:
        progress.close()
    for p in written:
        click.echo(f"wrote {p}", err=True)


@cli.command()
@click.argument("model")
@click.option("--band", type=str, default=None, help="Fermi-level regime (default conduction).")
@click.option("--points", "n", type=click.IntRange(min=1, max=5), default=3, show_default=True,
              help="Number of sample points (epsilon_F = 1, 1.3, 1.8, ... x the regime's sample value).")
@click.option("--crossed", is_flag=True,
              help="Also compare the pair-skew terms (crossed X, Psi) with the crossed Kubo diagrams.")
def check(model, band, n, crossed):
    """Closed form vs Fermi-contour solver vs Kubo-Streda: sigma_yx with relative deviations."""
    from ..check import check as run_check, format_rows
    mdl, _, _, file_band = resolve_model(model)
    band = band or file_band
    click.echo(f"sigma_yx of {mdl.name}: closed form, symkin.numeric, symkin.kubo (weak disorder)")
    rows = run_check(mdl, band, n, crossed=crossed)
    click.echo(format_rows(rows))
    if not all(r.ok for r in rows):
        click.echo("symkin: check FAILED: closed form, numeric chain and Kubo disagree beyond tolerance",
                   err=True)
        return 1
    return 0


def _plots(mdl, regime, fmt, obs, results, stages, out_dir, stage_timeout, progress, step):
    """--plot: sigma_yx by mechanism vs xi (or epsilon_F) in the chosen regime, and sigma_yx vs E_F
    across every regime (band edges and the gap); returns the paths written."""
    from . import pipeline
    from .plot import plot_across, plot_hall
    written = []

    def draw(key, title, plot_fn, r=None):
        if r is None:
            progress.start(title)
            r = pipeline.run_task([key], mdl, regime, stage_timeout)[0][key]
            progress.done(title)
        if isinstance(r, pipeline.Unavailable):
            click.echo(f"symkin: no plot: {title} {r}", err=True)
        else:
            for name, why in r.extra.get("unavailable", {}).items():
                click.echo(f"symkin: note: {title}: regime {name} left out of the plot ({why})", err=True)
            written.append(step(f"plot of {title}", lambda: plot_fn(mdl, r, out_dir, regime)))
    r = results.get("hall")
    if r is None and fmt == "latex" and "hall" in obs:
        r = stages.get("observable:hall")      # not available: no second attempt
    draw("observable:hall", "sigma_yx", plot_hall, r)
    if mdl.n_bands == 2:
        draw("hall_across", "sigma_yx in every regime", plot_across)
    return written


def _need_matplotlib():
    """--plot needs the optional matplotlib: one clear error (with the remedy) when it is missing."""
    import importlib.util
    if importlib.util.find_spec("matplotlib") is None:
        raise CLIError("--plot needs matplotlib, which is an optional extra: pip install 'symkin[plot]'")


def _derive_operator(spec, mdl, name, regime, fmt, out_dir, plot):
    """``derive --operator NAME``: the response of a model file's operator (symkin.response)."""
    if spec in _builtins():
        raise CLIError(f"--operator needs a model file with an [operators] table; {spec!r} is a built-in "
                       "(write it as a .toml file, see docs/cli.md)")
    if fmt != "table" or plot:
        raise click.UsageError("--operator supports --format table only (no --plot)")
    from . import common, export
    from .modelfile import read_model_file
    from ..observables import response
    O = read_model_file(spec).operator(name)
    r = response(mdl, O, regime)
    text = export.text_table(r) + "\n"
    if out_dir:
        common.check_out_dir(out_dir)
        path = common.write_atomic(os.path.join(out_dir, common.safe_filename(f"{mdl.name}_{name}") + ".txt"), text)
        click.echo(f"wrote {path}", err=True)
    else:
        click.echo(text, nl=False)


def main(argv=None):
    """Console entry point: run the CLI; input errors -> one line on stderr, exit status 2."""
    debug = bool(os.environ.get("SYMKIN_DEBUG"))
    try:
        rv = cli.main(args=argv, prog_name="symkin", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("symkin: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        if debug:
            raise
        exc.show()
        sys.exit(exc.exit_code)
    except SymkinError as exc:
        if debug:
            raise
        click.echo(f"symkin: error: {_one_line(exc)}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("symkin: interrupted", err=True)
        sys.exit(130)
    except (BrokenPipeError, click.exceptions.Exit) as exc:
        sys.exit(getattr(exc, "exit_code", 0))
    except Exception as exc:  # noqa: BLE001 -- never a traceback for users
        if debug:
            raise
        click.echo(f"symkin: internal error: {type(exc).__name__}: {_one_line(exc)} "
                   "(set SYMKIN_DEBUG=1 for a traceback)", err=True)
        sys.exit(1)
    sys.exit(rv if isinstance(rv, int) else 0)


def _one_line(exc):
    s = " ".join(str(exc).split())
    return s if len(s) <= 400 else s[:397] + "..."


if __name__ == "__main__":
    main()
