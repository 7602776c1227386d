"""Temperature and Q10: the factor on every rate, faster gates, Q10 from two measurements."""
from __future__ import annotations

import math

from spikeset.model import (ChoiceQuestion, FollowOn, Misconception, NumericQuestion, Option, Tolerance,
                            distinct_misconceptions, misconception_overlaps)
from spikeset.sampling import Draw
from spikeset.solutions.temperature import (q10_from_durations, rate_factor, temperature_for_time_constant,
                                            time_constant_at)

ID = "temperature"
REVISION = 2  # bump when sample() draws differently (tests/test_family_revisions.py)
#: Choice questions that key the same option on purpose (how temperature acts on x_inf and tau_x is fixed by the Q10 model); `spikeset check` does not flag them.
FIXED_CONCEPT_QUESTIONS = frozenset({"c"})
TITLE = "Temperature and Q10: faster gates, briefer spikes"
TOPIC = "channel gating"

#: The warming of (a) and (b) is at least this [degC], so that they mean something.
MIN_WARMING_C = 5.0
#: No temperature asked or answered lies above this [degC] (mammalian body temperature): (e) used to
#: answer up to 45 degC, where no axon conducts.
MAX_TEMPERATURE_C = 37.0

GATES = {"n": "K<sup>+</sup> activation n", "h": "Na<sup>+</sup> inactivation h", "m": "Na<sup>+</sup> activation m"}


def _sig2(x: float) -> int:
    """Decimals that print ``x`` to 2 significant figures."""
    return max(0, 1 - math.floor(math.log10(abs(x))))


def sample(draw: Draw) -> dict:
    """Q10 of the rates, reference and new temperatures [degC], a time constant [ms] at the reference,
    the gate it belongs to; spike half-widths [ms] at two temperatures; a target time constant [ms]."""
    q10 = draw.uniform("q10", 2.0, 3.5, digits=1)
    t_ref = draw.uniform("t_ref_C", 5.0, 20.0, digits=1)
    # at least MIN_WARMING_C above the reference (drawn there, not redrawn: 15 % of draws were lost)
    t_new = draw.uniform("t_new_C", min(max(15.0, t_ref + MIN_WARMING_C + 0.1), MAX_TEMPERATURE_C),
                         MAX_TEMPERATURE_C, digits=1)
    gate = draw.choice("gate", list(GATES))
    tau_ref = draw.uniform("tau_ref_ms", 1.5, 8.0, digits=1)
    t1 = draw.uniform("t1_C", 10.0, 22.0, digits=0)
    t2 = draw.uniform("t2_C", t1 + 8.0, 37.0, digits=0)
    width1 = draw.uniform("width1_ms", 1.2, 3.0, digits=2)
    q10_width = float(draw.rng.uniform(1.6, 3.0))
    width2_raw = width1 / q10_width ** ((t2 - t1) / 10.0)
    width2 = draw.uniform("width2_ms", width2_raw, width2_raw, digits=_sig2(width2_raw) + 1)
    t_target = float(draw.rng.uniform(t_ref + 4.0, min(t_ref + 25.0, MAX_TEMPERATURE_C)))
    tau_target_raw = time_constant_at(tau_ref, q10, t_ref, t_target)
    tau_target = draw.uniform("tau_target_ms", tau_target_raw, tau_target_raw, digits=_sig2(tau_target_raw) + 1)
    return {"q10": q10, "t_ref_C": t_ref, "t_new_C": t_new, "gate": gate, "gate_name": GATES[gate],
            "tau_ref_ms": tau_ref, "t1_C": t1, "t2_C": t2, "width1_ms": width1, "width2_ms": width2,
            "width2_digits": _sig2(width2_raw) + 1, "tau_target_ms": tau_target,
            "tau_target_digits": _sig2(tau_target_raw) + 1}


def steady_state_question(params: dict) -> ChoiceQuestion:
    """(c): warming multiplies alpha and beta alike, so x_inf = alpha/(alpha + beta) stays and
    tau_x = 1/(alpha + beta) is divided by phi."""
    x = params["gate"]
    inf, tau = f"{x}<sub>&infin;</sub>(V)", f"&tau;<sub>{x}</sub>(V)"
    why = (f"Both rates are multiplied by &phi;: {inf} = &alpha;/(&alpha; + &beta;) keeps its value, "
           f"{tau} = 1/(&alpha; + &beta;) is divided by &phi;.")
    wrong = [
        ("inf-up", f"{inf} larger, {tau} shorter", "steady-state-scales",
         "A faster rate does not move the balance: the steady state is a ratio of the rates."),
        ("tau-longer", f"{inf} the same, {tau} longer", "time-constant-scales-with-rate",
         "A time constant is the inverse of a rate: faster rates, shorter time constants."),
        ("nothing", f"{inf} and {tau} both the same", "temperature-changes-nothing",
         "The rates depend on temperature through &phi;: the kinetics speed up."),
        ("inf-down", f"{inf} smaller, {tau} the same", "steady-state-not-kinetics",
         "Temperature acts on the kinetics (the rates), not by moving the steady-state curve."),
    ]
    options = [Option("same-inf-shorter-tau", f"{inf} the same, {tau} shorter", correct=True)]
    options += [Option(oid, text, misconception=Misconception(mid, f"{fb} {why}")) for oid, text, mid, fb in wrong]
    return ChoiceQuestion("c", f"How do the steady state {inf} and the time constant {tau} of the "
                          f"{params['gate_name']} gate change on warming from {params['t_ref_C']:.1f} to "
                          f"{params['t_new_C']:.1f} &deg;C?", tuple(options))


