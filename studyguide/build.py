"""The pipeline: read → check → layout → print → write, for every output a build asks for."""

from __future__ import annotations

import importlib
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from .cache import JobCache
from .check import chapter_language, content_roots, language_of, read_and_check, where_written
from .config import Settings
from .diagnostics import finding
from .fonts import prepared
from .i18n import list_separator, strings
from .layout import LayoutError, Layouts, Meta, chapter_views
from .layout.content import ContentRenderer
from .layout.workbook import glyphs_html
from .model import Diagnostic, Guide, Location
from .outcome import Made, Result, created_date, write_outputs
from .outputs import Context, Plan
from .printing.pool import Pool, Rendered
from .read.symbols import symbol_characters
from .read.text import with_references
from .select import select_chapters, shuffle_questions
from .resources import LAYOUTS

# setting value in build.outputs → the module of studyguide.outputs that plans it, imported when
# asked for: `export csv` need not load the flashcards' or the workbook's code
OUTPUTS = {
    "workbook": "workbook",
    "flashcards": "flashcards",
    "html": "pages",
    "quiz": "quiz",
    "study": "study",
    "anki": "anki",
    "csv": "tsv",
}


def output(name: str):
    """The module that plans the output `name` (a key of OUTPUTS)."""
    return importlib.import_module(f".outputs.{OUTPUTS[name]}", __package__)


def guide_meta(settings: Settings, guide: Guide, language: str) -> Meta:
    g = settings.guide
    words = strings(language)
    titles = [chapter.title for chapter in guide.chapters]
    return Meta(title=g.title or words["title"], subtitle=g.subtitle, course=g.course, author=g.author,
                subject=g.subtitle or g.course or list_separator(language).join(titles[:3]), keywords=tuple(g.keywords),
                created=created_date(list(guide.sources)), date=g.date)


def shown_characters(guide: Guide, views, meta: Meta) -> set[str]:
    """Every character a page of the guide can show: its files, its settings and our own words."""
    from .i18n import STRINGS

    texts = [meta.title, meta.subtitle, meta.course, meta.author, meta.subject, meta.date, *meta.keywords,
             "0123456789"]
    texts += [word for words in STRINGS.values() for word in words.values()]
    texts += [view.label + view.title for view in views]
    for path in guide.sources:
        try:
            texts.append(with_references(symbol_characters(path.read_text(encoding="utf-8-sig", errors="replace"))))
        except OSError:
            pass
    return set("".join(texts))


def _refused(url: str, reason: str, user_layouts: Path | None) -> Diagnostic:
    """The renderer's refusal of a URL, at the layout line that wrote it: only a guide's own
    layouts can, since content images are checked before rendering and shown as text."""
    found = where_written(url, user_layouts) if user_layouts else None
    hint = ("put the file in the layouts folder and refer to it by a relative path, or use a data: URL; "
            "a build reads only files inside the content, layouts and fonts folders")
    if found is None:
        return finding("SG503", f"the renderer was refused {url}: {reason}; a layout wrote it", hint=hint)
    where, whole = found
    how = "written here" if whole else "probably made here (this line holds part of it)"
    return finding("SG503", f"layout `{where.path.name}`: the renderer was refused {url}, {how}: {reason}",
                   where, hint)


def build(settings: Settings, content: list[Path], out_dir: Path, user_layouts: Path | None = None,
          work_dir: Path | None = None, fingerprint: str = "", progress=None, pool: Pool | None = None,
          kept: dict[str, str] | None = None, prime: bool = False) -> Result:
    """Build every output the settings ask for.

    `work_dir` is the cache kept between builds (rendered jobs, and the manifest of what was
    written, saved under `fingerprint`, with `kept`: outputs this build leaves as they are, by
    digest); without it, nothing is kept. A `pool` of worker processes may be passed in to
    outlive the build (watching keeps one warm); with `prime`, its workers then render a page in
    the guide's fonts, for nothing but to have them loaded for the next build.
    """
    if work_dir is None:
        with tempfile.TemporaryDirectory(prefix="studyguide-") as temporary:
            return build(settings, content, out_dir, user_layouts, Path(temporary), progress=progress, pool=pool)
    result = Result()
    guide, fonts, result.diagnostics = read_and_check(settings, content, user_layouts)
    checked = tuple(result.diagnostics)  # what reading and checking found, before any output's findings
    result.guide = guide
    roots = content_roots(content)
    if result.failed:
        return result
    problem = _unwritable(out_dir)
    if problem:
        result.diagnostics.append(problem)
        return result
    # raises SelectionError for chapters the guide does not have
    guide = select_chapters(guide, settings.build.chapters)
    if settings.build.shuffle:
        guide = shuffle_questions(guide, settings.build.seed)
    result.guide = guide
    language = language_of(settings, guide)
    breaks = settings.build.line_breaks == "keep" or (
        settings.build.line_breaks == "auto" and language.startswith(("zh", "ja")))
    languages = {chapter.index: chapter_language(settings, guide, chapter) for chapter in guide.chapters}
    views = chapter_views(guide, ContentRenderer(roots, breaks=breaks, language=language), language, languages)
    work_dir = work_dir.resolve()
    meta = guide_meta(settings, guide, language)
    fonts = prepared(fonts, shown_characters(guide, views, meta), work_dir)
    allowed = [str(p) for p in roots + [LAYOUTS, fonts.folder, work_dir] + ([user_layouts] if user_layouts else [])]
    allowed += sorted({str(Path(face.file).parent) for face in fonts.faces if Path(face.file).is_absolute()})
    # templates are compiled in memory, never kept on disk: a compiled template on disk is code,
    # and loading it back would run whatever a damaged or planted file holds
    layouts = Layouts.for_build(user_layouts)
    layouts.env.allow_for(len(guide.cards))
    layouts.use_fonts(fonts)
    context = Context(settings, guide, views, meta, language, layouts, fonts, tuple(allowed), out_dir, work_dir,
                      cache=JobCache(work_dir) if fingerprint else None,
                      spare_core=pool.spare_core if pool is not None else Context.spare_core)
    try:
        result = _render_and_write(settings, context, result, out_dir, work_dir, fingerprint, progress, pool,
                                   kept or {}, checked)
    except LayoutError as exc:
        result.diagnostics.append(exc.diagnostic)
        return result
    if prime and pool is not None and not result.failed:
        pool.prime(context.job("warm-up", glyphs_html(context.layouts, context.language, context.font_url)))
    return result


