r"""Exports of a derivation: the LaTeX derivation report, the JSON document for numeric codes, the
terminal table and the :math:`\sigma_{yx}(\xi)` plot; plus the staged runner (progress on stderr,
optional worker processes) the ``symkin`` command line uses.

Pipeline::

    stages = run_stages(model, regime, report_tasks(observables), jobs=2)   # {key: value | Unavailable}
    tex    = latex_report(model, stages, regime, observables)
    doc    = json_document(model, results, regime, samples=5)
    text   = text_table(result)
    png    = plot_hall(model, result, "build/")

Every stage of the report is computed independently and wrapped: a stage that fails (or is not
available for a model) is shown as "not available" with the reason, the rest of the report stands.

The JSON layout (``"schema": 1``) is documented in ``docs/cli.md``.
"""
from __future__ import annotations

import math
import os
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import __version__
from . import conventions as cv
from .poly import ffactor

SCHEMA = 1
PAPER = "F. Burgos Atencia, Q. Niu, D. Culcer, Phys. Rev. Research 4, 013001 (2022)"

# ------------------------------------------------------------------------------ observables
#: CLI name -> (JSON key, title, public API function name)
OBSERVABLES = {
    "hall": ("sigma_yx", "Anomalous Hall conductivity", "anomalous_hall"),
    "spin": ("spin_density", "Spin density", "spin_density"),
    "torque": ("spin_orbit_torque", "Spin-orbit torque", "spin_orbit_torque"),
    "spin-hall": ("spin_hall", "Spin-Hall response", "spin_hall"),
}

#: paper equation numbers of each contribution's closed form for the TI surface (Section VI)
PAPER_EQS = {
    "sigma_yx": {"intrinsic": 74, "extrinsic_velocity": 78, "side_jump": 82, "skew": 85, "total": 86},
    "spin_density": {"fermi_surface": 90, "intrinsic": 96, "extrinsic": 99, "side_jump": 101, "skew": 103,
                     "total": 104},
    "spin_orbit_torque": {"field_like": 105, "damping_like": 105, "total": 105},
    "spin_hall": {},
}
#: the general formulas of each contribution (paper equation number, LaTeX)
HALL_FORMULAS = {
    "intrinsic": (72, r"\sigma^{\mathrm{int}}_{yx} = \frac{e^2}{\hbar}\sum_{m,\mathbf k}\Omega^m_{\mathbf k,z}\,"
                      r"n_{\mathrm{FD}}(\epsilon^m_{\mathbf k})"),
    "extrinsic_velocity": (75, r"\sigma^{\mathrm{ext}}_{yx} = -\frac{e}{E_x}\sum_{m,\mathbf k}"
                               r"n^{(-1)m}_{E\mathbf k}\,\beta^m_{\mathbf k,y}"),
    "side_jump": (79, r"\sigma^{\mathrm{sj}}_{yx} = -\frac{e}{E_x}\sum_{m,\mathbf k}v^{mm}_{\mathbf k,y}\,"
                      r"n^{(\mathrm{sj})m}_{E\mathbf k}"),
    "skew": (83, r"\sigma^{\mathrm{sk}}_{yx} = -\frac{e}{E_x}\sum_{m,\mathbf k}v^{mm}_{\mathbf k,y}\,"
                 r"n^{(\mathrm{sk})m}_{E\mathbf k}"),
}
SPIN_FORMULAS = {
    "fermi_surface": (87, r"\langle\mathbf s\rangle^{\mathrm{Edel}} = \sum_{m,\mathbf k}\mathbf s^{mm}_{\mathbf k}"
                          r"\,n^{(-1)m}_{E\mathbf k}"),
    "intrinsic": (91, r"\langle\mathbf s\rangle^{\mathrm{int}} = \frac{ie\mathbf E}{\hbar}\cdot\sum_{nm\mathbf k}"
                      r"(\mathcal T^{mn}_{\mathbf k}\mathcal R^{nm}_{\mathbf k} - \mathcal R^{mn}_{\mathbf k}"
                      r"\mathcal T^{nm}_{\mathbf k})\,n_{\mathrm{FD}}(\epsilon^m_{\mathbf k})"),
    "extrinsic": (97, r"\langle\mathbf s\rangle^{\mathrm{ext}} = \sum_{m,\mathbf k}n^{(-1)m}_{E\mathbf k}\,"
                      r"\boldsymbol\gamma^m_{\mathbf k}"),
    "side_jump": (100, r"\langle\mathbf s\rangle^{\mathrm{sj}} = \sum_{m,\mathbf k}\mathbf s^{mm}_{\mathbf k}\,"
                       r"n^{(\mathrm{sj})m}_{E\mathbf k}"),
    "skew": (102, r"\langle\mathbf s\rangle^{\mathrm{sk}} = \sum_{m,\mathbf k}\mathbf s^{mm}_{\mathbf k}\,"
                  r"n^{(\mathrm{sk})m}_{E\mathbf k}"),
}


def observable_keys(choice):
    """CLI choices ('hall', ..., 'all') -> list of CLI observable names in display order."""
    return list(OBSERVABLES) if choice == "all" else [choice]


def compute_observable(name, model, regime=None):
    """The :class:`symkin.results.Result` of CLI observable ``name`` ('hall', 'spin', ...)."""
    import symkin
    return getattr(symkin, OBSERVABLES[name][2])(model, regime=regime)


