"""Brian2 side of the HH benchmark (bench/hh.py runs it; it does not import spikeset).

Runs under a separate interpreter that has brian2 and numpy < 2 (Brian2 2.9
cannot import under numpy 2.4), e.g. ``.venv-brian2/bin/python``:

    echo '{"amplitudes": [10.0], ...}' | .venv-brian2/bin/python bench/brian2_hh.py

Input (JSON on stdin, or a file named as the first argument):

    amplitudes      per-neuron step amplitude, uA/cm2 (one neuron each)
    start_ms        step onset, ms (current is 0 before, the amplitude after)
    t_end_ms        duration, ms
    dt_ms           time step, ms
    initial         {"V": mV, "m": .., "h": .., "n": ..} (scalars or per-neuron lists)
    params          {"C_m", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L", "temperature"}
                    (uF/cm2, mS/cm2, mV, degC)
    record          indices of the neurons whose spike peaks are returned
    method          Brian2 state updater (default "exponential_euler")

Model (V in mV, t in ms, phi = 3 ** ((T - 6.3) / 10)):

    C_m dV/dt = I - g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L)
    dx/dt = phi (alpha_x (1 - x) - beta_x x),  x = m, h, n
    alpha_m = 0.1 (V+40) / (1 - exp(-(V+40)/10))   beta_m = 4 exp(-(V+65)/18)
    alpha_h = 0.07 exp(-(V+65)/20)                 beta_h = 1 / (1 + exp(-(V+35)/10))
    alpha_n = 0.01 (V+55) / (1 - exp(-(V+55)/10))  beta_n = 0.125 exp(-(V+65)/80)

(written out as above, not with Brian2's exprel: in Brian2 2.9's numpy target every
exprel call formats its whole result array into an error-message f-string,
which made a 1000-neuron step ~10x slower; V never lands exactly on -40 or
-55 mV here, and a NaN would show as a spike-count mismatch).

Output (JSON on stdout): brian2 and numpy versions, dt, method, wall_s (from
building the NeuronGroup to the end of run(): code generation included, the
brian2 import excluded), setup_s / run_s (the part before / inside run()),
spike_counts and crossing_times_ms of every neuron (SpikeMonitor, threshold
0 mV, refractory while V > 0 mV), and for each recorded neuron its spike peak times (ms) and
voltages (mV): the vertex of the parabola through the highest sample of each
run above 0 mV and its two neighbours (the method of spikeset's
spike_features), from a StateMonitor on those neurons only.
"""
from __future__ import annotations

import json
import sys
import time

import numpy as np


def trace_peaks(t: np.ndarray, v: np.ndarray, threshold: float = 0.0):
    """Peak times and voltages of the runs of v above ``threshold`` (parabolic vertex)."""
    above = v > threshold
    edges = np.diff(above.astype(np.int8))
    starts = list(np.flatnonzero(edges == 1) + 1)
    ends = list(np.flatnonzero(edges == -1) + 1)
    if above[0]:
        starts.insert(0, 0)
    if above[-1]:
        ends.append(t.size)
    times, peaks = [], []
    for s, e in zip(starts, ends):
        k = s + int(np.argmax(v[s:e]))
        if e == t.size and k == t.size - 1:
            continue  # still rising at the end of the trace
        if k <= 0 or k >= t.size - 1:
            tk, vk = float(t[k]), float(v[k])
        else:
            t0, t1, t2 = t[k - 1], t[k], t[k + 1]
            v0, v1, v2 = v[k - 1], v[k], v[k + 1]
            f01 = (v1 - v0) / (t1 - t0)
            f12 = (v2 - v1) / (t2 - t1)
            a = (f12 - f01) / (t2 - t0)
            tk, vk = float(t1), float(v1)
            if a != 0.0:
                x = -(f01 - a * (t0 + t1)) / (2.0 * a)
                if t0 <= x <= t2:
                    tk, vk = float(x), float(v0 + f01 * (x - t0) + a * (x - t0) * (x - t1))
        times.append(tk)
        peaks.append(max(vk, float(v[k])))
    return times, peaks