def _unwritable(out_dir: Path):
    """A finding if the output folder cannot be made or written to, checked before any rendering
    (and without making it: a build that fails later leaves no empty folder behind)."""
    existing = out_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    problem = ""
    if not existing.is_dir():
        problem = f"{existing} is a file, not a folder"
    elif existing == out_dir:
        try:
            with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".studyguide-", suffix=".tmp"):
                pass
        except OSError as exc:
            problem = exc.strerror or str(exc)
    elif not os.access(existing, os.W_OK | os.X_OK):
        problem = f"{existing} is not writable"
    if problem:
        return finding("SG701", f"cannot write to {out_dir}: {problem}", Location(out_dir),
                       "choose another folder with --out, or fix its permissions")
    return None


def _render_and_write(settings: Settings, context: Context, result: Result, out_dir: Path, work_dir: Path,
                      fingerprint: str, progress, pool: Pool | None, kept: dict[str, str],
                      checked: tuple[Diagnostic, ...] = ()) -> Result:
    wanted = ["quiz"] if settings.build.quiz else settings.build.outputs
    plans: dict[str, Plan] = {}
    for name in wanted:  # up to the first output with pieces to render, whose jobs then start at once
        plans[name] = output(name).plan(context)
        if plans[name].jobs:
            break
    rest = [name for name in wanted if name not in plans]
    early: dict[str, tuple[dict, float]] = {}

    def later() -> dict[str, Plan]:
        """The other outputs' plans, made while the first one's jobs render (planning the
        flashcards or the workbook takes a tenth of a second or more)."""
        return {name: output(name).plan(context) for name in rest}

    def meanwhile() -> None:
        """The outputs that need no rendering (HTML, exports) are made while the workers render,
        and the PDF libraries the finishing needs are loaded."""
        for name, plan in plans.items():
            if not plan.jobs:
                early[name] = _finish(plan, {})
        for module in ("assemble", "finish", "impose"):  # loaded ahead of use
            importlib.import_module(f".printing.{module}", __package__)

    def finished(name: str, mine: dict[str, Rendered]) -> None:
        """An output whose jobs are all back is made at once, while the workers render the others'."""
        early[name] = _finish(plans[name], mine)

    rendered, owner, findings = _schedule(plans, settings, context.cache, progress, pool, meanwhile, finished,
                                          later)
    result.diagnostics += findings
    refused = sorted({pair for item in rendered.values() for pair in item.refused})
    for url, reason in refused:
        result.diagnostics.append(_refused(url, reason, context.layouts.user_dir))
    if result.failed:
        return result
    made = _collect(plans, rendered, owner, early, out_dir)
    result = write_outputs(made, result, out_dir, len(context.guide.cards), context.cache, work_dir, fingerprint, progress,
                    kept)
    if context.cache is not None and fingerprint and result.outputs:
        _keep(plans, rendered, owner, context, fingerprint, checked)
        _keep_exports(context, fingerprint, checked)
    return result


