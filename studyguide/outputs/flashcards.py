"""out/flashcards.pdf: card sheets, fronts and backs alternating, text fitted to each card.

Render jobs, in order: `flashcards:measure` (chapter heads and the sides whose length alone does
not show they fit; split in two for a large deck so both cores start early), then
`flashcards:split` only when some side must continue on another card (just those sides), then
the sheets: one document, or for a large deck several runs of whole sheets rendered side by
side and joined in order.
"""

from __future__ import annotations


from markupsafe import Markup

from ..config import ConfigError
from ..diagnostics import finding
from ..i18n import strings
from ..layout.fit import PADDING_MM, PT_TO_MM, body_width_mm, Fit, Measuring, choose, head_heights, plan_measuring
from ..layout.flashcards import (STACKED, SplitItem, Sheet, areas, card_sides, deck, guide_urls, head_texts,
                                 measure_html, sheet_documents, sheets, split_html)
from ..layout.sheets import StockError, stock_for
from ..layout.split import GROUP_CLASS, starts_from_pages
from ..layout.split import Side as SplitSide
from ..model import Location, Severity
from . import Context, Plan

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
    context.diagnostics.extend(_stacked(views, sides, stock, options.min_size_pt))
    measuring = plan_measuring(list(sides.values()), head_texts(views, words["continued"]), stock,
                               options.base_size_pt, options.min_size_pt)
    offset = (options.back_offset_x_mm, options.back_offset_y_mm)
    urls = guide_urls(context.layouts, stock, options.cut, options.flip, offset)
    physical_sheets = -(-len(views) // stock.per_sheet)
    per_chunk = -(-settings.build.chunk_cards // stock.per_sheet) if settings.build.chunk_cards else CHUNK_SHEETS
    chunks = max(1, -(-physical_sheets // per_chunk))
    state: dict = {"chunks": {}}

    def measure_jobs() -> list:
        parts = _halves(measuring) if chunks > 1 else [measuring]
        return [context.job(f"flashcards:measure:{n}", measure_html(
            context.layouts, part, stock, context.language, context.print_meta, context.font_url), measure=part.ids,
            lines="m", label="flashcards, fitting the text") for n, part in enumerate(parts)]

    jobs = measure_jobs()
    pending_measures = {job.key for job in jobs}
    measured_anchors: dict = {}

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
        pages = sheets(cards, stock, options.flip, offset)
        state["pages"] = pages
        documents = sheet_documents(context.layouts, pages, stock, settings, context.language, context.print_meta,
                                    context.font_url, urls, chunks)
        result = []
        for number, (chunk, html) in enumerate(documents):
            key = f"flashcards:sheets:{number}"
            state["chunks"][key] = chunk
            part = f", part {number + 1} of {len(documents)}" if len(documents) > 1 else ""
            result.append(context.job(key, html, label=f"flashcards{part}", lines="b"))
        return result

    def then(rendered) -> list:
        if rendered.key in pending_measures:
            pending_measures.discard(rendered.key)
            measured_anchors.update(rendered.anchors)
            return after_measuring() if not pending_measures else []
        if rendered.key == "flashcards:split":
            return after_splitting(rendered)
        if rendered.key in state["chunks"]:
            context.diagnostics.extend(_overflowing(state["chunks"][rendered.key], rendered.anchors,
                                                    options.min_size_pt))
        return []

    def ordered(rendered) -> list[bytes]:
        return [rendered[key].pdf for key in sorted(state["chunks"], key=lambda k: int(k.rsplit(":", 1)[1]))]

    def files(rendered):
        from ..printing.finish import finish_flashcards

        return finish_flashcards(ordered(rendered), context.info(), context.language, options.flip,
                                 options.duplex, stock.fold, context.fonts)

    def page_counts(rendered):
        total = sum(rendered[key].pages for key in state["chunks"])
        if options.duplex == "manual" and not stock.fold:
            return {"flashcards-fronts.pdf": total // 2, "flashcards-backs.pdf": total // 2}
        return {"flashcards.pdf": total}

    # measuring, then the sheets (long cards, rare, may add a split)
    return Plan(jobs, files, then, pages=page_counts, expected=len(jobs) + chunks)


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
    if tall:
        message += (f"; it continues over {cards} cards, but holds a table row or a line taller than the "
                    "card, which runs past the card's bottom edge")
        hint = "make it smaller, or use a larger card (--card)"
    elif severity is Severity.ERROR:
        hint = ("shorten it, use a larger card (--card) or a smaller cards.min_size_pt, or let it continue "
                "on another card (--overflow continue)")
    else:
        message += f"; it continues over {cards} cards, marked as continued"
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
