"""From a file's blocks to chapters and cards: where each question starts and where its answer begins.

Every source line ends up in exactly one place: a chapter heading, a card's question or answer,
a chapter's notes, or a diagnostic. Only markup is removed on the way: list markers, the
indentation that puts a line inside a list item, and `Q:`/`答：`-style labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..diagnostics import finding
from ..model import Location
from .blocks import Block, read_blocks
from .headings import parse_heading
from .source import Source

# A line that ends a question: a question mark, perhaps inside closing brackets or quotes.
_QUESTION_END = re.compile(r"[？?][)）\]】」』”’\"'》]*\s*$")
_CLOSERS = ")）]】」』”’\"'》"
_TERMINATORS = "。！？!?；;"
# Labels authors put before an answer or a question. They are markup, not text.
_ANSWER_LABEL = re.compile(
    r"^(?P<open>\*\*|__)?(?:答案|答|解答|Answer|Ans\.?|A)(?P<close1>\*\*|__)?\s*[:：]\s*(?P<close2>\*\*|__)?\s*",
    re.IGNORECASE)
_QUESTION_LABEL = re.compile(
    r"^(?P<open>\*\*|__)?(?:问题|问|Question|Q)(?P<close1>\*\*|__)?\s*[:：]\s*(?P<close2>\*\*|__)?\s*",
    re.IGNORECASE)
_INLINE_ANSWER_LABEL = re.compile(r"(?<=[？?])\s*(?:答案|答|Answer|A)\s*[:：]\s*", re.IGNORECASE)
# "12.问题", "12、问题", "(12) 问题": numbered paragraphs that CommonMark does not see as lists.
_PSEUDO_NUMBER = re.compile(r"^(?:(?P<a>\d{1,3})\s*[.．、。:：)）]|[(（](?P<b>\d{1,3})[)）])\s*(?=\S)")
_LIST_MARKER = re.compile(r"^(?P<indent> {0,3})(?P<marker>\d{1,9}[.)]|[-+*])(?P<space>[ \t]*)")
_HEADING_NUMBER = re.compile(r"^(?P<number>\d{1,3})[.．、)）]\s*")
_CHAPTER_WORDS = re.compile(r"^\s*(?P<number>\d+)[\s._-]+(?P<title>.+)$")


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
class ChapterDraft:
    """A chapter as read from one file, before chapter numbers across files are settled."""

    number: int | None
    title: str
    line: int  # 0-based line of the heading (or of the file start)
    cards: list[dict] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    numbered_heading: bool = False


def is_question_line(line: str) -> bool:
    return bool(_QUESTION_END.search(_strip_code(line)))


def _strip_code(text: str) -> str:
    """The text with inline code spans blanked out, so their `?` never end a question."""
    return re.sub(r"`+[^`]*`+", lambda m: " " * len(m.group()), text)


def split_inline(line: str) -> tuple[str, str] | None:
    """`问题？答案` → (`问题？`, `答案`): the leading question sentences and the rest of the line.

    A line such as `…可以吗？ 如何实现的？ 答案。` keeps both questions together. Returns None
    when the line holds no question followed by something that is not a question.
    """
    plain = _strip_code(line)
    marks = [m.end() for m in re.finditer(rf"(?:？|\?(?=\s|$|[^\x00-\x7f]))[{re.escape(_CLOSERS)}]*", plain)]
    for end in marks:
        rest = plain[end:]
        if not rest.strip():
            return None
        sentence = re.match(rf"\s*[^{re.escape(_TERMINATORS)}]*[{re.escape(_TERMINATORS)}]?", rest).group()
        if re.search(r"[？?]\W*$", sentence.rstrip()):
            continue  # the next sentence is a question too: it belongs to the question
        return line[:end].rstrip(), line[end:].strip()
    return None


def _strip_label(text: str, label: re.Pattern) -> tuple[str, bool]:
    match = label.match(text)
    if not match:
        return text, False
    removed = match.group()
    # "**答：**正文" loses both `**`; "**答：正文**" must keep the closing one to stay balanced
    if match["open"] and not (match["close1"] or match["close2"]):
        return text, False
    return text[len(removed):], True


def _dedent(line: str, width: int) -> str:
    """Remove up to `width` columns of leading spaces (a tab counts to the next multiple of 4)."""
    column, i = 0, 0
    while i < len(line) and column < width and line[i] in " \t":
        column = column + 1 if line[i] == " " else (column // 4 + 1) * 4
        i += 1
    return line[i:]


class ChapterReader:
    """Reads one file's blocks into chapter drafts and reports what it could not place."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.lines = source.lines
        self.blocks = read_blocks(self.lines, source.body_start)
        self.diagnostics: list = []

    def location(self, line: int, column: int = 1) -> Location:
        return Location(self.source.path, line + 1, column)

    # -- chapters ------------------------------------------------------------------------------
    def chapters(self) -> list[ChapterDraft]:
        headings = [i for i, b in enumerate(self.blocks) if b.kind == "heading"]
        level = self._chapter_level(headings)
        front = self.source.front_matter
        if level is None:
            title, number = self._file_title()
            draft = ChapterDraft(number, title, self.source.body_start, numbered_heading=number is not None)
            self._fill(draft, 0, len(self.blocks), chapter_level=0)
            return [draft] if draft.cards or draft.notes else self._empty_file(draft)
        drafts: list[ChapterDraft] = []
        first = next(i for i in headings if self.blocks[i].level <= level)
        if first > 0:
            self._orphan_text(0, first, "before the first chapter heading")
        chapter_starts = [i for i in headings if self.blocks[i].level == level]
        for n, start in enumerate(chapter_starts):
            end = chapter_starts[n + 1] if n + 1 < len(chapter_starts) else len(self.blocks)
            # a wrapper heading above chapter level ends the chapter
            end = next((i for i in headings if start < i < end and self.blocks[i].level < level), end)
            heading = self.blocks[start]
            parsed = parse_heading(heading.text)
            draft = ChapterDraft(parsed.number, parsed.title, heading.start, numbered_heading=parsed.numbered)
            if len(chapter_starts) == 1 and front.get("chapter") is not None and parsed.number is None:
                draft.number = front["chapter"]
            self._fill(draft, start + 1, end, chapter_level=level)
            if draft.cards:
                drafts.append(draft)
            elif parsed.numbered:
                self.diagnostics.append(finding(
                    "SG201", f"chapter `{heading.text}` holds no questions", self.location(heading.start),
                    "add numbered questions under it, or remove the heading"))
            else:
                self.diagnostics.append(finding(
                    "SG203", f"section `{heading.text}` holds no questions and answers; it makes no cards",
                    self.location(heading.start)))
        # wrappers between chapters: headings above chapter level and their own text
        for i in headings:
            if self.blocks[i].level < level:
                end = next((j for j in range(i + 1, len(self.blocks)) if self.blocks[j].kind == "heading"),
                           len(self.blocks))
                if end > i + 1:
                    self._orphan_text(i + 1, end, f"under `{self.blocks[i].text}`")
        return drafts

    def _chapter_level(self, headings: list[int]) -> int | None:
        candidates = []
        for i in headings:
            block = self.blocks[i]
            if is_question_line(block.text):
                continue
            if parse_heading(block.text).numbered or self._holds_starts(i):
                candidates.append(block.level)
        if candidates:
            return min(candidates)
        front = self.source.front_matter
        if front.get("title") or front.get("chapter") is not None:
            return None
        plain = [self.blocks[i].level for i in headings if not is_question_line(self.blocks[i].text)]
        if not plain:
            return None
        # "# Title" over "## Question?" sections: the shallowest plain heading names the chapter
        return min(plain)

    def _holds_starts(self, heading_index: int) -> bool:
        """Whether the text right under a heading (up to the next heading) holds questions."""
        for block in self.blocks[heading_index + 1:]:
            if block.kind == "heading":
                return False
            if (block.kind == "item" and block.ordered) or self._label_start(block) or self._pseudo_start(block):
                return True
        return False

    def _file_title(self) -> tuple[str, int | None]:
        front = self.source.front_matter
        stem = self.source.path.stem
        match = _CHAPTER_WORDS.match(stem)
        title = front.get("title") or (match["title"] if match else stem)
        number = front.get("chapter")
        if number is None and match:
            number = int(match["number"])
        if number is None:
            parsed = parse_heading(title)
            if parsed.numbered:
                return parsed.title, parsed.number
        return title, number

    def _empty_file(self, draft: ChapterDraft) -> list[ChapterDraft]:
        if any(line.strip() for line in self.lines[self.source.body_start:]):
            self.diagnostics.append(finding(
                "SG201", "the file holds no questions", self.location(self.source.body_start),
                "number the questions as a Markdown list: `1. 问题？` with the answer on the next line"))
        return []

    # -- cards within a chapter ----------------------------------------------------------------
    def _fill(self, draft: ChapterDraft, first: int, end: int, chapter_level: int) -> None:
        cards: list[_Card] = []
        section = ""
        notes: list[Block] = []
        bullets_are_questions = self._bullets_are_questions(first, end)
        i = first
        while i < end:
            block = self.blocks[i]
            if block.kind == "heading":
                section_end = next((j for j in range(i + 1, end) if self.blocks[j].kind == "heading"
                                    and self.blocks[j].level <= block.level), end)
                if self._is_question_heading(i, section_end):
                    number_match = _HEADING_NUMBER.match(block.text)
                    cards.append(_Card("heading", block, number_match["number"] if number_match else "", section))
                else:
                    section = block.text
                i += 1
                continue
            start = self._start_kind(block, cards, bullets_are_questions)
            if start is not None:
                kind, number = start
                cards.append(_Card(kind, block, number, section))
            elif cards:
                cards[-1].following.append(block)
            else:
                notes.append(block)
            i += 1
        if notes:
            draft.notes = [(n, self.lines[n]) for b in notes for n in range(b.start, b.end)]
            if cards:
                self.diagnostics.append(finding(
                    "SG204", "text before the first question is shown as the chapter's notes",
                    self.location(notes[0].start)))
        all_ones = sum(1 for c in cards if c.kind == "item") > 1 and all(
            c.number == "1" for c in cards if c.kind == "item")
        for card in cards:
            split = self._split(card)
            number = "" if all_ones else card.number
            draft.cards.append({"number": number, "split": split, "line": card.start.start,
                                "section": card.section, "kind": card.kind})

    def _bullets_are_questions(self, first: int, end: int) -> bool:
        """A chapter written as a bullet list of questions, with no numbered items at all."""
        items = [b for b in self.blocks[first:end] if b.kind == "item"]
        if not items or any(b.ordered for b in items):
            return False
        asking = sum(1 for b in items if is_question_line(self._item_lines(b)[1][0][1]))
        return asking * 2 >= len(items)

    def _is_question_heading(self, index: int, end: int) -> bool:
        """A sub-heading whose section holds text but no numbered questions of its own."""
        has_text = False
        for block in self.blocks[index + 1:end]:
            if block.kind == "heading":
                return False
            if (block.kind == "item" and block.ordered) or self._label_start(block):
                return False
            has_text = True
        return has_text

    def _label_start(self, block: Block) -> bool:
        return block.kind == "paragraph" and bool(_QUESTION_LABEL.match(self.lines[block.start].lstrip()))

    def _pseudo_start(self, block: Block) -> str | None:
        if block.kind != "paragraph":
            return None
        first = self.lines[block.start]
        match = _PSEUDO_NUMBER.match(first)
        if match and ("？" in first or "?" in first):
            return match["a"] or match["b"]
        return None

    def _start_kind(self, block: Block, cards: list[_Card], bullets: bool) -> tuple[str, str] | None:
        if block.kind == "item":
            if block.ordered:
                return "item", block.number
            return ("bullet", "") if bullets else None
        if self._label_start(block):
            return "label", ""
        number = self._pseudo_start(block)
        if number is not None:
            return "pseudo", number
        if block.kind == "paragraph" and cards and cards[-1].kind in ("item", "pseudo"):
            text = "\n".join(self.lines[block.start:block.end])
            if is_question_line(text) and not self.lines[block.start].startswith((" ", "\t")) \
                    and self._has_answer(cards[-1]):
                return "plain", ""
        return None

    def _has_answer(self, card: _Card) -> bool:
        return bool(card.following) or any(text.strip() for _, text in self._split(card).answer)

    # -- splitting one card ------------------------------------------------------------------
    def _item_lines(self, block: Block) -> tuple[int, list[tuple[int, str]]]:
        """A list item's lines without its marker and indentation, and the indentation width."""
        first = self.lines[block.start]
        match = _LIST_MARKER.match(first)
        width = len(match.group())
        if len(match["space"]) > 4:  # `1.      code`: the content starts one space after the marker
            width = len(match["indent"]) + len(match["marker"]) + 1
        if not first[width:].strip():
            width = len(match["indent"]) + len(match["marker"]) + 1
        lines = [(block.start, first[width:] if len(first) > width else "")]
        lines += [(n, _dedent(self.lines[n], width)) for n in range(block.start + 1, block.end)]
        return width, lines

    def _split(self, card: _Card) -> _Split:
        block = card.start
        indent = 0
        if card.kind in ("item", "bullet"):
            indent, own = self._item_lines(block)
        elif card.kind == "heading":
            text = block.text
            if card.number:
                text = _HEADING_NUMBER.sub("", text, count=1)
            own = [(block.start, text)]
        else:
            own = [(n, self.lines[n]) for n in range(block.start, block.end)]
            if card.kind == "label":
                text, _ = _strip_label(own[0][1].lstrip(), _QUESTION_LABEL)
                own[0] = (own[0][0], text)
            elif card.kind == "pseudo":
                own[0] = (own[0][0], _PSEUDO_NUMBER.sub("", own[0][1], count=1))
        following = self._following_lines(card, indent)
        if card.kind == "heading":
            split = _Split(own, following)
        else:
            split = self._split_lines(own, following)
        return _Split(split.question, _strip_answer_label(split.answer))

    def _following_lines(self, card: _Card, indent: int) -> list[tuple[int, str]]:
        lines: list[tuple[int, str]] = []
        last = card.start.end
        for block in card.following:
            lines += [(n, "") for n in range(last, block.start)]
            # an indented block right after a list item belongs to the item, as its author meant
            width = indent if block.kind == "code" and self.lines[block.start].startswith((" ", "\t")) else 0
            lines += [(n, _dedent(self.lines[n], width)) for n in range(block.start, block.end)]
            last = block.end
        return lines

    def _split_lines(self, own: list[tuple[int, str]], following: list[tuple[int, str]]) -> _Split:
        """Question and answer from a card's first paragraph and everything after it."""
        # the first paragraph of the card's own text
        end = next((k for k, (_, text) in enumerate(own) if not text.strip()), len(own))
        if end == 0:
            end = 1
        paragraph, rest = own[:end], own[end:] + following
        texts = [text for _, text in paragraph]
        # 1. an answer label on a later line of the paragraph
        for k in range(1, len(texts)):
            if _ANSWER_LABEL.match(texts[k].lstrip()) and _strip_label(texts[k].lstrip(), _ANSWER_LABEL)[1]:
                return _Split(paragraph[:k], paragraph[k:] + rest)
        # `问：…？答：…` on one line
        match = _INLINE_ANSWER_LABEL.search(texts[0])
        if match:
            n = paragraph[0][0]
            return _Split([(n, texts[0][:match.start()])],
                          [(n, texts[0][match.start():].lstrip())] + paragraph[1:] + rest)
        # 2. the first line is a question: the answer starts on a later line
        if is_question_line(texts[0]):
            return _Split(paragraph[:1], paragraph[1:] + rest)
        # 3. `问题？答案`: the answer starts on the same line
        inline = split_inline(texts[0])
        if inline:
            n = paragraph[0][0]
            return _Split([(n, inline[0])], [(n, inline[1])] + paragraph[1:] + rest)
        # 4. a question wrapped over several lines
        for k in range(1, len(texts)):
            if is_question_line(texts[k]):
                return _Split(paragraph[:k + 1], paragraph[k + 1:] + rest)
        # 5. a task rather than a question
        ends_sentence = texts[0].rstrip().endswith(tuple("。！.!：:；;"))
        if len(texts) > 1 and (ends_sentence or not any(t.strip() for _, t in rest)):
            return _Split(paragraph[:1], paragraph[1:] + rest)
        return _Split(paragraph, rest)

    # -- text that belongs to no card ----------------------------------------------------------
    def _orphan_text(self, first: int, end: int, where: str) -> None:
        blocks = [b for b in self.blocks[first:end] if b.kind != "heading"]
        if blocks:
            self.diagnostics.append(finding(
                "SG203", f"text {where} holds no questions and answers; it is not shown",
                self.location(blocks[0].start),
                "number it as questions, or move it into a chapter's notes"))



def _strip_answer_label(answer: list[tuple[int, str]]) -> list[tuple[int, str]]:
    for k, (n, text) in enumerate(answer):
        if not text.strip():
            continue
        stripped, found = _strip_label(text.lstrip(), _ANSWER_LABEL)
        if found:
            answer = answer[:k] + [(n, stripped)] + answer[k + 1:]
        break
    return answer
