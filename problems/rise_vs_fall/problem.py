"""The same voltage on the rising and on the falling phase: the net ionic current and its direction."""
from __future__ import annotations


from spikeset.model import ChoiceQuestion, Misconception, NumericQuestion, Option, Tolerance, distinct_misconceptions, misconception_overlaps
from spikeset.sampling import Draw

ID = "rise-vs-fall"
REVISION = 2  # bump when sample() draws differently (tests/test_family_revisions.py)
#: Choice questions that key the same option on purpose (which currents dominate rise and fall is fixed by HH); `spikeset check` does not flag them.
FIXED_CONCEPT_QUESTIONS = frozenset({"c", "d"})
TITLE = "Rising versus falling phase"
TOPIC = "peak and repolarization"

#: The net current in either phase is kept at least this large [uA/cm^2].
MIN_CURRENT = 10.0
#: The gates are those of a simulated spike of the printed membrane (C_m = 1 uF/cm^2) at the printed
#: temperature, at a voltage between SNAPSHOT_LOW_mV and SNAPSHOT_BELOW_PEAK_mV below the peak.
SNAPSHOT_LOW_mV, SNAPSHOT_BELOW_PEAK_mV = -20.0, 8.0
GATES = ("m_rise", "h_rise", "n_rise", "m_fall", "h_fall", "n_fall")




def currents(p: dict, phase: str, *, m_power: int = 3, n_power: int = 4, use_h: bool = True) -> dict:
    """I_Na, I_K, I_L and their sum [uA/cm^2] in ``phase`` ('rise' or 'fall')."""
    v = p["v_mV"]
    m, h, n = p[f"m_{phase}"], p[f"h_{phase}"], p[f"n_{phase}"]
    i_na = p["gbar_na"] * m ** m_power * (h if use_h else 1.0) * (v - p["e_na_mV"])
    i_k = p["gbar_k"] * n ** n_power * (v - p["e_k_mV"])
    i_l = p["g_l"] * (v - p["e_l_mV"])
    return {"na": i_na, "k": i_k, "l": i_l, "total": i_na + i_k + i_l}


def sample(draw: Draw) -> dict:
    """HH conductances [mS/cm^2], reversal potentials [mV], and where on the spike the voltage
    lies (a fraction from SNAPSHOT_LOW_mV to near the peak); ``solve_batch`` simulates the spike
    and sets the voltage [mV] and the gates on both phases."""
    return {"gbar_na": draw.uniform("gbar_na", 90.0, 140.0, digits=0),
            "gbar_k": draw.uniform("gbar_k", 25.0, 45.0, digits=0),
            "g_l": draw.uniform("g_l", 0.2, 0.5, digits=2),
            "e_na_mV": draw.uniform("e_na_mV", 50.0, 60.0, digits=1),
            "e_k_mV": draw.uniform("e_k_mV", -85.0, -72.0, digits=1),
            "e_l_mV": draw.uniform("e_l_mV", -60.0, -50.0, digits=1),
            "temperature_C": draw.uniform("temperature_C", 6.3, 20.0, digits=1),
            "snapshot_level": draw.uniform("snapshot_level", 0.0, 1.0, digits=3)}


def solve_batch(params_list: list[dict]) -> list[dict]:
    """One simulated spike per variant (one batch): the printed voltage [mV, 0.1] and the gates
    [0.001] where the spike passes it on the rising and on the falling phase."""
    import numpy as np

    from spikeset.solutions.hh_model import HHParams
    from spikeset.solutions.spike_snapshots import PULSE_DURATION_ms, PULSE_START_ms, record_spikes

    if not params_list:
        return []
    col = {k: np.array([p[k] for p in params_list], float)
           for k in ("gbar_na", "gbar_k", "g_l", "e_na_mV", "e_k_mV", "e_l_mV", "temperature_C", "snapshot_level")}
    spikes = record_spikes(HHParams(g_Na=col["gbar_na"], g_K=col["gbar_k"], g_L=col["g_l"], E_Na=col["e_na_mV"],
                                    E_K=col["e_k_mV"], E_L=col["e_l_mV"], temperature=col["temperature_C"]))
    level = np.round(SNAPSHOT_LOW_mV + col["snapshot_level"]
                     * (spikes.peak_mV - SNAPSHOT_BELOW_PEAK_mV - SNAPSHOT_LOW_mV), 1)
    rise, fall = spikes.snapshot(level, True), spikes.snapshot(level, False)
    out = []
    for i in range(len(params_list)):
        printed = {"v_mV": float(level[i]), "peak_mV": round(float(spikes.peak_mV[i]), 1)}
        for phase, snap in (("rise", rise), ("fall", fall)):
            for gate in "mhn":
                printed[f"{gate}_{phase}"] = round(float(getattr(snap, gate)[i]), 3)
        out.append({"adjusted_params": printed, "dvdt_rise": float(rise.dVdt_mV_per_ms[i]),
                    "dvdt_fall": float(fall.dVdt_mV_per_ms[i]), "t_rise_ms": float(rise.t_ms[i]),
                    "t_fall_ms": float(fall.t_ms[i]), "stimulus_end_ms": PULSE_START_ms + PULSE_DURATION_ms})
    return out


