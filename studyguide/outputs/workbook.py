"""The workbook editions: out/handout.pdf, out/workbook.pdf (with the answer key), out/teacher.pdf,
and, when asked, out/handout-booklet.pdf (the handout on A5, imposed for saddle stitching).

An edition of up to `CHUNK_CARDS` cards is one document: WeasyPrint writes its metadata,
bookmarks, links and page numbers itself. A larger edition is rendered in pieces side by side
(the front matter, runs of chapters, runs of the answer key) and joined: the pieces' page counts
give the contents its page numbers, and the join stamps page numbers counted over the whole
edition and rebuilds the bookmarks and links that cross pieces. All pieces embed the same
pre-cut font files whole, so the joined PDF carries each font once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from ..i18n import strings
from ..geometry.paper import PAPERS, PT_TO_MM, parse_paper
from ..layout.workbook import (edition_html, glyphs_html, margins_for, split, whole, with_answer_lines,
                               with_texts_in_stretches)
from ..printing.pool import Job, Rendered
from . import Context, Plan, Step
from .chapters import Chapters, Unspliced
from .keyflow import Flow

BOOKLET_KEY = "workbook:handout:a5"
GLYPHS_KEY = "workbook:page-number-glyphs"
CHUNK_CARDS = 150  # cards per piece of a large edition (answer key pieces hold twice as many)
SHARE_FROM_CARDS = 40  # below this, rendering each edition whole costs less than joining pieces
PLACEHOLDER_PAGE = 9999  # as wide as any real page number, so the contents lays out the same


def plan(context: Context) -> Plan:
    settings = context.settings
    chapters = with_answer_lines(with_texts_in_stretches(context.views), settings)
    total = sum(len(chapter.cards) for chapter in chapters)
    if settings.workbook.pdf_variant:
        return _whole_plan(context, chapters)
    if settings.build.chunk_cards:  # asked for: pieces of that many cards, or one document if all fit
        limit = settings.build.chunk_cards
        return _whole_plan(context, chapters) if total <= limit else _pieces_plan(context, chapters, limit)
    if total > CHUNK_CARDS:
        return _pieces_plan(context, chapters, CHUNK_CARDS)
    # a small guide: the handout's pages are the workbook's question pages, so rendered once in
    # two pieces (one per core of a small machine) they serve both, for less work than two whole
    # documents; a guide too small for that, or with only one of them, is rendered whole
    if {"handout", "workbook"} <= set(settings.workbook.editions) and total >= SHARE_FROM_CARDS:
        return _pieces_plan(context, chapters, -(-total // 2))
    return _whole_plan(context, chapters)


def chapters_label(parts) -> str:
    """"chapters 1–5" (or "chapter 3") for the chapters a piece holds."""
    numbers = sorted({view.card.chapter for part in parts for view in part.cards})
    if not numbers:
        return "contents"
    return f"chapter {numbers[0]}" if len(numbers) == 1 else f"chapters {numbers[0]}–{numbers[-1]}"


def _metadata(context: Context) -> dict[str, str]:
    return {f"/{key}": value for key, value in context.info().items()}


def _booklet_job(context: Context, chapters, font_url, **options) -> Job:
    html = edition_html(context.layouts, whole(chapters), context.print_meta, context.settings,
                        context.language, "handout", font_url, paper=PAPERS["a5"], code_css=context.code_css)
    return context.job(BOOKLET_KEY, html, label="handout booklet", **options)


def _whole_plan(context: Context, chapters) -> Plan:
    settings = context.settings
    variant = settings.workbook.pdf_variant
    jobs = []
    # a PDF/A or PDF/UA file must carry its dates inside (in its XMP too), so it is rendered with them
    meta = context.meta if variant else context.print_meta
    for edition in settings.workbook.editions:
        html = edition_html(context.layouts, whole(chapters), meta, settings, context.language, edition,
                            context.font_url, code_css=context.code_css)
        jobs.append(context.job(f"workbook:{edition}", html, variant=variant, label=edition))
    if settings.workbook.booklet:
        jobs.append(_booklet_job(context, chapters, context.font_url))

    def files(rendered):
        from ..printing.finish import with_info
        from ..printing.impose import booklet

        result = {}
        for edition in settings.workbook.editions:
            pdf = rendered[f"workbook:{edition}"].pdf
            result[f"{edition}.pdf"] = pdf if variant else with_info(pdf, context.info())
        if settings.workbook.booklet:
            result["handout-booklet.pdf"] = booklet(rendered[BOOKLET_KEY].pdf, _metadata(context), context.language)
        return result

    def pages(rendered):
        counts = {f"{e}.pdf": rendered[f"workbook:{e}"].pages for e in settings.workbook.editions}
        if settings.workbook.booklet:
            counts["handout-booklet.pdf"] = (rendered[BOOKLET_KEY].pages + 3) // 4 * 2
        return counts

    return Plan(jobs, files, pages=pages)


@dataclass(frozen=True)
class _Edition:
    """The pieces of one edition, by job key, and its front matter."""

    name: str
    pieces: tuple[str, ...]  # body pieces, then answer-key pieces
    front_pages: int = 0  # pages its front matter takes (from a render with placeholder numbers)
    final_front: str = ""  # key of the front-matter job that carries the real page numbers


@dataclass(frozen=True)
class _Progress:
    """Where the pieces plan stands: its editions, and the pieces rendered so far."""

    editions: tuple[_Edition, ...]
    done: Mapping[str, Rendered]

    def edition(self, name: str) -> _Edition:
        return next(edition for edition in self.editions if edition.name == name)


SHARED = "workbook:questions"  # body pieces the handout and the workbook share
PLACEHOLDER_KEY = "workbook:front:placeholder"


def _pieces_plan(context: Context, chapters, limit: int) -> Plan:
    """Pieces rendered once and joined per edition. The handout and the workbook share their
    question pages (the workbook's numbers link to its key; in the handout, with no key, the
    join leaves those links out), and one render of the contents with placeholder numbers tells
    every edition how many pages its front matter takes.

    Three passes: the pieces (`_piece_jobs`); each edition's contents with its real page numbers,
    once its pieces are rendered (`_numbered`, again if the numbers changed its length); the
    files, joined from the pieces (`_edition_files`). Each takes what was rendered and returns
    jobs; `then` only holds where the plan stands."""
    settings = context.settings
    paper = parse_paper(settings.workbook.paper)
    html = _piece_html(context, chapters)
    spliced = _chapters(context)
    flow = _flow(context, paper, lambda parts, continued: html("workbook", ("key",), parts, key_continued=continued))
    jobs, editions, done = _piece_jobs(context, chapters, limit, html, spliced, flow)
    state = [_Progress(editions, MappingProxyType(done))]  # the one thing `then` changes, a whole value at a time

    def then(result: Rendered) -> Step:
        if spliced is not None:
            try:
                result = spliced.then(result)
            except Unspliced as exc:
                return Step((spliced.jobs[exc.args[0]],))
        if flow is not None:
            result = flow.then(result)
            if isinstance(result, Job):  # the key's layout did not catch up: the rest of it
                return Step((result,))
        state[0], follow = _numbered(state[0], result, lambda edition, progress: _front_job(
            context, chapters, html, edition, progress))
        # an edition whose pages are all in is joined now, while the workers render the others' (the
        # key, most often): when no jobs wait on this step, and on a core no worker uses
        if not follow and context.spare_core():
            for edition in state[0].editions:
                if edition.name not in joined and _complete(edition, state[0].done):
                    joined[edition.name] = _edition_file(context, edition, state[0].done, paper)
        return Step(tuple(follow))

    joined: dict[str, bytes] = {}  # editions joined before the last of the plan's pieces came in

    def files(rendered):
        return _edition_files(context, state[0], rendered, paper, joined)

    def pages(rendered):
        progress = state[0]
        counts = {}
        for edition in progress.editions:
            _, starts = _layout_of(edition, progress.done, settings.workbook.duplex)
            counts[f"{edition.name}.pdf"] = starts[-1] + progress.done[edition.pieces[-1]].pages - 1
        return counts

    # and one final contents per edition, once its pieces' page counts are known
    return Plan(tuple(jobs.values()), files, then, pages, expected=len(jobs) + len(editions))


def _piece_html(context: Context, chapters):
    """(edition, parts, chapter parts, **options) → the HTML of one piece of an edition."""
    counts = dict(chapter_count=len(chapters), card_count=sum(len(c.cards) for c in chapters))

    def html(edition, parts, chapter_parts, **extra):
        return edition_html(context.layouts, chapter_parts, context.print_meta, context.settings, context.language,
                            edition, context.font_url, parts=parts, footer=False, code_css=context.code_css,
                            **counts, **extra)
    return html


def _piece_jobs(context: Context, chapters, limit: int, html, spliced, flow):
    """The first pass: the pieces of every edition, the contents with placeholder numbers, the
    page-number glyphs and the booklet, as (jobs by key, editions, pieces joined already from
    earlier renders). After an edit, a body piece lays out only its chapters that changed, and
    the key only its pages from the change on."""
    settings = context.settings
    options = dict(report=True)
    bodies = split(chapters, limit)
    keys = split(chapters, 2 * limit, key=True)
    jobs = {GLYPHS_KEY: context.job(GLYPHS_KEY, glyphs_html(context.layouts, context.language, context.font_url),
                                    label="page numbers", **options)}
    editions = []
    for name in settings.workbook.editions:
        body = f"workbook:{'teacher' if name == 'teacher' else 'questions'}:body"
        pieces = [f"{body}:{i}" for i in range(len(bodies))]
        shared = "teacher" if name == "teacher" else " and ".join(
            e for e in ("handout", "workbook") if e in settings.workbook.editions)
        for key, group in zip(pieces, bodies):
            jobs.setdefault(key, context.job(key, html("teacher" if name == "teacher" else "workbook",
                                                       ("body",), group), **options,
                                             label=f"{shared}, {chapters_label(group)}"))
        if name == "workbook":
            for i, group in enumerate(keys):
                key = f"workbook:key:{i}"
                pieces.append(key)
                jobs[key] = context.job(key, html("workbook", ("key",), group, key_continued=i > 0), **options,
                                        label=f"answer key, {chapters_label(group)}")
                if flow is not None:  # after an edit, laid out only from the page it changed on
                    job = flow.plan(key, jobs.pop(key), group, i > 0)
                    jobs[job.key] = job
        editions.append(_Edition(name, tuple(pieces)))
    names = [edition.name for edition in editions]
    widest = "workbook" if "workbook" in names else names[0]  # its contents has one more line
    placeholders = {chapter.anchor: PLACEHOLDER_PAGE for chapter in chapters} | {"answer-key": PLACEHOLDER_PAGE}
    jobs[PLACEHOLDER_KEY] = context.job(PLACEHOLDER_KEY, html(widest, ("front",), whole(chapters),
                                                              page_numbers=placeholders),
                                       urgent=True, label="contents", **options)
    if settings.workbook.booklet:
        jobs[BOOKLET_KEY] = _booklet_job(context, chapters, context.font_url)
    done: dict[str, Rendered] = {}
    if spliced is not None:  # after an edit, a body piece lays out only its chapters that changed
        for i, group in enumerate(bodies):
            for body in ("questions", "teacher"):
                key = f"workbook:{body}:body:{i}"
                if key in jobs:
                    job = spliced.plan(key, jobs.pop(key), group)
                    if job is not None:
                        jobs[job.key] = job
                    else:
                        done[key] = spliced.joined[key]
    return jobs, tuple(editions), done


def _numbered(progress: _Progress, result: Rendered, front_job) -> tuple[_Progress, list[Job]]:
    """The second pass, as each piece comes in: the contents of an edition with its real page
    numbers once all its pieces are rendered, and again when those numbers changed its length.
    `front_job(edition, progress)` makes that job; returns where the plan stands now and the jobs."""
    done = MappingProxyType({**progress.done, result.key: result})
    editions, follow = [], []
    for edition in progress.editions:
        if result.key == PLACEHOLDER_KEY:
            edition = dataclasses.replace(edition, front_pages=result.pages)
        if result.key == edition.final_front and result.pages != edition.front_pages:
            # the real numbers changed its length: number again
            edition = dataclasses.replace(edition, front_pages=result.pages, final_front=_next_front(edition, done))
            follow.append(edition)
        elif not edition.final_front and edition.front_pages and all(key in done for key in edition.pieces):
            edition = dataclasses.replace(edition, final_front=_next_front(edition, done))
            follow.append(edition)
        editions.append(edition)
    now = _Progress(tuple(editions), done)
    return now, [front_job(edition, now) for edition in follow]


def _next_front(edition: _Edition, done: Mapping[str, Rendered]) -> str:
    count = sum(1 for key in done if key.startswith(f"workbook:{edition.name}:front:"))
    return f"workbook:{edition.name}:front:{count}"


def _front_job(context: Context, chapters, html, edition: _Edition, progress: _Progress) -> Job:
    """An edition's contents, carrying the page numbers its pieces give it."""
    numbers = _numbers(edition, progress.done, chapters, context.settings.workbook.duplex)
    return context.job(edition.final_front, html(edition.name, ("front",), whole(chapters), page_numbers=numbers),
                       report=True, label=f"{edition.name}, contents")