# ------------------------------------------------------------------------------ stages
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
    ``observables`` = {'hall': Result, ...}).  Missing stages show as not available."""
    out = {"regime": _regime_info(model, regime)}
    for key, v in values.items():
        out[key] = POST[key](v) if key in POST else v
    for name, r in (observables or {}).items():
        out[f"observable:{name}"] = r
    return out


def _stage_fns():
    """key -> (title, callable(model, regime)) of every report stage (imported lazily, so a stage
    missing from the engine only makes that stage unavailable)."""
    def lazy(module, attr, post=None, uses_regime=True):
        def f(model, regime):
            import importlib
            fn = getattr(importlib.import_module(f"symkin.{module}"), attr)
            out = fn(model, regime=regime) if uses_regime else fn(model)
            return post(out) if post else out
        return f

    bands_post, conn_post = POST["bands"], POST["berry_connection"]
    return {
        "bands": ("bands and eigenvectors", lazy("bands", "bands", bands_post, uses_regime=False)),
        "berry_connection": ("Berry connection", lazy("geometry", "berry_connection", conn_post, False)),
        "berry_curvature": ("Berry curvature", lazy("geometry", "berry_curvature", uses_regime=False)),
        "regime": ("Fermi-level regime", _regime_info),
        "fermi_wavevector": ("Fermi wave vector", lazy("fermi", "fermi_wavevector")),
        "density_of_states": ("density of states", lazy("fermi", "density_of_states")),
        "scattering_time": ("scattering time", lazy("disorder", "scattering_time")),
        "transport_time": ("transport time", lazy("disorder", "transport_time")),
        "leading_distribution": ("leading distribution n^(-1)", lazy("kinetics", "leading_distribution")),
        "extrinsic_velocity": ("extrinsic velocity beta", lazy("kinetics", "extrinsic_velocity")),
        "extrinsic_spin": ("extrinsic spin gamma", lazy("kinetics", "extrinsic_spin")),
        "side_jump_distribution": ("side-jump distribution n^sj", lazy("kinetics", "side_jump_distribution")),
        "skew_distribution": ("skew distribution n^sk", lazy("kinetics", "skew_distribution")),
        **{f"observable:{n}": (OBSERVABLES[n][1], _observable_stage(n)) for n in OBSERVABLES},
    }


def _observable_stage(name):
    return lambda model, regime: compute_observable(name, model, regime)


def _regime_info(model, regime):
    from .regimes import get_regime
    r = get_regime(model, regime)
    return {"name": r.name, "sign": r.sign, "lower": r.lower, "upper": r.upper, "text": str(r),
            "conditions": r.conditions, "point": {s.name: float(v) for s, v in r.point}}


#: groups of stages run as one task (cheap stages share a worker); longest first
REPORT_TASKS = (
    ("skew distribution", ("skew_distribution",)),
    ("side-jump and leading distributions", ("leading_distribution", "side_jump_distribution")),
    ("bands, Berry geometry, Fermi surface, times", ("regime", "bands", "berry_connection", "berry_curvature",
                                                     "fermi_wavevector", "density_of_states", "scattering_time",
                                                     "transport_time")),
    ("extrinsic velocity and spin", ("extrinsic_velocity", "extrinsic_spin")),
)


def report_tasks(observables):
    """Tasks (title, stage keys) of a LaTeX report with the given CLI observables."""
    tasks = list(REPORT_TASKS)
    obs = list(observables)
    if "torque" in obs and "spin" in obs:  # the torque reuses the spin density in one process
        tasks.insert(1, ("spin density and torque", ("observable:spin", "observable:torque")))
        obs = [o for o in obs if o not in ("spin", "torque")]
    for o in obs:
        tasks.insert(1, (OBSERVABLES[o][1], (f"observable:{o}",)))
    return tasks


def observable_tasks(observables):
    """Tasks of a table/JSON run: one per observable, in order."""
    return [(OBSERVABLES[o][1], (f"observable:{o}",)) for o in observables]


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
    fns = _stage_fns()
    out = {}
    t0 = time.monotonic()
    for key in keys:
        try:
            with _alarm(timeout):
                out[key] = fns[key][1](model, regime)
        except (ImportError, AttributeError) as exc:
            if key in strict:
                raise
            out[key] = Unavailable(f"stage not in this symkin: {exc}")
        except StageTimeout as exc:
            if key in strict:
                from .errors import SymkinError
                raise SymkinError(f"{fns[key][0]}: {exc}") from None
            out[key] = Unavailable(str(exc))
        except Exception as exc:  # noqa: BLE001 -- any failing stage is reported, not fatal
            if key in strict:
                raise
            out[key] = Unavailable(f"{type(exc).__name__}: {_one_line(exc)}")
    return out, time.monotonic() - t0


def _one_line(exc):
    s = " ".join(str(exc).split())
    return s if len(s) < 200 else s[:197] + "..."


class Progress:
    """Stage names and elapsed time on stderr, shown only once a run has taken more than ``delay``
    seconds (quick runs stay silent)."""

    def __init__(self, stream=None, enabled=True, delay=1.0, prefix="symkin"):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.prefix = prefix
        self.t0 = time.monotonic()
        self.running = {}
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
            for name in self.running:
                self._say(f"{name} ...")

    def start(self, name):
        with self.lock:
            self.running[name] = time.monotonic()
            if self.shown:
                self._say(f"{name} ...")

    def done(self, name, note=""):
        with self.lock:
            t = self.running.pop(name, time.monotonic())
            if self.shown:
                self._say(f"{name} done in {time.monotonic() - t:.1f} s{note}")

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


def _portable(out):
    """Results hold MappingProxy fields (not picklable): ship their fields across processes."""
    from .results import Result
    return {k: (("__Result__", {f: (dict(getattr(v, f)) if f in ("contributions", "labels", "extra")
                                    else getattr(v, f))
                                for f in ("quantity", "contributions", "symbol", "labels", "approximation",
                                          "model", "regime", "extra")})
                if isinstance(v, Result) else v) for k, v in out.items()}


def _restore(out):
    from .results import Result
    return {k: (Result(**v[1]) if isinstance(v, tuple) and len(v) == 2 and v[0] == "__Result__" else v)
            for k, v in out.items()}


def _run_task_portable(keys, model, regime, timeout, strict):
    out, dt = run_task(keys, model, regime, timeout, strict)
    return _portable(out), dt


def _run_parallel(model, regime, tasks, jobs, progress, timeout, strict):
    import concurrent.futures as cf
    import multiprocessing as mp
    results = {}
    pending = list(tasks)
    with cf.ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=mp.get_context("spawn")) as pool:
        running = {}

        def submit():
            while pending and len(running) < jobs:
                title, keys = pending.pop(0)
                progress.start(title)
                running[pool.submit(_run_task_portable, keys, model, regime, timeout, strict)] = title
        submit()
        while running:
            done, _ = cf.wait(list(running), return_when=cf.FIRST_COMPLETED)
            for fut in done:
                title = running.pop(fut)
                try:
                    out, _ = fut.result()
                except cf.process.BrokenProcessPool as exc:
                    raise OSError(str(exc)) from None
                out = _restore(out)
                results.update(out)
                progress.done(title, _note(out))
            submit()
    return results


# ------------------------------------------------------------------------------ helpers
def model_mass(model):
    """The sigma_z coefficient of H at k = 0 (the 'mass' M of xi = M/epsilon_F), or None."""
    if model.n_bands != 2:
        return None
    h0 = model.H.xreplace({q: 0 for q in model.momenta})
    m = sp.expand((h0[0, 0] - h0[1, 1]) / 2)
    return m if m != 0 else None


def _is_matrix(x):
    return isinstance(x, sp.MatrixBase)


def _bands_k():
    from .bands import k  # the engine's radial variable (an Internal symbol, not Symbol("k"))
    return k


def _lam_form(expr, d2, lam):
    """Write sqrt(|d(k)|^2) as lambda_k."""
    if d2 is None or not getattr(expr, "has", lambda *_: False)(_bands_k()):
        return expr
    f = lambda x: sp.factor(x.xreplace({sp.sqrt(d2): lam}).subs(d2, lam**2).xreplace({sp.sqrt(d2): lam}))
    try:
        return expr.applyfunc(f) if _is_matrix(expr) else f(expr)
    except Exception:  # noqa: BLE001 -- display only
        return expr


def in_xi(expr, model):
    """Rewrite a Fermi-level expression with epsilon_F = M/xi_F (M the mass of H, a positive symbol);
    returns (expr, xi symbol) or (None, None) when the model has no such mass."""
    M = model_mass(model)
    if M is None or not (isinstance(M, sp.Symbol) and M.is_positive):
        return None, None
    xi = sp.Symbol("xi_F", positive=True)
    if sp.count_ops(expr) > 2000:  # display only: not worth factoring an unsimplified quartic root
        return None, None
    f = lambda x: ffactor(sp.sympify(x).xreplace({model.fermi_level: M / xi}))
    try:
        return (expr.applyfunc(f) if _is_matrix(expr) else f(expr)), xi
    except Exception:  # noqa: BLE001 -- display only
        return None, None


def tex_escape(s):
    s = str(s)
    rep = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
           "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}",
           ">": r"\textgreater{}", "|": r"\textbar{}"}
    return "".join(rep.get(c, c) for c in s)


#: LaTeX longer than this is not typeset as display math (TeX's dimensions overflow near 5 m of
#: formula); it is printed as wrapped plain text instead
MAX_DISPLAY = 1500


class _Long(str):
    """LaTeX of an expression too long to display; carries the expression for a text rendering."""
    expr = None


def _L(x):
    tex = sp.latex(x)
    if len(tex) <= MAX_DISPLAY:
        return tex
    out = _Long(tex)
    out.expr = x
    return out


def _tag(n, note=""):
    if n is None:
        return ""
    ns = "--".join(map(str, n)) if isinstance(n, tuple) else str(n)
    return r" \tag*{[Eq.~%s%s]}" % (ns, note)


# ------------------------------------------------------------------------------ LaTeX report
PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
"""

