"""Shared helpers of the simulation families (sim-*): the sampled HH parameter set, batching
those parameters into one :class:`HHParams`, and the command line a student can use.

Not a family (the folder name starts with ``_``, so the registry skips it).
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from spikeset.sampling import Draw

#: HH fields in the order they are printed.
HH_FIELDS = ("C_m", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L", "temperature")
#: Classic squid values of the fields that are not varied.
CLASSIC = {"C_m": 1.0, "g_L": 0.3, "E_Na": 50.0, "E_K": -77.0, "E_L": -54.387}


def sample_hh(draw: Draw, *, temperature=(6.3, 20.0), g_na=(100.0, 140.0), g_k=(30.0, 42.0)) -> dict:
    """Classic squid HH parameters with g_Na, g_K and the temperature varied (printed values)."""
    p = dict(CLASSIC)
    p["g_Na"] = draw.uniform("g_Na", *g_na, digits=0)
    p["g_K"] = draw.uniform("g_K", *g_k, digits=0)
    p["temperature"] = draw.uniform("temperature", *temperature, digits=1)
    return {k: p[k] for k in HH_FIELDS}


def hh_dict(params: dict, **changes: Any) -> dict:
    out = {k: float(params[k]) for k in HH_FIELDS}
    out.update(changes)
    return out


def batch(params_list: Sequence[dict], **columns: Any):
    """One HHParams with the N variants of ``params_list``; ``columns`` override fields
    with (N,) arrays or scalars."""
    from spikeset.solutions.hh_model import HHParams
    values = {k: np.array([float(p[k]) for p in params_list]) for k in HH_FIELDS}
    for k, v in columns.items():
        values[k] = np.broadcast_to(np.asarray(v, float), (len(params_list),)).copy()
    return HHParams(**values)


def concat(*hh) -> Any:
    """Concatenate several broadcast HHParams (conditions) into one batch."""
    from spikeset.solutions.hh_model import HHParams
    parts = [h.broadcast() for h in hh]
    return HHParams(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in HH_FIELDS})


def fmt(x: float) -> str:
    """A printed number without trailing zeros (for the command line)."""
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def cli_params(params: dict, **changes: Any) -> str:
    p = hh_dict(params, **changes)
    return " ".join(f"--param {k}={fmt(p[k])}" for k in HH_FIELDS)


def rel_gap(a: float, b: float) -> float:
    """|a - b| / max(|a|, |b|), NaN-safe (NaN -> 0)."""
    if not (math.isfinite(a) and math.isfinite(b)):
        return 0.0
    m = max(abs(a), abs(b))
    return abs(a - b) / m if m > 0 else 0.0


# ---------------------------------------------------------------------------
# Batched searches with a looser integrator tolerance.
#
# ``spikeset.solutions.hh_search`` integrates every bisection step at the solver's default
# rtol = atol = 1e-9 and starts from a fixed guess; neither can be changed there.  A threshold
# is an all-or-none switch: at 1e-5 it moves by < 0.2 % (measured on 1000 variants against 1e-6),
# far inside the 2-3 % tolerances, while the integrator needs ~6x fewer steps than at 1e-9.
# ---------------------------------------------------------------------------

SEARCH_RTOL = 1e-5
SEARCH_ATOL = 1e-5
RECORD_DT_MS = 0.05


def bisect_batch(predicate, lo, hi, *, rel_tol: float = 4e-3, grow: float = 2.0,
                 max_expand: int = 12, max_iter: int = 40, floor: float = 1e-3,
                 ceiling: float = 1e4) -> np.ndarray:
    """Batched geometric bisection of a monotone predicate (False below, True above).

    ``predicate(values, idx)`` evaluates variants ``idx`` at ``values`` in ONE solver call.
    [lo, hi] is a guessed bracket per variant; both ends are checked in one call and
    widened by ``grow`` where wrong.  Returns the final bracket's geometric midpoint,
    NaN where no bracket exists within [floor, ceiling].
    """
    lo = np.asarray(lo, float).copy()
    hi = np.asarray(hi, float).copy()
    n = lo.size
    idx_all = np.arange(n)
    ok = np.ones(n, bool)
    need_lo = np.ones(n, bool)
    need_hi = np.ones(n, bool)
    for _ in range(max_expand):
        il, ih = idx_all[need_lo & ok], idx_all[need_hi & ok]
        if il.size + ih.size == 0:
            break
        res = np.asarray(predicate(np.concatenate([lo[il], hi[ih]]), np.concatenate([il, ih])), bool)
        fired_lo, fired_hi = res[:il.size], res[il.size:]
        # lo fired: it is a new hi; step lo down
        bad_lo = il[fired_lo]
        hi[bad_lo] = np.minimum(hi[bad_lo], lo[bad_lo])
        lo[bad_lo] = lo[bad_lo] / grow
        need_lo[il[~fired_lo]] = False
        # hi did not fire: it is a new lo; step hi up
        bad_hi = ih[~fired_hi]
        lo[bad_hi] = np.maximum(lo[bad_hi], hi[bad_hi])
        hi[bad_hi] = hi[bad_hi] * grow
        need_hi[ih[fired_hi]] = False
        ok &= (lo >= floor) & (hi <= ceiling)
    ok &= ~need_lo & ~need_hi
    for _ in range(max_iter):
        active = idx_all[ok & (hi > lo * (1.0 + rel_tol))]
        if active.size == 0:
            break
        mid = np.sqrt(lo[active] * hi[active])
        res = np.asarray(predicate(mid, active), bool)
        hi[active[res]] = mid[res]
        lo[active[~res]] = mid[~res]
    out = np.sqrt(lo * hi)
    out[~ok] = np.nan
    return out


def trace_spike_count(trace_v: np.ndarray) -> np.ndarray:
    """Upward crossings of 0 mV in recorded traces (N, M) (NaN samples ignored)."""
    v = np.nan_to_num(trace_v, nan=-100.0)
    above = v > 0.0
    return above[:, :1].astype(int)[:, 0] + np.sum(above[:, 1:] & ~above[:, :-1], axis=1)


def fires(params, stimulus, t_end: float, n_spikes: int = 1) -> np.ndarray:
    """True where the variants make >= n_spikes spikes before t_end (one solver call).

    Workaround: hh_solver can miss a spike whose maximum falls exactly on a stimulus
    breakpoint (the pulse's end), which breaks bisections in a narrow amplitude window;
    so the spikes are also counted as 0-mV upward crossings of a 0.05 ms recorded trace.
    """
    from spikeset.solutions.hh_solver import simulate
    res = simulate(params, stimulus, float(t_end), stop_after_spikes=n_spikes,
                   rtol=SEARCH_RTOL, atol=SEARCH_ATOL, record=True, record_dt_ms=RECORD_DT_MS)
    count = np.maximum(res.spike_count, trace_spike_count(res.trace.V_mV))
    return count >= n_spikes


def subset(hh, idx):
    from spikeset.solutions.hh_model import HHParams
    b = hh.broadcast()
    return HHParams(**{k: getattr(b, k)[idx] for k in HH_FIELDS})


def pulse_threshold(hh, duration_ms, start_ms: float, window_ms: float, *, lo=None, hi=None,
                    rel_tol: float = 4e-3) -> np.ndarray:
    """Threshold amplitude (uA/cm2) of one pulse: the smallest amplitude giving >= 1 spike
    before ``start + duration + window`` (the definition of hh_search.threshold_amplitude)."""
    from spikeset.solutions.hh_stimulus import Stimulus
    n = hh.n_variants
    dur = np.broadcast_to(np.asarray(duration_ms, float), (n,)).copy()
    t_end = start_ms + float(np.max(dur)) + window_ms
    guess = 2.5 * (1.0 + 0.8 / dur) * (1.0 + 0.05 * (np.broadcast_to(hh.temperature, (n,)) - 6.3))
    lo = guess / 1.6 if lo is None else np.broadcast_to(np.asarray(lo, float), (n,))
    hi = guess * 1.6 if hi is None else np.broadcast_to(np.asarray(hi, float), (n,))

    def predicate(amps, idx):
        return fires(subset(hh, idx), Stimulus.pulse(amps, start_ms, dur[idx]), t_end, 1)
    return bisect_batch(predicate, lo, hi, rel_tol=rel_tol)


#: Repetitive-firing protocol (the defaults of hh_search.repetitive_firing_threshold).
REP_START_MS = 2.0
REP_STEP_MS = 150.0
REP_FINAL_WINDOW_MS = 50.0


def rep_guess(hh) -> np.ndarray:
    """Rough repetitive-firing threshold (uA/cm2) from a fit over the sampled ranges (bracket start)."""
    b = hh.broadcast()
    return np.exp(REP_FIT[0] + REP_FIT[1] * np.log(b.g_Na) + REP_FIT[2] * np.log(b.g_K)
                  + REP_FIT[3] * (b.temperature - 6.3))


REP_FIT = (4.963, -3.575, 3.877, 0.0276)   # log-linear fit, residual sd 0.06


def repetitive_threshold(hh, *, rel_tol: float = 4e-3, spread: float = 1.3) -> np.ndarray:
    """Smallest step amplitude (uA/cm2) giving repetitive firing: a 150 ms step from rest (onset
    2 ms) makes >= 2 spikes AND a spike peaks in its last 50 ms (hh_search's definition)."""
    from spikeset.solutions.hh_solver import simulate
    from spikeset.solutions.hh_stimulus import Stimulus
    t_end = REP_START_MS + REP_STEP_MS

    def predicate(amps, idx):
        res = simulate(subset(hh, idx), Stimulus.pulse(amps, REP_START_MS, REP_STEP_MS), t_end,
                       rtol=SEARCH_RTOL, atol=SEARCH_ATOL)
        counts = np.minimum(res.spike_count, res.spike_times_ms.shape[1])
        last = np.full(len(idx), -np.inf)
        has = counts > 0
        if res.spike_times_ms.shape[1]:
            last[has] = res.spike_times_ms[np.flatnonzero(has), counts[has] - 1]
        return (res.spike_count >= 2) & (last >= t_end - REP_FINAL_WINDOW_MS)
    g = rep_guess(hh)
    return bisect_batch(predicate, g / spread, g * spread, rel_tol=rel_tol, grow=1.5, ceiling=150.0)


def distinct_misconceptions(questions: list, factor: float = 1.5) -> list:
    """Drop, per numeric question, the misconceptions whose value this variant cannot tell apart
    from the answer (within ``factor`` x the tolerance's half-width) or from an earlier one."""
    from dataclasses import replace

    from spikeset.model import NumericQuestion
    out = []
    for q in questions:
        if isinstance(q, NumericQuestion) and q.misconceptions:
            width = factor * q.tolerance.half_width(q.answer)
            keep = []
            for m in q.misconceptions:
                v = m.value
                if v is None or not math.isfinite(v) or not math.isfinite(q.answer) or abs(v - q.answer) <= width:
                    continue
                if any(abs(v - k.value) <= width for k in keep):
                    continue
                keep.append(m)
            q = replace(q, misconceptions=tuple(keep))
        out.append(q)
    return out
