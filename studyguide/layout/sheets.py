"""Where flashcards sit on a sheet, front and back, in millimetres from the sheet's top-left corner.

Duplex, defined: hold the printed sheet with its front up, then turn it over.
- `long` flip: turn it about its long edge (a portrait sheet like a book's page; a landscape
  sheet like a wall calendar). The card behind front position (x, y) of a portrait sheet is
  at (W - x - w, y) on the back: columns mirror, rows stay.
- `short` flip: turn it about its short edge. On a portrait sheet the card behind (x, y) is at
  (x, H - y - h) on the back: rows mirror, columns stay.
Cards are never drawn rotated or mirrored; only their places on the back change.
"""

from __future__ import annotations

from dataclasses import dataclass

from .paper import MM_PER_INCH, PAPERS, Paper

UNPRINTABLE_MM = 5.0  # office printers cannot print this close to the paper's edge


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


@dataclass(frozen=True)
class Stock:
    """A card size and the grid of cards on one sheet of paper."""

    name: str
    card_width_mm: float
    card_height_mm: float
    columns: int
    rows: int
    paper: Paper
    gap_mm: float = 0.0  # between neighbouring cards, both ways

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    @property
    def grid_width_mm(self) -> float:
        return self.columns * self.card_width_mm + (self.columns - 1) * self.gap_mm

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
    def tiles(self) -> bool:
        """Whether the cards fill the sheet edge to edge (within 1 mm each way), as A7 on A4 does."""
        return self.gap_mm == 0 and self.left_mm <= 1 and self.top_mm <= 1

    def slot(self, index: int) -> Rect:
        """The rectangle of the index-th card on a front sheet, row by row from the top left."""
        row, column = divmod(index, self.columns)
        return Rect(self.left_mm + column * (self.card_width_mm + self.gap_mm),
                    self.top_mm + row * (self.card_height_mm + self.gap_mm),
                    self.card_width_mm, self.card_height_mm)

    def back_index(self, index: int, flip: str) -> int:
        """The slot on the back sheet that lands behind front slot `index` after the flip."""
        row, column = divmod(index, self.columns)
        portrait = self.paper.height_mm >= self.paper.width_mm
        mirror_columns = (flip == "long") == portrait
        if mirror_columns:
            column = self.columns - 1 - column
        else:
            row = self.rows - 1 - row
        return row * self.columns + column

    def problems(self) -> list[str]:
        """Why this grid cannot be printed, if it cannot."""
        found = []
        if self.grid_width_mm > self.paper.width_mm + 0.01 or self.grid_height_mm > self.paper.height_mm + 0.01:
            found.append(f"{self.columns} × {self.rows} cards of {self.card_width_mm:g} × "
                         f"{self.card_height_mm:g} mm need {self.grid_width_mm:g} × {self.grid_height_mm:g} mm, "
                         f"more than the {self.paper.width_mm:g} × {self.paper.height_mm:g} mm sheet")
        elif not self.tiles and (self.left_mm < UNPRINTABLE_MM or self.top_mm < UNPRINTABLE_MM):
            found.append(f"the cards come within {min(self.left_mm, self.top_mm):.1f} mm of the sheet's edge, "
                         f"where most printers cannot print (keep {UNPRINTABLE_MM:g} mm clear, or make the cards "
                         f"tile the sheet exactly)")
        return found


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
