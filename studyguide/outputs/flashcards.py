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

from markupsafe import Markup

from ..cache import RecordIndex, anchor_rows, plain_int, plain_list, plain_str, read_anchors

from ..config import ConfigError
from ..diagnostics import finding
from ..i18n import strings
from ..layout.fit import PADDING_MM, body_width_mm, Fit, Measuring, choose, head_heights, plan_measuring
from ..layout.flashcards import (STACKED, SplitItem, Sheet, areas, backs_laid_out, card_sides, deck, guide_urls,
                                 head_texts, measure_css, measure_html, sheet_documents, sheet_keys, sheets,
                                 split_html)
from ..geometry.paper import PT_TO_MM
from ..geometry.sheets import StockError, manual_order, stock_for
from ..layout.split import GROUP_CLASS, starts_from_pages
from ..layout.split import Side as SplitSide
from ..model import Location, Severity
from ..printing.pool import Rendered
from . import Context, Plan

# Physical sheets per render: small enough that an edit re-renders little and that pieces share
# out over the workers, large enough that each render's fixed cost (its stylesheet, its fonts)
# stays a small part of it.
CHUNK_SHEETS = 24
SPLIT_SAFETY_MM = 0.2  # the pages that cut sides are this much shorter than the card's text area
TOLERANCE_MM = 0.2
FILE_NAME = "flashcards.pdf"
MANUAL_NAMES = ("flashcards-fronts.pdf", "flashcards-backs.pdf")  # --duplex manual: fed through twice


