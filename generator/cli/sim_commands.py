"""``spikeset simulate | threshold | refractory``: the HH reference solver on the command line.

``register(subparsers)`` adds the three subcommands; each sets
``func=handler`` where ``handler(args) -> int`` is the exit status.  Bad
values raise :class:`~spikeset.errors.UsageError` or
:class:`~spikeset.errors.ParameterError` (the CLI prints one line, exit 2).

JSON output (``--json``), ``null`` where a value is undefined:

* simulate: ``{"rest_mV", "n_spikes", "spike_times_ms": [...],
  "spike_peaks_mV": [...], "ahp_min_mV", "ahp_time_ms", "half_width_ms",
  "mean_isi_ms"}``
* threshold: ``{"threshold_uA_per_cm2": ...}``
* refractory: ``{"refractory_ms": ...}``

The solver modules (numba) are imported inside the handlers so building the
parser stays cheap; matplotlib only for ``--plot``.
"""
from __future__ import annotations

import argparse
import json
import math
from dataclasses import fields
from typing import Any

from spikeset.errors import ParameterError, UsageError, did_you_mean

DEFAULT_T_END_MS = 50.0


def _finite_float(text: str, what: str) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise UsageError(f"{what} must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise UsageError(f"{what} must be a finite number, got {text!r}")
    return value


def _param_names() -> list[str]:
    from spikeset.solutions.hh_model import HHParams
    return [f.name for f in fields(HHParams)]


def parse_params(assignments: list[str] | None):
    """``["g_Na=60", "temperature=18.5"]`` -> HHParams (validated)."""
    from spikeset.solutions.hh_model import HHParams
    names = _param_names()
    values: dict[str, float] = {}
    for item in assignments or []:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--param expects NAME=VALUE, got {item!r}")
        if name not in names:
            raise UsageError(f"unknown parameter {name!r} in --param{did_you_mean(name, names)}; "
                             f"known: {', '.join(names)}")
        values[name] = _finite_float(text.strip(), f"--param {name}")
    try:
        return HHParams(**values)
    except ParameterError as exc:
        raise ParameterError(f"--param: {exc.message}") from None


def parse_steps(steps: list[str] | None):
    """``["10,5,20", ...]`` (AMP uA/cm2, START ms, DURATION ms) -> Stimulus (sum of pulses)."""
    from spikeset.solutions.hh_stimulus import Stimulus
    stimulus = Stimulus()
    for item in steps or []:
        parts = [p.strip() for p in item.split(",")]
        if len(parts) != 3 or not all(parts):
            raise UsageError(f"--step expects AMP,START,DURATION (uA/cm2, ms, ms), got {item!r}")
        amp = _finite_float(parts[0], "--step amplitude")
        start = _finite_float(parts[1], "--step start")
        duration = _finite_float(parts[2], "--step duration")
        if start < 0:
            raise UsageError(f"--step start must be >= 0 ms, got {parts[1]!r}")
        if duration < 0:
            raise UsageError(f"--step duration must be >= 0 ms, got {parts[2]!r}")
        stimulus = stimulus + Stimulus.pulse(amp, start, duration)
    return stimulus


def _positive(args_value: Any, what: str) -> float:
    value = _finite_float(str(args_value), what)
    if value <= 0:
        raise UsageError(f"{what} must be > 0, got {args_value!r}")
    return value


def _json_number(x: Any) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _add_param_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--param", action="append", metavar="NAME=VALUE", default=[],
                        help="set an HH parameter (C_m, g_Na, g_K, g_L, E_Na, E_K, E_L, temperature); repeatable")


def register(subparsers: Any) -> None:
    """Add ``simulate``, ``threshold`` and ``refractory`` to an argparse subparsers object."""
    sim = subparsers.add_parser("simulate", help="simulate the HH model and print spike features",
                                description="Simulate the Hodgkin-Huxley model from rest.")
    _add_param_option(sim)
    sim.add_argument("--step", action="append", metavar="AMP,START,DURATION", default=[],
                     help="current pulse: amplitude uA/cm2, start ms, duration ms; several add up")
    sim.add_argument("--t-end", default=str(DEFAULT_T_END_MS), metavar="MS",
                     help=f"simulated duration, ms (default {DEFAULT_T_END_MS:g})")
    sim.add_argument("--json", action="store_true", help="print the features as JSON")
    sim.add_argument("--plot", metavar="FILE.png", help="draw V(t), the stimulus and the gates")
    sim.set_defaults(func=simulate_command)

    thr = subparsers.add_parser("threshold", help="threshold amplitude of a single pulse",
                                description="Threshold amplitude (uA/cm2) of one rectangular pulse.")
    _add_param_option(thr)
    thr.add_argument("--duration", required=True, metavar="MS", help="pulse duration, ms")
    thr.add_argument("--start", default="2", metavar="MS", help="pulse onset, ms (default 2)")
    thr.add_argument("--json", action="store_true", help="print JSON")
    thr.set_defaults(func=threshold_command)

    ref = subparsers.add_parser("refractory", help="refractory interval of paired pulses",
                                description="Smallest onset-to-onset delay (ms) at which a second "
                                            "identical pulse still makes a spike.")
    _add_param_option(ref)
    ref.add_argument("--amplitude", required=True, metavar="AMP", help="pulse amplitude, uA/cm2")
    ref.add_argument("--duration", required=True, metavar="MS", help="pulse duration, ms")
    ref.add_argument("--json", action="store_true", help="print JSON")
    ref.set_defaults(func=refractory_command)


