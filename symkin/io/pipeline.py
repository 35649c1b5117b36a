r"""The staged runner of a derivation: the stage registry (each step of the paper's chain the report
shows, reached through the engine's public functions), tasks grouping stages, progress on stderr, a
per-stage time limit (SIGALRM) and optional worker processes::

    stages = run_stages(model, regime, report_tasks(observables), jobs=2)   # {key: value | Unavailable}

Every stage is computed independently and wrapped: a stage that fails (or is not available for a
model) becomes :class:`Unavailable` with the reason, the rest of the report stands.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import signal
import sys
import threading
import time
from dataclasses import dataclass

import sympy as sp

from ..across import across_regimes
from ..bands import bands
from ..errors import SymkinError
from ..fermi import density_of_states, fermi_wavevector
from ..geometry import berry_connection, berry_curvature
from ..kinetics import (extrinsic_spin, extrinsic_velocity, fermi_definitions, leading_distribution,
                        scattering_time, side_jump_distribution, skew_distribution, transport_time)
from ..regimes import get_regime
from .common import OBSERVABLES, compute_observable

@dataclass(frozen=True)
class Unavailable:
    """Placeholder of a stage that could not be computed, with the reason."""

    reason: str

    def __str__(self):
        return f"not available ({self.reason})"


class StageTimeout(Exception):
    pass


#: how a stage's raw value is stored (plain, picklable data)
POST = {
    "bands": lambda b: {"energies": tuple(b.energies), "eigenvectors": sp.Matrix(b.eigenvectors),
                        "xi": b.xi, "d_squared": b.block.d_squared},
    "berry_connection": lambda c: {"diagonal": tuple(c.diagonal), "interband": tuple(c.interband)},
}


def collect_stages(model, regime=None, observables=None, **values):
    """Stages dict for :func:`latex_report` from values already computed with the Python API
    (keys as in :data:`REPORT_TASKS`: bands=bands.bands(model), berry_connection=..., ...;
    ``observables`` = {'hall': Result, ...}).  Missing stages show as not available.  Values computed
    with ``compact=True`` are printed with the definitions passed as
    ``fermi_definitions=symkin.kinetics.fermi_definitions(model, regime)``."""
    out = {"regime": regime_info(model, regime)}
    for key, v in values.items():
        out[key] = POST[key](v) if key in POST else v
    for name, r in (observables or {}).items():
        out[f"observable:{name}"] = r
    return out


def _plain(fn, post):
    """Stage of a function of the model alone, its value stored through ``post``."""
    return lambda model, regime: post(fn(model)) if post else fn(model)


def _at(fn, **kw):
    """Stage of a function of the model and the Fermi-level regime (keywords ``kw`` passed on)."""
    return lambda model, regime: fn(model, regime=regime, **kw)


def _compact(fn):
    """Stage of a Fermi-level closed form written in the Fermi-surface variables (issue 12): the
    report prints it with the definitions of the stage ``fermi_definitions``."""
    return _at(fn, compact=True)


def _observable_stage(name, crossed=False):
    return lambda model, regime: compute_observable(name, model, regime, crossed=crossed)


CROSSED = ":crossed"   # stage-key suffix of an observable with pair skew (crossed X, Psi) terms


def observable_key(name, crossed=False):
    """Stage key of CLI observable ``name`` (with the crossed X, Psi terms if ``crossed``)."""
    return f"observable:{name}" + (CROSSED if crossed else "")


def plain_keys(stages):
    """The stages with the crossed suffix dropped from their keys (what the report and exports read)."""
    return {k[:-len(CROSSED)] if k.endswith(CROSSED) else k: v for k, v in stages.items()}


def regime_info(model, regime):
    r = get_regime(model, regime)
    return {"name": r.name, "sign": r.sign, "lower": r.lower, "upper": r.upper, "text": str(r),
            "conditions": r.conditions, "point": {s.name: float(v) for s, v in r.point}}


#: key -> (title, callable(model, regime)) of every report stage, in the paper's order
STAGES = {
    "bands": ("bands and eigenvectors", _plain(bands, POST["bands"])),
    "berry_connection": ("Berry connection", _plain(berry_connection, POST["berry_connection"])),
    "berry_curvature": ("Berry curvature", _plain(berry_curvature, None)),
    "regime": ("Fermi-level regime", regime_info),
    "fermi_wavevector": ("Fermi wave vector", _at(fermi_wavevector)),
    "fermi_definitions": ("Fermi-surface variables", _at(fermi_definitions)),
    "density_of_states": ("density of states", _compact(density_of_states)),
    "scattering_time": ("scattering time", _compact(scattering_time)),
    "transport_time": ("transport time", _compact(transport_time)),
    "leading_distribution": ("leading distribution n^(-1)", _compact(leading_distribution)),
    "extrinsic_velocity": ("extrinsic velocity beta", _compact(extrinsic_velocity)),
    "extrinsic_spin": ("extrinsic spin gamma", _compact(extrinsic_spin)),
    "side_jump_distribution": ("side-jump distribution n^sj", _compact(side_jump_distribution)),
    "skew_distribution": ("skew distribution n^sk", _compact(skew_distribution)),
    **{f"observable:{n}": (OBSERVABLES[n][1], _observable_stage(n)) for n in OBSERVABLES},
    **{f"observable:{n}{CROSSED}": (OBSERVABLES[n][1] + " (NCA + crossed X, Psi)", _observable_stage(n, True))
       for n in OBSERVABLES},
    "hall_across": ("sigma_yx in every regime",  # the plot: a regime that fails is left out, named
                    lambda model, regime: across_regimes(OBSERVABLES["hall"][2], model, skip_failed=True)),
}


#: groups of stages run as one task (cheap stages share a worker); longest first
REPORT_TASKS = (
    ("skew distribution", ("skew_distribution",)),
    ("side-jump and leading distributions", ("leading_distribution", "side_jump_distribution")),
    ("bands, Berry geometry, Fermi surface, times", ("regime", "bands", "berry_connection", "berry_curvature",
                                                     "fermi_wavevector", "fermi_definitions", "density_of_states",
                                                     "scattering_time", "transport_time")),
    ("extrinsic velocity and spin", ("extrinsic_velocity", "extrinsic_spin")),
)


def report_tasks(observables, crossed=False):
    """Tasks (title, stage keys) of a LaTeX report with the given CLI observables."""
    tasks = list(REPORT_TASKS)
    obs = list(observables)
    if "torque" in obs and "spin" in obs:  # the torque reuses the spin density in one process
        tasks.insert(1, ("spin density and torque", (observable_key("spin", crossed),
                                                     observable_key("torque", crossed))))
        obs = [o for o in obs if o not in ("spin", "torque")]
    for o in obs:
        tasks.insert(1, (OBSERVABLES[o][1], (observable_key(o, crossed),)))
    return tasks


def observable_tasks(observables, crossed=False):
    """Tasks of a table/JSON run: one per observable, in order."""
    return [(OBSERVABLES[o][1], (observable_key(o, crossed),)) for o in observables]


def _alarm(timeout):
    """Context: raise StageTimeout after ``timeout`` seconds (main thread, Unix); else a no-op."""
    class _Ctx:
        def __enter__(self):
            self.on = bool(timeout) and hasattr(signal, "SIGALRM") and \
                threading.current_thread() is threading.main_thread()
            if self.on:
                def handler(signum, frame):
                    raise StageTimeout(f"timed out after {timeout:g} s")
                self.old = signal.signal(signal.SIGALRM, handler)
                signal.setitimer(signal.ITIMER_REAL, float(timeout))

        def __exit__(self, *exc):
            if self.on:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, self.old)
            return False
    return _Ctx()


def run_task(keys, model, regime, timeout=None, strict=()):
    """Compute stages ``keys``; returns ({key: value | Unavailable}, seconds).  Errors of stages listed
    in ``strict`` are re-raised (observables of a table/JSON run), the others become Unavailable."""
    fns = STAGES
    out = {}
    t0 = time.monotonic()
    for key in keys:
        try:
            with _alarm(timeout):
                out[key] = fns[key][1](model, regime)
        except StageTimeout as exc:
            if key in strict:
                raise SymkinError(f"{fns[key][0]}: {exc}") from None
            out[key] = Unavailable(str(exc))
        except Exception as exc:  # noqa: BLE001 -- any failing stage is reported, not fatal
            if key in strict:
                raise
            out[key] = Unavailable(f"{type(exc).__name__}: {one_line(exc)}")
    return out, time.monotonic() - t0


def output_step(title, fn, progress=None, timeout=None):
    """Run one formatting step ``fn()`` (LaTeX, table, JSON, plot) under the progress display and
    the per-stage time limit of the derivation; a step that exceeds it stops the run with one
    :class:`SymkinError` naming the step (not a silent wait)."""
    progress = progress or Progress(enabled=False)
    progress.start(title)
    try:
        with _alarm(timeout):
            out = fn()
    except StageTimeout as exc:
        progress.done(title, " (timed out)")
        raise SymkinError(f"{title}: {exc} (--stage-timeout); the expressions are too large to format "
                          "in time: raise --stage-timeout, or choose another --format / --observable") from None
    progress.done(title)
    return out


def one_line(exc):
    s = " ".join(str(exc).split())
    return s if len(s) < 200 else s[:197] + "..."


class Progress:
    """Stage names and elapsed time on stderr, shown only once a run has taken more than ``delay``
    seconds (quick runs stay silent).  When the display appears, the stages that finished before it
    are listed first, so a slow run shows its whole history."""

    def __init__(self, stream=None, enabled=True, delay=1.0, prefix="symkin"):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.prefix = prefix
        self.t0 = time.monotonic()
        self.running = {}
        self.finished = []   # (name, seconds, note) of stages done before the display appeared
        self.shown = False
        self.lock = threading.Lock()
        self.timer = None
        if enabled:
            self.timer = threading.Timer(delay, self._reveal)
            self.timer.daemon = True
            self.timer.start()

    def _say(self, msg):
        try:
            self.stream.write(f"{self.prefix}: [{time.monotonic() - self.t0:6.1f} s] {msg}\n")
            self.stream.flush()
        except (OSError, ValueError):  # closed stream
            pass

    def _reveal(self):
        with self.lock:
            self.shown = True
            for name, dt, note in self.finished:
                self._say(f"{name} done in {dt:.1f} s{note}")
            for name in self.running:
                self._say(f"{name} ...")

    def start(self, name):
        with self.lock:
            self.running[name] = time.monotonic()
            if self.shown:
                self._say(f"{name} ...")

    def done(self, name, note=""):
        with self.lock:
            dt = time.monotonic() - self.running.pop(name, time.monotonic())
            if self.shown:
                self._say(f"{name} done in {dt:.1f} s{note}")
            else:
                self.finished.append((name, dt, note))

    def close(self, what="finished"):
        if self.timer is not None:
            self.timer.cancel()
        with self.lock:
            if self.shown:
                self._say(f"{what} (total {time.monotonic() - self.t0:.1f} s)")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def run_stages(model, regime, tasks, jobs=1, progress=None, timeout=None, strict=()):
    """Run ``tasks`` [(title, stage keys), ...]; with ``jobs > 1`` in worker processes (spawned, so
    safe with threads).  Returns {stage key: value | Unavailable}."""
    progress = progress or Progress(enabled=False)
    results = {}
    if jobs > 1 and len(tasks) > 1:
        try:
            return _run_parallel(model, regime, tasks, jobs, progress, timeout, strict)
        except (OSError, NotImplementedError, ImportError, PermissionError, EOFError):
            pass  # no process pool here: fall back to one process
    for title, keys in tasks:
        progress.start(title)
        out, _ = run_task(keys, model, regime, timeout, strict)
        results.update(out)
        progress.done(title, _note(out))
    return results


def _note(out):
    bad = [k for k, v in out.items() if isinstance(v, Unavailable)]
    return f" ({len(bad)} not available)" if bad else ""


def _run_parallel(model, regime, tasks, jobs, progress, timeout, strict):
    results = {}
    pending = list(tasks)
    with cf.ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=mp.get_context("spawn")) as pool:
        running = {}

        def submit():
            while pending and len(running) < jobs:
                title, keys = pending.pop(0)
                progress.start(title)
                running[pool.submit(run_task, keys, model, regime, timeout, strict)] = title
        submit()
        while running:
            done, _ = cf.wait(list(running), return_when=cf.FIRST_COMPLETED)
            for fut in done:
                title = running.pop(fut)
                try:
                    out, _ = fut.result()
                except cf.process.BrokenProcessPool as exc:
                    raise OSError(str(exc)) from None
                results.update(out)
                progress.done(title, _note(out))
            submit()
    return results
