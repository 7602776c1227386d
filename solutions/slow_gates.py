"""Excitation shaped by the slow gates h and n: anode-break (rebound) spikes after a
hyperpolarizing step, and accommodation to a slowly rising current ramp.

Batched searches over N HH variants (one :func:`~spikeset.solutions.hh_solver.simulate` call
per bisection step, :func:`~spikeset.solutions.hh_search.bisect_monotone`), every one bounded
(at most ``max_expand`` bracket moves and ``max_iter`` halvings, amplitudes and slopes within
a floor and a ceiling). Definitions (amplitudes in uA/cm2, slopes in uA/cm2 per ms, times in ms;
a *spike* is an excursion of V above 0 mV, timed at its peak):

* :func:`rebound_threshold`: the smallest magnitude |I| of a hyperpolarizing step (current -|I|
  from ``start_ms`` for ``duration_ms``) after whose release a spike peaks within
  ``window_ms``;
* :func:`rebound_response`: for a given magnitude, the latency of that rebound spike's peak
  after the release, and h and n at the moment of release;
* :func:`ramp_and_hold`: the accommodation protocol, a current rising linearly from 0 at
  ``start_ms`` with slope s until it reaches ``final`` (after final / s ms), then held at
  ``final`` for ``hold_ms``;
* :func:`step_threshold`: the smallest amplitude of a step held for ``hold_ms`` that makes a
  spike while it is on (the limit of an infinitely steep ramp);
* :func:`critical_slope`: the smallest slope at which the ramp-and-hold protocol makes a spike
  while the current is on (the ramp and its hold);
* :func:`gates_at`: h and n of each variant at a given time of a protocol.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from spikeset.errors import ParameterError
from spikeset.solutions.hh_model import HHParams
from spikeset.solutions.hh_search import _Variants, bisect_monotone
from spikeset.solutions.hh_solver import DEFAULT_ATOL, DEFAULT_RTOL, simulate
from spikeset.solutions.hh_stimulus import Stimulus

#: Largest hyperpolarizing magnitude tried by the rebound search, uA/cm2 (about -150 mV at steady state).
MAX_REBOUND_UA_PER_CM2 = 30.0
#: Largest step amplitude tried by the step-threshold search, uA/cm2.
MAX_STEP_UA_PER_CM2 = 50.0
#: Slopes tried by the ramp search, uA/cm2 per ms: below the floor a ramp is taken as not firing
#: (a ramp that slow to the usual currents lasts over a second), above the ceiling it is a step.
MIN_SLOPE = 0.01
MAX_SLOPE = 1000.0
#: Spacing of the recorded samples between which :func:`gates_at` interpolates, ms.
GATE_RECORD_DT_MS = 0.01


def _per_variant(name: str, value: Any, n: int, *, positive: bool = True) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(value, float), (n,)).copy()
    if not np.all(np.isfinite(arr)) or (positive and np.any(arr <= 0)):
        raise ParameterError(f"{name} must be finite{' and positive' if positive else ''}, got {value!r}")
    return arr


def _sizes(params: HHParams, *values: Any) -> HHParams:
    sizes = {params.n_variants} | {np.asarray(v).size for v in values}
    sizes.discard(1)
    if len(sizes) > 1:
        raise ParameterError(f"variant counts differ: {sorted(sizes)}")
    return params.broadcast(sizes.pop() if sizes else 1)


def hyperpolarizing_step(magnitude: Any, start_ms: Any, duration_ms: Any) -> Stimulus:
    """A current of -|magnitude| uA/cm2 from ``start_ms`` for ``duration_ms`` ms."""
    return Stimulus.pulse(-np.abs(np.asarray(magnitude, float)), start_ms, duration_ms)


def rebound_threshold(params: HHParams, duration_ms: Any, *, start_ms: float, window_ms: float,
                      rel_tol: float = 2.8e-3, bracket: tuple[float, float] = (1.5, 6.0),
                      rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL,
                      n_threads: int | None = None) -> np.ndarray:
    """Smallest hyperpolarizing magnitude (uA/cm2, positive) that gives a rebound spike, shape (N,).

    A step of -|I| from ``start_ms`` lasting ``duration_ms`` (float or (N,)); the patch
    "rebounds" if a spike peaks within ``window_ms`` after the release (``start_ms +
    duration_ms``). Bisection (geometric, final bracket ``rel_tol``) from ``bracket``, widened
    where wrong; NaN where nothing up to MAX_REBOUND_UA_PER_CM2 rebounds.
    """
    p = _sizes(params, duration_ms)
    n = p.n_variants
    dur = _per_variant("duration_ms", duration_ms, n)
    t_end = start_ms + dur + float(window_ms)
    var = _Variants(p)

    def rebounds(mags: np.ndarray, idx: np.ndarray) -> np.ndarray:
        sub, rest = var[idx]
        res = simulate(sub, hyperpolarizing_step(mags, start_ms, dur[idx]), t_end[idx], stop_after_spikes=1,
                       rtol=rtol, atol=atol, rest=rest, n_threads=n_threads)
        return res.spike_count >= 1

    lo, hi = np.full(n, float(bracket[0])), np.full(n, float(bracket[1]))
    return bisect_monotone(rebounds, lo, hi, rel_tol=rel_tol, grow=1.5, floor=0.0,
                           ceiling=MAX_REBOUND_UA_PER_CM2, max_expand=12, max_iter=40)


def rebound_response(params: HHParams, magnitude: Any, duration_ms: Any, *, start_ms: float,
                     window_ms: float, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL,
                     n_threads: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(latency of the rebound spike's peak after the release [ms] (NaN if none within
    ``window_ms``), h at the release, n at the release) for a step of -|magnitude| uA/cm2."""
    p = _sizes(params, magnitude, duration_ms)
    n = p.n_variants
    dur = _per_variant("duration_ms", duration_ms, n)
    release = start_ms + dur
    stim = hyperpolarizing_step(_per_variant("magnitude", magnitude, n), start_ms, dur)
    res = simulate(p, stim, release + float(window_ms), stop_after_spikes=1, rtol=rtol, atol=atol,
                   n_threads=n_threads)
    latency = np.where(res.spike_count >= 1, res.first_spike_time_ms - release, np.nan)
    h, n_gate = gates_at(p, stim, release, rtol=rtol, atol=atol, n_threads=n_threads)
    return latency, h, n_gate


