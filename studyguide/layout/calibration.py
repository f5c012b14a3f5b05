"""The calibration sheet: one duplex sheet whose marks tell which back offset a printer needs.

The front has crosses; the back, behind each cross (after the flip, with the offset in use), a
millimetre grid whose numbers are offsets. A pin pushed through a cross comes out on the back
where the printer really put the back's grid: the grid's numbers at the hole are the offset to
enter. Derivation: a printer that shifts the back by (a, b) prints the grid's zero at
(c + a, d + b) from where the pin comes out, c and d being the offset in use; the hole is at
-(c + a) on the grid, and the offset that cancels the shift is -a = c + (-(c + a)). So the
number printed at grid position p is the offset in use plus p.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..geometry.sheets import Backs, Rect, Stock
from ..i18n import calibration_words
from . import Layouts

GRID_MM = 6  # each grid runs from -6 to +6 mm around its centre, a line every mm
LABEL_EVERY_MM = 3  # numbered, and drawn darker, every 3 mm
TARGET_INSET_MM = 40.0  # corner crosses sit this far from the paper's edges


@dataclass(frozen=True)
class Tick:
    position_mm: float  # on the page, along the axis
    value: str  # the offset it stands for


@dataclass(frozen=True)
class Target:
    """A cross on the front and the grid behind it on the back."""

    front_x_mm: float
    front_y_mm: float
    back_x_mm: float  # the grid's zero on the back page, offset in use included
    back_y_mm: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]


def _number(value: float) -> str:
    """`-1.5` as `−1.5`, `2.0` as `2`: short, so the grid's numbers do not run together."""
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text.replace("-", "−")


def targets(stock: Stock, backs: Backs) -> list[Target]:
    width, height = stock.paper.width_mm, stock.paper.height_mm
    inset = min(TARGET_INSET_MM, width / 4, height / 4)
    points = [(width / 2, height / 2), (inset, inset), (width - inset, inset), (inset, height - inset),
              (width - inset, height - inset)]
    found = []
    offset_mm = backs.offset_mm
    for x, y in points:
        behind = stock.behind(Rect(x, y, 0, 0), backs.flip)
        bx, by = behind.x_mm + offset_mm[0], behind.y_mm + offset_mm[1]
        x_ticks = tuple(Tick(bx + p, _number(offset_mm[0] + p)) for p in range(-GRID_MM, GRID_MM + 1, LABEL_EVERY_MM))
        y_ticks = tuple(Tick(by + p, _number(offset_mm[1] + p)) for p in range(-GRID_MM, GRID_MM + 1, LABEL_EVERY_MM))
        found.append(Target(x, y, bx, by, x_ticks, y_ticks))
    return found


def calibration_html(layouts: Layouts, stock: Stock, backs: Backs, language: str,
                     meta, font_url: Callable[[str], str]) -> str:
    words = calibration_words(language)
    steps = [step.format(flip=words[backs.flip], other=backs.other_flip) for step in words["steps"]]
    setup = words["setup"].format(paper=f"{stock.paper.name.upper()} ({stock.paper.width_mm:g} × "
                                  f"{stock.paper.height_mm:g} mm)", flip=words[backs.flip],
                                  x=_number(backs.offset_mm[0]), y=_number(backs.offset_mm[1]))
    stylesheet = layouts.stylesheet("fonts.css.j2", "calibration.css.j2", font_url=font_url, paper=stock.paper)
    # the front's top edge lies at the back's bottom when the flip swaps the rows
    back_top_below = stock.behind(Rect(0, 0, 0, 0), backs.flip).y_mm > stock.paper.height_mm / 2
    words = dict(words, top_below=words["top"].replace("↑", "↓"))
    return layouts.render("calibration.html.j2", language=language, meta=meta, words=words, steps=steps,
                          setup=setup, paper=stock.paper, targets=targets(stock, backs), grid_mm=GRID_MM, label_every_mm=LABEL_EVERY_MM,
                          stylesheet=stylesheet, back_top_below=back_top_below)
