"""Charge, ions and energy of one spike: why an action potential hardly changes the concentrations."""
from __future__ import annotations

from spikeset.model import (ChoiceQuestion, FollowOn, Misconception, NumericQuestion, Option, Tolerance,
                            distinct_misconceptions, misconception_overlaps)
from spikeset.sampling import Draw
from spikeset.solutions.constants import AVOGADRO_PER_MOL, ELEMENTARY_CHARGE_C
from spikeset.solutions.spike_charge import (NA_PER_ATP, atp_to_restore, concentration_rise_uM, ions_for_charge,
                                             spike_charge_pC, spikes_to_raise)

ID = "spike-charge"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Charge, ions and energy of one spike"
TOPIC = "electrochemical gradients"

#: Percent rises of [Na+]_i asked for in (e).
PERCENTS = (5, 10, 20)
#: (f): the other soma's diameter as a multiple of this one's.
SIZE_FACTORS = {"doubled": 2.0, "halved": 0.5, "tripled": 3.0}
_RATIO_TEXT = {1.0: "the same rise", 0.5: "half the rise", 0.25: "a quarter of the rise",
               0.125: "an eighth of the rise", 2.0: "twice the rise", 3.0: "three times the rise"}


def sample(draw: Draw) -> dict:
    """Soma diameter [um], C_m [uF/cm^2], rest and peak [mV], [Na+]_i [mM], the measured Na+ entry as a
    multiple of the least charge, the percent rise of (e) and the other soma of (f)."""
    return {
        "diameter_um": draw.uniform("diameter_um", 10.0, 50.0, digits=0),
        "c_m_uF_per_cm2": draw.uniform("c_m_uF_per_cm2", 0.8, 1.2, digits=2),
        "v_rest_mV": draw.uniform("v_rest_mV", -80.0, -60.0, digits=0),
        "v_peak_mV": draw.uniform("v_peak_mV", 20.0, 45.0, digits=0),
        "na_in_mM": draw.uniform("na_in_mM", 8.0, 20.0, digits=0),
        "excess": draw.uniform("excess", 1.2, 4.0, digits=1),
        "percent": draw.choice("percent", list(PERCENTS)),
        "size": draw.choice("size", list(SIZE_FACTORS)),
    }


def amplitude_mV(params: dict) -> float:
    """The spike's excursion from rest to peak [mV]."""
    return params["v_peak_mV"] - params["v_rest_mV"]


def _ratio_text(x: float) -> str:
    """"half the rise", "9 times the rise", "1/27 of the rise"."""
    if x in _RATIO_TEXT:
        return _RATIO_TEXT[x]
    return f"1/{round(1.0 / x):d} of the rise" if x < 1.0 else f"{x:g} times the rise"


def scaling_question(params: dict) -> ChoiceQuestion:
    """(f): the rise of [Na+]_i per spike in a soma ``size`` times as wide: the charge grows with the
    area (d^2), the volume with d^3, so the rise goes as 1/d."""
    s = SIZE_FACTORS[params["size"]]
    why = ("The Na+ that enters scales with the membrane area (d<sup>2</sup>), the volume it dilutes into "
           "with d<sup>3</sup>: the rise per spike goes as 1/d.")
    wrong = [(s, "more-ions-more-rise", "A wider soma lets in more Na+, but into a volume that grows faster."),
             (s * s, "volume-forgotten", "You scaled the number of ions (with the area) but not the volume."),
             (1.0, "rise-size-independent", "The charge per area is the same, but the volume per area is not: "
              "it grows with d."),
             (1.0 / s ** 3, "area-forgotten", "You scaled the volume but not the number of ions, which grows "
              "with the area.")]
    options = [Option(f"x{1.0 / s:g}", _ratio_text(1.0 / s),
                      correct=True)]
    options += [Option(f"x{f:g}", _ratio_text(f),
                       misconception=Misconception(mid, f"{text} {why}")) for f, mid, text in wrong]
    other = "twice" if s == 2.0 else "half" if s == 0.5 else "three times"
    return ChoiceQuestion("f", f"A soma of {other} this diameter fires the same spike (same membrane, same "
                          f"excess of Na<sup>+</sup> entry). How does its rise of [Na<sup>+</sup>]<sub>i</sub> per "
                          f"spike compare with this cell's?", tuple(options))


