"""Conceptual multiple-choice questions on how the action potential is made, drawn from a tagged pool."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from spikeset.errors import AssignmentError, FamilyError
from spikeset.model import ChoiceQuestion, Misconception, Option
from spikeset.sampling import Draw

ID = "concepts"
REVISION = 2  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Concepts of the action potential"
TOPIC = "concepts"

POOL_FILE = Path(__file__).parent / "pool.toml"
DEFAULT_N = 4
MAX_N = 10
OPTIONS_PER_QUESTION = 4
ANY = "any"
KEYS = "abcdefghijklmnopqrstuvwxyz"
#: Choice questions that key the same option id on purpose (each key asks a different bank item; option ids are pool positions (o1 = the correct one)); `spikeset check` does not flag them.
FIXED_CONCEPT_QUESTIONS = frozenset(KEYS)
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FEEDBACK_PREFIX = "Misconception:"


class PoolError(FamilyError):
    """A malformed entry of ``pool.toml``."""


@dataclass(frozen=True)
class PoolOption:
    text: str
    correct: bool
    misconception: str | None
    feedback: str | None


@dataclass(frozen=True)
class PoolQuestion:
    id: str
    section: str
    stem: str
    explanation: str
    options: tuple[PoolOption, ...]

    def choice_question(self, key: str) -> ChoiceQuestion:
        """The question as the engine places it; option ids are stable (o1..o4, in pool order)."""
        return ChoiceQuestion(key, self.stem, tuple(
            Option(f"o{i + 1}", o.text, correct=o.correct,
                   misconception=None if o.correct else Misconception(o.misconception, o.feedback))
            for i, o in enumerate(self.options)))


@dataclass(frozen=True)
class Pool:
    sections: dict[str, str]             # section id -> title, in pool order
    questions: tuple[PoolQuestion, ...]

    @property
    def by_id(self) -> dict[str, PoolQuestion]:
        return {q.id: q for q in self.questions}

    def in_section(self, section: str) -> list[PoolQuestion]:
        return [q for q in self.questions if section == ANY or q.section == section]


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PoolError(f"{where}: '{key}' must be a non-empty string, got {value!r}", file=str(POOL_FILE))
    return value.strip()


def parse_pool(data: dict[str, Any], *, source: str = str(POOL_FILE)) -> Pool:
    """Validate pool data (as read from TOML); every error names the offending entry."""
    def fail(msg: str) -> PoolError:
        return PoolError(msg, file=source)

    sections = data.get("sections")
    if not isinstance(sections, dict) or not sections:
        raise fail("expected a [sections] table mapping section id to its title")
    for sid, title in sections.items():
        if not KEBAB.match(sid) or sid == ANY:
            raise fail(f"section id {sid!r} must be kebab-case and not {ANY!r}")
        if not isinstance(title, str) or not title.strip():
            raise fail(f"section {sid!r}: expected a title string")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise fail("expected at least one [[questions]] entry")
    unknown_top = sorted(set(data) - {"sections", "questions"})
    if unknown_top:
        raise fail(f"unknown top-level key {unknown_top[0]!r}")

    seen: set[str] = set()
    questions = []
    for i, entry in enumerate(raw_questions):
        qid = entry.get("id") if isinstance(entry, dict) else None
        where = f"questions[{i + 1}]" + (f" ({qid!r})" if isinstance(qid, str) else "")
        if not isinstance(entry, dict):
            raise fail(f"{where}: expected a table")
        unknown = sorted(set(entry) - {"id", "section", "stem", "explanation", "options"})
        if unknown:
            raise fail(f"{where}: unknown key {unknown[0]!r}")
        qid = _text(entry, "id", where)
        if not KEBAB.match(qid):
            raise fail(f"{where}: id must be kebab-case")
        if qid in seen:
            raise fail(f"{where}: duplicate question id {qid!r}")
        seen.add(qid)
        section = _text(entry, "section", where)
        if section not in sections:
            raise fail(f"{where}: unknown section {section!r}; expected one of {', '.join(sections)}")
        stem = _text(entry, "stem", where)
        explanation = _text(entry, "explanation", where)
        raw_options = entry.get("options")
        if not isinstance(raw_options, list) or len(raw_options) != OPTIONS_PER_QUESTION:
            raise fail(f"{where}: expected exactly {OPTIONS_PER_QUESTION} options, "
                       f"got {len(raw_options) if isinstance(raw_options, list) else raw_options!r}")
        options = []
        for j, opt in enumerate(raw_options):
            owhere = f"{where} option {j + 1}"
            if not isinstance(opt, dict):
                raise fail(f"{owhere}: expected a table")
            unknown = sorted(set(opt) - {"text", "correct", "misconception", "feedback"})
            if unknown:
                raise fail(f"{owhere}: unknown key {unknown[0]!r}")
            text = _text(opt, "text", owhere)
            correct = opt.get("correct", False)
            if not isinstance(correct, bool):
                raise fail(f"{owhere}: 'correct' must be true or false")
            if correct:
                if "misconception" in opt or "feedback" in opt:
                    raise fail(f"{owhere}: the correct option takes no misconception or feedback")
                options.append(PoolOption(text, True, None, None))
                continue
            mid = _text(opt, "misconception", owhere)
            if not KEBAB.match(mid):
                raise fail(f"{owhere}: misconception id {mid!r} must be kebab-case")
            feedback = _text(opt, "feedback", owhere)
            if not feedback.startswith(FEEDBACK_PREFIX):
                raise fail(f"{owhere}: feedback must start with {FEEDBACK_PREFIX!r} and name the misconception")
            options.append(PoolOption(text, False, mid, feedback))
        n_correct = sum(o.correct for o in options)
        if n_correct != 1:
            raise fail(f"{where}: expected exactly one correct option, got {n_correct}")
        texts = [o.text for o in options]
        if len(set(texts)) != len(texts):
            raise fail(f"{where}: two options have the same text")
        mids = [o.misconception for o in options if not o.correct]
        if len(set(mids)) != len(mids):
            raise fail(f"{where}: two distractors share a misconception id")
        questions.append(PoolQuestion(qid, section, stem, explanation, tuple(options)))
    return Pool(dict(sections), tuple(questions))


@cache
def load_pool() -> Pool:
    """The validated question pool shipped with the family."""
    try:
        data = tomllib.loads(POOL_FILE.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PoolError(f"malformed TOML: {exc}", file=str(POOL_FILE)) from None
    return parse_pool(data)


def _spread(candidates: list[PoolQuestion], order: list[int]) -> list[PoolQuestion]:
    """Candidates in random ``order``, re-sorted so that sections take turns: each section's
    first question (in that order) comes before any section's second one."""
    rank: dict[str, int] = {}
    ranked = []
    for position, i in enumerate(order):
        q = candidates[i]
        ranked.append((rank.get(q.section, 0), position, q))
        rank[q.section] = rank.get(q.section, 0) + 1
    return [q for _, _, q in sorted(ranked, key=lambda t: t[:2])]


