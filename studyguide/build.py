"""The pipeline: read → check → layout → print → write, for every output a build asks for."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .check import check_guide
from .config import Settings
from .fonts import FACES, font_dir, subset, woff_data_uri
from .i18n import strings
from .layout import Layouts, Meta, chapter_views
from .layout.content import ContentRenderer
from .layout.flashcards import flashcards_html
from .layout.sheets import PRESETS
from .layout.workbook import workbook_html
from .model import Diagnostic, Guide
from .read import read_guide
from .resources import LAYOUTS
from .write import write_atomic


@dataclass(frozen=True)
class Output:
    """One file a build wrote, for the summary."""

    path: Path
    pages: int
    cards: int
    size_bytes: int
    seconds: float


@dataclass
class Result:
    guide: Guide | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(d.severity.name == "ERROR" for d in self.diagnostics)


def created_date(sources: list[Path]) -> str:
    """SOURCE_DATE_EPOCH if set, else the newest content file's time: stable from build to build."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        stamp = int(epoch)
    else:
        stamp = max((int(p.stat().st_mtime) for p in sources if p.exists()), default=0)
    return datetime.fromtimestamp(stamp, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def guide_meta(settings: Settings, guide: Guide, language: str) -> Meta:
    g = settings.guide
    words = strings(language)
    titles = [chapter.title for chapter in guide.chapters]
    return Meta(title=g.title or words["title"], subtitle=g.subtitle, course=g.course, author=g.author,
                subject=g.subtitle or g.course or "、".join(titles[:3]), keywords=tuple(g.keywords),
                created=created_date(list(guide.sources)), date=g.date)


def language_of(settings: Settings, guide: Guide) -> str:
    return guide.language if settings.guide.language == "auto" else settings.guide.language


def build(settings: Settings, content: list[Path], out_dir: Path, user_layouts: Path | None = None) -> Result:
    result = Result()
    fonts = font_dir()
    guide = read_guide(content)
    result.guide = guide
    result.diagnostics += guide.diagnostics
    roots = [p.resolve() if p.is_dir() else p.resolve().parent for p in content]
    result.diagnostics += check_guide(guide, fonts, roots)
    if result.failed:
        return result
    language = language_of(settings, guide)
    breaks = settings.build.line_breaks == "keep" or (
        settings.build.line_breaks == "auto" and language.startswith("zh"))
    renderer = ContentRenderer(roots, breaks=breaks)
    views = chapter_views(guide, renderer)
    meta = guide_meta(settings, guide, language)
    layouts = Layouts(user_layouts)
    files: dict[Path, tuple[bytes | str, int, int, float]] = {}
    wanted = set(settings.build.outputs)

    if wanted & {"workbook", "flashcards"}:
        from .printing.finish import finish_flashcards, finish_workbook
        from .printing.render import Printer

        allowed = roots + [LAYOUTS, fonts] + ([user_layouts] if user_layouts else [])
        printer = Printer(allowed)
        font_url = lambda name: (fonts / name).resolve().as_uri()  # noqa: E731
        if "workbook" in wanted:
            started = time.perf_counter()
            html = workbook_html(layouts, views, meta, settings, language, "workbook", font_url=font_url)
            document = printer.render(html, out_dir)
            pdf = finish_workbook(printer.pdf(document, _identifier(html)), meta, language)
            files[out_dir / "workbook.pdf"] = (pdf, len(document.pages), len(guide.cards),
                                               time.perf_counter() - started)
        if "flashcards" in wanted:
            started = time.perf_counter()
            stock = PRESETS[settings.cards.preset]
            cards = [view for chapter in views for view in chapter.cards]
            html = flashcards_html(layouts, cards, stock, settings, language, meta, font_url)
            document = printer.render(html, out_dir)
            pdf = finish_flashcards(printer.pdf(document, _identifier(html)), meta, language, settings.cards.flip)
            files[out_dir / "flashcards.pdf"] = (pdf, len(document.pages), len(guide.cards),
                                                 time.perf_counter() - started)
        for url, reason in printer.fetcher.refused:
            result.diagnostics.append(_refused(url, reason))
        if result.failed:
            return result

    if "html" in wanted:
        started = time.perf_counter()
        characters = set()
        for chapter in views:
            for view in chapter.cards:
                characters |= set(view.card.question + view.card.answer + view.chapter_title)
            characters |= set(chapter.label + chapter.title + chapter.chapter.notes)
        characters |= set(meta.title + "".join(strings(language).values()) + "0123456789")
        uris = {face.file: None for face in FACES}
        for file in uris:
            uris[file] = woff_data_uri(subset(fonts, file, characters))
        font_url = lambda name: uris[name]  # noqa: E731
        words = strings(language)
        for side, other in (("questions", "answers"), ("answers", "questions")):
            stylesheet = layouts.stylesheet("fonts.css.j2", "typography.css", "screen.css", font_url=font_url)
            from .layout.content import highlight_css
            page = layouts.render(f"{side}.html.j2", language=language, meta=meta, words=words,
                                  chapters=views, stylesheet=stylesheet + "\n" + highlight_css(),
                                  side_name=words[f"{side}_page"], other_page=f"{other}.html")
            files[out_dir / f"{side}.html"] = (page, 0, len(guide.cards), time.perf_counter() - started)

    for path, (data, pages, cards, seconds) in files.items():
        write_atomic(path, data)
        size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
        result.outputs.append(Output(path, pages, cards, size, seconds))
    return result


def _identifier(html: str) -> bytes:
    """The PDF /ID comes from what is printed, so the same input gives the same file."""
    return hashlib.sha256(f"{__version__}\n{html}".encode()).hexdigest()[:32].encode()


def _refused(url: str, reason: str) -> Diagnostic:
    from .diagnostics import finding
    return finding("SG503", f"the renderer was refused {url}: {reason}",
                   hint="use only files inside the content, layouts and fonts folders")
