"""Paper sizes in millimetres."""

from __future__ import annotations

import re
from dataclasses import dataclass

MM_PER_INCH = 25.4
# a point is 1/72 inch: a length in points times this is in millimetres (divide for the other way)
PT_TO_MM = MM_PER_INCH / 72


@dataclass(frozen=True)
class Paper:
    name: str
    width_mm: float
    height_mm: float

    @property
    def landscape(self) -> "Paper":
        return Paper(self.name, max(self.width_mm, self.height_mm), min(self.width_mm, self.height_mm))


PAPERS = {
    "a4": Paper("a4", 210, 297),
    "a5": Paper("a5", 148, 210),
    "b5": Paper("b5", 176, 250),  # ISO B5
    "letter": Paper("letter", 8.5 * MM_PER_INCH, 11 * MM_PER_INCH),
}


def parse_paper(text: str) -> Paper:
    """`a4`, `letter`, or a custom `180x250mm`."""
    key = text.strip().lower()
    if key in PAPERS:
        return PAPERS[key]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*mm", key)
    if not match:
        raise ValueError(f"unknown paper {text!r}: use a4, a5, b5, letter, or WxH in mm such as 180x250mm")
    width, height = float(match[1]), float(match[2])
    if not (50 <= width <= 1000 and 50 <= height <= 1000):
        raise ValueError(f"paper {text!r} is outside 50–1000 mm")
    return Paper(key, width, height)
