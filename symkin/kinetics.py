r"""The kinetic chain: one Born collision operator and everything composed from it.

Notation: :math:`O^{ab}_{kk'} = \langle u^a_k|u^b_{k'}\rangle`, :math:`K = \pi u_0^2/\hbar`,
:math:`\sum_{\mathbf k} = \int d^2k/(2\pi)^2`.  Distributions are band matrices supported on rings,
:math:`f(\mathbf k) = \sum_\rho \delta(k - k_\rho) F_\rho(\theta)`, with :math:`F_\rho` Laurent in
:math:`z = e^{i\theta}`.

Born collision integral (paper Eqs. 18-20, delta parts only; Gaussian white noise, Eq. 10)
-------------------------------------------------------------------------------------------
.. math::
    J(f)^{ab}_k = K\sum_{k'cd}\Big[O^{ac}_{kk'}O^{cd}_{k'k}f^{db}_k\,\delta(\epsilon^c_{k'}-\epsilon^b_k)
      - O^{ac}_{kk'}f^{cd}_{k'}O^{db}_{k'k}\,\delta(\epsilon^c_{k'}-\epsilon^b_k)
      - O^{ad}_{kk'}f^{dc}_{k'}O^{cb}_{k'k}\,\delta(\epsilon^a_k-\epsilon^c_{k'})
      + f^{ad}_kO^{dc}_{kk'}O^{cb}_{k'k}\,\delta(\epsilon^a_k-\epsilon^c_{k'})\Big].

Its diagonal on diagonal f is Eq. 28 (:math:`J_0`); composed from it:

* :math:`n^{(-1)}`: :math:`J_0[n] = e\mathbf E\cdot\mathbf v\,\partial n_{FD}/\partial\epsilon` (Eq. 27), solved in
  angular harmonics (J0 is diagonal in them) -> transport time (Eq. 76);
* :math:`D' = -[J(n^{(-1)})]^{\rm off}` (Eq. 33), :math:`S_{\rm ext}^{ab} = \hbar D'^{ab}/(i(\epsilon^a-\epsilon^b))`
  (Eq. 31, principal part dropped);
* :math:`J_{sk} = [J(S_{\rm ext})]^{\rm diag}` -- the printed Eq. 36 is garbled (paper/NOTES.md); this
  is its defining form, and it is non-zero on every band at the Fermi momenta (for the TI also the
  valence band at energy :math:`-\epsilon_F`), solved shell by shell for :math:`n^{sk}` (Eq. 35);
* the extrinsic vertex :math:`\beta` / :math:`\gamma` is the adjoint of J (Eq. 44:
  :math:`\sum_k{\rm Tr}[X J(n)] = \sum_k n\,\gamma_X`), implemented once for any interband
  :math:`X` (:math:`X = \mathcal R'` gives :math:`\beta`, Eq. 47 corrected: R at k' in the second
  bracket; :math:`X = \mathcal T_O` gives :math:`\gamma`, Eq. 61 corrected likewise).

The field-corrected collision integral (Eq. 38) is used in the gauge-invariant form obtained by
expanding :math:`(\nabla_k+\nabla_{k'})O` with :math:`\nabla_k\langle u^m_k| = i\sum_n\mathcal R^{mn}_k\langle u^n_k|`:
the band-diagonal connections cancel exactly against the first line of Eq. 38, leaving

.. math:: [J_E(n_{FD})]^m_k = \frac{2\pi u_0^2}{\hbar}\frac{\partial n_{FD}}{\partial\epsilon}\,e\mathbf E\cdot
   \sum_{m'k'}{\rm Re}\{[\mathcal R'_kO_{kk'} - O_{kk'}\mathcal R'_{k'}]^{mm'}(O^{mm'}_{kk'})^*\}
   \,\delta(\epsilon^m_k-\epsilon^{m'}_{k'}).

No :math:`[J(S_{\rm int})]^{\rm diag}` term is added to Eq. 34 (it would double count J_E).
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from . import conventions as cv
from .bands import conj, theta, z, zp
from .errors import RegimeError
from .fermi import RingSet
from .geometry import BandBasis
from .regimes import get_regime
from .algebra.integrate import harmonics, laurent_coeff
from .model import Model
from .internal import internal, internal_symbols
from .algebra.fsvars import has_fermi_symbols
from .algebra.poly import ffactor, solve_linear
from .algebra.bounds import simplify_bounded

E_VEC = (cv.E_x, cv.E_y)
#: how the skew driving term treats shells away from E_F (see :meth:`Kinetics.J_skew`)
SKEW_PRESCRIPTIONS = ("fermi-shell", "all-shells")


class Kinetics:
    """The kinetic chain of one model in one Fermi-level regime (built once, then queried)."""

    def __init__(self, model: Model, regime, gauge=None, skew="fermi-shell"):
        if skew not in SKEW_PRESCRIPTIONS:
            raise ValueError(f"skew must be one of {SKEW_PRESCRIPTIONS}, got {skew!r}")
        self.skew = skew
        self.model = model
        self.regime = get_regime(model, regime)
        self.rs = RingSet(model, self.regime)
        self.n = self.rs.n
        self.basis = BandBasis(model, self.rs, gauge)  # U, overlaps, operators, T_O, R' on the rings
        self.kernel = model.disorder.born_kernel(self.basis)  # K = pi u0^2/hbar, shell-averaged <OO>
        self.K = self.kernel.K
        self.W = self.basis.W
        b = self.basis
        self.U, self.Udag, self.overlap, self.band_matrix = b.U, b.Udag, b.overlap, b.band_matrix
        self.interband, self.connection = b.interband, b.connection
        self._n1 = None

    # ------------------------------------------------------------------ band basis (symkin.geometry)
    def energies(self, ring):
        return self.basis.energies(ring)

    def diagonal_entries(self, dist):
        """(ring, band, value) for the non-zero band-diagonal entries of a ring distribution."""
        for idx, F in dist.items():
            for b in range(self.n):
                if F[b, b] != 0:
                    yield self.rs.rings[idx], b, F[b, b]

    # ------------------------------------------------------------------ the collision operator
    def collide(self, f, shell=None):
        """Born collision integral J(f) of a ring distribution ``{ring: N x N matrix in z}``.

        ``shell`` (an energy) restricts the output to the diagonal entries on that energy shell (the
        other entries are not computed)."""
        out = {}
        on = None
        if shell is not None:
            eps = self.rs.shell_key(shell)
            on = lambda E: self.rs.shell_key(E) == eps

        def add(ring, a, b, val):
            M = out.setdefault(ring.index, sp.zeros(self.n, self.n))
            M[a, b] += val

        rings = {R.index: R for R in self.rs.rings}
        for idx, F in list(f.items()):
            sig = rings[idx]
            e = self.energies(sig)
            # f at k: T1 + T4, output on the same ring
            for a in range(self.n):
                for b in range(self.n):
                    if on and (a != b or not on(e[a])):
                        continue
                    col, row = any(F[d, b] != 0 for d in range(self.n)), any(F[a, d] != 0 for d in range(self.n))
                    # (no rings sought on empty shells)
                    Ab = self.kernel.shell_average(sig, e[b]) if col else None
                    Aa = self.kernel.shell_average(sig, e[a]) if row else None
                    val = sum(((Ab[a, d] * F[d, b] if col else 0) + (F[a, d] * Aa[d, b] if row else 0)
                               for d in range(self.n)), sp.S.Zero)
                    if val != 0:
                        add(sig, a, b, self.K * val)
            # f at k': T2 (delta(eps_c(sig) - eps_b(k))) and T3 (delta(eps_a(k) - eps_c(sig)))
            Fp = F.xreplace({z: zp})
            for c in range(self.n):
                if on and not on(e[c]) or all(F[c, d] == 0 and F[d, c] == 0 for d in range(self.n)):
                    continue
                for band in range(self.n):
                    for rho in self.rs.rings_at(band, e[c]):
                        pref = -self.K * sig.r / (2 * sp.pi * self.rs.abs_slope(rho, band))
                        O1 = self.overlap(rho, z, sig, zp)
                        O2 = self.overlap(sig, zp, rho, z)
                        for x in range(self.n):
                            # T2: output (x, band), row c of F
                            v2 = sum((O1[x, c] * Fp[c, d] * O2[d, band] for d in range(self.n)), sp.S.Zero)
                            # T3: output (band, x), column c of F
                            v3 = sum((O1[band, d] * Fp[d, c] * O2[c, x] for d in range(self.n)), sp.S.Zero)
                            if on and x != band:
                                continue
                            if v2 != 0:
                                add(rho, x, band, pref * self.rs.laurent(v2, zp, 0))
                            if v3 != 0:
                                add(rho, band, x, pref * self.rs.laurent(v3, zp, 0))
        return {i: M.applyfunc(self.tidy) for i, M in out.items()}

    # ------------------------------------------------------------------ Boltzmann equations
    def solve(self, drive):
        r"""Solve :math:`J_0[n] = \text{drive}` for a diagonal ring distribution.

        J0 conserves energy, so each energy shell is solved separately, and commutes with rotations,
        so each angular harmonic :math:`z^l` is a (rings x bands) linear system.  The l = 0 harmonic
        (density) is not driven by a uniform field and must be absent.
        """
        self.rs.require_closed_form()  # (several circles in atoms: at most MAX_ATOMIC_CIRCLES)
        shells = {}
        for R, b, val in self.diagonal_entries(drive):
            E = self.rs.energy(R, b)
            key = self.rs.shell_key(E)
            shells.setdefault(key, (E, {}))[1][(R.index, b)] = val
        sol = {}
        for key, (E, entries) in shells.items():
            pairs = [(R.index, b) for b in range(self.n) for R in self.rs.rings_at(b, E)]
            ls = set()
            for val in entries.values():
                ls |= set(harmonics(val, z))
            if 0 in ls:
                raise ValueError("an isotropic l = 0 drive cannot be balanced by J0 (particle number)")
            for l in sorted(ls):
                xs = internal_symbols(f"_x0:{len(pairs)}")
                trial = {}
                for (idx, b), x in zip(pairs, xs):
                    trial.setdefault(idx, sp.zeros(self.n, self.n))[b, b] += x * z**l
                Jt = self.collide(trial)
                Amat = sp.zeros(len(pairs), len(pairs))
                rhs = sp.zeros(len(pairs), 1)
                for i, (idx, b) in enumerate(pairs):
                    row = Jt.get(idx, sp.zeros(self.n, self.n))[b, b]
                    for j, x in enumerate(xs):  # J0 is linear in the trial amplitudes
                        col = row.xreplace({y: (1 if y == x else 0) for y in xs})
                        Amat[i, j] = self.rs.laurent(col, z, l)
                    rhs[i] = laurent_coeff(entries.get((idx, b), 0), z, l)
                if self.rs.atomic() and key == ("E_F",):
                    # several circles without shell parametrisation: x = tau rhs with the named
                    # inverse collision matrix (RingSet.inverse_collision), linear in the tau_ij
                    tau = self.rs.inverse_collision(Amat)
                    xsol = [self.rs.canon(sum((tau[i, j] * rhs[j] for j in range(len(pairs))), sp.S.Zero))
                            for i in range(len(pairs))]
                else:
                    xsol = solve_linear(Amat, rhs, self.rs.canon)  # canonical forms between the steps
                for (idx, b), val in zip(pairs, xsol):
                    if val != 0:
                        sol.setdefault(idx, sp.zeros(self.n, self.n))[b, b] += val * z**l
        return sol

    def field_drive(self):
        r"""Right-hand side of Eq. 27, :math:`e\mathbf E\cdot\mathbf v\,\partial n_{FD}/\partial\epsilon
        = -e\mathbf E\cdot\mathbf v\,\delta(k-k_F)/|\partial_k\epsilon|` on each Fermi ring."""
        cos, sin = (z + 1 / z) / 2, (z - 1 / z) / (2 * sp.I)
        drive = {}
        for R, b in self.rs.fermi_rings():
            slope = self.rs.dispersion_slope(R, b)
            sgn = slope / self.rs.abs_slope(R, b)
            F = drive.setdefault(R.index, sp.zeros(self.n, self.n))
            F[b, b] += sp.expand(-cv.e * sgn / cv.hbar * (cv.E_x * cos + cv.E_y * sin))
        return drive

    def n_leading(self):
        """n_E^(-1): leading (order 1/u0^2) diagonal distribution (Eqs. 27-30)."""
        if self._n1 is None:
            self._n1 = self.solve(self.field_drive())
        return self._n1

    def D_prime(self):
        """Anomalous driving term D' = -[J(n^(-1))]^off (Eq. 33) on the Fermi rings."""
        Jn = self.collide(self.n_leading())
        return {i: -_offdiag(M) for i, M in Jn.items()}

    def S_ext(self):
        """Extrinsic off-diagonal density matrix S = hbar D'/(i (eps_a - eps_b)) (Eq. 31)."""
        Dps = self.D_prime()
        rings = {R.index: R for R in self.rs.rings}
        out = {}
        for idx, Dp in Dps.items():
            e = self.energies(rings[idx])
            S = sp.zeros(self.n, self.n)
            for a in range(self.n):
                for b in range(self.n):
                    if a != b and Dp[a, b] != 0:
                        S[a, b] = self.tidy(cv.hbar * Dp[a, b] / (sp.I * (e[a] - e[b])))
            out[idx] = S
        return out

    def J_skew(self):
        r"""Skew driving term :math:`J_{sk} = [J(S_{\rm ext})]^{\rm diag}` (defining form of Eq. 36).

        ``skew='all-shells'``: as printed -- every delta function at the band energy of its index, so
        :math:`J_{sk}^{mm}` also lives on the shells :math:`\epsilon^m(k_F) \ne E_F` (for the TI the
        valence band at :math:`-\epsilon_F`, paper/NOTES.md).  ``skew='fermi-shell'`` (default): the
        part on the Fermi shell, twice.  The two coincide for particle-hole symmetric models (TI,
        massive Dirac: Eqs. 84-85); without that symmetry only the second equals the non-crossing
        Kubo-Streda result (verified numerically for bhz_like with D != 0, the tilted Dirac cone and
        the Rashba ferromagnet in all its regimes, where it gives the published sigma_yx = 0 with both
        bands occupied, Nunner et al. PRB 76, 235312 (2007)); see README, "Skew prescription".
        """
        if self.skew == "all-shells":
            return {i: _diag(M) for i, M in self.collide(self.S_ext()).items()}
        J = self.collide(self.S_ext(), shell=self.rs.E_F)
        return {i: 2 * _diag(M) for i, M in J.items()}

    def n_skew(self):
        """n^sk from J0[n^sk] = -J_sk (Eq. 35), every shell (valence shell included)."""
        return self.solve({i: -M for i, M in self.J_skew().items()})

    def J_E(self):
        """Field-corrected collision integral J_E(n_FD) on the Fermi rings (gauge-invariant Eq. 38)."""
        out = {}
        for R, m in self.rs.fermi_rings():
            Rk = self.connection(R, z)
            val = sp.S.Zero
            for mp in range(self.n):
                for R2 in self.rs.rings_at(mp, self.rs.energy(R, m)):
                    Rkp = self.connection(R2, zp)
                    O = self.overlap(R, z, R2, zp)
                    Ob = self.overlap(R2, zp, R, z)  # = O^dagger, i.e. conj(O^{m mp}) = Ob[mp, m]
                    X = sp.S.Zero
                    for Ei, Rx, Rxp in zip(E_VEC, Rk, Rkp):
                        X += Ei * ((Rx * O)[m, mp] - (O * Rxp)[m, mp])
                    # Re of the z'^0 coefficient: conj maps z'^l to z'^-l, so the z'^0 coefficient of
                    # conj(X Ob) is the conjugate of that of X Ob (products formed in FLINT, no expand:
                    # sp.expand and conj of the expanded product took 70 of 110 s for a single circle of
                    # d_z quadratic in k^2 and a non-monomial in-plane factor, fuzz seed 5074)
                    c0 = self.rs.laurent(X * Ob[mp, m], zp, 0)
                    val += self.rs.weight(R2, mp) * (c0 + _conj_zz(c0)) / 2
            # dn_FD/de = -delta(eps - E_F) = -delta(k - k_F)/|d eps/dk|
            pref = -2 * self.K * cv.e / self.rs.abs_slope(R, m)
            F = out.setdefault(R.index, sp.zeros(self.n, self.n))
            F[m, m] += self.tidy(pref * val)
        return out

    def n_side_jump(self):
        """n^sj from J0[n^sj] = -J_E(n_FD) (Eq. 37)."""
        return self.solve({i: -M for i, M in self.J_E().items()})

    # ------------------------------------------------------------------ the extrinsic vertex (adjoint of J)
    def vertex(self, X, ring, m):
        r"""Extrinsic vertex :math:`\gamma^m_X(\mathbf k)` on ring ``ring`` of band m, for an interband
        matrix-valued function ``X(ring, w)`` (band basis), defined by
        :math:`\sum_k{\rm Tr}[X J(n)] = \sum_k n^m\gamma^m_X` for diagonal n (Eq. 44).

        .. math:: \gamma^m_k = K\sum_{k'}\Big\{\sum_c[(X_kO_{kk'})^{mc}O^{cm}_{k'k}
                   + O^{mc}_{kk'}(O_{k'k}X_k)^{cm}]\delta(\epsilon^c_{k'}-\epsilon^m_k)
                   - \sum_{ab}O^{mb}_{kk'}X^{ba}_{k'}O^{am}_{k'k}[\delta(\epsilon^b_{k'}-\epsilon^m_k)
                   + \delta(\epsilon^a_{k'}-\epsilon^m_k)]\Big\}

        (Eqs. 47 and 61 with the second bracket's X at k', paper/NOTES.md).
        """
        E = self.rs.energy(ring, m)
        Xk = X(ring, z)
        val = sp.S.Zero
        for c in range(self.n):
            for R2 in self.rs.rings_at(c, E):
                O1, O2 = self.overlap(ring, z, R2, zp), self.overlap(R2, zp, ring, z)
                Xkp = X(R2, zp)
                first = (Xk * O1)[m, c] * O2[c, m] + O1[m, c] * (O2 * Xk)[c, m]
                second = sum((O1[m, c] * Xkp[c, a] * O2[a, m] + O1[m, a] * Xkp[a, c] * O2[c, m]
                              for a in range(self.n)), sp.S.Zero)
                val += self.rs.weight(R2, c) * self.rs.laurent(first - second, zp, 0)
        return self.tidy(self.K * val)

    def tidy(self, x):
        """Collect a Laurent polynomial in z and bring each coefficient to canonical form."""
        return sp.Add(*[c * z**l for l, c in self.rs.laurent(x, z).items()])

    # ------------------------------------------------------------------ sums over k
    def fermi_sum(self, dist, weight):
        r""":math:`\sum_k {\rm Tr}[w(\mathbf k) f(\mathbf k)] = \sum_\rho \frac{k_\rho}{2\pi}\langle{\rm Tr}[w F_\rho]\rangle_\theta`
        for a ring distribution; ``weight(ring)`` returns the band-basis matrix (Laurent in z)."""
        rings = {R.index: R for R in self.rs.rings}
        tot = sp.S.Zero
        for idx, F in dist.items():
            R = rings[idx]
            tot += R.r / (2 * sp.pi) * self.rs.laurent((weight(R) * F).trace(), z, 0)
        return tot


