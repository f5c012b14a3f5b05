"""What the join draws over card sheets, and where each card goes on them: the cut guides and the
colour bands as PDF drawing operators, and each card's rectangle for a flip, back offset and gap.
Plain measures, no layout: a build that only moves cards (`placed.py`) loads nothing more."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .paper import PT_TO_MM
from .sheets import UNPRINTABLE_MM, Backs, Rect, Stock

PADDING_MM = 6.0  # text stays this far from every cut edge
HEAD_GAP_MM = 1.5  # between the head line and the body


def body_width_mm(stock: Stock) -> float:
    return stock.card_width_mm - 2 * PADDING_MM


CUT_LINE_PT = 0.5  # thin, but well above the 0.25 pt at which lines vanish on paper
GUIDE_GREY = "#9a9a9a"  # light, yet visible after photocopying
CUT_DASH_MM = (2.0, 1.5)
FOLD_DASH_MM = (4.0, 1.0, 0.8, 1.0)  # dash-dot, unlike a cut
MARK_MM = 5.0  # length of a crop mark
MARK_CLEAR_MM = 1.5  # between a crop mark and the grid
BAND_MM = 0.9  # height of a chapter's colour band, under the head line


def rgb(colour: str) -> tuple[float, float, float]:
    """`#rrggbb` as PDF colour values, as WeasyPrint writes them (six decimals)."""
    return tuple(round(int(colour[i:i + 2], 16) / 255, 6) for i in (1, 3, 5))


LABEL_INK = rgb("#1f5f8b")  # a card's label without bands: typography.css's --accent
# distinct in colour and in grey, for up to eight chapters in a row
CHAPTER_COLOURS = ("#1f5f8b", "#b5452b", "#2e7d4f", "#7b4fa0", "#b07d10", "#2a8a92", "#a03a6b", "#5a6b1e")

def slot_rect(stock: Stock, kind: str, index: int, placement: Backs) -> Rect:
    """Where the card at `index` of a sheet's cards sits on a front or back page."""
    if kind == "back":
        return stock.slot(stock.back_index(index, placement.flip)).moved(*placement.offset_mm)
    return stock.slot(index)


@dataclass(frozen=True)
class Spot:
    """A card on a page as the join sees it: where it is, its place among its sheet's cards, and
    its chapter's colour band (the chapter's order, and the middle of the card's text area)."""

    rect: Rect
    index: int
    chapter: int
    middle_mm: float


def moved_spots(page: tuple[Spot, ...], kind: str, stock: Stock, placement: Backs) -> tuple[Spot, ...]:
    """The same cards where `stock` and `placement` put them: what `sheets` gives, from spots."""
    return tuple(dataclasses.replace(spot, rect=slot_rect(stock, kind, spot.index, placement)) for spot in page)


# -- cut guides ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    x1_mm: float
    y1_mm: float
    x2_mm: float
    y2_mm: float
    kind: str = "cut"  # cut (dashed) | mark (a crop mark: solid) | fold (dash-dot)

    @property
    def vertical(self) -> bool:
        return abs(self.x1_mm - self.x2_mm) < 1e-9


def _edges(stock: Stock) -> tuple[list[float], list[float]]:
    """The x of every vertical and the y of every horizontal cut, on a front sheet."""
    xs = sorted({round(v, 4) for c in range(stock.columns) for v in (stock.slot(c).x_mm, stock.slot(c).right_mm)})
    ys = sorted({round(v, 4) for r in range(stock.rows)
                 for v in (stock.slot(r * stock.columns).y_mm, stock.slot(r * stock.columns).bottom_mm)})
    return xs, ys


def guides(stock: Stock, cut: str) -> tuple[Line, ...]:
    """Cut lines or crop marks (and fold lines) on a front sheet, in mm.

    Lines run along every cut and on into the margins as far as a printer prints, so a cutter's
    blade lines up with both ends; where cards tile the sheet, the paper's edges need no cut.
    Crop marks sit in the margin, in line with each cut; where the margin is too narrow for them
    (cards that tile the sheet), they sit on the cut itself, just inside the printable area.
    """
    width, height = stock.paper.width_mm, stock.paper.height_mm
    xs, ys = _edges(stock)
    lines: list[Line] = []
    if cut != "none":
        if stock.tiles:
            xs = [x for x in xs if 1 < x < width - 1]
            ys = [y for y in ys if 1 < y < height - 1]
        if cut == "lines":
            low_x, high_x = (0.0, width) if stock.tiles else (UNPRINTABLE_MM, width - UNPRINTABLE_MM)
            low_y, high_y = (0.0, height) if stock.tiles else (UNPRINTABLE_MM, height - UNPRINTABLE_MM)
            lines += [Line(x, low_y, x, high_y) for x in xs] + [Line(low_x, y, high_x, y) for y in ys]
        else:
            lines += _marks(xs, stock.top_mm, stock.top_mm + stock.grid_height_mm, height, vertical=True)
            lines += _marks(ys, stock.left_mm, stock.left_mm + stock.grid_width_mm, width, vertical=False)
    if stock.fold:
        for index in range(stock.per_sheet):
            question, _ = stock.slot(index).halves()
            lines.append(Line(question.right_mm, question.y_mm, question.right_mm, question.bottom_mm, "fold"))
    return tuple(lines)


