"""Render: a student's set -> the files a student and an instructor receive.

In: :class:`~spikeset.variants.assemble.StudentSet` objects from :mod:`spikeset.variants`.
Out: the problem set as HTML (equations as text, :mod:`.mathhtml`; pictures as SVG,
:mod:`.mathsvg`) and PDF (:mod:`.pdf`), the fillable page's form (:mod:`.page_form`), the blank
answer file, the per-student solutions, the answer key (:mod:`.keyfile`) and the output folder's
manifest (:mod:`.manifest`); :mod:`.generate` writes all of them, one student at a time.
"""
