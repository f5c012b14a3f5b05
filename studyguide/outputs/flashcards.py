"""out/flashcards.pdf: card sheets, fronts and backs alternating, text fitted to each card.

Render jobs, in order: `flashcards:measure` (chapter heads and the sides whose length alone does
not show they fit; split in two for a large deck so both cores start early), then
`flashcards:split` only when some side must continue on another card (just those sides), then
the sheets: one document, or for a large deck several runs of whole sheets rendered side by
side and joined in order.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Mapping, NamedTuple

from markupsafe import Markup

from ..cache import RecordIndex, anchor_rows, read_anchors
from ..config import CardSettings, ConfigError
from ..diagnostics import finding
from ..geometry.drawings import backs_laid_out, band_drawing, guide_drawings
from ..geometry.paper import PT_TO_MM
from ..geometry.sheets import Backs, Stock, StockError, stock_for
from ..i18n import strings
from ..layout.fit import (PADDING_MM, Area, Fit, Measuring, Side, body_width_mm, choose, head_heights,
                          plan_measuring, steps)
from ..layout.flashcards import (STACKED, SplitItem, Sheet, areas, card_sides, deck, guide_urls, head_texts,
                                 measure_css, measure_html, sheet_documents, sheet_keys, sheets, split_html, spots)
from ..layout.split import GROUP_CLASS, starts_from_pages
from ..layout.split import Side as SplitSide
from ..model import Diagnostic, Location, Severity
from ..plain import plain_finding, plain_int, plain_list, plain_str
from ..placed import card_moves, file_pages, in_place
from ..printing.pool import Anchor, Job, Rendered
from . import Context, Plan, Step

# Physical sheets per render: small enough that an edit re-renders little and that pieces share
# out over the workers, large enough that each render's fixed cost (its stylesheet, its fonts)
# stays a small part of it.
CHUNK_SHEETS = 24
SPLIT_SAFETY_MM = 0.2  # the pages that cut sides are this much shorter than the card's text area
TOLERANCE_MM = 0.2
def plan(context: Context) -> Plan:
    settings = context.settings
    options = settings.cards
    try:
        stock = stock_for(options)
    except StockError as exc:
        raise ConfigError(settings.source, exc.key, exc.message, exc.hint) from None
    words = strings(context.language)
    views = context.cards
    width_em = body_width_mm(stock) / (options.min_size_pt * PT_TO_MM)
    sides = card_sides(views, context.layouts, options.question_on_back, width_em)
    stacked = tuple(_stacked(views, sides, stock, options.min_size_pt))
    measuring = plan_measuring(list(sides.values()), head_texts(views, words["continued"]), stock,
                               options.base_size_pt, options.min_size_pt)
    cache = context.cache
    # With a cache, the sheets are rendered in one arrangement whatever the flip, offset and gap
    # (the backs as for a long-edge flip with no offset, every card as on the grid with no gap),
    # their cards moved after (printing.backs), and the colour bands drawn over them at the join,
    # each label given its chapter's colour then: a change of these then renders no card. The cut
    # guides are drawn over the sheets at the join whether or not there is a cache, so that a
    # build with one writes the same bytes as a build without. A guide's own layouts may draw
    # more on a sheet than cards and guides: rendered in place, guides and all.
    built_in = context.layouts.built_in
    movable = cache is not None and built_in
    laid_out = backs_laid_out(stock, options.backs) if movable else options.backs
    laid_stock = dataclasses.replace(stock, gap_mm=0.0) if movable and not stock.fold else stock
    banded = options.band and movable and not stock.fold  # folded cards: rendered in place
    guides = guide_drawings(stock, options.cut, options.backs) if built_in else None
    physical_sheets = -(-len(views) // stock.per_sheet)
    per_chunk = -(-settings.build.chunk_cards // stock.per_sheet) if settings.build.chunk_cards else CHUNK_SHEETS
    css, record_keys, measured = "", {}, None
    if cache is not None:
        # each head and each side at each size is known by a document measuring it alone, which
        # lays it out as the whole measuring document does
        measured = RecordIndex(cache, "measured")
        css = measure_css(context.layouts, measuring, stock, context.font_url,
                          tuple(steps(options.base_size_pt, options.min_size_pt)))
        record_keys = {item.id: cache.record_key("measure", measure_html(
            context.layouts, alone, stock, context.language, context.print_meta, context.font_url, css), context.roots)
            for item, alone in _alone(measuring)}
    setup = _Setup(context, options, stock, laid_stock, banded, words, tuple(views), sides, measuring, laid_out,
                   {} if built_in else guide_urls(context.layouts, stock, options.cut, options.backs), guides,
                   max(1, -(-physical_sheets // per_chunk)), css, record_keys,
                   measured)
    first = _measure(setup)
    passes = _Passes(setup, first.state, stacked + first.findings)
    # measuring, then the sheets (long cards, rare, may add a split); or, when every side was
    # measured before, the sheets at once
    expected = len(first.jobs) + setup.chunks if isinstance(first.state, _Measure) else len(first.jobs)
    return Plan(first.jobs, passes.files, passes.then, pages=passes.page_counts, expected=expected,
                findings=stacked + first.findings, keep=passes.keep)


# -- the passes: measure → fit → split → sheets, each from the previous pass's renders ----------

@dataclass(frozen=True)
class _Setup:
    """What every pass of a build's flashcards knows from the start."""

    context: Context
    options: CardSettings
    stock: Stock
    laid_stock: Stock  # the one the sheets are rendered on (moved after to `stock`'s places)
    banded: bool  # the colour bands are drawn over sheets rendered without them
    words: Mapping[str, str]
    views: tuple
    sides: Mapping[str, Side]
    measuring: Measuring
    laid_out: Backs  # the arrangement the backs are rendered in (moved after to options.backs)
    urls: Mapping[str, str]  # the cut guides the sheets' documents draw (none when `guides` does)
    guides: Mapping[str, bytes] | None  # kind of sheet → its cut guides, drawn over it at the join
    chunks: int  # sheet documents rendered side by side
    css: str  # the measuring stylesheet the cache's records are keyed by ("" without a cache)
    record_keys: Mapping[str, str]  # head or side id → the cache record of its measure
    measured: RecordIndex | None  # those records, with a cache