def _marks(positions: list[float], start: float, end: float, extent: float, vertical: bool) -> list[Line]:
    """Marks in line with cuts at `positions`, beyond both ends of the grid's span [start, end]."""
    room = start - MARK_CLEAR_MM - UNPRINTABLE_MM
    if room >= 2:  # outside the grid
        length = min(MARK_MM, room)
        spans = [(start - MARK_CLEAR_MM - length, start - MARK_CLEAR_MM),
                 (end + MARK_CLEAR_MM, end + MARK_CLEAR_MM + length)]
    else:  # on the cut itself, where the printer reaches
        near, far = max(start, UNPRINTABLE_MM), min(end, extent - UNPRINTABLE_MM)
        spans = [(near, near + MARK_MM), (far - MARK_MM, far)]
    return [Line(p, a, p, b, "mark") if vertical else Line(a, p, b, p, "mark") for p in positions for a, b in spans]


def back_guides(stock: Stock, front: tuple[Line, ...], backs: Backs) -> tuple[Line, ...]:
    """The front's guides as they fall on the back after the flip, moved by the back offset.

    Each line runs left to right or top to bottom, and the lines come in order, so that guides
    falling in the same places are drawn the same way whichever the flip (they do on a centred
    grid)."""
    moved = []
    dx, dy = backs.offset_mm
    for line in front:
        a = stock.behind(Rect(line.x1_mm, line.y1_mm, 0, 0), backs.flip)
        b = stock.behind(Rect(line.x2_mm, line.y2_mm, 0, 0), backs.flip)
        ends = sorted([(round(a.x_mm + dx, 4), round(a.y_mm + dy, 4)), (round(b.x_mm + dx, 4), round(b.y_mm + dy, 4))])
        moved.append(Line(*ends[0], *ends[1], line.kind))
    return tuple(sorted(moved, key=lambda line: (line.kind, line.x1_mm, line.y1_mm, line.x2_mm, line.y2_mm)))


LAID_OUT_AS = Backs("long", (0.0, 0.0))  # the backs' arrangement rendered, the cards moved from it after


def backs_laid_out(stock: Stock, backs: Backs) -> Backs:
    """The flip and back offset to render the backs with, so that moving each card afterwards
    (printing.backs) gives the asked ones: the long flip and no offset, whatever is asked, so that
    a change of flip or offset renders no card again. The cut guides are not on these sheets:
    they are drawn over them when they are joined (`guides_html`). A folded card's back is on the
    same page as its front: nothing is moved."""
    return backs if stock.fold else LAID_OUT_AS


def guide_lines(stock: Stock, cut: str, backs: Backs) -> dict[str, tuple[Line, ...]]:
    """The cut guides of each kind of sheet that has any."""
    front = guides(stock, cut)
    kinds = {"fold": front} if stock.fold else {"front": front, "back": back_guides(stock, front, backs)}
    return {kind: lines for kind, lines in kinds.items() if lines}


def chapter_ink(chapter: int) -> tuple[float, float, float]:
    """The colour of a chapter (by its order; `--band`), as PDF colour values, as WeasyPrint writes them."""
    return rgb(CHAPTER_COLOURS[(chapter - 1) % len(CHAPTER_COLOURS)])


def band_drawing(page: tuple[Spot, ...], stock: Stock) -> bytes:
    """The colour bands of a sheet's cards (`--band`) as PDF drawing operators, in points from the
    page's bottom-left corner, where cards.css.j2 draws them: a bar as wide as the card's text,
    under the head line, in the chapter's colour. Drawn over sheets rendered without them when
    they are joined, so that turning the bands on or off lays out no card."""
    mm = 1 / PT_TO_MM
    ops = ["q"]
    for spot in page:
        rect, middle = spot.rect, round(spot.middle_mm, 4)
        top = rect.y_mm + 2 * middle - stock.card_height_mm + PADDING_MM - (HEAD_GAP_MM + BAND_MM) / 2
        ink = " ".join(f"{v:g}" for v in chapter_ink(spot.chapter))
        ops.append(f"{ink} rg {(rect.x_mm + PADDING_MM) * mm:.4f} {(stock.paper.height_mm - top - BAND_MM) * mm:.4f} "
                   f"{body_width_mm(stock) * mm:.4f} {BAND_MM * mm:.4f} re f")
    ops.append("Q")
    return "\n".join(ops).encode("ascii")


def guide_drawings(stock: Stock, cut: str, backs: Backs) -> dict[str, bytes]:
    """The cut guides of each kind of sheet as PDF drawing operators, in points from the page's
    bottom-left corner, drawn as the built-in cut-guides.svg.j2 draws them (grey, 0.5 pt, cuts
    dashed, folds dash-dotted, crop marks solid, butt ends): drawn over sheets rendered without
    them when they are joined, so that a change of guides, flip or back offset lays out no card."""
    mm = 1 / PT_TO_MM
    height = stock.paper.height_mm
    grey = " ".join(f"{value:.6f}" for value in rgb(GUIDE_GREY))
    drawings = {}
    for kind, lines in guide_lines(stock, cut, backs).items():
        ops = [f"q {grey} RG {CUT_LINE_PT:g} w 0 J"]
        for line in lines:
            dash = () if line.kind == "mark" else FOLD_DASH_MM if line.kind == "fold" else CUT_DASH_MM
            ops.append(f"[{' '.join(f'{d * mm:.4f}' for d in dash)}] 0 d "
                       f"{line.x1_mm * mm:.4f} {(height - line.y1_mm) * mm:.4f} m "
                       f"{line.x2_mm * mm:.4f} {(height - line.y2_mm) * mm:.4f} l S")
        ops.append("Q")
        drawings[kind] = "\n".join(ops).encode("ascii")
    return drawings
