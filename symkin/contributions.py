r"""The contributions of a response, in one place: name, LaTeX label, paper equation of the TI closed
form (Section VI) and the general formula, per observable.

The terminal table, the LaTeX report and the JSON document read this registry; the engine labels its
:class:`~symkin.results.Result` from it.  Adding a mechanism means one :class:`Contribution` here and
one kinetic term that computes it (its value under the same name in the result).

Quantity keys are those of the exports: ``"sigma_yx"``, ``"spin_density"``, ``"spin_orbit_torque"``,
``"spin_hall"``, ``"response"``.

>>> label("side_jump"), paper_equation("sigma_yx", "skew"), paper_equation("sigma_yx", "total")
('sj', 85, 86)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["Contribution", "CONTRIBUTIONS", "TOTALS", "canonical", "contribution", "label", "labels",
           "paper_equation", "paper_equations", "formula"]


@dataclass(frozen=True)
class Contribution:
    """One mechanism of a linear response.

    Attributes
    ----------
    name : str
        The key in every :class:`~symkin.results.Result` (closed form, numeric, Kubo).
    label : str
        LaTeX superscript (``\\sigma_{yx}^{\\mathrm{sj}}``); ``labels`` overrides it per quantity.
    title : str
        A few words for people.
    equations : Mapping[str, int]
        Quantity key -> paper equation of the TI closed form.
    formulas : Mapping[str, tuple[int, str]]
        Quantity key -> (paper equation, LaTeX of the general formula).
    aliases : tuple of str
        Synonyms a result also answers to (``r.extrinsic_velocity`` and ``r["extrinsic_velocity"]`` read
        ``extrinsic``: the paper's name of that term of sigma_yx, Eq. 78, kept as a permanent key).
    """

    name: str
    label: str
    title: str
    equations: MappingProxyType = field(default_factory=dict)
    formulas: MappingProxyType = field(default_factory=dict)
    labels: MappingProxyType = field(default_factory=dict)
    aliases: tuple = ()

    def __post_init__(self):
        for f in ("equations", "formulas", "labels"):
            object.__setattr__(self, f, MappingProxyType(dict(getattr(self, f))))


_SUM = r"\sum_{m,\mathbf k}"
CONTRIBUTIONS = MappingProxyType({c.name: c for c in (
    Contribution(
        "fermi_surface", "FS", "Fermi surface, leading order n^(-1) (Drude, Edelstein)",
        equations={"spin_density": 90},
        formulas={"response": (63, r"\langle O\rangle^{\mathrm{FS}} = " + _SUM + r"O^{mm}_{\mathbf k}\,n^{(-1)m}_{E\mathbf k}"),
                  "spin_density": (87, r"\langle\mathbf s\rangle^{\mathrm{Edel}} = " + _SUM + r"\mathbf s^{mm}_{\mathbf k}"
                                       r"\,n^{(-1)m}_{E\mathbf k}")},
        labels={"spin_density": "Edel"}),
    Contribution(
        "intrinsic", "int", "intrinsic, Fermi sea (Berry curvature)",
        equations={"sigma_yx": 74, "spin_density": 96},
        formulas={"sigma_yx": (72, r"\sigma^{\mathrm{int}}_{yx} = \frac{e^2}{\hbar}" + _SUM + r"\Omega^m_{\mathbf k,z}\,"
                                   r"n_{\mathrm{FD}}(\epsilon^m_{\mathbf k})"),
                  "spin_density": (91, r"\langle\mathbf s\rangle^{\mathrm{int}} = \frac{ie\mathbf E}{\hbar}\cdot\sum_{nm\mathbf k}"
                                       r"(\mathcal T^{mn}_{\mathbf k}\mathcal R^{nm}_{\mathbf k} - \mathcal R^{mn}_{\mathbf k}"
                                       r"\mathcal T^{nm}_{\mathbf k})\,n_{\mathrm{FD}}(\epsilon^m_{\mathbf k})"),
                  "response": (57, r"\langle O\rangle^{\mathrm{int}} = \frac{ie}{\hbar}" + _SUM + r"[\mathcal T_{\mathbf k},"
                                   r"\mathbf E\cdot\mathcal R'_{\mathbf k}]^{mm}\,n_{\mathrm{FD}}(\epsilon^m_{\mathbf k})")}),
    Contribution(
        "extrinsic", "ext", "extrinsic velocity / extrinsic spin (the vertex of J(n^(-1)))",
        equations={"sigma_yx": 78, "spin_density": 99},
        formulas={"sigma_yx": (75, r"\sigma^{\mathrm{ext}}_{yx} = -\frac{e}{E_x}" + _SUM +
                                   r"n^{(-1)m}_{E\mathbf k}\,\beta^m_{\mathbf k,y}"),
                  "spin_density": (97, r"\langle\mathbf s\rangle^{\mathrm{ext}} = " + _SUM + r"n^{(-1)m}_{E\mathbf k}\,"
                                       r"\boldsymbol\gamma^m_{\mathbf k}"),
                  "response": (58, r"\langle O\rangle^{\mathrm{ext}} = \sum_{\mathbf k}\mathrm{Tr}[\mathcal T_{O}\,"
                                   r"J(n^{(-1)})]")},
        aliases=("extrinsic_velocity",)),
    Contribution(
        "side_jump", "sj", "side jump, n^sj from the field-corrected collision integral J_E",
        equations={"sigma_yx": 82, "spin_density": 101},
        formulas={"sigma_yx": (79, r"\sigma^{\mathrm{sj}}_{yx} = -\frac{e}{E_x}" + _SUM + r"v^{mm}_{\mathbf k,y}\,"
                                   r"n^{(\mathrm{sj})m}_{E\mathbf k}"),
                  "spin_density": (100, r"\langle\mathbf s\rangle^{\mathrm{sj}} = " + _SUM + r"\mathbf s^{mm}_{\mathbf k}\,"
                                        r"n^{(\mathrm{sj})m}_{E\mathbf k}")}),
    Contribution(
        "skew", "sk", "skew scattering, n^sk from J_sk = [J(S_ext)]^diag",
        equations={"sigma_yx": 85, "spin_density": 103},
        formulas={"sigma_yx": (83, r"\sigma^{\mathrm{sk}}_{yx} = -\frac{e}{E_x}" + _SUM + r"v^{mm}_{\mathbf k,y}\,"
                                   r"n^{(\mathrm{sk})m}_{E\mathbf k}"),
                  "spin_density": (102, r"\langle\mathbf s\rangle^{\mathrm{sk}} = " + _SUM + r"\mathbf s^{mm}_{\mathbf k}\,"
                                        r"n^{(\mathrm{sk})m}_{E\mathbf k}")}),
    Contribution("skew_third_order", "sk3", "third-order skew scattering of non-Gaussian disorder "
                 "(<V^3> of point impurities; beyond the paper)"),
    Contribution("crossed_X", "X", "pair skew scattering, crossed X diagram (beyond the paper's NCA)"),
    Contribution("crossed_Psi", r"\Psi", "pair skew scattering, crossed Psi diagram (beyond the paper's NCA)"),
    Contribution("field_like", "FL", "field-like torque (the Edelstein part, order tau)",
                 equations={"spin_orbit_torque": 105}),
    Contribution("damping_like", "DL", "damping-like torque (the disorder-independent rest)",
                 equations={"spin_orbit_torque": 105}),
    Contribution("streda_I", "I", "Kubo-Streda Fermi-surface term, disorder-independent part "
                 "(side jump + skew + extrinsic + the Fermi-surface part of the intrinsic)"),
    Contribution("streda_II", "II", "Kubo-Streda Fermi-sea term (clean limit)"),
)})

#: paper equation of the total, per quantity (TI surface, Section VI)
TOTALS = MappingProxyType({"sigma_yx": 86, "spin_density": 104, "spin_orbit_torque": 105})

_ALIASES = {a: c.name for c in CONTRIBUTIONS.values() for a in c.aliases}


def canonical(name):
    """The registry name of ``name`` (former names resolve to the current one)."""
    return _ALIASES.get(name, name)


def contribution(name):
    """The :class:`Contribution` of ``name`` (or a former name); None for a name not registered."""
    return CONTRIBUTIONS.get(canonical(name))


def label(name, quantity=None):
    """LaTeX superscript of contribution ``name`` in ``quantity`` (the name itself when unknown)."""
    c = contribution(name)
    if c is None:
        return name.replace("_", r"\,")
    return c.labels.get(quantity, c.label)


def labels(names, quantity=None):
    """{name: label} of several contributions."""
    return {n: label(n, quantity) for n in names}


def paper_equation(quantity, name):
    """Paper equation of the TI closed form of ``name`` (or ``"total"``) in ``quantity``, or None."""
    if name == "total":
        return TOTALS.get(quantity)
    c = contribution(name)
    return None if c is None else c.equations.get(quantity)


#: mechanisms beyond the paper: with any of them the total is no longer the paper's total
BEYOND_PAPER = ("crossed_X", "crossed_Psi", "skew_third_order")


def paper_equations(quantity, names):
    """{name: equation} of the names (and ``"total"``, unless a mechanism beyond the paper is among
    them) that have one."""
    names = list(names)
    total = [] if set(names) & set(BEYOND_PAPER) else ["total"]
    out = {n: paper_equation(quantity, n) for n in names + total}
    return {n: e for n, e in out.items() if e is not None}


def formula(quantity, name):
    """(paper equation, LaTeX) of the general formula of ``name`` in ``quantity``, or None."""
    c = contribution(name)
    return None if c is None else c.formulas.get(quantity)
