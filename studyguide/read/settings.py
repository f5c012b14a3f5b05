"""How a guide asks to be read: the reader to use per file, and the markers of the `labels` reader.

`format: auto` (the default) lets each section's shape choose its reader; any other format names
one reader for the whole file. A file's front matter (`format:`, `markers:`) wins over these.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMATS = ("auto", "numbered", "headings", "labels", "table", "details", "separator", "cloze",
           "truefalse", "choice")


@dataclass(frozen=True)
class Markers:
    """What marks a question and its answer, for the `labels` reader."""

    question: str = ""  # prefix as text, or a regular expression written as /…/
    answer: str = ""
    tag: str = ""  # e.g. "#card": an outline item holding it is a question, its child items the answer
    container: str = ""  # e.g. "details": ::: details … ::: holds the answer
    key: bool = False  # answers gathered in a key at the end of each section, keyed by number


@dataclass(frozen=True)
class ReadSettings:
    format: str = "auto"
    files: tuple[tuple[str, str], ...] = ()  # (glob pattern relative to the content folder, format)
    markers: Markers = Markers()