REPORT_SECTIONS = ("Model", "Bands and eigenvectors", "Berry connection and curvature",
                   "Fermi surface and scattering times", "Leading-order distribution",
                   "Extrinsic velocity and extrinsic spin", "Side-jump and skew-scattering distributions")


class _Doc:
    def __init__(self):
        self.parts = []

    def add(self, s):
        self.parts.append(s)

    def para(self, s):
        self.parts.append(s + "\n")

    def eqs(self, lines):
        """lines: [(lhs, rhs, tag)] -> an align* block (skips empty)."""
        lines = [x for x in lines if x]
        short = [x for x in lines if not isinstance(x[1], _Long)]
        if short:
            body = " \\\\\n".join(f"{l} &= {r}{t}" for l, r, t in short)
            self.parts.append("\\begin{align*}\n" + body + "\n\\end{align*}\n")
        for lhs, rhs, tag in lines:
            if isinstance(rhs, _Long):  # too long for display math: SymPy's str form, wrapped
                note = tag.replace(r" \tag*{", " ").replace("}", "") if tag else ""
                self.parts.append(f"${lhs} =$ (too long to typeset; SymPy form){note}:\n"
                                  "\\begin{flushleft}\\footnotesize\\ttfamily\n"
                                  + tex_escape(sp.sstr(rhs.expr)) + "\n\\end{flushleft}\n")

    def na(self, what, value):
        self.parts.append(f"\\emph{{{tex_escape(what)}: {tex_escape(str(value))}.}}\n")

    def text(self):
        return "\n".join(self.parts)


