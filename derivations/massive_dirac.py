"""The massive Dirac model through symkin's Python API, read from its model file.

    H = hbar v (k_x sigma_x + k_y sigma_y) + Delta sigma_z          (derivations/massive_dirac.toml)

This is the TI surface of paper Section VI (Eq. 68) in a spin basis rotated by pi/2 about z
(sigma_x -> sigma_y, sigma_y -> -sigma_x).  A basis change cannot change a conductivity, and the
spin density must rotate with the basis -- so the derivation checks, exactly:

1. the model file gives the built-in ``massive_dirac()`` Hamiltonian;
2. sigma_yx and each of its four contributions equal the TI's Eqs. 74, 78, 82, 85, 86 with
   M -> Delta, v_F -> v;
3. here v = v sigma, so j_y = -e v <sigma_y>: sigma_yx = -e v <s_y>/E_x term by term
   (the Edelstein part carries no Hall current);
4. the spin density is the TI's rotated by -pi/2 about z: <s>_MD = R_z(-pi/2) <s>_TI;
5. the valence band (E_F = -epsilon_F) and the gap (intrinsic only, e^2/(4 pi hbar) = e^2/2h: the
   half-quantized Hall conductivity of one massive Dirac cone) are printed for reference.

Usage:  python derivations/massive_dirac.py [OUTDIR]     (default: build/)
Writes massive_dirac.tex, massive_dirac.json and massive_dirac_sigma_yx.png; exit status 1 on a mismatch.
"""
import os
import sys
import time

import sympy as sp

from symkin import anomalous_hall, spin_density
from symkin import paper as symkin_paper
from symkin.io import export, latex, pipeline
from symkin.conventions import E_x, E_y, e, epsilon_F as eF, hbar
from symkin.io.modelfile import read_model_file
from symkin.models import M, Delta, massive_dirac, ti_surface, v, v_F

HERE = os.path.dirname(os.path.abspath(__file__))
FAILED = []


def check(what, got, expected):
    d = sp.Matrix(got) - sp.Matrix(expected) if isinstance(got, sp.MatrixBase) else sp.Matrix([got - expected])
    ok = all(sp.cancel(sp.expand(x)) == 0 for x in d)
    print(f"  [{'ok' if ok else 'MISMATCH'}] {what}")
    if not ok:
        FAILED.append(what)
        print(f"      got:      {sp.sstr(got)}\n      expected: {sp.sstr(expected)}")


def main(out):
    t0 = time.monotonic()
    # 1. the model file (parsed without executing anything, see symkin.io.modelfile)
    mf = read_model_file(os.path.join(HERE, "massive_dirac.toml"))
    model = mf.model
    print(f"{model}\n  from {mf.source}: {mf.description}\n")
    check("model file = built-in massive_dirac()", model.H, massive_dirac().H)

    # 2. sigma_yx against the TI closed forms with M -> Delta, v_F -> v
    s = anomalous_hall(model)
    print("\n" + export.text_table(s, key="sigma_yx") + "\n")
    paper = symkin_paper.ti_sigma_yx(M=Delta, v_F=v)  # the TI's Eqs. 74-86 with M -> Delta (symkin.paper)
    eqs = {"intrinsic": 74, "extrinsic": 78, "side_jump": 82, "skew": 85, "total": 86}
    for name, expected in paper.items():
        check(f"sigma_yx {name} = TI Eq. {eqs[name]} (M -> Delta)", s[name], expected)

    # 3. sigma_yx = -e v <s_y> / E_x, term by term
    sd = spin_density(model)
    pairs = {"intrinsic": "intrinsic", "extrinsic": "extrinsic", "side_jump": "side_jump",
             "skew": "skew"}
    for h, sn in pairs.items():
        check(f"sigma_yx {h} = -e v <s_y>/E_x", s[h], -e * v * sp.expand(sd[sn][1]).coeff(E_x))
    check("Edelstein part carries no Hall current", sp.expand(sd.fermi_surface[1]).coeff(E_x), 0)

    # 4. rotation of the spin density: sigma_x -> sigma_y, sigma_y -> -sigma_x maps TI -> MD
    sd_ti = spin_density(ti_surface())
    Rz = sp.Matrix([[0, 1, 0], [-1, 0, 0], [0, 0, 1]])           # R_z(-pi/2)
    for name in sd.contributions:
        check(f"<s>_{name} = R_z(-pi/2) <s>_TI (M -> Delta, v_F -> v)", sd[name],
              (Rz * sd_ti[name]).xreplace({M: Delta, v_F: v}))

    # 5. the other regimes, for reference
    for regime in ("valence", "gap"):
        r = anomalous_hall(model, regime)
        print(f"\n  sigma_yx, {r.regime}:")
        for name, x in r.items():
            print(f"    {name:<20} {sp.sstr(x)}")
    print(f"\nderived and checked in {time.monotonic() - t0:.1f} s")

    # exports: the full report (the CLI does the same: symkin derive derivations/massive_dirac.toml ...)
    os.makedirs(out, exist_ok=True)
    stages = pipeline.run_stages(model, None, pipeline.report_tasks(["hall", "spin"]), jobs=2,
                               progress=pipeline.Progress())
    paths = [latex.write_latex(model, stages, out, observables=["hall", "spin"], source=mf.source,
                                description=mf.description)]
    paths += export.write_exports(model, {"hall": s, "spin": sd}, out, "massive_dirac", source=mf.source)
    for p in paths:
        print("wrote", p)
    if FAILED:
        print(f"\n{len(FAILED)} check(s) failed")
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build"))
