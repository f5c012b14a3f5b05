"""Flashcard sheets: fronts and backs alternate, each answer placed behind its question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..config import Settings
from ..i18n import strings
from . import CardView, Layouts
from .fit import HEAD_SIZE_PT, PADDING_MM, Fit, MeasureItem, body_width_mm
from .sheets import Rect, Stock

CUT_LINE_PT = 0.5  # thin, but well above the 0.25 pt at which lines vanish on paper


@dataclass(frozen=True)
class Placed:
    view: CardView
    rect: Rect
    size_pt: float  # text size chosen for this side
    body_top_mm: float  # from the card's top edge


@dataclass(frozen=True)
class CutLine:
    """A horizontal or vertical segment on the sheet, in mm."""

    x1_mm: float
    y1_mm: float
    x2_mm: float
    y2_mm: float

    @property
    def vertical(self) -> bool:
        return self.x1_mm == self.x2_mm


@dataclass(frozen=True)
class Sheet:
    side: str  # front | back
    number: int  # 1-based sheet number
    cards: tuple[Placed, ...]
    guides: tuple[CutLine, ...]


def cut_lines(stock: Stock) -> tuple[CutLine, ...]:
    """Lines along every edge between cards, and around the grid when it does not reach the paper's edge."""
    xs = sorted({round(stock.slot(c).x_mm, 3) for c in range(stock.columns)}
                | {round(stock.slot(c).right_mm, 3) for c in range(stock.columns)})
    ys = sorted({round(stock.slot(r * stock.columns).y_mm, 3) for r in range(stock.rows)}
                | {round(stock.slot(r * stock.columns).bottom_mm, 3) for r in range(stock.rows)})
    top, bottom, left, right = ys[0], ys[-1], xs[0], xs[-1]
    if stock.tiles:
        top, bottom, left, right = 0.0, stock.paper.height_mm, 0.0, stock.paper.width_mm
        xs = [x for x in xs if 1 < x < stock.paper.width_mm - 1]
        ys = [y for y in ys if 1 < y < stock.paper.height_mm - 1]
    return tuple([CutLine(x, top, x, bottom) for x in xs] + [CutLine(left, y, right, y) for y in ys])


def sheets(views: list[CardView], stock: Stock, flip: str, fits: dict[tuple[str, str], Fit]) -> list[Sheet]:
    guides = cut_lines(stock)
    result = []
    for start in range(0, len(views), stock.per_sheet):
        batch = views[start:start + stock.per_sheet]
        number = start // stock.per_sheet + 1
        placed = {}
        for side in ("front", "back"):
            placed[side] = []
            for index, view in enumerate(batch):
                slot = index if side == "front" else stock.back_index(index, flip)
                fit = fits[(view.card.anchor, side)]
                placed[side].append(Placed(view, stock.slot(slot), fit.size_pt, fit.body_top_mm))
            result.append(Sheet(side, number, tuple(placed[side]), guides))
    return result


def _stylesheet(layouts: Layouts, stock: Stock, font_url: Callable[[str], str], page: tuple[float, float]):
    return layouts.stylesheet(
        "fonts.css.j2", "typography.css", "cards.css.j2", font_url=font_url, paper=stock.paper,
        page_width_mm=page[0], page_height_mm=page[1], padding_mm=PADDING_MM, head_size_pt=HEAD_SIZE_PT,
        body_width_mm=body_width_mm(stock), cut_line_pt=CUT_LINE_PT)


def measure_html(layouts: Layouts, items: list[MeasureItem], stock: Stock, language: str, meta,
                 font_url: Callable[[str], str]) -> str:
    """The document that measures every card side (one tall page per few hundred sides)."""
    stylesheet = _stylesheet(layouts, stock, font_url, (body_width_mm(stock), 5000))
    return layouts.render("card-measure.html.j2", language=language, meta=meta, items=items,
                          stylesheet=stylesheet)


def flashcards_html(layouts: Layouts, views: list[CardView], stock: Stock, settings: Settings,
                    language: str, meta, font_url: Callable[[str], str],
                    fits: dict[tuple[str, str], Fit]) -> str:
    stylesheet = _stylesheet(layouts, stock, font_url, (stock.paper.width_mm, stock.paper.height_mm))
    return layouts.render(
        "flashcards.html.j2", language=language, meta=meta, words=strings(language),
        sheets=sheets(views, stock, settings.cards.flip, fits), stylesheet=stylesheet)
