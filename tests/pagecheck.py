"""Four checks on every page of a PDF, glyph by glyph, for any guide (read back with pdfplumber).

1. `overlaps`: no two glyph boxes overlap by more than 30 % of the smaller one's area (kerning
   makes small overlaps, and a narrow glyph kerned under its neighbour a larger one: glyphs drawn
   one after the other on one line are not compared), which catches scrambled text such as a
   layout's rule styling code.
2. `outside`: every glyph lies inside one of the rectangles it may use (a page's text area and
   its running head and foot; a card less its clearance).
3. `missing`: every character of a text appears in the text layer, in order.
4. `too_small`: no glyph is set smaller than a minimum size.

Each returns a list of readable problems, empty when the page is right; `check_pdf` runs them
all over a file. Positions are in points from the page's top-left corner.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pdfplumber

MM = 72 / 25.4  # points per millimetre
OVERLAP_SHARE = 0.3
SLACK_PT = 0.25  # rounding in positions and in the glyph boxes


@dataclass(frozen=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size_pt: float
    page: int  # 0-based

    @property
    def area(self) -> float:
        return max(0.0, self.x1 - self.x0) * max(0.0, self.bottom - self.top)

    def __str__(self) -> str:
        return (f"{self.text!r} on page {self.page + 1} at ({self.x0 / MM:.1f}, {self.top / MM:.1f}) mm, "
                f"{self.size_pt:.2f} pt")


@dataclass(frozen=True)
class Box:
    """A rectangle in points from the page's top-left corner."""

    left: float
    top: float
    right: float
    bottom: float

    @classmethod
    def mm(cls, x: float, y: float, width: float, height: float, inset: float = 0.0) -> "Box":
        return cls((x + inset) * MM, (y + inset) * MM, (x + width - inset) * MM, (y + height - inset) * MM)

    def holds(self, glyph: Glyph) -> bool:
        return (glyph.x0 >= self.left - SLACK_PT and glyph.x1 <= self.right + SLACK_PT
                and glyph.top >= self.top - SLACK_PT and glyph.bottom <= self.bottom + SLACK_PT)


def glyphs(pdf: Path) -> list[list[Glyph]]:
    """The visible glyphs of every page (spaces left out), in the order the page draws them."""
    pages = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages):
            pages.append([Glyph(char["text"], char["x0"], char["x1"], char["top"], char["bottom"],
                                char["size"], number)
                          for char in page.chars if char["text"].strip()])
    return pages


def overlaps(page: list[Glyph], share: float = OVERLAP_SHARE) -> list[str]:
    """Pairs of glyphs that cover more than `share` of the smaller one (a grid keeps it fast)."""
    cell = 12.0
    grid: dict[tuple[int, int], list[int]] = {}
    problems = []
    for index, glyph in enumerate(page):
        if glyph.area <= 0:
            continue
        cells = [(cx, cy) for cx in range(int(glyph.x0 // cell), int(glyph.x1 // cell) + 1)
                 for cy in range(int(glyph.top // cell), int(glyph.bottom // cell) + 1)]
        seen = set()
        for key in cells:
            for other_index in grid.get(key, ()):
                if other_index in seen:
                    continue
                if other_index == index - 1 and abs(page[other_index].bottom - glyph.bottom) < 0.5:
                    continue  # the glyph drawn just before, on the same line: kerning (`y,`, `AV`)
                seen.add(other_index)
                other = page[other_index]
                width = min(glyph.x1, other.x1) - max(glyph.x0, other.x0)
                height = min(glyph.bottom, other.bottom) - max(glyph.top, other.top)
                if width > 0 and height > 0 and width * height > share * min(glyph.area, other.area):
                    problems.append(f"{other} and {glyph} overlap")
        for key in cells:
            grid.setdefault(key, []).append(index)
    return problems


def outside(page: list[Glyph], boxes: Iterable[Box]) -> list[str]:
    boxes = list(boxes)
    return [f"{glyph} is outside the area it may use" for glyph in page
            if not any(box.holds(glyph) for box in boxes)]


def too_small(page: list[Glyph], minimum_pt: float) -> list[str]:
    return [f"{glyph} is smaller than {minimum_pt:g} pt" for glyph in page if glyph.size_pt < minimum_pt - 0.01]


def missing(text: str, layer: str) -> str:
    """"" when every non-blank character of `text` appears in `layer` in order; else the text
    from the first character that does not (with a little of what came before)."""
    # a zero-width space (the renderer's break opportunity in a long string) draws nothing, and
    # is not in the text layer where a line breaks at it
    wanted = [ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf"]
    at = 0
    for index, ch in enumerate(wanted):
        at = layer.find(ch, at)
        if at < 0:
            return "".join(wanted[max(0, index - 10):index]) + " ▶ " + "".join(wanted[index:index + 20])
        at += 1
    return ""


def text_layer(pages: list[list[Glyph]]) -> str:
    """Every glyph's text in drawing order, pages one after another (no spaces)."""
    return "".join(glyph.text for page in pages for glyph in page)


def check_pdf(pdf: Path, boxes: Callable[[int], Iterable[Box]], minimum_pt: float,
              texts: Iterable[str] = ()) -> list[str]:
    """All four checks over a file: `boxes(page_number)` gives the rectangles a page may use,
    `texts` the passages that must all be in its text layer, each in order."""
    pages = glyphs(pdf)
    assert pages and any(pages), f"{pdf.name} has no text"
    problems = []
    for number, page in enumerate(pages):
        problems += overlaps(page)
        problems += outside(page, boxes(number))
        problems += too_small(page, minimum_pt)
    layer = text_layer(pages)
    for text in texts:
        gone = missing(text, layer)
        if gone:
            problems.append(f"{pdf.name} lacks text, in order: {gone}")
    return problems
