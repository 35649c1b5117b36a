"""Closed form vs Fermi-contour solver vs Kubo-Streda (symkin.check) for the Dirac models."""
from symkin.check import check, format_rows
from symkin.models import massive_dirac


def test_closed_form_numeric_and_kubo_agree():
    rows = check(massive_dirac(), n=2, n_points=32)
    for r in rows:
        assert r.numeric_deviation < 1e-10
        assert r.kubo_deviation < 2e-3
    assert "rel.dev Kubo" in format_rows(rows)