def _layout_of(edition: _Edition, done: Mapping[str, Rendered], duplex: bool) -> tuple[list[int], list[int]]:
    """(blank pages before each piece, first page number of each piece), front matter first."""
    sizes = [edition.front_pages] + [done[key].pages for key in edition.pieces]
    blanks, starts, page = [], [], 1
    for size in sizes:
        blank = 1 if duplex and page % 2 == 0 and starts else 0  # pieces start on right-hand pages
        page += blank
        blanks.append(blank)
        starts.append(page)
        page += size
    return blanks, starts


def _numbers(edition: _Edition, done: Mapping[str, Rendered], chapters, duplex: bool) -> dict[str, int]:
    """The page each chapter (and the answer key) starts on in the edition."""
    _, starts = _layout_of(edition, done, duplex)
    found: dict[str, int] = {}
    for key, start in zip(edition.pieces, starts[1:]):
        for name, anchor in done[key].anchors.items():
            found.setdefault(name, start + anchor.page)
    return {chapter.anchor: found[chapter.anchor] for chapter in chapters} | (
        {"answer-key": found["answer-key"]} if edition.name == "workbook" else {})


def _complete(edition: _Edition, done: Mapping[str, Rendered]) -> bool:
    """Every page of the edition is rendered: its pieces, the page-number glyphs, and its contents
    with the page numbers they give (not to be numbered again)."""
    front = done.get(edition.final_front) if edition.final_front else None
    return (front is not None and front.pages == edition.front_pages and GLYPHS_KEY in done
            and all(key in done for key in edition.pieces))


