"""Text that fits its card: each side starts at the base size and steps down until it fits.

Fitting costs one extra layout pass for the whole deck, not one per card, and that pass is small:
- a side whose length shows it fits at the base size with room to spare (plain paragraphs, a
  pessimistic estimate of its lines under 70 % of the space) is not measured at all; the sheet
  centres it with a CSS transform, whatever its exact height;
- every other side, and the head of every chapter, goes into one measuring document, at the
  sizes it might need; WeasyPrint lays it out once and the build reads the heights back from
  element anchors.
Every body's box on the finished sheets is checked against its card afterwards (see
`outputs/flashcards.py`), so an estimate that was wrong can never clip text unnoticed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from markupsafe import Markup

from ..geometry.drawings import HEAD_GAP_MM, PADDING_MM, body_width_mm  # noqa: F401 - shared from there
from ..geometry.paper import PT_TO_MM
from ..geometry.sheets import Stock

STEP_PT = 0.5
HEAD_SIZE_PT = 7.0  # cards.min_size_pt by default: nothing on a card is smaller
HEAD_LINE_HEIGHT = 1.25
LINE_HEIGHT = 1.5
PARAGRAPH_GAP_EM = 0.5  # `.text p` margin
SURE_SHARE = 0.7  # a side estimated to need less than this share of the space is not measured
HEAD_LINES_ASSUMED = 2  # before heads are measured, estimates assume a head of two lines
HOPELESS = 4  # a side estimated (optimistically) to need this many times the space is not measured

# What may make a line wider than the card: such a side is always measured, width included.
WIDE_MARKERS = ('<img class="math"', "<table", "sg-nobr", "<code")
# Markup made only of paragraphs and inline text: its height follows from its length.
_PLAIN = re.compile(r"</?(p|br|span|strong|em|b|i|code|a|s|del|sub|sup|kbd|mark)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Side:
    """One side of a card as it will be printed: its body HTML and how long it is."""

    key: str  # unique: f-q1-3 (front of card q1-3), b-q1-3
    html: Markup
    weight: float  # printed length, in Chinese-character widths at the body size
    paragraphs: int

    @property
    def plain(self) -> bool:
        return not _TAG.search(_PLAIN.sub("", self.html))

    @property
    def wide(self) -> bool:
        """Whether it may hold a line wider than the card: a formula, a table, a run kept on one
        line (a formula and its comma), or inline code (WeasyPrint may keep `的<code>…</code>作`
        whole on one line, wider than the card, although code may break anywhere)."""
        return any(marker in self.html for marker in WIDE_MARKERS)


@dataclass(frozen=True)
class Fit:
    size_pt: float
    fits: bool  # False: too long even at the smallest size
    height_mm: float | None = None  # None when not measured (it fits with room to spare)


@dataclass(frozen=True)
class Area:
    """Where a card's body may go, in mm from the card's top edge."""

    top_mm: float
    bottom_mm: float

    @property
    def height_mm(self) -> float:
        return self.bottom_mm - self.top_mm

    @property
    def middle_mm(self) -> float:
        return (self.top_mm + self.bottom_mm) / 2


def head_height_mm(lines: int = 1) -> float:
    return lines * HEAD_SIZE_PT * HEAD_LINE_HEIGHT * PT_TO_MM


def area(stock: Stock, head_mm: float) -> Area:
    return Area(PADDING_MM + head_mm + HEAD_GAP_MM, stock.card_height_mm - PADDING_MM)


def image_max_mm(stock: Stock) -> float:
    """How tall an image on a card may be: the same when measuring, cutting and printing (so what
    was measured is what is printed), and short enough to leave a line or two beside it on a card
    whose head takes three lines."""
    return 0.8 * area(stock, head_height_mm(3)).height_mm


def steps(base_pt: float, minimum_pt: float) -> list[float]:
    count = int(round((base_pt - minimum_pt) / STEP_PT))
    return [round(base_pt - i * STEP_PT, 2) for i in range(count + 1)]


def estimated_height_mm(weight: float, paragraphs: int, width_mm: float, size_pt: float,
                        pessimistic: bool = False) -> float:
    """The height of `weight` character widths in `paragraphs` paragraphs at `size_pt`.

    Pessimistic: a line holds one character less than its width allows (line-breaking rules
    and Latin words leave lines short) and every paragraph ends in a part line.
    """
    em = size_pt * PT_TO_MM
    per_line = max(1, math.floor(width_mm / em) - (1 if pessimistic else 0))
    lines = math.ceil(weight / per_line) + (paragraphs - 1 if pessimistic else 0)
    return max(1, lines) * em * LINE_HEIGHT + (paragraphs - 1) * em * PARAGRAPH_GAP_EM


def surely_fits(side: Side, stock: Stock, base_pt: float) -> bool:
    space = area(stock, head_height_mm(HEAD_LINES_ASSUMED)).height_mm
    return side.plain and not side.wide and estimated_height_mm(
        side.weight, side.paragraphs, body_width_mm(stock), base_pt, pessimistic=True) <= SURE_SHARE * space


def estimated_size(side: Side, stock: Stock, base_pt: float, minimum_pt: float) -> float:
    """About the largest size at which the side fills its space (optimistic)."""
    space = area(stock, head_height_mm(1)).height_mm
    size = base_pt
    while size > minimum_pt and estimated_height_mm(side.weight, side.paragraphs, body_width_mm(stock), size) > space:
        size -= STEP_PT
    return size


def sizes_to_measure(side: Side, stock: Stock, base_pt: float, minimum_pt: float) -> list[float]:
    """The base size, the smallest, and every step within a point of the estimate: the largest
    size that really fits is among them, or a little above the one chosen."""
    space = area(stock, head_height_mm(1)).height_mm
    if estimated_height_mm(side.weight, side.paragraphs, body_width_mm(stock), minimum_pt) > 2 * space:
        # twice too long even at the smallest size, however optimistic: it will be split, and
        # laying out a very long side at every size costs minutes
        return [minimum_pt]
    guess = estimated_size(side, stock, base_pt, minimum_pt)
    wanted = {base_pt, minimum_pt} | {s for s in steps(base_pt, minimum_pt) if abs(s - guess) <= 1.0 + 1e-9}
    if any(marker in side.html for marker in WIDE_MARKERS if marker != "<code"):
        # a formula's or a table's width, not its length, may set its size: every whole point
        # below the estimate too, so that a line a little too wide steps down a little, not to
        # the smallest size (inline code runs past by a word at most: the steps near the
        # estimate do)
        wanted |= {s for s in steps(base_pt, minimum_pt) if s < guess and s == int(s)}
    return sorted(wanted, reverse=True)


@dataclass(frozen=True)
class MeasureItem:
    id: str  # element id in the measuring document
    side: Side | None  # None for a head
    size_pt: float = 0.0


@dataclass(frozen=True)
class HeadItem:
    id: str
    label: str  # the longest label the head will show, continued or not
    title: str  # chapter title (fronts), "" (backs)
    front: bool


@dataclass(frozen=True)
class Measuring:
    """What the measuring pass lays out: heads (front per chapter, one back) and doubtful sides."""

    heads: dict[int, HeadItem]  # chapter index → front head; 0 → the back head
    items: tuple[MeasureItem, ...]
    unmeasured: frozenset[str]  # keys of sides that fit at the base size without measuring
    # keys of sides so long they surely fit at no size: laying one out only to find that out costs
    # as much as printing it (seconds for 100,000 characters); they go straight to splitting
    hopeless: frozenset[str] = frozenset()

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(h.id for h in self.heads.values()) + tuple(i.id for i in self.items)


def plan_measuring(sides: list[Side], heads: dict[int, tuple[str, str]], stock: Stock,
                   base_pt: float, minimum_pt: float) -> Measuring:
    """`heads`: chapter index → (longest label, title) of the front heads; 0 → the back's."""
    head_items = {index: HeadItem(f"h{index}", label, title, index != 0)
                  for index, (label, title) in heads.items()}
    items: list[MeasureItem] = []
    unmeasured, hopeless = set(), set()
    space = area(stock, head_height_mm(1)).height_mm
    for side in sides:
        if surely_fits(side, stock, base_pt):
            unmeasured.add(side.key)
            continue
        if side.plain and estimated_height_mm(side.weight, side.paragraphs, body_width_mm(stock),
                                              minimum_pt) > HOPELESS * space:
            hopeless.add(side.key)
            continue
        for size in sizes_to_measure(side, stock, base_pt, minimum_pt):
            items.append(MeasureItem(f"m{len(items)}", side, size))
    return Measuring(head_items, tuple(items), frozenset(unmeasured), frozenset(hopeless))


