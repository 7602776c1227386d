"""Batched threshold and refractory searches on the HH model.

Every search bisects all N variants together: each bisection step is one
batched :func:`~spikeset.solutions.hh_solver.simulate` call over the variants
whose bracket is still too wide, and runs stop a variant as soon as its
outcome is known (``stop_after_spikes``), so a 1000-variant threshold search
costs about 15 batch calls of short simulations.

Definitions (all amplitudes in uA/cm2, times in ms):

* a *spike* is an excursion of V above 0 mV (see ``hh_solver``);
* :func:`threshold_amplitude`: the smallest amplitude of one rectangular
  pulse of ``duration_ms`` starting at ``start_ms`` that makes at least one
  spike before ``start_ms + duration_ms + response_window_ms``;
* :func:`repetitive_firing_threshold`: the smallest amplitude of a current
  step of ``step_duration_ms`` (from rest) that makes *repetitive firing*,
  i.e. at least ``min_spikes`` (default 2) spikes in all AND at least one
  spike in the last ``final_window_ms`` (default 50 ms) of the step (firing is
  still sustained at the end, not a transient burst that dies out);
* :func:`refractory_interval`: the smallest onset-to-onset delay between two
  identical pulses at which the second still makes its own spike (2 spikes);
* :func:`second_pulse_threshold`: the threshold amplitude of a second pulse
  at a given onset-to-onset delay after a suprathreshold conditioning pulse
  (2 spikes in all).

Each assumes the outcome is monotone in the searched quantity over the
bracket; variants whose bracket cannot be found within the limits get NaN.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from spikeset.errors import ParameterError
from spikeset.solutions.hh_model import HHParams, temperature_factor
from spikeset.solutions.hh_solver import simulate
from spikeset.solutions.hh_stimulus import Stimulus

#: Default onset of the (first) pulse, ms.
DEFAULT_START_MS = 2.0
#: Time after the end of a pulse within which its spike must come, at 6.3 degC (ms);
#: scaled by 1/phi at colder temperatures.
DEFAULT_RESPONSE_WINDOW_MS = 25.0
#: Largest amplitude tried before a variant is declared unexcitable, uA/cm2.
MAX_AMPLITUDE_UA_PER_CM2 = 1.0e4
#: Largest delay tried by the refractory search, ms.
MAX_DELAY_MS = 200.0
#: Absolute tolerance of the refractory delay, ms.
DEFAULT_DELAY_TOL_MS = 1e-3


def _response_window(params: HHParams, window_ms: float | None) -> np.ndarray:
    if window_ms is not None:
        return np.full(params.n_variants, float(window_ms))
    phi = np.broadcast_to(temperature_factor(params.temperature), (params.n_variants,))
    return DEFAULT_RESPONSE_WINDOW_MS / np.minimum(phi, 1.0)


def _check_positive(name: str, value: Any, *, allow_zero: bool = False) -> np.ndarray:
    arr = np.asarray(value, float)
    if arr.ndim > 1 or not np.all(np.isfinite(arr)) or np.any(arr < 0) or (not allow_zero and np.any(arr == 0)):
        raise ParameterError(f"{name} must be a finite {'non-negative' if allow_zero else 'positive'} "
                             f"number or 1-D array, got {value!r}")
    return arr


def _bisect_increasing(predicate: Callable[[np.ndarray, np.ndarray], np.ndarray], guess: np.ndarray,
                       lower: np.ndarray, upper: np.ndarray, *, rel_tol: float, abs_tol: float,
                       grow: float = 2.0, max_calls: int = 80) -> np.ndarray:
    """Batched bisection for the switch point of a monotone predicate (False below, True above).

    ``predicate(values, indices)`` evaluates the variants ``indices`` at
    ``values`` in one call.  ``lower`` is assumed False.  The bracket is first
    found by multiplying/dividing ``guess`` by ``grow``; then bisection
    (geometric once both ends are > 0) until ``hi - lo <= max(rel_tol*hi, abs_tol)``.
    Returns the bracket midpoint, NaN where no True value exists below ``upper``.
    """
    n = guess.shape[0]
    lo = lower.astype(float).copy()
    hi = np.full(n, np.nan)
    cand = np.clip(guess.astype(float), np.nextafter(lower, np.inf), upper)
    failed = np.zeros(n, bool)
    done = np.zeros(n, bool)
    for _ in range(max_calls):
        active = np.flatnonzero(~done)
        if active.size == 0:
            break
        outcome = np.asarray(predicate(cand[active], active), bool)
        hit = active[outcome]
        miss = active[~outcome]
        hi[hit] = cand[hit]
        lo[miss] = np.maximum(lo[miss], cand[miss])
        # next candidates
        no_hi = np.isnan(hi)
        over = no_hi & (lo >= upper)
        failed |= over & ~done
        done |= over
        grow_up = active[no_hi[active] & ~over[active]]
        cand[grow_up] = np.minimum(cand[grow_up] * grow, upper[grow_up])
        have = active[~no_hi[active]]
        width_ok = (hi[have] - lo[have]) <= np.maximum(rel_tol * hi[have], abs_tol)
        done[have[width_ok]] = True
        rest = have[~width_ok]
        lo_r, hi_r = lo[rest], hi[rest]
        at_floor = lo_r <= lower[rest]
        geometric = np.sqrt(np.maximum(lo_r, 0.0) * hi_r)
        # Below an unverified floor, step down by `grow` (fast bracketing);
        # otherwise bisect (geometrically when the bracket is positive).
        cand[rest] = np.where(at_floor, np.maximum(hi_r / grow, 0.5 * (lower[rest] + hi_r)),
                              np.where(lo_r > 0, geometric, 0.5 * (lo_r + hi_r)))
        # guard: candidates must lie strictly inside the bracket
        inside = (cand[rest] > lo_r) & (cand[rest] < hi_r)
        cand[rest] = np.where(inside, cand[rest], 0.5 * (lo_r + hi_r))
    result = 0.5 * (lo + hi)
    result[failed | ~done] = np.nan
    return result


def _fires(params: HHParams, stimulus: Stimulus, t_end: np.ndarray | float, n_spikes: int,
           n_threads: int | None) -> np.ndarray:
    res = simulate(params, stimulus, float(np.max(t_end)), stop_after_spikes=n_spikes,
                   n_threads=n_threads)
    return res.spike_count >= n_spikes


def _sub(params: HHParams, idx: np.ndarray) -> HHParams:
    b = params.broadcast()
    return HHParams(**{name: getattr(b, name)[idx] for name in
                       ("C_m", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L", "temperature")})


def _broadcast_all(params: HHParams, *arrays: Any) -> tuple[HHParams, list[np.ndarray]]:
    sizes = {params.n_variants} | {np.asarray(a).size for a in arrays}
    sizes.discard(1)
    if len(sizes) > 1:
        raise ParameterError(f"variant counts differ: {sorted(sizes)}")
    n = sizes.pop() if sizes else 1
    return params.broadcast(n), [np.broadcast_to(np.asarray(a, float), (n,)).copy() for a in arrays]


def _threshold_guess(duration_ms: np.ndarray, params: HHParams) -> np.ndarray:
    """Rough strength-duration guess (uA/cm2), only used to start the bracket.

    Lapicque-like ``rheobase * (1 + chronaxie / duration)`` with the standard
    HH model's ~2.5 uA/cm2 and ~0.8 ms; a poor guess only costs extra steps.
    """
    del params
    return 2.5 * (1.0 + 0.8 / np.maximum(duration_ms, 1e-3))


def threshold_amplitude(params: HHParams, duration_ms: Any, *, start_ms: float = DEFAULT_START_MS,
                        rel_tol: float = 1e-4, response_window_ms: float | None = None,
                        n_threads: int | None = None) -> np.ndarray:
    """Threshold amplitude (uA/cm2) of one rectangular pulse, per variant, shape (N,).

    Args:
        params: N variants (or scalars).
        duration_ms: pulse duration, ms (float or (N,)).
        start_ms: pulse onset, ms (the model sits at rest before it).
        rel_tol: relative width of the final bracket (the midpoint is returned).
        response_window_ms: how long after the pulse's end a spike may come
            (default 25 ms, longer at temperatures below 6.3 degC).
        n_threads: passed to ``simulate``.

    NaN where no amplitude up to ``MAX_AMPLITUDE_UA_PER_CM2`` fires.  If a
    variant fires spontaneously, the result is close to 0.
    """
    durations = _check_positive("duration_ms", duration_ms)
    start = float(_check_positive("start_ms", start_ms, allow_zero=True))
    p, (dur,) = _broadcast_all(params, durations)
    n = p.n_variants
    window = _response_window(p, response_window_ms)
    t_end = start + dur + window

    def predicate(amps: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return _fires(_sub(p, idx), Stimulus.pulse(amps, start, dur[idx]), t_end[idx], 1, n_threads)

    return _bisect_increasing(predicate, _threshold_guess(dur, p), np.zeros(n),
                              np.full(n, MAX_AMPLITUDE_UA_PER_CM2), rel_tol=rel_tol, abs_tol=0.0)


def _repetitive(params: HHParams, amps: np.ndarray, start: float, step_duration: float,
                final_window: float, min_spikes: int, n_threads: int | None) -> np.ndarray:
    t_end = start + step_duration
    res = simulate(params, Stimulus.pulse(amps, start, step_duration), t_end, n_threads=n_threads)
    last_spike = np.where(res.spike_count > 0, _last_spike_time(res), -np.inf)
    return (res.spike_count >= min_spikes) & (last_spike >= t_end - final_window)


def _last_spike_time(res) -> np.ndarray:
    counts = np.minimum(res.spike_count, res.spike_times_ms.shape[1])
    out = np.full(res.n_variants, np.nan)
    has = counts > 0
    out[has] = res.spike_times_ms[np.flatnonzero(has), counts[has] - 1]
    return out


def repetitive_firing_threshold(params: HHParams, *, step_duration_ms: float = 150.0,
                                final_window_ms: float = 50.0, min_spikes: int = 2,
                                start_ms: float = DEFAULT_START_MS, rel_tol: float = 1e-3,
                                max_amplitude: float = 200.0,
                                n_threads: int | None = None) -> np.ndarray:
    """Smallest step amplitude (uA/cm2) giving repetitive firing, shape (N,).

    Repetitive firing: a step of ``step_duration_ms`` from rest (onset
    ``start_ms``) makes at least ``min_spikes`` spikes and at least one spike
    peaks within the last ``final_window_ms`` of the step.  Below the HH
    repetitive threshold (~6.3 uA/cm2 at 6.3 degC) a step makes one or a few
    spikes that die out; above it, firing is sustained.  Very strong steps
    cause depolarisation block; the search assumes monotonicity below
    ``max_amplitude`` (NaN when nothing up to it fires repetitively).
    """
    step = float(_check_positive("step_duration_ms", step_duration_ms))
    final = float(_check_positive("final_window_ms", final_window_ms))
    start = float(_check_positive("start_ms", start_ms, allow_zero=True))
    if final > step:
        raise ParameterError("final_window_ms must not exceed step_duration_ms")
    if int(min_spikes) < 1:
        raise ParameterError("min_spikes must be >= 1")
    p = params.broadcast()
    n = p.n_variants

    def predicate(amps: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return _repetitive(_sub(p, idx), amps, start, step, final, int(min_spikes), n_threads)

    return _bisect_increasing(predicate, np.full(n, 8.0), np.zeros(n), np.full(n, float(max_amplitude)),
                              rel_tol=rel_tol, abs_tol=0.0, grow=1.5)


def refractory_interval(params: HHParams, amplitude: Any, duration_ms: Any, *,
                        start_ms: float = DEFAULT_START_MS, abs_tol_ms: float = DEFAULT_DELAY_TOL_MS,
                        max_delay_ms: float = MAX_DELAY_MS, response_window_ms: float | None = None,
                        n_threads: int | None = None) -> np.ndarray:
    """Smallest onset-to-onset delay (ms) at which a second identical pulse still spikes, shape (N,).

    Two pulses of ``amplitude`` uA/cm2 and ``duration_ms`` ms; the answer is
    the delay where the response switches from one spike to two (bracket
    width ``abs_tol_ms``).  NaN where even ``max_delay_ms`` gives no second
    spike (e.g. the pulse is subthreshold).
    """
    amps_in = np.asarray(amplitude, float)
    if not np.all(np.isfinite(amps_in)):
        raise ParameterError(f"amplitude must be finite, got {amplitude!r}")
    durations = _check_positive("duration_ms", duration_ms)
    start = float(_check_positive("start_ms", start_ms, allow_zero=True))
    p, (amps, dur) = _broadcast_all(params, amps_in, durations)
    n = p.n_variants
    window = _response_window(p, response_window_ms)

    def predicate(delays: np.ndarray, idx: np.ndarray) -> np.ndarray:
        stim = Stimulus.paired_pulses(amps[idx], dur[idx], delays, start_ms=start)
        t_end = start + delays + dur[idx] + window[idx]
        return _fires(_sub(p, idx), stim, t_end, 2, n_threads)

    guess = np.maximum(dur, 10.0 / np.minimum(np.broadcast_to(temperature_factor(p.temperature), (n,)), 10.0))
    return _bisect_increasing(predicate, guess, np.zeros(n), np.full(n, float(max_delay_ms)),
                              rel_tol=0.0, abs_tol=float(abs_tol_ms), grow=2.0)


def second_pulse_threshold(params: HHParams, duration_ms: Any, delay_ms: Any, conditioning_amplitude: Any, *,
                           start_ms: float = DEFAULT_START_MS, rel_tol: float = 1e-4,
                           response_window_ms: float | None = None,
                           n_threads: int | None = None) -> np.ndarray:
    """Threshold (uA/cm2) of a second pulse ``delay_ms`` (onset-to-onset) after a conditioning one.

    Both pulses last ``duration_ms``; the conditioning pulse has
    ``conditioning_amplitude`` (uA/cm2, should be suprathreshold).  The
    threshold is the smallest second amplitude giving 2 spikes in all.
    NaN where the conditioning pulse alone does not fire, or where no second
    amplitude up to ``MAX_AMPLITUDE_UA_PER_CM2`` does.
    """
    cond_in = np.asarray(conditioning_amplitude, float)
    if not np.all(np.isfinite(cond_in)):
        raise ParameterError(f"conditioning_amplitude must be finite, got {conditioning_amplitude!r}")
    durations = _check_positive("duration_ms", duration_ms)
    delays_in = _check_positive("delay_ms", delay_ms, allow_zero=True)
    start = float(_check_positive("start_ms", start_ms, allow_zero=True))
    p, (cond, dur, delay) = _broadcast_all(params, cond_in, durations, delays_in)
    n = p.n_variants
    window = _response_window(p, response_window_ms)
    t_end = start + delay + dur + window

    conditioning_fires = _fires(p, Stimulus.pulse(cond, start, dur), t_end, 1, n_threads)

    def predicate(amps: np.ndarray, idx: np.ndarray) -> np.ndarray:
        stim = Stimulus.paired_pulses(cond[idx], dur[idx], delay[idx], start_ms=start, second_amplitude=amps)
        return _fires(_sub(p, idx), stim, t_end[idx], 2, n_threads)

    result = _bisect_increasing(predicate, 2.0 * _threshold_guess(dur, p), np.zeros(n),
                                np.full(n, MAX_AMPLITUDE_UA_PER_CM2), rel_tol=rel_tol, abs_tol=0.0)
    result[~conditioning_fires] = np.nan
    return result