class _Pass(NamedTuple):
    """A pass's answer: the jobs it needs rendered, what it found, and the state the next
    rendered job comes back to."""

    jobs: tuple[Job, ...]
    findings: tuple[Diagnostic, ...]
    state: object


@dataclass(frozen=True)
class _Measure:
    """Waiting for the measuring jobs."""

    pending: frozenset[str]  # keys of the measuring jobs not back yet
    anchors: Mapping[str, Anchor]  # every box measured so far, by this build or earlier ones


@dataclass(frozen=True)
class _Fitted:
    areas: Mapping[str, Area]  # side key → where its body goes on the card
    fits: Mapping[str, Fit]  # side key → its size, and whether it fits


@dataclass(frozen=True)
class _Split:
    """Waiting for the render that cuts the sides too long for one card."""

    fitted: _Fitted
    too_long: tuple[str, ...]  # side keys
    items: tuple[SplitItem, ...]  # in the same order
    heights: Mapping[str, float]  # named page → its height in mm
    trees: Mapping[str, SplitSide]  # side key → its markup, marked where it may be cut


@dataclass(frozen=True)
class _Chunk:
    """One sheet document."""

    job: Job  # the whole document's
    pages: tuple[Sheet, ...]  # as laid out
    placed: tuple[Sheet, ...]  # where the flip and offset put them
    own: tuple  # with a cache: (pages of a physical sheet, its record key) for each


@dataclass(frozen=True)
class _Sheets:
    """Waiting for the sheet documents, the sheets changed in them, and the sheets placed."""

    chunks: Mapping[str, _Chunk]  # job key → the chunk, in order
    index: RecordIndex | None  # where each sheet was rendered, with a cache
    changed: Mapping[str, tuple]  # job of a chunk's changed sheets → (the chunk's key, its sheets, the job)
    placing: Mapping[str, str]  # job rendering a chunk's sheets in place → the chunk's key
    # chunk key → the chunk as written when not as its job rendered it: joined from sheets
    # rendered apart, or with its backs' cards moved (a later one replaces an earlier one)
    made: Mapping[str, Rendered]