def questions(params: dict, solution: dict) -> list:
    d, c_m, k = params["diameter_um"], params["c_m_uF_per_cm2"], params["excess"]
    na_i, pct = params["na_in_mM"], params["percent"]
    dv = amplitude_mV(params)
    q = spike_charge_pC(d, c_m, dv)
    n_min = ions_for_charge(q)
    rise = concentration_rise_uM(k * n_min, d)
    atp = atp_to_restore(k * n_min)
    spikes = spikes_to_raise(na_i, rise, pct)
    rel = Tolerance("rel", 0.01)

    wrong_q = [
        Misconception("diameter-as-radius", "The sphere's area is 4 pi r^2 = pi d^2; you used the diameter as "
                      "the radius (4 pi d^2).", 4.0 * q),
        Misconception("cross-section-area", "The membrane is the sphere's surface, pi d^2, not its "
                      "cross-section pi d^2/4.", q / 4.0),
        Misconception("millivolts-as-volts", "C dV needs dV in volts: 1 uF x 1 V = 1 uC (you multiplied by "
                      "the millivolts).", q * 1000.0),
        Misconception("area-conversion-linear", "1 um = 1e-4 cm, so 1 um^2 = 1e-8 cm^2 (you converted the "
                      "area with 1e-4).", q * 1e4),
        Misconception("peak-not-excursion", "The membrane moves from rest to the peak: dV = V_peak - V_rest, "
                      "not V_peak alone.", q * params["v_peak_mV"] / dv),
        Misconception("rest-not-excursion", "The membrane moves from rest to the peak: dV = V_peak - V_rest, "
                      "not |V_rest| alone.", q * -params["v_rest_mV"] / dv),
    ]
    wrong_n = [
        Misconception("moles-not-ions", "Q/F gives moles of charge; the number of ions is Q/e (or Q N_A / F).",
                      n_min / AVOGADRO_PER_MOL),
        Misconception("divalent-sodium", "Na+ carries one elementary charge (z = 1).", n_min / 2.0),
        Misconception("measured-not-minimum", "(b) asks for the least number, the one that carries C dV; the "
                      "measured excess comes in (c).", k * n_min),
        Misconception("charge-times-e", "N = Q / e: divide the charge by the elementary charge.",
                      q * 1e-12 * ELEMENTARY_CHARGE_C),
    ]
    wrong_rise = [
        Misconception("minimum-not-measured", f"(c) asks for the measured entry, {k:g} times the least number "
                      "of ions.", rise / k),
        Misconception("volume-diameter-as-radius", "The sphere's volume is 4/3 pi r^3 = pi d^3/6; you used the "
                      "diameter as the radius.", rise / 8.0),
        Misconception("cm3-as-litres", "1 cm^3 = 1 mL = 1e-3 L: the volume in litres is a thousand times smaller "
                      "than in cm^3.", rise / 1000.0),
        Misconception("per-ml-not-per-litre", "Molar means moles per litre, not per cm^3 (1 cm^3 = 1e-3 L).",
                      rise * 1000.0),
    ]
    wrong_atp = [
        Misconception("one-na-per-atp", f"The Na+/K+ pump exports {NA_PER_ATP} Na+ per ATP.", k * n_min),
        Misconception("two-per-atp", f"The pump moves 3 Na+ out and 2 K+ in per ATP: count the Na+, "
                      f"{NA_PER_ATP} per ATP.", k * n_min / 2.0),
        Misconception("minimum-ions-pumped", "The pump must export all the Na+ that entered: the measured "
                      f"{k:g} times the least number.", n_min / NA_PER_ATP),
        Misconception("ions-per-atp-inverted", f"Each ATP exports {NA_PER_ATP} Na+, so the ATP count is the "
                      "ions divided by 3, not times 3.", k * n_min * NA_PER_ATP),
    ]
    wrong_spikes = [
        Misconception("percent-as-whole", f"{pct} % is {pct / 100:g} of [Na+]_i.", spikes * 100.0),
        Misconception("mM-uM-mixed", "[Na+]_i is in mM and the rise per spike in uM: 1 mM = 1000 uM.",
                      spikes / 1000.0),
        Misconception("whole-concentration", f"The question asks for a rise of {pct} %, not for the "
                      "whole [Na+]_i.", spikes * 100.0 / pct),
    ]
    return [
        NumericQuestion("a", "Least charge that moves the membrane from rest to the peak", q, "pC", rel,
                        weight=2, misconceptions=distinct_misconceptions(q, rel, wrong_q), digits=3),
        NumericQuestion("b", "Least number of Na<sup>+</sup> ions that carry that charge", n_min, None, rel,
                        weight=2, misconceptions=distinct_misconceptions(n_min, rel, wrong_n), digits=0,
                        follow_on=FollowOn(("a",), lambda ans: ions_for_charge(ans["a"]))),
        NumericQuestion("c", "Rise of [Na<sup>+</sup>]<sub>i</sub> after one spike", rise, "uM", rel,
                        weight=2, misconceptions=distinct_misconceptions(rise, rel, wrong_rise), digits=2,
                        follow_on=FollowOn(("b",), lambda ans: concentration_rise_uM(k * ans["b"], d))),
        NumericQuestion("d", "ATP molecules the pump spends to export that Na<sup>+</sup>", atp, None, rel,
                        misconceptions=distinct_misconceptions(atp, rel, wrong_atp), digits=0,
                        follow_on=FollowOn(("b",), lambda ans: atp_to_restore(k * ans["b"]))),
        NumericQuestion("e", f"Spikes, with the pump blocked, until [Na<sup>+</sup>]<sub>i</sub> is "
                        f"{pct} percent above its start", spikes, None, rel, weight=2,
                        misconceptions=distinct_misconceptions(spikes, rel, wrong_spikes), digits=0,
                        follow_on=FollowOn(("c",), lambda ans: spikes_to_raise(na_i, ans["c"], pct)
                                           if ans["c"] > 0 else float("nan"))),
        scaling_question(params),
    ]


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: an excursion too small for a spike, a rise so large that one spike matters,
    or fewer than 10 spikes to the asked rise (a question with no teaching point)."""
    problems = []
    dv = amplitude_mV(params)
    if not 80.0 <= dv <= 125.0:
        problems.append(f"excursion {dv:.0f} mV outside 80-125 mV")
    n = ions_for_charge(spike_charge_pC(params["diameter_um"], params["c_m_uF_per_cm2"], dv))
    rise = concentration_rise_uM(params["excess"] * n, params["diameter_um"])
    if rise >= 0.01 * params["na_in_mM"] * 1000.0:
        problems.append(f"one spike raises [Na+]_i by {rise:.0f} uM, 1 % or more")
    if spikes_to_raise(params["na_in_mM"], rise, params["percent"]) < 10.0:
        problems.append("fewer than 10 spikes to the asked rise")
    return problems + misconception_overlaps(questions, minimum=1)
