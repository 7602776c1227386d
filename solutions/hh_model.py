"""The Hodgkin-Huxley (1952) squid-axon model: parameters, rate functions, rest.

Conventions (used throughout ``spikeset.solutions.hh_*``):

* membrane potential ``V`` in mV, time in ms, currents in uA/cm2,
  conductances in mS/cm2, capacitance in uF/cm2, temperature in degC;
* modern sign convention (depolarisation positive, rest near -65 mV)::

      C_m dV/dt = I_stim - g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L)

      alpha_m = 0.1 (V + 40) / (1 - exp(-(V + 40)/10))     beta_m = 4 exp(-(V + 65)/18)
      alpha_h = 0.07 exp(-(V + 65)/20)                      beta_h = 1 / (1 + exp(-(V + 35)/10))
      alpha_n = 0.01 (V + 55) / (1 - exp(-(V + 55)/10))     beta_n = 0.125 exp(-(V + 65)/80)

  every rate (1/ms) multiplied by the temperature factor
  ``phi = Q10_RATES ** ((temperature - REFERENCE_TEMPERATURE_DEGC) / 10)`` with
  ``Q10_RATES = 3`` and ``REFERENCE_TEMPERATURE_DEGC = 6.3``.

``alpha_m`` and ``alpha_n`` have removable singularities at V = -40 mV and
V = -55 mV.  Both are written as ``scale * x / (1 - exp(-x))`` and that
function (:func:`exprel_inverse`) is evaluated as ``x / -expm1(-x)`` away from
0 and by its Taylor series close to 0, so the limit (1 at x = 0) is exact and
the neighbourhood is accurate to rounding, not by luck.

Every :class:`HHParams` field may be a float or a 1-D array of N variants;
:meth:`HHParams.broadcast` gives all fields as float arrays of shape (N,).
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from spikeset.errors import ParameterError

#: Temperature (degC) at which the HH rate constants were measured (phi = 1).
REFERENCE_TEMPERATURE_DEGC = 6.3
#: Q10 of all six rate functions.
Q10_RATES = 3.0

#: Below this |x| the series of x / (1 - exp(-x)) is used (its truncation
#: error there is below 1e-17 relative).
_SERIES_LIMIT = 1e-2

#: Allowed temperature range (degC): liquid water, and rates that stay finite.
TEMPERATURE_RANGE_DEGC = (-20.0, 60.0)


@dataclass(frozen=True)
class HHParams:
    """Parameters of one HH membrane patch, or of N variants at once.

    Attributes (each a float, or a 1-D array of length N; scalars broadcast):
        C_m: membrane capacitance, uF/cm2 (> 0).
        g_Na: maximal sodium conductance, mS/cm2 (>= 0).
        g_K: maximal potassium conductance, mS/cm2 (>= 0).
        g_L: leak conductance, mS/cm2 (>= 0).
        E_Na: sodium reversal potential, mV.
        E_K: potassium reversal potential, mV.
        E_L: leak reversal potential, mV (the default gives rest = -65 mV).
        temperature: temperature, degC; rates scale by 3 ** ((T - 6.3) / 10).

    Construction validates: every value finite, conductances >= 0, C_m > 0,
    temperature within :data:`TEMPERATURE_RANGE_DEGC`, g_K + g_L > 0 (so a
    rest exists), array fields 1-D with compatible lengths.  Violations raise
    :class:`~spikeset.errors.ParameterError`.
    """

    C_m: Any = 1.0
    g_Na: Any = 120.0
    g_K: Any = 36.0
    g_L: Any = 0.3
    E_Na: Any = 50.0
    E_K: Any = -77.0
    E_L: Any = -54.387
    temperature: Any = 6.3

    def __post_init__(self) -> None:
        lengths = set()
        for f in fields(self):
            value = getattr(self, f.name)
            try:
                arr = np.asarray(value, dtype=float)
            except (TypeError, ValueError):
                raise ParameterError(f"{f.name} must be a number, got {value!r}") from None
            if arr.ndim > 1:
                raise ParameterError(f"{f.name} must be a number or a 1-D array, got shape {arr.shape}")
            if arr.ndim == 1:
                if arr.size == 0:
                    raise ParameterError(f"{f.name} is an empty array")
                lengths.add(arr.size)
                # Freeze the array: the dataclass is immutable, so is its content.
                arr = arr.copy()
                arr.setflags(write=False)
                object.__setattr__(self, f.name, arr)
            else:
                object.__setattr__(self, f.name, float(arr))
            if not np.all(np.isfinite(arr)):
                raise ParameterError(f"{f.name} must be finite, got {value!r}")
        lengths.discard(1)
        if len(lengths) > 1:
            raise ParameterError(f"parameter arrays have incompatible lengths {sorted(lengths)}")
        for name in ("g_Na", "g_K", "g_L"):
            if np.any(np.asarray(getattr(self, name)) < 0):
                raise ParameterError(f"{name} must be >= 0 mS/cm2, got {getattr(self, name)!r}")
        if np.any(np.asarray(self.C_m) <= 0):
            raise ParameterError(f"C_m must be > 0 uF/cm2, got {self.C_m!r}")
        low, high = TEMPERATURE_RANGE_DEGC
        temp = np.asarray(self.temperature)
        if np.any(temp < low) or np.any(temp > high):
            raise ParameterError(f"temperature must be within [{low}, {high}] degC, got {self.temperature!r}")
        if np.any(np.asarray(self.g_K) + np.asarray(self.g_L) <= 0):
            raise ParameterError("g_K + g_L must be > 0 mS/cm2 (otherwise no resting potential exists)")

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> "HHParams":
        """Build from a ``{field name: value}`` mapping; unknown names raise ParameterError."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ParameterError(
                f"unknown parameter {unknown[0]!r}; known: {', '.join(sorted(known))}")
        return cls(**values)

    @property
    def n_variants(self) -> int:
        """Number of variants N (1 when every field is a scalar)."""
        n = 1
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray) and value.ndim == 1:
                n = max(n, value.size)
        return n

    def broadcast(self, n_variants: int | None = None) -> "HHParams":
        """Return a copy whose every field is a float array of shape (N,).

        ``n_variants`` forces N (it must agree with the array fields' length).
        """
        n = self.n_variants if n_variants is None else int(n_variants)
        if n != self.n_variants and self.n_variants != 1:
            raise ParameterError(f"cannot broadcast {self.n_variants} parameter variants to {n}")
        values = {f.name: np.broadcast_to(np.asarray(getattr(self, f.name), float), (n,)).copy()
                  for f in fields(self)}
        return HHParams(**values)

    def with_values(self, **changes: Any) -> "HHParams":
        """Copy with some fields replaced (validated again)."""
        return replace(self, **changes)

    def variant(self, index: int) -> "HHParams":
        """The scalar parameters of variant ``index``."""
        b = self.broadcast()
        return HHParams(**{f.name: float(getattr(b, f.name)[index]) for f in fields(b)})


