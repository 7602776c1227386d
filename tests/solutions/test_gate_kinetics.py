"""solutions.gate_kinetics against the gate ODE integrated by scipy (DOP853)."""
import pytest
from scipy.integrate import solve_ivp

from spikeset.solutions.gate_kinetics import relaxed_gate, time_to_reach


@pytest.mark.parametrize("alpha, beta, x0, t", [(0.5, 2.0, 0.9, 0.7), (3.0, 0.2, 0.05, 0.4), (0.01, 0.3, 0.6, 9.0)])
def test_against_the_gate_ode(alpha, beta, x0, t):
    sol = solve_ivp(lambda _, x: [alpha * (1 - x[0]) - beta * x[0]], (0, t), [x0], method="DOP853",
                    rtol=1e-12, atol=1e-14)
    x_inf, tau = alpha / (alpha + beta), 1 / (alpha + beta)
    assert relaxed_gate(x0, x_inf, tau, t) == pytest.approx(sol.y[0, -1], rel=1e-9)
    target = 0.5 * (x0 + sol.y[0, -1])
    crossing = solve_ivp(lambda _, x: [alpha * (1 - x[0]) - beta * x[0]], (0, t), [x0], method="DOP853",
                         rtol=1e-12, atol=1e-14, events=lambda _, x: x[0] - target)
    assert time_to_reach(x0, x_inf, tau, target) == pytest.approx(crossing.t_events[0][0], rel=1e-8)


def test_target_outside_the_relaxation_is_refused():
    with pytest.raises(ValueError):
        time_to_reach(0.1, 0.8, 1.0, 0.9)
