"""Where a card's answer starts, for the numbered rule: in `1. 问题？` + answer, `问：…？答：…`,
`Q: …` + `A: …`, a question wrapped over lines, `问题？答案` on one line, a task and its answer.

Functions of the file's lines only. A card's own lines (its first block, without list marker,
number or label) and the lines that follow it are cut into question and answer; where a reading
was chosen between two, the split says so in its notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..blocks import Block
from ..text import (CLOSERS, HEADING_NUMBER, INLINE_ANSWER_LABEL, LIST_MARKER, POINTS_AT_TABLE, POINTS_ONWARD,
                    PSEUDO_NUMBER, QUESTION_LABEL, SENTENCE_END, SUB_NUMBER, answer_label_line, asks, dedent,
                    fence_end, figure_end, is_question_line, only_code, split_inline, strip_answer_label,
                    strip_code, strip_label, table_end, trim)
from .headings import COMMAND

Lines = list[tuple[int, str]]  # (0-based line in the file, text)


@dataclass
class Card:
    """A card being assembled: its first block and the blocks that follow it."""

    kind: str  # item | label | pseudo | sub | plain | heading | bullet
    start: Block
    number: str
    section: str
    following: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Split:
    question: Lines
    answer: Lines
    notes: tuple[tuple[int, str, str], ...] = ()  # (line, which reading, how to ask for the other)


def item_lines(lines: list[str], block: Block) -> tuple[int, Lines]:
    """A list item's lines without its marker and indentation, and the indentation width."""
    first = lines[block.start]
    match = LIST_MARKER.match(first)
    width = len(match.group())
    if len(match["space"]) > 4:  # `1.      code`: the content starts one space after the marker
        width = len(match["indent"]) + len(match["marker"]) + 1
    if not first[width:].strip():
        width = len(match["indent"]) + len(match["marker"]) + 1
    own = [(block.start, first[width:] if len(first) > width else "")]
    own += [(n, dedent(lines[n], width)) for n in range(block.start + 1, block.end)]
    return width, own


def split(lines: list[str], card: Card) -> Split:
    """A card's question and answer, trimmed, without the answer's label."""
    block = card.start
    indent = 0
    if card.kind in ("item", "bullet"):
        indent, own = item_lines(lines, block)
        text, _ = strip_label(own[0][1].lstrip(), QUESTION_LABEL)
        own[0] = (own[0][0], text)
    elif card.kind == "heading":
        text = block.text
        if card.number:
            text = HEADING_NUMBER.sub("", text, count=1)
        text, _ = strip_label(text, QUESTION_LABEL)
        own = [(block.start, text)]
    else:
        own = [(n, lines[n]) for n in range(block.start, block.end)]
        first = own[0][1].lstrip()
        if card.kind == "label":
            first, _ = strip_label(first, QUESTION_LABEL)
        elif card.kind == "sub":
            match = SUB_NUMBER.match(first)
            first = (match["lead"] or "") + first[match.end():]
        elif card.kind == "pseudo":
            match = PSEUDO_NUMBER.match(first)
            first = (match["lead"] or "") + first[match.end():]
            first, _ = strip_label(first, QUESTION_LABEL)
        own[0] = (own[0][0], first)
    following = following_lines(lines, card, indent)
    if card.kind == "heading":
        cut = Split(own, following)
    else:
        cut = split_lines(own, following, explicit=card.kind == "label", number=card.number)
    return Split(trim(cut.question), trim(strip_answer_label(cut.answer, card.number)), cut.notes)


def following_lines(lines: list[str], card: Card, indent: int) -> Lines:
    """The lines of the blocks after a card's first one, blank lines between them kept."""
    out: Lines = []
    last = card.start.end
    for block in card.following:
        out += [(n, "") for n in range(last, block.start)]
        # an indented block right after a list item belongs to the item, as its author meant
        width = indent if block.kind == "code" and lines[block.start].startswith((" ", "\t")) else 0
        out += [(n, dedent(lines[n], width)) for n in range(block.start, block.end)]
        last = block.end
    return out


