"""Where flashcards sit on a sheet, front and back, in millimetres from the sheet's top-left corner.

Duplex, defined: hold the printed sheet with its front up, then turn it over.
- `long` flip: turn it about its long edge (a portrait sheet like a book's page; a landscape
  sheet like a wall calendar). The card behind front position (x, y) of a portrait sheet is
  at (W - x - w, y) on the back: columns mirror, rows stay.
- `short` flip: turn it about its short edge. On a portrait sheet the card behind (x, y) is at
  (x, H - y - h) on the back: rows mirror, columns stay.
Cards are never drawn rotated or mirrored; only their places on the back change. The back offset
then moves everything on a back by (dx, dy), measured on the back as it lies face up.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from .paper import MM_PER_INCH, PAPERS, Paper, parse_paper

UNPRINTABLE_MM = 5.0  # office printers cannot print this close to the paper's edge
TILE_SLACK_MM = 1.0  # cards tile a sheet when they come this close to every edge, with no gap

Flip = Literal["long", "short"]


@dataclass(frozen=True)
class Backs:
    """Where the backs go: the edge the sheet turns about, then the back offset (mm right and
    down, on the back as it lies face up) that corrects the printer. The two travel together,
    since neither alone says where a back lands."""

    flip: Flip = "long"
    offset_mm: tuple[float, float] = (0.0, 0.0)

    @property
    def other_flip(self) -> Flip:
        return "short" if self.flip == "long" else "long"


@dataclass(frozen=True)
class Rect:
    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float

    def moved(self, dx_mm: float, dy_mm: float) -> "Rect":
        return Rect(self.x_mm + dx_mm, self.y_mm + dy_mm, self.width_mm, self.height_mm)

    @property
    def right_mm(self) -> float:
        return self.x_mm + self.width_mm

    @property
    def bottom_mm(self) -> float:
        return self.y_mm + self.height_mm

    def halves(self) -> tuple["Rect", "Rect"]:
        """The left and right half, for a folded card."""
        half = self.width_mm / 2
        return Rect(self.x_mm, self.y_mm, half, self.height_mm), Rect(self.x_mm + half, self.y_mm, half, self.height_mm)


@dataclass(frozen=True)
class Stock:
    """A card size and the grid of cards on one sheet of paper.

    With `fold`, each place in the grid holds a question and its answer side by side: a cell
    twice the card's width, folded down its middle.
    """

    name: str
    card_width_mm: float
    card_height_mm: float
    columns: int
    rows: int
    paper: Paper
    gap_mm: float = 0.0  # between neighbouring cells, both ways
    fold: bool = False

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    @property
    def cell_width_mm(self) -> float:
        return self.card_width_mm * (2 if self.fold else 1)

    @property
    def grid_width_mm(self) -> float:
        return self.columns * self.cell_width_mm + (self.columns - 1) * self.gap_mm

    @property
    def grid_height_mm(self) -> float:
        return self.rows * self.card_height_mm + (self.rows - 1) * self.gap_mm

    @property
    def left_mm(self) -> float:
        """The grid is centred on the sheet."""
        return (self.paper.width_mm - self.grid_width_mm) / 2

    @property
    def top_mm(self) -> float:
        return (self.paper.height_mm - self.grid_height_mm) / 2

    @property
    def portrait(self) -> bool:
        return self.paper.height_mm >= self.paper.width_mm

    @property
    def tiles(self) -> bool:
        """Whether the cards fill the sheet edge to edge (within 1 mm each way), as A7 on A4 does."""
        return self.gap_mm == 0 and 0 <= self.left_mm <= TILE_SLACK_MM and 0 <= self.top_mm <= TILE_SLACK_MM

    def slot(self, index: int) -> Rect:
        """The rectangle of the index-th cell on a front sheet, row by row from the top left."""
        row, column = divmod(index, self.columns)
        return Rect(self.left_mm + column * (self.cell_width_mm + self.gap_mm),
                    self.top_mm + row * (self.card_height_mm + self.gap_mm),
                    self.cell_width_mm, self.card_height_mm)

    def mirrors_columns(self, flip: Flip) -> bool:
        """Whether the flip mirrors this sheet's columns (else its rows): a long flip does on a
        portrait sheet, a short flip on a landscape one."""
        return (flip == "long") == self.portrait

    def back_index(self, index: int, flip: Flip) -> int:
        """The slot on the back sheet that lands behind front slot `index` after the flip."""
        row, column = divmod(index, self.columns)
        if self.mirrors_columns(flip):
            column = self.columns - 1 - column
        else:
            row = self.rows - 1 - row
        return row * self.columns + column

    def behind(self, rect: Rect, flip: Flip) -> Rect:
        """Where a rectangle of the front lies on the back after the flip (before any offset)."""
        if self.mirrors_columns(flip):
            return Rect(self.paper.width_mm - rect.right_mm, rect.y_mm, rect.width_mm, rect.height_mm)
        return Rect(rect.x_mm, self.paper.height_mm - rect.bottom_mm, rect.width_mm, rect.height_mm)

    def problem(self) -> str:
        """Why this grid cannot be printed on its paper, or ""."""
        if self.grid_width_mm > self.paper.width_mm + 0.01 or self.grid_height_mm > self.paper.height_mm + 0.01:
            return (f"{self.columns} × {self.rows} {self._what()} of {self.cell_width_mm:g} × "
                    f"{self.card_height_mm:g} mm need {self.grid_width_mm:g} × {self.grid_height_mm:g} mm, "
                    f"more than the {self.paper.width_mm:g} × {self.paper.height_mm:g} mm sheet")
        if not self.tiles and min(self.left_mm, self.top_mm) < UNPRINTABLE_MM - 0.01:
            return (f"{self.columns} × {self.rows} {self._what()} of {self.cell_width_mm:g} × "
                    f"{self.card_height_mm:g} mm come within {min(self.left_mm, self.top_mm):.1f} mm of the "
                    f"sheet's edge, where most printers cannot print")
        return ""

    def _what(self) -> str:
        return "folded cards" if self.fold else "cards"


def _inch(value: float) -> float:
    return value * MM_PER_INCH


PRESETS = {
    # A7 tiles A4 exactly: 2 × 105 = 210 mm across, 4 × 74 = 296 mm down
    "a7": Stock("a7", 105, 74, 2, 4, PAPERS["a4"]),
    "poker": Stock("poker", 63, 88, 3, 3, PAPERS["a4"]),
    # Avery 5371: 3.5 × 2 in, 2 × 5 on Letter, 0.75 in side and 0.5 in top margins (= centred)
    "business": Stock("business", _inch(3.5), _inch(2), 2, 5, PAPERS["letter"]),
    # 5 × 3 in index cards, 1 × 3 on Letter as on Avery 5388 sheets
    "index": Stock("index", _inch(5), _inch(3), 1, 3, PAPERS["letter"]),
}


class StockError(ValueError):
    """Card settings that cannot be laid out: which key, what is wrong, how to fix it."""

    def __init__(self, key: str, message: str, hint: str = "") -> None:
        super().__init__(f"{key}: {message}")
        self.key, self.message, self.hint = key, message, hint


def parse_card(text: str) -> tuple[str, float, float]:
    """(name, width, height in mm) of a preset name or a size such as `90x55mm` or `4x6in`."""
    key = text.strip().lower()
    if key in PRESETS:
        stock = PRESETS[key]
        return key, stock.card_width_mm, stock.card_height_mm
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(mm|in)", key)
    if not match:
        raise StockError("cards.card", f"unknown card {text!r}",
                         "use a7, poker, business, index, or a size such as 90x55mm or 4x6in")
    unit = MM_PER_INCH if match[3] == "in" else 1.0
    width, height = float(match[1]) * unit, float(match[2]) * unit
    if not (20 <= width <= 300 and 20 <= height <= 300):
        raise StockError("cards.card", f"a card of {width:g} × {height:g} mm is outside 20–300 mm",
                         "give the size of one card, such as 90x55mm")
    return key, width, height


def _fits(length_mm: float, paper_mm: float, gap_mm: float) -> int:
    """How many cells of `length_mm` fit across `paper_mm`, clear of the unprintable edge."""
    return max(0, math.floor((paper_mm - 2 * UNPRINTABLE_MM + gap_mm + 1e-6) / (length_mm + gap_mm)))


def _tiling(length_mm: float, paper_mm: float) -> int:
    """How many cells tile `paper_mm` edge to edge, or 0 when they leave more than the slack."""
    count = math.floor(paper_mm / length_mm + 1e-9)
    return count if count and paper_mm - count * length_mm <= 2 * TILE_SLACK_MM + 1e-6 else 0


def _most(width_mm: float, height_mm: float, paper: Paper, gap_mm: float) -> tuple[int, int]:
    """The largest grid of cells: edge to edge where they tile the paper, else clear of its edge."""
    tiling = (_tiling(width_mm, paper.width_mm), _tiling(height_mm, paper.height_mm))
    if gap_mm == 0 and all(tiling):
        return tiling
    return _fits(width_mm, paper.width_mm, gap_mm), _fits(height_mm, paper.height_mm, gap_mm)


def stock_for(cards) -> Stock:
    """The stock the card settings ask for (`cards` is a CardSettings), or StockError saying why not.

    A preset on its own paper keeps its own grid. Anything else gets as many cards as fit, centred:
    edge to edge when they tile the paper (A7 on A4), otherwise clear of the unprintable edge.
    """
    name, width, height = parse_card(cards.card)
    preset = PRESETS.get(name)
    asked = cards.paper.strip().lower()
    try:
        paper = preset.paper if asked == "auto" and preset else parse_paper("a4" if asked == "auto" else asked)
    except ValueError as exc:
        raise StockError("cards.paper", str(exc)) from None
    gap = float(cards.gap_mm)
    cell_width = width * (2 if cards.fold else 1)
    size = f"{cell_width:g} × {height:g} mm {'folded card' if cards.fold else 'card'}"
    where = f"{paper.name} paper ({paper.width_mm:g} × {paper.height_mm:g} mm)"
    if cards.grid.strip().lower() != "auto":
        columns, rows = (int(n) for n in re.split(r"\s*x\s*", cards.grid.strip().lower()))
        if not columns or not rows:
            raise StockError("cards.grid", f"a grid of {cards.grid} holds no cards", "give columns x rows, such as 2x5")
        stock = Stock(name, width, height, columns, rows, paper, gap, cards.fold)
        problem = stock.problem()
        if problem:
            most = _most(cell_width, height, paper, gap)
            hint = (f"at most {most[0]}x{most[1]} fit on this paper with a {gap:g} mm gap; "
                    "use --grid auto, a smaller --gap, or larger paper") if min(most) else \
                "use larger paper (--paper) or a smaller card (--card)"
            raise StockError("cards.grid", problem, hint)
        return stock
    if preset and paper == preset.paper and gap == preset.gap_mm and not cards.fold:
        return preset
    columns, rows = _most(cell_width, height, paper, gap)
    if not columns or not rows:
        turned = f"{paper.height_mm:g}x{paper.width_mm:g}mm"
        fits_turned = _fits(cell_width, paper.height_mm, gap) and _fits(height, paper.width_mm, gap)
        hint = (f"turn the paper: --paper {turned}" if fits_turned
                else "choose larger paper with --paper, or a smaller card with --card")
        raise StockError("cards.card", f"a {size} does not fit on {where} with {UNPRINTABLE_MM:g} mm "
                         "clear of each edge", hint)
    return Stock(name, width, height, columns, rows, paper, gap, cards.fold)


def manual_order(pages: int) -> tuple[list[int], list[int]]:
    """0-based pages of fronts.pdf and backs.pdf, for `pages` alternating fronts and backs.

    The backs come last sheet first: the printed fronts leave the printer face down, the last
    sheet on top, and go back into the tray as they lie, so the last sheet is fed first.
    """
    fronts = list(range(0, pages, 2))
    backs = list(range(pages - 1, 0, -2))
    return fronts, backs
