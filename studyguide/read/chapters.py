"""From a file's blocks to chapters: which headings are chapters, what lies outside them, and
each chapter's cards through the reading driver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..diagnostics import finding
from ..markdown import MAX_NESTING
from ..model import Location, Severity
from .blocks import Block, read_blocks
from .driver import fill
from .headings import parse_heading
from .rules import cloze, separator
from .rules.details import CLOSE, holds
from .rules.headings import looks_like_question
from .rules.starts import View, block_asks, label_start, pseudo_start
from .rules.separator import SR_COMMENT, TAG, tagged_in_front
from .settings import Markers
from .source import Source
from .text import ANSWER_LABEL, CHAPTER_WORDS, HEADING_NUMBER, PSEUDO_NUMBER, QUESTION_LABEL, SUB_NUMBER, WRAPPER, asks, line_span


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


class ChapterReader:
    """Reads one file's blocks into chapter drafts and reports what it could not place."""

    def __init__(self, source: Source, format: str = "auto", markers: Markers = Markers()) -> None:
        self.source = source
        self.lines = source.lines
        self.format, self.markers = format, markers
        # counted by the regular expression engine: a Python loop over a 1 MB file takes a second
        han = len(re.findall("[\u4e00-\u9fff]", source.text))
        latin = len(re.findall("[A-Za-z]", source.text))  # the ASCII letters
        self.language = "zh-CN" if han and han * 3 >= latin else "en"
        faults: list[tuple[str, int]] = []
        self.diagnostics: list = []
        self.cloze_spent = 0  # characters of the file's cloze cards so far, against cloze.MAX_PER_FILE
        blocks = read_blocks(self.lines, source.body_start, faults=faults)
        self.blocks = self._code_comments(self._split_paragraphs(self._details(blocks)))
        self.diagnostics += [self._fault(kind, line) for kind, line in faults]
        self.view = View(self.lines, self.blocks)  # what the rules read
        # `#flashcards` anywhere in the file: its `q::a` and `?` cards count as questions
        self.tagged = bool(TAG.search(source.text)) or tagged_in_front(self.lines)

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

    def _details(self, blocks: list[Block]) -> list[Block]:
        """`<details>` … `</details>` as one block: the headings and lists inside it belong to the
        answer it holds (`#### Answer: B`), never to the chapter's structure."""
        out: list[Block] = []
        k = 0
        while k < len(blocks):
            block = blocks[k]
            end = None
            if block.kind in ("paragraph", "other") and holds([(block.start, self.lines[block.start])]):
                end = next((j for j in range(k, len(blocks))
                            if any(CLOSE.search(self.lines[n]) for n in range(blocks[j].start, blocks[j].end))), None)
            if end is None:
                out.append(block)
                k += 1
                continue
            out.append(Block("other", block.start, blocks[end].end, text=""))
            k = end + 1
        return out

    def _code_comments(self, blocks: list[Block]) -> list[Block]:
        """`# install` between two lines of unfenced code is a comment in it, not a heading.

        A heading with text right above and right below it (no blank line either side), inside a
        numbered answer, is read as text; a note says so."""
        out: list[Block] = []
        joined = -1  # the end of the last heading read as text: the text right after joins it
        for k, block in enumerate(blocks):
            inside = (block.kind == "heading" and block.start > 0 and block.end < len(self.lines)
                      and block.level == 1 and self.lines[block.start - 1].strip()
                      and self.lines[block.end].strip() and k > 0
                      and blocks[k - 1].kind in ("paragraph", "other") and blocks[k - 1].end == block.start)
            if inside:
                self.diagnostics.append(finding(
                    "SG205", "a line starting with `#` between two lines of text is read as text (a comment "
                    "in code, say), not as a heading", self.location(block.start),
                    "to make it a heading, put a blank line above and below it; to show code, fence it with ```"))
            if (inside or block.start == joined) and block.kind in ("heading", "paragraph", "other") \
                    and out and out[-1].kind == "paragraph" and out[-1].end == block.start:
                out[-1] = Block("paragraph", out[-1].start, block.end, text=out[-1].text)
                joined = block.end if inside else -1
                continue
            out.append(block)
        return out

    def _opens_card(self, n: int) -> bool:
        line = self.lines[n].lstrip()
        if QUESTION_LABEL.match(line):
            return True
        if SUB_NUMBER.match(line) and asks(line):
            return True
        if PSEUDO_NUMBER.match(line):
            following = self.lines[n + 1].lstrip() if n + 1 < len(self.lines) else ""
            return asks(line) or bool(ANSWER_LABEL.match(following))
        return False

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
            self.diagnostics += _errors(findings)
            from .rules.labels import suggestion
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
                continue
            self.diagnostics += _errors(findings)  # a chapter without cards still stops the build when told to
            if parsed.numbered:
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
        questions = self._numbered_questions(headings)
        for i in headings:
            block = self.blocks[i]
            if block_asks(self.view, block) or self._answer_follows(i) or i in questions:
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
            if len(above) == 1 and above[0] == headings[0] and not WRAPPER.search(self.blocks[above[0]].text) \
                    and not block_asks(self.view, self.blocks[above[0]]):
                return self.blocks[above[0]].level
            return level
        front = self.source.front_matter
        if front.get("title") or front.get("chapter") is not None:
            return None
        plain = [self.blocks[i].level for i in headings
                 if not block_asks(self.view, self.blocks[i]) and not self._answer_follows(i)]
        if not plain:
            return None
        # `## Q5 什么是协程` `## Explain named slots`: headings that are questions, not chapters
        top = [self.blocks[i] for i in headings if self.blocks[i].level == min(plain)]
        if self.format == "headings" and len(set(plain)) == 1:
            return None  # declared: one level of headings, and every one of them a question
        if self.format == "auto" and len(top) > 1 and \
                sum(looks_like_question(b.text) for b in top) * 5 >= len(top) * 4:
            return None
        # "# Title" over "## Question?" sections: the shallowest plain heading names the chapter
        return min(plain)

    def _numbered_questions(self, headings: list[int]) -> set[int]:
        """`### 1. Pod 是什么`, `### 2. …` with only answers under them: a level of two or more
        headings numbered `N.`, none of which holds numbered questions, asks; it names no chapters."""
        found: set[int] = set()
        for level in {self.blocks[i].level for i in headings}:
            same = [i for i in headings if self.blocks[i].level == level]
            bare = [i for i in same if HEADING_NUMBER.match(self.blocks[i].text)]
            if len(bare) >= 2 and len(bare) == len(same) and not any(self._holds_starts(i) for i in bare):
                found.update(bare)
        return found

    def _suggest(self, first: int, end: int) -> str:
        """The `format:` declaration that would read blocks[first:end], from the markers seen most."""
        from .rules.labels import suggestion
        blocks = self.blocks[first:end]
        return suggestion(self.lines[blocks[0].start:max(b.end for b in blocks)]) if blocks else ""

    def _answer_follows(self, heading_index: int) -> bool:
        """Whether a `<details>` answer comes right under the heading: the heading is a question."""
        after = self.blocks[heading_index + 1] if heading_index + 1 < len(self.blocks) else None
        return after is not None and after.kind in ("paragraph", "other") and holds([(after.start, self.lines[after.start])])

    def _holds_starts(self, heading_index: int) -> bool:
        """Whether the text right under a heading holds questions: numbered or labelled ones, or a
        question | answer table, cloze deletions or (in a file tagged `#flashcards`) note-app
        cards, up to the next heading, or a question in heading form as the next heading below it."""
        level = self.blocks[heading_index].level
        for block in self.blocks[heading_index + 1:]:
            if block.kind == "heading":
                return block.level > level and block_asks(self.view, block)
            if block.kind == "item" and block.ordered:
                return True
            if block.kind == "paragraph" and (label_start(self.view, block) or pseudo_start(self.view, block)):
                return True
            if block.kind in ("paragraph", "item", "other") and self._holds_flashcards(block):
                return True
            if block.kind == "table":
                from .rules.table import holds_cards

                if holds_cards(self.lines[block.start:block.end]):
                    return True
        return False

    def _holds_flashcards(self, block: Block) -> bool:
        lines = self.lines[block.start:block.end]
        highlights = self.format == "cloze"  # `==text==` is a deletion only where the file says it is cloze
        return bool(cloze.deletions("\n".join(lines), highlights)) or (self.tagged and separator.holds(lines))

    def _file_title(self) -> tuple[str, int | None]:
        front = self.source.front_matter
        stem = self.source.path.stem
        match = CHAPTER_WORDS.match(stem)
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

    def _fill(self, draft: ChapterDraft, first: int, end: int) -> list:
        return fill(self, draft, first, end)


def _errors(findings: list) -> list:
    return [made for made in findings if made.severity is Severity.ERROR]


def _markup_only(line: str) -> bool:
    """A line of `#flashcards` tags, a `+++` or an `<!--SR:…-->` comment only: nothing to print."""
    return not SR_COMMENT.sub("", TAG.sub("", line)).strip().strip("+")
