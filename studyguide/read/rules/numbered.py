"""The classic rule: numbered questions (`1. 问题？`, `1、`, `(3)`, `第 5 题`), `Q:`/`答：` labels,
and headings that ask, with their answers as written after them.

It reads one chapter's blocks card by card: where each question starts (`start_kind`), what
follows it, and where in that text the answer begins (`split`). Every source line ends up in a
card or in the chapter's notes; only markup is removed on the way: list markers, the indentation
that puts a line inside a list item, `---` separators, and `Q:`/`答：`-style labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...diagnostics import finding
from ..blocks import Block
from ..text import (ANSWER_LABEL, CARD_SEPARATOR, CLOSERS, HEADING_NUMBER, INLINE_ANSWER_LABEL, LIST_MARKER,
                    POINTS_ONWARD, PSEUDO_NUMBER, QUESTION_LABEL, SECTION_LINE, SENTENCE_END, SUB_NUMBER,
                    IMAGE_LINE, answer_label_line, asks, dedent, fence_end, figure_end, table_end, POINTS_AT_TABLE, is_question_line, line_span,
                    as_int, only_code, pseudo_number, split_inline, strip_answer_label, strip_code,
                    strip_label, trim)
from .headings import COMMAND

if TYPE_CHECKING:
    from ..chapters import ChapterDraft


@dataclass
class _Card:
    """A card being assembled: its first block and the blocks that follow it."""

    kind: str  # item | label | pseudo | plain | heading | bullet
    start: Block
    number: str
    section: str
    following: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class _Split:
    question: list[tuple[int, str]]  # (line index in the file, text)
    answer: list[tuple[int, str]]


@dataclass
class _Section:
    """Part of a chapter under one sub-heading (or the chapter's own start): text outside cards."""

    heading: Block | None
    title: str
    loose: list[Block] = field(default_factory=list)
    cards: int = 0


@dataclass(frozen=True)
class _Run:
    """What a whole chapter says about how its questions are written."""

    all_ones: bool  # every numbered question is `1.`
    bullets: bool  # the questions are a bullet list


class NumberedReader:
    """The classic rule: numbered and labelled questions, and headings that ask, in one chapter's
    blocks. ChapterReader (..chapters) supplies the blocks, lines and findings."""

    def _first_text(self, block: Block) -> str:
        """The first line of a block's own text: without a list marker, label or number."""
        if block.kind == "item":
            return self._item_lines(block)[1][0][1]
        if block.kind == "heading":
            return block.text
        return self.lines[block.start].strip()

    def _first_paragraph(self, block: Block) -> str:
        if block.kind == "item":
            lines = self._item_lines(block)[1]
        elif block.kind == "heading":
            return block.text
        else:
            lines = [(n, self.lines[n]) for n in range(block.start, block.end)]
        texts = []
        for _, text in lines:
            if not text.strip():
                break
            texts.append(text)
        return "\n".join(texts)

    def _block_asks(self, block: Block) -> bool:
        """Whether a block reads as a question: a question mark, or a `Q:`/`答：` label."""
        if block.kind not in ("item", "paragraph", "heading"):
            return False
        first = self._first_text(block).lstrip()
        if QUESTION_LABEL.match(first):
            return True
        paragraph = self._first_paragraph(block)
        if asks(paragraph):
            return True
        return any(ANSWER_LABEL.match(line.lstrip()) for line in paragraph.split("\n")[1:])

    def _is_section_line(self, block: Block) -> bool:
        return (block.kind == "paragraph" and block.end - block.start == 1
                and bool(SECTION_LINE.match(self.lines[block.start].strip()))
                and not asks(self.lines[block.start]))

    # -- cards within a chapter ----------------------------------------------------------------
    def _run(self, first: int, end: int) -> _Run:
        items = [b for b in self.blocks[first:end] if b.kind == "item"]
        asking = [b for b in items if b.ordered and self._block_asks(b)]
        # `1.` `1.` `1.` within one part of the chapter; parts that each start at 1 are not that
        parts = [b.start for b in self.blocks[first:end] if b.kind == "heading" or self._is_section_line(b)]
        per_part = [sum(1 for b in asking if a <= b.start < z) for a, z in zip([-1] + parts, parts + [10 ** 9])]
        all_ones = max(per_part, default=0) > 1 and all(b.number == "1" for b in asking)
        bullets = False
        if items and not any(b.ordered for b in items):
            asking_bullets = sum(1 for b in items if self._block_asks(b))
            bullets = asking_bullets * 2 >= len(items)
        return _Run(all_ones, bullets)

    def _fill_numbered(self, draft: ChapterDraft, first: int, end: int) -> list:
        """Cards and notes of blocks[first:end]; returns findings about text outside the cards."""
        run = self._run(first, end)
        cards: list[_Card] = []
        current: _Card | None = None
        sections = [_Section(None, "")]
        step = 0  # the last number of the numbered steps inside the current answer, if any
        for i in range(first, end):
            block = self.blocks[i]
            section = sections[-1]
            if block.kind == "heading" and current is not None and current.kind == "heading" \
                    and block.level > current.start.level and not self._block_asks(block):
                current.following.append(block)  # a sub-heading inside a heading card's answer
                continue
            continues = block.kind == "heading" and self._continues_run(block, cards, i, end)
            if continues:
                self.choices.append((block.start, f"heading `{block.text}` is read as question "
                                     f"{cards[-1].number and as_int(cards[-1].number) + 1}, since its number "
                                     "follows the questions before it", "to make it a section of notes, "
                                     "take the number out of the heading"))
            if block.kind == "heading" and (continues or self._is_question_heading(i, end)):
                # `### 3. …` or `### 问题 3：…`: the number written in the heading
                match = HEADING_NUMBER.match(block.text)
                number = match["number"] if match else ""
                if not number and (label := QUESTION_LABEL.match(block.text)):
                    number = label["number"] or label["number2"] or ""
                current = _Card("heading", block, number, section.title)
                cards.append(current)
                section.cards += 1
                continue
            if block.kind == "heading" or self._is_section_line(block):
                title = block.text if block.kind == "heading" else self.lines[block.start].strip()
                sections.append(_Section(block, title))
                current = None
                continue
            if block.kind == CARD_SEPARATOR:
                continue
            if step and block.kind == "item" and block.ordered and as_int(block.number) == step + 1 \
                    and not self._block_asks(block):
                step += 1
                current.following.append(block)
                continue
            start = self._start_kind(block, current, cards, run, section)
            if start == "steps":
                step = 1
                current.following.append(block)
            elif start is not None:
                step = 0
                kind, number = start
                current = _Card(kind, block, number, section.title)
                cards.append(current)
                section.cards += 1
            elif current is not None:
                current.following.append(block)
            else:
                section.loose.append(block)
        findings = self._notes(draft, sections)
        for card in cards:
            split = self._split(card)
            number = "" if run.all_ones and card.kind == "item" else card.number
            draft.cards.append({"number": number, "split": split, "line": card.start.start,
                                "section": card.section, "kind": card.kind})
        return findings

    def _notes(self, draft: ChapterDraft, sections: list[_Section]) -> list:
        """Text of a chapter outside its cards: kept as the chapter's notes, and reported."""
        findings = []
        rules = {n for b in self.blocks if b.kind == CARD_SEPARATOR for n in range(b.start, b.end)}  # once, not per section
        for section in sections:
            if section.heading is not None and not section.loose and not section.cards:
                heading = section.heading
                findings.append(finding(
                    "SG203", f"section `{section.title}` is empty ({line_span(heading.start + 1, heading.end)}); "
                    "it is not printed", self.location(heading.start)))
                continue
            if not section.loose:
                continue
            blocks = list(section.loose)
            if section.heading is not None and not section.cards:
                blocks.insert(0, section.heading)
            first, last = blocks[0].start, max(b.end for b in blocks)
            separators = {n for n in rules if first <= n < last}
            if draft.notes:
                draft.notes.append((first, ""))
            draft.notes += [(n, self.lines[n]) for n in range(first, last) if n not in separators]
            where = line_span(first + 1, last)
            if section.heading is None:
                message = f"text before the first question ({where}) is shown as the chapter's notes"
                findings.append(finding("SG204", message, self.location(first)))
            elif section.cards:
                message = (f"text before the first question of `{section.title}` ({where}) is shown as "
                           "the chapter's notes")
                findings.append(finding("SG204", message, self.location(first)))
            else:
                message = (f"section `{section.title}` holds no questions and answers ({where}); it is "
                           "shown as the chapter's notes")
                findings.append(finding("SG203", message, self.location(first)))
        while draft.notes and not draft.notes[-1][1].strip():
            draft.notes.pop()
        return findings

    def _is_question_heading(self, index: int, end: int) -> bool:
        """A sub-heading that asks (`### 什么是张量？`) and whose part holds no questions of its own.

        A numbered sub-heading that does not ask (`### 3. Define overfitting`) is a question too
        when the headings beside it ask.
        """
        block = self.blocks[index]
        section_end = next((j for j in range(index + 1, end) if self.blocks[j].kind == "heading"
                            and self.blocks[j].level <= block.level), end)
        for inner in self.blocks[index + 1:section_end]:
            if inner.kind == "heading" and self._block_asks(inner):
                return False
            if inner.kind in ("item", "paragraph") and self._block_asks(inner) and (
                    (inner.kind == "item" and inner.ordered) or self._label_start(inner) or self._pseudo_start(inner)):
                return False
        if self._block_asks(block):
            return True
        if not HEADING_NUMBER.match(block.text):
            return False
        asking, total = self._headings_asking[block.level]
        return asking * 2 >= total

    def _continues_run(self, block: Block, cards: list[_Card], index: int, end: int) -> bool:
        """`### 4. 持久化` after question 3: a numbered heading that goes on with the questions,
        with text under it and no questions of its own."""
        match = HEADING_NUMBER.match(block.text)
        if not (match and cards and as_int(cards[-1].number) == int(match["number"]) - 1) \
                or self._is_question_heading(index, end):
            return False
        after = self.blocks[index + 1] if index + 1 < end else None
        return after is not None and after.kind != "heading" and not (after.kind == "item" and after.ordered)

    def _label_start(self, block: Block) -> bool:
        """A paragraph labelled as a question (`Q:`, `问：`, `【问题】`) with a question after the label:
        a label alone, such as `问2、` at the end of a file, asks nothing and starts no card."""
        if block.kind != "paragraph":
            return False
        first = self.lines[block.start].lstrip()
        match = QUESTION_LABEL.match(first)
        if not match:
            return False
        return bool(first[match.end():].strip()) or block.end - block.start > 1

    def _second_part(self, block: Block) -> Block | None:
        """`**Look at the form below:**`, a figure or code, then `**Which layout was used?**`: the
        paragraph that asks, when the block is such a lead-in; the three make one question."""
        text = "\n".join(self.lines[block.start:block.end])
        if block.kind not in ("paragraph", "item") or not (
                text.rstrip().rstrip(CLOSERS).endswith((":", "：")) or POINTS_ONWARD.search(text)):
            return None
        i = self.blocks.index(block) + 1
        first = i
        while i < len(self.blocks) and (self.blocks[i].kind == "code" or self.blocks[i].kind == "paragraph" and all(
                IMAGE_LINE.match(line) for line in self.lines[self.blocks[i].start:self.blocks[i].end])):
            i += 1
        if i == first or i >= len(self.blocks) or self.blocks[i].kind != "paragraph":
            return None
        asking = self.blocks[i]
        return asking if asking.end - asking.start == 1 and is_question_line(self.lines[asking.start]) else None

    def _pseudo_start(self, block: Block) -> str | None:
        """The number of a `12.问题？` paragraph, or None."""
        if block.kind != "paragraph":
            return None
        match = PSEUDO_NUMBER.match(self.lines[block.start].lstrip())
        if match and (self._block_asks(block) or self._second_part(block) is not None):
            return pseudo_number(match)
        return None

    def _start_kind(self, block: Block, current: _Card | None, cards: list[_Card], run: _Run,
                    section: _Section) -> tuple[str, str] | str | None:
        """How a block starts a card: ("item", "3"), ("label", ""), ...; "steps"; or None."""
        previous = as_int(cards[-1].number) if cards else None
        if block.kind == "item" and block.ordered:
            if self._block_asks(block):
                return "item", block.number
            if current is not None and current.kind == "heading":
                return None  # numbered steps in the answer under a question heading
            # `1. 配置…` `2. 验证…` after question 3: the answer's own steps, not questions
            if current is not None and not run.all_ones and block.number == "1" and previous is not None \
                    and previous >= 1:
                return "steps"
            if current is None and not self._list_reads_as_cards(block):
                return None  # a numbered list of points in prose, not questions
            return "item", block.number
        if block.kind == "item":
            if run.bullets and (current is None or current.kind != "heading"):
                return "bullet", ""
            return None
        if block.kind != "paragraph":
            return None
        if self._label_start(block):
            match = QUESTION_LABEL.match(self.lines[block.start].lstrip())
            return "label", match["number"] or match["number2"] or ""
        sub = SUB_NUMBER.match(self.lines[block.start].lstrip())
        if sub and cards and cards[-1].number.split(".")[0] == sub["major"] and self._block_asks(block):
            return "sub", f"{sub['major']}.{sub['minor']}"
        number = self._pseudo_start(block)
        if number is None and PSEUDO_NUMBER.match(self.lines[block.start].lstrip()) and previous is not None:
            # a numbered task that continues the run: `5.Print each item.`
            match = PSEUDO_NUMBER.match(self.lines[block.start].lstrip())
            if as_int(pseudo_number(match)) == previous + 1 and current is not None \
                    and current.kind == "pseudo":
                number = pseudo_number(match)
        if number is not None:
            return "pseudo", number
        if current is not None and current.kind in ("item", "pseudo", "plain") \
                and self._second_part(current.start) is not block \
                and not self.lines[block.start].startswith((" ", "\t")) \
                and (is_question_line(self.lines[block.start]) or self._second_part(block) is not None) \
                and not ANSWER_LABEL.match(self.lines[block.start].lstrip()) \
                and self._has_answer(current):
            return "plain", ""
        return None

    def _list_reads_as_cards(self, block: Block) -> bool:
        """A numbered list none of whose items asks reads as tasks only if the items have answers.

        Most items must hold more than their first line; a list of one item may have its answer
        in the paragraphs after it (CommonMark ends the list there).
        """
        items = [b for b in self.blocks if b.kind == "item" and b.list_id == block.list_id]
        if any(self._block_asks(b) for b in items):
            return True
        with_body = sum(1 for item in items if any(text.strip() for _, text in self._item_lines(item)[1][1:]))
        if with_body * 2 > len(items):
            return True
        after = self.blocks.index(items[-1]) + 1
        return len(items) == 1 and after < len(self.blocks) \
            and self.blocks[after].kind in ("paragraph", "code", "table", "other") \
            and not self._is_section_line(self.blocks[after])

    def _has_answer(self, card: _Card) -> bool:
        return bool(card.following) or any(text.strip() for _, text in self._split(card).answer)

    # -- splitting one card ------------------------------------------------------------------
    def _item_lines(self, block: Block) -> tuple[int, list[tuple[int, str]]]:
        """A list item's lines without its marker and indentation, and the indentation width."""
        first = self.lines[block.start]
        match = LIST_MARKER.match(first)
        width = len(match.group())
        if len(match["space"]) > 4:  # `1.      code`: the content starts one space after the marker
            width = len(match["indent"]) + len(match["marker"]) + 1
        if not first[width:].strip():
            width = len(match["indent"]) + len(match["marker"]) + 1
        lines = [(block.start, first[width:] if len(first) > width else "")]
        lines += [(n, dedent(self.lines[n], width)) for n in range(block.start + 1, block.end)]
        return width, lines

    def _split(self, card: _Card) -> _Split:
        block = card.start
        indent = 0
        if card.kind in ("item", "bullet"):
            indent, own = self._item_lines(block)
            text, _ = strip_label(own[0][1].lstrip(), QUESTION_LABEL)
            own[0] = (own[0][0], text)
        elif card.kind == "heading":
            text = block.text
            if card.number:
                text = HEADING_NUMBER.sub("", text, count=1)
            text, _ = strip_label(text, QUESTION_LABEL)
            own = [(block.start, text)]
        else:
            own = [(n, self.lines[n]) for n in range(block.start, block.end)]
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
        following = self._following_lines(card, indent)
        if card.kind == "heading":
            split = _Split(own, following)
        else:
            split = self._split_lines(own, following, explicit=card.kind == "label")
        return _Split(trim(split.question), trim(strip_answer_label(split.answer)))

    def _following_lines(self, card: _Card, indent: int) -> list[tuple[int, str]]:
        lines: list[tuple[int, str]] = []
        last = card.start.end
        for block in card.following:
            lines += [(n, "") for n in range(last, block.start)]
            # an indented block right after a list item belongs to the item, as its author meant
            width = indent if block.kind == "code" and self.lines[block.start].startswith((" ", "\t")) else 0
            lines += [(n, dedent(self.lines[n], width)) for n in range(block.start, block.end)]
            last = block.end
        return lines

    def _split_lines(self, own: list[tuple[int, str]], following: list[tuple[int, str]],
                     explicit: bool = False) -> _Split:
        """Question and answer from a card's own lines and everything after it."""
        everything = own + following
        # the first paragraph of the card's own text
        end = next((k for k, (_, text) in enumerate(own) if not text.strip()), len(own))
        end = max(end, 1)
        paragraph, rest = own[:end], own[end:] + following
        texts = [text for _, text in paragraph]
        # 1. an answer label starting a later line: everything before it is the question, code
        #    blocks included (`问题：` ```code``` `答：…`). After a plain question line, only
        #    code may stand between it and the label: a later `答案：` is part of the answer.
        labelled = answer_label_line(everything)
        if labelled is not None and labelled > 0 and (
                explicit or labelled < len(paragraph) or not any(is_question_line(t) for t in texts)
                or only_code(everything[len(paragraph):labelled])):
            return _Split(everything[:labelled], everything[labelled:])
        # `问：…？答：…` on one line
        match = INLINE_ANSWER_LABEL.search(strip_code(texts[0]))
        if match and match.end() < len(texts[0].rstrip()):
            n, cut = paragraph[0][0], match.start("label")
            return _Split([(n, texts[0][:cut])], [(n, texts[0][cut:].lstrip())] + paragraph[1:] + rest)
        # 2. the first line is a question: so are the question lines right after it, as long
        #    as an answer follows them (else the next line is a question without a number,
        #    left in the answer for SG302 to report)
        if is_question_line(texts[0]):
            k = 1
            while k < len(texts) and is_question_line(texts[k]):
                k += 1
            if not any(text.strip() for _, text in paragraph[k:] + rest):
                k = 1
            return self._with_shown_code(paragraph[:k], paragraph[k:] + rest)
        # 3. a question wrapped over several lines, no sentence ending before its last line
        for k in range(1, len(texts)):
            if SENTENCE_END.search(strip_code(texts[k - 1])):
                break
            if is_question_line(texts[k]):
                return self._with_shown_code(paragraph[:k + 1], paragraph[k + 1:] + rest)
        # 4. `问题？答案`: the answer starts on the same line. Not when the line is a whole
        #    sentence and the paragraph goes on (`如何防止过拟合？请列举三种方法。` + answer):
        #    then the answer starts on the next line and the whole line asks.
        if len(texts) > 1 and SENTENCE_END.search(strip_code(texts[0])) and asks(texts[0]):
            return self._with_shown_code(paragraph[:1], paragraph[1:] + rest)
        inline = split_inline(texts[0])
        if inline and COMMAND.match(inline[1]) and any(text.strip() for _, text in paragraph[1:] + rest):
            # `What is X? Explain with an example.` and the answer below: the command asks too
            self.choices.append((paragraph[0][0], "the sentence after the question mark is read as part of the "
                                 "question (it asks for something), and the answer as starting below it",
                                 "to start the answer on that line, begin it with `答：` or `Answer:`"))
            return self._with_shown_code(paragraph, rest)
        if inline:
            n = paragraph[0][0]
            return _Split([(n, inline[0])], [(n, inline[1])] + paragraph[1:] + rest)
        # 5. a task rather than a question. With text after its paragraph, the paragraph is the
        #    task; else the task ends with the first line that ends a sentence, the answer below
        if not any(text.strip() for _, text in rest):
            for k in range(len(texts) - 1):
                if SENTENCE_END.search(strip_code(texts[k])):
                    return _Split(paragraph[:k + 1], paragraph[k + 1:])
        return self._with_shown_code(paragraph, rest)

    def _with_shown_code(self, question: list[tuple[int, str]], answer: list[tuple[int, str]]) -> _Split:
        """`下面的代码输出什么？` + code + answer: the code belongs to the question.

        Only when the question points at it (a colon, `下面`, `following`) and text follows the
        code; a task whose answer is only code keeps the code as its answer.
        """
        last = question[-1][1].rstrip().rstrip(CLOSERS) if question else ""
        points = last.endswith((":", "：")) or POINTS_ONWARD.search(" ".join(t for _, t in question))
        if not points:
            return _Split(question, answer)
        k = 0
        while k < len(answer) and not answer[k][1].strip():
            k += 1
        shown = fence_end(answer, k) or figure_end(answer, k)
        if shown is None and POINTS_AT_TABLE.search(" ".join(t for _, t in question)):
            shown = table_end(answer, k)
        if shown is None:
            return _Split(question, answer)
        # `**Look at the form below:**` figure `**Which layout was used?**`: one question in two parts
        j = shown
        while j < len(answer) and not answer[j][1].strip():
            j += 1
        if j < len(answer) and is_question_line(answer[j][1]) and (j + 1 == len(answer) or not answer[j + 1][1].strip()):
            shown = j + 1
        rest = answer[shown:]
        if not any(text.strip() for _, text in rest):
            return _Split(question, answer)
        self.choices.append((question[0][0], "the code, figure or table after this question is read as part of the "
                             "question, since the question points at it",
                             "to show it with the answer instead, put a line of the answer before it"))
        return _Split(question + answer[:shown], rest)


# the rule each kind of card start stands for, as `Card.rule` names it
KINDS = {"item": "numbered", "pseudo": "numbered", "sub": "numbered", "plain": "numbered", "bullet": "numbered",
         "label": "labels", "heading": "headings"}


def as_card(raw: dict) -> dict:
    """A card of this rule in the form every rule gives: rule, number, question, answer, line, section."""
    split = raw["split"]
    return {"rule": KINDS.get(raw["kind"], "numbered"), "number": raw["number"], "question": split.question,
            "answer": split.answer, "line": raw["line"], "section": raw["section"]}
