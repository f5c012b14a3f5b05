"""Outputs: what each file of a build needs rendered, and how its pieces become the file.

Each output module offers `plan(context) -> Plan`. The build runs the jobs of every plan in
one worker pool, so pieces of different outputs render side by side; a plan's `then` may add
jobs when one finishes (a render after a measuring pass), and its `files` turns the rendered
pieces into the bytes of its files. What an output finds (a card too long for its card) it
returns: with its plan, and with each step its `then` takes; nothing is written into the context.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping, NamedTuple

from .. import __version__
from ..config import Settings
from ..fonts import Fonts
from ..layout import ChapterView, Layouts, Meta
from ..model import Diagnostic, Guide
from ..printing.pool import Job, Rendered


# a file's folder: the fonts cut for a build sit in the user's cache, under a folder named
# after the guide's path, so the same guide in two places would otherwise get two /IDs
_FOLDER = re.compile(r"(file://|/)[^\s\"'()<>]*/(?=[^/\s\"'()<>]+)")


def identifier(html: str) -> bytes:
    """The PDF /ID comes from what is printed, so the same input gives the same file, wherever
    it is built."""
    printed = _FOLDER.sub("", html)
    return hashlib.sha256(f"{__version__}\n{printed}".encode()).hexdigest()[:32].encode()


@dataclass(frozen=True)
class Context:
    """What every output of one build shares; no output changes it."""

    settings: Settings
    guide: Guide
    views: tuple[ChapterView, ...]
    meta: Meta
    language: str
    layouts: Layouts
    fonts: Fonts
    roots: tuple[str, ...]  # folders the renderer may read
    out_dir: Path
    work_dir: Path  # for files a build keeps between runs (the cache)
    cache: object = None  # the build's JobCache, for outputs that keep records of parts of a render
    # whether a core is free of rendering workers right now: work this process does then costs the
    # workers no time (an edit's one worker), where with every core rendering it would slow them
    spare_core: Callable[[], bool] = lambda: False

    @property
    def print_meta(self) -> Meta:
        """The metadata for rendering PDFs: without dates, so a rendered piece stays valid (and
        cached) across edits elsewhere; `info()` puts the dates in afterwards."""
        return dataclasses.replace(self.meta, created="")

    def info(self) -> dict[str, str]:
        """The PDF document information every PDF of the build carries."""
        from ..cache import engine_version
        from ..printing.finish import pdf_date

        meta = self.meta
        date = pdf_date(meta.created) if meta.created else ""
        return {"Title": meta.title, "Author": meta.author, "Subject": meta.subject,
                "Keywords": ", ".join(meta.keywords), "Creator": f"studyguide {__version__}",
                "Producer": f"WeasyPrint {engine_version()}", "CreationDate": date, "ModDate": date}

    @functools.cached_property
    def code_css(self) -> str:
        """The syntax-highlighting styles, or nothing when no card has highlighted code: dozens of
        selectors tested against every element cost WeasyPrint a quarter of its time for nothing."""
        from ..layout.content import highlight_css

        marker = '<pre><code class="language-'
        if any(marker in view.question or marker in view.answer for view in self.cards):
            return highlight_css()
        return ""

    def font_url(self, name: str) -> str:
        return self.fonts.url(name)

    def job(self, key: str, html: str, measure: tuple[str, ...] = (), variant: str = "",
            report: bool = False, urgent: bool = False, label: str = "", lines: str = "",
            texts: str = "") -> Job:
        """A render job; `label` names it as users know it ("workbook, chapters 1–5")."""
        return Job(key, html, str(self.out_dir.resolve()), self.roots, identifier(html), measure, variant,
                   report, urgent, lines, texts, label)

    @property
    def cards(self):
        return [view for chapter in self.views for view in chapter.cards]


class Step(NamedTuple):
    """What a plan makes of one finished job: the jobs to run next, and what it found."""

    jobs: tuple[Job, ...] = ()
    findings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class Plan:
    jobs: tuple[Job, ...]
    files: Callable[[dict[str, Rendered]], dict[str, bytes | str]]
    then: Callable[[Rendered], Step] = lambda rendered: Step()
    pages: Callable[[dict[str, Rendered]], dict[str, int]] = lambda rendered: {}
    cards: Mapping[str, int] = field(default_factory=dict)  # cards in a file, when not the whole guide
    expected: int = 0  # jobs this plan will run in all, follow-ups included, as far as known up front
    findings: tuple[Diagnostic, ...] = ()  # found while planning
    # plain data for a later build in which only where cards sit changed (flashcards: see
    # `placed_again`), or None
    keep: Callable[[dict[str, Rendered]], dict | None] = lambda rendered: None

    def __post_init__(self) -> None:
        object.__setattr__(self, "jobs", tuple(self.jobs))
        object.__setattr__(self, "cards", MappingProxyType(dict(self.cards)))
        object.__setattr__(self, "findings", tuple(self.findings))