def latex_report(model, stages, regime=None, observables=("hall",), source=None, description=""):
    """A standalone LaTeX document of the derivation; ``stages`` from :func:`run_stages` with
    :func:`report_tasks`.  Paper equation numbers are tagged ``[Eq. N]`` next to the matching steps."""
    g = lambda key: stages.get(key, Unavailable("not computed"))
    d = _Doc()
    title = tex_escape(model.name)
    d.add(PREAMBLE)
    d.add(f"\\title{{symkin derivation report: {title}}}\n\\author{{symkin {tex_escape(__version__)}}}\n"
          "\\date{}\n\\begin{document}\n\\maketitle\n")
    d.para("Semiclassical linear response of a disordered two-dimensional conductor following "
           f"{tex_escape(PAPER)}. Bracketed tags [Eq.~N] refer to the paper's equations; its Section~VI "
           "works them out for the magnetic topological-insulator surface (Eqs.~68--105), and for other "
           "models the tag marks the analogous step.")
    d.para(r"\textbf{Approximation.} " + tex_escape(cv.APPROXIMATION) + ".")
    d.para(r"\textbf{Conventions.}")
    d.add("\\begin{itemize}\n" + "".join(f"\\item {tex_escape(k.replace('_', ' '))}: {tex_escape(v)}\n"
                                        for k, v in cv.CONVENTIONS.items()) + "\\end{itemize}\n")

    # ---- model
    d.add("\\section{Model}\n")
    if description:
        d.para(tex_escape(description) + ".")
    if source:
        d.para(f"Source: \\texttt{{{tex_escape(source)}}}.")
    d.eqs([("H", _L(model.H), _tag(68))])
    params = sorted(model.parameters, key=lambda s: s.name)
    d.para("Momenta $" + ", ".join(_L(k) for k in model.momenta) + "$ (real); parameters: " +
           (", ".join(f"${_L(s)}$ ({_assumption_word(s)})" for s in params) or "none") + ".")
    d.para(f"Disorder: Gaussian white noise, $\\langle U(\\mathbf r)U(\\mathbf r')\\rangle = {_L(model.disorder.u0)}^2"
           r"\,\delta(\mathbf r-\mathbf r')$ [Eq.~9], averaged in the first Born approximation, "
           r"$\langle U^{ab}_{\mathbf k\mathbf k'}U^{cd}_{\mathbf k'\mathbf k}\rangle = u_0^2\langle u^a_{\mathbf k}|"
           r"u^b_{\mathbf k'}\rangle\langle u^c_{\mathbf k'}|u^d_{\mathbf k}\rangle$ [Eq.~10].")
    reg = g("regime")
    if isinstance(reg, dict):
        d.para(f"Fermi level: {tex_escape(reg['name'])} regime, ${_regime_tex(reg, model)}$, "
               f"$E_F = {'+' if reg['sign'] > 0 else '-'}{_L(model.fermi_level)}$.")
        if "conditions" in reg:
            d.para(f"Every closed form below holds for ${_L(reg['conditions'])}$"
                   + (" (roots selected at " + ", ".join(f"${_L(sp.Symbol(n))} = {v:g}$"
                                                          for n, v in sorted(reg["point"].items())) + ")"
                      if reg.get("point") else "") + ".")
    else:
        d.na("Fermi-level regime", reg)

    # ---- bands
    d.add("\\section{Bands and eigenvectors}\n")
    b = g("bands")
    lam = sp.Symbol("lambda_k", positive=True)
    d2 = None
    if isinstance(b, dict):
        d2 = b["d_squared"]
        d.para(r"With $k = |\mathbf k|$, $\theta$ the polar angle of $\mathbf k$ and $\lambda_k = |\mathbf d(k)|$:")
        eps = [_lam_form(e, d2, lam) for e in b["energies"]]
        d.eqs([(r"\lambda_k", _L(sp.sqrt(d2)), ""),
               (r"\epsilon^{+}_k", _L(eps[0]), ""), (r"\epsilon^{-}_k", _L(eps[1]), ""),
               (r"\xi_k", _L(_lam_form(b["xi"], d2, lam)), "")])
        d.para(r"Eigenvectors $(|u^+_{\mathbf k}\rangle, |u^-_{\mathbf k}\rangle)$ as columns, in symkin's "
               r"smooth gauge ($|u_{k,\theta}\rangle = e^{-iJ\theta}|u_{k,0}\rangle$, the paper's gauge for the TI):")
        d.eqs([(r"\bigl(|u^+_{\mathbf k}\rangle,\ |u^-_{\mathbf k}\rangle\bigr)",
                _L(_lam_form(b["eigenvectors"], d2, lam)), _tag(69))])
    else:
        d.na("Bands", b)

    # ---- geometry
    d.add("\\section{Berry connection and curvature}\n")
    d.para(r"$\mathcal R^{mn}_{\mathbf k} = i\langle u^m_{\mathbf k}|\nabla_{\mathbf k}u^n_{\mathbf k}\rangle$, "
           r"split into its band-diagonal part $\mathcal R^{d}$ and interband part $\mathcal R^{od}$ "
           r"(matrices in the band basis $(+,-)$):")
    c = g("berry_connection")
    if isinstance(c, dict):
        d.eqs([(r"\mathcal R^{d}_{x}", _L(_lam_form(c["diagonal"][0], d2, lam)), ""),
               (r"\mathcal R^{d}_{y}", _L(_lam_form(c["diagonal"][1], d2, lam)), _tag(70)),
               (r"\mathcal R^{od}_{x}", _L(_lam_form(c["interband"][0], d2, lam)), ""),
               (r"\mathcal R^{od}_{y}", _L(_lam_form(c["interband"][1], d2, lam)), _tag(71))])
    else:
        d.na("Berry connection", c)
    om = g("berry_curvature")
    if isinstance(om, (tuple, list)):
        d.eqs([(r"\Omega^{+}_{\mathbf k,z}", _L(_lam_form(om[0], d2, lam)), ""),
               (r"\Omega^{-}_{\mathbf k,z}", _L(_lam_form(om[1], d2, lam)), _tag(73))])
    else:
        d.na("Berry curvature", om)

    # ---- Fermi surface
    d.add("\\section{Fermi surface and scattering times}\n")
    lines = []
    for key, lhs, tag in (("fermi_wavevector", "k_F", None), ("density_of_states", r"\rho(\epsilon_F)", None),
                          ("scattering_time", r"\tau", None), ("transport_time", r"\tau_{\mathrm{tr}}", 76)):
        v = g(key)
        if not isinstance(v, Unavailable) and sp.sympify(v).has(sp.zoo, sp.oo, sp.nan):
            v = Unavailable("infinite: no Fermi circle in this regime")
        if isinstance(v, Unavailable):
            d.na(key.replace("_", " "), v)
        else:
            lines.append((lhs, _L(v), _tag(tag)))
    d.para(r"Scattering time $1/\tau = \pi u_0^2\rho(\epsilon_F)/\hbar$; the transport time follows from the "
           r"$l = 1$ harmonic of the Born collision operator [Eqs.~29--30] (for the TI, "
           r"$1/\tau_{\mathrm{tr}} = (1+3\xi_F^2)/2\tau$ [Eq.~76]):")
    d.eqs(lines)

    # ---- distributions
    kF = g("fermi_wavevector")
    d.add("\\section{Leading-order distribution}\n")
    d.para(r"$n^{(-1)}_{E\mathbf k} = -e\tau_{\mathrm{tr}}\mathbf E\cdot\mathbf v^m_{\mathbf k}\,\delta(\epsilon^m_{\mathbf k}"
           r"-E_F)$ [Eq.~29], order $1/u_0^2$; shown is the coefficient of $\delta(k-k_F)$ on each circle:")
    _dist(d, g("leading_distribution"), r"n^{(-1)}", kF, None)

    d.add("\\section{Extrinsic velocity and extrinsic spin}\n")
    d.para(r"The extrinsic velocity $\boldsymbol\beta^m_{\mathbf k}$ [Eqs.~45--47, with $\mathcal R'$ at $\mathbf k'$ "
           r"in the second bracket] and extrinsic spin $\boldsymbol\gamma^m_{\mathbf k}$ [Eqs.~59--61] on the Fermi "
           r"circle, both of order $u_0^2$:")
    beta = g("extrinsic_velocity")
    gamma = g("extrinsic_spin")
    lines = []
    if isinstance(beta, Unavailable):
        d.na("extrinsic velocity", beta)
    else:
        lines.append((r"\boldsymbol\beta_{\mathbf k_F} = (\beta_x, \beta_y)^T", _L(beta), _tag(77)))
    if isinstance(gamma, Unavailable):
        d.na("extrinsic spin", gamma)
    else:
        lines.append((r"\boldsymbol\gamma_{\mathbf k_F} = (\gamma_x, \gamma_y, \gamma_z)^T", _L(gamma),
                      _tag(98, ", corrected")))
    d.eqs(lines)

    d.add("\\section{Side-jump and skew-scattering distributions}\n")
    d.para(r"Side-jump distribution from the field-corrected collision integral $J_E$ [Eqs.~37--38]:")
    _dist(d, g("side_jump_distribution"), r"n^{(\mathrm{sj})}", kF, 81)
    d.para(r"Skew-scattering distribution from $J_{\mathrm{sk}} = [J(S_{\mathrm{ext}})]^{\mathrm{diag}}$ "
           r"[Eqs.~31--36], in the Fermi-shell prescription (twice the part on the Fermi circle; the printed "
           r"prescription also puts a part on the other band at $k_F$, e.g.\ the valence shell of Eq.~84 "
           r"-- the two give the same observables for particle-hole symmetric models):")
    _dist(d, g("skew_distribution"), r"n^{(\mathrm{sk})}", kF, 84)

    # ---- observables
    for o in observables:
        _observable_section(d, o, g(f"observable:{o}"), model)

    d.add("\\end{document}\n")
    return d.text()


