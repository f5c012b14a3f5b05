"""Headings that are the questions, with the text under each heading as its answer.

A section is read so when its sub-headings each have text under them and no numbered questions
sit among them, or when they form a series (`## Q5 …`, `### 问题 3`) or ask and command
(`## Explain named slots`). A heading with nothing under it stays a heading.
"""

from __future__ import annotations

import dataclasses
import re

from ..text import ANSWER_LABEL, strip_answer_label, strip_label, trim
from . import Reading, Section, card, loose_ranges

NAME = "headings"
TITLE = "questions in headings, the text under each its answer"  # how notes name the rule
SERIES = re.compile(r"^(?:\*\*|__)?(?:Q|问题|题目|问|Question)\s*(?P<number>\d{1,4})\s*[:：.．、)）-]?\s*",
                    re.IGNORECASE)
_NUMBERED = re.compile(r"^(?P<number>\d{1,3})\s*[.．、)）]\s*(?!\d)")
# a sentence that commands (`Explain …`, `请举例说明`): it asks as a question does
COMMAND = re.compile(r"^\s*(?:\*\*|__)?(?:(?:explain|describe|define|compare|contrast|list|name|give|show|write|"
                     r"implement|discuss|outline|summari[sz]e|justify|illustrate)\b|简述|解释|说明|比较|列举|举例|描述|"
                     r"论述|分析|谈谈|请)", re.IGNORECASE)
_ASKING = re.compile(r"^(?:\*\*|__)?(?:how|what|why|when|where|which|who|can|does|is|are|should|"
                     r"什么|如何|为什么|为何|怎么|怎样|哪)\b", re.IGNORECASE)


_BOLD = 7  # the level of a bold question paragraph: under every heading
_BOLD_QUESTION = re.compile(r"^(\*\*|__)(?!\s*\d)[^*_]+[？?]\1$")  # `**1. …？**` is the numbered rule's


# a heading all in bold (`### **性能调优**`): a topic set apart as a question is, in study notes
_TOPIC = re.compile(r"^(\*\*|__)[^*_]+\1$")


def looks_like_question(text: str) -> bool:
    """A heading that reads as a question even without `?`: a numbered series, a command, a bold topic."""
    return bool(SERIES.match(text) or COMMAND.match(text) or _ASKING.match(text) or _TOPIC.match(text)
                or re.search(r"[？?]", text))


def read(section: Section) -> Reading | None:
    # a paragraph that is one bold question (`**What is HTML?**`) heads its answer as a heading does
    headings = sorted([b for b in section.blocks if b.kind == "heading"] +
                      [dataclasses.replace(b, kind="heading", level=_BOLD) for b in section.blocks
                       if b.kind == "paragraph" and b.end - b.start == 1 and _BOLD_QUESTION.match(b.text)],
                      key=lambda b: b.start)
    if not headings:
        return None
    level = _level(headings)
    tops = [b for b in headings if b.level == level]
    reading = Reading(NAME, 0.0)
    used: set[int] = set()
    questions = 0
    # after a numbered series (`## 1. What is REST`), an unnumbered heading (`## Summary`) is notes
    series = sum(bool(_NUMBERED.match(b.text) or SERIES.match(b.text)) for b in tops) >= 2

    def asks(heading) -> bool:
        return looks_like_question(heading.text) or series and bool(_NUMBERED.match(heading.text))

    # among headings that ask or command, one that does neither (`## 小结`) is a section of notes
    some_ask = any(asks(b) for b in tops)
    for k, heading in enumerate(tops):
        end = next((b.start for b in headings if b.start > heading.start and b.level <= level), section.end)
        body = [(n, section.lines[n]) for n in range(heading.end, end)]
        if not any(text.strip() for _, text in body) or (some_ask and not asks(heading)):
            continue
        questions += asks(heading)
        text, number = heading.text, ""
        if match := SERIES.match(text) or _NUMBERED.match(text):
            number, text = match["number"], text[match.end():] or text
        question = [(heading.start, text)]
        if match and not heading.text[match.end():].strip() and (asked := _asked(body)):
            question, body = asked  # `### 问题 1` only numbers the question written under it
        parent = [b.text for b in headings if b.start < heading.start and b.level < min(level, _BOLD)]
        reading.cards.append(card(NAME, number, question, body, parent[-1] if parent else ""))
        used.update(range(heading.start, end))
    if not reading.cards:
        return None
    # every heading with text under it, and most of them read as questions: surely questions
    reading.sure = 0.7 if questions * 2 >= len(reading.cards) else 0.5
    reading.loose = loose_ranges(section, used, reading.cards)
    return reading


def _level(headings) -> int:
    """The level of the headings that are the questions: the shallowest, unless those do not ask
    and the ones under them form a series (`## 一、进程` over `### 问题 1`, `### 问题 2`, or `### 1. …`)."""
    levels = sorted({b.level for b in headings})
    for level in levels[1:]:
        if any(looks_like_question(b.text) for b in headings if b.level < level):
            break
        series = [b for b in headings if b.level == level]
        if level == _BOLD or len(series) >= 2 and all(SERIES.match(b.text) or _NUMBERED.match(b.text) for b in series):
            return level
    return levels[0]


def _asked(body):
    """(question, answer) of the text under a heading that is only a label and a number: the
    first paragraph (or all up to a `答：` label) is the question, and the rest the answer."""
    lines = trim(body)
    if not lines:
        return None
    end = next((k for k, (_, text) in enumerate(lines) if not text.strip()), len(lines))
    label = next((k for k, (_, text) in enumerate(lines) if strip_label(text.lstrip(), ANSWER_LABEL)[1]), None)
    if label is not None:  # the question, with any code or figure it shows, goes on up to the label
        end = label
    question, answer = lines[:end], lines[end:]
    if not answer or not any(text.strip() for _, text in answer) or not question:
        return None
    return question, strip_answer_label(answer)
