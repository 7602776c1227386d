"""Benchmark of the reference HH solver (run: .venv/bin/python bench/hh.py, or make bench-extra).

Prints, for a batch of 1000 variants x 110 ms (step currents 5..15 uA/cm2 from
5 ms, standard HH at 6.3 degC):

* JIT compile time (fresh cache) and cached load time, in subprocesses;
* spikeset's throughput on one thread (variants x ms per second of wall time)
  and on all the CPUs this process may use;
* scipy solve_ivp (LSODA, rtol 1e-6) per variant on a subset, extrapolated;
* NEURON (1000 sequential runs, dt 0.025 ms) if it imports;
* Brian2 (one 1000-neuron group, numpy codegen target; exponential Euler at dt
  0.025 and 0.01 ms, RK4 at 0.025 ms), run by bench/brian2_hh.py in a
  separate interpreter with numpy < 2 ($SPIKESET_BRIAN2_PYTHON, else
  .venv-brian2/bin/python; see bench/README-hh.md); its wall time includes
  Brian2's code generation, not its import;
* for each method, its accuracy on 3 of the variants against a tight reference
  (solve_ivp Radau, rtol = atol = 1e-10, max_step 0.01 ms): max error of the
  spike times (ms) and peaks (mV), spikes peaking in the last 1 ms left out;
  and, for NEURON and Brian2, on how many of the 1000 variants the spike count
  (threshold 0 mV) equals spikeset's.
"""
from __future__ import annotations

import json
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


#: Spikes peaking in the last ACCURACY_MARGIN_MS of the window are left out of the accuracy
#: comparison: a spike peaking at 109.99 ms in the reference is, for a method that lags it by
#: 0.02 ms, still rising at 110 ms, which would read as a missing spike (variant 500 does this).
ACCURACY_MARGIN_MS = 1.0


def _clip(spikes):
    t, v = (np.asarray(a, float) for a in spikes)
    keep = t < T_END_MS - ACCURACY_MARGIN_MS
    return t[keep], v[keep]


def accuracy_errors(candidate, reference):
    """(max |dt| ms, max |dV_peak| mV) over the accuracy variants, None if a spike count differs."""
    dt = dv = 0.0
    for c, r in zip(candidate, reference):
        rt, rv = _clip(r)
        t, v = (np.asarray(a, float)[:rt.size] for a in c)
        if t.size != rt.size or _clip(c)[0].size > rt.size + 1:
            return None
        if t.size:
            dt = max(dt, float(np.abs(t - rt).max()))
            dv = max(dv, float(np.abs(v - rv).max()))
    return dt, dv


def accuracy(candidate, reference) -> str:
    err = accuracy_errors(candidate, reference)
    if err is None:
        return (f"spike count differs ({[_clip(c)[0].size for c in candidate]} vs "
                f"{[_clip(r)[0].size for r in reference]})")
    return f"max |dt| {err[0]:.2e} ms, max |dV_peak| {err[1]:.2e} mV"


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
    try:
        n_cpus = len(os.sched_getaffinity(0))   # the CPUs this process may run on
    except AttributeError:  # pragma: no cover - not Linux
        n_cpus = os.cpu_count() or 1
    for threads in sorted({1, n_cpus}):
        best, cpu = np.inf, np.nan
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            res = simulate(params, stim, T_END_MS, n_threads=threads)
            wall = time.perf_counter() - t0
            if wall < best:   # CPU time of all threads / wall: the cores really used
                best, cpu = wall, time.process_time() - c0
        label = "1 thread" if threads == 1 else f"{threads} threads"
        _line(f"spikeset {N_VARIANTS} x {T_END_MS:g} ms, {label}",
              f"{best:.3f} s = {N_VARIANTS * T_END_MS / best:,.0f} variant-ms/s "
              f"({cpu / best:.1f} cores busy; mean {res.n_steps.mean():.0f} steps/variant, "
              f"{res.spike_count.sum()} spikes)")
        results[threads] = best
    cand = [(res.spike_times(i), res.spike_peaks(i)) for i in ACCURACY_INDICES]
    return results[1], cand, [res.spike_times(i) for i in range(N_VARIANTS)]


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


