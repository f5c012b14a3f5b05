"""out/flashcards.pdf of the seed, read back: where every card is, what is behind it, where its text
lies, the cut guides, and what the file asks of a viewer.

Positions come from the PDF itself (pdfplumber): a card is drawn as a white rectangle, cut guides
as dashed grey lines, text as glyphs with their boxes. Expected places are worked out here from
the paper and card sizes, not taken from the program.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pdfplumber
import pytest
from pypdf import PdfReader

from conftest import CONTENT
from pdfread import embedded_fonts, squash
from studyguide.layout.content import ContentRenderer
from studyguide.markdown import visible_text

MM = 72 / 25.4  # points per millimetre
A4 = (210.0, 297.0)
A7 = (105.0, 74.0)
PADDING = 6.0  # text stays this far inside every card
NEAR = 0.1  # mm


# -- reading positions back -----------------------------------------------------------------------

@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def near(self, other: "Box", tolerance: float = NEAR) -> bool:
        return all(abs(a - b) <= tolerance for a, b in zip((self.x, self.y, self.w, self.h),
                                                            (other.x, other.y, other.w, other.h)))

    def holds(self, x: float, y: float) -> bool:
        return self.x <= x <= self.right and self.y <= y <= self.bottom


@dataclass(frozen=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    colour: tuple


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float
    width_pt: float
    colour: tuple
    dash: tuple


def card_boxes(page) -> list[Box]:
    """Every card side on a page: the white rectangles, in mm from the top-left corner."""
    return [Box(r["x0"] / MM, r["top"] / MM, r["width"] / MM, r["height"] / MM) for r in page.rects
            if r["fill"] and tuple(r["non_stroking_color"] or ()) == (1.0, 1.0, 1.0)]


def glyphs(page) -> list[Glyph]:
    return [Glyph(c["text"], c["x0"] / MM, c["x1"] / MM, c["top"] / MM, c["bottom"] / MM, c["size"],
                  tuple(c["non_stroking_color"] or ())) for c in page.chars]


def segments(page) -> list[Segment]:
    """Stroked straight lines (cut guides, fold lines), in mm, each from its left or top end."""
    found = []
    for line in page.lines:
        (x1, y1), (x2, y2) = sorted((line["pts"][0], line["pts"][-1]))
        dash = tuple(line["dash"][0]) if line.get("dash") else ()
        found.append(Segment(x1 / MM, y1 / MM, x2 / MM, y2 / MM, line["linewidth"],
                             tuple(line["stroking_color"] or ()), dash))
    return found


def card_of(boxes: list[Box], glyph: Glyph) -> Box | None:
    x, y = (glyph.x0 + glyph.x1) / 2, (glyph.top + glyph.bottom) / 2
    return next((box for box in boxes if box.holds(x, y)), None)


def text_in(page, box: Box) -> str:
    """The text of one card side, in reading order."""
    bounds = (max(0, box.x * MM), max(0, box.y * MM), min(page.width, box.right * MM), min(page.height, box.bottom * MM))
    return page.within_bbox(bounds).extract_text() or ""


_LABEL = re.compile(r"^(\d+\.\d+)")


def label_of(box: Box, page_glyphs: list[Glyph]) -> str:
    """A card's label (`1.3`), read off its head line at the top of the card."""
    head = [g for g in page_glyphs if box.holds((g.x0 + g.x1) / 2, (g.top + g.bottom) / 2)
            and g.top < box.y + PADDING + 3.5]
    head.sort(key=lambda g: g.x0)
    match = _LABEL.match("".join(g.text for g in head))
    return match.group(1) if match else ""


def labelled(page) -> dict[str, Box]:
    """Label → the card box it heads, on one page."""
    page_glyphs = glyphs(page)
    return {label_of(box, page_glyphs): box for box in card_boxes(page)}


def a7_slot(index: int) -> Box:
    """The A7 slots on A4, row by row: 2 × 4 cards of 105 × 74 mm, the grid centred (0.5 mm down)."""
    row, column = divmod(index, 2)
    return Box(column * A7[0], (A4[1] - 4 * A7[1]) / 2 + row * A7[1], *A7)


def flipped(box: Box, paper: tuple[float, float], flip: str) -> Box:
    """Where a front rectangle lies on the back of a portrait sheet after the flip."""
    if flip == "long":
        return Box(paper[0] - box.right, box.y, box.w, box.h)
    return Box(box.x, paper[1] - box.bottom, box.w, box.h)


# -- the seed's flashcards --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pdf(built):
    with pdfplumber.open(built / "flashcards.pdf") as document:
        yield document


@pytest.fixture(scope="module")
def reader(built):
    return PdfReader(built / "flashcards.pdf")


def test_sheets_alternate_fronts_and_backs(reader, guide):
    sheets = math.ceil(len(guide.cards) / 8)
    assert len(reader.pages) == 2 * sheets == 30
    for page in reader.pages:
        assert (round(float(page.mediabox.width) / MM, 1), round(float(page.mediabox.height) / MM, 1)) == A4


