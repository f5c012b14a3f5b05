"""True/false statements: `1. **T** - statement`, `(F) statement`, `判断：statement （√）`.

The statement is the question; the answer is true or false in the guide's language, then any
explanation written under the statement.
"""

from __future__ import annotations

import re

from . import Reading, Section, card, loose_ranges, unlist

NAME = "truefalse"
TITLE = "true/false statements"  # how notes name the rule
_TRUE = {"t", "true", "对", "√", "✓", "✔", "正确", "是"}
_MARK = r"T|F|True|False|对|错|正确|错误|√|×|✓|✗|✔|✘"
_LEAD = re.compile(rf"^(?:判断题?\s*[:：]\s*)?(?:(?P<b>\*\*|__)(?P<m1>{_MARK})(?P=b)|[(（\[【](?P<m2>{_MARK})[)）\]】])"
                   r"\s*[-–—:：.、]?\s*(?=\S)", re.IGNORECASE)
_TAIL = re.compile(rf"\s*[(（\[【]\s*(?P<m>{_MARK})\s*[)）\]】]\s*[。.]?$", re.IGNORECASE)
_PREFIX = re.compile(r"^判断题?\s*[:：]\s*")
_NUMBER = re.compile(r"^(?P<n>\d{1,3})\s*[.．、)）]\s*")
WORDS = {"zh-CN": ("正确", "错误"), "en": ("True", "False")}


def statement(text: str) -> tuple[str, bool, str] | None:
    """(number, whether true, statement) of a true/false line, or None."""
    number, rest = unlist(text)
    if not number and (match := _NUMBER.match(rest)):
        number, rest = match["n"], rest[match.end():]
    if match := _LEAD.match(rest):
        mark = match["m1"] or match["m2"]
        return number, mark.lower() in _TRUE, rest[match.end():]
    if match := _TAIL.search(rest):
        return number, match["m"].lower() in _TRUE, _PREFIX.sub("", rest[:match.start()]).rstrip()
    return None


def convert(made: dict, language: str) -> bool:
    """A card of another rule whose question is a true/false statement: the verdict answers it."""
    if not made["question"]:
        return False
    found = statement(made["question"][0][1])
    if found is None:
        return False
    _, true, text = found
    yes, no = WORDS.get(language, WORDS["en"])
    n = made["question"][0][0]
    made["question"] = [(n, text)] + made["question"][1:]
    made["answer"] = [(n, yes if true else no)] + made["answer"]
    made["rule"] = NAME
    return True


def read(section: Section) -> Reading | None:
    reading = Reading(NAME, 0.9)
    yes, no = WORDS.get(section.language, WORDS["en"])
    used: set[int] = set()
    title = ""
    starts = 0
    current = None
    for block in section.blocks:
        if block.kind == "heading":
            title, current = block.text, None
            continue
        if block.kind in ("item", "paragraph"):
            starts += 1
        found = statement(section.lines[block.start]) if block.kind in ("item", "paragraph") else None
        if found is None and block.kind == "item":
            return None  # another kind of question among the statements: each card is read on its own
        if found is None:
            if current is not None and block.kind not in ("rule",):  # an explanation below it
                current["answer"] += [(n, section.lines[n]) for n in range(block.start, block.end)]
                used.update(range(block.start, block.end))
            continue
        number, true, text = found
        rest = [(n, section.lines[n].strip()) for n in range(block.start + 1, block.end)]
        current = card(NAME, number, [(block.start, text)], [(block.start, yes if true else no)] + rest, title)
        reading.cards.append(current)
        used.update(range(block.start, block.end))
    if not reading.cards or len(reading.cards) * 2 < starts:
        return None
    reading.loose = loose_ranges(section, used, reading.cards)
    return reading
