"""Closed form vs Fermi-contour solver vs Kubo-Streda (symkin.check) for the Dirac models."""
from symkin.check import check, format_rows
from symkin.models import massive_dirac


def test_closed_form_numeric_and_kubo_agree():
    rows = check(massive_dirac(), n=2, n_points=32)
    for r in rows:
        assert r.numeric_deviation < 1e-10
        assert r.kubo_deviation < 2e-3
    assert "rel.dev Kubo" in format_rows(rows)


def test_cli_check_subcommand():
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-m", "symkin.cli", "check", "ti-surface", "--points", "1"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "rel.dev Kubo" in r.stdout
    dev_num, dev_kubo = (float(x) for x in r.stdout.strip().splitlines()[-1].split()[-2:])
    assert dev_num < 1e-10 and dev_kubo < 2e-3