def test_every_card_is_where_the_geometry_says_on_every_sheet(pdf, guide):
    cards = len(guide.cards)
    assert len(pdf.pages) == 2 * -(-cards // 8)  # a front and a back for every 8 cards
    for number, page in enumerate(pdf.pages):
        sheet, back = divmod(number, 2)
        count = min(8, cards - 8 * sheet)
        found = sorted(card_boxes(page), key=lambda b: (round(b.y), b.x))
        slots = [a7_slot(i) for i in range(count)]
        if back:
            slots = [flipped(slot, A4, "long") for slot in slots]
        expected = sorted(slots, key=lambda b: (round(b.y), b.x))
        assert len(found) == count, f"page {number + 1}"
        for box, slot in zip(found, expected):
            assert box.near(slot), (number + 1, box, slot)


def test_each_answer_lands_behind_its_question_after_a_long_edge_flip(pdf, guide):
    shown = _shown(guide)
    assert len(pdf.pages) // 2 == -(-len(guide.cards) // 8)
    for sheet in range(len(pdf.pages) // 2):
        fronts, backs = labelled(pdf.pages[2 * sheet]), labelled(pdf.pages[2 * sheet + 1])
        batch = guide.cards[8 * sheet:8 * sheet + 8]
        assert set(fronts) == set(backs) == {card.label for card in batch}
        for index, card in enumerate(batch):
            assert fronts[card.label].near(a7_slot(index))
            assert backs[card.label].near(flipped(fronts[card.label], A4, "long"))
            question, answer = shown[card.label]
            assert question in squash(text_in(pdf.pages[2 * sheet], fronts[card.label])), card.label
            assert answer in squash(text_in(pdf.pages[2 * sheet + 1], backs[card.label])), card.label


def test_every_glyph_lies_inside_its_card_clear_of_the_cut_edges(pdf):
    assert pdf.pages
    for number, page in enumerate(pdf.pages):
        boxes = card_boxes(page)
        found = glyphs(page)
        assert found, number + 1
        for glyph in found:
            box = card_of(boxes, glyph)
            assert box is not None, (number + 1, glyph)
            assert glyph.x0 >= box.x + PADDING - NEAR and glyph.x1 <= box.right - PADDING + NEAR, (number + 1, glyph)
            assert glyph.top >= box.y + PADDING - NEAR and glyph.bottom <= box.bottom - PADDING + NEAR, (number + 1, glyph)


def test_labels_and_the_chapter_title_sit_in_the_top_corner(pdf, guide):
    titles = {chapter.index: chapter.title for chapter in guide.chapters}
    page_glyphs = glyphs(pdf.pages[0])
    assert len(guide.cards) >= 8  # a full first sheet
    for index, card in enumerate(guide.cards[:8]):
        box = a7_slot(index)
        head = sorted((g for g in page_glyphs if box.holds(g.x0, g.top) and g.top < box.y + PADDING + 3.5),
                      key=lambda g: g.x0)
        text = "".join(g.text for g in head)
        assert text.startswith(card.label) and titles[card.chapter_index] in text
        assert abs(head[0].x0 - (box.x + PADDING)) < 0.5  # the label starts the top-left corner
        assert all(g.size < 7 for g in head)  # small type
    back = glyphs(pdf.pages[1])
    for index, card in enumerate(guide.cards[:8]):
        box = flipped(a7_slot(index), A4, "long")
        head = sorted((g for g in back if box.holds(g.x0, g.top) and g.top < box.y + PADDING + 3.5), key=lambda g: g.x0)
        assert "".join(g.text for g in head) == card.label


def test_text_is_set_between_the_smallest_and_the_base_size(pdf):
    sizes = {round(g.size, 1) for page in pdf.pages for g in glyphs(page) if g.size > 7}
    assert sizes and all(7 <= size <= 14 for size in sizes)
    assert 14 in sizes  # short sides keep the base size


def test_cut_lines_are_light_grey_dashed_and_thick_enough_to_print(pdf):
    assert pdf.pages
    for page in pdf.pages:
        lines = segments(page)
        assert lines
        for line in lines:
            assert line.width_pt >= 0.25
            assert line.dash, line
            assert all(0.5 <= channel < 0.9 for channel in line.colour), line.colour


def test_cut_lines_run_between_the_cards_the_same_on_every_sheet_and_both_sides(pdf):
    """A7 tiles A4: one vertical cut at 105 mm and three horizontal ones, edge to edge; the paper's
    own edges need no cut. Fronts and backs carry the same lines, so a stack is cut at once."""
    top = (A4[1] - 4 * A7[1]) / 2
    expected = sorted([(105.0, 0.0, 105.0, A4[1])] + [(0.0, top + r * A7[1], A4[0], top + r * A7[1]) for r in (1, 2, 3)])
    assert pdf.pages
    for number, page in enumerate(pdf.pages):
        found = sorted((round(s.x1, 1), round(s.y1, 1), round(s.x2, 1), round(s.y2, 1)) for s in segments(page))
        assert len(found) == len(expected), number + 1
        for line, want in zip(found, expected):
            assert all(abs(a - b) <= NEAR for a, b in zip(line, want)), (number + 1, line, want)


def test_viewer_prints_duplex_long_edge_at_full_size(reader):
    preferences = reader.trailer["/Root"]["/ViewerPreferences"]
    assert preferences["/Duplex"] == "/DuplexFlipLongEdge"
    assert preferences["/PrintScaling"] == "/None"


def test_only_the_bundled_fonts_are_embedded(built):
    fonts = embedded_fonts(built / "flashcards.pdf")
    assert fonts and fonts <= {"SG-Sans-SC", "SG-Sans-SC-Bold", "SG-Serif-SC", "SG-Mono"}


def _shown(guide) -> dict[str, tuple[str, str]]:
    """Each card's question and answer as a reader sees them (no whitespace)."""
    renderer = ContentRenderer([CONTENT])
    found = {}
    for chapter in guide.chapters:
        for card in chapter.cards:
            found[card.label] = (squash(visible_text(renderer.html(card.question, chapter))),
                                 squash(visible_text(renderer.html(card.answer, chapter))))
    return found
