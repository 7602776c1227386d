"""Drawing a family's parameters: random within ranges, rounded to the printed digits,
unless the assignment fixes a value.

Every draw consumes the generator the same way whether or not it is overridden, so
fixing one parameter never changes the others. A fixed number must lie in the parameter's
accepted range (:func:`spikeset.parameter_ranges.accepted_range`: its quantity's physical range,
else the range the family draws from).
"""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np

from .errors import AssignmentError, did_you_mean
from .parameter_ranges import AcceptedRange, accepted_range


class Draw:
    """Parameter source for one variant of one problem.

    Args:
        rng: the variant's random generator (never a global one).
        overrides: parameter values fixed by the assignment (name -> value).
        where: the assignment place, for error messages (``"problems[2]"``).
        problem: the problem as a reader names it, for a value out of range
            (``"problem 2 (nernst)"``); ``where`` when not given.
    """

    def __init__(self, rng: np.random.Generator, overrides: Mapping[str, Any] | None = None,
                 *, where: str = "", file: str | None = None, problem: str | None = None):
        self.rng = rng
        self.overrides = dict(overrides or {})
        self.where = where
        self.file = file
        self.problem = problem or where
        self.used: set[str] = set()
        #: each numeric parameter drawn so far -> the values an override of it may take
        self.accepted: dict[str, AcceptedRange] = {}

    def _fixed(self, name: str, kind: type | tuple[type, ...]) -> Any:
        self.used.add(name)
        if name not in self.overrides:
            return None
        value = self.overrides[name]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise AssignmentError(
                f"parameter {name!r}: expected {_kind_name(kind)}, got {value!r}",
                file=self.file, place=self.where)
        if isinstance(value, float) and not math.isfinite(value):
            raise AssignmentError(f"parameter {name!r}: expected a finite number, got {value!r}",
                                  file=self.file, place=self.where)
        return value

    def _in_range(self, name: str, value: Any, accepted: AcceptedRange) -> Any:
        self.accepted[name] = accepted
        if value is not None and not accepted.accepts(value):
            raise AssignmentError(f"{name} = {value!r} is outside {accepted}", file=self.file, place=self.problem)
        return value

    def fixed_number(self, name: str, low: float | None = None, high: float | None = None) -> float | None:
        """The number the assignment fixes parameter ``name`` to, or None: for a parameter the
        family derives itself (in ``solve_batch``) unless fixed. The value must lie in the physical
        range of its quantity, else in [``low``, ``high``]."""
        if low is None or high is None:
            low, high = -math.inf, math.inf
        fixed = self._in_range(name, self._fixed(name, (int, float)), accepted_range(name, low, high))
        return None if fixed is None else float(fixed)

    def uniform(self, name: str, low: float, high: float, *, digits: int = 1) -> float:
        """A number uniform in [low, high], rounded to ``digits`` decimals."""
        if not low <= high:
            if self.overrides:   # a range derived from a fixed value can be empty
                raise AssignmentError(
                    f"with {', '.join(sorted(self.overrides))} fixed, {name} has no value left: it would lie "
                    f"from {low:g} to {high:g}", file=self.file, place=self.problem)
            raise ValueError(f"uniform {name!r}: low {low!r} > high {high!r}")
        # numpy's Generator.uniform(low, high) is exactly low + (high - low) * random(), at a third of the cost
        drawn = round(low + (high - low) * self.rng.random(), digits)
        fixed = self._in_range(name, self._fixed(name, (int, float)), accepted_range(name, low, high, digits))
        return float(fixed) if fixed is not None else (drawn + 0.0)

    def log_uniform(self, name: str, low: float, high: float, *, sig: int = 3) -> float:
        """A positive number log-uniform in [low, high], rounded to ``sig`` significant figures."""
        x = float(np.exp(self.rng.uniform(np.log(low), np.log(high))))
        drawn = round(x, sig - 1 - math.floor(math.log10(abs(x))))
        printed_digits = sig - 1 - math.floor(math.log10(high))
        fixed = self._in_range(name, self._fixed(name, (int, float)), accepted_range(name, low, high, printed_digits))
        return float(fixed) if fixed is not None else drawn

    def integer(self, name: str, low: int, high: int, *, accept: tuple[int, int] | None = None) -> int:
        """An integer in [low, high] inclusive; an override in ``accept`` (default [low, high]),
        whatever quantity the name suggests (a count is not a gate)."""
        drawn = int(self.rng.integers(low, high + 1))
        low_ok, high_ok = accept or (low, high)
        fixed = self._in_range(name, self._fixed(name, int), AcceptedRange(low_ok, high_ok, integer=True))
        return int(fixed) if fixed is not None else drawn

    def choice(self, name: str, options: Sequence[Any]) -> Any:
        """One of ``options``; an override must be one of them."""
        drawn = options[int(self.rng.integers(len(options)))]
        self.used.add(name)
        if name in self.overrides:
            value = self.overrides[name]
            if value not in options:
                raise AssignmentError(
                    f"parameter {name!r}: expected one of {list(options)}, got {value!r}",
                    file=self.file, place=self.where)
            return value
        return drawn

    def check_overrides_used(self, family_id: str) -> None:
        unknown = sorted(set(self.overrides) - self.used)
        if unknown:
            raise AssignmentError(
                f"family {family_id!r} has no parameter {unknown[0]!r}"
                f"{did_you_mean(unknown[0], self.used) or ''} (it has: {', '.join(sorted(self.used))})",
                file=self.file, place=self.where)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return "a number" if float in kinds else " or ".join(k.__name__ for k in kinds)
