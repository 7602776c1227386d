"""Spike features of an arbitrary sampled voltage trace (pure numpy).

Used by the grader on students' own simulated traces (CSV files), so the
sampling may be irregular.  The definitions match ``hh_solver``:

* spike: a maximal run of samples with V > ``threshold_mV`` (default 0 mV);
  its time and voltage are those of the run's highest sample, refined by the
  parabola through that sample and its two neighbours (non-uniform spacing
  handled).  A run still above threshold at the end of the trace counts only
  if its highest sample is not the last one (the peak has been passed);
* half-width of the first spike: time between the upward and the downward
  crossings of ``(rest + peak) / 2`` (linear interpolation between samples);
* AHP: the lowest sample (parabola-refined) after the first spike's run ends
  and before the second spike's run begins (or the trace ends); NaN if that
  lowest point is the trace's last sample (no minimum reached yet);
* mean ISI = (t_last - t_first) / (count - 1) ms, firing rate = 1000 / mean ISI Hz.

``rest_mV`` defaults to the first sample (traces start at rest).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from spikeset.errors import ParameterError


@dataclass(frozen=True)
class SpikeFeatures:
    """Features of one trace.

    Attributes:
        rest_mV: resting potential used for the half-width level, mV.
        spike_count: number of spikes.
        spike_times_ms: (count,) peak times, ms.
        spike_peaks_mV: (count,) peak voltages, mV.
        ahp_min_mV: AHP minimum after the first spike, mV (NaN if undefined).
        ahp_time_ms: its time, ms.
        half_width_ms: width of the first spike at (rest + peak) / 2, ms.
        mean_isi_ms: mean inter-spike interval, ms (NaN if < 2 spikes).
        firing_rate_hz: 1000 / mean_isi_ms, Hz.
    """

    rest_mV: float
    spike_count: int
    spike_times_ms: np.ndarray
    spike_peaks_mV: np.ndarray
    ahp_min_mV: float
    ahp_time_ms: float
    half_width_ms: float
    mean_isi_ms: float
    firing_rate_hz: float


def _vertex(t: np.ndarray, v: np.ndarray, k: int) -> tuple[float, float]:
    """Extremum of the parabola through samples k-1, k, k+1 (the sample itself at the ends)."""
    if k <= 0 or k >= t.size - 1:
        return float(t[k]), float(v[k])
    t0, t1, t2 = t[k - 1], t[k], t[k + 1]
    v0, v1, v2 = v[k - 1], v[k], v[k + 1]
    # Divided differences: p(x) = v1 + d1 (x - t1) + d2 (x - t1)(x - t0) ... use Newton form on t0, t1, t2.
    f01 = (v1 - v0) / (t1 - t0)
    f12 = (v2 - v1) / (t2 - t1)
    a = (f12 - f01) / (t2 - t0)          # leading coefficient
    if a == 0.0:
        return float(t1), float(v1)
    b = f01 - a * (t0 + t1)              # p(x) = a x^2 + b x + c
    x = -b / (2.0 * a)
    if not (t0 <= x <= t2):
        return float(t1), float(v1)
    value = v0 + f01 * (x - t0) + a * (x - t0) * (x - t1)
    return float(x), float(value)


def _crossing(t: np.ndarray, v: np.ndarray, k: int, level: float) -> float:
    """Time where the segment between samples k and k+1 crosses ``level`` (linear)."""
    dv = v[k + 1] - v[k]
    if dv == 0.0:
        return float(t[k])
    return float(t[k] + (level - v[k]) * (t[k + 1] - t[k]) / dv)


def spike_features(t_ms: Any, v_mV: Any, *, rest_mV: float | None = None,
                   threshold_mV: float = 0.0) -> SpikeFeatures:
    """Features of the trace ``v_mV`` (mV) sampled at ``t_ms`` (ms, strictly increasing).

    Raises ParameterError for mismatched lengths, fewer than 3 samples,
    non-finite values or non-increasing times.
    """
    t = np.asarray(t_ms, float).ravel()
    v = np.asarray(v_mV, float).ravel()
    if t.shape != v.shape:
        raise ParameterError(f"time and voltage have different lengths ({t.size} and {v.size})")
    if t.size < 3:
        raise ParameterError("a trace needs at least 3 samples")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(v))):
        raise ParameterError("the trace contains non-finite values")
    if np.any(np.diff(t) <= 0):
        raise ParameterError("sample times must be strictly increasing")
    rest = float(v[0]) if rest_mV is None else float(rest_mV)
    if not np.isfinite(rest):
        raise ParameterError(f"rest_mV must be finite, got {rest_mV!r}")

    above = v > threshold_mV
    edges = np.diff(above.astype(np.int8))
    starts = list(np.flatnonzero(edges == 1) + 1)
    ends = list(np.flatnonzero(edges == -1) + 1)   # first sample back below
    if above[0]:
        starts.insert(0, 0)
    if above[-1]:
        ends.append(t.size)
    times, peaks, runs = [], [], []
    for s, e in zip(starts, ends):
        k = s + int(np.argmax(v[s:e]))
        if e == t.size and k == t.size - 1:
            continue  # still rising at the end of the trace
        tk, vk = _vertex(t, v, k)
        times.append(tk)
        peaks.append(max(vk, float(v[k])))
        runs.append((s, e, k))
    count = len(times)
    spike_times = np.array(times, float)
    spike_peaks = np.array(peaks, float)

    half_width = np.nan
    ahp_v = np.nan
    ahp_t = np.nan
    if count:
        s, e, k = runs[0]
        level = 0.5 * (rest + spike_peaks[0])
        below_before = np.flatnonzero(v[:k + 1] < level)
        after = np.flatnonzero(v[k:] < level)
        if below_before.size and after.size:
            up = int(below_before[-1])
            down = k + int(after[0]) - 1
            half_width = _crossing(t, v, down, level) - _crossing(t, v, up, level)
        if e < t.size:
            stop = starts[1] if len(starts) > 1 else t.size
            if stop > e:
                j = e + int(np.argmin(v[e:stop]))
                if j < t.size - 1:
                    ahp_t, ahp_v = _vertex(t, v, j)
                    ahp_v = min(ahp_v, float(v[j]))
    mean_isi = (spike_times[-1] - spike_times[0]) / (count - 1) if count >= 2 else np.nan
    rate = 1000.0 / mean_isi if count >= 2 and mean_isi > 0 else np.nan
    return SpikeFeatures(rest_mV=rest, spike_count=count, spike_times_ms=spike_times,
                         spike_peaks_mV=spike_peaks, ahp_min_mV=float(ahp_v), ahp_time_ms=float(ahp_t),
                         half_width_ms=float(half_width), mean_isi_ms=float(mean_isi),
                         firing_rate_hz=float(rate))
