"""Generality fuzz test (issue 11, item 9), fixed-seed CI sample: random isotropic two-band models
(tests/fuzzgen.py), each in a subprocess with a hard time limit.  Each example must equal
symkin.numeric to 1e-8 in every contribution (symkin.kubo to 1e-5 on every fourth seed) or raise one
symkin error.  ``make fuzz`` (bench/fuzz.py) runs >= 200 examples."""
import concurrent.futures as cf

import pytest

import fuzzgen

# windings -3, 3, 1, 2, -1, -2, 1; about 2-15 s each on a loaded 2-core machine.  Seed 2 was a
# silently wrong number (winding 3 classified 'gap'), seed 3 a NaN inside its window (a casus
# irreducibilis radius), both now refused; seeds 0 and 12 check Kubo too.  Seeds that still time out
# (none at present) are listed in bench/fuzz.py KNOWN_TIMEOUTS with the reason.  Seed 1 timed out
# in the radius solve before the Fermi-surface variables (issue 12).  Seeds 1005, 1010, 1044
# (winding 3, a zero of the radial factor f(k^2) beyond k_F; 1044 with the valence band occupied to
# infinity) were 'wrong': symkin.numeric's Fermi-sea quadrature was off by 1e-6..1e-4, the closed
# form right; now the quadrature refines until converged.  Seed 1024 (E_F 7e-6 past a band minimum)
# was refused by symkin.numeric ('Fermi level lies in a gap': both circles inside one grid cell of its
# scan); seeds 1043 (valence annulus) and 1177 (both-rising) have three Fermi circles in atoms.
SEEDS = (0, 1, 2, 3, 12, 23, 31, 36, 1005, 1010, 1024, 1043, 1044, 1177)
TIMEOUT = 60.0  # per example, a hard limit (a timeout fails the test)


@pytest.fixture(scope="module")
def outcomes():
    with cf.ThreadPoolExecutor(2) as ex:
        return dict(zip(SEEDS, ex.map(lambda s: fuzzgen.run_isolated(s, TIMEOUT), SEEDS)))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_model_is_right_or_refused(outcomes, seed):
    r = outcomes[seed]
    assert r["status"] in ("pass", "refuse"), f"seed {seed}: {r} (reproduce: python tests/fuzzgen.py {seed})"


def test_generator_is_deterministic_and_varied():
    a, b = fuzzgen.build(7), fuzzgen.build(7)
    assert a[1] == b[1] and a[2] == b[2] and a[0].H == b[0].H
    descs = {fuzzgen.build(s)[2] for s in range(12)}
    assert len(descs) == 12
    names = {n for s in range(40) for n in fuzzgen.build(s)[1]}
    assert names & {"k", "z", "u", "Lambda", "k_1", "Lambda_1", "t_1", "c_1", "theta", "phi"}
