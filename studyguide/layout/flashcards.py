"""Flashcard sheets: fronts and backs alternate, each answer placed behind its question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..config import Settings
from ..i18n import strings
from . import CardView, Layouts
from .sheets import Rect, Stock

CUT_LINE_PT = 0.5  # thin, but well above the 0.25 pt at which lines vanish on paper


@dataclass(frozen=True)
class Placed:
    view: CardView
    rect: Rect
    size_pt: float  # text size chosen for this side


@dataclass(frozen=True)
class Guide:
    """A cut line: a horizontal or vertical segment on the sheet."""

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
    guides: tuple[Guide, ...]


def cut_lines(stock: Stock) -> tuple[Guide, ...]:
    """Lines along every edge between cards, and around the grid when it does not reach the paper's edge."""
    xs = sorted({round(stock.slot(c).x_mm, 3) for c in range(stock.columns)}
                | {round(stock.slot(c).right_mm, 3) for c in range(stock.columns)})
    ys = sorted({round(stock.slot(r * stock.columns).y_mm, 3) for r in range(stock.rows)}
                | {round(stock.slot(r * stock.columns).bottom_mm, 3) for r in range(stock.rows)})
    top, bottom = ys[0], ys[-1]
    left, right = xs[0], xs[-1]
    if stock.tiles:
        top, bottom, left, right = 0.0, stock.paper.height_mm, 0.0, stock.paper.width_mm
        xs = [x for x in xs if 1 < x < stock.paper.width_mm - 1]
        ys = [y for y in ys if 1 < y < stock.paper.height_mm - 1]
    lines = [Guide(x, top, x, bottom) for x in xs] + [Guide(left, y, right, y) for y in ys]
    return tuple(lines)


def sheets(views: list[CardView], stock: Stock, flip: str,
           size_of: Callable[[CardView, str], float]) -> list[Sheet]:
    guides = cut_lines(stock)
    result = []
    for start in range(0, len(views), stock.per_sheet):
        batch = views[start:start + stock.per_sheet]
        number = start // stock.per_sheet + 1
        fronts = tuple(Placed(v, stock.slot(i), size_of(v, "front")) for i, v in enumerate(batch))
        backs = tuple(Placed(v, stock.slot(stock.back_index(i, flip)), size_of(v, "back"))
                      for i, v in enumerate(batch))
        result.append(Sheet("front", number, fronts, guides))
        result.append(Sheet("back", number, backs, guides))
    return result


def flashcards_html(layouts: Layouts, views: list[CardView], stock: Stock, settings: Settings,
                    language: str, meta, font_url: Callable[[str], str],
                    size_of: Callable[[CardView, str], float] | None = None) -> str:
    base = settings.cards.base_size_pt
    size_of = size_of or (lambda view, side: base)
    context = dict(stock=stock, paper=stock.paper, cut_line_pt=CUT_LINE_PT)
    stylesheet = layouts.stylesheet("fonts.css.j2", "typography.css", "cards.css.j2",
                                    font_url=font_url, **context)
    return layouts.render(
        "flashcards.html.j2", language=language, meta=meta, words=strings(language),
        sheets=sheets(views, stock, settings.cards.flip, size_of), stylesheet=stylesheet, **context)