#: Brian2 runs (state updater, dt ms): exponential Euler (Brian2's usual choice for HH) at
#: 0.025 and 0.01 ms (first order: both less accurate than NEURON at 0.025 ms), and RK4 at
#: 0.025 ms (fourth order: more accurate than NEURON at the same dt).
BRIAN2_RUNS = (("exponential_euler", 0.025), ("exponential_euler", 0.01), ("rk4", 0.025))
_METHOD_LABEL = {"exponential_euler": "exp. Euler", "rk4": "RK4", "euler": "Euler", "rk2": "RK2"}
BRIAN2_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "brian2_hh.py")


def brian2_python() -> str | None:
    """Interpreter for bench/brian2_hh.py: $SPIKESET_BRIAN2_PYTHON, else .venv-brian2/bin/python."""
    env = os.environ.get("SPIKESET_BRIAN2_PYTHON")
    if env:
        return env
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    candidate = os.path.join(root, ".venv-brian2", "bin", "python")
    return candidate if os.path.exists(candidate) else None


def bench_brian2():
    """Brian2 in its own interpreter (Brian2 2.9 does not import under numpy 2), one process per dt.

    Returns {(method, dt_ms): (wall_s, candidate peaks, 0 mV crossing times of all variants)}, or None.
    """
    python = brian2_python()
    if python is None:
        _line("Brian2", "not run: no .venv-brian2/bin/python and no $SPIKESET_BRIAN2_PYTHON "
                        "(see bench/README-hh.md: make bench-extra)")
        return None
    from spikeset.solutions.hh_model import HHParams, resting_state
    params = HHParams()
    rest = resting_state(params)
    spec = {
        "amplitudes": AMPLITUDES.tolist(), "start_ms": STEP_START_MS, "t_end_ms": T_END_MS,
        "initial": {"V": float(rest.V_mV[0]), "m": float(rest.m[0]), "h": float(rest.h[0]),
                    "n": float(rest.n[0])},
        "params": {name: float(getattr(params, name)) for name in
                   ("C_m", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L", "temperature")},
        "record": list(ACCURACY_INDICES),
    }
    results = {}
    for method, dt in BRIAN2_RUNS:
        proc = subprocess.run([python, BRIAN2_SCRIPT], input=json.dumps(dict(spec, dt_ms=dt, method=method)),
                              capture_output=True, text=True)
        if proc.returncode != 0:
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            _line(f"Brian2 {method} dt {dt:g} ms", f"not run: {python} failed: {tail}")
            continue
        out = json.loads(proc.stdout)
        cand = [(np.array(t), np.array(v)) for t, v in zip(out["peak_times_ms"], out["peak_voltages_mV"])]
        _line(f"Brian2 {out['brian2']} numpy target, {N_VARIANTS} neurons, {_METHOD_LABEL.get(method, method)} "
              f"dt {dt:g} ms", 
              f"{out['wall_s']:.2f} s (incl. code generation; run() {out['run_s']:.2f} s)")
        results[(method, dt)] = (out["wall_s"], cand, [np.array(c) for c in out["crossing_times_ms"]])
    return results or None


def bench_neuron():
    try:
        from neuron import h
    except Exception as exc:  # noqa: BLE001
        _line("NEURON", f"not run: import failed: {type(exc).__name__}: {exc}")
        return None, None, None
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

    crossings = []
    t0 = time.perf_counter()
    for i, amp in enumerate(AMPLITUDES):
        run(amp)
        crossings.append(np.array(spikes))   # NetCon threshold 0 mV; finitialize empties it
    elapsed = time.perf_counter() - t0
    _line(f"NEURON {N_VARIANTS} sequential runs, dt 0.025 ms", f"{elapsed:.2f} s")
    cand = []
    v = h.Vector().record(seg._ref_v)
    tv = h.Vector().record(h._ref_t)
    for i in ACCURACY_INDICES:
        run(AMPLITUDES[i])
        cand.append(trace_peaks(np.array(tv), np.array(v)))
    return elapsed, cand, crossings


COUNT_CUT_MS = T_END_MS - 2.0


def count_agreement(crossings, ours) -> str:
    """Variants whose number of 0 mV crossings before COUNT_CUT_MS equals spikeset's number of
    peaks before it; variants with a spikeset peak within 1 ms of the cut are left out (a
    crossing precedes its peak by ~0.4 ms, and methods lag by up to ~0.3 ms)."""
    same = used = 0
    for cross, peaks in zip(crossings, ours):
        peaks = np.asarray(peaks)
        if np.any(np.abs(peaks - COUNT_CUT_MS) < 1.0):
            continue
        used += 1
        same += int(np.sum(np.asarray(cross) < COUNT_CUT_MS) == np.sum(peaks < COUNT_CUT_MS))
    return f"{same}/{used} variants ({len(ours) - used} with a spike near the cut left out)"


def main() -> int:
    os.environ.setdefault("SPIKESET_THREADS", "1")
    print(f"HH benchmark: {N_VARIANTS} variants x {T_END_MS:g} ms, steps 5..15 uA/cm2 from {STEP_START_MS:g} ms")
    compile_and_load_times()
    ours, ours_cand, ours_counts = bench_spikeset()
    lsoda, lsoda_cand = bench_lsoda()
    brian = bench_brian2() or {}
    nrn, nrn_cand, nrn_counts = bench_neuron()
    print("tight reference (Radau 1e-10) on variants", ACCURACY_INDICES, "...")
    ref = tight_reference(AMPLITUDES[ACCURACY_INDICES])
    print(f"accuracy against the tight reference (times and voltages of its spike peaks before "
          f"{T_END_MS - ACCURACY_MARGIN_MS:g} ms):")
    _line("  spikeset", accuracy(ours_cand, ref))
    _line("  LSODA (peaks from its dense output every 0.01 ms)", accuracy(lsoda_cand, ref))
    for (method, dt), (_, cand, _) in brian.items():
        _line(f"  Brian2 {_METHOD_LABEL.get(method, method)} dt {dt:g} ms (peaks from its trace)",
              accuracy(cand, ref))
    if nrn_cand is not None:
        _line("  NEURON (peaks from the 0.025 ms trace)", accuracy(nrn_cand, ref))
    if brian or nrn_counts is not None:
        print(f"spike counts before {COUNT_CUT_MS:g} ms (0 mV crossings) equal to spikeset's:")
        for (method, dt), (_, _, counts) in brian.items():
            _line(f"  Brian2 {_METHOD_LABEL.get(method, method)} dt {dt:g} ms", count_agreement(counts, ours_counts))
        if nrn_counts is not None:
            _line("  NEURON dt 0.025 ms", count_agreement(nrn_counts, ours_counts))
    nrn_err = accuracy_errors(nrn_cand, ref) if nrn_cand is not None else None
    print("speed ratio (other / spikeset, one thread):")
    _line("  LSODA", f"{lsoda / ours:.0f}x")
    for (method, dt), (wall, cand, _) in brian.items():
        note = ""
        err = accuracy_errors(cand, ref)
        if nrn_err is not None:
            good = err is not None and err[0] <= nrn_err[0] and err[1] <= nrn_err[1]
            note = " (at least as accurate as NEURON)" if good else " (less accurate than NEURON)"
        _line(f"  Brian2 numpy, {_METHOD_LABEL.get(method, method)} dt {dt:g} ms", f"{wall / ours:.0f}x{note}")
    if nrn is not None:
        _line("  NEURON", f"{nrn / ours:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