class _Passes:
    """The pool's callbacks: each rendered job goes to the pass waiting for it; only the current
    state is kept."""

    def __init__(self, setup: _Setup, state, findings: tuple = ()) -> None:
        self.setup, self.state = setup, state
        self.found = list(findings)  # every finding of this output's passes, for `keep`

    def then(self, rendered: Rendered) -> Step:
        if isinstance(self.state, _Measure):
            step = _measured(self.setup, self.state, rendered)
        elif isinstance(self.state, _Split):
            step = _split(self.setup, self.state, rendered)
        elif isinstance(self.state, _Sheets):
            step = _sheet_rendered(self.setup, self.state, rendered)
        else:
            step = _Pass((), (), self.state)
        self.state = step.state
        self.found += step.findings
        return Step(step.jobs, step.findings)

    def _chunks(self, rendered: dict[str, Rendered]) -> list[Rendered]:
        state = self.state
        if not isinstance(state, _Sheets):
            return []
        return [state.made[key] if key in state.made else rendered[key]
                for key in sorted(state.chunks, key=lambda k: int(k.rsplit(":", 1)[1]))]

    def _file_pages(self, chunks: list[Rendered]) -> dict:
        return file_pages(self.setup.options, self.setup.stock.fold, sum(chunk.pages for chunk in chunks))

    def files(self, rendered: dict[str, Rendered]):
        from ..printing.finish import finish_sheets

        chunks, context, state = self._chunks(rendered), self.setup.context, self.state
        overlay = None
        if (self.setup.guides or self.setup.banded) and isinstance(state, _Sheets):
            kinds = tuple(sheet.kind for chunk in state.chunks.values() for sheet in chunk.placed)
            # the bands, on the sheets that were moved (those rendered in place drew their own)
            in_place = set(state.placing.values())
            bands = tuple(band_drawing(spots(sheet), self.setup.stock) if self.setup.banded and key not in in_place
                          else b"" for key, chunk in state.chunks.items() for sheet in chunk.placed)
            overlay = (dict(self.setup.guides or {}), kinds, bands)
        return finish_sheets([chunk.pdf for chunk in chunks], self._file_pages(chunks), context.info(),
                             context.language, context.fonts, overlay)

    def page_counts(self, rendered: dict[str, Rendered]) -> dict[str, int]:
        return {name: len(pages) for name, (pages, _) in self._file_pages(self._chunks(rendered)).items()}

    def keep(self, rendered: dict[str, Rendered]) -> dict | None:
        """What a build in which only where cards sit changes needs to make the file again without
        reading the guide (`placed_again`): each sheet render as laid out (its cache entry) and
        where its cards are, the document's information and fonts, and this output's findings,
        none of which depend on where cards sit. None when the sheets are not moved but rendered
        in place (no cache, folded cards, a guide's own layouts)."""
        setup, state = self.setup, self.state
        context = setup.context
        if context.cache is None or not context.layouts.built_in or setup.stock.fold or not isinstance(state, _Sheets):
            return None
        chunks = [{"entry": context.cache.key(chunk.job), "name": key,
                   "pages": [[page.kind, [[spot.index, spot.chapter, spot.middle_mm, spot.rect.x_mm, spot.rect.y_mm,
                                           spot.rect.width_mm, spot.rect.height_mm]
                                          for spot in spots(page)]] for page in chunk.pages]}
                  for key, chunk in state.chunks.items()]
        fonts = [[face.family, face.weight, str(context.fonts.path(face))] for face in context.fonts.faces]
        return {"per_sheet": setup.stock.per_sheet, "chunks": chunks, "info": context.info(),
                "sources": [str(path) for path in context.guide.sources],
                "language": context.language, "fonts": fonts, "findings": [plain_finding(d) for d in self.found]}


def _then(findings: tuple, step: _Pass) -> _Pass:
    """`step`, with findings made before it first."""
    return _Pass(step.jobs, tuple(findings) + step.findings, step.state)


