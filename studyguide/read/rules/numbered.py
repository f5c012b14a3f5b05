"""From a file's blocks to chapters and cards: where each question starts and where its answer begins.

Every source line ends up in exactly one place: a chapter heading, a card's question or answer,
or a finding that names its lines (text that belongs to no card is also kept as the chapter's
notes when it sits inside a chapter). Only markup is removed on the way: list markers, the
indentation that puts a line inside a list item, `---` separators, and `Q:`/`答：`-style labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...diagnostics import finding
from ...markdown import MAX_NESTING
from ...model import Location
from ..blocks import Block, closes_fence, opens_fence, outside_fences, read_blocks
from ..headings import parse_heading
from ..settings import Markers
from .details import holds
from .headings import looks_like_question
from .separator import SR_COMMENT, TAG
from ..source import Source

# What may follow a question mark at the end of a question: closing brackets, quotes, emphasis.
_CLOSERS = ")）]】」』”’\"'》*_"
# A question mark that ends a sentence: `？`, or `?` before a space, the line's end, a closer or
# a non-ASCII character (so `http://x.org/?q=1` asks nothing).
_QUESTION_MARK = rf"(?:？|\?(?=\s|$|[^\x00-\x7f]|[{re.escape(_CLOSERS)}]))"
_QUESTION_END = re.compile(rf"[？?][{re.escape(_CLOSERS)}]*\s*$")
_TERMINATORS = "。！？!?；;"
_SENTENCE_END = re.compile(r"[。！!.；;：:][" + re.escape(_CLOSERS) + r"]*\s*$")
# Labels authors put before a question or an answer. They are markup, not text.
_QUESTION_LABEL = re.compile(
    r"^(?:【(?:问题|题目|问)(?P<number2>\d{1,3})?】\s*[:：]?\s*|"
    r"(?P<open>\*\*|__)?(?:问题|问|题目|Question|Q)"
    r"(?:\s*(?P<number>\d{1,3})\s*(?P<close1>\*\*|__)?\s*[:：.．、)）]|(?P<close1b>\*\*|__)?\s*[:：])"
    r"\s*(?P<close2>\*\*|__)?\s*)", re.IGNORECASE)
_ANSWER_LABEL = re.compile(
    r"^(?:【(?:参考答案|答案|解答|答)】\s*[:：]?\s*|"
    r"(?P<open>\*\*|__)?(?:参考答案|答案|解答|答|Answer|Ans\.?|A)"
    r"(?:\s*\d{1,3}\s*(?P<close1>\*\*|__)?\s*[:：.．、)）]|(?P<close1b>\*\*|__)?\s*[:：])"
    r"\s*(?P<close2>\*\*|__)?\s*)", re.IGNORECASE)
_INLINE_ANSWER_LABEL = re.compile(
    rf"[？?][{re.escape(_CLOSERS)}]*(?P<label>\s*(?:【(?:参考答案|答案|答)】|(?:参考答案|答案|答|Answer|A)\s*[:：])\s*)",
    re.IGNORECASE)
# "12.问题", "12、问题", "(12) 问题", "第 3 题：问题", "**3. 问题**": numbered paragraphs CommonMark
# does not see as list items. No digit right after the dot, so `1.5 倍` is a number, not a
# question number.
# A decorative mark before the number (`▍1、`, `■ 2.`, `★3.`, `【4】`) is markup too.
DECORATION = "▍▌■□★☆●○◆◇▶►▪♦✦❖"
_PSEUDO_NUMBER = re.compile(
    rf"^(?P<lead>\*\*|__)?(?:[{DECORATION}]\s*)?(?:(?P<a>\d{{1,3}})(?:[.．](?!\d)|[、。:：)）])|"
    r"[(（](?P<b>\d{1,3})[)）]|【(?P<d>\d{1,3})】|"
    r"第\s*(?P<c>\d{1,3})\s*题\s*[:：.．、]?)\s*(?=\S)")
# `3.1 …？` under question 3: a sub-question, a card of its own
_SUB_NUMBER = re.compile(r"^(?P<lead>\*\*|__)?(?P<major>\d{1,3})\.(?P<minor>\d{1,2})\s+(?=\S)")
# "一、简答题": a line that names a part of the chapter, as Chinese documents do without headings.
_SECTION_LINE = re.compile(r"^(?:\*\*|__)?[一二三四五六七八九十]{1,3}\s*[、.．]\s*\S.{0,30}$")
_LIST_MARKER = re.compile(r"^(?P<indent> {0,3})(?P<marker>\d{1,9}[.)]|[-+*])(?P<space>[ \t]*)")
_HEADING_NUMBER = re.compile(r"^(?P<number>\d{1,3})[.．、)）]\s*(?!\d)")
_CHAPTER_WORDS = re.compile(r"^\s*(?P<number>\d+)[\s._-]+(?P<title>.+)$")
# Headings that hold chapters rather than being one: `# 答案`, `# Chapter Questions`.
_WRAPPER = re.compile(r"答案|解答|评估|问答|answers?\b|assessments?\b|solutions?\b|chapter questions|"
                      r"questions and answers|q\s*&\s*a", re.IGNORECASE)
# Words that say a question goes on with the code or text after it.
_POINTS_ONWARD = re.compile(r"(?:下面|下列|以下|如下|下述|这段|这个|该|下图|如图|图中)|\b(?:following|below|this code|the code|"
                            r"this snippet|this program|given)\b", re.IGNORECASE)
_CARD_SEPARATOR = "rule"


# A code span closes with a run of exactly as many backticks as opened it.
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.*?)(?<!`)\1(?!`)")


def _strip_code(text: str) -> str:
    """The text with inline code spans blanked out, so their `?` never end a question."""
    return _CODE_SPAN.sub(lambda m: " " * len(m.group()), text)


def is_question_line(line: str) -> bool:
    """Whether a line ends with a question mark (perhaps inside closing brackets or emphasis)."""
    return bool(_QUESTION_END.search(_strip_code(line)))


def asks(text: str) -> bool:
    """Whether the text holds a question mark that ends a sentence."""
    return bool(re.search(_QUESTION_MARK, _strip_code(text)))


def split_inline(line: str) -> tuple[str, str] | None:
    """`问题？答案` → (`问题？`, `答案`): the leading question sentences and the rest of the line.

    A line such as `…可以吗？ 如何实现的？ 答案。` keeps both questions together. Returns None
    when the line holds no question followed by something that is not a question.
    """
    plain = _strip_code(line)
    marks = [(m.start(), m.end()) for m in re.finditer(rf"{_QUESTION_MARK}[{re.escape(_CLOSERS)}]*", plain)]
    for mark, end in marks:
        if plain[:mark].count("**") % 2 or plain[:mark].count("__") % 2:
            continue  # `**Can you rebuild it? Set its title.**`: the bold question goes on
        rest = plain[end:]
        if not rest.strip():
            return None
        sentence = re.match(rf"\s*[^{re.escape(_TERMINATORS)}]*[{re.escape(_TERMINATORS)}]?", rest).group()
        if re.search(r"[？?]\W*$", sentence.rstrip()):
            continue  # the next sentence is a question too: it belongs to the question
        return line[:end].rstrip(), line[end:].strip()
    return None


def strip_label(text: str, label: re.Pattern) -> tuple[str, bool]:
    """The text without a leading `Q:`/`答：` label, and whether there was one.

    `**答：**正文` loses both `**`; `**答：正文**` keeps the opening `**` so the emphasis stays
    balanced.
    """
    match = label.match(text)
    if not match:
        return text, False
    groups = match.groupdict()
    end = match.end()
    if not groups.get("open") and groups.get("close2"):
        end = match.start("close2")  # `答案：**公式**`: the `**` opens the answer's own emphasis
    if groups.get("open") and not (groups.get("close1") or groups.get("close1b") or groups.get("close2")):
        return groups["open"] + text[end:], True
    return text[end:], True


def _dedent(line: str, width: int) -> str:
    """Remove up to `width` columns of leading spaces (a tab counts to the next multiple of 4)."""
    column, i = 0, 0
    while i < len(line) and column < width and line[i] in " \t":
        column = column + 1 if line[i] == " " else (column // 4 + 1) * 4
        i += 1
    return line[i:]


def line_span(first: int, last: int) -> str:
    """`line 4` or `lines 4–9` (1-based, inclusive), as findings name the text they report."""
    return f"line {first}" if first == last else f"lines {first}–{last}"


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
    readers: list[str] = field(default_factory=list)  # the rule that read each section


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


class ChapterReader:
    """Reads one file's blocks into chapter drafts and reports what it could not place."""

    def __init__(self, source: Source, format: str = "auto", markers: Markers = Markers()) -> None:
        self.source = source
        self.lines = source.lines
        self.format, self.markers = format, markers
        self.choices: list[tuple[int, str, str]] = []  # readings chosen inside a card, for notes
        han = sum(1 for ch in source.text if "\u4e00" <= ch <= "\u9fff")
        latin = sum(1 for ch in source.text if ch.isascii() and ch.isalpha())
        self.language = "zh-CN" if han and han * 3 >= latin else "en"
        faults: list[tuple[str, int]] = []
        self.blocks = self._split_paragraphs(read_blocks(self.lines, source.body_start, faults=faults))
        self.diagnostics: list = [self._fault(kind, line) for kind, line in faults]
        # per heading level: how many headings ask, of how many
        self._headings_asking = {level: (0, 0) for level in range(1, 7)}
        for block in self.blocks:
            if block.kind == "heading":
                asking, total = self._headings_asking[block.level]
                self._headings_asking[block.level] = (asking + self._block_asks(block), total + 1)

    def location(self, line: int, column: int = 1) -> Location:
        return Location(self.source.path, line + 1, column)

    def _fault(self, kind: str, line: int):
        text = self.lines[line]
        where = self.location(line, len(text) - len(text.lstrip()) + 1)
        if kind == "unclosed":
            return finding("SG306", "this code block is never closed: the text after it, to the end of its "
                           "list item or the file, is shown as code", where,
                           "close it with ``` on a line of its own where the code ends")
        return finding("SG307", "lists or quotes nest too deeply here: the text inside cannot be read", where,
                       f"nest them at most {MAX_NESTING // 2} levels deep")

    # -- blocks -------------------------------------------------------------------------------
    def _split_paragraphs(self, blocks: list[Block]) -> list[Block]:
        """Cut paragraphs where a line starts a new card: `Q:` lines, `2. 问题？` lines.

        CommonMark joins `1、问题？` `答：…` `2、问题？` into one paragraph, and a numbered line
        after an unindented answer cannot interrupt that answer's paragraph.
        """
        out = []
        for block in blocks:
            if block.kind != "paragraph":
                out.append(block)
                continue
            cuts = [n for n in range(block.start + 1, block.end) if self._opens_card(n)]
            bounds = [block.start] + cuts + [block.end]
            for start, end in zip(bounds, bounds[1:]):
                out.append(Block("paragraph", start, end, text="\n".join(self.lines[start:end]).strip()))
        return out

    def _opens_card(self, n: int) -> bool:
        line = self.lines[n].lstrip()
        if _QUESTION_LABEL.match(line):
            return True
        if _SUB_NUMBER.match(line) and asks(line):
            return True
        if _PSEUDO_NUMBER.match(line):
            following = self.lines[n + 1].lstrip() if n + 1 < len(self.lines) else ""
            return asks(line) or bool(_ANSWER_LABEL.match(following))
        return False

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
        if _QUESTION_LABEL.match(first):
            return True
        paragraph = self._first_paragraph(block)
        if asks(paragraph):
            return True
        return any(_ANSWER_LABEL.match(line.lstrip()) for line in paragraph.split("\n")[1:])

    def _is_section_line(self, block: Block) -> bool:
        return (block.kind == "paragraph" and block.end - block.start == 1
                and bool(_SECTION_LINE.match(self.lines[block.start].strip()))
                and not asks(self.lines[block.start]))

    # -- chapters ------------------------------------------------------------------------------
    def chapters(self) -> list[ChapterDraft]:
        headings = [i for i, b in enumerate(self.blocks) if b.kind == "heading"]
        level = self._chapter_level(headings)
        front = self.source.front_matter
        if level is None:
            title, number = self._file_title()
            draft = ChapterDraft(number, title, self.source.body_start, numbered_heading=number is not None)
            findings = self._fill(draft, 0, len(self.blocks))
            if draft.cards:
                self.diagnostics += findings
                return [draft]
            from ..driver import suggestion
            self._no_questions(0, len(self.blocks), "SG201", "the file holds no questions",
                               suggestion(self.lines[self.source.body_start:]) or
                               "number the questions as a Markdown list: `1. 问题？` with the answer on "
                               "the next line")
            return []
        drafts: list[ChapterDraft] = []
        first = next(i for i in headings if self.blocks[i].level <= level)
        if first > 0 and not all(_markup_only(self.lines[n]) for b in self.blocks[:first]
                                 for n in range(b.start, b.end)):
            self._unplaced(0, first, "is not under any chapter heading; it is not printed",
                           "put a chapter heading such as `# 第 1 章 …` above it, or delete it")
        chapter_starts = [i for i in headings if self.blocks[i].level == level]
        for n, start in enumerate(chapter_starts):
            end = chapter_starts[n + 1] if n + 1 < len(chapter_starts) else len(self.blocks)
            # a wrapper heading above chapter level ends the chapter
            end = next((i for i in headings if start < i < end and self.blocks[i].level < level), end)
            heading = self.blocks[start]
            parsed = parse_heading(heading.text)
            draft = ChapterDraft(parsed.number, parsed.title, heading.start, numbered_heading=parsed.numbered)
            if len(chapter_starts) == 1:
                if front.get("chapter") is not None:
                    draft.number = front["chapter"]
                if front.get("title"):
                    draft.title = front["title"]
            findings = self._fill(draft, start + 1, end)
            if draft.cards:
                drafts.append(draft)
                self.diagnostics += findings
            elif parsed.numbered:
                self._no_questions(start, end, "SG201", f"chapter `{heading.text}` holds no questions",
                                   self._suggest(start, end) or "add numbered questions under it, or remove the heading")
            else:
                self._no_questions(start, end, "SG203", f"section `{heading.text}` holds no questions and "
                                   "answers; it is not printed", self._suggest(start, end))
        # wrappers: headings above chapter level, and what follows them up to the next chapter
        for i in headings:
            if self.blocks[i].level < level:
                end = next((j for j in headings if j > i and self.blocks[j].level <= level), len(self.blocks))
                self._no_questions(i, end, "SG203", f"heading `{self.blocks[i].text}` holds chapters, no "
                                   "questions of its own; it is not printed")
        return drafts

    def _chapter_level(self, headings: list[int]) -> int | None:
        numbered, holding = [], []
        for i in headings:
            block = self.blocks[i]
            if self._block_asks(block) or self._answer_follows(i):
                continue
            if parse_heading(block.text).numbered:
                numbered.append(block.level)
            elif self._holds_starts(i):
                holding.append(block.level)
        if numbered or holding:
            level = min(numbered + holding)
            if level in numbered:
                return level
            # `# 复习题` over `## 选择题` and `## 简答题`: one chapter in parts, unless the heading
            # on top names a collection of chapters (`# 答案`, `# Chapter Questions`)
            above = [i for i in headings if self.blocks[i].level < level]
            if len(above) == 1 and above[0] == headings[0] and not _WRAPPER.search(self.blocks[above[0]].text) \
                    and not self._block_asks(self.blocks[above[0]]):
                return self.blocks[above[0]].level
            return level
        front = self.source.front_matter
        if front.get("title") or front.get("chapter") is not None:
            return None
        plain = [self.blocks[i].level for i in headings
                 if not self._block_asks(self.blocks[i]) and not self._answer_follows(i)]
        if not plain:
            return None
        # `## Q5 什么是协程` `## Explain named slots`: headings that are questions, not chapters
        top = [self.blocks[i] for i in headings if self.blocks[i].level == min(plain)]
        if self.format in ("auto", "headings") and (self.format == "headings" or len(top) > 1) and \
                sum(looks_like_question(b.text) for b in top) * 5 >= len(top) * 4:
            return None
        # "# Title" over "## Question?" sections: the shallowest plain heading names the chapter
        return min(plain)

    def _suggest(self, first: int, end: int) -> str:
        """The `format:` declaration that would read blocks[first:end], from the markers seen most."""
        from ..driver import suggestion
        blocks = self.blocks[first:end]
        return suggestion(self.lines[blocks[0].start:max(b.end for b in blocks)]) if blocks else ""

    def _answer_follows(self, heading_index: int) -> bool:
        """Whether a `<details>` answer comes right under the heading: the heading is a question."""
        after = self.blocks[heading_index + 1] if heading_index + 1 < len(self.blocks) else None
        return after is not None and after.kind == "paragraph" and holds([(after.start, self.lines[after.start])])

    def _holds_starts(self, heading_index: int) -> bool:
        """Whether the text right under a heading holds questions: numbered or labelled ones up
        to the next heading, or a question in heading form as the next heading below it."""
        level = self.blocks[heading_index].level
        for block in self.blocks[heading_index + 1:]:
            if block.kind == "heading":
                return block.level > level and self._block_asks(block)
            if block.kind == "item" and block.ordered:
                return True
            if block.kind == "paragraph" and (self._label_start(block) or self._pseudo_start(block)):
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

    # -- text that belongs to no card ----------------------------------------------------------
    def _span(self, first: int, end: int) -> tuple[int, int] | None:
        """1-based first and last non-blank lines of blocks[first:end], or None if there are none."""
        blocks = self.blocks[first:end]
        if not blocks:
            return None
        return blocks[0].start + 1, max(b.end for b in blocks)

    def _no_questions(self, first: int, end: int, code: str, message: str, hint: str = "") -> None:
        span = self._span(first, end)
        if span is None:
            return
        self.diagnostics.append(finding(code, f"{message} ({line_span(*span)})", self.location(span[0] - 1),
                                        hint))

    def _unplaced(self, first: int, end: int, what: str, hint: str) -> None:
        span = self._span(first, end)
        if span is not None:
            self.diagnostics.append(finding("SG305", f"the text on {line_span(*span)} {what}",
                                            self.location(span[0] - 1), hint))

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

    def _fill(self, draft: ChapterDraft, first: int, end: int) -> list:
        from ..driver import fill  # the driver runs this reader as one of its rules
        return fill(self, draft, first, end)

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
            if block.kind == "heading" and self._is_question_heading(i, end):
                match = _HEADING_NUMBER.match(block.text)
                current = _Card("heading", block, match["number"] if match else "", section.title)
                cards.append(current)
                section.cards += 1
                continue
            if block.kind == "heading" or self._is_section_line(block):
                title = block.text if block.kind == "heading" else self.lines[block.start].strip()
                sections.append(_Section(block, title))
                current = None
                continue
            if block.kind == _CARD_SEPARATOR:
                continue
            if step and block.kind == "item" and block.ordered and _number(block.number) == step + 1 \
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
            separators = {n for b in self.blocks if b.kind == _CARD_SEPARATOR and first <= b.start < last
                          for n in range(b.start, b.end)}
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
        if not _HEADING_NUMBER.match(block.text):
            return False
        asking, total = self._headings_asking[block.level]
        return asking * 2 >= total

    def _label_start(self, block: Block) -> bool:
        """A paragraph labelled as a question (`Q:`, `问：`, `【问题】`) with a question after the label:
        a label alone, such as `问2、` at the end of a file, asks nothing and starts no card."""
        if block.kind != "paragraph":
            return False
        first = self.lines[block.start].lstrip()
        match = _QUESTION_LABEL.match(first)
        if not match:
            return False
        return bool(first[match.end():].strip()) or block.end - block.start > 1

    def _pseudo_start(self, block: Block) -> str | None:
        """The number of a `12.问题？` paragraph, or None."""
        if block.kind != "paragraph":
            return None
        match = _PSEUDO_NUMBER.match(self.lines[block.start].lstrip())
        if match and self._block_asks(block):
            return _pseudo_number(match)
        return None

    def _start_kind(self, block: Block, current: _Card | None, cards: list[_Card], run: _Run,
                    section: _Section) -> tuple[str, str] | str | None:
        """How a block starts a card: ("item", "3"), ("label", ""), ...; "steps"; or None."""
        previous = _number(cards[-1].number) if cards else None
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
            match = _QUESTION_LABEL.match(self.lines[block.start].lstrip())
            return "label", match["number"] or match["number2"] or ""
        sub = _SUB_NUMBER.match(self.lines[block.start].lstrip())
        if sub and cards and cards[-1].number.split(".")[0] == sub["major"] and self._block_asks(block):
            return "sub", f"{sub['major']}.{sub['minor']}"
        number = self._pseudo_start(block)
        if number is None and _PSEUDO_NUMBER.match(self.lines[block.start].lstrip()) and previous is not None:
            # a numbered task that continues the run: `5.Print each item.`
            match = _PSEUDO_NUMBER.match(self.lines[block.start].lstrip())
            if _number(_pseudo_number(match)) == previous + 1 and current is not None \
                    and current.kind == "pseudo":
                number = _pseudo_number(match)
        if number is not None:
            return "pseudo", number
        if current is not None and current.kind in ("item", "pseudo", "plain") \
                and not self.lines[block.start].startswith((" ", "\t")) \
                and is_question_line(self.lines[block.start]) \
                and not _ANSWER_LABEL.match(self.lines[block.start].lstrip()) \
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
            text, _ = strip_label(own[0][1].lstrip(), _QUESTION_LABEL)
            own[0] = (own[0][0], text)
        elif card.kind == "heading":
            text = block.text
            if card.number:
                text = _HEADING_NUMBER.sub("", text, count=1)
            text, _ = strip_label(text, _QUESTION_LABEL)
            own = [(block.start, text)]
        else:
            own = [(n, self.lines[n]) for n in range(block.start, block.end)]
            first = own[0][1].lstrip()
            if card.kind == "label":
                first, _ = strip_label(first, _QUESTION_LABEL)
            elif card.kind == "sub":
                match = _SUB_NUMBER.match(first)
                first = (match["lead"] or "") + first[match.end():]
            elif card.kind == "pseudo":
                match = _PSEUDO_NUMBER.match(first)
                first = (match["lead"] or "") + first[match.end():]
                first, _ = strip_label(first, _QUESTION_LABEL)
            own[0] = (own[0][0], first)
        following = self._following_lines(card, indent)
        if card.kind == "heading":
            split = _Split(own, following)
        else:
            split = self._split_lines(own, following, explicit=card.kind == "label")
        return _Split(_trim(split.question), _trim(_strip_answer_label(split.answer)))

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
        labelled = _answer_label_line(everything)
        if labelled is not None and labelled > 0 and (
                explicit or labelled < len(paragraph) or not any(is_question_line(t) for t in texts)
                or _only_code(everything[len(paragraph):labelled])):
            return _Split(everything[:labelled], everything[labelled:])
        # `问：…？答：…` on one line
        match = _INLINE_ANSWER_LABEL.search(_strip_code(texts[0]))
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
            if _SENTENCE_END.search(_strip_code(texts[k - 1])):
                break
            if is_question_line(texts[k]):
                return self._with_shown_code(paragraph[:k + 1], paragraph[k + 1:] + rest)
        # 4. `问题？答案`: the answer starts on the same line. Not when the line is a whole
        #    sentence and the paragraph goes on (`如何防止过拟合？请列举三种方法。` + answer):
        #    then the answer starts on the next line and the whole line asks.
        if len(texts) > 1 and _SENTENCE_END.search(_strip_code(texts[0])) and asks(texts[0]):
            return self._with_shown_code(paragraph[:1], paragraph[1:] + rest)
        inline = split_inline(texts[0])
        if inline:
            n = paragraph[0][0]
            return _Split([(n, inline[0])], [(n, inline[1])] + paragraph[1:] + rest)
        # 5. a task rather than a question. With text after its paragraph, the paragraph is the
        #    task; else the task ends with the first line that ends a sentence, the answer below
        if not any(text.strip() for _, text in rest):
            for k in range(len(texts) - 1):
                if _SENTENCE_END.search(_strip_code(texts[k])):
                    return _Split(paragraph[:k + 1], paragraph[k + 1:])
        return self._with_shown_code(paragraph, rest)

    def _with_shown_code(self, question: list[tuple[int, str]], answer: list[tuple[int, str]]) -> _Split:
        """`下面的代码输出什么？` + code + answer: the code belongs to the question.

        Only when the question points at it (a colon, `下面`, `following`) and text follows the
        code; a task whose answer is only code keeps the code as its answer.
        """
        last = question[-1][1].rstrip().rstrip(_CLOSERS) if question else ""
        points = last.endswith((":", "：")) or _POINTS_ONWARD.search(" ".join(t for _, t in question))
        if not points:
            return _Split(question, answer)
        k = 0
        while k < len(answer) and not answer[k][1].strip():
            k += 1
        shown = _fence_end(answer, k) or _figure_end(answer, k)
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
        self.choices.append((question[0][0], "the code or figure after this question is read as part of the "
                             "question, since the question points at it",
                             "to show it with the answer instead, put a line of the answer before it"))
        return _Split(question + answer[:shown], rest)