def _conj_zz(x):
    return conj(x, (z, zp))


def _offdiag(M):
    M = sp.Matrix(M)
    for i in range(M.shape[0]):
        M[i, i] = 0
    return M


def _diag(M):
    return sp.diag(*[M[i, i] for i in range(M.shape[0])])


def kinetics(model: Model, regime=None, skew="fermi-shell") -> Kinetics:
    """The (memoised) kinetic chain of ``model`` in ``regime`` (default: conduction band).

    The regime is resolved first (:func:`symkin.regimes.get_regime`) and the hashable
    :class:`~symkin.regimes.Regime` is the cache key: ``None`` and the name of the default window are
    one chain."""
    return _kinetics(model, get_regime(model, regime), skew)


@lru_cache(maxsize=32)
def _kinetics(model, regime, skew):
    return Kinetics(model, regime, skew=skew)


# ---------------------------------------------------------------------- stage-level closed forms
def _to_theta(expr, reduce=None):
    """Laurent polynomial in z = e^{i theta} -> real trigonometric form.  With ``reduce`` (a
    RingSet.reduce-like map) the harmonics are taken first, on the ring symbols, and each coefficient
    is reduced on its own (cheap: no expansion of closed-form radicals)."""
    if reduce is None:
        h = harmonics(sp.expand(expr), z)
    else:
        h = {l: reduce(c) for l, c in harmonics(expr, z).items()}
    simple = lambda x: ffactor(x) if sp.count_ops(x) < 2000 else x
    out = sp.S.Zero
    for l in sorted({abs(l) for l in h}):
        cp, cm = h.get(l, 0), h.get(-l, 0)
        if l == 0:
            out += simple(cp)
        else:
            out += simple(cp + cm) * sp.cos(l * theta)
            out += simple(sp.I * (cp - cm)) * sp.sin(l * theta)
    return out


