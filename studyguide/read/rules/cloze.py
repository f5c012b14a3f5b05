"""Cloze deletions: Anki's `{{c1::text}}` (`{{c1::text::hint}}`), and `==highlight==` in a file
declared `format: cloze`. One card per cloze number of a paragraph or list item: the question
shows a blank about as wide as the hidden text, the answer the whole text with it filled in bold.
"""

from __future__ import annotations

import re
import unicodedata

from ...diagnostics import finding
from ..text import line_span
from . import Reading, Section, card, loose_ranges, unlist

NAME = "cloze"
TITLE = "cloze deletions"  # how notes name the rule
# the text runs to the first `::` (a hint follows) or `}}`, never back: a line of unclosed
# `{{c1::` takes linear time
_ANKI = re.compile(r"\{\{c(?P<number>\d{1,3})::(?P<text>(?:[^:}]|:(?!:)|\}(?!\}))*+)(?:::(?P<hint>[^{}]*+))?\}\}")
# each cloze number of a paragraph makes a card holding the whole paragraph: past these, a small
# file would make thousands of cards (one per `==a==`) or megabytes of text to lay out
MAX_PER_PARAGRAPH = 50
MAX_PER_FILE = Section.room  # characters of the cloze cards of one file, questions and answers
_HIGHLIGHT = re.compile(r"(?<!=)==(?P<text>[^=\s][^=]*+)(?<!\s)==(?!=)")


def width(text: str) -> int:
    """Columns the text takes: two for a wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def blank(text: str, hint: str | None) -> str:
    line = "\\_" * max(4, width(text))
    return f"{line} ({hint.strip()})" if hint and hint.strip() else line


def deletions(text: str, highlights: bool) -> list[tuple[str, re.Match]]:
    """(cloze key, match) in order: `c1`, `c2` …; each highlight is a cloze of its own."""
    found = [(f"c{m['number']}", m) for m in _ANKI.finditer(text)]
    if highlights:
        found += [(f"h{k}", m) for k, m in enumerate(_HIGHLIGHT.finditer(text))]
    return found


def fill(text: str, key: str, highlights: bool) -> tuple[str, str]:
    """(question, answer) of the text for one cloze key."""
    def show(match: re.Match, hidden: bool, shown: bool) -> str:
        inner = match["text"]
        if hidden:
            return blank(inner, match.groupdict().get("hint"))
        return f"**{inner}**" if shown else inner

    def q_anki(m):
        return show(m, f"c{m['number']}" == key, False)

    def a_anki(m):
        return show(m, False, f"c{m['number']}" == key)

    q, a = _ANKI.sub(q_anki, text), _ANKI.sub(a_anki, text)
    if highlights:
        index = {"q": 0, "a": 0}

        def h(side):
            def sub(m):
                mine = f"h{index[side]}" == key
                index[side] += 1
                return show(m, mine and side == "q", mine and side == "a")
            return sub
        q, a = _HIGHLIGHT.sub(h("q"), q), _HIGHLIGHT.sub(h("a"), a)
    return q, a


def _crowded(section: Section, block, keys: list[str]):
    how = ("write `format: auto` if the highlights are only emphasis" if all(key[0] == "h" for key in keys)
           else "number deletions that belong on one card alike (`{{c1::…}}` twice)")
    where = section.location(block.start) if section.location else None
    return finding("SG308", f"the paragraph on {line_span(block.start + 1, block.end)} holds {len(keys):,} cloze "
                   f"deletions; each makes a card that repeats the whole paragraph, and a paragraph makes at "
                   f"most {MAX_PER_PARAGRAPH}", where, f"split the paragraph, or {how}")


def _too_much(section: Section, block):
    where = section.location(block.start) if section.location else None
    return finding("SG308", f"with the paragraph on {line_span(block.start + 1, block.end)}, the file's cloze cards "
                   f"would hold more than {MAX_PER_FILE:,} characters: each deletion's card repeats its whole "
                   "paragraph", where, "split long paragraphs that hold many deletions, or the file into several")


def _lines(text: str, source: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The text's lines numbered as the source's, without a leading list marker."""
    number, first = unlist(text.split("\n")[0])
    parts = [first] + text.split("\n")[1:]
    if len(parts) != len(source):  # a cloze over a line break: one line
        return [(source[0][0], " ".join(parts))]
    return [(n, t) for (n, _), t in zip(source, parts)]


def read(section: Section) -> Reading | None:
    highlights = section.declared
    reading = Reading(NAME, 0.95)
    used: set[int] = set()
    title = ""
    spending = 0
    for block in section.blocks:
        if block.kind == "heading":
            title = block.text
            continue
        if block.kind not in ("paragraph", "item", "other"):
            continue
        lines = [(n, section.lines[n]) for n in range(block.start, block.end)]
        text = "\n".join(t for _, t in lines)
        keys = list(dict.fromkeys(key for key, _ in deletions(text, highlights)))
        if not keys:
            continue
        if len(keys) > MAX_PER_PARAGRAPH:
            reading.errors.append(_crowded(section, block, keys))
            reading.refused += len(keys)
            continue  # left to the notes: the error stops the build, and no text is lost
        spending += 2 * len(keys) * len(text)  # a question and an answer per key, before filling them
        if spending > section.room:
            if section.room > 0:  # said once, where the file passes the limit, not in every chapter after
                reading.errors.append(_too_much(section, block))
            reading.refused += len(keys)
            break
        used.update(range(block.start, block.end))
        for key in keys:
            question, answer = fill(text, key, highlights)
            reading.cards.append(card(NAME, "", _lines(question, lines), _lines(answer, lines), title))
    reading.cost = spending  # past the limit with a refused paragraph: the chapters after it make no more
    if not reading.cards and not reading.refused:
        return None
    reading.loose = loose_ranges(section, used, reading.cards)
    return reading
