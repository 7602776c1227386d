"""Subcommand ``demo`` and helpers shared by the other command modules."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser("demo", help="run everything on a built-in assignment and roster",
                       description="Generate the built-in problem set, quiz and extended set for 10 students of"
                                   " the built-in roster (PDFs for the first), write sample answer files (right"
                                   " ones, typical mistakes, a malformed one), grade them, and print where "
                                   "every output is.")
    d.add_argument("--out", default="demo-out",
                   help="output folder (default demo-out): new, empty or an earlier demo's, which is replaced "
                        "whole; a folder with other files is refused")
    d.add_argument("--no-pdf", action="store_true", help="skip the PDFs")
    d.set_defaults(func=cmd_demo)


def _secret_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--secret-file", metavar="FILE",
                   help="file holding the course secret (default: $SPIKESET_SECRET)")


def secret_from_args(args: argparse.Namespace, *, quiet: bool = False) -> bytes | None:
    from ..variants.seeding import SECRET_ENV, read_secret

    secret = read_secret(getattr(args, "secret_file", None))
    if secret is None and not quiet:
        print(f"spikeset: note: no course secret ({SECRET_ENV} or --secret-file): "
              "variants are predictable from the assignment id.", file=sys.stderr)
    return secret


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(out_dir=Path(args.out), pdf=not args.no_pdf)
