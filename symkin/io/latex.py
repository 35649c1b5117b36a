r"""The LaTeX derivation report: one standalone document walking the paper's chain for a model
(bands, Berry geometry, Fermi surface and times, distributions, extrinsic velocity and spin,
observables), paper equation numbers tagged ``[Eq. N]`` next to the matching steps::

    tex = latex_report(model, stages, regime, observables)      # stages from symkin.io.pipeline
"""
from __future__ import annotations

import os
import re

import sympy as sp

from .. import __version__
from .. import conventions as cv
from ..bands import k as _k
from ..algebra.bounds import factor_bounded, tree_size
from ..algebra.poly import ffactor
from ..contributions import formula, paper_equations
from .common import OBSERVABLES, PAPER, is_matrix, model_mass, safe_filename, split_orders, write_atomic
from .pipeline import Unavailable

def _lam_form(expr, d2, lam):
    """Write sqrt(|d(k)|^2) as lambda_k."""
    if d2 is None or not getattr(expr, "has", lambda *_: False)(_k):
        return expr
    f = lambda x: factor_bounded(x.xreplace({sp.sqrt(d2): lam}).subs(d2, lam**2).xreplace({sp.sqrt(d2): lam}))
    try:
        return expr.applyfunc(f) if is_matrix(expr) else f(expr)
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
        return (expr.applyfunc(f) if is_matrix(expr) else f(expr)), xi
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


#: expressions with more tree nodes than this, or whose SymPy text is longer than MAX_TEXT
#: characters, are not printed at all: a placeholder states their size (pages of raw code help no
#: one, and formatting megabytes of LaTeX takes minutes)
MAX_NODES = 20000
MAX_TEXT = 6000

#: no line of the report is longer than this (TeX's input buffer is ~200k characters)
MAX_LINE = 1000


class _Long(str):
    """LaTeX of an expression too long to display; carries the expression for a text rendering
    (``expr``) or, when too large even for that, its size (``size``: a sentence)."""
    expr = None
    size = None


def _nodes(x, cap=MAX_NODES + 1):
    """Number of nodes of ``x`` (each matrix entry counted), stopping at ``cap`` (cheap on huge trees)."""
    return tree_size(x, cap)


def _L(x):
    if isinstance(x, sp.Basic) or is_matrix(x):
        n = _nodes(x)
        if n > MAX_NODES:
            out = _Long("")
            out.size = f"more than {MAX_NODES:,} nodes in its expression tree"
            return out
    tex = sp.latex(x)
    if len(tex) <= MAX_DISPLAY:
        return tex
    out = _Long(tex)
    text = sp.sstr(x)
    if len(text) > MAX_TEXT:
        out.size = f"{len(tex):,} characters of LaTeX, {len(text):,} of SymPy text"
    else:
        out.expr = text
    return out