def questions(params: dict, solution: dict) -> list:
    q10, t_ref, t_new, tau_ref = params["q10"], params["t_ref_C"], params["t_new_C"], params["tau_ref_ms"]
    dt = t_new - t_ref
    phi = rate_factor(q10, t_ref, t_new)
    tau_new = time_constant_at(tau_ref, q10, t_ref, t_new)
    w1, w2, t1, t2 = params["width1_ms"], params["width2_ms"], params["t1_C"], params["t2_C"]
    q10_w = q10_from_durations(w1, t1, w2, t2)
    t_for_tau = temperature_for_time_constant(tau_ref, q10, t_ref, params["tau_target_ms"])
    rel = Tolerance("rel", 0.01)
    half_degree = Tolerance("abs", 0.5)

    wrong_phi = [
        Misconception("phi-inverted", "Warming speeds the rates up: phi = Q10^((T - T_ref)/10) > 1 for T > T_ref.",
                      1.0 / phi),
        Misconception("q10-linear", "Q10 compounds like interest: each 10 degC multiplies the rate by Q10 "
                      "(an exponential in T), it does not add (Q10 - 1) per 10 degC.", 1.0 + (q10 - 1.0) * dt / 10.0),
        Misconception("exponent-not-per-ten-degrees", "The exponent counts tens of degrees: (T - T_ref)/10.",
                      q10 ** dt),
        Misconception("q10-times-steps", "phi = Q10 raised to the power (T - T_ref)/10, not Q10 times it.",
                      q10 * dt / 10.0),
    ]
    wrong_tau = [
        Misconception("tau-times-phi", "Time constants are inverse rates: they are divided by phi, not "
                      "multiplied.", tau_ref * phi),
        Misconception("tau-temperature-independent", "The rates, and so the time constant, change with "
                      "temperature.", tau_ref),
        Misconception("q10-linear", "Q10 compounds: divide by Q10^((T - T_ref)/10), not by a linear factor.",
                      tau_ref / (1.0 + (q10 - 1.0) * dt / 10.0)),
    ]
    wrong_q10w = [
        Misconception("q10-ratio-inverted", "A process that gets faster with warming has Q10 > 1: take the "
                      "colder duration over the warmer one.", 1.0 / q10_w),
        Misconception("q10-per-degree", "Q10 is per 10 degC: raise the ratio to 10/(T2 - T1), not to "
                      "1/(T2 - T1).", (w1 / w2) ** (1.0 / (t2 - t1))),
        Misconception("q10-is-the-ratio", f"The ratio of the durations covers {t2 - t1:.0f} degC, not 10: raise "
                      "it to 10/(T2 - T1).", w1 / w2),
        Misconception("q10-linear", "Q10 is a ratio per 10 degC, compounded: (d1/d2)^(10/(T2 - T1)), not a "
                      "linear share of the change.", 1.0 + (w1 / w2 - 1.0) * 10.0 / (t2 - t1)),
    ]
    delta_t = t_for_tau - t_ref
    wrong_t = [
        Misconception("temperature-change-only", f"That is the warming from {t_ref:.1f} degC; the question asks "
                      "for the temperature itself.", delta_t),
        Misconception("warming-sign-flipped", "A shorter time constant needs a warmer membrane, not a colder one.",
                      t_ref - delta_t),
        Misconception("celsius-as-kelvin", "The answer is asked in degC; you gave kelvin.", t_for_tau + 273.15),
    ]
    return [
        NumericQuestion("a", f"The factor &phi; on every rate at {t_new:.1f} &deg;C", phi, None, rel, weight=2,
                        misconceptions=distinct_misconceptions(phi, rel, wrong_phi), digits=3),
        NumericQuestion("b", f"&tau;<sub>{params['gate']}</sub> at {t_new:.1f} &deg;C", tau_new, "ms", rel, weight=2,
                        misconceptions=distinct_misconceptions(tau_new, rel, wrong_tau), digits=3,
                        follow_on=FollowOn(("a",), lambda ans: tau_ref / ans["a"] if ans["a"] > 0 else math.nan)),
        steady_state_question(params),
        NumericQuestion("d", "Q10 of the spike's half-width", q10_w, None, rel, weight=2,
                        misconceptions=distinct_misconceptions(q10_w, rel, wrong_q10w), digits=2),
        NumericQuestion("e", f"Temperature at which &tau;<sub>{params['gate']}</sub> is "
                        f"{params['tau_target_ms']:.{params['tau_target_digits']}f} ms", t_for_tau, "°C",
                        half_degree, misconceptions=distinct_misconceptions(t_for_tau, half_degree, wrong_t),
                        digits=1),
    ]


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: too little warming for (a) and (b) to mean anything, a target beyond the
    physiological range."""
    problems = []
    if params["t_new_C"] - params["t_ref_C"] < MIN_WARMING_C:
        problems.append(f"warming {params['t_new_C'] - params['t_ref_C']:.1f} degC, less than {MIN_WARMING_C:g}")
    t_for_tau = temperature_for_time_constant(params["tau_ref_ms"], params["q10"], params["t_ref_C"],
                                              params["tau_target_ms"])
    if not params["t_ref_C"] + 3.0 <= t_for_tau <= MAX_TEMPERATURE_C + 0.5:
        problems.append(f"(e) at {t_for_tau:.1f} degC")
    return problems + misconception_overlaps(questions, minimum=1)
