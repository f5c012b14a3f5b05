"""`<details>` blocks. `<details><summary>答案</summary> … </details>` under a question: the
block's content is the answer, and the wrapper is markup (`unwrap`, applied to the cards any rule
made). `<details><summary>What is hoisting?</summary> … </details>`: a summary that is not an
answer word is the question, and the block's content its answer (`read`, one card per block);
a question over a block whose summary only says `答案` may be a bold paragraph or a heading.
"""

from __future__ import annotations

import re

from ..text import trim
from . import Reading, Section, card, loose_ranges

NAME = "details"
TITLE = "folded `<details>` blocks, each summary or the text above it a question"
_OPEN = re.compile(r"^\s*<details(?:\s[^>]*)?>\s*(?:<summary>.*?</summary>)?\s*", re.IGNORECASE)
_SUMMARY = re.compile(r"^\s*<summary>.*?</summary>\s*", re.IGNORECASE)
CLOSE = re.compile(r"\s*</details>\s*$", re.IGNORECASE)
_PARAGRAPH = re.compile(r"^\s*</?p>\s*$", re.IGNORECASE)  # `<p>` lines some collections wrap answers in
_LABEL_HEADING = re.compile(r"^\s*#{1,6}\s+(?=(?:answer|答案|参考答案|解答)\b)", re.IGNORECASE)


def holds(lines) -> bool:
    return any(_OPEN.match(text) for _, text in lines)


def unwrap(made: dict) -> bool:
    """Take the `<details>` wrapper out of a card; the question's own text before it stays."""
    question, answer = made["question"], made["answer"]
    at = next((k for k, (_, text) in enumerate(question) if _OPEN.match(text)), None)
    if at is not None:  # the wrapper was read into the question: what follows it is the answer
        question, answer = question[:at], question[at:] + answer
    if not holds(answer):
        return False
    at = next(k for k, (_, text) in enumerate(answer) if _OPEN.match(text))
    question, answer = question + answer[:at], answer[at:]  # code and options before it ask
    while question and not question[-1][1].strip():
        question = question[:-1]
    out = []
    for n, text in answer:
        if _OPEN.match(text):
            text = _OPEN.sub("", text)
        elif _SUMMARY.match(text):
            text = _SUMMARY.sub("", text)
        text = _LABEL_HEADING.sub("", _PARAGRAPH.sub("", CLOSE.sub("", text)))
        out.append((n, text))
    while out and not out[0][1].strip():
        out.pop(0)
    while out and not out[-1][1].strip():
        out.pop()
    made["question"], made["answer"] = question, out
    return True


_SUMMARY_TEXT = re.compile(r"<summary>(?P<text>.*?)</summary>", re.IGNORECASE)
# a summary that only tells the reader to unfold the answer: the question is above the block
_ANSWER_WORD = re.compile(r"^\W*(?:参考答案|答案|解答|解析|答|查看答案|显示答案|展开答案?|点击(?:查看|展开)(?:答案|解析)?|"
                          r"(?:show|see|view|reveal|click(?: here)?(?: to (?:show|see|view|reveal))?)?\s*(?:the\s+)?"
                          r"(?:answers?|solutions?|explanation)|answer|solution|click(?: here)?|show|expand)\W*$",
                          re.IGNORECASE)
_TAGS = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}
_INLINE_TAG = re.compile(r"</?(b|strong|i|em|code)>", re.IGNORECASE)
_LABEL_ONLY = re.compile(r"^\W*(?:题目|问题|题干|question|problem)\W*$", re.IGNORECASE)
_NUMBER = re.compile(r"^(?:\*\*|__)?(?P<number>\d{1,3})\s*[.．、)）]\s*(?!\d)")


def summary_asks(summary: str) -> bool:
    """A summary that is the question itself, not a word such as `答案` or `Show answer`."""
    plain = _INLINE_TAG.sub("", summary).strip()
    return bool(plain) and not _ANSWER_WORD.match(plain)


def _markdown(summary: str) -> str:
    """`<b>Explain X.</b>` as `**Explain X.**`: a summary's inline tags as the Markdown they mean."""
    return _INLINE_TAG.sub(lambda m: _TAGS[m.group(1).lower()], summary).strip()


def read(section: Section) -> Reading | None:
    """One card per `<details>` block: its summary (or, when the summary is an answer word, the
    bold paragraph or heading right above it) the question, its content the answer."""
    outside = [n for n, _ in section.text_lines()]
    blocks = []
    n = 0
    while n < len(outside):
        at = outside[n]
        if _OPEN.match(section.lines[at]):
            close = next((k for k in outside[n:] if CLOSE.search(section.lines[k])), None)
            if close is None:
                return None
            blocks.append((at, close))
            n = outside.index(close) + 1
        else:
            n += 1
    if not blocks:
        return None
    headings = sorted((b for b in section.blocks if b.kind == "heading"), key=lambda b: b.start)
    reading = Reading(NAME, 0.9)
    used: set[int] = set()
    previous = section.first
    asking = 0
    for at, close in blocks:
        found = next(((k, m) for k in range(at, close + 1) if (m := _SUMMARY_TEXT.search(section.lines[k]))), None)
        summary = found[1]["text"] if found else ""
        body_from = found[0] + 1 if found else at + 1
        answer = [(k, section.lines[k]) for k in range(body_from, close)]
        last = CLOSE.sub("", section.lines[close])
        if close >= body_from and last.strip():
            answer.append((close, last))
        above = [h for h in headings if previous <= h.start < at]
        number, level = "", 7
        if summary_asks(summary):
            asking += 1
            question = [(found[0], _markdown(summary))]
            if match := _NUMBER.match(question[0][1]):
                number = match["number"]
                question = [(found[0], question[0][1][match.end():])]
        else:
            text = trim([(k, section.lines[k]) for k in range((above[-1].end if above else previous), at)])
            if text and any(b.kind == "item" and b.ordered and b.start <= text[0][0] < b.end for b in section.blocks):
                return None  # numbered questions with folded answers: the numbered rule reads them
            if text:
                question = text
            elif above:
                question, level = [(above[-1].start, above[-1].text)], above[-1].level
            else:
                return None
            if match := _NUMBER.match(question[0][1].lstrip()):
                number = match["number"]
                question = [(question[0][0], question[0][1].lstrip()[match.end():])] + question[1:]
        # a heading that only labels the question (`### 题目`) is markup, not the section's name
        parent = [h for h in headings if h.start < question[0][0] and h.level < level and not _LABEL_ONLY.match(h.text)]
        title = parent[-1].text if parent else ""
        made = card(NAME, number, question, answer, title)
        made["line"] = question[0][0]
        reading.cards.append(made)
        used.update(range(min(question[0][0], at), close + 1))
        previous = close + 1
    for part in {made["section"] for made in reading.cards}:
        cards = [made for made in reading.cards if made["section"] == part]
        if not all(made["number"] for made in cards):
            for made in cards:  # numbers on some questions of a part only: its cards are numbered in order
                made["number"] = ""
    if not asking:
        # the questions are bold paragraphs or headings over `答案` blocks: as sure as the headings
        # rule, which is kept when it reads as many cards
        reading.sure = 0.7
    # `---` between the blocks only separates them
    used.update(n for b in section.blocks if b.kind == "rule" for n in range(b.start, b.end))
    reading.loose = loose_ranges(section, used, reading.cards)
    return reading