def ramp_and_hold(final: Any, slope: Any, start_ms: Any, hold_ms: Any) -> Stimulus:
    """Current rising linearly from 0 at ``start_ms`` with ``slope`` (uA/cm2 per ms) to ``final``
    (uA/cm2), reached after final / slope ms, then held at ``final`` for ``hold_ms`` ms."""
    final = np.asarray(final, float)
    ramp_ms = final / np.asarray(slope, float)
    return Stimulus.ramp(0.0, final, start_ms, ramp_ms) + Stimulus.pulse(final, np.asarray(start_ms) + ramp_ms,
                                                                        hold_ms)


def step_threshold(params: HHParams, *, start_ms: float, hold_ms: float, rel_tol: float = 2.8e-3,
                   bracket: tuple[float, float] = (1.5, 5.0), rtol: float = DEFAULT_RTOL,
                   atol: float = DEFAULT_ATOL, n_threads: int | None = None) -> np.ndarray:
    """Smallest amplitude (uA/cm2) of a step from ``start_ms`` held for ``hold_ms`` that makes a
    spike peaking while it is on, shape (N,) (NaN if none up to MAX_STEP_UA_PER_CM2)."""
    p = params.broadcast()
    var = _Variants(p)
    t_end = start_ms + float(hold_ms)

    def fires(amps: np.ndarray, idx: np.ndarray) -> np.ndarray:
        sub, rest = var[idx]
        res = simulate(sub, Stimulus.pulse(amps, start_ms, hold_ms), t_end, stop_after_spikes=1,
                       rtol=rtol, atol=atol, rest=rest, n_threads=n_threads)
        return res.spike_count >= 1

    n = p.n_variants
    return bisect_monotone(fires, np.full(n, float(bracket[0])), np.full(n, float(bracket[1])), rel_tol=rel_tol,
                           grow=1.5, floor=0.0, ceiling=MAX_STEP_UA_PER_CM2, max_expand=12, max_iter=40)


def critical_slope(params: HHParams, final: Any, *, start_ms: float, hold_ms: float,
                   rel_tol: float = 3e-3, bracket: tuple[float, float] = (0.3, 1.5),
                   rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL,
                   n_threads: int | None = None) -> np.ndarray:
    """Smallest ramp slope (uA/cm2 per ms) at which :func:`ramp_and_hold` to ``final`` makes a
    spike while the current is on, shape (N,). NaN where even MAX_SLOPE does not fire (the final
    current is below the step threshold); MIN_SLOPE where the slowest ramp tried still fires."""
    p = _sizes(params, final)
    n = p.n_variants
    fin = _per_variant("final", final, n)
    var = _Variants(p)

    def fires(slopes: np.ndarray, idx: np.ndarray) -> np.ndarray:
        sub, rest = var[idx]
        t_end = start_ms + fin[idx] / slopes + float(hold_ms)
        res = simulate(sub, ramp_and_hold(fin[idx], slopes, start_ms, hold_ms), t_end, stop_after_spikes=1,
                       rtol=rtol, atol=atol, rest=rest, n_threads=n_threads)
        return res.spike_count >= 1

    return bisect_monotone(fires, np.full(n, float(bracket[0])), np.full(n, float(bracket[1])), rel_tol=rel_tol,
                           grow=1.5, floor=MIN_SLOPE, ceiling=MAX_SLOPE, max_expand=12, max_iter=40)


def gates_at(params: HHParams, stimulus: Stimulus, t_ms: Any, *, rtol: float = DEFAULT_RTOL,
             atol: float = DEFAULT_ATOL, n_threads: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(h, n) of each variant at its time ``t_ms`` (float or (N,), ms) under ``stimulus``, from
    rest at t = 0: one recorded run, interpolated linearly between samples GATE_RECORD_DT_MS apart
    (h and n change by far less than 1e-6 over that spacing)."""
    p = _sizes(params, t_ms)
    n = max(p.n_variants, stimulus.n_variants)
    p = p.broadcast(n)
    t = _per_variant("t_ms", t_ms, n)
    res = simulate(p, stimulus, float(t.max()) + 2 * GATE_RECORD_DT_MS, record=True,
                   record_dt_ms=GATE_RECORD_DT_MS, rtol=rtol, atol=atol, n_threads=n_threads)
    tr = res.trace
    k = np.minimum((t / GATE_RECORD_DT_MS).astype(int), tr.t_ms.size - 2)
    w = (t - tr.t_ms[k]) / GATE_RECORD_DT_MS
    rows = np.arange(n)
    h = (1 - w) * tr.h[rows, k] + w * tr.h[rows, k + 1]
    n_gate = (1 - w) * tr.n[rows, k] + w * tr.n[rows, k + 1]
    return h, n_gate
