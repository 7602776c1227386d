"""Reference Hodgkin-Huxley solver, the public API: N variants in one call, features streamed.

``simulate(params, stimulus, t_end_ms) -> SimulationResult`` integrates every variant with the
compiled kernel of :mod:`spikeset.solutions.hh_kernel` (adaptive Dormand-Prince 5(4) with dense
output; spike count and times, peaks, AHP and the first spike's half-width are found while
integrating: its docstring gives the method, the feature definitions and why numba) and returns
the features per variant, with a decimated ``Trace`` when ``record=True``. Batches are split
over a persistent thread pool (the kernel releases the GIL).
"""
from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from spikeset.errors import ParameterError, UsageError
from spikeset.solutions.hh_kernel import (  # noqa: F401  (constants and fast_resting_state re-exported)
    DEFAULT_ATOL, DEFAULT_MAX_STEP_MS, DEFAULT_RTOL, SPIKE_THRESHOLD_MV, STATUS_NON_FINITE, STATUS_OK,
    STATUS_STEP_UNDERFLOW, fast_resting_state, integrate_batch, prepare_numba)
from spikeset.solutions.hh_model import HHParams, RestingState, temperature_factor
from spikeset.solutions.hh_stimulus import Stimulus


@dataclass(frozen=True)
class Trace:
    """Decimated state trace (only with ``record=True``).

    Attributes:
        t_ms: sample times, ms, shape (M,).
        V_mV: membrane potential, mV, shape (N, M).
        m, h, n: gates (dimensionless), shape (N, M).
        I_stim: injected current, uA/cm2, shape (N, M).
    """

    t_ms: np.ndarray
    V_mV: np.ndarray
    m: np.ndarray
    h: np.ndarray
    n: np.ndarray
    I_stim: np.ndarray


@dataclass(frozen=True)
class SimulationResult:
    """Features of N simulated variants (arrays of shape (N,) unless noted).

    Attributes:
        t_end_ms: simulated duration, ms.
        rest_mV: resting potential of each variant, mV.
        spike_count: number of spikes (excursions above 0 mV), int.
        spike_times_ms: (N, S) time of each spike's peak, ms, NaN-padded
            (S = largest count stored; see ``spikes_truncated``).
        spike_peaks_mV: (N, S) peak voltage of each spike, mV, NaN-padded.
        first_spike_time_ms: time of the first spike's peak, ms (NaN if none).
        ahp_min_mV: lowest local minimum of V after the first spike (before
            the second), mV (NaN if no spike or no minimum).
        ahp_time_ms: time of that minimum, ms.
        half_width_ms: width of the first spike at (rest + peak) / 2, ms.
        mean_isi_ms: mean inter-spike interval, ms (NaN if < 2 spikes).
        firing_rate_hz: 1000 / mean_isi_ms, Hz (NaN if < 2 spikes).
        n_steps: accepted integrator steps per variant (diagnostic).
        spikes_truncated: True where more spikes happened than were stored.
        trace: decimated trace when ``record=True``, else None.
    """

    t_end_ms: float
    rest_mV: np.ndarray
    spike_count: np.ndarray
    spike_times_ms: np.ndarray
    spike_peaks_mV: np.ndarray
    first_spike_time_ms: np.ndarray
    ahp_min_mV: np.ndarray
    ahp_time_ms: np.ndarray
    half_width_ms: np.ndarray
    mean_isi_ms: np.ndarray
    firing_rate_hz: np.ndarray
    n_steps: np.ndarray
    spikes_truncated: np.ndarray
    trace: Trace | None = None

    @property
    def n_variants(self) -> int:
        """N."""
        return int(self.spike_count.shape[0])

    @property
    def fired(self) -> np.ndarray:
        """Boolean (N,): at least one spike."""
        return self.spike_count > 0

    def spike_times(self, variant: int = 0) -> np.ndarray:
        """Spike (peak) times of one variant, ms."""
        c = min(int(self.spike_count[variant]), self.spike_times_ms.shape[1])
        return self.spike_times_ms[variant, :c].copy()

    def spike_peaks(self, variant: int = 0) -> np.ndarray:
        """Spike peak voltages of one variant, mV."""
        c = min(int(self.spike_count[variant]), self.spike_peaks_mV.shape[1])
        return self.spike_peaks_mV[variant, :c].copy()