def simulate_features(params, stimulus, t_end_ms: float, *, record: bool = False):
    """Run one simulation; return (result, features dict in the JSON contract)."""
    from spikeset.solutions.hh_solver import simulate
    result = simulate(params, stimulus, t_end_ms, record=record, record_dt_ms=0.02)
    features = {
        "rest_mV": _json_number(result.rest_mV[0]),
        "n_spikes": int(result.spike_count[0]),
        "spike_times_ms": [float(x) for x in result.spike_times(0)],
        "spike_peaks_mV": [float(x) for x in result.spike_peaks(0)],
        "ahp_min_mV": _json_number(result.ahp_min_mV[0]),
        "ahp_time_ms": _json_number(result.ahp_time_ms[0]),
        "half_width_ms": _json_number(result.half_width_ms[0]),
        "mean_isi_ms": _json_number(result.mean_isi_ms[0]),
    }
    return result, features


def _fmt(x: float | None, unit: str, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f} {unit}"


def simulate_command(args: argparse.Namespace) -> int:
    """Handler of ``spikeset simulate``."""
    params = parse_params(args.param)
    stimulus = parse_steps(args.step)
    t_end = _positive(args.t_end, "--t-end")
    result, features = simulate_features(params, stimulus, t_end, record=bool(args.plot))
    if args.plot:
        _plot(result, args.plot)
    if args.json:
        print(json.dumps(features))
        return 0
    print(f"rest: {_fmt(features['rest_mV'], 'mV')}")
    print(f"spikes: {features['n_spikes']} in {t_end:g} ms")
    if features["n_spikes"]:
        times = ", ".join(f"{x:.3f}" for x in features["spike_times_ms"])
        peaks = ", ".join(f"{x:.2f}" for x in features["spike_peaks_mV"])
        print(f"spike times (ms): {times}")
        print(f"spike peaks (mV): {peaks}")
        print(f"AHP minimum: {_fmt(features['ahp_min_mV'], 'mV')} at {_fmt(features['ahp_time_ms'], 'ms')}")
        print(f"half-width of the first spike: {_fmt(features['half_width_ms'], 'ms')}")
        print(f"mean ISI: {_fmt(features['mean_isi_ms'], 'ms')}")
    if args.plot:
        print(f"plot written to {args.plot}")
    return 0


def _plot(result, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    trace = result.trace
    fig, (ax_v, ax_g) = plt.subplots(2, 1, sharex=True, figsize=(8, 6))
    ax_v.plot(trace.t_ms, trace.V_mV[0], color="black", lw=1.2, label="V")
    ax_v.set_ylabel("V (mV)")
    ax_i = ax_v.twinx()
    ax_i.plot(trace.t_ms, trace.I_stim[0], color="tab:orange", lw=1.0, label="I_stim")
    ax_i.set_ylabel("I_stim (uA/cm2)", color="tab:orange")
    for name, color in (("m", "tab:red"), ("h", "tab:blue"), ("n", "tab:green")):
        ax_g.plot(trace.t_ms, getattr(trace, name)[0], color=color, label=name)
    ax_g.set_ylabel("gate")
    ax_g.set_xlabel("t (ms)")
    ax_g.set_ylim(-0.02, 1.02)
    ax_g.legend(loc="upper right")
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=100)
    except OSError as exc:
        raise UsageError(f"cannot write plot {path!r}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)


def threshold_command(args: argparse.Namespace) -> int:
    """Handler of ``spikeset threshold``."""
    from spikeset.solutions.hh_search import threshold_amplitude
    params = parse_params(args.param)
    duration = _positive(args.duration, "--duration")
    start = _finite_float(str(args.start), "--start")
    if start < 0:
        raise UsageError(f"--start must be >= 0 ms, got {args.start!r}")
    value = _json_number(threshold_amplitude(params, duration, start_ms=start)[0])
    if args.json:
        print(json.dumps({"threshold_uA_per_cm2": value}))
    else:
        print("threshold: " + ("no spike up to the search limit" if value is None
                               else f"{value:.4f} uA/cm2 for a {duration:g} ms pulse"))
    return 0


def refractory_command(args: argparse.Namespace) -> int:
    """Handler of ``spikeset refractory``."""
    from spikeset.solutions.hh_search import refractory_interval
    params = parse_params(args.param)
    amplitude = _finite_float(str(args.amplitude), "--amplitude")
    duration = _positive(args.duration, "--duration")
    value = _json_number(refractory_interval(params, amplitude, duration)[0])
    if args.json:
        print(json.dumps({"refractory_ms": value}))
    else:
        print("refractory interval: " + ("undefined (no second spike up to the search limit)"
                                          if value is None else f"{value:.3f} ms (onset to onset)"))
    return 0
