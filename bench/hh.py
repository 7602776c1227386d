"""Benchmark of the reference HH solver (run: .venv/bin/python bench/hh.py).

Prints, for a batch of 1000 variants x 110 ms (step currents 5..15 uA/cm2 from
5 ms, standard HH at 6.3 degC):

* JIT compile time (fresh cache) and cached load time, in subprocesses;
* spikeset's throughput on one thread (variants x ms per second of wall time)
  and on all CPUs;
* scipy solve_ivp (LSODA, rtol 1e-6) per variant on a subset, extrapolated;
* with the optional [bench] extra: Brian2 (one 1000-neuron group, numpy
  target) and NEURON (1000 sequential runs, dt 0.025 ms);
* for each method, its accuracy on 3 of the variants against a tight reference
  (solve_ivp Radau, rtol = atol = 1e-10, max_step 0.01 ms): max error of the
  spike times (ms) and peaks (mV).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

N_VARIANTS = 1000
T_END_MS = 110.0
STEP_START_MS = 5.0
AMPLITUDES = np.linspace(5.0, 15.0, N_VARIANTS)
ACCURACY_INDICES = [0, N_VARIANTS // 2, N_VARIANTS - 1]
LSODA_SUBSET = 10


def _line(label: str, value: str) -> None:
    print(f"{label:<58} {value}")


def compile_and_load_times() -> None:
    code = textwrap.dedent("""
        import time; t0 = time.perf_counter()
        from spikeset.solutions.hh_model import HHParams
        from spikeset.solutions.hh_search import threshold_amplitude
        t1 = time.perf_counter()
        threshold_amplitude(HHParams(), 1.0)
        t2 = time.perf_counter()
        print(f"{t1 - t0:.3f} {t2 - t1:.3f}")
    """)
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for label in ("cold (empty cache: JIT compile)", "warm (cached machine code)"):
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            total = time.perf_counter() - start
            imp, first = out.stdout.split()
            _line(f"python -c 'threshold_amplitude(HHParams(), 1.0)' {label}",
                  f"{total:.2f} s wall (import {imp} s, search {first} s)")


def tight_reference(amplitudes: np.ndarray):
    """Radau rtol=atol=1e-10, max_step 0.01 ms; returns per-variant (times, peaks)."""
    from scipy.integrate import solve_ivp
    from scipy.optimize import brentq
    from spikeset.solutions.hh_model import HHParams, resting_state

    k = amplitudes.size
    rest = resting_state(HHParams())
    y0 = np.repeat([rest.V_mV[0], rest.m[0], rest.h[0], rest.n[0]], k)

    def vt(x):
        return x / (1.0 - np.exp(-x))

    def make(current):
        def rhs(t, y):
            V, m, h, n = y.reshape(4, k, -1)
            am = vt((V + 40) / 10)
            bm = 4 * np.exp(-(V + 65) / 18)
            ah = 0.07 * np.exp(-(V + 65) / 20)
            bh = 1 / (1 + np.exp(-(V + 35) / 10))
            an = 0.1 * vt((V + 55) / 10)
            bn = 0.125 * np.exp(-(V + 65) / 80)
            i_ion = 120 * m ** 3 * h * (V - 50) + 36 * n ** 4 * (V + 77) + 0.3 * (V + 54.387)
            out = np.stack([current[:, None] - i_ion, am * (1 - m) - bm * m, ah * (1 - h) - bh * h,
                            an * (1 - n) - bn * n])
            return out.reshape(y.shape)
        return rhs

    sols = []
    y = y0
    for (a, b), cur in (((0.0, STEP_START_MS), np.zeros(k)), ((STEP_START_MS, T_END_MS), amplitudes)):
        rhs = make(cur)
        sol = solve_ivp(rhs, (a, b), y, method="Radau", rtol=1e-10, atol=1e-10, max_step=0.01,
                        dense_output=True, vectorized=True)
        sols.append((sol, rhs))
        y = sol.y[:, -1]
    sol, rhs = sols[1]
    out = []
    for j in range(k):
        f = rhs(0, sol.y)[j]
        times, peaks = [], []
        for i in np.flatnonzero((f[:-1] > 0) & (f[1:] <= 0)):
            tr = brentq(lambda t: rhs(t, sol.sol(t))[j], sol.t[i], sol.t[i + 1], xtol=1e-13)
            vr = sol.sol(tr)[j]
            if vr > 0:
                times.append(tr)
                peaks.append(vr)
        out.append((np.array(times), np.array(peaks)))
    return out


def accuracy(candidate, reference) -> str:
    dt = dv = 0.0
    for (t, v), (rt, rv) in zip(candidate, reference):
        if t.size != rt.size:
            return f"spike count differs ({[c[0].size for c in candidate]} vs {[r[0].size for r in reference]})"
        if t.size:
            dt = max(dt, float(np.abs(t - rt).max()))
            dv = max(dv, float(np.abs(v - rv).max()))
    return f"max |dt| {dt:.2e} ms, max |dV_peak| {dv:.2e} mV"


def trace_peaks(t, v):
    from spikeset.solutions.spike_features import spike_features
    f = spike_features(t, v)
    return f.spike_times_ms, f.spike_peaks_mV


def bench_spikeset():
    from spikeset.solutions.hh_model import HHParams
    from spikeset.solutions.hh_solver import simulate
    from spikeset.solutions.hh_stimulus import Stimulus

    params = HHParams()
    stim = Stimulus.step(AMPLITUDES, STEP_START_MS)
    t0 = time.perf_counter()
    simulate(params, Stimulus.step(10.0, 5.0), 10.0, n_threads=1)  # compile or load the cache
    _line("spikeset: first call (JIT compile or cache load)", f"{time.perf_counter() - t0:.2f} s")
    results = {}
    for threads in (1, os.cpu_count() or 1):
        best = np.inf
        for _ in range(3):
            t0 = time.perf_counter()
            res = simulate(params, stim, T_END_MS, n_threads=threads)
            best = min(best, time.perf_counter() - t0)
        label = "1 thread" if threads == 1 else f"{threads} threads"
        _line(f"spikeset {N_VARIANTS} x {T_END_MS:g} ms, {label}",
              f"{best:.3f} s = {N_VARIANTS * T_END_MS / best:,.0f} variant-ms/s "
              f"(mean {res.n_steps.mean():.0f} steps/variant, {res.spike_count.sum()} spikes)")
        results[threads] = best
    cand = [(res.spike_times(i), res.spike_peaks(i)) for i in ACCURACY_INDICES]
    return results[1], cand


def bench_lsoda():
    from scipy.integrate import solve_ivp
    from spikeset.solutions.hh_model import HHParams, resting_state

    rest = resting_state(HHParams())
    y0 = np.array([rest.V_mV[0], rest.m[0], rest.h[0], rest.n[0]])

    def rhs_for(amp):
        def rhs(t, y):
            V, m, h, n = y
            am = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
            bm = 4 * np.exp(-(V + 65) / 18)
            ah = 0.07 * np.exp(-(V + 65) / 20)
            bh = 1 / (1 + np.exp(-(V + 35) / 10))
            an = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
            bn = 0.125 * np.exp(-(V + 65) / 80)
            cur = amp if t >= STEP_START_MS else 0.0
            i_ion = 120 * m ** 3 * h * (V - 50) + 36 * n ** 4 * (V + 77) + 0.3 * (V + 54.387)
            return [cur - i_ion, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]
        return rhs

    subset = np.linspace(0, N_VARIANTS - 1, LSODA_SUBSET).astype(int)
    t0 = time.perf_counter()
    for i in subset:
        solve_ivp(rhs_for(AMPLITUDES[i]), (0, T_END_MS), y0, method="LSODA", rtol=1e-6)
    per = (time.perf_counter() - t0) / subset.size
    cand = []
    for i in ACCURACY_INDICES:
        sol = solve_ivp(rhs_for(AMPLITUDES[i]), (0, T_END_MS), y0, method="LSODA", rtol=1e-6,
                        dense_output=True)
        t = np.arange(0, T_END_MS, 0.01)
        cand.append(trace_peaks(t, sol.sol(t)[0]))
    total = per * N_VARIANTS
    _line(f"solve_ivp LSODA rtol 1e-6, {subset.size} runs extrapolated to {N_VARIANTS}", f"{total:.2f} s")
    return total, cand


def bench_brian2():
    try:
        import brian2 as b2
    except Exception as exc:  # noqa: BLE001 - report exactly why
        _line("Brian2", f"not run: import failed: {type(exc).__name__}: {exc}")
        return None, None
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 0.01 * b2.ms
    eqs = """
    dv/dt = (I_step * int(t >= 5*ms) - gNa*m**3*h*(v - ENa) - gK*n**4*(v - EK) - gL*(v - EL)) / Cm : volt
    dm/dt = alpham*(1-m) - betam*m : 1
    dh/dt = alphah*(1-h) - betah*h : 1
    dn/dt = alphan*(1-n) - betan*n : 1
    alpham = 0.1/mV*(v+40*mV)/(1-exp(-(v+40*mV)/(10*mV)))/ms : Hz
    betam = 4*exp(-(v+65*mV)/(18*mV))/ms : Hz
    alphah = 0.07*exp(-(v+65*mV)/(20*mV))/ms : Hz
    betah = 1/(1+exp(-(v+35*mV)/(10*mV)))/ms : Hz
    alphan = 0.01/mV*(v+55*mV)/(1-exp(-(v+55*mV)/(10*mV)))/ms : Hz
    betan = 0.125*exp(-(v+65*mV)/(80*mV))/ms : Hz
    I_step : amp/meter**2
    """
    from spikeset.solutions.hh_model import HHParams, resting_state
    rest = resting_state(HHParams())
    ns = dict(gNa=120 * b2.msiemens / b2.cm ** 2, gK=36 * b2.msiemens / b2.cm ** 2,
              gL=0.3 * b2.msiemens / b2.cm ** 2, ENa=50 * b2.mV, EK=-77 * b2.mV, EL=-54.387 * b2.mV,
              Cm=1 * b2.ufarad / b2.cm ** 2)
    group = b2.NeuronGroup(N_VARIANTS, eqs, method="exponential_euler", namespace=ns)
    group.v = rest.V_mV[0] * b2.mV
    group.m, group.h, group.n = rest.m[0], rest.h[0], rest.n[0]
    group.I_step = AMPLITUDES * b2.uamp / b2.cm ** 2
    mon = b2.StateMonitor(group, "v", record=ACCURACY_INDICES)
    net = b2.Network(group, mon)
    t0 = time.perf_counter()
    net.run(T_END_MS * b2.ms)
    elapsed = time.perf_counter() - t0
    _line(f"Brian2 numpy, one {N_VARIANTS}-neuron group, dt 0.01 ms", f"{elapsed:.2f} s")
    cand = [trace_peaks(mon.t / b2.ms, mon.v[j] / b2.mV) for j in range(len(ACCURACY_INDICES))]
    return elapsed, cand


def bench_neuron():
    try:
        from neuron import h
    except Exception as exc:  # noqa: BLE001
        _line("NEURON", f"not run: import failed: {type(exc).__name__}: {exc}")
        return None, None
    from spikeset.solutions.hh_model import HHParams, resting_state
    h.load_file("stdrun.hoc")
    rest = resting_state(HHParams()).V_mV[0]
    sec = h.Section(name="soma")
    sec.L = sec.diam = float(np.sqrt(100.0 / np.pi))   # area 100 um2 = 1e-6 cm2
    sec.nseg = 1
    sec.cm = 1.0
    sec.insert("hh")
    seg = sec(0.5)
    seg.hh.gnabar, seg.hh.gkbar, seg.hh.gl, seg.hh.el = 0.12, 0.036, 0.0003, -54.387
    sec.ena, sec.ek = 50.0, -77.0
    h.celsius = 6.3
    h.dt = 0.025
    h.steps_per_ms = 40
    stim = h.IClamp(seg)
    stim.delay = STEP_START_MS
    stim.dur = 1e9
    uA_per_cm2_to_nA = 1e-6 * 1e3   # x area (cm2) x 1000 nA/uA
    spikes = h.Vector()
    detector = h.NetCon(seg._ref_v, None, sec=sec)
    detector.threshold = 0.0
    detector.record(spikes)
    h.tstop = T_END_MS

    def run(amp):
        stim.amp = amp * uA_per_cm2_to_nA
        h.finitialize(rest)
        h.continuerun(T_END_MS)

    t0 = time.perf_counter()
    for amp in AMPLITUDES:
        run(amp)
    elapsed = time.perf_counter() - t0
    _line(f"NEURON {N_VARIANTS} sequential runs, dt 0.025 ms", f"{elapsed:.2f} s")
    cand = []
    v = h.Vector().record(seg._ref_v)
    tv = h.Vector().record(h._ref_t)
    for i in ACCURACY_INDICES:
        run(AMPLITUDES[i])
        cand.append(trace_peaks(np.array(tv), np.array(v)))
    return elapsed, cand


def main() -> int:
    os.environ.setdefault("SPIKESET_THREADS", "1")
    print(f"HH benchmark: {N_VARIANTS} variants x {T_END_MS:g} ms, steps 5..15 uA/cm2 from {STEP_START_MS:g} ms")
    compile_and_load_times()
    ours, ours_cand = bench_spikeset()
    lsoda, lsoda_cand = bench_lsoda()
    brian, brian_cand = bench_brian2()
    nrn, nrn_cand = bench_neuron()
    print("tight reference (Radau 1e-10) on variants", ACCURACY_INDICES, "...")
    ref = tight_reference(AMPLITUDES[ACCURACY_INDICES])
    print("accuracy against the tight reference (spike peak times and voltages):")
    _line("  spikeset", accuracy(ours_cand, ref))
    _line("  LSODA (peaks from its dense output every 0.01 ms)", accuracy(lsoda_cand, ref))
    if brian_cand is not None:
        _line("  Brian2 (peaks from the 0.01 ms trace)", accuracy(brian_cand, ref))
    if nrn_cand is not None:
        _line("  NEURON (peaks from the 0.025 ms trace)", accuracy(nrn_cand, ref))
    print("speed ratio (other / spikeset, one thread):")
    _line("  LSODA", f"{lsoda / ours:.0f}x")
    if brian is not None:
        _line("  Brian2 numpy", f"{brian / ours:.1f}x")
    if nrn is not None:
        _line("  NEURON", f"{nrn / ours:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