def _measure(setup: _Setup) -> _Pass:
    """The measuring jobs for what no earlier build measured; or, when nothing is left, the fitting
    at once."""
    context, measuring = setup.context, setup.measuring
    to_measure, anchors = measuring, {}
    if setup.measured is not None:
        to_measure, anchors = _measured_before(measuring, setup.measured, setup.record_keys)
    if not (to_measure.heads or to_measure.items):  # every side was measured before
        return _fit(setup, anchors)
    parts = _halves(to_measure) if setup.chunks > 1 and len(to_measure.items) > 1 else [to_measure]
    whole = setup.css if parts == [measuring] else ""  # the stylesheet made for the records' keys is the same
    jobs = tuple(context.job(f"flashcards:measure:{n}", measure_html(
        context.layouts, part, setup.stock, context.language, context.print_meta, context.font_url, whole),
        measure=part.ids, lines="m", label="flashcards, fitting the text") for n, part in enumerate(parts))
    return _Pass(jobs, (), _Measure(frozenset(job.key for job in jobs), anchors))


def _measured(setup: _Setup, state: _Measure, rendered: Rendered) -> _Pass:
    """A measuring job back: the fitting, once all are (their boxes kept for the builds to come)."""
    pending, anchors = state.pending - {rendered.key}, {**state.anchors, **rendered.anchors}
    if pending:
        return _Pass((), (), _Measure(pending, anchors))
    if setup.measured is not None:
        for item, _ in _alone(setup.measuring):
            if item.id in anchors:
                setup.measured.keep(setup.record_keys[item.id], _measure_rows(anchors, item.id))
        setup.measured.save()
    return _fit(setup, anchors)


def _fit(setup: _Setup, anchors: Mapping[str, Anchor]) -> _Pass:
    """Each side's size from the measured boxes; the sheets, or first the split of the sides too
    long for one card even at the smallest size."""
    options, stock, sides = setup.options, setup.stock, setup.sides
    heads = head_heights(setup.measuring, anchors)
    side_areas = areas(sides, list(setup.views), stock, heads)
    fits = choose(setup.measuring, anchors, side_areas, options.base_size_pt, body_width_mm(stock),
                  options.min_size_pt)
    fitted = _Fitted(side_areas, fits)
    too_long = tuple(key for key in sides if not fits[key].fits)
    if not too_long:
        return _sheets(setup, fitted, {})
    if options.overflow == "error":
        return _Pass((), tuple(_too_long(setup.views, key, fits[key], stock, Severity.ERROR, 0) for key in too_long),
                     None)
    items, heights, trees = [], {}, {}
    for number, key in enumerate(too_long):
        page = f"pg{round(side_areas[key].height_mm * 100)}"
        heights[page] = side_areas[key].height_mm - SPLIT_SAFETY_MM
        trees[key] = SplitSide(sides[key].html)
        items.append(SplitItem(f"s{number}", trees[key].marked(f"s{number}-"), page))
    context = setup.context
    job = context.job("flashcards:split", split_html(
        context.layouts, items, heights, stock, options.min_size_pt, context.language, context.print_meta,
        context.font_url), measure=tuple(_split_ids(items, trees)), texts=GROUP_CLASS,
        label="flashcards, long cards")
    return _Pass((job,), (), _Split(fitted, too_long, tuple(items), heights, trees))


def _split(setup: _Setup, state: _Split, rendered: Rendered) -> _Pass:
    """The long sides cut where the split render's pages end: the sheets, with each said."""
    anchors = rendered.anchors
    pieces: dict[str, list[Markup]] = {}
    findings = []
    for key, item in zip(state.too_long, state.items):
        tree = state.trees[key]
        starts = starts_from_pages(tree.pages(f"{item.id}-", anchors, rendered.texts))
        pieces[key] = tree.pieces(starts)
        limit_pt = state.heights[item.page] / PT_TO_MM
        tallest = max((anchor.bottom_pt for name, anchor in anchors.items()
                       if name.startswith(f"{item.id}-")), default=0.0)
        # one unbreakable thing (a table row, a line) taller than the card is said, not fatal:
        # a fitting miss never stops a build
        tall = tallest > limit_pt + TOLERANCE_MM / PT_TO_MM
        findings.append(_too_long(setup.views, key, state.fitted.fits[key], setup.stock, Severity.WARNING,
                                  len(starts), tall))
    return _then(tuple(findings), _sheets(setup, state.fitted, pieces))


