"""Run every derivation and write its outputs to OUTDIR (``make derivations`` = ``run_all.py build``).

* every script ``derivations/*.py`` (except this one) is run as ``python SCRIPT OUTDIR`` -- the
  worked derivations (``ti_surface.py``: paper Section VI checked step by step; ``massive_dirac.py``;
  and those added later, e.g. ``warped_ti.py``, ``tilted_dirac.py``);
* every model file ``derivations/*.toml`` without a script of the same name goes through the command
  line into ``OUTDIR/models/``: the LaTeX report of all observables (``symkin derive FILE --observable
  all --format latex``), the JSON export with 5 sample points, the terminal table and the sigma_yx
  plot.

Each item runs in its own process with a time limit; a summary table ends the run and the exit
status is 1 if any item failed or timed out.

Usage:  python derivations/run_all.py [OUTDIR] [--only SUBSTRING ...] [--skip SUBSTRING ...]
                                     [--timeout SECONDS] [--stage-timeout SECONDS]
"""
import argparse
import glob
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def symkin_cmd():
    exe = os.path.join(os.path.dirname(sys.executable), "symkin")
    return [exe] if os.path.exists(exe) else [sys.executable, "-m", "symkin.cli"]


def items(out, stage_timeout):
    """(label, command, log file) of every derivation."""
    todo = []
    for script in sorted(glob.glob(os.path.join(HERE, "*.py"))):
        if os.path.basename(script) == os.path.basename(__file__):
            continue
        name = os.path.splitext(os.path.basename(script))[0]
        todo.append((f"script {name}.py", [sys.executable, script, out], os.path.join(out, "logs", f"{name}.log")))
    models = os.path.join(out, "models")
    scripts = {os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(HERE, "*.py"))}
    for toml in sorted(glob.glob(os.path.join(HERE, "*.toml"))):
        name = os.path.splitext(os.path.basename(toml))[0]
        if name in scripts:
            continue  # its script derives (and exports) the same model
        base = symkin_cmd() + ["derive", toml]
        st = ["--stage-timeout", str(stage_timeout)] if stage_timeout else []
        todo.append((f"model {name}.toml: latex report + plot",
                     base + ["--observable", "all", "--format", "latex", "--out", models, "--plot"] + st,
                     os.path.join(out, "logs", f"{name}.latex.log")))
        todo.append((f"model {name}.toml: json --sample 5",
                     base + ["--format", "json", "--sample", "5", "--out", models],
                     os.path.join(out, "logs", f"{name}.json.log")))
        todo.append((f"model {name}.toml: table", base + ["--format", "table", "--out", models],
                     os.path.join(out, "logs", f"{name}.table.log")))
    return todo


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", default="build")
    ap.add_argument("--only", nargs="*", default=[], help="run only items whose label contains one of these")
    ap.add_argument("--skip", nargs="*", default=[], help="skip items whose label contains one of these")
    ap.add_argument("--timeout", type=float, default=1800, help="limit per item, seconds (default 1800)")
    ap.add_argument("--stage-timeout", type=float, default=60,
                    help="limit per stage of a model file's LaTeX report, seconds (default 60; the stage is "
                         "then shown as 'not available')")
    args = ap.parse_args(argv)
    out = os.path.abspath(args.out)
    os.makedirs(os.path.join(out, "logs"), exist_ok=True)
    env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    results = []
    t_all = time.monotonic()
    for label, cmd, log in items(out, args.stage_timeout):
        if (args.only and not any(s in label for s in args.only)) or any(s in label for s in args.skip):
            continue
        print(f"== {label}", flush=True)
        t0 = time.monotonic()
        with open(log, "w") as fh:
            try:
                rc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT, env=env,
                                    timeout=args.timeout).returncode
                status = "ok" if rc == 0 else f"FAILED (exit {rc})"
            except subprocess.TimeoutExpired:
                status = f"TIMEOUT after {args.timeout:g} s"
        dt = time.monotonic() - t0
        results.append((label, status, dt, log))
        print(f"   {status} in {dt:.1f} s  (log: {os.path.relpath(log)})", flush=True)
        if status != "ok":
            with open(log) as fh:
                tail = fh.read().splitlines()[-5:]
            print("\n".join("   | " + line for line in tail), flush=True)
    w = max((len(r[0]) for r in results), default=10)
    print(f"\nsummary ({time.monotonic() - t_all:.0f} s), outputs in {os.path.relpath(out)}/:")
    for label, status, dt, _ in results:
        print(f"  {label:<{w}}  {status:<22} {dt:7.1f} s")
    bad = [r for r in results if r[1] != "ok"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
