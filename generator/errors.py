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
