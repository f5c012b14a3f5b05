"""Every form of questions and answers the reader promises to read, each with its exact cards.

tests/forms/NAME.md is a guide written in one form; tests/forms/NAME.toml beside it holds the cards
it must give, in order, as `[[card]]` tables: `chapter` (its number), `number` (as written),
`question` and `answer` (the Markdown the card keeps), and optionally `rule` (the reading rule
that made it). Top-level keys: `notes`, the codes of findings that must be reported (any other
warning fails the test); `settings`, a studyguide.toml text whose `[read]` section declares a
format or markers, applied as the build would.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from lossless import unaccounted
from studyguide.config import from_mapping
from studyguide.model import Severity
from studyguide.read import read_guide

FORMS = Path(__file__).resolve().parent / "forms"
CASES = sorted(FORMS.glob("*.md"))


def expected(path: Path) -> dict:
    return tomllib.loads(path.with_suffix(".toml").read_text(encoding="utf-8"))


def reading(path: Path):
    settings = expected(path).get("settings")
    if settings is None:
        return None
    return from_mapping(tomllib.loads(settings), path.with_suffix(".toml"), settings).read.reading()


def read(path: Path):
    return read_guide([path], base=path.parent, reading=reading(path))


def test_every_form_has_its_cards():
    assert len(CASES) >= 30
    assert sorted(p.stem for p in FORMS.glob("*.toml")) == [p.stem for p in CASES]
    for path in CASES:
        data = expected(path)
        assert data.get("card"), f"{path.name}: no [[card]] expected"
        assert set(data) <= {"card", "notes", "settings"}, path.name
        for card in data["card"]:
            assert {"chapter", "number", "question", "answer"} <= set(card) <= \
                {"chapter", "number", "question", "answer", "rule"}, (path.name, card)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_exact_cards(path):
    want = expected(path)["card"]
    guide = read(path)
    got = [{key: getattr(card, key) for key in ("chapter", "number", "question", "answer", "rule")
            if key != "rule" or "rule" in wanted}
           for card, wanted in zip(guide.cards, want)]
    # the whole lists, so that a missing or extra card shows in the difference
    got += [{"chapter": c.chapter, "number": c.number, "question": c.question, "answer": c.answer}
            for c in guide.cards[len(want):]]
    assert got == want


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_findings(path):
    listed = set(expected(path).get("notes", ()))
    guide = read(path)
    found = {d.code for d in guide.diagnostics}
    assert listed <= found, f"not reported: {sorted(listed - found)}"
    assert [str(d) for d in guide.diagnostics if d.severity is Severity.ERROR] == []
    assert [str(d) for d in guide.diagnostics
            if d.severity is Severity.WARNING and d.code not in listed] == []


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_no_text_is_lost(path):
    guide = read(path)
    assert guide.cards
    assert unaccounted(guide, path, Path(path.name), reading(path)) == []


@pytest.mark.parametrize("name, card, word", [("markers-bold-q-a", 0, "Precomputed"),
                                              ("markers-regex", 2, "null"),
                                              ("markers-front-matter", 1, "同一行"),
                                              ("markers-tag", 0, "Cookie"),
                                              ("markers-key", 3, "20")])
def test_declared_markers_do_not_hide_a_dropped_word(name, card, word):
    """Knowing a file's markers does not make the checker blind: a card that loses one word of
    its answer is still caught, and names that card."""
    path = FORMS / f"{name}.md"
    guide = read(path)
    assert unaccounted(guide, path, Path(path.name), reading(path)) == []
    chapter = guide.chapters[0]
    cards = list(chapter.cards)
    assert word in cards[card].answer
    cards[card] = dataclasses.replace(cards[card], answer=cards[card].answer.replace(word, "", 1))
    shortened = dataclasses.replace(guide, chapters=(dataclasses.replace(chapter, cards=tuple(cards)),))
    problems = unaccounted(shortened, path, Path(path.name), reading(path))
    assert len(problems) >= 1 and f"card {cards[card].label}" in problems[0], problems
