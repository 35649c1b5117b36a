"""`make bench`: cold wall times of the symbolic derivations (each in a fresh interpreter, imports
included, nothing cached across processes), per-stage times, lambdify throughput, then the numeric
back-ends (bench/bench_numeric.py).  Figures are printed, never asserted.

Targets (2-core machine): TI sigma_yx <= 2.5 s cold; bhz_like (D != 0) <= 5 s; cubic Rashba
ferromagnet <= 30 s; TI spin density < 5 s cold; Rashba ferromagnet
derivation < 20 s cold; lambdify >= 1e6 points/s.
"""
import os
import subprocess
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))

COLD = {
    "TI sigma_yx (anomalous_hall), cold": "from symkin import anomalous_hall; from symkin.models import ti_surface; anomalous_hall(ti_surface())",
    "TI spin density (spin_density), cold": "from symkin import spin_density; from symkin.models import ti_surface; spin_density(ti_surface())",
    "TI torque (spin_orbit_torque), cold": "from symkin import spin_orbit_torque; from symkin.models import ti_surface; spin_orbit_torque(ti_surface())",
    "massive Dirac sigma_yx, cold": "from symkin import anomalous_hall; from symkin.models import massive_dirac; anomalous_hall(massive_dirac())",
    "Rashba ferromagnet sigma_yx, -Delta < E_F < Delta, cold": "from symkin import anomalous_hall; from symkin.models import rashba_ferromagnet; anomalous_hall(rashba_ferromagnet(), regime='lower')",
    "Rashba ferromagnet sigma_yx, E_F > Delta (two Fermi circles), cold": "from symkin import anomalous_hall; from symkin.models import rashba_ferromagnet; anomalous_hall(rashba_ferromagnet(), regime='both')",
    "Rashba ferromagnet sigma_yx, annulus below -Delta, cold": "from symkin import anomalous_hall; from symkin.models import rashba_ferromagnet; anomalous_hall(rashba_ferromagnet(), regime='lower-annulus')",
    "Rashba ferromagnet spin density, E_F > Delta, cold": "from symkin import spin_density; from symkin.models import rashba_ferromagnet; spin_density(rashba_ferromagnet(), regime='both')",
    "Rashba 2DEG spin density (Edelstein), cold": "from symkin import spin_density; from symkin.models import rashba; spin_density(rashba(), regime='both')",
    "TI sigma_yx crossed (NCA + X + Psi), cold (target 10 s)": "from symkin import anomalous_hall; from symkin.models import ti_surface; anomalous_hall(ti_surface(), crossed=True)",
    "massive Dirac sigma_yx, point impurities (third-order skew), cold": "import sympy as sp; from symkin import anomalous_hall, Model; from symkin.disorder import PointImpurities; from symkin.models import massive_dirac; m = massive_dirac(); anomalous_hall(Model(m.H, m.momenta, PointImpurities(sp.Symbol('n_i', positive=True), sp.Symbol('V_0', positive=True), sp.Symbol('V_1', real=True))))",
    "Rashba FM numeric crossed per E_F (two circles, E_F = 1; target 5 s)": "from symkin.crossed_numeric import crossed_hall_numeric; from symkin.models import rashba_ferromagnet; crossed_hall_numeric(rashba_ferromagnet(), 1.0, {'hbar': 1.0, 'm': 1.0, 'alpha': 1.0, 'Delta': 0.5})",
    "bhz_like sigma_yx, D != 0, conduction (Fermi-surface variables), cold (target 5 s)": "from symkin import anomalous_hall; from symkin.models import bhz_like; anomalous_hall(bhz_like(), regime='conduction')",
    "bhz_like Fermi sea, both-rising (two circles, k_{F,1}, k_{F,2}), cold": "from symkin.observables import fermi_sea; from symkin.models import bhz_like; m = bhz_like(); fermi_sea(m, m.velocity_operator()[1], regime='both-rising')",
    "bhz_like sigma_yx, both-rising (two circles, atoms v_F,i, m_F,i, tau_ij), cold": "from symkin import anomalous_hall; from symkin.models import bhz_like; anomalous_hall(bhz_like(), regime='both-rising')",
    "cubic Rashba ferromagnet sigma_yx, valence-annulus (two circles of a cubic relation), cold": "from symkin import anomalous_hall; from symkin.models import cubic_rashba_ferromagnet; anomalous_hall(cubic_rashba_ferromagnet(), regime='valence-annulus')",
    "cubic Rashba ferromagnet sigma_yx, conduction (k_F^2 root of a cubic), cold (target 30 s)": "from symkin import anomalous_hall; from symkin.models import cubic_rashba_ferromagnet; anomalous_hall(cubic_rashba_ferromagnet(), regime='conduction')",
    "three Fermi circles (fuzz seed 1022: valence annulus, d_z quartic in k), sigma_yx, cold": "import sys; sys.path.insert(0, " + repr(os.path.join(os.path.dirname(HERE), "tests")) + "); import fuzzgen; from symkin import anomalous_hall; m, v, _ = fuzzgen.build(1022); anomalous_hall(m, fuzzgen.regime_at(m, v))",
    "bhz_like --observable all LaTeX report (derivation + formatting), cold": "import tempfile; from symkin.io.cli import main; main(['derive', 'bhz-like', '--observable', 'all', '--format', 'latex', '--out', tempfile.mkdtemp(), '-q'])",
    "TI --observable all LaTeX report (derivation + formatting), cold": "import tempfile; from symkin.io.cli import main; main(['derive', 'ti-surface', '--observable', 'all', '--format', 'latex', '--out', tempfile.mkdtemp(), '-q'])",
    "4x4 massive Dirac (+Delta) + (-Delta) sigma_yx, cold": "from symkin import anomalous_hall; from symkin.models import massive_dirac, Delta; from symkin.blocks import direct_sum; anomalous_hall(direct_sum(massive_dirac(), massive_dirac(-Delta)))",
}