def _keep(plans: dict[str, Plan], rendered: dict[str, Rendered], owner: dict[str, str], context: Context,
          fingerprint: str, checked: tuple[Diagnostic, ...]) -> None:
    """The record a build in which only where cards sit changes makes its outputs from, without
    reading the guide (`cache.placement_key`): what each plan keeps, with what reading and
    checking found and the guide's size, for its summary."""
    from .cache import placement_key
    from .plain import plain_finding

    kept = {name: plan.keep({key: item for key, item in rendered.items() if owner.get(key) == name})
            for name, plan in plans.items()}
    kept = {name: data for name, data in kept.items() if data is not None}
    if kept:
        context.cache.put_record(placement_key(context.cache, fingerprint), {
            "outputs": kept, "checked": [plain_finding(d) for d in checked],
            "chapters": len(context.guide.chapters), "cards": len(context.guide.cards)})


def _keep_exports(context: Context, fingerprint: str, checked: tuple[Diagnostic, ...]) -> None:
    """The record from which `export csv` of the same guide and settings writes its file without
    reading the guide (`cache.export_key`), whichever outputs this build was asked for: the file
    as its output writes it (a few milliseconds, no layout), what reading and checking found, and
    the guide's size, for its summary."""
    if context.settings.build.quiz:  # a quiz build reads the guide into other cards
        return
    from .cache import export_key
    from .outputs import tsv
    from .plain import plain_finding

    context.cache.put_record(export_key(context.cache, fingerprint), {
        "files": {tsv.FILE_NAME: tsv.tsv_text(context)}, "checked": [plain_finding(d) for d in checked],
        "chapters": len(context.guide.chapters), "cards": len(context.guide.cards)})


def _schedule(plans: dict[str, Plan], settings: Settings, cache, progress, pool: Pool | None,
              meanwhile, finished, later=None) -> tuple[dict[str, Rendered], dict[str, str], list[Diagnostic]]:
    """Every plan's jobs run on one pool, each finished job handed back to its plan for the jobs
    that follow it: what was rendered, the output each job belongs to, and what the plans found.
    `finished(name, rendered)` hears of each output once the last of its jobs is back. `later()`,
    if given, makes more plans once the first jobs render (they join `plans`), before `meanwhile`."""
    findings: list[Diagnostic] = []
    owner: dict[str, str] = {}
    outstanding: Counter = Counter()  # output → its jobs not back yet
    mine: dict[str, dict[str, Rendered]] = {}
    labels: dict[str, str] = {}  # grows with the jobs that follow

    def add(more: dict[str, Plan]) -> list:
        jobs = []
        for name, plan in more.items():
            plans[name] = plan
            findings.extend(plan.findings)
            owner.update({job.key: name for job in plan.jobs})
            outstanding[name] += len(plan.jobs)
            mine[name] = {}
            labels.update({job.key: job.label for job in plan.jobs if job.label})
            jobs += plan.jobs
        return jobs

    jobs = add(dict(plans))
    if progress is not None and hasattr(progress, "expect"):  # the count known before the first job
        progress.expect(sum(plan.expected or len(plan.jobs) for plan in plans.values()), labels)
    if not jobs:
        return {}, owner, findings

    def more() -> list:
        jobs = add(later()) if later is not None else []
        if meanwhile is not None:
            meanwhile()
        return jobs

    def then(item: Rendered) -> tuple:
        name = owner[item.key]
        step = plans[name].then(item)
        owner.update({job.key: name for job in step.jobs})
        labels.update({job.key: job.label for job in step.jobs if job.label})
        findings.extend(step.findings)
        mine[name][item.key] = item
        outstanding[name] += len(step.jobs) - 1
        if not outstanding[name]:
            finished(name, mine[name])
        return step.jobs

    if pool is not None:
        return pool.run(jobs, then, cache, progress, more), owner, findings
    # with outputs still to plan, their jobs are not counted yet: as many workers as cores
    cores = os.cpu_count() or 1
    workers = cores if later is not None else min(len(jobs), cores)
    with Pool(settings.build.jobs or workers) as own:
        return own.run(jobs, then, cache, progress, more), owner, findings


def _finish(plan: Plan, mine: dict[str, Rendered]) -> tuple[dict, float]:
    """An output's files from its rendered pieces, and the seconds that took."""
    started = time.perf_counter()
    files = plan.files(mine)
    return files, time.perf_counter() - started


def _collect(plans: dict[str, Plan], rendered: dict[str, Rendered], owner: dict[str, str],
             early: dict[str, tuple[dict, float]], out_dir: Path) -> Made:
    """Each output's files from its share of the rendered pieces (those made while rendering are
    taken as they are)."""
    made = Made({}, {}, {}, {})
    for name, plan in plans.items():
        mine = {key: item for key, item in rendered.items() if owner.get(key) == name}
        outputs, finishing = early[name] if name in early else _finish(plan, mine)
        # an output's time: its pieces' rendering (in workers) and its finishing, shared by its files
        spent = sum(item.seconds for item in mine.values()) + finishing
        for file, data in outputs.items():
            made.files[out_dir / file] = data
            made.seconds[file] = spent / len(outputs)
        made.pages.update(plan.pages(mine))
        made.cards.update(plan.cards)
    return made
