"""Grade: answer files -> scored results.

In: students' ``answers.toml`` files (:mod:`.answer_file`, on :mod:`.flat_toml`), their numbers
and units (:mod:`.units`) and traces (:mod:`.traces`), and the student sets drawn again by
:mod:`spikeset.variants` (or signed variants, :mod:`.signed_grading`).
Out: a :class:`~spikeset.grade.grading.GradeReport` (data, ``to_dict()``) and its JSON text
(:mod:`.report_json`, encoded in the grading workers). Nothing here writes a report file.
"""
