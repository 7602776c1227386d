"""States (V, m, h, n) that an HH membrane passes through during one action potential: the
snapshots that problems print "during an action potential" come from a real simulated spike.

One batched simulation per call: every variant starts at its own rest, gets one brief
suprathreshold pulse, and its first spike is searched for the moment V crosses a given level
on the rising or on the falling phase. The state there is interpolated linearly in time between
two recorded samples (``record_dt_ms`` apart), so it lies on the trajectory to far better
than the digits problems print.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .hh_model import HHParams
from .hh_solver import simulate
from .hh_stimulus import Stimulus

#: The pulse that starts the spike: amplitude [uA/cm^2], onset and duration [ms].
PULSE_uA_PER_CM2 = 40.0
PULSE_START_ms = 1.0
PULSE_DURATION_ms = 0.5
#: Simulated time [ms] and recording interval [ms].
T_END_ms = 8.0
RECORD_DT_ms = 0.005


@dataclass(frozen=True)
class SpikeSnapshots:
    """Per variant (arrays of shape (N,); NaN where the membrane did not spike or the level
    was not crossed on the asked phase).

    Attributes:
        peak_mV: peak of the first spike, mV.
        t_ms: time of the snapshot, ms (the pulse ends at PULSE_START_ms + PULSE_DURATION_ms).
        V_mV: membrane potential at the snapshot, mV (the asked level).
        m, h, n: the gates at the snapshot.
        dVdt_mV_per_ms: slope of V at the snapshot, mV/ms (from the two samples around it).
    """

    peak_mV: np.ndarray
    t_ms: np.ndarray
    V_mV: np.ndarray
    m: np.ndarray
    h: np.ndarray
    n: np.ndarray
    dVdt_mV_per_ms: np.ndarray


@dataclass(frozen=True)
class RecordedSpikes:
    """The recorded first spike of N variants (see :func:`record_spikes`).

    Attributes:
        trace: the recorded trace (``spikeset.solutions.hh_solver.Trace``).
        peak_mV: peak of the first spike, mV, (N,) (NaN if the variant did not spike).
        peak_index: sample index of that peak, (N,).
    """

    trace: object
    peak_mV: np.ndarray
    peak_index: np.ndarray

    def snapshot(self, level_mV, rising) -> SpikeSnapshots:
        """The state of each variant where its first spike crosses ``level_mV`` [mV, (N,) or scalar]
        upward (``rising`` True) or downward (False) [bool, (N,) or scalar]."""
        trace, peak = self.trace, self.peak_mV
        n_var, n_t = trace.V_mV.shape
        level = np.broadcast_to(np.asarray(level_mV, float), (n_var,))
        up = np.broadcast_to(np.asarray(rising, bool), (n_var,))
        out = {k: np.full(n_var, np.nan) for k in ("t", "V", "m", "h", "n", "slope")}
        t = trace.t_ms
        for i in range(n_var):
            if not (np.isfinite(peak[i]) and np.isfinite(level[i]) and level[i] < peak[i]):
                continue
            v = trace.V_mV[i]
            kp = int(self.peak_index[i])
            if up[i]:
                below = np.nonzero(v[:kp] < level[i])[0]
                if below.size == 0:
                    continue
                k = int(below[-1])                    # v[k] < level <= v[k + 1]
            else:
                after = np.nonzero(v[kp:] <= level[i])[0]
                if after.size == 0:
                    continue
                k = kp + int(after[0]) - 1            # v[k] > level >= v[k + 1]
            if k + 1 >= n_t or not np.isfinite(v[k + 1]):
                continue
            w = (level[i] - v[k]) / (v[k + 1] - v[k])
            out["t"][i] = t[k] + w * (t[k + 1] - t[k])
            out["V"][i] = level[i]
            for gate in ("m", "h", "n"):
                g = getattr(trace, gate)[i]
                out[gate][i] = g[k] + w * (g[k + 1] - g[k])
            out["slope"][i] = (v[k + 1] - v[k]) / (t[k + 1] - t[k])
        return SpikeSnapshots(peak, out["t"], out["V"], out["m"], out["h"], out["n"], out["slope"])


def record_spikes(params: HHParams) -> RecordedSpikes:
    """Simulate N variants from rest with the standard pulse and find each first spike's peak."""
    trace = _record(params)
    peak, index = _peaks(trace)
    return RecordedSpikes(trace, peak, index)


def _record(params: HHParams):
    stimulus = Stimulus.pulse(PULSE_uA_PER_CM2, PULSE_START_ms, PULSE_DURATION_ms)
    return simulate(params, stimulus, T_END_ms, record=True, record_dt_ms=RECORD_DT_ms).trace


def _peaks(trace) -> tuple[np.ndarray, np.ndarray]:
    """The first local maximum above 0 mV after the pulse onset, per variant: (peak mV, index)."""
    v = trace.V_mV
    n_var = v.shape[0]
    peak = np.full(n_var, np.nan)
    index = np.zeros(n_var, int)
    for i in range(n_var):
        above = np.nonzero(v[i] > 0.0)[0]
        if above.size == 0:
            continue
        start = int(above[0])
        end = start
        while end + 1 < v.shape[1] and v[i, end + 1] >= v[i, end]:
            end += 1
        if end + 1 >= v.shape[1]:
            continue                              # still rising at the end: no spike peak seen
        peak[i], index[i] = v[i, end], end
    return peak, index