def _closed(kin, compact=False, final=sp.cancel):
    r"""The closed form of a stage quantity (an expression in ring symbols): explicit radicals in
    :math:`\epsilon_F` (:meth:`~symkin.fermi.RingSet.reduce`), or with ``compact`` the Fermi-surface
    variables :math:`k_F, m_F, \Lambda_F, \dots` of :func:`fermi_definitions`
    (:meth:`~symkin.fermi.RingSet.compact`, written by :func:`symkin.algebra.fsvars.present`; explicit
    for shell-parametrised models, whose ``compact`` is ``reduce``)."""
    rs = kin.rs
    if not compact:
        return lambda c: rs.reduce(c, final=final)
    return lambda c: rs.presented(c, final)


def fermi_definitions(model, regime=None):
    r"""The Fermi-surface variables of ``regime`` as {symbol: :class:`~symkin.algebra.fsvars.Definition`}:
    the symbols (:math:`k_F`, :math:`m_F`, :math:`\Lambda_F`, ...) in which the stage functions
    (:func:`leading_distribution`, :func:`transport_time`, ...) write their ``compact=True`` forms,
    with the relation and branch of each radius (:func:`symkin.algebra.fsvars.explicit_map` substitutes
    them).  The same symbols as :attr:`symkin.results.Result.definitions`."""
    return {d.symbol: d for d in kinetics(model, regime).rs.fermi_variables()[0]}