STAGES = textwrap.dedent("""
    import time
    t0 = time.perf_counter()
    import symkin
    from symkin.models import ti_surface
    from symkin.kinetics import kinetics
    from symkin.observables import fermi_sea, _extrinsic
    t = time.perf_counter(); print(f"  {'import symkin':32s} {t - t0:6.2f} s"); last = t
    m = ti_surface(); kin = kinetics(m, None)
    vy = m.velocity_operator()[1]
    for name, f in [("bands, rings, regime", lambda: kin.rs.fermi_rings()),
                    ("n^(-1) (Boltzmann, harmonics)", kin.n_leading),
                    ("D', S_ext", kin.S_ext),
                    ("J_E -> n^sj", kin.n_side_jump),
                    ("J_sk -> n^sk (both shells)", kin.n_skew),
                    ("beta (extrinsic vertex) sum", lambda: kin.rs.reduce(_extrinsic(kin, vy))),
                    ("Fermi sea (Berry curvature)", lambda: fermi_sea(m, vy))]:
        f(); t = time.perf_counter(); print(f"  {name:32s} {t - last:6.2f} s"); last = t
    print(f"  {'total':32s} {last - t0:6.2f} s")
""")

LAMBDIFY = textwrap.dedent("""
    import time, numpy as np
    from symkin import anomalous_hall
    from symkin.models import ti_surface
    f = anomalous_hall(ti_surface()).lambdify()
    n = 1_000_000
    args = dict(e=np.ones(n), hbar=np.ones(n), v_F=np.ones(n), M=np.full(n, 0.3),
                epsilon_F=np.linspace(0.31, 3.0, n), u_0=np.full(n, 0.1))
    f(**args); t0 = time.perf_counter(); f(**args); dt = time.perf_counter() - t0
    print(f"  sigma_yx(xi) on 1e6 points: {dt*1e3:.1f} ms -> {n/dt:.3g} points/s (target >= 1e6)")
""")


def run(code):
    import time
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        print(out.stderr[-2000:])
    return time.perf_counter() - t0, out.stdout


def main():
    print("symkin benchmarks (wall time, fresh interpreter each, 2-core target machine)")
    for name, code in COLD.items():
        dt, _ = run(code)
        print(f"  {name:42s} {dt:6.2f} s")
    print("TI sigma_yx by stage (one process):")
    print(run(STAGES)[1], end="")
    print("lambdify (NumPy back-end):")
    print(run(LAMBDIFY)[1], end="")
    print("numeric back-ends:")
    subprocess.run([sys.executable, os.path.join(HERE, "bench_numeric.py")])


if __name__ == "__main__":
    main()
