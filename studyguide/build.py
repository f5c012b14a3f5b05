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
from .diagnostics import finding
from .fonts import FACES, font_dir, subset, woff_data_uri
from .i18n import strings
from .layout import ChapterView, Layouts, Meta, chapter_views
from .layout.content import ContentRenderer, highlight_css
from .layout.fit import choose, measure_items, measured_ids
from .layout.flashcards import flashcards_html, measure_html
from .layout.sheets import PRESETS
from .layout.workbook import workbook_html
from .model import Diagnostic, Guide, Severity
from .printing.pool import Job, Pool, Rendered
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
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


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


def identifier(html: str) -> bytes:
    """The PDF /ID comes from what is printed, so the same input gives the same file."""
    return hashlib.sha256(f"{__version__}\n{html}".encode()).hexdigest()[:32].encode()


@dataclass
class _Context:
    """What every output of one build shares."""

    settings: Settings
    guide: Guide
    views: tuple[ChapterView, ...]
    meta: Meta
    language: str
    layouts: Layouts
    fonts: Path
    roots: tuple[str, ...]
    out_dir: Path

    def font_url(self, name: str) -> str:
        return (self.fonts / name).resolve().as_uri()

    def job(self, key: str, html: str, measure: tuple[str, ...] = ()) -> Job:
        return Job(key, html, str(self.out_dir.resolve()), self.roots, identifier(html), measure)

    @property
    def cards(self):
        return [view for chapter in self.views for view in chapter.cards]


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
    views = chapter_views(guide, ContentRenderer(roots, breaks=breaks))
    allowed = [str(p) for p in roots + [LAYOUTS, fonts] + ([user_layouts] if user_layouts else [])]
    context = _Context(settings, guide, views, guide_meta(settings, guide, language), language,
                       Layouts(user_layouts), fonts, tuple(allowed), out_dir)
    wanted = set(settings.build.outputs)
    files: dict[Path, tuple[bytes | str, int, float]] = {}
    started = time.perf_counter()

    jobs, follow = [], {}
    if "workbook" in wanted:
        jobs.append(context.job("workbook", workbook_html(
            context.layouts, views, context.meta, settings, language, "workbook", font_url=context.font_url)))
    if "flashcards" in wanted:
        stock = PRESETS[settings.cards.preset]
        items = measure_items(context.cards, stock, settings.cards.base_size_pt, settings.cards.min_size_pt)
        ids = measured_ids(items)
        jobs.append(context.job("flashcards:measure", measure_html(
            context.layouts, items, stock, language, context.meta, context.font_url), measure=ids))

        def after_measure(rendered: Rendered) -> list[Job]:
            fits = choose(context.cards, stock, items, rendered.anchors)
            for (anchor, side), fit in fits.items():
                if not fit.fits:
                    result.diagnostics.append(finding(
                        "SG601", f"card {anchor} ({side}) does not fit even at {fit.size_pt:g} pt"))
            html = flashcards_html(context.layouts, context.cards, stock, settings, language, context.meta,
                                   context.font_url, fits)
            return [context.job("flashcards", html)]
        follow["flashcards:measure"] = after_measure

    if jobs:
        from .printing.finish import finish_flashcards, finish_workbook

        workers = settings.build.jobs or min(len(jobs), os.cpu_count() or 1)
        with Pool(workers) as pool:
            rendered = pool.run(jobs, lambda r: follow[r.key](r) if r.key in follow else [])
        for item in rendered.values():
            for url, reason in item.refused:
                result.diagnostics.append(finding(
                    "SG503", f"the renderer was refused {url}: {reason}",
                    hint="use only files inside the content, layouts and fonts folders"))
        if result.failed:
            return result
        if "workbook" in rendered:
            item = rendered["workbook"]
            files[out_dir / "workbook.pdf"] = (finish_workbook(item.pdf, context.meta, language), item.pages,
                                               time.perf_counter() - started)
        if "flashcards" in rendered:
            item = rendered["flashcards"]
            files[out_dir / "flashcards.pdf"] = (
                finish_flashcards(item.pdf, context.meta, language, settings.cards.flip), item.pages,
                time.perf_counter() - started)

    if "html" in wanted:
        for name, page in html_pages(context).items():
            files[out_dir / name] = (page, 0, time.perf_counter() - started)

    for path, (data, pages, seconds) in files.items():
        write_atomic(path, data)
        size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
        result.outputs.append(Output(path, pages, len(guide.cards), size, seconds))
    return result


def html_pages(context: _Context) -> dict[str, str]:
    """questions.html and answers.html, each a single file with its fonts inside."""
    words = strings(context.language)
    characters = set(context.meta.title + "".join(words.values()) + "0123456789")
    for chapter in context.views:
        characters |= set(chapter.label + chapter.title + chapter.chapter.notes)
        for view in chapter.cards:
            characters |= set(view.card.question + view.card.answer + view.chapter_title)
    uris = {face.file: woff_data_uri(subset(context.fonts, face.file, characters)) for face in FACES}
    stylesheet = context.layouts.stylesheet("fonts.css.j2", "typography.css", "screen.css",
                                            font_url=uris.__getitem__)
    pages = {}
    for side, other in (("questions", "answers"), ("answers", "questions")):
        pages[f"{side}.html"] = context.layouts.render(
            f"{side}.html.j2", language=context.language, meta=context.meta, words=words,
            chapters=context.views, stylesheet=stylesheet + "\n" + highlight_css(),
            side_name=words[f"{side}_page"], other_page=f"{other}.html")
    return pages