EQUATIONS = """
dv/dt = (I_amp * int(t_in_timesteps >= start_step) - g_Na*m**3*h*(v - E_Na) - g_K*n**4*(v - E_K)
         - g_L*(v - E_L)) / C_m : volt
dm/dt = phi * (alpha_m*(1 - m) - beta_m*m) : 1
dh/dt = phi * (alpha_h*(1 - h) - beta_h*h) : 1
dn/dt = phi * (alpha_n*(1 - n) - beta_n*n) : 1
alpha_m = 0.1/mV * (v + 40*mV) / (1 - exp(-(v + 40*mV) / (10*mV))) / ms : Hz
beta_m = 4 * exp(-(v + 65*mV) / (18*mV)) / ms : Hz
alpha_h = 0.07 * exp(-(v + 65*mV) / (20*mV)) / ms : Hz
beta_h = 1 / (1 + exp(-(v + 35*mV) / (10*mV))) / ms : Hz
alpha_n = 0.01/mV * (v + 55*mV) / (1 - exp(-(v + 55*mV) / (10*mV))) / ms : Hz
beta_n = 0.125 * exp(-(v + 65*mV) / (80*mV)) / ms : Hz
I_amp : amp/meter**2 (constant)
"""


def main() -> int:
    spec = json.load(open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin)
    import brian2 as b2
    from brian2 import NeuronGroup, Network, SpikeMonitor, StateMonitor, cm, mS, mV, ms, uA, uF

    b2.prefs.codegen.target = "numpy"
    b2.prefs.logging.file_log = False
    b2.prefs.logging.console_log_level = "ERROR"

    amplitudes = np.asarray(spec["amplitudes"], float)
    n_neurons = amplitudes.size
    dt_ms = float(spec["dt_ms"])
    p = spec["params"]
    init = spec["initial"]
    record = [int(i) for i in spec.get("record", [])]
    method = spec.get("method", "exponential_euler")
    start_step = int(round(float(spec["start_ms"]) / dt_ms))
    if abs(start_step * dt_ms - float(spec["start_ms"])) > 1e-9:
        raise SystemExit("start_ms must be a multiple of dt_ms")
    namespace = dict(
        C_m=p["C_m"] * uF / cm ** 2, g_Na=p["g_Na"] * mS / cm ** 2, g_K=p["g_K"] * mS / cm ** 2,
        g_L=p["g_L"] * mS / cm ** 2, E_Na=p["E_Na"] * mV, E_K=p["E_K"] * mV, E_L=p["E_L"] * mV,
        phi=3.0 ** ((p["temperature"] - 6.3) / 10.0), start_step=start_step)

    t0 = time.perf_counter()
    b2.defaultclock.dt = dt_ms * ms
    group = NeuronGroup(n_neurons, EQUATIONS, method=method, namespace=namespace,
                        threshold="v > 0*mV", refractory="v > 0*mV")
    group.v = np.asarray(init["V"], float) * mV
    group.m = init["m"]
    group.h = init["h"]
    group.n = init["n"]
    group.I_amp = amplitudes * uA / cm ** 2
    spikes = SpikeMonitor(group)   # threshold-crossing times of every neuron
    objects = [group, spikes]
    trace = None
    if record:
        trace = StateMonitor(group, "v", record=record)
        objects.append(trace)
    net = Network(*objects)
    t1 = time.perf_counter()
    net.run(float(spec["t_end_ms"]) * ms, namespace={})
    t2 = time.perf_counter()

    out = {
        "brian2": b2.__version__, "numpy": np.__version__, "dt_ms": dt_ms, "method": method,
        "n_neurons": n_neurons, "wall_s": t2 - t0, "setup_s": t1 - t0, "run_s": t2 - t1,
        "spike_counts": np.asarray(spikes.count).astype(int).tolist(),
        "crossing_times_ms": [np.asarray(tr / ms).tolist() for tr in spikes.spike_trains().values()],
        "record": record, "peak_times_ms": [], "peak_voltages_mV": [],
    }
    if trace is not None:
        t = np.asarray(trace.t / ms)
        for j in range(len(record)):
            times, peaks = trace_peaks(t, np.asarray(trace.v[j] / mV))
            out["peak_times_ms"].append(times)
            out["peak_voltages_mV"].append(peaks)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
