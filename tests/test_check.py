"""Closed form vs Fermi-contour solver vs Kubo-Streda (symkin.check): points inside the regime,
an absolute floor where sigma = 0, exit status 1 on disagreement."""
import subprocess
import sys
from dataclasses import replace

from symkin import check as chk
from symkin.check import check, format_rows, sample_points
from symkin.fermi import get_regime
from symkin.models import massive_dirac, rashba_ferromagnet


def test_closed_form_numeric_and_kubo_agree():
    rows = check(massive_dirac(), n=2, n_points=32)
    for r in rows:
        assert r.numeric_deviation < 1e-10
        assert r.kubo_deviation < 2e-3
        assert r.ok
    assert "dev Kubo" in format_rows(rows)


def test_sample_points_lie_inside_the_window():
    """Rashba ferromagnet: the bounded lower-annulus window (Mexican-hat bottom < E_F < -Delta), the
    bounded 'lower' window and the half-bounded 'both' window, evaluated at the sample point; every
    epsilon_F strictly inside (``--band lower-annulus`` used to evaluate outside its window)."""
    model = rashba_ferromagnet()
    for name in ("lower-annulus", "lower", "both"):
        reg = get_regime(model, name)
        pts = sample_points(model, name, 3)
        base = pts[0]
        lo, hi = chk._num(reg.lower, base), chk._num(reg.upper, base)
        for p in pts:
            assert (lo is None or p["epsilon_F"] > lo) and (hi is None or p["epsilon_F"] < hi), name


def test_zero_sigma_is_compared_with_an_absolute_floor():
    """Rashba ferromagnet with both subbands occupied: sigma_yx = 0 (Nunner et al. 2007); used to
    raise ZeroDivisionError."""
    rows = check(rashba_ferromagnet(), "both", n=1, n_points=32)
    r = rows[0]
    assert r.closed["total"] == 0 and abs(r.kubo) < 1e-8
    assert r.ok and r.kubo_deviation < 1e-4


def test_disagreement_is_not_ok():
    r = check(massive_dirac(), n=1, n_points=32)[0]
    bad = replace(r, kubo=r.kubo * 1.01)
    assert not bad.ok and "NO" in format_rows([bad])


def test_cli_check_subcommand():
    r = subprocess.run([sys.executable, "-m", "symkin.cli", "check", "ti-surface", "--points", "1"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "dev Kubo" in r.stdout and "at M=" in r.stdout
    dev_num, dev_kubo = (float(x) for x in r.stdout.strip().splitlines()[-1].split()[-3:-1])
    assert dev_num < 1e-10 and dev_kubo < 2e-3
