"""The ``spikeset`` command line: a thin layer over keyword-only core functions.

Exit status: 0 success; 1 some answer file could not be graded (the others were) or
``--fail-under`` not met; 2 a usage, assignment, roster or parameter error, or a report that
cannot be written; 3 a bug of spikeset (``grade`` still grades every other file and writes
every report first).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from ..errors import SpikesetError

# Modules that add subcommands: each has ``register(subparsers)``; imports stay light.
COMMAND_MODULES = ("generate_commands", "grade_commands", "commands", "sim_commands", "catalog_commands",
                   "export_commands", "report_commands", "merge_commands")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spikeset",
        description="Randomized, self-grading problem sets on how the action potential is made.")
    parser.add_argument("--version", action="version", version=f"spikeset {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"spikeset.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"spikeset.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("spikeset")
    except Exception:
        return "unknown"



def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except SpikesetError as exc:
        _error_line(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _error_line("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug, not bad input: one line, traceback only on request
        if os.environ.get("SPIKESET_DEBUG"):
            raise
        _error_line(f"internal error: {exc.__class__.__name__}: {exc} (set SPIKESET_DEBUG=1 for a traceback)")
        return 3


def _error_line(message: str) -> None:
    red = sys.stderr.isatty() and not os.environ.get("NO_COLOR")
    text = f"spikeset: error: {message}"
    print(f"\033[31m{text}\033[0m" if red else text, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