def _ring_dist(kin, dist, compact=False):
    labels = ("conduction", "valence")
    closed = _closed(kin, compact)
    names = kin.rs.fermi_variables()[1] if compact else {}
    out = {}
    for R, b, val in kin.diagonal_entries(dist):
        val = _to_theta(val, reduce=closed)
        named = R.r in names and has_fermi_symbols(val)
        out[f"{labels[b] if kin.n == 2 else b} at |k| = {sp.sstr(names[R.r] if named else R.radius)}"] = val
    return out


def leading_distribution(model, regime=None, compact=False):
    r""":math:`n^{(-1)}_E` (Eq. 29) as {band: coefficient of :math:`\delta(k-k_F)`} in theta; with
    ``compact=True`` in the Fermi-surface variables of :func:`fermi_definitions` (also for the
    functions below)."""
    kin = kinetics(model, regime)
    return _ring_dist(kin, kin.n_leading(), compact)


def side_jump_distribution(model, regime=None, compact=False):
    r""":math:`n^{(sj)}_E` (Eqs. 37, 81) as {band: coefficient of :math:`\delta(k-k_F)`}."""
    kin = kinetics(model, regime)
    return _ring_dist(kin, kin.n_side_jump(), compact)


def skew_distribution(model, regime=None, skew="fermi-shell", compact=False):
    r""":math:`n^{(sk)}_E` (Eqs. 35, 84) on every shell it lives on (valence shell included with
    ``skew='all-shells'``; shells off the Fermi level keep explicit forms with ``compact``)."""
    kin = kinetics(model, regime, skew)
    return _ring_dist(kin, kin.n_skew(), compact)