def _edition_file(context: Context, edition: _Edition, done: Mapping[str, Rendered], paper) -> bytes:
    """The third pass, for one edition: joined from its pieces, with page numbers stamped."""
    from ..printing.assemble import Footer, Piece

    blanks, _ = _layout_of(edition, done, context.settings.workbook.duplex)
    keys = [edition.final_front] + list(edition.pieces)
    pieces = [Piece(done[key], blank) for key, blank in zip(keys, blanks)]
    footer = Footer(strings(context.language)["page_of"], done[GLYPHS_KEY], skip={0},
                    baseline_from_bottom_pt=(margins_for(paper).bottom_mm - 7) / PT_TO_MM)
    return _joined(context, pieces, footer)


def _edition_files(context: Context, progress: _Progress, rendered, paper,
                   joined: Mapping[str, bytes] = MappingProxyType({})) -> dict[str, bytes]:
    """Every edition's file: those `joined` already, and the others joined now."""
    from ..printing.impose import booklet

    result = {f"{edition.name}.pdf": joined.get(edition.name) or _edition_file(context, edition, progress.done, paper)
              for edition in progress.editions}
    if context.settings.workbook.booklet:
        result["handout-booklet.pdf"] = booklet(rendered[BOOKLET_KEY].pdf, _metadata(context), context.language)
    return result


