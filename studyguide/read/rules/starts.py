"""What makes a block start a card, for the numbered rule: a numbered item that asks (`1. 问题？`),
a `Q:`/`问：` label, a numbered paragraph (`12.问题？`, `(3)`, `第 5 题`), a sub-question `3.1`, a
bullet list of questions, or a question line without a number after a card with an answer.

Functions of a read-only `View` of the file's lines and blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ..blocks import Block
from ..text import (ANSWER_LABEL, CLOSERS, IMAGE_LINE, POINTS_ONWARD, PSEUDO_NUMBER, QUESTION_LABEL, SECTION_LINE,
                    SUB_NUMBER, as_int, asks, is_question_line, pseudo_number)
from .split import TERM_LINE, Card, item_lines, split


@dataclass(frozen=True)
class View:
    """One file's lines and top-level blocks, as the rules read them: never changed."""

    lines: list[str]
    blocks: list[Block]

    @cached_property
    def memo(self) -> dict:
        """What a rule works out once for the whole file, rather than once per section (a 1 MB file
        may hold hundreds of chapters)."""
        return {}

    @cached_property
    def marker_seconds(self) -> list[float]:
        """The time the guide's own marker expressions have run on this file: one allowance for all
        its sections (a list, so the rules can add to it)."""
        return [0.0]

    @cached_property
    def headings_asking(self) -> dict[int, tuple[int, int]]:
        """Per heading level: how many headings ask, of how many."""
        counts = {level: (0, 0) for level in range(1, 7)}
        for block in self.blocks:
            if block.kind == "heading":
                asking, total = counts[block.level]
                counts[block.level] = (asking + block_asks(self, block), total + 1)
        return counts


@dataclass(frozen=True)
class Run:
    """What a whole chapter says about how its questions are written."""

    all_ones: bool  # every numbered question is `1.`
    bullets: bool  # the questions are a bullet list


def first_text(view: View, block: Block) -> str:
    """The first line of a block's own text: without a list marker, label or number."""
    if block.kind == "item":
        return item_lines(view.lines, block)[1][0][1]
    if block.kind == "heading":
        return block.text
    return view.lines[block.start].strip()


def first_paragraph(view: View, block: Block) -> str:
    if block.kind == "item":
        lines = item_lines(view.lines, block)[1]
    elif block.kind == "heading":
        return block.text
    else:
        lines = [(n, view.lines[n]) for n in range(block.start, block.end)]
    texts = []
    for _, text in lines:
        if not text.strip():
            break
        texts.append(text)
    return "\n".join(texts)


def block_asks(view: View, block: Block) -> bool:
    """Whether a block reads as a question: a question mark, or a `Q:`/`答：` label."""
    if block.kind not in ("item", "paragraph", "heading"):
        return False
    if QUESTION_LABEL.match(first_text(view, block).lstrip()):
        return True
    paragraph = first_paragraph(view, block)
    if asks(paragraph):
        return True
    return any(ANSWER_LABEL.match(line.lstrip()) for line in paragraph.split("\n")[1:])


def is_section_line(view: View, block: Block) -> bool:
    """A one-line paragraph naming a part of the chapter (`一、选择题`), asking nothing."""
    return (block.kind == "paragraph" and block.end - block.start == 1
            and bool(SECTION_LINE.match(view.lines[block.start].strip()))
            and not asks(view.lines[block.start]))


def run_facts(view: View, first: int, end: int) -> Run:
    blocks = view.blocks[first:end]
    items = [b for b in blocks if b.kind == "item"]
    asking = [b for b in items if b.ordered and block_asks(view, b)]
    # `1.` `1.` `1.` within one part of the chapter; parts that each start at 1 are not that
    parts = [b.start for b in blocks if b.kind == "heading" or is_section_line(view, b)]
    per_part = [sum(1 for b in asking if a <= b.start < z) for a, z in zip([-1] + parts, parts + [10 ** 9])]
    all_ones = max(per_part, default=0) > 1 and all(b.number == "1" for b in asking)
    bullets = False
    if items and not any(b.ordered for b in items):
        bullets = sum(1 for b in items if block_asks(view, b)) * 2 >= len(items)
    return Run(all_ones, bullets)


def label_start(view: View, block: Block) -> bool:
    """A paragraph labelled as a question (`Q:`, `问：`, `【问题】`) with a question after the label:
    a label alone, such as `问2、` at the end of a file, asks nothing and starts no card."""
    if block.kind != "paragraph":
        return False
    first = view.lines[block.start].lstrip()
    match = QUESTION_LABEL.match(first)
    if not match:
        return False
    return bool(first[match.end():].strip()) or block.end - block.start > 1


def second_part(view: View, block: Block) -> Block | None:
    """`**Look at the form below:**`, a figure or code, then `**Which layout was used?**`: the
    paragraph that asks, when the block is such a lead-in; the three make one question."""
    text = "\n".join(view.lines[block.start:block.end])
    if block.kind not in ("paragraph", "item") or not (
            text.rstrip().rstrip(CLOSERS).endswith((":", "：")) or POINTS_ONWARD.search(text)):
        return None
    blocks = view.blocks
    i = blocks.index(block) + 1
    first = i
    while i < len(blocks) and (blocks[i].kind == "code" or blocks[i].kind == "paragraph" and all(
            IMAGE_LINE.match(line) for line in view.lines[blocks[i].start:blocks[i].end])):
        i += 1
    if i == first or i >= len(blocks) or blocks[i].kind != "paragraph":
        return None
    asking = blocks[i]
    return asking if asking.end - asking.start == 1 and is_question_line(view.lines[asking.start]) else None


