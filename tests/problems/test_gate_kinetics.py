"""gate-kinetics: references from the gate ODE integrated by scipy with the rate functions of
tests/hh_reference.py (written out independently), misconceptions, follow-on."""
import pytest
from scipy.integrate import solve_ivp

from hh_reference import _rates
from support import check_family_variant, family_variant
from spikeset.problems.gate_kinetics import problem as P

INDEX = {"m": 0, "h": 2, "n": 4}


def alpha_beta(gate, v, phi):
    r = _rates(v, phi)
    return r[INDEX[gate]], r[INDEX[gate] + 1]


def integrate(gate, v, phi, x0, t_end, event=None):
    a, b = alpha_beta(gate, v, phi)
    return solve_ivp(lambda _, x: [a * (1 - x[0]) - b * x[0]], (0, t_end), [x0], method="DOP853",
                     rtol=1e-11, atol=1e-13, events=event)


def steady(gate, v):
    a, b = alpha_beta(gate, v, 1.0)
    return a / (a + b)


@pytest.mark.parametrize("seed", range(30))
def test_variant(seed):
    params, qs, q = family_variant(P, seed)
    check_family_variant(P, params, qs)
    gate, phi = params["gate"], 3.0 ** ((params["temperature_C"] - 6.3) / 10.0)
    # (a) the holding steady state
    held = steady(gate, params["v_hold_mV"])
    assert q["a"].answer == pytest.approx(held, rel=1e-7)
    # (b) 1/(alpha + beta) with phi
    a, b = alpha_beta(gate, params["v_step_mV"], phi)
    assert q["b"].answer == pytest.approx(1.0 / (a + b), rel=1e-10)
    # (c) x at t after the step
    x_t = integrate(gate, params["v_step_mV"], phi, held, params["t_ms"]).y[0, -1]
    assert q["c"].answer == pytest.approx(x_t, rel=1e-7)
    assert q["c"].follow_on.compute({"a": q["a"].answer, "b": q["b"].answer}) == pytest.approx(x_t, rel=1e-7)
    # (d) the first crossing of f h_inf(V_rec) after the step back from the prepulse
    h0 = steady("h", params["v_pre_mV"])
    target = params["fraction"] * steady("h", params["v_rec_mV"])
    event = lambda _, x: x[0] - target  # noqa: E731
    crossing = integrate("h", params["v_rec_mV"], phi, h0, 200.0, event)
    assert q["d"].answer == pytest.approx(crossing.t_events[0][0], rel=1e-6)


def test_misconceptions_named():
    ids = set()
    gates = set()
    for seed in range(60):
        params, _, q = family_variant(P, seed)
        gates.add(params["gate"])
        ids |= {m.id for key in "abcd" for m in q[key].misconceptions}
    assert gates == {"m", "h", "n"}
    assert {"alpha-over-beta", "phi-forgotten", "phi-inverted", "tau-one-over-alpha", "steady-state-reached",
            "starts-from-zero", "tau-at-prepulse-potential", "tau-at-holding-potential"} <= ids
