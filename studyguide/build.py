"""The pipeline: read → check → layout → print → write, for every output a build asks for."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .check import check_guide
from .config import Settings
from .diagnostics import finding
from .export import anki as anki_export
from .export import tsv as tsv_export
from .fonts import font_dir
from .i18n import strings
from .layout import Layouts, Meta, chapter_views
from .layout.content import ContentRenderer
from .model import Diagnostic, Guide, Severity
from .outputs import Context, Plan
from .outputs import flashcards as flashcards_output
from .outputs import pages as pages_output
from .outputs import study as study_output
from .outputs import workbook as workbook_output
from .printing.pool import Pool
from .read import read_guide
from .resources import LAYOUTS
from .write import write_atomic

# setting value in build.outputs → the module that plans it
OUTPUTS = {
    "workbook": workbook_output,
    "flashcards": flashcards_output,
    "html": pages_output,
    "study": study_output,
    "anki": anki_export,
    "csv": tsv_export,
}


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


def content_roots(content: list[Path]) -> list[Path]:
    """The folders content may refer to (images): each content folder, or a file's own folder."""
    return [p.resolve() if p.is_dir() else p.resolve().parent for p in content]


def build(settings: Settings, content: list[Path], out_dir: Path, user_layouts: Path | None = None) -> Result:
    result = Result()
    fonts = font_dir()
    guide = read_guide(content)
    result.guide = guide
    result.diagnostics += guide.diagnostics
    roots = content_roots(content)
    result.diagnostics += check_guide(guide, fonts, roots)
    if result.failed:
        return result
    language = language_of(settings, guide)
    breaks = settings.build.line_breaks == "keep" or (
        settings.build.line_breaks == "auto" and language.startswith("zh"))
    views = chapter_views(guide, ContentRenderer(roots, breaks=breaks))
    allowed = [str(p) for p in roots + [LAYOUTS, fonts] + ([user_layouts] if user_layouts else [])]
    context = Context(settings, guide, views, guide_meta(settings, guide, language), language,
                      Layouts(user_layouts), fonts, tuple(allowed), out_dir)
    started = time.perf_counter()
    plans: dict[str, Plan] = {name: OUTPUTS[name].plan(context) for name in settings.build.outputs}

    jobs = [job for plan in plans.values() for job in plan.jobs]
    owner = {job.key: name for name, plan in plans.items() for job in plan.jobs}
    rendered = {}
    if jobs:
        workers = settings.build.jobs or min(len(jobs), os.cpu_count() or 1)

        def then(item):
            follow = plans[owner[item.key]].then(item)
            owner.update({job.key: owner[item.key] for job in follow})
            return follow

        with Pool(workers) as pool:
            rendered = pool.run(jobs, then)
    result.diagnostics += context.diagnostics
    for item in rendered.values():
        for url, reason in item.refused:
            result.diagnostics.append(finding(
                "SG503", f"the renderer was refused {url}: {reason}",
                hint="use only files inside the content, layouts and fonts folders"))
    if result.failed:
        return result

    files: dict[Path, bytes | str] = {}
    pages: dict[str, int] = {}
    for name, plan in plans.items():
        mine = {key: item for key, item in rendered.items() if owner.get(key) == name}
        for file, data in plan.files(mine).items():
            files[out_dir / file] = data
        pages.update(plan.pages(mine))
    seconds = time.perf_counter() - started
    # written only once everything rendered, so a failed build leaves the old outputs alone
    for path, data in files.items():
        write_atomic(path, data)
        size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
        result.outputs.append(Output(path, pages.get(path.name, 0), len(guide.cards), size, seconds))
    return result