def _assumption_word(s):
    for a in ("positive", "negative", "nonnegative", "nonpositive", "nonzero"):
        if getattr(s, f"is_{a}"):
            return a
    return "real"


def _regime_tex(reg, model):
    eF = _L(model.fermi_level)
    lo = "" if reg["lower"] is None else _L(reg["lower"]) + " < "
    hi = "" if reg["upper"] is None else " < " + _L(reg["upper"])
    return lo + eF + hi


def _dist(d, dist, sym, kF, tag):
    if isinstance(dist, Unavailable):
        d.na(sym.replace("\\", ""), dist)
        return
    if not dist:
        d.para("Zero (no Fermi circle).")
        return
    lines = []
    items = list(dist.items())
    for i, (label, expr) in enumerate(items):
        m = re.match(r"^(\w+) at \|k\| = (.*)$", str(label))
        band, radius = (m.group(1), m.group(2)) if m else (str(label), None)
        sign = {"conduction": "+", "valence": "-"}.get(band, tex_escape(band))
        at = r"k_F" if (radius is not None and not isinstance(kF, Unavailable) and radius == sp.sstr(kF)) \
            else (r"\text{" + tex_escape(radius) + "}" if radius else "")
        lhs = f"{sym}_{{{sign}{sign}}}\\big|_{{k = {at}}}" if at else f"{sym}_{{{sign}{sign}}}"
        lines.append((lhs, _L(expr), _tag(tag) if i == len(items) - 1 else ""))
    d.eqs(lines)


def _observable_section(d, o, r, model):
    key, title, _ = OBSERVABLES[o]
    d.add(f"\\section{{{tex_escape(title)}}}\n")
    if isinstance(r, Unavailable):
        d.na(title, r)
        return
    eqs = PAPER_EQS.get(key, {})
    formulas = HALL_FORMULAS if key == "sigma_yx" else SPIN_FORMULAS if key == "spin_density" else {}
    if key == "sigma_yx":
        d.para(r"$\sigma_{yx} = j_y/E_x$ with $\mathbf j = -e\,\mathrm{Tr}(\mathbf v f)$: four contributions "
               r"[Eqs.~72--86].")
    elif key == "spin_density":
        d.para(r"Spin density $\langle\mathbf s\rangle$ (Pauli matrices, no $\hbar/2$): five contributions "
               r"[Eqs.~87--104], columns $(s_x, s_y, s_z)$.")
    elif key == "spin_orbit_torque":
        d.para(r"$\boldsymbol\tau = M\,\mathbf m\times\langle\boldsymbol\sigma\rangle$ for $\mathbf m = \hat z$, "
               r"split into the field-like (Edelstein, order $\tau$) and damping-like parts [Eq.~105, without the "
               r"spurious $\rho(\epsilon_F)$ of its first printed term].")
    elif key == "spin_hall":
        d.para(r"Spin-current response $\langle\{\sigma_z, \hat v_y\}/2\rangle/E_x$ (multiply by $\hbar/2$ for "
               r"angular momentum); no closed form in the paper.")
    gen = [(f"", formulas[n][1], _tag(formulas[n][0])) for n, _ in r.items() if n in formulas]
    if gen:
        d.para("General expressions:")
        d.add("\\begin{align*}\n" + " \\\\\n".join(f"& {rhs}{t}" for _, rhs, t in gen) + "\n\\end{align*}\n")
    d.para("Result:")
    u0 = model.disorder.u0
    lines = []
    for n, x in r.items():
        rhs = _L(x)
        if n == "total" and _is_matrix(x) and x.has(u0):
            parts = split_orders(x, u0)
            if len(parts) > 1:
                joined = " + ".join(sp.latex(p) for p in parts)
                rhs = joined if len(joined) <= MAX_DISPLAY else rhs
        lines.append((_lhs(r, n), rhs, _tag(eqs.get(n))))
    d.eqs(lines)
    xi_form, xi = in_xi(r.total, model)
    if xi_form is not None and key == "sigma_yx":
        M = model_mass(model)
        d.para(f"With $\\xi_F = {_L(M)}/{_L(model.fermi_level)}$:")
        d.eqs([(_lhs(r, n), _L(in_xi(x, model)[0]), _tag(eqs.get(n))) for n, x in r.items()])