#: Questions c and d do not depend on the variant: built once, shared by every student.
EFFECT_QUESTION = ChoiceQuestion(
    "c", "What do the two currents do to the membrane (C dV/dt = &minus;I<sub>ion</sub>)?",
    (Option("rise-dep-fall-rep", "Rising phase: net inward current, V keeps rising; falling phase: net outward "
            "current, V falls", correct=True),
     Option("rise-rep-fall-dep", "Rising phase: net outward current; falling phase: net inward current",
            misconception=Misconception("sign-convention", "A negative (inward) current brings positive charge "
                                        "in and depolarizes: dV/dt = -I/C.")),
     Option("both-inward", "Both are inward, because V is below E<sub>Na</sub> in both cases",
            misconception=Misconception("na-only", "Below E_Na the Na+ current is inward, but on the falling "
                                        "phase the K+ current is larger.")),
     Option("same", "They are equal, because V is the same", misconception=Misconception(
         "voltage-determines-current", "The current depends on the gates as well as V; at the same V the gates "
         "differ between the phases (hysteresis)."))))
CAUSE_QUESTION = ChoiceQuestion(
    "d", "Which difference between the phases explains the change?",
    (Option("h-down-n-up", "On the falling phase h is lower (Na<sup>+</sup> channels inactivated) and n is "
            "higher (K<sup>+</sup> channels open)", correct=True),
     Option("m-down", "On the falling phase m is much lower: Na<sup>+</sup> channels have deactivated",
            misconception=Misconception("deactivation-vs-inactivation", "At this depolarized voltage m stays "
                                        "high; Na+ channels close by inactivation (h), not by m.")),
     Option("e-na-falls", "Na<sup>+</sup> entry during the rise has lowered E<sub>Na</sub>",
            misconception=Misconception("gradient-runs-down", "One spike changes the concentrations far too "
                                        "little to move E_Na.")),
     Option("pump", "The Na<sup>+</sup>/K<sup>+</sup> pump switches on at the peak", misconception=Misconception(
         "pump-repolarizes", "Repolarization is the K+ current and Na+ inactivation; the pump is far too slow."))))


def questions(params: dict, solution: dict) -> list:
    rel = Tolerance("rel", 0.01)
    qs = []
    for key, phase in (("a", "rise"), ("b", "fall")):
        right = currents(params, phase)
        ref = right["total"]
        wrong = [
            Misconception("e-minus-v", "Each current is g (V - E), outward positive; you used E - V.", -ref),
            Misconception("m-instead-of-m3", "g_Na = gbar_Na m^3 h.", currents(params, phase, m_power=1)["total"]),
            Misconception("n-instead-of-n4", "g_K = gbar_K n^4.", currents(params, phase, n_power=1)["total"]),
            Misconception("h-left-out", "Inactivation h multiplies g_Na.", currents(params, phase, use_h=False)["total"]),
            Misconception("na-only", "The net current includes I_K and I_L, not only I_Na.", right["na"]),
        ]
        qs.append(NumericQuestion(key, f"Net ionic current on the {'rising' if phase == 'rise' else 'falling'} phase "
                                  "(outward positive)", ref, "uA/cm^2", rel, weight=2,
                                  misconceptions=distinct_misconceptions(ref, rel, wrong), digits=1))
    qs += [EFFECT_QUESTION, CAUSE_QUESTION]
    return qs


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    import math

    # Both snapshots come after the pulse that starts the spike, so that C dV/dt = -I_ion there.
    if not all(math.isfinite(params.get(k, math.nan)) for k in ("v_mV",) + GATES):
        return ["no snapshot: the simulated membrane did not spike or never passed the voltage twice"]
    problems = []
    if solution and not solution.get("t_rise_ms", math.inf) > solution["stimulus_end_ms"]:
        problems.append("the rising-phase snapshot falls within the stimulus pulse")
    rise, fall = currents(params, "rise")["total"], currents(params, "fall")["total"]
    if rise > -MIN_CURRENT:
        problems.append(f"rising-phase current {rise:.1f} uA/cm^2 not clearly inward")
    if fall < MIN_CURRENT:
        problems.append(f"falling-phase current {fall:.1f} uA/cm^2 not clearly outward")
    if not (params["h_fall"] < params["h_rise"] and params["n_fall"] > params["n_rise"]):
        problems.append("gates do not show inactivation and K+ activation on the falling phase")
    problems += misconception_overlaps(questions, minimum=2)
    return problems