# ---------------------------------------------------------------------------
# Rate functions (numpy, vectorised)
# ---------------------------------------------------------------------------

def temperature_factor(temperature_degC: Any) -> np.ndarray:
    """phi = 3 ** ((T - 6.3) / 10), dimensionless multiplier of every rate."""
    return Q10_RATES ** ((np.asarray(temperature_degC, float) - REFERENCE_TEMPERATURE_DEGC) / 10.0)


def exprel_inverse(x: Any) -> np.ndarray:
    """x / (1 - exp(-x)), with its removable singularity at x = 0 (value 1) exact.

    |x| < 1e-2 uses the Taylor series 1 + x/2 + x^2/12 - x^4/720 + x^6/30240
    (truncation error < 1e-17 relative); elsewhere ``x / -expm1(-x)``.
    """
    x = np.asarray(x, float)
    small = np.abs(x) < _SERIES_LIMIT
    x2 = x * x
    series = 1.0 + x / 2.0 + x2 / 12.0 - x2 * x2 / 720.0 + x2 * x2 * x2 / 30240.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        direct = x / -np.expm1(-x)
    return np.where(small, series, direct)


def alpha_m(V: Any, temperature: Any = REFERENCE_TEMPERATURE_DEGC) -> np.ndarray:
    """Opening rate of m (1/ms) at V (mV): 0.1 (V+40) / (1 - exp(-(V+40)/10)) * phi."""
    return exprel_inverse((np.asarray(V, float) + 40.0) / 10.0) * temperature_factor(temperature)


