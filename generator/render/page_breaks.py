"""Problems taller than a printed page.

Every problem of a problem set is kept on one page on paper (``break-inside: avoid-page``):
a problem that does not fit below the previous one moves whole to the next page. A problem
taller than a page cannot be kept whole; WeasyPrint then still moves it to a fresh page and
splits it there, which left page 1 of the built-in quiz (one problem of ten questions) with
only its title. :func:`problems_on_several_pages` finds such problems in a laid-out document
and :func:`let_break` lets them start where they are and break between their questions.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

#: The inline style that lets a problem break between its questions (each question box still
#: avoids a break inside itself).
BREAKABLE = "break-inside: auto; page-break-inside: auto"


def _boxes(box) -> Iterator:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def problems_on_several_pages(document) -> list[str]:
    """The ``aria-labelledby`` ids (``"h-p1"``) of the problem sections that a WeasyPrint
    ``Document`` lays out on more than one page, in order."""
    pages_of: dict[str, set[int]] = {}
    for number, page in enumerate(document.pages):
        for box in _boxes(page._page_box):
            element = getattr(box, "element", None)
            if (element is None or getattr(box, "element_tag", None) != "section"
                    or "problem" not in (element.get("class") or "").split()):
                continue
            label = element.get("aria-labelledby")
            if label:
                pages_of.setdefault(label, set()).add(number)
    return [label for label, pages in pages_of.items() if len(pages) > 1]


def let_break(html_text: str, labels: Iterable[str]) -> str:
    """``html_text`` with the problem sections labelled by ``labels`` allowed to break."""
    for label in labels:
        html_text = re.sub(r'(<section class="problem[^"]*" aria-labelledby="%s")' % re.escape(label),
                           r'\1 style="%s"' % BREAKABLE, html_text, count=1)
    return html_text