def _sheets(setup: _Setup, fitted: _Fitted, pieces: dict[str, list[Markup]]) -> _Pass:
    """The sheet documents; with a cache, a chunk not rendered before is joined from its sheets'
    earlier renders, with only its changed sheets rendered now."""
    context, options, stock, settings = setup.context, setup.options, setup.stock, setup.context.settings
    cards = deck(list(setup.views), setup.sides, fitted.fits, pieces, fitted.areas, options.min_size_pt,
                 setup.words["continued"])
    pages = sheets(cards, setup.laid_stock, setup.laid_out)
    placed = pages if _in_place(setup) else sheets(cards, stock, options.backs)
    documents = sheet_documents(context.layouts, pages, setup.laid_stock, settings, context.language, context.print_meta,
                                context.font_url, setup.urls, setup.chunks, band=_band(setup))
    cache, keys, index = context.cache, [], None
    if cache is not None:
        texts = sheet_keys(context.layouts, pages, _physical(pages), setup.laid_stock, settings, context.language,
                           context.print_meta, context.font_url, setup.urls, band=_band(setup))
        keys = [cache.record_key("sheet", text, context.roots) for text in texts]
        index = RecordIndex(cache, "sheets", keys)
    chunks, parts, first, done = {}, {}, 0, 0
    for number, (chunk, html) in enumerate(documents):
        key = f"flashcards:sheets:{number}"
        parts[key] = f", part {number + 1} of {len(documents)}" if len(documents) > 1 else ""
        own = ()
        if cache is not None:
            own = tuple(zip(_physical(chunk), keys[done:]))
            done += len(own)
        chunks[key] = _Chunk(context.job(key, html, label=f"flashcards{parts[key]}", lines="b"), tuple(chunk),
                             tuple(placed[first:first + len(chunk)]), own)
        first += len(chunk)
    state = _Sheets(chunks, index, {}, {}, {})
    jobs, findings = [], []
    for key, chunk in chunks.items():
        if cache is None or cache.has(chunk.job):
            jobs.append(chunk.job)
            continue
        # a chunk not rendered before: its sheets may have been, each in some render of its own
        found = tuple(_sheets_before(cache, index, chunk.own, key))
        if not any(isinstance(item, _CachedSheet) for item in found):
            jobs.append(chunk.job)  # none was: the chunk is rendered whole, as in a first build
            continue
        new = [item for item in found if not isinstance(item, _CachedSheet)]
        if not new:
            step = _finish_chunk(setup, state, key, found, None)
            jobs += step.jobs
            findings += step.findings
            state = step.state
            continue
        alone = sheet_documents(context.layouts, [page for item in new for page in item.group], setup.laid_stock,
                                settings, context.language, context.print_meta, context.font_url, setup.urls,
                                band=_band(setup))[0][1]
        follow = context.job(f"{key}:changed", alone, label=f"flashcards{parts[key]}, sheets changed", lines="b")
        state = dataclasses.replace(state, changed={**state.changed, follow.key: (key, found, follow)})
        jobs.append(follow)
    return _Pass(tuple(jobs), tuple(findings), state)


def _sheet_rendered(setup: _Setup, state: _Sheets, rendered: Rendered) -> _Pass:
    """A sheet document back, or a chunk's changed sheets, or its sheets rendered in place."""
    cache, minimum_pt = setup.context.cache, setup.options.min_size_pt
    if rendered.key in state.chunks:
        chunk = state.chunks[rendered.key]
        findings = tuple(_overflowing(chunk.pages, rendered.anchors, minimum_pt))
        if cache is not None and rendered.seconds:  # rendered now, not taken from the cache
            _remember(cache, state.index, rendered, chunk.job, chunk.own)
        return _then(findings, _place(setup, state, rendered.key, rendered))
    if rendered.key in state.changed:
        key, found, job = state.changed[rendered.key]
        _remember(cache, state.index, rendered, job, [(item.group, item.record_key) for item in found
                                                      if not isinstance(item, _CachedSheet)])
        return _finish_chunk(setup, state, key, found, rendered)
    if rendered.key in state.placing:
        return _Pass((), (), dataclasses.replace(state, made={**state.made, state.placing[rendered.key]: rendered}))
    return _Pass((), (), state)


