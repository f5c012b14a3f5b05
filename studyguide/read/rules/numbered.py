"""The classic rule: numbered questions (`1. 问题？`, `1、`, `(3)`, `第 5 题`), `Q:`/`答：` labels,
and headings that ask, with their answers as written after them.

It walks one chapter's blocks: where each card starts (`.starts`, and `.asking` for headings),
which blocks follow it, and where in that text its answer begins (`.split`). Every source line
ends up in a card or in the chapter's notes; only markup is removed on the way: list markers,
the indentation that puts a line inside a list item, `---` separators, and `Q:`/`答：` labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...diagnostics import finding
from ..blocks import Block
from ..text import CARD_SEPARATOR, HEADING_NUMBER, QUESTION_LABEL, as_int, line_span
from . import Reading, Section
from .asking import continues_run, is_question_heading
from .split import Card, split
from .starts import View, block_asks, is_section_line, run_facts, start_kind

NAME = "numbered"
TITLE = "numbered questions"
# the rule each kind of card start stands for, as `Card.rule` names it
KINDS = {"item": "numbered", "term": "numbered", "pseudo": "numbered", "sub": "numbered", "plain": "numbered",
         "bullet": "numbered",
         "label": "labels", "heading": "headings"}


@dataclass
class _Part:
    """Part of a chapter under one sub-heading (or the chapter's own start): text outside cards."""

    heading: Block | None
    title: str
    loose: list[Block] = field(default_factory=list)
    cards: int = 0


def read(section: Section) -> Reading:
    """Every card of the section, its text outside the cards as notes, and the readings chosen."""
    view, first = section.view, section.at
    end = first + len(section.blocks)
    run = run_facts(view, first, end)
    cards, parts, notes = _walk(view, first, end, run)
    kept, findings = _outside(view, parts, section.location)
    made = []
    for card in cards:
        cut = split(view.lines, card)
        notes += cut.notes
        number = "" if run.all_ones and card.kind == "item" else card.number
        made.append({"rule": KINDS.get(card.kind, NAME), "number": number, "question": cut.question,
                     "answer": cut.answer, "line": card.start.start, "section": card.section})
    loose = [(p.loose[0].start, max(b.end for b in p.loose)) for p in parts if p.loose]
    return Reading(NAME, 0.5, made, loose, notes, kept=kept, findings=findings)


def _walk(view: View, first: int, end: int, run) -> tuple[list[Card], list[_Part], list]:
    """The cards of blocks[first:end], the parts of the chapter with their loose blocks, and notes."""
    cards: list[Card] = []
    notes: list[tuple[int, str, str]] = []
    current: Card | None = None
    parts = [_Part(None, "")]
    step = 0  # the last number of the numbered steps inside the current answer, if any
    for i in range(first, end):
        block = view.blocks[i]
        part = parts[-1]
        if block.kind == "heading" and current is not None and current.kind == "heading" \
                and block.level > current.start.level and not block_asks(view, block):
            current.following.append(block)  # a sub-heading inside a heading card's answer
            continue
        continues = block.kind == "heading" and continues_run(view, block, cards, i, end)
        if continues:
            notes.append((block.start, f"heading `{block.text}` is read as question "
                          f"{cards[-1].number and as_int(cards[-1].number) + 1}, since its number "
                          "follows the questions before it", "to make it a section of notes, "
                          "take the number out of the heading"))
        if block.kind == "heading" and (continues or is_question_heading(view, i, end)):
            # `### 3. …` or `### 问题 3：…`: the number written in the heading
            match = HEADING_NUMBER.match(block.text)
            number = match["number"] if match else ""
            if not number and (label := QUESTION_LABEL.match(block.text)):
                number = label["number"] or label["number2"] or ""
            current = Card("heading", block, number, part.title)
            cards.append(current)
            part.cards += 1
            continue
        if block.kind == "heading" or is_section_line(view, block):
            title = block.text if block.kind == "heading" else view.lines[block.start].strip()
            parts.append(_Part(block, title))
            current = None
            continue
        if block.kind == CARD_SEPARATOR:
            continue
        if step and block.kind == "item" and block.ordered and as_int(block.number) == step + 1 \
                and not block_asks(view, block):
            step += 1
            current.following.append(block)
            continue
        start = start_kind(view, block, current, cards, run, part.title)
        if start == "steps":
            step = 1
            current.following.append(block)
        elif start is not None:
            step = 0
            kind, number = start
            if kind == "term" and not any(card.kind == "term" and card.section == part.title for card in cards):
                notes.append((block.start, f"the items of `{part.title}` are read as terms, each defined "
                              "after its colon", "to keep them as notes, name the section otherwise"))
            current = Card(kind, block, number, part.title)
            cards.append(current)
            part.cards += 1
        elif current is not None:
            current.following.append(block)
        else:
            part.loose.append(block)
    return cards, parts, notes


def _outside(view: View, parts: list[_Part], location) -> tuple[list[tuple[int, str]], list]:
    """Text of a chapter outside its cards: the lines kept as the chapter's notes, and findings."""
    kept: list[tuple[int, str]] = []
    findings = []
    if "rules" not in view.memo:  # once for the file, not per chapter
        view.memo["rules"] = {n for b in view.blocks if b.kind == CARD_SEPARATOR for n in range(b.start, b.end)}
    rules = view.memo["rules"]
    for part in parts:
        if part.heading is not None and not part.loose and not part.cards:
            heading = part.heading
            findings.append(finding(
                "SG203", f"section `{part.title}` is empty ({line_span(heading.start + 1, heading.end)}); "
                "it is not printed", location(heading.start)))
            continue
        if not part.loose:
            continue
        blocks = list(part.loose)
        if part.heading is not None and not part.cards:
            blocks.insert(0, part.heading)
        first, last = blocks[0].start, max(b.end for b in blocks)
        separators = {n for n in rules if first <= n < last}
        if kept:
            kept.append((first, ""))
        kept += [(n, view.lines[n]) for n in range(first, last) if n not in separators]
        where = line_span(first + 1, last)
        if part.heading is None:
            message = f"text before the first question ({where}) is shown as the chapter's notes"
            findings.append(finding("SG204", message, location(first)))
        elif part.cards:
            message = (f"text before the first question of `{part.title}` ({where}) is shown as "
                       "the chapter's notes")
            findings.append(finding("SG204", message, location(first)))
        else:
            message = (f"section `{part.title}` holds no questions and answers ({where}); it is "
                       "shown as the chapter's notes")
            findings.append(finding("SG203", message, location(first)))
    while kept and not kept[-1][1].strip():
        kept.pop()
    return kept, findings
