"""The data passed between the pipeline's steps: plain frozen dataclasses, no behaviour."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.IntEnum):
    NOTE = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


def escaped(text: str) -> str:
    """A file's name as a finding shows it: a newline as \\n, a byte that is not UTF-8 (which
    os.fsdecode keeps as a lone surrogate) as \\xff, so a name can neither split a finding's line
    nor fake another one."""
    return "".join(f"\\x{ord(ch) - 0xdc00:02x}" if "\udc80" <= ch <= "\udcff" else
                   ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file: 1-based line and column."""

    path: Path
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        path = self.path
        if path.is_absolute():  # shown as the user would type it, from where they are
            try:
                path = path.relative_to(Path.cwd())
            except ValueError:
                pass
        # a newline or stray byte in a name must not split the finding's line, nor fake another
        shown = escaped(str(path))
        if not self.line:  # a folder, or a file as a whole: no line to point at
            return shown
        return f"{shown}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    """One finding about the input: where, what is wrong, and how to fix it."""

    severity: Severity
    code: str
    message: str
    location: Location | None = None
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.severity} {self.code} {self.message}{hint}"


@dataclass(frozen=True)
class Card:
    """One question and its answer, both kept as the Markdown the author wrote."""

    chapter: int  # the chapter's number, as shown
    chapter_index: int  # 1-based order of the chapter in the guide
    position: int  # 1-based order within the chapter
    number: str  # as written in the source ("7", "07"); "" when the item had none
    question: str
    answer: str
    location: Location  # where the question starts
    answer_line: int = 0  # where the answer starts; 0 when there is none
    section: str = ""  # the sub-heading the card sits under inside its chapter, if any
    rule: str = ""  # the reading rule that made the card: "numbered", "table", "cloze", ...

    @property
    def shown_number(self) -> str:
        return self.number or str(self.position)

    @property
    def label(self) -> str:
        """`1.3`: chapter and question number, printed on both sides of a flashcard."""
        return f"{self.chapter}.{self.shown_number}"

    @property
    def anchor(self) -> str:
        """An ASCII id, unique in the guide even when numbers as written repeat."""
        return f"q{self.chapter_index}-{self.position}"


@dataclass(frozen=True)
class Chapter:
    index: int  # 1-based order in the guide
    number: int
    title: str
    location: Location
    cards: tuple[Card, ...] = ()
    notes: str = ""  # Markdown of a chapter's text that belongs to no card
    language: str = ""
    tags: tuple[str, ...] = ()
    source: Path | None = None  # the file, as an absolute path, for resolving images
    detected: str = ""  # the language its file's text looks like, for a file whose front matter names none
    readers: tuple[str, ...] = ()  # the reader of each of its sections, in order: ("headings", "table")

    @property
    def anchor(self) -> str:
        return f"ch{self.index}"


@dataclass(frozen=True)
class Guide:
    """Everything read from the content: chapters in order, and what was found wrong."""

    chapters: tuple[Chapter, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    sources: tuple[Path, ...] = ()
    language: str = "zh-CN"

    @property
    def cards(self) -> tuple[Card, ...]:
        return tuple(card for chapter in self.chapters for card in chapter.cards)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)
