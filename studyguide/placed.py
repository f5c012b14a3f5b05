"""flashcards.pdf made again when only where its cards sit changed (the flip, the back offset, the
gap, the cut guides, the bands): from the sheets as the last build laid them out, their cards
moved and the guides and bands drawn over, without reading the guide or loading the layouts.
The record it reads is the one `outputs.flashcards` keeps (`_Passes.keep`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .geometry.drawings import (LABEL_INK, Spot, backs_laid_out, band_drawing, chapter_ink, guide_drawings,
                                 moved_spots)
from .geometry.sheets import Backs, Rect, StockError, manual_order, stock_for
from .model import Diagnostic
from .plain import found_again, plain_float, plain_int, plain_list, plain_str

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


def in_place(laid_stock, stock, laid_out: Backs, backs: Backs, banded: bool) -> bool:
    """Whether sheets laid out on `laid_stock` with `laid_out` backs already have every card where
    `stock` and `backs` put them, with no band to draw: nothing to move after."""
    return laid_out == backs and laid_stock == stock and not banded


class _FontFiles:
    """The font file of each family and weight, as `unify_fonts` asks for it."""

    def __init__(self, rows) -> None:
        self.files = {(plain_str(family), plain_int(weight)): plain_str(file) for family, weight, file in rows}

    def file_of(self, family: str, weight: int):
        file = self.files.get((family, weight))
        return Path(file) if file else None


def placed_again(record, settings, cache) -> tuple[dict[str, bytes], dict[str, int], list[Diagnostic]] | None:
    """flashcards.pdf made again from the sheets as the last build laid them out (its `keep`
    record), with its cards moved where the settings' flip, back offset and gap put them, and its
    guides and bands drawn over: the files, their pages, and the findings of the build that laid
    them out. What a build of the same guide lays out and moves, byte for byte; None when the
    record does not serve (another grid, a render gone from the cache, a page not drawn as
    expected): the guide is then read and its sheets placed as usual."""
    from .outcome import created_date
    from .printing.backs import move_cards
    from .printing.finish import finish_sheets, pdf_date

    options = settings.cards
    try:
        stock = stock_for(options)
    except StockError:
        return None
    if stock.fold or settings.build.quiz:
        return None
    laid_stock, laid_out = dataclasses.replace(stock, gap_mm=0.0), backs_laid_out(stock, options.backs)
    try:
        if plain_int(record["per_sheet"]) != stock.per_sheet:
            return None  # a gap that changes how many cards a sheet holds: laid out again
        pdfs, kinds, bands = [], [], []
        for chunk in plain_list(record["chunks"]):
            laid, placed = [], []
            for kind, cards in plain_list(chunk["pages"]):
                page = tuple(Spot(Rect(*(plain_float(v) for v in row[3:7])), plain_int(row[0]), plain_int(row[1]),
                                  plain_float(row[2])) for row in map(plain_list, cards))
                kind = plain_str(kind)
                if kind not in ("front", "back") or not all(0 <= spot.index < stock.per_sheet for spot in page) \
                        or moved_spots(page, kind, laid_stock, laid_out) != page:
                    return None  # not the grid these settings lay out on
                laid.append(page)
                placed.append(moved_spots(page, kind, stock, options.backs))
                kinds.append(kind)
            rendered = cache.entry(plain_str(chunk["entry"]), plain_str(chunk["name"]))
            if rendered is None or rendered.pages != len(laid):
                return None
            pdf = rendered.pdf
            if not in_place(laid_stock, stock, laid_out, options.backs, options.band):
                pdf = move_cards(pdf, card_moves(laid, placed, options.band))
                if pdf is None:
                    return None
            pdfs.append(pdf)
            bands += [band_drawing(page, stock) if options.band else b"" for page in placed]
        guides = guide_drawings(stock, options.cut, options.backs)
        overlay = (guides, tuple(kinds), tuple(bands)) if guides or options.band else None
        info = {plain_str(k): plain_str(v) for k, v in dict(record["info"]).items()}
        # the date a build gives its files is the newest content file's (as the build that laid
        # the sheets out found it), which a file touched since, its text the same, moves on
        date = pdf_date(created_date([Path(plain_str(path)) for path in plain_list(record["sources"])]))
        info.update({key: date for key in ("CreationDate", "ModDate") if key in info})
        fonts = _FontFiles(map(plain_list, plain_list(record["fonts"])))
        findings = [found_again(row) for row in plain_list(record["findings"])]
        language = plain_str(record["language"])
    except (TypeError, ValueError, KeyError, OverflowError):  # not what this version writes
        return None
    if len(pdfs) > 1 and not all(Path(file).is_file() for file in fonts.files.values()):
        return None  # the fonts cut for the guide are gone from the cache: laid out again
    pages = file_pages(options, False, len(kinds))
    files = finish_sheets(pdfs, pages, info, language, fonts, overlay)
    return files, {name: len(order) for name, (order, _) in pages.items()}, findings


def card_moves(laid: list[tuple[Spot, ...]], placed: list[tuple[Spot, ...]], banded: bool = False) -> list:
    """How far each card of each page moves, from where it was rendered to where it goes, and with
    bands, its label's colour (a page whose cards all stay as they are is left out)."""
    from .printing.backs import CardMove, PageMove

    moves = []
    for page, (before, after) in enumerate(zip(laid, placed)):
        if not banded and [a.rect for a in before] == [b.rect for b in after]:
            continue
        cards = tuple(CardMove(a.rect.x_mm, a.rect.y_mm, a.rect.width_mm, a.rect.height_mm,
                               b.rect.x_mm - a.rect.x_mm, b.rect.y_mm - a.rect.y_mm,
                               chapter_ink(b.chapter) if banded else None)
                      for a, b in zip(before, after))
        moves.append(PageMove(page, cards, LABEL_INK if banded else None))
    return moves
