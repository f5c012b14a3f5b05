"""The reading driver: runs the rules over one chapter's blocks and keeps one reading.

A declared format (front matter `format:` or the `[read]` settings) names the rule. Under
`auto`, every rule reads the section; a rule sure of its form (a question | answer table,
`{{c1::…}}`, `q::a` under a `#flashcards` tag, a run of true/false statements) takes the section
when it finds at least as many cards as the classic reader of numbered questions; a less sure one
(headings without question marks) only when the classic reader finds none, or fewer from the same
headings. Whenever two readings were possible, a note (SG205) says which was kept and how to ask
for the other.
"""

from __future__ import annotations

import dataclasses

from ..diagnostics import finding
from ..model import Diagnostic
from .rules import Reading, Section, cloze, details, headings, labels, numbered, separator, table, truefalse
from .rules.finish import finish
from .rules.labels import suggestion
from .rules.mend import mend
from .settings import Markers
from .text import line_span

RULES = {rule.NAME: rule for rule in (cloze, separator, table, truefalse, headings, labels, details)}
AUTO = ("cloze", "separator", "table", "truefalse", "headings", "details")  # the first of equals is kept


def fill(reader, draft, first: int, end: int) -> list[Diagnostic]:
    """Cards and notes of blocks[first:end] into the draft; returns findings.

    When two rules each find cards in the chapter (a table of terms, then numbered questions), each
    part under its own sub-heading is read on its own."""
    spent = reader.cloze_spent
    findings, mixed = _fill(reader, draft, first, end)
    parts = _parts(reader.blocks, first, end)
    if not mixed or len(parts) < 2:
        return findings
    reader.cloze_spent = spent  # the parts' readings count instead of the whole chapter's
    draft.cards, draft.notes, draft.readers, findings = [], [], [], []
    for a, b in parts:
        part = dataclasses.replace(draft, cards=[], notes=[], readers=[])
        findings += _fill(reader, part, a, b)[0]
        draft.cards += part.cards
        draft.notes += ([(part.notes[0][0], "")] if draft.notes and part.notes else []) + part.notes
        draft.readers += part.readers
    return findings


def _parts(blocks, first: int, end: int) -> list[tuple[int, int]]:
    """blocks[first:end] cut before each of its shallowest headings."""
    levels = [b.level for b in blocks[first:end] if b.kind == "heading"]
    cuts = [i for i in range(first, end) if blocks[i].kind == "heading" and blocks[i].level == min(levels, default=0)]
    bounds = sorted({first, *cuts, end})
    return list(zip(bounds, bounds[1:]))


def _fill(reader, draft, first: int, end: int) -> tuple[list[Diagnostic], bool]:
    declared = reader.format
    section = Section(reader.lines, reader.blocks[first:end], reader.language, reader.markers,
                      declared=declared != "auto", location=reader.location, view=reader.view, at=first,
                      room=cloze.MAX_PER_FILE - reader.cloze_spent)
    classic = numbered.read(section)
    reading, notes, mixed = None, [], False
    if declared == "labels" and section.markers == Markers():
        pass  # `Q:`/`答：` labels without markers named: the numbered rule reads them
    elif declared in RULES:
        reading = RULES[declared].read(section)
        if reading is None and section.blocks:
            notes.append(finding("SG205", f"`format: {declared}` finds no cards in "
                                 f"{line_span(section.first + 1, section.end)}; it is read as numbered "
                                 "questions", reader.location(section.first),
                                 "check the format's markers, or write `format: auto`"))
    elif declared == "auto" and section.blocks:
        reading, notes, mixed = _choose(section, classic.cards, reader)
    if reading is None and declared == "auto" and not classic.cards and section.blocks:
        reading = labels.guessed(section)  # `Question 1:` … `Answer:`: the markers seen most
    if reading is None:
        reading, count = classic, len(classic.cards)
        if declared == "auto" and 0 < count <= 2 and section.end - section.first > 60 and \
                (hint := suggestion(reader.lines[section.first:section.end])):
            notes.append(finding("SG205", f"only {count} questions found in "
                                 f"{line_span(section.first + 1, section.end)}", reader.location(section.first), hint))
        reading.notes += mend(reading.cards)
    findings, draft.notes = reading.outside(section)
    if reading.rule == cloze.NAME:
        reader.cloze_spent += reading.cost
    notes += [finding("SG205", message, reader.location(line), hint) for line, message, hint in reading.notes]
    finish(reading.cards, reader.language, declared)
    draft.cards = reading.cards
    draft.readers += list(dict.fromkeys(made["rule"] for made in reading.cards)) or [reading.rule]
    return findings + notes, mixed


def _choose(section: Section, classic: list[dict], reader) -> tuple[Reading | None, list[Diagnostic], bool]:
    """The reading kept, its notes, and whether another rule found cards too."""
    readings = [reading for name in AUTO if (reading := RULES[name].read(section)) is not None]
    if (key := labels.keyed(section)) is not None:
        readings.append(key)
    if not readings:
        return None, [], False
    # a rule's cards count with those it refused to make (too many to a paragraph): an error then
    # says so, rather than another reading taking the text in
    best = max(readings, key=lambda r: (r.sure, len(r.cards) + r.refused))
    count = len(classic)
    from_headings = all(made["rule"] == "headings" for made in classic)
    # questions without a single answer (a list of open questions at the end) lose to any reading
    # whose cards have answers
    unanswered = all(not made["answer"] for made in classic)
    takes = (best.sure >= 0.8 and len(best.cards) + best.refused >= count) or count == 0 or (
        best.rule == "headings" and (from_headings or unanswered) and len(best.cards) > count)
    where = reader.location(section.first)
    span = line_span(section.first + 1, section.end)
    title = RULES[best.rule].TITLE
    # a table or cards of another form beside numbered questions: each part is read on its own
    mixed = bool(count) and best.rule not in ("headings", "labels")  # a key belongs with its questions
    if takes and (count or best.sure < 0.8):
        other = f"the numbered-question reading gives {count} cards" if count else "read otherwise, they are notes"
        return best, [finding("SG205", f"{span} read as {title} ({len(best.cards)} cards); {other}", where,
                              "to read them otherwise, write `format: numbered` in the file's front matter")], mixed
    if takes:
        return best, [], False
    # the same questions over as many `<details>` answers is one reading, not two
    if best.sure >= 0.6 and count and (best.rule not in ("headings", "details") or len(best.cards) != count):
        return None, [finding("SG205", f"{span} read as numbered questions ({count} cards); read as {title} they "
                              f"give {len(best.cards)}", where,
                              f"to read them so, write `format: {best.rule}` in the file's front matter")], mixed
    return None, [], False
