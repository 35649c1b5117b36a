"""What the faces (command line, LaTeX report, JSON/table export, plot) share: the paper reference,
the command-line observables, and small helpers (the mass M of xi = M/epsilon_F, the orders of a
result in u_0, file names, evaluation at a point given by name)."""
from __future__ import annotations

import re

import sympy as sp

from ..observables import anomalous_hall, spin_density, spin_hall, spin_orbit_torque
from ..algebra.poly import ffactor

SCHEMA = 1
PAPER = "F. Burgos Atencia, Q. Niu, D. Culcer, Phys. Rev. Research 4, 013001 (2022)"


#: CLI name -> (JSON key, title, the public API function computing it)
OBSERVABLES = {
    "hall": ("sigma_yx", "Anomalous Hall conductivity", anomalous_hall),
    "spin": ("spin_density", "Spin density", spin_density),
    "torque": ("spin_orbit_torque", "Spin-orbit torque", spin_orbit_torque),
    "spin-hall": ("spin_hall", "Spin-Hall response", spin_hall),
}


def observable_keys(choice):
    """CLI choices ('hall', ..., 'all') -> list of CLI observable names in display order."""
    return list(OBSERVABLES) if choice == "all" else [choice]


def compute_observable(name, model, regime=None, crossed=False):
    """The :class:`symkin.results.Result` of CLI observable ``name`` ('hall', 'spin', ...); with
    ``crossed`` the pair-skew contributions crossed_X, crossed_Psi too."""
    return OBSERVABLES[name][2](model, regime=regime, crossed=crossed)


def model_mass(model):
    """The sigma_z coefficient of H at k = 0 (the 'mass' M of xi = M/epsilon_F), or None."""
    if model.n_bands != 2:
        return None
    h0 = model.H.xreplace({q: 0 for q in model.momenta})
    m = sp.expand((h0[0, 0] - h0[1, 1]) / 2)
    return m if m != 0 else None


def is_matrix(x):
    return isinstance(x, sp.MatrixBase)


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


def safe_filename(name):
    s = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("._")
    return s or "model"


def value_at(expr, values):
    """Evaluate ``expr`` numerically; ``values`` keyed by Symbol or by name."""
    by_name = {(k.name if isinstance(k, sp.Symbol) else k): v for k, v in values.items()}
    expr = sp.sympify(expr)
    missing = sorted(x.name for x in expr.free_symbols if x.name not in by_name)
    if missing:
        raise ValueError(f"no value for {missing}")
    return float(sp.N(expr.xreplace({x: sp.Float(by_name[x.name]) for x in expr.free_symbols})))


def write_atomic(path, data):
    """Write ``data`` (str or bytes) to ``path`` atomically: a temporary file in the same directory,
    then :func:`os.replace` (a reader never sees a half-written file, an interrupted run leaves the
    previous file).  Returns the path."""
    import os
    import tempfile
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)   # as open() would (mkstemp makes 0600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def check_out_dir(out_dir):
    """Create ``out_dir`` if needed and check that a file can be written there, before any
    derivation starts; raises :class:`symkin.errors.SymkinError` naming the directory and the cause."""
    import os
    import tempfile
    from ..errors import SymkinError
    try:
        os.makedirs(out_dir, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".symkin-check.", dir=out_dir)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise SymkinError(f"--out {out_dir}: cannot write there ({exc.strerror or exc}); choose a "
                          "writable directory") from None