def split_lines(own: Lines, following: Lines, explicit: bool = False, number: str = "") -> Split:
    """Question and answer from a card's own lines and everything after it; `number` is the
    card's, the one an `A4.` label may carry."""
    everything = own + following
    # the first paragraph of the card's own text
    end = next((k for k, (_, text) in enumerate(own) if not text.strip()), len(own))
    end = max(end, 1)
    paragraph, rest = own[:end], own[end:] + following
    texts = [text for _, text in paragraph]
    # 1. an answer label starting a later line: everything before it is the question, code
    #    blocks included (`问题：` ```code``` `答：…`). After a plain question line, only
    #    code may stand between it and the label: a later `答案：` is part of the answer.
    labelled = answer_label_line(everything, number)
    if labelled is not None and labelled > 0 and (
            explicit or labelled < len(paragraph) or not any(is_question_line(t) for t in texts)
            or only_code(everything[len(paragraph):labelled])):
        return Split(everything[:labelled], everything[labelled:])
    # `问：…？答：…` on one line
    match = INLINE_ANSWER_LABEL.search(strip_code(texts[0]))
    if match and match.end() < len(texts[0].rstrip()):
        n, cut = paragraph[0][0], match.start("label")
        return Split([(n, texts[0][:cut])], [(n, texts[0][cut:].lstrip())] + paragraph[1:] + rest)
    # 2. the first line is a question: so are the question lines right after it, as long
    #    as an answer follows them (else the next line is a question without a number,
    #    left in the answer for SG302 to report)
    if is_question_line(texts[0]):
        k = 1
        while k < len(texts) and is_question_line(texts[k]):
            k += 1
        if not any(text.strip() for _, text in paragraph[k:] + rest):
            k = 1
        return with_shown_code(paragraph[:k], paragraph[k:] + rest)
    # 3. a question wrapped over several lines, no sentence ending before its last line
    for k in range(1, len(texts)):
        if SENTENCE_END.search(strip_code(texts[k - 1])):
            break
        if is_question_line(texts[k]):
            return with_shown_code(paragraph[:k + 1], paragraph[k + 1:] + rest)
    # 4. `问题？答案`: the answer starts on the same line. Not when the line is a whole
    #    sentence and the paragraph goes on (`如何防止过拟合？请列举三种方法。` + answer):
    #    then the answer starts on the next line and the whole line asks.
    if len(texts) > 1 and SENTENCE_END.search(strip_code(texts[0])) and asks(texts[0]):
        return with_shown_code(paragraph[:1], paragraph[1:] + rest)
    inline = split_inline(texts[0])
    if inline and COMMAND.match(inline[1]) and any(text.strip() for _, text in paragraph[1:] + rest):
        # `What is X? Explain with an example.` and the answer below: the command asks too
        note = (paragraph[0][0], "the sentence after the question mark is read as part of the question (it asks "
                "for something), and the answer as starting below it",
                "to start the answer on that line, begin it with `答：` or `Answer:`")
        shown = with_shown_code(paragraph, rest)
        return Split(shown.question, shown.answer, (note,) + shown.notes)
    if inline:
        n = paragraph[0][0]
        return Split([(n, inline[0])], [(n, inline[1])] + paragraph[1:] + rest)
    # 5. a task rather than a question. With text after its paragraph, the paragraph is the
    #    task; else the task ends with the first line that ends a sentence, the answer below
    if not any(text.strip() for _, text in rest):
        for k in range(len(texts) - 1):
            if SENTENCE_END.search(strip_code(texts[k])):
                return Split(paragraph[:k + 1], paragraph[k + 1:])
    return with_shown_code(paragraph, rest)


def with_shown_code(question: Lines, answer: Lines) -> Split:
    """`下面的代码输出什么？` + code + answer: the code belongs to the question.

    Only when the question points at it (a colon, `下面`, `following`) and text follows the
    code; a task whose answer is only code keeps the code as its answer.
    """
    last = question[-1][1].rstrip().rstrip(CLOSERS) if question else ""
    points = last.endswith((":", "：")) or POINTS_ONWARD.search(" ".join(t for _, t in question))
    if not points:
        return Split(question, answer)
    k = 0
    while k < len(answer) and not answer[k][1].strip():
        k += 1
    shown = fence_end(answer, k) or figure_end(answer, k)
    if shown is None and POINTS_AT_TABLE.search(" ".join(t for _, t in question)):
        shown = table_end(answer, k)
    if shown is None:
        return Split(question, answer)
    # `**Look at the form below:**` figure `**Which layout was used?**`: one question in two parts
    j = shown
    while j < len(answer) and not answer[j][1].strip():
        j += 1
    if j < len(answer) and is_question_line(answer[j][1]) and (j + 1 == len(answer) or not answer[j + 1][1].strip()):
        shown = j + 1
    rest = answer[shown:]
    if not any(text.strip() for _, text in rest):
        return Split(question, answer)
    note = (question[0][0], "the code, figure or table after this question is read as part of the question, "
            "since the question points at it", "to show it with the answer instead, put a line of the answer "
            "before it")
    return Split(question + answer[:shown], rest, (note,))
