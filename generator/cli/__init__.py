"""The command line: one module per command, over the stages below it.

In: ``argv``. Out: printed lines and an exit code. Each ``*_commands`` module (and
:mod:`.commands` for ``demo``) registers its subcommands, parses arguments, calls one stage
(:mod:`spikeset.variants`, :mod:`spikeset.render.render`, :mod:`spikeset.grade`,
:mod:`spikeset.reports.reports`, :mod:`spikeset.exports`) and turns a :class:`~spikeset.errors.SpikesetError`
into one line on stderr. ``spikeset.cli:main`` is the console script's entry point.
"""
from .app import main

__all__ = ["main"]
