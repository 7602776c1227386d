"""The spike peak as the conductance-weighted average of E_Na, E_K and E_L where the net current is zero."""
from __future__ import annotations


from spikeset.model import ChoiceQuestion, Misconception, NumericQuestion, Option, Tolerance, distinct_misconceptions, misconception_overlaps
from spikeset.sampling import Draw
from spikeset.solutions.membrane import conductance_for_potential, weighted_potential

ID = "peak-voltage"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
#: Choice questions that key the same option on purpose (why the peak stays below E_Na is the same physics in every variant); `spikeset check` does not flag them.
FIXED_CONCEPT_QUESTIONS = frozenset({"c"})
TITLE = "Why the spike peak stays below the sodium reversal potential"
TOPIC = "peak and repolarization"


# Manipulations with their effect on the conductances/reversals at the peak:
# (text, effect) where effect = (quantity, factor or shift). "up": raises the peak.
RAISE = {
    "more-gbar-na": ("Increase the Na<sup>+</sup> channel density (larger ḡ<sub>Na</sub>)", ("g_na", 1.5)),
    "slower-inactivation": ("Slow down Na<sup>+</sup> inactivation (e.g. with a toxin that delays h), so "
                            "more Na<sup>+</sup> channels are still open at the peak", ("g_na", 1.5)),
    "later-k-activation": ("Delay K<sup>+</sup> channel activation (slower n), so fewer K<sup>+</sup> channels are "
                           "open at the peak", ("g_k", 0.5)),
    "less-negative-e-k": ("Make E<sub>K</sub> less negative, with the conductances at the peak unchanged",
                          ("e_k", 10.0)),
    "block-some-k": ("Block part of the K<sup>+</sup> channels (e.g. with a low dose of TEA)", ("g_k", 0.5)),
}
LOWER = {
    "less-gbar-na": ("Block part of the Na<sup>+</sup> channels (e.g. with a low dose of TTX)", ("g_na", 0.5),
                     "Fewer open Na+ channels give E_Na a smaller weight: the peak falls."),
    "faster-inactivation": ("Speed up Na<sup>+</sup> inactivation (faster h)", ("g_na", 0.5),
                            "Faster inactivation closes Na+ channels earlier: less g_Na at the peak, lower peak."),
    "faster-k-activation": ("Speed up K<sup>+</sup> channel activation (faster n)", ("g_k", 2.0),
                            "Earlier K+ activation means more g_K at the peak, which pulls V toward E_K."),
    "more-negative-e-k": ("Make E<sub>K</sub> more negative, with the conductances at the peak unchanged",
                          ("e_k", -10.0), "A more negative E_K lowers the weighted average: the peak falls."),
    "more-gbar-k": ("Add K<sup>+</sup> channels (larger ḡ<sub>K</sub>)", ("g_k", 2.0),
                    "More K+ conductance at the peak pulls V toward E_K: the peak falls."),
    "more-leak": ("Add leak channels (larger g<sub>L</sub>)", ("g_l", 3.0),
                  "More leak conductance pulls V toward E_L, far below E_Na: the peak falls."),
}




def sample(draw: Draw) -> dict:
    """Reversal potentials [mV], conductances at the peak [mS/cm^2], a distance below E_Na [mV],
    and the manipulations offered in (c)."""
    e_na = draw.uniform("e_na_mV", 45.0, 60.0, digits=1)
    e_k = draw.uniform("e_k_mV", -85.0, -72.0, digits=1)
    e_l = draw.uniform("e_l_mV", -60.0, -50.0, digits=1)
    g_na = draw.uniform("g_na", 15.0, 40.0, digits=1)
    g_k = draw.uniform("g_k", 1.0, 8.0, digits=2)
    g_l = draw.uniform("g_l", 0.1, 0.5, digits=2)
    # (b) asks for a peak between V_peak and E_Na: 25-60 % of the way from E_Na down to V_peak.
    gap = e_na - weighted_potential([g_na, g_k, g_l], [e_na, e_k, e_l])
    within = draw.uniform("within_mV", 0.25 * gap, 0.6 * gap, digits=1)
    better = draw.choice("better", sorted(RAISE))
    worse = [sorted(LOWER)[i] for i in draw.rng.permutation(len(LOWER))[:3]]
    return {"e_na_mV": e_na, "e_k_mV": e_k, "e_l_mV": e_l, "g_na": g_na, "g_k": g_k, "g_l": g_l,
            "within_mV": within, "better": better, "worse": sorted(worse)}


def peak(params: dict, change: tuple[str, float] | None = None) -> float:
    """Peak potential [mV]; ``change`` = (quantity, factor for g / shift in mV for e_k)."""
    v = {k: params[k] for k in ("g_na", "g_k", "g_l", "e_na_mV", "e_k_mV", "e_l_mV")}
    if change:
        name, amount = change
        if name == "e_k":
            v["e_k_mV"] += amount
        else:
            v[name] *= amount
    return weighted_potential([v["g_na"], v["g_k"], v["g_l"]], [v["e_na_mV"], v["e_k_mV"], v["e_l_mV"]])


