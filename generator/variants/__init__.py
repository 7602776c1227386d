"""Variants: who gets which numbers.

In: an assignment TOML (:mod:`.assignment`), a roster CSV (:mod:`.roster`), the course secret
(:mod:`.seeding`) and the problem families found in ``spikeset.problems`` (:mod:`.registry`).
Out: one :class:`~spikeset.variants.assemble.StudentSet` per student (its placed questions,
parameters and reference answers), signed variant files (:mod:`.signing`), and the per-family
checks of ``spikeset check`` (:mod:`.catalog`). Nothing here writes a page or reads an answer.
"""