def beta_m(V: Any, temperature: Any = REFERENCE_TEMPERATURE_DEGC) -> np.ndarray:
    """Closing rate of m (1/ms): 4 exp(-(V+65)/18) * phi."""
    return 4.0 * np.exp(-(np.asarray(V, float) + 65.0) / 18.0) * temperature_factor(temperature)


def alpha_h(V: Any, temperature: Any = REFERENCE_TEMPERATURE_DEGC) -> np.ndarray:
    """Rate of h recovery from inactivation (1/ms): 0.07 exp(-(V+65)/20) * phi."""
    return 0.07 * np.exp(-(np.asarray(V, float) + 65.0) / 20.0) * temperature_factor(temperature)


def beta_h(V: Any, temperature: Any = REFERENCE_TEMPERATURE_DEGC) -> np.ndarray:
    """Inactivation rate of h (1/ms): 1 / (1 + exp(-(V+35)/10)) * phi."""
    return 1.0 / (1.0 + np.exp(-(np.asarray(V, float) + 35.0) / 10.0)) * temperature_factor(temperature)


def alpha_n(V: Any, temperature: Any = REFERENCE_TEMPERATURE_DEGC) -> np.ndarray:
    """Opening rate of n (1/ms): 0.01 (V+55) / (1 - exp(-(V+55)/10)) * phi."""
    return 0.1 * exprel_inverse((np.asarray(V, float) + 55.0) / 10.0) * temperature_factor(temperature)


def beta_n(V: Any, temperature: Any = REFERENCE_TEMPERATURE_DEGC) -> np.ndarray:
    """Closing rate of n (1/ms): 0.125 exp(-(V+65)/80) * phi."""
    return 0.125 * np.exp(-(np.asarray(V, float) + 65.0) / 80.0) * temperature_factor(temperature)


def _alpha_beta(gate: str):
    table = {"m": (alpha_m, beta_m), "h": (alpha_h, beta_h), "n": (alpha_n, beta_n)}
    if gate not in table:
        raise ParameterError(f"unknown gate {gate!r}; expected 'm', 'h' or 'n'")
    return table[gate]


def steady_state(gate: str, V: Any) -> np.ndarray:
    """x_inf(V) = alpha / (alpha + beta) of gate 'm', 'h' or 'n' (independent of temperature)."""
    a, b = _alpha_beta(gate)
    alpha, beta = a(V), b(V)
    return alpha / (alpha + beta)


def time_constant(gate: str, V: Any, temperature: Any = REFERENCE_TEMPERATURE_DEGC) -> np.ndarray:
    """tau_x(V) = 1 / (alpha + beta) in ms of gate 'm', 'h' or 'n' at ``temperature`` (degC)."""
    a, b = _alpha_beta(gate)
    return 1.0 / (a(V, temperature) + b(V, temperature))


def m_inf(V: Any) -> np.ndarray:
    """Steady-state Na activation m_inf(V)."""
    return steady_state("m", V)


def h_inf(V: Any) -> np.ndarray:
    """Steady-state Na inactivation h_inf(V)."""
    return steady_state("h", V)


def n_inf(V: Any) -> np.ndarray:
    """Steady-state K activation n_inf(V)."""
    return steady_state("n", V)


def tau_m(V: Any, temperature: Any = REFERENCE_TEMPERATURE_DEGC) -> np.ndarray:
    """Time constant of m, ms."""
    return time_constant("m", V, temperature)


def tau_h(V: Any, temperature: Any = REFERENCE_TEMPERATURE_DEGC) -> np.ndarray:
    """Time constant of h, ms."""
    return time_constant("h", V, temperature)


def tau_n(V: Any, temperature: Any = REFERENCE_TEMPERATURE_DEGC) -> np.ndarray:
    """Time constant of n, ms."""
    return time_constant("n", V, temperature)


