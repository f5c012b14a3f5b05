"""out/flashcards.pdf: card sheets, fronts and backs alternating, text fitted to each card."""

from __future__ import annotations

from ..diagnostics import finding
from ..layout.fit import choose, measure_items, measured_ids
from ..layout.flashcards import flashcards_html, measure_html
from ..layout.sheets import PRESETS
from ..printing.finish import finish_flashcards
from . import Context, Plan


def plan(context: Context) -> Plan:
    settings = context.settings
    stock = PRESETS[settings.cards.preset]
    cards = context.cards
    items = measure_items(cards, stock, settings.cards.base_size_pt, settings.cards.min_size_pt)
    measure = context.job("flashcards:measure", measure_html(
        context.layouts, items, stock, context.language, context.print_meta, context.font_url), measure=measured_ids(items))

    def then(rendered):
        if rendered.key != "flashcards:measure":
            return []
        fits = choose(cards, stock, items, rendered.anchors)
        for (anchor, side), fit in fits.items():
            if not fit.fits:
                context.diagnostics.append(finding(
                    "SG601", f"card {anchor} ({side}) does not fit even at {fit.size_pt:g} pt"))
        html = flashcards_html(context.layouts, cards, stock, settings, context.language, context.print_meta,
                               context.font_url, fits)
        return [context.job("flashcards", html)]

    def files(rendered):
        pdf = finish_flashcards(rendered["flashcards"].pdf, context.info(), context.language, settings.cards.flip)
        return {"flashcards.pdf": pdf}

    return Plan([measure], files, then, pages=lambda r: {"flashcards.pdf": r["flashcards"].pages})