def _lhs(r, name):
    """LaTeX symbol of a contribution: sigma_{yx}^{int}, {chi^z_{yx}}^{sk}, ..."""
    if name == "total":
        return r.symbol
    sup = r"\mathrm{%s}" % r.labels.get(name, name.replace("_", r"\,"))
    sym = "{%s}" % r.symbol if "^" in r.symbol else r.symbol
    return f"{sym}^{{{sup}}}"


def split_orders(x, u0):
    """Split a (column) expression into its parts of each order in ``u0`` (e.g. the Edelstein
    1/u0^2 part and the disorder-independent rest), each factored; highest negative order first."""
    x = sp.Matrix(x)
    if sp.count_ops(x) > 2000:  # display only: an unsimplified quartic root is shown whole
        return [x]
    by_order = {}
    for i, c in enumerate(x):
        terms = sp.collect(sp.expand(c), u0, evaluate=False)
        for mono, coeff in terms.items():
            p = sp.degree(mono, u0) if mono.has(u0) and mono.is_polynomial(u0) else \
                -sp.degree(1 / mono, u0) if mono.has(u0) else 0
            by_order.setdefault(p, sp.zeros(*x.shape))[i] += coeff * mono
    return [by_order[p].applyfunc(ffactor) for p in sorted(by_order)]