def pseudo_start(view: View, block: Block) -> str | None:
    """The number of a `12.问题？` paragraph, or None."""
    if block.kind != "paragraph":
        return None
    match = PSEUDO_NUMBER.match(view.lines[block.start].lstrip())
    if match and (block_asks(view, block) or second_part(view, block) is not None):
        return pseudo_number(match)
    return None


def answered_below(view: View, block: Block) -> bool:
    """`1、计算 2 的 10 次方。` then `答：1024。`: a numbered task whose answer is labelled, a few
    blocks below at most (the task may go on in paragraphs of its own first), with no question
    or heading between."""
    blocks = view.blocks
    i = blocks.index(block) + 1
    for later in blocks[i:i + 6]:
        if later.kind == "paragraph" and ANSWER_LABEL.match(view.lines[later.start].lstrip()):
            return True
        if later.kind == "heading" or later.kind == "item" and later.ordered or block_asks(view, later):
            return False
    return False


# A part of the chapter that defines terms (`一、名词解释`), and an item of it: `术语：定义`
TERMS_PART = re.compile(r"名词解释|术语解释|概念解释|\b(?:glossary|definitions|key terms)\b", re.IGNORECASE)


def start_kind(view: View, block: Block, current: Card | None, cards: list[Card],
               run: Run, part: str = "") -> tuple[str, str] | str | None:
    """How a block starts a card: ("item", "3"), ("label", ""), ...; "steps"; or None."""
    line = view.lines[block.start]
    previous = as_int(cards[-1].number) if cards else None
    if block.kind == "item" and block.ordered and TERMS_PART.search(part) and not block_asks(view, block) \
            and TERM_LINE.match(first_text(view, block)):
        return "term", block.number
    if block.kind == "item" and block.ordered:
        if current is not None and not any(text.strip() for _, text in item_lines(view.lines, block)[1]):
            return None  # `1972.` alone on a line: a number CommonMark takes for a list, the answer's text
        if block_asks(view, block):
            return "item", block.number
        if current is not None and current.kind == "heading":
            return None  # numbered steps in the answer under a question heading
        # `1. 配置…` `2. 验证…` after question 3: the answer's own steps, not questions
        if current is not None and not run.all_ones and block.number == "1" and previous is not None \
                and previous >= 1:
            return "steps"
        if current is None and not list_reads_as_cards(view, block):
            return None  # a numbered list of points in prose, not questions
        return "item", block.number
    if block.kind == "item":
        if run.bullets and (current is None or current.kind != "heading"):
            return "bullet", ""
        label = QUESTION_LABEL.match(first_text(view, block))
        if label and "问题" not in label.group() and (current is None or current.kind != "heading"):
            return "bullet", ""  # `- Q: …` is a question wherever it stands (`- 问题：…` may list problems)
        return None
    if block.kind != "paragraph":
        return None
    if label_start(view, block):
        match = QUESTION_LABEL.match(line.lstrip())
        return "label", match["number"] or match["number2"] or ""
    sub = SUB_NUMBER.match(line.lstrip())
    if sub and cards and cards[-1].number.split(".")[0] == sub["major"] and block_asks(view, block):
        return "sub", f"{sub['major']}.{sub['minor']}"
    number = pseudo_start(view, block)
    if number is None and (match := PSEUDO_NUMBER.match(line.lstrip())) and previous is not None:
        # a numbered task that continues the run: `5.Print each item.`
        if as_int(pseudo_number(match)) == previous + 1 and current is not None and current.kind == "pseudo":
            number = pseudo_number(match)
    if number is None and (match := PSEUDO_NUMBER.match(line.lstrip())) and answered_below(view, block) \
            and (previous is None or as_int(pseudo_number(match)) == previous + 1):
        # `1、计算 2 的 10 次方。` + `答：1024。`: a task whose answer is labelled (`（1）…` inside
        # question 5 does not continue the numbers, so it stays part of question 5)
        number = pseudo_number(match)
    if number is not None:
        return "pseudo", number
    if current is not None and current.kind in ("item", "pseudo", "plain") \
            and second_part(view, current.start) is not block \
            and not line.startswith((" ", "\t")) \
            and (is_question_line(line) or second_part(view, block) is not None) \
            and not ANSWER_LABEL.match(line.lstrip()) \
            and has_answer(view, current):
        return "plain", ""
    return None


def list_reads_as_cards(view: View, block: Block) -> bool:
    """A numbered list none of whose items asks reads as tasks only if the items have answers.

    Most items must hold more than their first line; a list of one item may have its answer
    in the paragraphs after it (CommonMark ends the list there).
    """
    blocks = view.blocks
    items = [b for b in blocks if b.kind == "item" and b.list_id == block.list_id]
    if any(block_asks(view, b) for b in items):
        return True
    with_body = sum(1 for item in items if any(text.strip() for _, text in item_lines(view.lines, item)[1][1:]))
    if with_body * 2 > len(items):
        return True
    after = blocks.index(items[-1]) + 1
    return len(items) == 1 and after < len(blocks) \
        and blocks[after].kind in ("paragraph", "code", "table", "other") \
        and not is_section_line(view, blocks[after])


def has_answer(view: View, card: Card) -> bool:
    return bool(card.following) or any(text.strip() for _, text in split(view.lines, card).answer)