def _chapters(context: Context):
    """The chapter records of the body pieces, when they can be used: with a cache, on pages
    printed on one side, with the built-in layouts (see outputs/chapters.py)."""
    from ..cache import RecordIndex

    if context.cache is None or context.settings.workbook.duplex or not context.layouts.built_in:
        return None
    return Chapters(context, RecordIndex(context.cache, "chapters"))


def _flow(context: Context, paper, html):
    """The answer key's pieces as laid out before, when they can be used: with a cache and the
    built-in layouts (see outputs/keyflow.py)."""
    from ..cache import RecordIndex

    if context.cache is None or not context.layouts.built_in:
        return None
    top_pt = margins_for(paper).top_mm / PT_TO_MM
    return Flow(context, RecordIndex(context.cache, "key"), top_pt, context.settings.workbook.duplex, html)


def _joined(context: Context, pieces, footer) -> bytes:
    """An edition joined from its pieces, or taken from the cache when a build joined the very same
    pieces (by their bytes and what the join reads of them) with the same metadata, footer and
    fonts: an edit elsewhere leaves most editions as they were, and a join costs a few tenths of a
    second each."""
    import hashlib

    import pikepdf

    from .. import __version__
    from ..printing.assemble import join
    from ..printing.pool import Rendered

    metadata = _metadata(context)
    cache = context.cache
    if cache is None:
        return join(pieces, metadata, context.language, footer, context.fonts)
    digest = hashlib.sha256()

    def add(*parts) -> None:
        for part in parts:
            digest.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
            digest.update(b"\0")

    add(__version__, pikepdf.__version__, context.language, sorted(metadata.items()))
    add(footer.pattern, footer.size_pt, footer.gray, footer.baseline_from_bottom_pt, sorted(footer.skip),
        hashlib.sha256(footer.glyphs.pdf).digest(), footer.glyphs.page_size_pt)
    for piece in pieces:
        item = piece.rendered
        add(piece.blank_before, hashlib.sha256(item.pdf).digest(), item.page_size_pt, sorted(item.anchors.items()),
            item.bookmarks, item.links)
    fonts = context.fonts
    for face in fonts.faces + ((fonts.emoji,) if fonts.emoji else ()):  # the join cuts one copy of each face
        path = fonts.path(face)
        try:
            found = path.stat()
            add(str(path), face.index, found.st_size, found.st_mtime_ns)
        except OSError:
            add(str(path), "missing")
    key = cache.record_key("join", digest.hexdigest())
    kept = cache.entry(key, "join")
    if kept is not None:
        return kept.pdf
    pdf = join(pieces, metadata, context.language, footer, context.fonts)
    cache.put_entry(key, Rendered("join", pdf))
    return pdf
