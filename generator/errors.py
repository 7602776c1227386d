"""One exception tree for every error a user can cause.

Each class also inherits the matching built-in so callers can catch either.
The CLI turns a ``SpikesetError`` into one line on stderr and an exit code;
nothing else is caught.
"""
from __future__ import annotations


class SpikesetError(Exception):
    """Base of every error caused by input (files, options, values)."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, place: str | None = None):
        self.message = message
        self.file = file
        self.place = place
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.place) if p not in (None, ""))
        return f"{where}: {self.message}" if where else self.message


def did_you_mean(word: object, choices) -> str:
    """``"; did you mean 'nernst'?"`` when ``word`` is a near miss of one of ``choices`` (a typo,
    another case, ``_`` or ``-`` left out or swapped), else ``""``: the tail of a message about an unknown name."""
    if not isinstance(word, str) or not word:
        return ""
    def fold(name: str) -> str:
        return name.lower().replace("_", "").replace("-", "")

    choices = sorted(set(choices))
    folded = {fold(c): c for c in choices}
    if fold(word) in folded:
        return f"; did you mean {folded[fold(word)]!r}?"
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


class UsageError(SpikesetError, ValueError):
    """A bad command-line option or value (exit status 2)."""


class AssignmentError(SpikesetError, ValueError):
    """A malformed assignment TOML file."""


class RosterError(SpikesetError, ValueError):
    """A malformed roster CSV file."""


class FamilyError(SpikesetError, ImportError):
    """A problem-family folder that is missing a part or clashes with another."""


class AnswerFileError(SpikesetError, ValueError):
    """A student answer file that cannot be graded."""

    exit_code = 1


class ParameterError(SpikesetError, ValueError):
    """A physical parameter out of its allowed domain (negative conductance, NaN...)."""
