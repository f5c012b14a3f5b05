"""Headings that are the questions, with the text under each heading as its answer.

A section is read so when its sub-headings each have text under them and no numbered questions
sit among them, or when they form a series (`## Q5 …`, `### 问题 3`) or ask and command
(`## Explain named slots`). A heading with nothing under it stays a heading.
"""

from __future__ import annotations

import re

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


# a heading all in bold (`### **性能调优**`): a topic set apart as a question is, in study notes
_TOPIC = re.compile(r"^(\*\*|__)[^*_]+\1$")


def looks_like_question(text: str) -> bool:
    """A heading that reads as a question even without `?`: a numbered series, a command, a bold topic."""
    return bool(SERIES.match(text) or COMMAND.match(text) or _ASKING.match(text) or _TOPIC.match(text)
                or re.search(r"[？?]", text))


def read(section: Section) -> Reading | None:
    headings = [b for b in section.blocks if b.kind == "heading"]
    if not headings:
        return None
    level = min(b.level for b in headings)
    tops = [b for b in headings if b.level == level]
    reading = Reading(NAME, 0.0)
    used: set[int] = set()
    questions = 0
    # among headings that ask or command, one that does neither (`## 小结`) is a section of notes
    some_ask = any(looks_like_question(b.text) for b in tops)
    for k, heading in enumerate(tops):
        end = tops[k + 1].start if k + 1 < len(tops) else section.end
        body = [(n, section.lines[n]) for n in range(heading.end, end)]
        if not any(text.strip() for _, text in body) or (some_ask and not looks_like_question(heading.text)):
            continue
        questions += looks_like_question(heading.text)
        text, number = heading.text, ""
        if match := SERIES.match(text) or _NUMBERED.match(text):
            number, text = match["number"], text[match.end():] or text
        reading.cards.append(card(NAME, number, [(heading.start, text)], body))
        used.update(range(heading.start, end))
    if not reading.cards:
        return None
    # every heading with text under it, and most of them read as questions: surely questions
    reading.sure = 0.7 if questions * 2 >= len(reading.cards) else 0.5
    reading.loose = loose_ranges(section, used, reading.cards)
    return reading