def write_latex(model, stages, out_dir, regime=None, observables=("hall",), source=None, description=""):
    """Write ``out_dir/<model name>.tex``; returns the path."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, safe_filename(model.name) + ".tex")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(latex_report(model, stages, regime, observables, source, description))
    return path


def safe_filename(name):
    s = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("._")
    return s or "model"


# ------------------------------------------------------------------------------ JSON
def expr_entry(x):
    """{"str", "srepr", "latex"} of an expression; matrices add "shape" and per-entry "components"."""
    if _is_matrix(x):
        x = sp.ImmutableMatrix(x)
        return {"str": sp.sstr(x), "srepr": sp.srepr(x), "latex": sp.latex(x), "shape": list(x.shape),
                "components": [{"str": sp.sstr(c), "srepr": sp.srepr(c), "latex": sp.latex(c)} for c in x]}
    x = sp.sympify(x)
    return {"str": sp.sstr(x), "srepr": sp.srepr(x), "latex": sp.latex(x)}


ASSUMPTION_KEYS = ("real", "positive", "negative", "nonnegative", "nonpositive", "nonzero", "integer")


def symbol_entry(s, model):
    roles = {cv.e: "elementary charge (e > 0)", cv.hbar: "reduced Planck constant",
             model.disorder.u0: "disorder strength, <U(r)U(r')> = u_0^2 delta(r - r')",
             model.fermi_level: "Fermi-energy magnitude, E_F = +/- epsilon_F",
             cv.E_x: "electric field, x component", cv.E_y: "electric field, y component"}
    role = roles.get(s) or ("momentum" if s in model.momenta else "parameter of H")
    facts = {a: getattr(s, f"is_{a}") for a in ASSUMPTION_KEYS}
    return {"role": role, "assumptions": {a: True for a, v in facts.items() if v}}


def json_document(model, results, regime=None, samples=0, seed=0, source=None):
    """The JSON-ready dict of a derivation (schema 1, docs/cli.md); ``results`` {CLI name: Result}."""
    from .regimes import get_regime
    reg = get_regime(model, regime)
    syms = set(model.H.free_symbols) | set(model.momenta)
    obs = {}
    for o, r in results.items():
        key = OBSERVABLES[o][0]
        entry = {"quantity": r.quantity, "symbol": r.symbol, "kind": "vector" if _is_matrix(r.total) else "scalar",
                 "regime": r.regime, "conditions": sp.sstr(r.conditions), "sample": r.sample,
                 "approximation": r.approximation,
                 "contributions": list(r.contributions), "labels": dict(r.labels),
                 "paper_equations": dict(PAPER_EQS.get(key, {})),
                 "expressions": {n: expr_entry(x) for n, x in r.items()}}
        obs[key] = entry
        syms |= r.free_symbols
    doc = {
        "schema": SCHEMA,
        "generator": f"symkin {__version__}",
        "paper": PAPER,
        "model": {"name": model.name, "source": source or model.name, "hamiltonian": expr_entry(model.H),
                  "momenta": [k.name for k in model.momenta], "disorder": model.disorder.describe(),
                  "fermi_level": model.fermi_level.name},
        "regime": {"name": reg.name, "description": str(reg), "E_F_sign": reg.sign,
                   "lower": None if reg.lower is None else expr_entry(reg.lower),
                   "upper": None if reg.upper is None else expr_entry(reg.upper),
                   "conditions": sp.sstr(reg.conditions), "conditions_latex": sp.latex(reg.conditions),
                   "point": {s.name: float(v) for s, v in reg.point}},
        "conventions": dict(cv.CONVENTIONS),
        "approximation": cv.APPROXIMATION,
        "symbols": {s.name: symbol_entry(s, model) for s in sorted(syms, key=lambda s: s.name)},
        "observables": obs,
    }
    if samples:
        doc["samples"] = sample_table(model, results, reg, samples, seed)
    return doc


def sample_points(model, regime, n, seed=0):
    """``n`` numeric parameter points (dicts name -> float) inside the regime, fixed seed (docs/cli.md):

    * parameters of H: the model's sample point times U(0.8, 1.25) each (kept fixed when the regime's
      bounds are only numeric, e.g. a band extremum away from k = 0);
    * e, u_0 ~ U(0.5, 2); hbar ~ U(0.5, 2) unless the sample point fixes it; E_x, E_y ~ U(-1, 1);
    * epsilon_F: lower + (upper - lower) U(0.1, 0.9) in a bounded window, else
      lower + (s - lower) U(0.25, 3) with s the regime's sample Fermi energy rescaled to the point
      (lower = 0 when unbounded below).
    """
    from .regimes import get_regime
    reg = get_regime(model, regime)
    rng = np.random.default_rng(seed)
    base = dict(reg.point) if reg.point else model.sample_point()
    exact = all(b is None or not sp.sympify(b).atoms(sp.Float) for b in (reg.lower, reg.upper))
    fixed_hbar = any(k == "hbar" for k, _ in model.sample)
    s_lo = _num(reg.lower, base) if reg.lower is not None else 0.0
    pts = []
    for _ in range(n):
        p = {}
        for s in sorted(base, key=lambda s: s.name):
            p[s] = base[s] * (rng.uniform(0.8, 1.25) if exact else 1.0)
        if cv.hbar not in p:
            p[cv.hbar] = rng.uniform(0.5, 2.0)
        elif not fixed_hbar and exact:
            p[cv.hbar] = rng.uniform(0.5, 2.0)
        lo = _num(reg.lower, p) if reg.lower is not None else 0.0
        if reg.upper is not None:
            hi = _num(reg.upper, p)
            eF = lo + (hi - lo) * rng.uniform(0.1, 0.9)
        else:
            scale = lo / s_lo if (s_lo and lo) else 1.0
            eF = lo + (reg.sample_epsilon_F * scale - lo) * rng.uniform(0.25, 3.0)
        vals = {s.name: float(v) for s, v in p.items()}
        vals.update({model.fermi_level.name: float(eF), "e": float(rng.uniform(0.5, 2.0)),
                     model.disorder.u0.name: float(rng.uniform(0.5, 2.0)),
                     "E_x": float(rng.uniform(-1, 1)), "E_y": float(rng.uniform(-1, 1))})
        pts.append(vals)
    return pts


def _num(expr, values):
    """Evaluate ``expr`` numerically; ``values`` keyed by Symbol or by name."""
    by_name = {(k.name if isinstance(k, sp.Symbol) else k): v for k, v in values.items()}
    expr = sp.sympify(expr)
    missing = sorted(x.name for x in expr.free_symbols if x.name not in by_name)
    if missing:
        raise ValueError(f"no value for {missing}")
    return float(sp.N(expr.xreplace({x: sp.Float(by_name[x.name]) for x in expr.free_symbols})))


def _plain(y):
    y = np.asarray(y)
    if np.iscomplexobj(y):
        if np.max(np.abs(y.imag), initial=0.0) > 1e-12 * max(1.0, float(np.max(np.abs(y.real), initial=0.0))):
            return {"re": _plain(y.real), "im": _plain(y.imag)}
        y = y.real
    fin = lambda v: float(v) if math.isfinite(v) else None  # JSON has no NaN/inf: null
    return [fin(v) for v in y.ravel()] if y.ndim else fin(float(y))


def sample_table(model, results, regime, n, seed=0):
    pts = sample_points(model, regime, n, seed)
    funcs = {OBSERVABLES[o][0]: r.lambdify() for o, r in results.items()}
    rows = []
    for p in pts:
        vals = {}
        with np.errstate(all="ignore"):
            for key, f in funcs.items():
                vals[key] = {name: _plain(y) for name, y in f(**p).items()}
        rows.append({"point": p, "values": vals})
    return {"n": n, "seed": seed, "rule": "docs/cli.md#sample-points", "points": rows}


# ------------------------------------------------------------------------------ terminal table
def _unicode_ok(stream=None):
    enc = getattr(stream or sys.stdout, "encoding", None) or ""
    return enc.lower().replace("-", "") in ("utf8", "utf16", "utf32")


def _cell(x, avail, unicode):
    """Lines of one table cell: the pretty form, a column vector component by component, or the
    wrapped str form when the expression is too big to draw."""
    import textwrap
    if _is_matrix(x) and x.cols == 1 and x.rows > 1:
        names = "xyz" if x.rows == 3 else [str(i) for i in range(x.rows)]
        out = []
        for lab, comp in zip(names, x):
            sub = _cell(comp, avail - len(lab) - 2, unicode)
            mid = (len(sub) - 1) // 2
            out += [(f"{lab}: " if j == mid else " " * (len(lab) + 2)) + line for j, line in enumerate(sub)]
        return out
    lines = sp.pretty(x, use_unicode=unicode, num_columns=avail).split("\n")
    if len(lines) > 12 or any(len(line) > avail for line in lines) or "\u21aa" in "".join(lines):
        lines = textwrap.wrap(sp.sstr(x), width=avail, break_long_words=True) or [""]
    return lines


def text_table(r, width=None, unicode=None, key=None):
    """A terminal table: one row per contribution and the total (pretty-printed), the paper equation
    of each closed form, and the approximation."""
    import shutil
    import textwrap
    unicode = _unicode_ok() if unicode is None else unicode
    width = width or max(60, min(shutil.get_terminal_size((100, 24)).columns, 160))
    eqs = PAPER_EQS.get(key, {}) if key else {}
    names = [n for n, _ in r.items()]
    w1 = max(len(n) for n in names)
    w2 = 8
    avail = max(30, width - w1 - w2 - 7)
    rows = []
    for n, x in r.items():
        if n == "total" and _is_matrix(x) and x.has(cv.u_0):   # e.g. Edelstein (1/u_0^2) + the rest
            parts = split_orders(x, cv.u_0)
            if len(parts) > 1:
                x = sp.Matrix([sp.Add(*[p[i] for p in parts if p[i] != 0], evaluate=False)
                               for i in range(len(x))])
        rows.append((n, f"Eq. {eqs[n]}" if n in eqs else "", _cell(x, avail, unicode)))
    wexpr = min(avail, max([len("expression")] + [len(line) for _, _, lines in rows for line in lines]))
    h, v = ("─", "│") if unicode else ("-", "|")
    sep = lambda c: h * (w1 + 2) + c + h * (w2 + 2) + c + h * (wexpr + 2)
    top, mid_, bottom = (sep("┬"), sep("┼"), sep("┴")) if unicode else (sep("+"),) * 3
    head = f"{r.quantity} -- model {r.model}, {r.regime}" if r.model else r.quantity
    out = [head, top, f" {'contribution':<{w1}} {v} {'TI paper':<{w2}} {v} expression", mid_]
    for i, (n, e, lines) in enumerate(rows):
        mid = (len(lines) - 1) // 2
        for j, line in enumerate(lines):
            out.append(f" {n if j == mid else '':<{w1}} {v} {e if j == mid else '':<{w2}} {v} {line}".rstrip())
        out.append(bottom if i == len(rows) - 1 else mid_)
    out += textwrap.wrap("approximation: " + r.approximation, width=width)
    return "\n".join(out)


def write_exports(model, results, out_dir, stem, source=None):
    """JSON document (5 sample points), the sigma_yx PNG and the text tables of ``results``
    ({observable: Result}, keys as :data:`OBSERVABLES`) in ``out_dir``; returns the paths written."""
    import json

    paths = [os.path.join(out_dir, f"{stem}.json")]
    with open(paths[-1], "w") as fh:
        json.dump(json_document(model, results, samples=5, source=source), fh, indent=1)
    if "hall" in results:
        paths.append(plot_hall(model, results["hall"], out_dir))
    paths.append(os.path.join(out_dir, f"{stem}.txt"))
    with open(paths[-1], "w") as fh:  # the terminal tables (what `symkin derive ... --format table` prints)
        fh.write("\n\n".join(text_table(r, key=OBSERVABLES[o][0], unicode=False)
                              for o, r in results.items()) + "\n")
    return paths


# ------------------------------------------------------------------------------ plot
def plot_hall(model, r, out_dir, regime=None, n=400):
    r"""PNG of each contribution and the total of :math:`\sigma_{yx}` (units :math:`e^2/h`) versus
    :math:`\xi = M/\epsilon_F` (M the mass of H; versus :math:`\epsilon_F` when there is none), other
    parameters at the model's sample point.  Returns the path."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from .regimes import get_regime
    reg = get_regime(model, regime)
    base = {s.name: v for s, v in model.sample_point().items()}
    base.setdefault("hbar", 1.0)
    base.update({"e": 1.0, model.disorder.u0.name: 1.0})
    unit = cv.e**2 / (2 * sp.pi * cv.hbar)  # e^2/h
    M = model_mass(model)
    lo = _num(reg.lower, base) if reg.lower is not None else 0.0
    hi = _num(reg.upper, base) if reg.upper is not None else None
    if hi is not None:
        lo = max(lo, 0.05 * hi)  # keep xi = M/epsilon_F below ~20 in the gap
        eps = np.linspace(lo + (hi - lo) * 1e-3, hi - (hi - lo) * 1e-3, n)
    elif lo > 0:
        eps = lo / np.linspace(0.999, 0.02, n)  # xi = lo/epsilon_F from 1 down to 0.02
    else:
        eps = np.linspace(0.01, 10.0, n)
    try:
        Mv = _num(M, base) if M is not None else None
    except (TypeError, ValueError):
        Mv = None
    if Mv is not None and Mv > 0:
        xlab = r"$\xi = %s/\epsilon_F$" % sp.latex(M)
        xs = Mv / eps
    else:
        xlab = r"$\epsilon_F$"
        xs = eps
    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=120)
    styles = [("--", 2.6), (":", 2.2), ("-.", 1.6), ((0, (6, 2, 1, 2)), 1.4), ((0, (1, 1)), 1.2)]
    drawn = []
    for i, (name, x) in enumerate(r.items()):
        x = sp.sympify(x / unit)
        f = sp.lambdify(model.fermi_level, x.xreplace({s: base[s.name] for s in x.free_symbols
                                                        if s.name in base}), "numpy")
        with np.errstate(all="ignore"):
            y = np.real(np.broadcast_to(np.asarray(f(eps), dtype=complex), eps.shape))
        lab = "total" if name == "total" else f"{name.replace('_', ' ')} ({r.labels.get(name, name)})"
        same = [other for other, yo in drawn if np.allclose(y, yo, rtol=1e-9, atol=1e-12)]
        if same:
            lab += f" = {same[0]}"
        if name == "total":
            ax.plot(xs, y, lw=2.4, color="k", label=lab)
        else:
            ls, lw = styles[i % len(styles)]
            ax.plot(xs, y, ls=ls, lw=lw, label=lab)
        drawn.append((name.replace("_", " "), y))
    ax.axhline(0, color="0.7", lw=0.8)
    ax.set_xlabel(xlab)
    ax.set_ylabel(r"$\sigma_{yx}$  [$e^2/h$]")
    shown = {s.name for s in model.parameters}
    fixed = ", ".join(f"{k}={v:g}" for k, v in sorted(base.items()) if k in shown)
    where = "$E_F$ in the gap" if reg.name == "gap" else f"$E_F$ in the {reg.name} band"
    ax.set_title(f"{model.name}: $\\sigma_{{yx}}$ by mechanism, {where}\n{fixed}", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, safe_filename(model.name) + "_sigma_yx.png")
    fig.savefig(path)
    plt.close(fig)
    return path