def _vertex_on_fermi_circle(model, regime, X, compact=False):
    kin = kinetics(model, regime)
    if not kin.rs.fermi_rings():
        raise RegimeError(f"no Fermi circle in the {kin.regime.name} regime: the vertex lives on the Fermi circle")
    R, m = kin.rs.fermi_rings()[0]
    return kin, R, m, _to_theta(kin.vertex(X(kin), R, m), reduce=_closed(kin, compact))


def extrinsic_velocity(model, regime=None, compact=False):
    r"""Extrinsic velocity :math:`\boldsymbol\beta^m_k` (Eqs. 46-47 corrected; Eq. 77 for the TI) on the
    first Fermi circle, as ``Matrix([beta_x, beta_y])`` in theta."""
    comps = []
    for i in range(2):
        X = lambda kin, i=i: (lambda R, w: kin.connection(R, w)[i])
        comps.append(_vertex_on_fermi_circle(model, regime, X, compact)[3])
    return sp.Matrix(comps)


def extrinsic_vertex(model, O, regime=None, compact=False):
    r"""Extrinsic vertex :math:`\gamma^m_O` (Eqs. 60-61 corrected) of operator O on the first Fermi circle."""
    O = model.validate_operator(O)
    X = lambda kin: (lambda R, w: kin.interband(O, R, w))
    return _vertex_on_fermi_circle(model, regime, X, compact)[3]