def ionic_current(params: HHParams, V: Any, m: Any, h: Any, n: Any) -> np.ndarray:
    """Total ionic current (uA/cm2, outward positive) at V (mV) with gates m, h, n."""
    p = params
    V = np.asarray(V, float)
    return (np.asarray(p.g_Na) * m ** 3 * h * (V - np.asarray(p.E_Na))
            + np.asarray(p.g_K) * n ** 4 * (V - np.asarray(p.E_K))
            + np.asarray(p.g_L) * (V - np.asarray(p.E_L)))


def steady_state_current(params: HHParams, V: Any) -> np.ndarray:
    """Ionic current (uA/cm2) at V (mV) with every gate at its steady state."""
    return ionic_current(params, V, m_inf(V), h_inf(V), n_inf(V))


@dataclass(frozen=True)
class RestingState:
    """Resting state of N variants (arrays of shape (N,)).

    Attributes:
        V_mV: resting potential, mV (root of the steady-state ionic current).
        m, h, n: gate values at rest (dimensionless, steady state at V_mV).
    """

    V_mV: np.ndarray
    m: np.ndarray
    h: np.ndarray
    n: np.ndarray


#: Voltage spacing (mV) of the scan that brackets the lowest root of the
#: steady-state current before bisection.
_REST_SCAN_STEP_MV = 0.25


def resting_state(params: HHParams, *, xtol_mV: float = 0.0) -> RestingState:
    """The resting potential and gates of every variant (batched).

    The resting potential is the lowest root of the steady-state ionic current
    ``I_ss(V) = g_Na m_inf^3 h_inf (V-E_Na) + g_K n_inf^4 (V-E_K) + g_L (V-E_L)``.
    A root always exists between the lowest and the highest reversal
    potential (each term is <= 0 at the lowest, >= 0 at the highest).  The
    interval is scanned every 0.25 mV for the first sign change, then bisected
    to full float64 precision, so |I_ss(V_rest)| is at rounding level.
    Nothing assumes -65 mV. ``xtol_mV`` > 0 stops once every bracket is that narrow (mV).
    """
    p = params.broadcast()
    n = p.n_variants
    e_all = np.stack([p.E_Na, p.E_K, p.E_L])
    low = e_all.min(axis=0)
    high = e_all.max(axis=0)
    n_scan = int(np.ceil(np.max(high - low) / _REST_SCAN_STEP_MV)) + 1
    cols = {f: getattr(p, f)[:, None] for f in ("g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L")}

    def current_on(grid: np.ndarray) -> np.ndarray:
        return (cols["g_Na"] * m_inf(grid) ** 3 * h_inf(grid) * (grid - cols["E_Na"])
                + cols["g_K"] * n_inf(grid) ** 4 * (grid - cols["E_K"])
                + cols["g_L"] * (grid - cols["E_L"]))

    rows = np.arange(n)
    a, b = low, high
    n_points = max(n_scan, 2)
    # Each pass evaluates a grid across every bracket at once and keeps the cell of the first
    # sign change: the scan, then refinements of 64 cells each, down to adjacent floats.
    for _ in range(12):
        frac = np.linspace(0.0, 1.0, n_points)
        grid = a[:, None] + (b - a)[:, None] * frac[None, :]            # (N, S)
        nonneg = current_on(grid) >= 0.0                                  # <= 0 at index 0
        first = np.argmax(nonneg, axis=1)
        a_new = grid[rows, np.maximum(first - 1, 0)]
        b_new = grid[rows, first]
        if np.array_equal(a_new, a) and np.array_equal(b_new, b):
            break
        a, b = a_new, b_new
        if np.max(b - a) <= xtol_mV:
            break
        n_points = 65
    # Pick whichever end of the final bracket has the smaller |current|.
    i_a = np.abs(steady_state_current(p, a))
    i_b = np.abs(steady_state_current(p, b))
    v_rest = np.where(i_a <= i_b, a, b)
    return RestingState(V_mV=v_rest, m=m_inf(v_rest), h=h_inf(v_rest), n=n_inf(v_rest))