def _remember(cache, index: RecordIndex, rendered: Rendered, job: Job, own) -> None:
    """Where each sheet of a render has its pages, and its anchors, for the builds to come."""
    where, first = cache.key(job), 0
    for group, record_key in own:
        pages = list(range(first, first + len(group)))
        anchors = {name: dataclasses.replace(anchor, page=anchor.page - first)
                   for name, anchor in rendered.anchors.items() if anchor.page in pages}
        first += len(group)
        index.keep(record_key, {"job": where, "pages": pages, "anchors": anchor_rows(anchors)})
    index.save()


def _finish_chunk(setup: _Setup, state: _Sheets, key: str, found: tuple, changed: Rendered | None) -> _Pass:
    """A chunk joined from its sheets' renders (`changed` holds those rendered now), then placed."""
    cache, chunk = setup.context.cache, state.chunks[key]
    joined = _join_sheets(key, found, changed, setup.context.fonts)
    cache.put_entry(cache.key(chunk.job), joined)  # a build with no change takes it whole
    findings = tuple(_overflowing(chunk.pages, joined.anchors, setup.options.min_size_pt))
    return _then(findings, _place(setup, dataclasses.replace(state, made={**state.made, key: joined}), key, joined))


def _in_place(setup: _Setup) -> bool:
    """Whether the sheets are rendered with every card where it goes (nothing to move after)."""
    return in_place(setup.laid_stock, setup.stock, setup.laid_out, setup.options.backs, setup.banded)


def _band(setup: _Setup) -> bool | None:
    """Whether the sheets as laid out draw the colour bands: not when they are drawn over them."""
    return False if setup.banded else None


def _place(setup: _Setup, state: _Sheets, key: str, rendered: Rendered) -> _Pass:
    """Nothing, once the chunk's cards are where the gap, flip and offset put them; or the job
    rendering its sheets in place, when they cannot be moved."""
    from ..printing.backs import move_cards

    context, chunk = setup.context, state.chunks[key]
    if _in_place(setup):
        return _Pass((), (), state)
    moved = move_cards(rendered.pdf, card_moves([spots(page) for page in chunk.pages],
                                            [spots(page) for page in chunk.placed], setup.banded))
    if moved is not None:
        return _Pass((), (), dataclasses.replace(state, made={**state.made,
                                                              key: dataclasses.replace(rendered, pdf=moved)}))
    html = sheet_documents(context.layouts, list(chunk.placed), setup.stock, context.settings, context.language,
                           context.print_meta, context.font_url, setup.urls)[0][1]
    job = context.job(f"{key}:placed", html, label="flashcards, sheets in place", lines="b")
    return _Pass((job,), (), dataclasses.replace(state, placing={**state.placing, job.key: key}))


def _alone(measuring: Measuring):
    """Each head and measured side with a measuring document of it alone (under a fixed id)."""
    for head in measuring.heads.values():
        yield head, Measuring({0: dataclasses.replace(head, id="h")}, (), frozenset())
    for item in measuring.items:
        yield item, Measuring({}, (dataclasses.replace(item, id="m"),), frozenset())


def _measured_before(measuring: Measuring, measured: RecordIndex, record_keys: Mapping[str, str]
                     ) -> tuple[Measuring, dict]:
    """What of `measuring` no earlier build measured, and the boxes of what one did, under the ids
    this build gives them."""
    anchors: dict = {}
    heads = {index: head for index, head in measuring.heads.items()
             if not _measure_from(measured.before.get(record_keys[head.id]), head.id, anchors)}
    items = tuple(item for item in measuring.items
                  if not _measure_from(measured.before.get(record_keys[item.id]), item.id, anchors))
    if len(heads) == len(measuring.heads) and len(items) == len(measuring.items):
        return measuring, anchors  # nothing was: the same document as in a first build
    return Measuring(heads, items, measuring.unmeasured, measuring.hopeless), anchors


def _measure_from(record, name: str, anchors: dict) -> bool:
    if record is None:
        return False
    try:
        found = read_anchors(record)
        box = found["box"]
    except (TypeError, ValueError, KeyError):
        return False  # not what this version writes: measured again
    anchors[name] = box
    if "wide" in found:
        anchors[f"w-{name}"] = found["wide"]
    return True


def _measure_rows(anchors: dict, name: str) -> dict:
    found = {"box": anchors[name]} | ({"wide": anchors[f"w-{name}"]} if f"w-{name}" in anchors else {})
    return anchor_rows(found)