def extrinsic_spin(model, regime=None, compact=False):
    r"""Extrinsic spin :math:`\boldsymbol\gamma^m_k` for the Pauli matrices (Eq. 98 corrected)."""
    return sp.Matrix([extrinsic_vertex(model, s, regime, compact) for s in cv.PAULI])



# ---------------------------------------------------------------------- times and the Born product
phi = internal("phi", real=True)


def born_product(model: Model, a=0, b=0, regime=None):
    r""":math:`\langle U^{ab}_{kk'}U^{ba}_{k'k}\rangle = u_0^2|\langle u^a_k|u^b_{k'}\rangle|^2` for k, k' on
    the (first) Fermi circle, as a function of :math:`\phi = \theta - \theta'` (gauge invariant)."""
    kin = kinetics(model, regime)
    R, _ = kin.rs.fermi_rings()[0]
    O = kin.overlap(R, z, R, zp)
    Ob = kin.overlap(R, zp, R, z)
    prod = sp.expand(kin.kernel.strength * O[a, b] * Ob[b, a])
    # a function of w = z/z' only: set z' = 1, z = e^{i phi}
    val = kin.rs.reduce(prod.xreplace({zp: 1}), final=sp.cancel)
    return simplify_bounded(sp.expand_complex(val.xreplace({z: sp.exp(sp.I * phi)})).rewrite(sp.cos))


