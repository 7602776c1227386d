"""Shared helpers of the simulation families (sim-*): the sampled HH parameter set, batching
those parameters into one :class:`HHParams`, the printed resting state and its stability, the
command line a student can use, and the protocol the page's simulator starts with.

``hh_model.html.j2`` in this folder is the model as every sim statement prints it (equations,
rate functions, phi, the resting state the simulation starts from); a statement includes it with
``{% include "_simhh/hh_model.html.j2" %}``. It is made of ``hh_equations.html.j2`` (the model)
and ``hh_rests.html.j2`` (the table of resting states): on a page with several simulation
problems the equations are printed once, before the first of them, and each statement refers to
them and keeps its own phi and resting states (spikeset.render.render._shared_hh_model).

Not a family (the folder name starts with ``_``, so the registry skips it).
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Sequence

import numpy as np

from spikeset.model import NumericQuestion
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


# ---------------------------------------------------------------------------
# The resting state a simulation starts from, as printed, and its linear stability.
# ---------------------------------------------------------------------------

#: Digits of the printed resting state: V to 1e-4 mV, gates to 1e-6 (starting there instead of at
#: the exact root moves no answer by more than ~1e-5 of its tolerance).
REST_V_DIGITS = 4
REST_GATE_DIGITS = 6

#: A rest is "stable" when every eigenvalue of the linearized HH equations there has a real part
#: below this (1/ms): perturbations decay with a time constant under 20 ms, shorter than the 25 ms
#: response window, so a threshold does not hinge on how long one waits for a spike.
STABLE_GROWTH_PER_MS = -0.05


def rest_states(hh) -> Any:
    """The resting state (:class:`~spikeset.solutions.hh_model.RestingState`) of N variants: V the
    lowest root of the steady-state ionic current (mV), m, h, n the gates' steady states there."""
    from spikeset.solutions.hh_solver import fast_resting_state
    return fast_resting_state(hh.broadcast())


def printed_rests(rest) -> list[dict]:
    """Each variant's resting state rounded as the statement prints it (V_mV, m, h, n)."""
    return [{"V_mV": round(float(rest.V_mV[i]), REST_V_DIGITS),
             **{g: round(float(getattr(rest, g)[i]), REST_GATE_DIGITS) for g in ("m", "h", "n")}}
            for i in range(len(rest.V_mV))]


def growth_rates(hh, rest=None) -> np.ndarray:
    """Largest real part (1/ms) of the eigenvalues of the HH equations linearized at rest, per
    variant: negative = a stable rest (a small perturbation decays), positive = the patch leaves
    its "rest" by itself (it oscillates or fires)."""
    from spikeset.solutions.hh_model import alpha_h, alpha_m, alpha_n, beta_h, beta_m, beta_n
    p = hh.broadcast()
    r = rest_states(p) if rest is None else rest
    v, m, h, n = (np.asarray(x, float) for x in (r.V_mV, r.m, r.h, r.n))
    t, c = p.temperature, p.C_m
    jac = np.zeros((v.size, 4, 4))
    jac[:, 0, 0] = -(p.g_Na * m**3 * h + p.g_K * n**4 + p.g_L) / c
    jac[:, 0, 1] = -3.0 * p.g_Na * m**2 * h * (v - p.E_Na) / c
    jac[:, 0, 2] = -p.g_Na * m**3 * (v - p.E_Na) / c
    jac[:, 0, 3] = -4.0 * p.g_K * n**3 * (v - p.E_K) / c
    dv = 1e-4
    for row, (x, a, b) in enumerate(((m, alpha_m, beta_m), (h, alpha_h, beta_h), (n, alpha_n, beta_n)), start=1):
        def rate(u):
            return a(u, t) * (1.0 - x) - b(u, t) * x
        jac[:, row, 0] = (rate(v + dv) - rate(v - dv)) / (2.0 * dv)
        jac[:, row, row] = -(a(v, t) + b(v, t))
    return np.max(np.linalg.eigvals(jac).real, axis=1)


def stable(growth: Any) -> np.ndarray:
    """Where a growth rate (:func:`growth_rates`) means a stable rest with margin."""
    return np.asarray(growth) < STABLE_GROWTH_PER_MS


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
# Settings shared by the families' searches (the searches are spikeset.solutions.hh_search).
#
# Integrator tolerance of the threshold / refractory searches (short runs).  A threshold is an
# all-or-none switch, but ill-conditioned variants (a patch close to firing by itself, low g_Na with
# long pulses) move by up to ~1 % at rtol = 1e-5 and ~0.1 % at 1e-6; at 1e-7 (the solver's default)
# the integrator's share is negligible, so the error is the bracket's half-width (0.14 % for
# rel_tol 2.8e-3, 1/14 of a 2 % tolerance), for ~12 % more time than 1e-6.
# ---------------------------------------------------------------------------

SEARCH_RTOL = 1e-7
SEARCH_ATOL = 1e-7

#: Repetitive-firing protocol (the defaults of hh_search.repetitive_firing_threshold).
REP_START_MS = 2.0
REP_STEP_MS = 150.0
REP_FINAL_WINDOW_MS = 50.0


def subset(hh, idx):
    """The variants ``idx`` of a broadcast HHParams."""
    from spikeset.solutions.hh_model import HHParams
    b = hh.broadcast()
    return HHParams(**{k: getattr(b, k)[idx] for k in HH_FIELDS})