def _parse_initial_state(initial_state: Any, rest: RestingState, n: int) -> np.ndarray:
    if initial_state is None:
        return np.stack([rest.V_mV, rest.m, rest.h, rest.n], axis=1)
    if isinstance(initial_state, RestingState):
        y = np.stack([np.broadcast_to(np.asarray(getattr(initial_state, k), float), (n,))
                      for k in ("V_mV", "m", "h", "n")], axis=1)
    else:
        y = np.broadcast_to(np.asarray(initial_state, float), (n, 4)).copy()
    if not np.all(np.isfinite(y)):
        raise ParameterError("initial state must be finite")
    return np.ascontiguousarray(y)


_POOLS: dict[int, ThreadPoolExecutor] = {}
if hasattr(os, "register_at_fork"):
    # A forked child has none of the parent's pool threads: it starts its own pools.
    os.register_at_fork(after_in_child=_POOLS.clear)


def _thread_pool(threads: int) -> ThreadPoolExecutor:
    """A persistent pool of ``threads`` workers (the kernel releases the GIL)."""
    pool = _POOLS.get(threads)
    if pool is None:
        pool = _POOLS[threads] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="hh-solver")
    return pool


def default_thread_count() -> int:
    """Threads used when ``n_threads`` is None: $SPIKESET_THREADS, else the CPU count."""
    env = os.environ.get("SPIKESET_THREADS")
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise UsageError(f"SPIKESET_THREADS must be an integer, got {env!r}") from None
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def simulate(params: HHParams, stimulus: Stimulus, t_end_ms: float, *,
             record: bool = False, record_dt_ms: float = 0.05,
             rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL,
             max_step_ms: float = DEFAULT_MAX_STEP_MS,
             initial_state: Any = None, max_spikes: int | None = None,
             max_steps_per_variant: int = 10_000_000,
             stop_after_spikes: int = 0, stop_from_ms: float = 0.0,
             rest: RestingState | None = None,
             n_threads: int | None = None) -> SimulationResult:
    """Integrate N HH variants from rest (or ``initial_state``) for ``t_end_ms`` ms.

    Args:
        params: parameters (scalars or (N,) arrays).
        stimulus: injected current (scalars or (N,) arrays); N must match
            ``params`` (or either may be scalar).
        t_end_ms: duration, ms (> 0); a float, or one per variant ((N,): each
            variant stops at its own end; a recorded trace is NaN after it).
        record: keep a decimated trace of V, m, h, n (``result.trace``).
        record_dt_ms: spacing of the recorded trace, ms.
        rtol, atol: error tolerances of the Dormand-Prince step control.
        max_step_ms: largest integration step, ms.
        initial_state: None (rest), a RestingState, or an (N, 4) / (4,)
            array of V (mV), m, h, n.
        max_spikes: spikes stored per variant (default t_end/0.5 ms + 2);
            more are counted (``spike_count``) but not stored.
        max_steps_per_variant: safety cap on accepted steps.
        stop_after_spikes: if > 0, a variant stops being integrated once it
            has fired this many spikes (features after that point are not
            computed; searches use it to save time).
        stop_from_ms: with ``stop_after_spikes``, only a spike peaking at or
            after this time stops the run (e.g. "2 spikes and one in the
            last 50 ms": ``stop_after_spikes=2, stop_from_ms=t_end - 50``).
        rest: the resting state of the N variants if already known (e.g.
            computed once for a whole search); by default it is computed.
        n_threads: threads over which the batch is split (None: all CPUs,
            or $SPIKESET_THREADS).

    Raises:
        ParameterError: bad duration, tolerance or state; integration failure.
    """
    prepare_numba()
    t_end_arr = np.asarray(t_end_ms, float)
    if t_end_arr.ndim > 1 or t_end_arr.size == 0 or not np.all(np.isfinite(t_end_arr)) or np.any(t_end_arr <= 0):
        raise ParameterError(f"t_end must be a finite positive number of ms (or (N,) array), got {t_end_ms!r}")
    t_end = float(t_end_arr.max())
    if not (0 < rtol < 1 and 0 < atol < 1):
        raise ParameterError("rtol and atol must be within (0, 1)")
    if not (math.isfinite(max_step_ms) and max_step_ms > 0):
        raise ParameterError(f"max_step_ms must be > 0, got {max_step_ms!r}")
    n = max(params.n_variants, stimulus.n_variants)
    if params.n_variants not in (1, n):
        raise ParameterError(f"params have {params.n_variants} variants, stimulus has {stimulus.n_variants}")
    if t_end_arr.ndim == 1 and t_end_arr.size not in (1, n):
        raise ParameterError(f"t_end has {t_end_arr.size} values for {n} variants")
    # a fresh writable C array: one kernel specialization (a read-only view would make a second)
    t_ends = np.array(np.broadcast_to(t_end_arr.reshape(-1)[:n] if t_end_arr.size == n
                                      else t_end_arr.reshape(-1)[:1], (n,)), dtype=float, order="C")
    p = params.broadcast(n)
    packed = stimulus.packed(n)
    if rest is None:
        rest = fast_resting_state(p)
    elif np.shape(rest.V_mV) != (n,):
        raise ParameterError(f"rest has {np.size(rest.V_mV)} variants, expected {n}")
    y_init = _parse_initial_state(initial_state, rest, n)
    prm = np.ascontiguousarray(np.stack(
        [p.C_m, p.g_Na, p.g_K, p.g_L, p.E_Na, p.E_K, p.E_L, temperature_factor(p.temperature)], axis=1))
    capacity = int(max_spikes) if max_spikes is not None else int(t_end / 0.5) + 2
    capacity = max(capacity, 1)

    if record:
        if not (math.isfinite(record_dt_ms) and record_dt_ms > 0):
            raise ParameterError(f"record_dt_ms must be > 0, got {record_dt_ms!r}")
        n_rec = int(math.floor(t_end / record_dt_ms + 1e-9)) + 1
        record_times = np.arange(n_rec) * float(record_dt_ms)
        record_arr = np.empty((n, 4, n_rec))   # every sample is written by the kernel
    else:
        record_times = np.zeros(0)
        record_arr = np.zeros((0, 4, 0))

    spike_count = np.zeros(n, np.int64)
    spike_times = np.full((n, capacity), np.nan)
    spike_peaks = np.full((n, capacity), np.nan)
    first_t = np.full(n, np.nan)
    last_t = np.full(n, np.nan)
    ahp_v = np.full(n, np.nan)
    ahp_t = np.full(n, np.nan)
    half_width = np.full(n, np.nan)
    n_steps = np.zeros(n, np.int64)
    status = np.zeros(n, np.int64)

    args_tail = (prm, y_init, rest.V_mV.astype(float),
                 packed.pulse_amplitude, packed.pulse_start_ms, packed.pulse_end_ms,
                 packed.ramp_start_amplitude, packed.ramp_end_amplitude,
                 packed.ramp_start_ms, packed.ramp_end_ms,
                 t_ends, float(rtol), float(atol), float(max_step_ms), int(max_steps_per_variant),
                 int(stop_after_spikes), float(stop_from_ms),
                 record_times, record_arr,
                 spike_count, spike_times, spike_peaks, first_t, last_t,
                 ahp_v, ahp_t, half_width, n_steps, status)
    threads = default_thread_count() if n_threads is None else max(1, int(n_threads))
    threads = min(threads, n // 2)   # a lone variant per thread is not worth a hand-off
    if threads <= 1:
        integrate_batch(0, n, *args_tail)
    else:
        # Interleave small chunks so uneven variants balance across threads; the pool
        # persists between calls (a search makes dozens of calls).
        chunk = max(1, min(64, n // (threads * 4) or 1))
        bounds = [(s, min(s + chunk, n)) for s in range(0, n, chunk)]
        list(_thread_pool(threads).map(lambda b: integrate_batch(b[0], b[1], *args_tail), bounds))

    if np.any(status != STATUS_OK):
        bad = int(np.flatnonzero(status != STATUS_OK)[0])
        reason = {STATUS_STEP_UNDERFLOW: "step size underflow or step limit",
                  STATUS_NON_FINITE: "non-finite state"}.get(int(status[bad]), "unknown")
        raise ParameterError(f"integration failed for variant {bad} ({reason}); "
                             f"parameters are probably outside the model's range")

    stored = int(min(capacity, spike_count.max(initial=0)))
    spike_times = spike_times[:, :stored].copy()
    spike_peaks = spike_peaks[:, :stored].copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_isi = np.where(spike_count >= 2, (last_t - first_t) / np.maximum(spike_count - 1, 1), np.nan)
        rate = np.where(spike_count >= 2, 1000.0 / mean_isi, np.nan)
    trace = None
    if record:
        trace = Trace(t_ms=record_times, V_mV=record_arr[:, 0, :], m=record_arr[:, 1, :],
                      h=record_arr[:, 2, :], n=record_arr[:, 3, :],
                      I_stim=stimulus.current(record_times, n))
    return SimulationResult(
        t_end_ms=t_end, rest_mV=rest.V_mV, spike_count=spike_count,
        spike_times_ms=spike_times, spike_peaks_mV=spike_peaks,
        first_spike_time_ms=first_t, ahp_min_mV=ahp_v, ahp_time_ms=ahp_t,
        half_width_ms=half_width, mean_isi_ms=mean_isi, firing_rate_hz=rate,
        n_steps=n_steps, spikes_truncated=spike_count > capacity, trace=trace)