def head_heights(measuring: Measuring, anchors: dict) -> dict[int, float]:
    """Chapter index → measured height of its front head in mm; 0 → the back head."""
    return {index: anchors[item.id].height_pt * PT_TO_MM for index, item in measuring.heads.items()}


def choose(measuring: Measuring, anchors: dict, areas: dict[str, Area], base_pt: float,
           width_mm: float = math.inf, minimum_pt: float = 0.0) -> dict[str, Fit]:
    """Side key → the largest measured size at which it fits the area given for it.

    A measured side grows wider than the card's text (`width_mm`) when something in it cannot
    break (a formula and its comma, a table's longest words): it fits at no size at which it does,
    unless it does at none: then it keeps the smallest size, as high as it fits, and is said after
    rendering.
    """
    heights: dict[str, list[tuple[float, float, bool]]] = {}
    for item in measuring.items:
        box = anchors[item.id]
        # its widest line, where the render reports it: a line may run past the box (WeasyPrint
        # may keep `的<code>…</code>作` on one line although code may break anywhere)
        lines = anchors.get(f"w-{item.id}", box)
        too_wide = (max(box.right_pt, lines.right_pt) - min(box.x_pt, lines.x_pt)) * PT_TO_MM > width_mm + 0.05
        heights.setdefault(item.side.key, []).append((item.size_pt, box.height_pt * PT_TO_MM, too_wide))
    fits = {key: Fit(base_pt, True) for key in measuring.unmeasured}
    fits |= {key: Fit(minimum_pt, False) for key in measuring.hopeless}
    for key, measured in heights.items():
        space = areas[key].height_mm
        measured.sort(reverse=True)
        chosen = next(((size, height) for size, height, wide in measured if height <= space + 0.01 and not wide),
                      None)
        size, height, _ = measured[-1]
        if chosen is not None:
            fits[key] = Fit(chosen[0], True, chosen[1])
        elif height <= space + 0.01:
            # too wide even at the smallest size, but short enough: continuing on another card
            # would not make it narrower; the check after rendering says which line runs past
            fits[key] = Fit(size, True, height)
        else:
            fits[key] = Fit(size, False, height)
    return fits