def sample(draw: Draw) -> dict:
    """n questions (default 4, override 1..10), optionally from one section; no question twice."""
    pool = load_pool()
    n = draw.integer("n", DEFAULT_N, DEFAULT_N, accept=(1, MAX_N))
    # draw.choice always consumes the generator; the drawn value is used only when the
    # assignment fixes the section, so the default is "any", deterministically.
    fixed = draw.choice("section", [ANY, *pool.sections])
    section = fixed if "section" in draw.overrides else ANY
    candidates = pool.in_section(section)
    if n > len(candidates):
        raise AssignmentError(f"parameter 'n': section {section!r} holds only {len(candidates)} questions, "
                              f"asked for {n}", file=draw.file, place=draw.where)
    order = [int(i) for i in draw.rng.permutation(len(candidates))]
    chosen = _spread(candidates, order)[:n]
    return {"n": n, "section": section, "questions": [q.id for q in chosen]}


def _chosen(params: dict) -> list[PoolQuestion]:
    by_id = load_pool().by_id
    ids = params["questions"]
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise AssignmentError(f"concepts: unknown question id {unknown[0]!r} (not in {POOL_FILE.name})")
    return [by_id[i] for i in ids]


def questions(params: dict, solution: dict) -> list:
    return [q.choice_question(KEYS[i]) for i, q in enumerate(_chosen(params))]


def solve_batch(params_list: list[dict]) -> list[dict]:
    """Not heavy work: hands the worked-solution snippet each question's section and explanation."""
    pool = load_pool()
    results = []
    for params in params_list:
        chosen = _chosen(params)
        results.append({
            "explanations": {KEYS[i]: q.explanation for i, q in enumerate(chosen)},
            "sections": {KEYS[i]: pool.sections[q.section] for i, q in enumerate(chosen)},
            "ids": {KEYS[i]: q.id for i, q in enumerate(chosen)},
        })
    return results


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    reasons = []
    ids = params.get("questions", [])
    by_id = load_pool().by_id
    if len(set(ids)) != len(ids):
        reasons.append("the same question is drawn twice")
    missing = [i for i in ids if i not in by_id]
    if missing:
        reasons.append(f"unknown question ids: {', '.join(missing)}")
    if len(ids) != params.get("n"):
        reasons.append(f"{len(ids)} questions drawn, n = {params.get('n')}")
    section = params.get("section", ANY)
    if section != ANY and any(by_id[i].section != section for i in ids if i in by_id):
        reasons.append(f"a question lies outside section {section!r}")
    if len(questions) != len(ids):
        reasons.append(f"{len(questions)} questions for {len(ids)} ids")
    prompts = [q.prompt for q in questions]
    if len(set(prompts)) != len(prompts):
        reasons.append("two questions have the same stem")
    return reasons
