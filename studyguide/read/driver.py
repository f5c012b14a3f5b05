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

from collections import Counter
import re

from ..diagnostics import finding
from ..model import Diagnostic
from .rules import Reading, Section, choice, cloze, details, headings, labels, separator, table, truefalse
from .rules.mend import mend
from .text import ANSWER_LABEL, line_span, strip_label

RULES = {"cloze": cloze.read, "separator": separator.read, "table": table.read,
         "truefalse": truefalse.read, "headings": headings.read, "labels": labels.read}
AUTO = ("cloze", "separator", "table", "truefalse", "headings")
_CLASSIC = {"item": "numbered", "pseudo": "numbered", "sub": "numbered", "plain": "numbered", "bullet": "numbered",
            "label": "labels", "heading": "headings"}


def fill(reader, draft, first: int, end: int) -> list[Diagnostic]:
    """Cards and notes of blocks[first:end] into the draft; returns findings."""
    declared = reader.format
    section = Section(reader.lines, reader.blocks[first:end], reader.language, reader.markers,
                      declared=declared != "auto", location=reader.location)
    findings = reader._fill_numbered(draft, first, end)
    inside, reader.choices = reader.choices, []
    classic = [_from_classic(raw) for raw in draft.cards]
    reading, notes = None, []
    if declared in RULES:
        reading = RULES[declared](section)
        if reading is None and section.blocks:
            notes.append(finding("SG205", f"`format: {declared}` finds no cards in "
                                 f"{line_span(section.first + 1, section.end)}; it is read as numbered "
                                 "questions", reader.location(section.first),
                                 "check the format's markers, or write `format: auto`"))
    elif declared == "auto" and section.blocks:
        reading, notes = _choose(section, classic, reader)
    if reading is None:
        cards, rule = classic, None
        few = declared == "auto" and 0 < len(cards) <= 2 and section.end - section.first > 60
        if few and (hint := suggestion(reader.lines[section.first:section.end])):
            notes.append(finding("SG205", f"only {len(cards)} questions found in "
                                 f"{line_span(section.first + 1, section.end)}", reader.location(section.first), hint))
        notes += [finding("SG205", message, reader.location(line), hint) for line, message, hint in inside + mend(cards)]
    else:
        draft.notes.clear()
        findings = _loose(reading, section, reader)
        draft.notes += [(n, reader.lines[n]) for a, z in reading.loose for n in range(a, z)]
        cards, rule = reading.cards, reading.rule
        notes += [finding("SG205", message, reader.location(line), hint) for line, message, hint in reading.notes]
    for made in cards:
        if made["rule"] == "numbered":
            truefalse.convert(made, reader.language)
        details.unwrap(made)
        if made["rule"] == "numbered" and choice.recognise(made) or declared == "choice":
            made["answer"] = _unlabel(made["answer"])
            made["rule"] = choice.NAME
    draft.cards = cards
    draft.readers += list(dict.fromkeys(made["rule"] for made in cards)) or [rule or "numbered"]
    return findings + notes


def _choose(section: Section, classic: list[dict], reader) -> tuple[Reading | None, list[Diagnostic]]:
    readings = [reading for name in AUTO if (reading := RULES[name](section)) is not None]
    if not readings:
        return None, []
    best = max(readings, key=lambda r: (r.sure, len(r.cards)))
    count = len(classic)
    from_headings = all(made["rule"] == "headings" for made in classic)
    takes = (best.sure >= 0.8 and len(best.cards) >= count) or count == 0 or (
        best.rule == "headings" and from_headings and len(best.cards) > count)
    where = reader.location(section.first)
    span = line_span(section.first + 1, section.end)
    if takes:
        if count or best.sure < 0.8:
            other = (f"the numbered-question reading gives {count} cards" if count
                     else "read otherwise, they are notes")
            return best, [finding("SG205", f"{span} read as {_NAMES[best.rule]} ({len(best.cards)} cards); "
                                  f"{other}", where, "to read them otherwise, write `format: numbered` "
                                  "in the file's front matter")]
        return best, []
    if best.sure >= 0.6 and count:
        return None, [finding("SG205", f"{span} read as numbered questions ({count} cards); read as "
                              f"{_NAMES[best.rule]} they give {len(best.cards)}", where,
                              f"to read them so, write `format: {best.rule}` in the file's front matter")]
    return None, []


_NAMES = {"table": "a question | answer table", "separator": "note-app flashcards (`q::a`, `?`)",
          "cloze": "cloze deletions", "truefalse": "true/false statements",
          "headings": "questions in headings, the text under each its answer", "labels": "labelled questions"}


def _from_classic(raw: dict) -> dict:
    split = raw["split"]
    return {"rule": _CLASSIC.get(raw["kind"], "numbered"), "number": raw["number"], "question": split.question,
            "answer": split.answer, "line": raw["line"], "section": raw["section"]}


def _unlabel(answer: list[tuple[int, str]]) -> list[tuple[int, str]]:
    if answer:
        text, _ = strip_label(answer[0][1].lstrip(), ANSWER_LABEL)
        answer = [(answer[0][0], text)] + answer[1:]
    return answer


def _loose(reading: Reading, section: Section, reader) -> list[Diagnostic]:
    return [finding("SG204", f"text outside the cards ({line_span(a + 1, z)}) is shown as the chapter's notes",
                    reader.location(a)) for a, z in reading.loose]


_PREFIX = re.compile(r"^\s*(?P<marker>(?:\*\*|__)[^*_\s]{1,12}?(?:\*\*|__)\s*[:：.]?|【[^】]{1,8}】|"
                     r"[^\s:：]{1,10}[:：])")


def suggestion(lines: list[str]) -> str:
    """The declaration that would read a file whose questions `auto` did not find: the two line
    prefixes seen most often, as front matter to paste."""
    seen = Counter(m["marker"].strip() for line in lines if (m := _PREFIX.match(line)))
    common = [marker for marker, n in seen.most_common(2) if n >= 2]
    if len(common) < 2:
        return ""
    question, answer = sorted(common, key=lambda marker: next(k for k, line in enumerate(lines)
                                                             if line.lstrip().startswith(marker)))
    return (f"if `{question}` starts each question and `{answer}` each answer, write in the front matter: "
            f"`format: labels` and `markers: {{question: \"{question}\", answer: \"{answer}\"}}`")
