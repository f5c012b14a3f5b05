"""Text that fits its card: each side starts at the base size and steps down until it fits.

Fitting costs one extra layout pass for the whole deck, not one per card: a measuring document
holds every card side at each size it might need, WeasyPrint lays it out once, and the build
reads the heights back from element anchors. Which sizes a side "might need" is estimated from
its length, generously, so the pass stays small: most cards are measured at the base size only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import CardView
from .sheets import Stock

STEP_PT = 0.5
PADDING_MM = 6.0  # text stays this far from every cut edge
HEAD_SIZE_PT = 6.5
HEAD_GAP_MM = 1.5  # between the head line and the body
LINE_HEIGHT = 1.5
PT_TO_MM = 25.4 / 72


@dataclass(frozen=True)
class Fit:
    size_pt: float
    body_top_mm: float  # from the card's top edge, centring the body in the space below the head
    fits: bool


@dataclass(frozen=True)
class MeasureItem:
    view: CardView
    side: str  # front | back
    size_pt: float
    head: bool  # also measure the head above the body

    @property
    def prefix(self) -> str:
        return f"m{self.size_pt:g}-{self.side}-{self.view.card.anchor}-"


def body_width_mm(stock: Stock) -> float:
    return stock.card_width_mm - 2 * PADDING_MM


def steps(base_pt: float, minimum_pt: float) -> list[float]:
    count = int(round((base_pt - minimum_pt) / STEP_PT))
    return [round(base_pt - i * STEP_PT, 2) for i in range(count + 1)]


def estimated_size(weight: float, paragraphs: int, stock: Stock, base_pt: float) -> float:
    """A rough text size at which `weight` Chinese-character widths fill the card's body."""
    width = body_width_mm(stock)
    height = stock.card_height_mm - 2 * PADDING_MM - 4
    size = base_pt
    while size > 2:
        em = size * PT_TO_MM
        per_line = max(1, math.floor(width / em))
        lines = math.ceil(weight / per_line) + max(0, paragraphs - 1)
        if lines * em * LINE_HEIGHT <= height:
            return size
        size -= STEP_PT
    return size


def measured_ids(items: list[MeasureItem]) -> tuple[str, ...]:
    """The element ids whose boxes the measuring pass reports."""
    return tuple(f"{item.prefix}{part}" for item in items for part in ("body",) + (("head",) if item.head else ()))


def measure_items(views: list[CardView], stock: Stock, base_pt: float, minimum_pt: float) -> list[MeasureItem]:
    """Each side at the base size, plus the smaller sizes near where its length suggests it fits."""
    items: list[MeasureItem] = []
    heads_done: set[tuple[int, str]] = set()
    sizes = steps(base_pt, minimum_pt)
    for view in views:
        for side, weight, paragraphs in (("front", view.question_weight, view.question_paragraphs),
                                         ("back", view.answer_weight, view.answer_paragraphs)):
            guess = estimated_size(weight, paragraphs, stock, base_pt)
            # a side that clearly fits is measured once; a long one at every size from just
            # above the estimate down, so the largest size that really fits is among them
            wanted = [base_pt] if guess >= base_pt else [s for s in sizes if s == base_pt or s <= guess + 2 * STEP_PT]
            # the head only depends on the chapter title (fronts) or nothing (backs)
            head_key = (view.card.chapter_index, side) if side == "front" else (0, side)
            for size in wanted:
                head = size == base_pt and head_key not in heads_done
                if head:
                    heads_done.add(head_key)
                items.append(MeasureItem(view, side, size, head))
    return items


def choose(views: list[CardView], stock: Stock, items: list[MeasureItem],
           anchors: dict) -> dict[tuple[str, str], Fit]:
    """The largest measured size at which each side fits, and where its body then starts."""
    def height_mm(name: str) -> float:
        return anchors[name].height_pt * PT_TO_MM

    heads: dict[tuple[int, str], float] = {}
    heights: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for item in items:
        key = (item.view.card.anchor, item.side)
        if item.head:
            head_key = (item.view.card.chapter_index, item.side) if item.side == "front" else (0, item.side)
            heads[head_key] = height_mm(item.prefix + "head")
        height = height_mm(item.prefix + "body")
        heights.setdefault(key, []).append((item.size_pt, height))
    fits = {}
    for view in views:
        for side in ("front", "back"):
            head_key = (view.card.chapter_index, side) if side == "front" else (0, side)
            top = PADDING_MM + heads[head_key] + HEAD_GAP_MM
            space = stock.card_height_mm - PADDING_MM - top
            measured = sorted(heights[(view.card.anchor, side)], reverse=True)
            chosen = next(((size, height) for size, height in measured if height <= space + 0.01), None)
            if chosen is None:
                size, height = measured[-1]
                fits[(view.card.anchor, side)] = Fit(size, top, False)
            else:
                size, height = chosen
                fits[(view.card.anchor, side)] = Fit(size, top + (space - height) / 2, True)
    return fits
