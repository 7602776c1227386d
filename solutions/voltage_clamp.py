"""The Hodgkin-Huxley membrane under voltage clamp: with V held fixed every gate relaxes
exponentially (see :mod:`spikeset.solutions.gate_kinetics`), so the ionic currents after a step
are closed forms, no ODE solve needed.

Units: V in mV, t in ms, conductances in mS/cm^2, currents in uA/cm^2 (outward positive),
temperature in degC. Rate functions and phi are those of :mod:`spikeset.solutions.hh_model`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from spikeset.solutions import hh_model as hh
from spikeset.solutions.gate_kinetics import relaxed_gate


@dataclass(frozen=True)
class ClampCurrents:
    """Currents [uA/cm^2] and gates at one time after a clamp step.

    Attributes:
        t_ms: time after the step [ms].
        m, h, n: gate values (dimensionless).
        i_na, i_k, i_leak: sodium, potassium and leak current densities [uA/cm^2].
    """

    t_ms: float
    m: float
    h: float
    n: float
    i_na: float
    i_k: float
    i_leak: float

    @property
    def total(self) -> float:
        """Total ionic current [uA/cm^2] (the capacitive transient is over at t > 0)."""
        return self.i_na + self.i_k + self.i_leak


def clamp_step_currents(params: hh.HHParams, v_hold_mV: float, v_clamp_mV: float, t_ms: float) -> ClampCurrents:
    """Currents ``t_ms`` [ms] after a step from ``v_hold_mV`` (every gate at its steady state there)
    to ``v_clamp_mV`` [mV], for one variant ``params`` (float fields)."""
    t_c = params.temperature
    gates = {}
    for gate in ("m", "h", "n"):
        x0 = float(hh.steady_state(gate, v_hold_mV))
        x_inf = float(hh.steady_state(gate, v_clamp_mV))
        tau = float(hh.time_constant(gate, v_clamp_mV, t_c))
        gates[gate] = relaxed_gate(x0, x_inf, tau, t_ms)
    m, h, n = gates["m"], gates["h"], gates["n"]
    return ClampCurrents(
        t_ms=t_ms, m=m, h=h, n=n,
        i_na=params.g_Na * m ** 3 * h * (v_clamp_mV - params.E_Na),
        i_k=params.g_K * n ** 4 * (v_clamp_mV - params.E_K),
        i_leak=params.g_L * (v_clamp_mV - params.E_L),
    )


def conductance_half_time(n0: float, n_inf: float, tau_n_ms: float, power: int = 4) -> float:
    """Time [ms] at which g = gbar n^power reaches half of its final value gbar n_inf^power, with n
    relaxing from ``n0`` to ``n_inf`` (time constant ``tau_n_ms`` [ms]); needs n0 < 2^(-1/power) n_inf."""
    target = n_inf * 0.5 ** (1.0 / power)
    if not n0 < target < n_inf:
        raise ValueError(f"n0 = {n0!r} does not lie below the half-conductance value {target!r}")
    return tau_n_ms * math.log((n_inf - n0) / (n_inf - target))
