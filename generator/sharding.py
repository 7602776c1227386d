"""Splitting a job over machines: ``--shard K/N`` and putting the parts back together.

Shard K of N takes the items whose position i (0-based, in the order one run would process
them) has ``i % N == K - 1``: a deterministic, balanced split that needs no coordination.
Each shard records the positions of what it produced, so :func:`interleave` restores the
order of one run exactly; ``spikeset merge`` uses it to write, byte for byte, what one run
would have written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence, TypeVar

from .errors import UsageError

T = TypeVar("T")
_SPEC = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{1,6})\s*$")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.index <= self.count:
            raise UsageError(f"--shard: expected K/N with 1 <= K <= N, got {self.index}/{self.count}")

    @property
    def first(self) -> bool:
        """The shard that reports what belongs to no item (a missing path, the class-wide key)."""
        return self.index == 1

    def positions(self, total: int) -> list[int]:
        """The positions of the items this shard takes, out of ``total``."""
        return list(range(self.index - 1, total, self.count))

    def take(self, items: Sequence[T]) -> list[T]:
        return [items[i] for i in self.positions(len(items))]

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """``"2/8"`` -> ``Shard(2, 8)``."""
    m = _SPEC.match(text or "")
    if not m:
        raise UsageError(f"--shard: expected K/N such as 2/8, got {text!r}")
    return Shard(int(m.group(1)), int(m.group(2)))


def interleave(parts: Iterable[tuple[Sequence[int], Sequence[T]]]) -> list[T]:
    """Items from several shards, each given with its positions, in the order of one run
    (a stable sort: items at the same position keep the order of ``parts``)."""
    tagged = [(pos, n, item) for n, (positions, items) in enumerate(parts)
              for pos, item in zip(positions, items, strict=True)]
    tagged.sort(key=lambda t: (t[0], t[1]))
    return [item for _, _, item in tagged]