def questions(params: dict, solution: dict) -> list:
    g = [params["g_na"], params["g_k"], params["g_l"]]
    e = [params["e_na_mV"], params["e_k_mV"], params["e_l_mV"]]
    v = peak(params)
    tol_v = Tolerance("abs", 0.5)
    wrong_v = [
        Misconception("peak-at-e-na", "The peak does not reach E_Na: K+ and leak channels are open too, and "
                      "the peak is where all the currents cancel.", e[0]),
        Misconception("unweighted-mean", "Weight each E by its conductance: V = sum(g_i E_i)/sum(g_i).", sum(e) / 3),
        Misconception("weights-inverted", "The largest conductance pulls hardest: weight E_i by g_i, not 1/g_i.",
                      sum(ei / gi for gi, ei in zip(g, e)) / sum(1 / gi for gi in g)),
        Misconception("leak-left-out", "The leak conductance is open at the peak too.",
                      weighted_potential(g[:2], e[:2])),
        Misconception("volts-instead-of-millivolts", "Your value is in volts; the answer is asked in mV.", v / 1000.0),
    ]
    target = e[0] - params["within_mV"]
    g_needed = conductance_for_potential(target, e[0], g[1:], e[1:])
    tol_g = Tolerance("rel", 0.01)
    wrong_g = [
        Misconception("driving-force-sign", "Solve g_Na (E_Na - V) = g_K (V - E_K) + g_L (V - E_L) for g_Na; "
                      "all terms are positive here.", -g_needed),
        Misconception("leak-left-out", "The leak conductance counts as well.",
                      conductance_for_potential(target, e[0], g[1:2], e[1:2])),
        Misconception("fraction-inverted", "You turned the fraction upside down: "
                      "g_Na = [g_K (V - E_K) + g_L (V - E_L)] / (E_Na - V).",
                      (e[0] - target) / (g[1] * (target - e[1]) + g[2] * (target - e[2]))),
    ]
    why = ChoiceQuestion(
        "c", "Why does the peak stay below E<sub>Na</sub>?",
        (Option("k-and-leak-open", "At the peak K<sup>+</sup> and leak channels are open as well; their outward "
                "currents balance the inward Na<sup>+</sup> current before V reaches E<sub>Na</sub>", correct=True),
         Option("gradient-collapses", "The Na<sup>+</sup> influx dissipates the Na<sup>+</sup> concentration "
                "gradient, so E<sub>Na</sub> itself falls during the spike", misconception=Misconception(
                    "gradient-runs-down", "One spike moves far too few ions to change the concentrations "
                    "measurably; E_Na stays put.")),
         Option("no-na-current", "All Na<sup>+</sup> channels are already inactivated at the peak, so no "
                "Na<sup>+</sup> current flows there", misconception=Misconception(
                    "no-na-current-at-peak", "At the peak g_Na is still large; inward Na+ current flows and is "
                    "balanced by outward K+ and leak currents (dV/dt = 0 means the net current is zero).")),
         Option("pump", "The Na<sup>+</sup>/K<sup>+</sup> pump removes Na<sup>+</sup> as fast as it enters",
                misconception=Misconception("pump-limits-peak", "The pump is orders of magnitude too slow to "
                                            "counter the Na+ current of a spike."))),
    )
    options = [Option(params["better"], RAISE[params["better"]][0], correct=True)]
    for key in params["worse"]:
        options.append(Option(key, LOWER[key][0], misconception=Misconception(key, LOWER[key][2])))
    closer = ChoiceQuestion("d", "Which manipulation brings the peak closer to E<sub>Na</sub>?", tuple(options))
    return [
        NumericQuestion("a", "Peak potential V<sub>peak</sub>", v, "mV", tol_v, weight=2,
                        misconceptions=distinct_misconceptions(v, tol_v, wrong_v)),
        NumericQuestion("b", f"g<sub>Na</sub> at the peak needed for V<sub>peak</sub> = E<sub>Na</sub> &minus; "
                        f"{params['within_mV']:.1f} mV", g_needed, "mS/cm^2", tol_g, weight=2,
                        misconceptions=distinct_misconceptions(g_needed, tol_g, wrong_g), digits=1),
        why,
        closer,
    ]


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    problems = []
    v = peak(params)
    if not 0.0 < v < params["e_na_mV"] - params["within_mV"] - 0.5 or params["within_mV"] < 0.5:
        problems.append(f"peak {v:.1f} mV not between 0 mV and the target of (b)")
    if not peak(params, RAISE[params["better"]][1]) > v:
        problems.append(f"option {params['better']} does not raise the peak")
    for key in params["worse"]:
        if not peak(params, LOWER[key][1]) < v:
            problems.append(f"option {key} does not lower the peak")
    problems += misconception_overlaps(questions, minimum=2)
    return problems