def scattering_time(model: Model, regime=None, compact=False):
    r""":math:`\tau = \hbar/(\pi u_0^2\rho(\epsilon_F))` with the density of states of the Fermi circles
    (``compact=True``: in the Fermi-surface variables of :func:`fermi_definitions`)."""
    kin = kinetics(model, regime)
    if not kin.rs.fermi_rings():
        raise RegimeError(f"no Fermi circle in the {kin.regime.name} regime: no scattering at E_F")
    if compact:
        rho = sum((kin.rs.weight(R, b) for R, b in kin.rs.fermi_rings()), sp.S.Zero)
        return ffactor(_closed(kin, True, ffactor)(1 / (kin.K * rho)))
    return ffactor(1 / (kin.K * kin.rs.density_of_states()))


def transport_time(model: Model, regime=None, compact=False):
    r"""Transport time of the first Fermi circle from :math:`J_0[z] = z/\tau_{tr}` (harmonic l = 1, Eq. 30).

    For several coupled Fermi circles the harmonic problem is a matrix; this returns the inverse of its
    diagonal element for the first circle.  ``compact=True``: in the Fermi-surface variables of
    :func:`fermi_definitions`."""
    kin = kinetics(model, regime)
    if not kin.rs.fermi_rings():
        raise RegimeError(f"no Fermi circle in the {kin.regime.name} regime: no transport time")
    R, b = kin.rs.fermi_rings()[0]
    trial = {R.index: sp.zeros(kin.n, kin.n)}
    trial[R.index][b, b] = z
    J = kin.collide(trial)[R.index][b, b]
    rate = laurent_coeff(J, z, 1)
    return ffactor(_closed(kin, compact, ffactor)(1 / rate))
