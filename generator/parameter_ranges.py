"""The values an assignment may fix a family's parameter to.

A family draws each parameter from a range it was designed for (``draw.uniform("temperature_C",
20, 37)``). An instructor may fix a parameter beyond that range where the quantity is still
physical: any temperature a preparation survives, any positive concentration. The physical
range of a quantity is known from the parameter's name (its unit suffix or its conventional
symbol, :data:`QUANTITIES`); a parameter of no known quantity (a factor, a probe offset, a
count) may be fixed only within the family's own range, widened by the rounding of its printed
value. Whether a fixed value still gives a well-posed question is then the family's
``plausible()`` to judge.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Quantity:
    """A kind of physical quantity and the values a parameter of that kind may take.

    Args:
        what: the quantity, for messages ("temperature").
        pattern: a regular expression matched against the whole parameter name.
        low, high: the accepted values, in ``unit``.
        unit: as printed in messages.
        low_open: ``low`` itself is not accepted (a concentration of 0 mM is not one).
    """

    what: str
    pattern: str
    low: float
    high: float
    unit: str
    low_open: bool = False


#: The physical ranges, first match wins. Why these bounds:
#: temperature: above 0, at most 45 degC, from cold-adapted preparations to above mammalian fever
#: (0 degC itself is out: the "degC for K" misconception of the Nernst and GHK families is then undefined);
#: concentration: above 0, at most 1000 mM (seawater and squid axoplasm are under 600 mM);
#: membrane and reversal potentials: -200 to 200 mV (a Nernst potential for a 1000-fold
#: gradient of a monovalent ion at 45 degC is 190 mV); a voltage window ("within"): above 0, at most 100 mV;
#: conductance densities: 0 (the channel absent or fully blocked) to 1000 mS/cm^2 (nodes of Ranvier),
#: the leak above 0 (a membrane without a leak has no resting potential and no time constant);
#: specific capacitance: above 0, at most 10 uF/cm^2; times: above 0, at most 1000 ms (a
#: simulation's length); gates and fractions: 0 to 1; stimulus current densities: -1000 to
#: 1000 uA/cm^2 (a ramp's slope 0 to 1000 uA/cm^2 per ms); the size of a current injected into
#: a cell: above 0, at most 10000 pA; diameters: above 0, at most 1000 um;
#: distances along an axon: above 0, at most 1000 mm; conduction velocities: above 0, at most 150 m/s;
#: specific membrane resistance: above 0, at most 1000 kOhm cm^2; axial resistivity: above 0,
#: at most 1000 Ohm cm; permeability ratios: 0 to 100; Q10: above 1 (no temperature dependence
#: leaves nothing to compute), at most 5.
QUANTITIES: tuple[Quantity, ...] = (
    Quantity("temperature", r"temperature(_C)?|t\w*_C", 0.0, 45.0, "degC", low_open=True),
    Quantity("concentration", r"\w+_mM", 0.0, 1000.0, "mM", low_open=True),
    Quantity("voltage window", r"within_mV", 0.0, 100.0, "mV", low_open=True),
    Quantity("voltage", r"\w+_mV|E_[A-Za-z]+", -200.0, 200.0, "mV"),
    Quantity("leak conductance density", r"g_[lL](_mS_per_cm2)?", 0.0, 1000.0, "mS/cm^2", low_open=True),
    Quantity("conductance density", r"g(bar)?_\w+|\w+_mS_per_cm2", 0.0, 1000.0, "mS/cm^2"),
    Quantity("specific capacitance", r"[cC]_m(_uF_per_cm2)?", 0.0, 10.0, "uF/cm^2", low_open=True),
    Quantity("time", r"\w+_ms", 0.0, 1000.0, "ms", low_open=True),
    Quantity("gate or fraction", r"[mhn]|snapshot_level|amplitude_position|ttx_fraction", 0.0, 1.0, ""),
    Quantity("current density", r"current|amplitude|step_amplitude|final_current", -1000.0, 1000.0, "uA/cm^2"),
    Quantity("current magnitude", r"\w+_magnitude_pA", 0.0, 10000.0, "pA", low_open=True),
    Quantity("current slope", r"slow_slope", 0.0, 1000.0, "uA/cm^2/ms"),
    Quantity("diameter", r"diameter_um", 0.0, 1000.0, "um", low_open=True),
    Quantity("distance", r"\w+_mm", 0.0, 1000.0, "mm", low_open=True),
    Quantity("conduction velocity", r"\w+_m_per_s", 0.0, 150.0, "m/s", low_open=True),
    Quantity("specific membrane resistance", r"r_m_kohm_cm2", 0.0, 1000.0, "kOhm cm^2", low_open=True),
    Quantity("axial resistivity", r"r_i_ohm_cm", 0.0, 1000.0, "Ohm cm", low_open=True),
    Quantity("permeability ratio", r"p_[a-z]+", 0.0, 100.0, ""),
    Quantity("permeability", r"permeability_1e6_cm_per_s", 0.0, 1000.0, "x 1e-6 cm/s", low_open=True),
    Quantity("Q10", r"q10", 1.0, 5.0, "", low_open=True),
)


@functools.lru_cache(maxsize=None)  # a few hundred names; drawn thousands of times each in a batch
def quantity_of(name: str) -> Quantity | None:
    """The physical quantity a parameter named ``name`` is, or None (a factor, an offset...)."""
    return next((q for q in QUANTITIES if re.fullmatch(q.pattern, name)), None)


@dataclass(frozen=True)
class AcceptedRange:
    """The values an override of one parameter may take: ``low`` to ``high`` in ``unit``."""

    low: float
    high: float
    unit: str = ""
    low_open: bool = False
    integer: bool = False

    def accepts(self, value: float) -> bool:
        return (self.low < value if self.low_open else self.low <= value) and value <= self.high

    def __str__(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        low, high = _number(self.low), _number(self.high)
        if self.integer:
            return f"the integers from {low} to {high}{unit}"
        text = f"{low} to {high}{unit}" if self.low < 0 else f"{low}-{high}{unit}"
        return f"{text} ({low} excluded)" if self.low_open else text


def accepted_range(name: str, low: float, high: float, digits: int | None = None) -> AcceptedRange:
    """What an assignment may fix parameter ``name`` to, when the family draws it from
    [``low``, ``high``] (printed to ``digits`` decimals): its quantity's physical range, or for
    a parameter of no known quantity the drawn range widened by half a printed digit."""
    quantity = quantity_of(name)
    if quantity is not None:
        return AcceptedRange(quantity.low, quantity.high, quantity.unit, quantity.low_open)
    if digits is None:
        return AcceptedRange(low, high)
    slack = 0.5 * 10.0 ** -digits
    return AcceptedRange(round(low - slack, digits + 1), round(high + slack, digits + 1))


def _number(x: float) -> str:
    """``45`` for 45.0, ``0.0005`` for 5e-4: the shortest text that reads back as ``x``."""
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))
