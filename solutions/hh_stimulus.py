"""Injected current protocols: sums of rectangular pulses (steps) and ramps.

A :class:`Stimulus` is a sum of :class:`Pulse` (constant amplitude on
``[start, start + duration)``) and :class:`Ramp` (linear from ``start_amplitude``
to ``end_amplitude`` on ``[start, start + duration)``, zero elsewhere) terms.
Amplitudes are in uA/cm2, times in ms.  Every number may be a float or a 1-D
array of N variants (so a threshold search can bisect the amplitude of all
variants at once, and a refractory search the delay).  A pulse of infinite
duration is a step that lasts to the end of the simulation.

The solver integrates between the breakpoints (every start and end), so
the discontinuities are hit exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from spikeset.errors import ParameterError


def _as_values(name: str, value: Any, *, allow_inf: bool = False) -> Any:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number, got {value!r}") from None
    if arr.ndim > 1:
        raise ParameterError(f"{name} must be a number or a 1-D array, got shape {arr.shape}")
    if arr.ndim == 1 and arr.size == 0:
        raise ParameterError(f"{name} is an empty array")
    bad = np.isnan(arr) | (np.isinf(arr) if not allow_inf else np.isneginf(arr))
    if np.any(bad):
        raise ParameterError(f"{name} must be finite, got {value!r}")
    if arr.ndim == 0:
        return float(arr)
    arr = arr.copy()
    arr.setflags(write=False)
    return arr


def _length(value: Any) -> int:
    return value.size if isinstance(value, np.ndarray) else 1


@dataclass(frozen=True)
class Pulse:
    """Rectangular current pulse.

    Attributes:
        amplitude: uA/cm2 (positive = depolarising, inward injected current).
        start_ms: onset time, ms (>= 0).
        duration_ms: ms (>= 0; ``inf`` = step to the end of the simulation).
    """

    amplitude: Any
    start_ms: Any
    duration_ms: Any

    def __post_init__(self) -> None:
        object.__setattr__(self, "amplitude", _as_values("pulse amplitude", self.amplitude))
        object.__setattr__(self, "start_ms", _as_values("pulse start", self.start_ms))
        object.__setattr__(self, "duration_ms",
                           _as_values("pulse duration", self.duration_ms, allow_inf=True))
        if np.any(np.asarray(self.start_ms) < 0):
            raise ParameterError(f"pulse start must be >= 0 ms, got {self.start_ms!r}")
        if np.any(np.asarray(self.duration_ms) < 0):
            raise ParameterError(f"pulse duration must be >= 0 ms, got {self.duration_ms!r}")


@dataclass(frozen=True)
class Ramp:
    """Linear current ramp, zero outside ``[start_ms, start_ms + duration_ms)``.

    Attributes:
        start_amplitude: current at the ramp's start, uA/cm2.
        end_amplitude: current the ramp tends to at its end, uA/cm2.
        start_ms: onset, ms (>= 0).
        duration_ms: ms (> 0, finite).
    """

    start_amplitude: Any
    end_amplitude: Any
    start_ms: Any
    duration_ms: Any

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_amplitude", _as_values("ramp start amplitude", self.start_amplitude))
        object.__setattr__(self, "end_amplitude", _as_values("ramp end amplitude", self.end_amplitude))
        object.__setattr__(self, "start_ms", _as_values("ramp start", self.start_ms))
        object.__setattr__(self, "duration_ms", _as_values("ramp duration", self.duration_ms))
        if np.any(np.asarray(self.start_ms) < 0):
            raise ParameterError(f"ramp start must be >= 0 ms, got {self.start_ms!r}")
        if np.any(np.asarray(self.duration_ms) <= 0):
            raise ParameterError(f"ramp duration must be > 0 ms, got {self.duration_ms!r}")


@dataclass(frozen=True)
class PackedStimulus:
    """A stimulus as dense float arrays for the integrator (N variants).

    Attributes:
        pulse_amplitude, pulse_start_ms, pulse_end_ms: shape (N, P); uA/cm2, ms, ms.
        ramp_start_amplitude, ramp_end_amplitude: shape (N, R), uA/cm2.
        ramp_start_ms, ramp_end_ms: shape (N, R), ms.
    """

    pulse_amplitude: np.ndarray
    pulse_start_ms: np.ndarray
    pulse_end_ms: np.ndarray
    ramp_start_amplitude: np.ndarray
    ramp_end_amplitude: np.ndarray
    ramp_start_ms: np.ndarray
    ramp_end_ms: np.ndarray


@dataclass(frozen=True)
class Stimulus:
    """Sum of pulses and ramps (all may carry per-variant arrays).

    Build with :meth:`pulse`, :meth:`step`, :meth:`ramp`, :meth:`paired_pulses`
    and combine with ``+``.  ``Stimulus()`` is no current at all.
    """

    pulses: tuple[Pulse, ...] = field(default=())
    ramps: tuple[Ramp, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "pulses", tuple(self.pulses))
        object.__setattr__(self, "ramps", tuple(self.ramps))
        lengths = {_length(getattr(term, f.name))
                   for term in self.pulses + self.ramps for f in fields(term)}
        lengths.discard(1)
        if len(lengths) > 1:
            raise ParameterError(f"stimulus arrays have incompatible lengths {sorted(lengths)}")

    # -- constructors -----------------------------------------------------
    @classmethod
    def pulse(cls, amplitude: Any, start_ms: Any, duration_ms: Any) -> "Stimulus":
        """One rectangular pulse: ``amplitude`` uA/cm2 from ``start_ms`` for ``duration_ms`` ms."""
        return cls(pulses=(Pulse(amplitude, start_ms, duration_ms),))

    @classmethod
    def step(cls, amplitude: Any, start_ms: Any = 0.0, duration_ms: Any = np.inf) -> "Stimulus":
        """A current step of ``amplitude`` uA/cm2 from ``start_ms`` (to the end by default)."""
        return cls(pulses=(Pulse(amplitude, start_ms, duration_ms),))

    @classmethod
    def ramp(cls, start_amplitude: Any, end_amplitude: Any, start_ms: Any, duration_ms: Any) -> "Stimulus":
        """A linear ramp from ``start_amplitude`` to ``end_amplitude`` uA/cm2 over ``duration_ms`` ms."""
        return cls(ramps=(Ramp(start_amplitude, end_amplitude, start_ms, duration_ms),))

    @classmethod
    def paired_pulses(cls, amplitude: Any, duration_ms: Any, delay_ms: Any, *,
                      start_ms: Any = 5.0, second_amplitude: Any = None) -> "Stimulus":
        """Two pulses of ``duration_ms``; the second starts ``delay_ms`` after the first's onset.

        ``delay_ms`` is onset-to-onset (ms); ``second_amplitude`` defaults to
        ``amplitude`` (uA/cm2).  The pulses may overlap (their currents add).
        """
        second = amplitude if second_amplitude is None else second_amplitude
        start = np.asarray(start_ms, float)
        delay = _as_values("paired-pulse delay", delay_ms)
        if np.any(np.asarray(delay) < 0):
            raise ParameterError(f"paired-pulse delay must be >= 0 ms, got {delay_ms!r}")
        return cls(pulses=(Pulse(amplitude, start_ms, duration_ms),
                           Pulse(second, start + np.asarray(delay), duration_ms)))

    def __add__(self, other: "Stimulus") -> "Stimulus":
        if not isinstance(other, Stimulus):
            return NotImplemented
        return Stimulus(self.pulses + other.pulses, self.ramps + other.ramps)

    # -- queries ------------------------------------------------------------
    @property
    def n_variants(self) -> int:
        """N: length of the array-valued numbers (1 if all are scalars)."""
        n = 1
        for term in self.pulses + self.ramps:
            for f in fields(term):
                n = max(n, _length(getattr(term, f.name)))
        return n

    def packed(self, n_variants: int) -> PackedStimulus:
        """Dense (N, P) / (N, R) float arrays for the integrator."""
        n = int(n_variants)
        if self.n_variants not in (1, n):
            raise ParameterError(f"stimulus has {self.n_variants} variants, parameters have {n}")

        def column(values: list[Any]) -> np.ndarray:
            if not values:
                return np.zeros((n, 0))
            return np.stack([np.broadcast_to(np.asarray(v, float), (n,)) for v in values], axis=1).copy()

        pulse_start = column([p.start_ms for p in self.pulses])
        pulse_end = pulse_start + column([p.duration_ms for p in self.pulses])
        ramp_start = column([r.start_ms for r in self.ramps])
        return PackedStimulus(
            pulse_amplitude=column([p.amplitude for p in self.pulses]),
            pulse_start_ms=pulse_start,
            pulse_end_ms=pulse_end,
            ramp_start_amplitude=column([r.start_amplitude for r in self.ramps]),
            ramp_end_amplitude=column([r.end_amplitude for r in self.ramps]),
            ramp_start_ms=ramp_start,
            ramp_end_ms=ramp_start + column([r.duration_ms for r in self.ramps]),
        )

    def current(self, t_ms: Any, n_variants: int | None = None) -> np.ndarray:
        """Injected current (uA/cm2) at times ``t_ms``; shape (N, T)."""
        t = np.atleast_1d(np.asarray(t_ms, float))
        n = self.n_variants if n_variants is None else int(n_variants)
        p = self.packed(n)
        out = np.zeros((n, t.size))
        for k in range(p.pulse_amplitude.shape[1]):
            on = (t[None, :] >= p.pulse_start_ms[:, k:k + 1]) & (t[None, :] < p.pulse_end_ms[:, k:k + 1])
            out += np.where(on, p.pulse_amplitude[:, k:k + 1], 0.0)
        for k in range(p.ramp_start_ms.shape[1]):
            t0 = p.ramp_start_ms[:, k:k + 1]
            t1 = p.ramp_end_ms[:, k:k + 1]
            a = p.ramp_start_amplitude[:, k:k + 1]
            b = p.ramp_end_amplitude[:, k:k + 1]
            on = (t[None, :] >= t0) & (t[None, :] < t1)
            out += np.where(on, a + (b - a) * (t[None, :] - t0) / (t1 - t0), 0.0)
        return out

    def scaled(self, factor: Any) -> "Stimulus":
        """Every amplitude multiplied by ``factor`` (float or (N,) array)."""
        f = np.asarray(factor, float)
        return Stimulus(
            tuple(Pulse(np.asarray(p.amplitude) * f, p.start_ms, p.duration_ms) for p in self.pulses),
            tuple(Ramp(np.asarray(r.start_amplitude) * f, np.asarray(r.end_amplitude) * f,
                       r.start_ms, r.duration_ms) for r in self.ramps))
