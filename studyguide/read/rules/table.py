"""Question | answer tables: two columns, one card per row.

The header may be empty or name the columns (问题 | 答案, Question | Answer, Term | Definition);
then the table is surely one of cards. Under any other header it is, when most rows' first
cells ask.
"""

from __future__ import annotations

import re

from . import Reading, Section, card, loose_ranges
from ..text import asks

NAME = "table"
TITLE = "a question | answer table"  # how notes name the rule
_HEADERS = {("", ""), ("问题", "答案"), ("问", "答"), ("题目", "答案"), ("问题", "回答"), ("问题", "解答"),
            ("题目", "解析"), ("术语", "定义"), ("名词", "解释"), ("概念", "解释"), ("概念", "定义"),
            ("question", "answer"), ("questions", "answers"), ("q", "a"), ("term", "definition"),
            ("front", "back"), ("prompt", "answer"), ("word", "meaning")}
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def cells(row: str) -> list[str]:
    """A table row's cells, `\\|` kept as a `|` inside a cell."""
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", row)]


def plain_header(names: list[str]) -> tuple[str, str]:
    return tuple(re.sub(r"[*_`:：\s]", "", name).lower() for name in names)  # type: ignore[return-value]


def holds_cards(lines: list[str]) -> bool:
    """Whether a table's lines are question | answer rows, as `read` takes them: a header that
    names the two columns, or questions in most rows."""
    rows = [cells(line) for line in lines]
    if len(rows) > 2 and all(len(c) == 3 for c in rows) and all(c[0].isdigit() for c in rows[2:]):
        rows = [c[1:] for c in rows]
    if len(rows) < 3 or any(len(c) != 2 for c in rows):
        return False
    body = rows[2:]
    return plain_header(rows[0]) in _HEADERS or sum(1 for q, _a in body if asks(q)) * 2 > len(body)


def read(section: Section) -> Reading | None:
    reading = Reading(NAME, 0.0)
    used: set[int] = set()
    title = ""
    headings = section.headings()
    sure = []
    for block in section.blocks:
        if block.kind == "heading":
            title = headings[block.start]
            continue
        if block.kind != "table":
            continue
        rows = [(n, cells(section.lines[n])) for n in range(block.start, block.end)]
        numbers = [""] * len(rows)
        if len(rows) > 2 and all(len(c) == 3 for _, c in rows) and all(c[0].isdigit() for _, c in rows[2:]):
            # `| # | Question | Answer |`: the first column numbers the cards
            numbers = [c[0] for _, c in rows]
            rows = [(n, c[1:]) for n, c in rows]
        if len(rows) < 3 or any(len(c) != 2 for _, c in rows):
            continue
        header, body = rows[0][1], rows[2:]
        known = plain_header(header) in _HEADERS
        asking = sum(1 for _, (q, _a) in body if asks(q))
        if not known and asking * 2 <= len(body):
            continue
        sure.append(0.9 if known else 0.6)
        # a header naming the columns is markup; any other header goes to the notes
        used.update(range(block.start if known else block.start + 1, block.end))
        for k, (n, (question, answer)) in enumerate(body):
            parts = _BREAK.split(answer)  # `<br>` in a cell: a line break (two spaces end the line)
            answer_lines = [(n, text.strip() + ("  " if k < len(parts) - 1 else "")) for k, text in enumerate(parts)]
            reading.cards.append(card(NAME, numbers[k + 2], [(n, question)], answer_lines, title))
    if not reading.cards:
        return None
    reading.sure = min(sure)
    reading.loose = loose_ranges(section, used, reading.cards)
    return reading
