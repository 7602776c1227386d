"""Reports: scored results -> what instructors and students read.

In: a :class:`~spikeset.grade.grading.GradeReport` from :mod:`spikeset.grade`, or a grades JSON.
Out: Markdown and terminal summaries (:mod:`.reports`), JUnit XML, a gradebook CSV, feedback
HTML pages, GitHub Classroom output, class analytics (:mod:`.analytics`), and the merge of
sharded runs into what one run would have written (:mod:`.merge`).
"""
