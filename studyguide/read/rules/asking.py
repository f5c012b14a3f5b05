"""Headings that are questions among numbered ones, for the numbered rule: `### 什么是张量？` over
its answer, `### 3. Define overfitting` beside headings that ask, and `### 4. 持久化` right after
question 3, going on with the questions.
"""

from __future__ import annotations

from ..blocks import Block
from ..text import HEADING_NUMBER, as_int
from .split import Card
from .starts import View, block_asks, label_start, pseudo_start


def is_question_heading(view: View, index: int, end: int) -> bool:
    """A sub-heading that asks (`### 什么是张量？`) and whose part holds no questions of its own.

    A numbered sub-heading that does not ask (`### 3. Define overfitting`) is a question too
    when the headings beside it ask.
    """
    blocks = view.blocks
    block = blocks[index]
    section_end = next((j for j in range(index + 1, end) if blocks[j].kind == "heading"
                        and blocks[j].level <= block.level), end)
    for inner in blocks[index + 1:section_end]:
        if inner.kind == "heading" and block_asks(view, inner):
            return False
        if inner.kind in ("item", "paragraph") and block_asks(view, inner) and (
                (inner.kind == "item" and inner.ordered) or label_start(view, inner) or pseudo_start(view, inner)):
            return False
    if block_asks(view, block):
        return True
    if not HEADING_NUMBER.match(block.text):
        return False
    asking, total = view.headings_asking[block.level]
    return asking * 2 >= total


def continues_run(view: View, block: Block, cards: list[Card], index: int, end: int) -> bool:
    """`### 4. 持久化` after question 3: a numbered heading that goes on with the questions,
    with text under it and no questions of its own."""
    match = HEADING_NUMBER.match(block.text)
    if not (match and cards and as_int(cards[-1].number) == int(match["number"]) - 1) \
            or is_question_heading(view, index, end):
        return False
    after = view.blocks[index + 1] if index + 1 < end else None
    return after is not None and after.kind != "heading" and not (after.kind == "item" and after.ordered)