def _physical(pages: list[Sheet]) -> list[list[Sheet]]:
    """The pages of each physical sheet: its front and its back, or one folded page."""
    per_sheet = 1 if pages and pages[0].kind == "fold" else 2
    return [pages[start:start + per_sheet] for start in range(0, len(pages), per_sheet)]


@dataclass(frozen=True)
class _CachedSheet:
    source: Rendered  # the render holding the sheet's pages
    pages: tuple[int, ...]
    anchors: dict


@dataclass(frozen=True)
class _NewSheet:
    group: list
    record_key: str


def _sheets_before(cache, index: RecordIndex, own: list, name: str) -> list:
    """For each physical sheet, its pages in an earlier render (its record names the render, whose
    entry is checked as every entry is), or a _NewSheet to render."""
    found, sources = [], {}
    for group, key in own:
        record = index.before.get(key)
        try:
            where = plain_str(record["job"])
            if where not in sources:
                sources[where] = cache.entry(where, name)
            source = sources[where]
            pages = tuple(plain_int(page) for page in plain_list(record["pages"]))
            anchors = read_anchors(record["anchors"])
            if source is None or len(pages) != len(group) or not all(0 <= page < source.pages for page in pages) \
                    or not all(0 <= anchor.page < len(pages) for anchor in anchors.values()):
                raise ValueError("not that render's pages")
            found.append(_CachedSheet(source, pages, anchors))
        except (TypeError, ValueError, KeyError):  # absent (None), damaged or stale: rendered again
            found.append(_NewSheet(group, key))
    return found


def _join_sheets(key: str, found: list, changed: Rendered | None, fonts) -> Rendered:
    """A chunk's render made of its sheets' pages, from earlier renders and from `changed` (the
    sheets rendered now, in order), with one font program per face (as joined outputs have)."""
    import io

    import pikepdf

    from ..printing.assemble import unify_fonts

    pdf = pikepdf.new()
    opened: dict[int, pikepdf.Pdf] = {}  # open until saved
    anchors: dict = {}
    warnings: list[str] = list(changed.warnings) if changed is not None else []
    next_new = 0
    for item in found:
        if isinstance(item, _CachedSheet):
            source, pages, own = item.source, item.pages, item.anchors
        else:
            source, pages = changed, tuple(range(next_new, next_new + len(item.group)))
            own = {name: dataclasses.replace(anchor, page=anchor.page - next_new)
                   for name, anchor in changed.anchors.items() if anchor.page in pages}
            next_new += len(pages)
        if id(source) not in opened:
            opened[id(source)] = pikepdf.open(io.BytesIO(source.pdf))
        base = len(pdf.pages)
        for page in pages:
            pdf.pages.append(opened[id(source)].pages[page])
        for name, anchor in own.items():
            anchors.setdefault(name, dataclasses.replace(anchor, page=base + anchor.page))
    if fonts is not None:
        unify_fonts(pdf, fonts)
    out = io.BytesIO()
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    size = (changed or next(item.source for item in found if isinstance(item, _CachedSheet))).page_size_pt
    return Rendered(key, out.getvalue(), len(pdf.pages), anchors, (), tuple(warnings), (), (), size, 0.0)


def _halves(measuring: Measuring) -> list[Measuring]:
    middle = len(measuring.items) // 2
    return [Measuring(measuring.heads, measuring.items[:middle], measuring.unmeasured),
            Measuring({}, measuring.items[middle:], frozenset())]


def _split_ids(items: list[SplitItem], trees: dict) -> list[str]:
    ids = []
    for item, tree in zip(items, trees.values()):
        ids.append(item.id)
        ids += tree.marks(f"{item.id}-")
    return ids