def distinct_misconceptions(questions: list, factor: float = 1.5) -> list:
    """Drop, per numeric question, the misconceptions whose value this variant cannot tell apart
    from the answer (within ``factor`` x the tolerance's half-width) or from an earlier one."""
    out = []
    for q in questions:
        if isinstance(q, NumericQuestion) and q.misconceptions:
            keep = _distinguishable(q.misconceptions, q.answer, factor * q.tolerance.half_width(q.answer))
            if len(keep) < len(q.misconceptions):
                q = replace(q, misconceptions=keep)
        out.append(q)
    return out


def _distinguishable(misconceptions: tuple, answer: float, width: float) -> tuple:
    """The misconceptions whose finite value lies more than ``width`` from ``answer`` (none if it
    is not finite) and from every value kept before it (question unit)."""
    if not math.isfinite(answer):
        return ()
    keep = []
    for m in misconceptions:
        v = m.value
        if v is None or not math.isfinite(v) or abs(v - answer) <= width:
            continue
        for k in keep:
            if abs(v - k.value) <= width:
                break
        else:
            keep.append(m)
    return tuple(keep)


#: How long after a pulse the families check that a pulse just below threshold makes no spike (ms):
#: the threshold then does not depend on the printed response window.
LONG_WINDOW_MS = 200.0
#: "Just below threshold": this fraction below (half the 2 % tolerance of a threshold question).
BELOW_THRESHOLD = 0.01
#: Integrator tolerance of that check: 1e-5 moves a threshold by < 0.06 % (hh_search), far less than
#: the 1 % between the checked amplitude and the threshold, for half the time of 1e-7.
QUIET_RTOL = 1e-5


#: The quiet check runs only where the rest is damped more weakly than this (1/ms): over 5000
#: conditions of sim-threshold and sim-manipulation, every pulse that fired after the window came from
#: a rest with a growth rate above -0.011 /ms, and none from below -0.1 /ms (2000 of the 5000).
QUIET_CHECK_GROWTH = -0.1


def quiet_below(hh, thresholds, duration_ms, start_ms: float, growth=None) -> np.ndarray:
    """Per variant: a pulse of (1 - BELOW_THRESHOLD) x its threshold makes no spike within
    LONG_WINDOW_MS after the pulse (True where so; False where the threshold is not finite).
    With ``growth`` (:func:`growth_rates`), only variants whose rest is damped more weakly than
    QUIET_CHECK_GROWTH are simulated; the others count as quiet."""
    from spikeset.solutions.hh_solver import simulate
    from spikeset.solutions.hh_stimulus import Stimulus
    thr = np.asarray(thresholds, float)
    ok = np.isfinite(thr)
    out = ok.copy()
    check = ok if growth is None else ok & (np.asarray(growth, float) > QUIET_CHECK_GROWTH)
    idx = np.flatnonzero(check)
    if idx.size:
        dur = np.broadcast_to(np.asarray(duration_ms, float), thr.shape)[idx]
        res = simulate(subset(hh, idx), Stimulus.pulse((1.0 - BELOW_THRESHOLD) * thr[idx], start_ms, dur),
                       start_ms + float(np.max(dur)) + LONG_WINDOW_MS, stop_after_spikes=1,
                       rtol=QUIET_RTOL, atol=QUIET_RTOL)
        out[idx] = res.spike_count == 0
    return out


def rest_rows(label: str, hh) -> tuple[np.ndarray, list[list[dict]]]:
    """(growth rate per variant, the statement's table of resting states per variant: one row
    labelled ``label``) for the N variants of ``hh``."""
    rest = rest_states(hh)
    return growth_rates(hh, rest), [[{"label": label, **row}] for row in printed_rests(rest)]


def unstable_reason(growth: float, what: str = "the resting state") -> list[str]:
    """A plausibility complaint unless ``growth`` (1/ms) means a stable rest with margin."""
    if growth < STABLE_GROWTH_PER_MS:
        return []
    return [f"{what} is not stable (largest eigenvalue real part {growth:.3g} /ms >= {STABLE_GROWTH_PER_MS:g})"]


def volts_misconception(answer_mV: float):
    """The answer given in volts instead of mV."""
    from spikeset.model import Misconception
    return Misconception("volts-instead-of-millivolts", "Your value is in volts; the answer is asked in mV.",
                         answer_mV / 1000.0)


# ---------------------------------------------------------------------------
# The protocol the page's HH simulator starts with (a family's ``simulator``, problems/README.md).
# ---------------------------------------------------------------------------

def _number(params: dict, *names: str, default: float = 0.0) -> float:
    """The first of ``names`` that ``params`` holds as a number, else ``default``."""
    for name in names:
        value = params.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return default


def pulse_simulator(params: dict) -> dict:
    """The page simulator's start for a pulse or step family, from its printed params: the pulse
    (``amplitude``, ``start_ms``, ``duration_ms``) or step (``amplitude`` or ``step_amplitude``,
    ``start_ms`` or ``step_start_ms``, ``step_ms``) as printed, amplitude 0 where the student must
    find it (a threshold: no ``amplitude``), and the printed duration of the simulation
    (``t_end_ms``; else 30 ms after the pulse, at least 50 ms). Times in ms, currents in uA/cm2."""
    start = _number(params, "start_ms", "step_start_ms", default=5.0)
    if "duration_ms" in params:
        pulse = {"amplitude": _number(params, "amplitude"), "start": start,
                 "duration": _number(params, "duration_ms")}
    else:
        pulse = {"amplitude": _number(params, "amplitude", "step_amplitude"), "start": start,
                 "duration": _number(params, "step_ms", default=50.0)}
    t_end = _number(params, "t_end_ms")
    if t_end <= 0:
        t_end = max(50.0, pulse["start"] + pulse["duration"] + 30.0)
    return {"pulses": [pulse], "t_end": t_end}