def wrap_lines(text, width=MAX_LINE):
    """Break every line longer than ``width`` at a space (else before a control word, else between
    two non-letters) so that no line of a .tex file approaches TeX's buffer size; a line break is a
    space to TeX, ignored in math mode."""
    out = []
    for line in text.split("\n"):
        while len(line) > width:
            cut = line.rfind(" ", width // 2, width)
            if cut < 0:
                cut = next((i for i in range(width, width // 2, -1) if line[i] == "\\" and line[i - 1] != "\\"
                            and line[i + 1:i + 2].isalpha()), -1)
            if cut < 0:
                cut = next((i for i in range(width, width // 2, -1) if not line[i - 1].isalpha()
                            and not line[i].isalpha() and line[i - 1] != "\\"), width)
            out.append(line[:cut])
            line = line[cut:].lstrip(" ") if line[cut:cut + 1] == " " else line[cut:]
        out.append(line)
    return "\n".join(out)


def _tag(n, note=""):
    if n is None:
        return ""
    ns = "--".join(map(str, n)) if isinstance(n, tuple) else str(n)
    return r" \tag*{[Eq.~%s%s]}" % (ns, note)


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
            note = tag.replace(r" \tag*{", " ").replace("}", "") if tag else ""
            if isinstance(rhs, _Long) and rhs.size:  # too large to print: its size only
                self.parts.append(f"${lhs}$: \\emph{{expression too large to typeset ({rhs.size})}}{note}; "
                                  "its exact form is in the JSON export (\\texttt{--format json}).\n")
            elif isinstance(rhs, _Long):  # too long for display math: SymPy's str form, wrapped
                self.parts.append(f"${lhs} =$ (too long to typeset; SymPy form){note}:\n"
                                  "\\begin{flushleft}\\footnotesize\\ttfamily\n"
                                  + tex_escape(rhs.expr) + "\n\\end{flushleft}\n")

    def definitions(self, defs, intro):
        """The Fermi-surface variables ``defs`` (symbol -> Definition, issue 12), one per line."""
        self.para(intro)
        self.add("\\begin{align*}\n" + " \\\\\n".join(f"& {x.latex()}" for x in defs.values()) + "\n\\end{align*}\n")

    def na(self, what, value):
        self.parts.append(f"\\emph{{{tex_escape(what)}: {tex_escape(str(value))}.}}\n")

    def text(self):
        return wrap_lines("\n".join(self.parts))


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
    defs = _stage_definitions(g("fermi_definitions"), [g(key) for key in STAGE_KEYS])
    for key, lhs, tag in (("fermi_wavevector", "k_F", None), ("density_of_states", r"\rho(\epsilon_F)", None),
                          ("scattering_time", r"\tau", None), ("transport_time", r"\tau_{\mathrm{tr}}", 76)):
        v = g(key)
        if not isinstance(v, Unavailable) and sp.sympify(v).has(sp.zoo, sp.oo, sp.nan):
            v = Unavailable("infinite: no Fermi circle in this regime")
        if isinstance(v, Unavailable):
            d.na(key.replace("_", " "), v)
        elif key == "fermi_wavevector" and isinstance(_L(v), _Long) and any(x.is_radius for x in defs.values()):
            d.para("$k_F$: the root of its defining relation below (its closed form in radicals is too long "
                   "to typeset).")
        else:
            lines.append((lhs, _L(v), _tag(tag)))
    d.para(r"Scattering time $1/\tau = \pi u_0^2\rho(\epsilon_F)/\hbar$; the transport time follows from the "
           r"$l = 1$ harmonic of the Born collision operator [Eqs.~29--30] (for the TI, "
           r"$1/\tau_{\mathrm{tr}} = (1+3\xi_F^2)/2\tau$ [Eq.~76]):")
    d.eqs(lines)
    if defs:
        d.definitions(defs, "These and the closed forms of the following sections (up to the observables) are "
                            "written in the Fermi-surface variables, defined by")

    # ---- distributions
    kF = g("fermi_wavevector")
    d.add("\\section{Leading-order distribution}\n")
    d.para(r"$n^{(-1)}_{E\mathbf k} = -e\tau_{\mathrm{tr}}\mathbf E\cdot\mathbf v^m_{\mathbf k}\,\delta(\epsilon^m_{\mathbf k}"
           r"-E_F)$ [Eq.~29], order $1/u_0^2$; shown is the coefficient of $\delta(k-k_F)$ on each circle:")
    _dist(d, g("leading_distribution"), r"n^{(-1)}", kF, None, defs)

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
    _dist(d, g("side_jump_distribution"), r"n^{(\mathrm{sj})}", kF, 81, defs)
    d.para(r"Skew-scattering distribution from $J_{\mathrm{sk}} = [J(S_{\mathrm{ext}})]^{\mathrm{diag}}$ "
           r"[Eqs.~31--36], in the Fermi-shell prescription (twice the part on the Fermi circle; the printed "
           r"prescription also puts a part on the other band at $k_F$, e.g.\ the valence shell of Eq.~84 "
           r"-- the two give the same observables for particle-hole symmetric models):")
    _dist(d, g("skew_distribution"), r"n^{(\mathrm{sk})}", kF, 84, defs)

    _beyond_nca_section(d, [g(f"observable:{o}") for o in observables])

    # ---- observables
    for o in observables:
        _observable_section(d, o, g(f"observable:{o}"), model)

    d.add("\\end{document}\n")
    return d.text()


def _beyond_nca_section(d, results):
    """The kinetic equations of the mechanisms beyond the paper (issue 14) present in ``results``:
    pair skew scattering (crossed X, Psi) and third-order skew scattering."""
    names = set()
    for r in results:
        if not isinstance(r, Unavailable):
            names |= set(getattr(r, "contributions", {}))
    crossed, third = {"crossed_X", "crossed_Psi"} & names, "skew_third_order" in names
    if not (crossed or third):
        return
    d.add("\\section{Beyond the non-crossing approximation}\n")
    d.para(r"Projectors $P_a(\mathbf k)$ on the states at energy $\epsilon$, "
           r"$\mathcal P(\mathbf p) = \mathrm{PV}(\epsilon - H_{\mathbf p})^{-1}$, "
           r"$\hat\delta(\mathbf q) = \sum_c P_c(\mathbf q)\,\delta(\epsilon-\epsilon^c_{\mathbf q})$; "
           r"only the parts of the rates antisymmetric under $a\leftrightarrow b$ enter, through a subleading "
           r"Boltzmann equation beside Eq.~34, and $\langle O\rangle = \sum_{m\mathbf k}O^{mm}_{\mathbf k}n_{\mathbf k}$ "
           r"for every operator, like $n^{(\mathrm{sk})}$.")
    lines = []
    if crossed:
        lines += [
            (r"w^{X,A}_{a\to b}", r"-2\pi u_0^4\int_{\mathbf p}\mathrm{Im\,Tr}\big[P_b(\mathbf k')\,\mathcal P(\mathbf p)"
             r"\,P_a(\mathbf k)\,\hat\delta(\mathbf k+\mathbf k'-\mathbf p)\big]", ""),
            (r"w^{\Psi,A}_{a\to b}", r"2\pi u_0^4\int_{\mathbf p}\mathrm{Im\,Tr}\big[P_b(\mathbf k')\big(\mathcal P(\mathbf p)"
             r"\hat\delta(\mathbf p+\mathbf k-\mathbf k') + \hat\delta(\mathbf p)\mathcal P(\mathbf p+\mathbf k-\mathbf k')\big)"
             r"P_a(\mathbf k)\big]", ""),
            (r"J_0[n^{X,\Psi}]", r"-J_{X,\Psi}[n^{(-1)}],\quad J_X[n]_{\mathbf k} = \sum_{\mathbf k'}W^X_{\mathbf k\to\mathbf k'}"
             r"(n_{\mathbf k}+n_{\mathbf k'}),\quad W = \frac{2\pi}{\hbar}\delta(\epsilon-\epsilon')\,w^{A}", "")]
    if third:
        lines += [
            (r"w^{(3)A}_{a\to b}", r"2\pi n_i\langle V^3\rangle\int_{\mathbf p}\mathrm{Im\,Tr}\big[P_b(\mathbf k')"
             r"\,\hat\delta(\mathbf p)\,P_a(\mathbf k)\big]", ""),
            (r"J_0[n^{(\mathrm{sk3})}]", r"-J_{(3)}[n^{(-1)}]", "")]
    d.eqs(lines)
    if crossed:
        d.para(r"Pair skew scattering (the crossed X and $\Psi$ diagrams of Ado \emph{et al.}, EPL 111, 37004 (2015)) "
               r"is of order $u_0^0$, like the side jump; the third-order skew term scales as "
               r"$n_iV_1^3/(n_iV_0^2)^2$. The crossed terms are checked against the crossed Kubo-Streda diagrams "
               r"with ladder vertices (\texttt{symkin.kubo\_crossed}).")


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


#: the stages whose closed forms may be written in the Fermi-surface variables (``compact=True``)
STAGE_KEYS = ("density_of_states", "scattering_time", "transport_time", "leading_distribution",
              "extrinsic_velocity", "extrinsic_spin", "side_jump_distribution", "skew_distribution")


def _stage_definitions(defs, values):
    """The Fermi-surface variables (``defs``: symbol -> Definition, the stage ``fermi_definitions``) if
    any stage value is written in them, else {}."""
    if not isinstance(defs, dict) or not defs:
        return {}
    used = set()
    for v in values:
        for x in (v.values() if isinstance(v, dict) else [v]):
            if isinstance(x, (sp.Basic, sp.MatrixBase)):
                used |= x.free_symbols & set(defs)
    return defs if used else {}


def _dist(d, dist, sym, kF, tag, defs=()):
    if isinstance(dist, Unavailable):
        d.na(sym.replace("\\", ""), dist)
        return
    if not dist:
        d.para("Zero (no Fermi circle).")
        return
    lines = []
    names = {x.name: x for x in defs}
    items = list(dist.items())
    for i, (label, expr) in enumerate(items):
        m = re.match(r"^(\w+) at \|k\| = (.*)$", str(label))
        band, radius = (m.group(1), m.group(2)) if m else (str(label), None)
        sign = {"conduction": "+", "valence": "-"}.get(band, tex_escape(band))
        at = r"k_F" if (radius is not None and not isinstance(kF, Unavailable) and radius == sp.sstr(kF)) \
            else sp.latex(names[radius]) if radius in names \
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
    eqs = paper_equations(key, r.contributions)
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
    gen = [("", f[1], _tag(f[0])) for f in (formula(key, n) for n in r.contributions) if f]
    if gen:
        d.para("General expressions:")
        d.add("\\begin{align*}\n" + " \\\\\n".join(f"& {rhs}{t}" for _, rhs, t in gen) + "\n\\end{align*}\n")
    d.para("Result:")
    u0 = model.disorder.u0
    lines = []
    for n, x in r.items():
        rhs = _L(x)
        if n == "total" and is_matrix(x) and x.has(u0):
            parts = split_orders(x, u0)
            if len(parts) > 1:
                joined = " + ".join(sp.latex(p) for p in parts)
                rhs = joined if len(joined) <= MAX_DISPLAY else rhs
        if n == "total" and isinstance(rhs, _Long):  # written as the sum of the lines above, not as raw text
            named = [_lhs(r, m) for m, y in r.contributions.items() if not _zero(y)]
            rhs = (" + ".join(named) or "0") + r"\quad\text{(the sum of its contributions; expanded in the JSON export)}"
        if key == "spin_orbit_torque" and n == "damping_like" and isinstance(rhs, _Long):
            rhs = (r"M\,\mathbf m\times\sum_{\text{int, ext, sj, sk}}\langle\mathbf s\rangle^{(\cdot)}"
                   r"\quad\text{(the spin density's contributions above; expanded in the JSON export)}")
        lines.append((_lhs(r, n), rhs, _tag(eqs.get(n))))
    d.eqs(lines)
    if r.definitions:  # the Fermi-surface variables of the closed forms (issue 12), one per line
        d.definitions(r.definitions, "where the Fermi-surface variables are defined by")
    xi_form, xi = in_xi(r.total, model)
    if xi_form is not None and key == "sigma_yx":
        M = model_mass(model)
        d.para(f"With $\\xi_F = {_L(M)}/{_L(model.fermi_level)}$:")
        d.eqs([(_lhs(r, n), _L(in_xi(x, model)[0]), _tag(eqs.get(n))) for n, x in r.items()])


def _zero(x):
    return x.is_zero_matrix if isinstance(x, sp.MatrixBase) else sp.sympify(x) == 0


def _lhs(r, name):
    """LaTeX symbol of a contribution: sigma_{yx}^{int}, {chi^z_{yx}}^{sk}, ..."""
    if name == "total":
        return r.symbol
    sup = r"\mathrm{%s}" % r.labels.get(name, name.replace("_", r"\,"))
    sym = "{%s}" % r.symbol if "^" in r.symbol else r.symbol
    return f"{sym}^{{{sup}}}"


def write_latex(model, stages, out_dir, regime=None, observables=("hall",), source=None, description=""):
    """Write ``out_dir/<model name>.tex``; returns the path."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, safe_filename(model.name) + ".tex")
    return write_atomic(path, latex_report(model, stages, regime, observables, source, description))