def _too_long(views, key: str, fit: Fit, stock, severity: Severity, cards: int, tall: bool = False):
    """SG601 for a side that does not fit even at the smallest size, at the line it starts on."""
    side, anchor = key.split("-", 1)
    card = next(view.card for view in views if view.card.anchor == anchor)
    what = "question" if side == "f" else "answer"
    line = card.location.line if side == "f" or not card.answer_line else card.answer_line
    size = f"{stock.card_width_mm:g} × {stock.card_height_mm:g} mm"
    message = f"card {card.label}: the {what} does not fit its {size} card even at {fit.size_pt:g} pt"
    over = f"continues over {cards} cards" if cards > 1 else "stays on one card"
    if tall:
        message += (f"; it {over}, but holds a table row or a line taller than the "
                    "card, which runs past the card's bottom edge")
        hint = "make it smaller, or use a larger card (--card)"
    elif severity is Severity.ERROR:
        hint = ("shorten it, use a larger card (--card) or a smaller cards.min_size_pt, or let it continue "
                "on another card (--overflow continue)")
    else:
        message += f"; it {over}, marked as continued" if cards > 1 else f"; it {over}"
        hint = "shorten it, or use a larger card (--card), to keep it on one card"
    return finding("SG601", message, Location(card.location.path, line), hint=hint, severity=severity)


def _stacked(views, sides: dict, stock, minimum_pt: float) -> list:
    """SG601, a warning, for each card side holding a table too wide for its card, read row by row."""
    found = []
    for view in views:
        card = view.card
        for side, what in (("f", "question"), ("b", "answer")):
            tables = sides[f"{side}-{card.anchor}"].html.count(STACKED)
            if not tables:
                continue
            line = card.location.line if side == "f" or not card.answer_line else card.answer_line
            size = f"{stock.card_width_mm:g} × {stock.card_height_mm:g} mm"
            which = "a table" if tables == 1 else f"{tables} tables"
            message = (f"card {card.label}: {which} in its {what} cannot sit on its {size} card even at "
                       f"{minimum_pt:g} pt without breaking words, so each row is printed as a block, "
                       "each cell after its column's name")
            hint = "give the table fewer or narrower columns, or use a wider card (--card), to print it as a table"
            found.append(finding("SG601", message, Location(card.location.path, line), hint=hint,
                                 severity=Severity.WARNING))
    return found


def _overflowing(pages: list[Sheet], anchors: dict, minimum_pt: float) -> list:
    """Every card body on the rendered sheets that runs outside its card's text area, as warnings.

    The body's box keeps the card's width whatever its lines do, so its lines are checked too
    (the render reports their extent as anchor "w-<id>"). The fitting should make
    this never happen, except for a line too wide even at the smallest size; checking costs
    nothing, and a wrong estimate is said (a fitting miss never stops a build).
    """
    found = []
    tolerance_pt = TOLERANCE_MM / PT_TO_MM
    for sheet in pages:
        for placed in sheet.cards:
            box = anchors.get(placed.face.key)
            if box is None:
                continue
            lines = anchors.get(f"w-{placed.face.key}", box)  # its widest line (the render job's `lines`)
            rect, area = placed.rect, placed.face.area
            top, bottom = (rect.y_mm + area.top_mm) / PT_TO_MM, (rect.y_mm + area.bottom_mm) / PT_TO_MM
            left, right = (rect.x_mm + PADDING_MM) / PT_TO_MM, (rect.right_mm - PADDING_MM) / PT_TO_MM
            x, end = min(box.x_pt, lines.x_pt), max(box.right_pt, lines.right_pt)
            if (box.y_pt < top - tolerance_pt or box.bottom_pt > bottom + tolerance_pt
                    or x < left - tolerance_pt or end > right + tolerance_pt):
                card = placed.face.card
                over = max(top - box.y_pt, box.bottom_pt - bottom, left - x, end - right) * PT_TO_MM
                what = "question" if placed.face.side == "front" else "answer"
                if end > right + tolerance_pt and placed.face.size_pt <= minimum_pt:
                    wider = (end - right) * PT_TO_MM
                    message = (f"card {placed.face.label}: a line of its {what} is {wider:.1f} mm wider than its "
                               f"card's text area even at {minimum_pt:g} pt, and runs past it")
                    hint = "break the line (a long formula or word), or use a larger card (--card)"
                else:
                    message = f"card {placed.face.label}: its {what} runs {over:.1f} mm past its card's text area"
                    hint = ("lower cards.base_size_pt or use a larger card (--card); please also report this "
                            "card, it should have been fitted")
                found.append(finding("SG601", message, card.location, hint=hint, severity=Severity.WARNING))
    return found
