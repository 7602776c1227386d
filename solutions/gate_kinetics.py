"""A gating variable at a fixed (clamped) voltage relaxes exponentially to its steady state:

    dx/dt = alpha (1 - x) - beta x   =>   x(t) = x_inf + (x_0 - x_inf) exp(-t / tau_x),
    x_inf = alpha / (alpha + beta),  tau_x = 1 / (alpha + beta).

Gate values are dimensionless (0..1), rates in 1/ms, times in ms.
"""
from __future__ import annotations

import math


def relaxed_gate(x0: float, x_inf: float, tau_ms: float, t_ms: float) -> float:
    """Gate value at ``t_ms`` [ms] after a voltage step, from ``x0`` towards ``x_inf`` with
    time constant ``tau_ms`` [ms]."""
    return x_inf + (x0 - x_inf) * math.exp(-t_ms / tau_ms)


def time_to_reach(x0: float, x_inf: float, tau_ms: float, x_target: float) -> float:
    """Time [ms] for a gate relaxing from ``x0`` to ``x_inf`` (time constant ``tau_ms`` [ms]) to
    reach ``x_target``, which must lie strictly between ``x0`` and ``x_inf``."""
    if not min(x0, x_inf) < x_target < max(x0, x_inf):
        raise ValueError(f"target {x_target!r} not between x0 = {x0!r} and x_inf = {x_inf!r}")
    return tau_ms * math.log((x_inf - x0) / (x_inf - x_target))
