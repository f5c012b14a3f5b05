"""Reading rules: each recognises one way of writing questions and answers in a run of blocks.

A rule gets a `Section` (one chapter's blocks and lines) and returns a `Reading`: the cards it
found, the lines it leaves to the chapter's notes, and how sure it is that the section is
written its way (0 to 1). The driver (`..driver`) runs the rules and keeps one reading; the
classic reader of numbered questions, labels and question headings is `numbered` (with `starts`,
`asking` and `split`), and `finish` gives the kept cards their last touches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...diagnostics import finding
from ..blocks import Block, outside_fences
from ..settings import Markers
from ..text import line_span, trim

Lines = list[tuple[int, str]]  # (0-based line in the file, text)


@dataclass
class Section:
    """What a rule reads: the blocks of one chapter, with the file's lines."""

    lines: list[str]
    blocks: list[Block]
    language: str = "en"  # of the file: "zh-CN" or "en", for words a rule writes itself
    markers: Markers = Markers()
    declared: bool = False  # the author named this rule's format
    location: object = None  # line -> Location, for findings
    view: object = None  # the whole file's lines and blocks (`starts.View`), for rules that look beyond
    at: int = 0  # the index of blocks[0] in view.blocks
    room: int = 2_000_000  # characters a rule whose cards repeat the text (cloze) may still make in this file

    @property
    def first(self) -> int:
        return self.blocks[0].start if self.blocks else 0

    @property
    def end(self) -> int:
        return max((b.end for b in self.blocks), default=0)

    def text_lines(self) -> list[tuple[int, str]]:
        """(line, text) of the section outside fenced code."""
        body = self.lines[self.first:self.end]
        return [(self.first + k, line) for k, line in outside_fences(body)]

    def headings(self) -> dict[int, str]:
        """Heading text by line, for the `section` of the cards under each."""
        return {b.start: b.text for b in self.blocks if b.kind == "heading"}


@dataclass
class Reading:
    rule: str
    sure: float
    cards: list[dict] = field(default_factory=list)  # number, question, answer (Lines), line, section
    loose: list[tuple[int, int]] = field(default_factory=list)  # line ranges kept as notes
    notes: list[tuple[int, str, str]] = field(default_factory=list)  # (line, which reading, how to ask for the other)
    # a rule that keeps its notes otherwise than as the lines of `loose` (blank lines between
    # parts, `---` left out), and reports them in its own words, gives them here
    kept: Lines | None = None
    findings: list | None = None
    errors: list = field(default_factory=list)  # what stops the build if this reading is kept
    refused: int = 0  # cards the rule would have made, but refused with one of those errors
    cost: int = 0  # characters its cards repeat of the text, against a file's limit (cloze)

    def outside(self, section: Section) -> tuple[list, Lines]:
        """Findings about the text outside the cards, and its lines as the chapter's notes."""
        findings = self.findings if self.findings is not None else [
            finding("SG204", f"text outside the cards ({line_span(a + 1, z)}) is shown as the chapter's notes",
                    section.location(a)) for a, z in self.loose]
        kept = self.kept if self.kept is not None else [
            (n, section.lines[n]) for a, z in self.loose for n in range(a, z)]
        return [*self.errors, *findings], kept


def card(rule: str, number: str, question: Lines, answer: Lines, section: str = "") -> dict:
    return {"rule": rule, "number": number, "question": trim(question), "answer": trim(answer),
            "line": question[0][0] if question else answer[0][0], "section": section}


def loose_ranges(section: Section, used: set[int], cards: list[dict]) -> list[tuple[int, int]]:
    """Line ranges of the section's non-blank lines that no card used, and no heading that names
    the section of cards holds."""
    titles = {made["section"] for made in cards}
    headings = {n for b in section.blocks if b.kind == "heading" and b.text in titles for n in range(b.start, b.end)}
    ranges: list[tuple[int, int]] = []
    for n in range(section.first, section.end):
        if n in used or n in headings or not section.lines[n].strip():
            continue
        if ranges and all(not section.lines[k].strip() for k in range(ranges[-1][1], n)):
            ranges[-1] = (ranges[-1][0], n + 1)
        else:
            ranges.append((n, n + 1))
    return ranges


_LIST_MARK = re.compile(r"^\s{0,3}(?:[-+*]|\d{1,9}[.)])\s+")


def unlist(text: str) -> tuple[str, str]:
    """(`3`, rest) for `3. rest`; ("", rest) for `- rest`; ("", text) when no list marker."""
    match = _LIST_MARK.match(text)
    if not match:
        return "", text
    number = re.sub(r"\D", "", match.group())
    return number, text[match.end():]