def file_pages(options, fold: bool, pages: int) -> dict[str, tuple[list[int], str]]:
    """Each file written → the sheets' pages it holds (0-based), and how it is printed: with the
    flip asked for, or on one side (folded sheets, and each file of a manual duplex)."""
    if fold:
        return {FILE_NAME: (list(range(pages)), "one")}
    if options.duplex != "manual":
        return {FILE_NAME: (list(range(pages)), options.flip)}
    return {name: (order, "one") for name, order in zip(MANUAL_NAMES, manual_order(pages))}


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
    context.diagnostics.extend(_stacked(views, sides, stock, options.min_size_pt))
    measuring = plan_measuring(list(sides.values()), head_texts(views, words["continued"]), stock,
                               options.base_size_pt, options.min_size_pt)
    cache = context.cache
    # with a cache, the backs are rendered in one arrangement whatever the flip and offset, and
    # their cards moved after (printing.backs): a change of flip or offset then renders no card.
    # A guide's own layouts may draw more on a sheet than cards and guides: rendered in place.
    movable = cache is not None and context.layouts.built_in
    laid_out = backs_laid_out(stock, options.cut, options.backs) if movable else options.backs
    urls = guide_urls(context.layouts, stock, options.cut, laid_out)
    physical_sheets = -(-len(views) // stock.per_sheet)
    per_chunk = -(-settings.build.chunk_cards // stock.per_sheet) if settings.build.chunk_cards else CHUNK_SHEETS
    chunks = max(1, -(-physical_sheets // per_chunk))
    # chunks: key → its pages; jobs: key → its job; assembly: job of a chunk's changed sheets →
    # (the chunk, its sheets); assembled: chunk key → the chunk joined from sheets rendered apart;
    # placed: chunk key → its pages where the flip and offset put them; moved: chunk key → the
    # chunk with its backs' cards moved there; placing: job of a chunk rendered in place → the chunk
    state: dict = {"chunks": {}, "jobs": {}, "own": {}, "assembly": {}, "assembled": {}, "placed": {},
                   "moved": {}, "placing": {}}

    def measure_jobs() -> list:
        parts = _halves(to_measure) if chunks > 1 and len(to_measure.items) > 1 else [to_measure]
        parts_measured.update({f"flashcards:measure:{n}": part for n, part in enumerate(parts)})
        whole = css if parts == [measuring] else ""  # the stylesheet made for the records' keys is the same
        return [context.job(f"flashcards:measure:{n}", measure_html(
            context.layouts, part, stock, context.language, context.print_meta, context.font_url, whole),
            measure=part.ids,
            lines="m", label="flashcards, fitting the text") for n, part in enumerate(parts)]

    measured_anchors: dict = {}
    to_measure, css = measuring, ""
    if cache is not None:
        # each head and each side at each size is known by a document measuring it alone, which
        # lays it out as the whole measuring document does
        measured = RecordIndex(cache, "measured")
        css = measure_css(context.layouts, measuring, stock, context.font_url)
        record_keys = {item.id: cache.record_key("measure", measure_html(
            context.layouts, alone, stock, context.language, context.print_meta, context.font_url, css), context.roots)
            for item, alone in _alone(measuring)}
        to_measure = _measured_before(measuring, measured, record_keys, measured_anchors)
    parts_measured: dict[str, Measuring] = {}
    jobs = measure_jobs() if to_measure.heads or to_measure.items else []
    pending_measures = {job.key for job in jobs}

    def after_measuring() -> list:
        heads = head_heights(measuring, measured_anchors)
        state["areas"] = side_areas = areas(sides, views, stock, heads)
        state["fits"] = fits = choose(measuring, measured_anchors, side_areas, options.base_size_pt,
                                      body_width_mm(stock), options.min_size_pt)
        too_long = [key for key in sides if not fits[key].fits]
        if not too_long:
            return sheet_jobs({})
        if options.overflow == "error":
            for key in too_long:
                context.diagnostics.append(_too_long(views, key, fits[key], stock, Severity.ERROR, 0))
            return []
        items, heights, trees = [], {}, {}
        for number, key in enumerate(too_long):
            page = f"pg{round(side_areas[key].height_mm * 100)}"
            heights[page] = side_areas[key].height_mm - SPLIT_SAFETY_MM
            trees[key] = SplitSide(sides[key].html)
            items.append(SplitItem(f"s{number}", trees[key].marked(f"s{number}-"), page))
        state["split"] = (too_long, items, heights, trees)
        return [context.job("flashcards:split", split_html(
            context.layouts, items, heights, stock, options.min_size_pt, context.language, context.print_meta,
            context.font_url), measure=tuple(_split_ids(items, trees)), texts=GROUP_CLASS,
            label="flashcards, long cards")]

    def after_splitting(rendered) -> list:
        too_long, items, heights, trees = state["split"]
        anchors = rendered.anchors
        pieces: dict[str, list[Markup]] = {}
        for key, item in zip(too_long, items):
            tree = trees[key]
            starts = starts_from_pages(tree.pages(f"{item.id}-", anchors, rendered.texts))
            pieces[key] = tree.pieces(starts)
            limit_pt = heights[item.page] / PT_TO_MM
            tallest = max((anchor.bottom_pt for name, anchor in anchors.items()
                           if name.startswith(f"{item.id}-")), default=0.0)
            # one unbreakable thing (a table row, a line) taller than the card is said, not fatal:
            # a fitting miss never stops a build
            tall = tallest > limit_pt + TOLERANCE_MM / PT_TO_MM
            context.diagnostics.append(_too_long(views, key, state["fits"][key], stock, Severity.WARNING,
                                                 len(starts), tall))
        return sheet_jobs(pieces)

    def sheet_jobs(pieces: dict[str, list[Markup]]) -> list:
        cards = deck(views, sides, state["fits"], pieces, state["areas"], options.min_size_pt, words["continued"])
        pages = sheets(cards, stock, laid_out)
        placed = sheets(cards, stock, options.backs) if laid_out != options.backs else pages
        state["pages"] = pages
        documents = sheet_documents(context.layouts, pages, stock, settings, context.language, context.print_meta,
                                    context.font_url, urls, chunks)
        if cache is not None:
            groups = _physical(pages)
            texts = sheet_keys(context.layouts, pages, groups, stock, settings, context.language,
                               context.print_meta, context.font_url, urls)
            keys = [cache.record_key("sheet", text, context.roots) for text in texts]
            state["sheets"] = RecordIndex(cache, "sheets", keys)
            done = 0
        result, first = [], 0
        for number, (chunk, html) in enumerate(documents):
            key = f"flashcards:sheets:{number}"
            state["chunks"][key] = chunk
            state["placed"][key] = placed[first:first + len(chunk)]
            first += len(chunk)
            part = f", part {number + 1} of {len(documents)}" if len(documents) > 1 else ""
            job = context.job(key, html, label=f"flashcards{part}", lines="b")
            state["jobs"][key] = job
            if cache is None:
                result.append(job)
                continue
            own = list(zip(_physical(chunk), keys[done:]))
            done += len(own)
            state["own"][key] = own
            if cache.has(job):
                result.append(job)
                continue
            # a chunk not rendered before: its sheets may have been, each in some render of its own
            found = _sheets_before(cache, state["sheets"], own, key)
            if not any(isinstance(item, _CachedSheet) for item in found):
                result.append(job)  # none was: the chunk is rendered whole, as in a first build
                continue
            new = [item for item in found if not isinstance(item, _CachedSheet)]
            if not new:
                result += finish_chunk(key, found, None)
                continue
            alone = sheet_documents(context.layouts, [page for item in new for page in item.group], stock, settings,
                                    context.language, context.print_meta, context.font_url, urls)[0][1]
            follow = context.job(f"{key}:changed", alone, label=f"flashcards{part}, sheets changed", lines="b")
            state["assembly"][follow.key] = (key, found, follow)
            result.append(follow)
        return result

    def remember(rendered, job, own: list) -> None:
        """Where each sheet of a render has its pages, and its anchors, for the builds to come."""
        index, where, first = state["sheets"], cache.key(job), 0
        for group, record_key in own:
            pages = list(range(first, first + len(group)))
            anchors = {name: dataclasses.replace(anchor, page=anchor.page - first)
                       for name, anchor in rendered.anchors.items() if anchor.page in pages}
            first += len(group)
            index.keep(record_key, {"job": where, "pages": pages, "anchors": anchor_rows(anchors)})
        index.save()

    def finish_chunk(key: str, found: list, changed) -> list:
        state["assembled"][key] = joined = _join_sheets(key, found, changed, context.fonts)
        cache.put_entry(cache.key(state["jobs"][key]), joined)  # a build with no change takes it whole
        context.diagnostics.extend(_overflowing(state["chunks"][key], joined.anchors, options.min_size_pt))
        return place(key, joined)

    def place(key: str, chunk) -> list:
        """Nothing, once the chunk's backs have their cards where the flip and offset put them; or
        the job rendering its sheets in place, when they cannot be moved."""
        from ..printing.backs import move_backs

        if laid_out == options.backs:
            return []
        (x, y), (x0, y0) = options.backs.offset_mm, laid_out.offset_mm
        guides_move = (x - x0, y - y0)
        moved = move_backs(chunk.pdf, _moves(state["chunks"][key], state["placed"][key], guides_move))
        if moved is not None:
            state["moved"][key] = dataclasses.replace(chunk, pdf=moved)
            return []
        real = guide_urls(context.layouts, stock, options.cut, options.backs)
        html = sheet_documents(context.layouts, state["placed"][key], stock, settings, context.language,
                               context.print_meta, context.font_url, real)[0][1]
        job = context.job(f"{key}:placed", html, label="flashcards, sheets in place", lines="b")
        state["placing"][job.key] = key
        return [job]

    def then(rendered) -> list:
        if rendered.key in pending_measures:
            pending_measures.discard(rendered.key)
            measured_anchors.update(rendered.anchors)
            if cache is not None and not pending_measures:
                for item, _ in _alone(measuring):
                    if item.id in measured_anchors:
                        measured.keep(record_keys[item.id], _measure_rows(measured_anchors, item.id))
                measured.save()
            return after_measuring() if not pending_measures else []
        if rendered.key == "flashcards:split":
            return after_splitting(rendered)
        if rendered.key in state["chunks"]:
            context.diagnostics.extend(_overflowing(state["chunks"][rendered.key], rendered.anchors,
                                                    options.min_size_pt))
            if cache is not None and rendered.seconds:  # rendered now, not taken from the cache
                remember(rendered, state["jobs"][rendered.key], state["own"][rendered.key])
            return place(rendered.key, rendered)
        if rendered.key in state["assembly"]:
            key, found, job = state["assembly"][rendered.key]
            remember(rendered, job, [(item.group, item.record_key) for item in found
                                     if not isinstance(item, _CachedSheet)])
            return finish_chunk(key, found, rendered)
        if rendered.key in state["placing"]:
            state["moved"][state["placing"][rendered.key]] = rendered
        return []

    def chunk_of(rendered, key: str):
        for made in (state["moved"], state["assembled"]):
            if key in made:
                return made[key]
        return rendered[key]

    def ordered(rendered) -> list[bytes]:
        return [chunk_of(rendered, key).pdf for key in sorted(state["chunks"], key=lambda k: int(k.rsplit(":", 1)[1]))]

    def total_pages(rendered) -> int:
        return sum(chunk_of(rendered, key).pages for key in state["chunks"])

    def files(rendered):
        from ..printing.finish import finish_sheets

        return finish_sheets(ordered(rendered), file_pages(options, stock.fold, total_pages(rendered)),
                             context.info(), context.language, context.fonts)

    def page_counts(rendered):
        return {name: len(pages) for name, (pages, _) in file_pages(options, stock.fold, total_pages(rendered)).items()}

    if not jobs:  # every side was measured before
        jobs = after_measuring()
        return Plan(jobs, files, then, pages=page_counts, expected=len(jobs))
    # measuring, then the sheets (long cards, rare, may add a split)
    return Plan(jobs, files, then, pages=page_counts, expected=len(jobs) + chunks)


def _alone(measuring: Measuring):
    """Each head and measured side with a measuring document of it alone (under a fixed id)."""
    for head in measuring.heads.values():
        yield head, Measuring({0: dataclasses.replace(head, id="h")}, (), frozenset())
    for item in measuring.items:
        yield item, Measuring({}, (dataclasses.replace(item, id="m"),), frozenset())


def _measured_before(measuring: Measuring, measured: "RecordIndex", record_keys: dict[str, str],
                     anchors: dict) -> Measuring:
    """What of `measuring` no earlier build measured; what one did fills `anchors`, under the ids
    this build gives them."""
    heads = {index: head for index, head in measuring.heads.items()
             if not _measure_from(measured.before.get(record_keys[head.id]), head.id, anchors)}
    items = tuple(item for item in measuring.items
                  if not _measure_from(measured.before.get(record_keys[item.id]), item.id, anchors))
    if len(heads) == len(measuring.heads) and len(items) == len(measuring.items):
        return measuring  # nothing was: the same document as in a first build
    return Measuring(heads, items, measuring.unmeasured, measuring.hopeless)


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


def _moves(laid: list[Sheet], placed: list[Sheet], guides_mm: tuple[float, float]) -> list:
    """How far each card of each back page moves, from where it was rendered to where it goes."""
    from ..printing.backs import CardMove, PageMove

    moves = []
    for page, (before, after) in enumerate(zip(laid, placed)):
        if before.kind != "back":
            continue
        cards = tuple(CardMove(a.rect.x_mm, a.rect.y_mm, a.rect.width_mm, a.rect.height_mm,
                               b.rect.x_mm - a.rect.x_mm, b.rect.y_mm - a.rect.y_mm)
                      for a, b in zip(before.cards, after.cards))
        moves.append(PageMove(page, cards, guides_mm))
    return moves


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
