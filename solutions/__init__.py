"""The physics of spikeset: pure functions and frozen dataclasses, no I/O.

Modules are imported on first use so that importing ``spikeset.solutions`` stays cheap
(grading one file must not pay for the HH solver or scipy unless it needs them):

- :mod:`spikeset.solutions.electrochemistry`: Nernst, GHK, driving force, ohmic current,
  conductance-weighted potentials.
- :mod:`spikeset.solutions.hh_model`, :mod:`~spikeset.solutions.hh_stimulus`,
  :mod:`~spikeset.solutions.hh_solver`, :mod:`~spikeset.solutions.hh_search`,
  :mod:`~spikeset.solutions.spike_features`: the Hodgkin-Huxley model and its batched solver
  (``hh_solver`` is the solver's API; its compiled numba kernel is
  :mod:`~spikeset.solutions.hh_kernel`).
"""
from __future__ import annotations

import importlib

_LAZY = {
    "nernst_potential": "electrochemistry",
    "nernst_concentration": "electrochemistry",
    "driving_force": "electrochemistry",
    "ohmic_current": "electrochemistry",
    "HHParams": "hh_model",
    "resting_state": "hh_model",
    "Stimulus": "hh_stimulus",
    "simulate": "hh_solver",
    "threshold_amplitude": "hh_search",
    "repetitive_firing_threshold": "hh_search",
    "refractory_interval": "hh_search",
    "second_pulse_threshold": "hh_search",
    "spike_features": "spike_features",
}


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_LAZY))