_IMAGE_LINE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$")


def _figure_end(lines: list[tuple[int, str]], k: int) -> int | None:
    """If lines[k] is an image on a line of its own, the index after it (and any images next to it)."""
    end = k
    while end < len(lines) and _IMAGE_LINE.match(lines[end][1]):
        end += 1
    return end if end > k else None


def _markup_only(line: str) -> bool:
    """A line of `#flashcards` tags, a `+++` or an `<!--SR:…-->` comment only: nothing to print."""
    return not SR_COMMENT.sub("", TAG.sub("", line)).strip().strip("+")


def _fence_end(lines: list[tuple[int, str]], k: int) -> int | None:
    """If lines[k] opens a fenced code block, the index just after the block's closing fence."""
    fence = opens_fence(lines[k][1]) if k < len(lines) else None
    if fence is None:
        return None
    return next((j + 1 for j in range(k + 1, len(lines)) if closes_fence(lines[j][1], fence)), None)


def _only_code(lines: list[tuple[int, str]]) -> bool:
    """Whether the lines are blank or fenced code blocks, and nothing else."""
    k = 0
    while k < len(lines):
        if not lines[k][1].strip():
            k += 1
            continue
        end = _fence_end(lines, k)
        if end is None:
            return False
        k = end
    return True


def _answer_label_line(lines: list[tuple[int, str]]) -> int | None:
    """The first line, outside fenced code, that starts with an answer label (`答：`, `Answer:`)."""
    return next((k for k, text in outside_fences(text for _, text in lines)
                 if strip_label(text.lstrip(), _ANSWER_LABEL)[1]), None)


def _pseudo_number(match: re.Match) -> str:
    return match["a"] or match["b"] or match["c"] or match["d"]


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _trim(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Without blank lines at either end."""
    start, end = 0, len(lines)
    while start < end and not lines[start][1].strip():
        start += 1
    while end > start and not lines[end - 1][1].strip():
        end -= 1
    return lines[start:end]


def _strip_answer_label(answer: list[tuple[int, str]]) -> list[tuple[int, str]]:
    for k, (n, text) in enumerate(answer):
        if not text.strip():
            continue
        stripped, found = strip_label(text.lstrip(), _ANSWER_LABEL)
        if found:
            answer = answer[:k] + [(n, stripped)] + answer[k + 1:]
        break
    return answer
