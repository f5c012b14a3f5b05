"""out/flashcards.pdf read back: sheets, card places, fronts and backs, labels, fonts."""

import math

import pytest
from pypdf import PdfReader

from conftest import CONTENT
from pdfread import embedded_fonts, runs, squash
from studyguide.layout.content import ContentRenderer
from studyguide.markdown import visible_text

CARD_W, CARD_H, COLUMNS, ROWS = 105.0, 74.0, 2, 4
TOP = (297 - ROWS * CARD_H) / 2  # the grid is centred: 0.5 mm


@pytest.fixture(scope="module")
def reader(built):
    return PdfReader(built / "flashcards.pdf")


def slot_of(x_mm: float, y_mm: float) -> tuple[int, int]:
    """(row, column) of the card a point on the sheet falls in."""
    return int((y_mm - TOP) // CARD_H), int(x_mm // CARD_W)


def labels_on(page) -> dict[str, tuple[int, int]]:
    """Card label (`1.3`) → its card's (row, column), for labels in the card's top corner."""
    found = {}
    for run in runs(page):
        text = run.text.strip()
        if run.size_pt < 8 and text.replace(".", "").isdigit() and "." in text:
            found[text] = slot_of(run.x_mm, run.y_mm)
    return found


def test_sheets_alternate_fronts_and_backs(reader, guide):
    sheets = math.ceil(len(guide.cards) / (COLUMNS * ROWS))
    assert len(reader.pages) == 2 * sheets == 30
    for page in reader.pages:
        assert (round(float(page.mediabox.width) / 72 * 25.4, 1),
                round(float(page.mediabox.height) / 72 * 25.4, 1)) == (210.0, 297.0)


def test_each_back_holds_the_answers_of_the_front_before_it_in_mirrored_columns(reader, guide):
    renderer = ContentRenderer([CONTENT])
    cards = guide.cards
    per_sheet = COLUMNS * ROWS
    for sheet in range(len(reader.pages) // 2):
        front, back = reader.pages[2 * sheet], reader.pages[2 * sheet + 1]
        batch = cards[sheet * per_sheet:(sheet + 1) * per_sheet]
        front_slots, back_slots = labels_on(front), labels_on(back)
        assert set(front_slots) == set(back_slots) == {card.label for card in batch}
        for index, card in enumerate(batch):
            row, column = divmod(index, COLUMNS)
            assert front_slots[card.label] == (row, column)
            assert back_slots[card.label] == (row, COLUMNS - 1 - column)  # long-edge flip
        back_text = squash(back.extract_text())
        front_text = squash(front.extract_text())
        for card in batch:
            chapter = guide.chapters[card.chapter_index - 1]
            answer = squash(visible_text(renderer.html(card.answer, chapter)))
            question = squash(visible_text(renderer.html(card.question, chapter)))
            assert answer in back_text and question in front_text, card.label


def test_card_text_stays_inside_its_card(reader):
    """Every piece of text lies at least 6 mm inside the card it belongs to."""
    for page in reader.pages:
        for run in runs(page):
            row, column = slot_of(run.x_mm, run.y_mm)
            left = column * CARD_W
            assert run.x_mm >= left + 6 - 0.01
            assert run.y_mm <= TOP + (row + 1) * CARD_H - 6 + 0.01


def test_viewer_prints_duplex_long_edge_at_full_size(reader):
    preferences = reader.trailer["/Root"]["/ViewerPreferences"]
    assert preferences["/Duplex"] == "/DuplexFlipLongEdge"
    assert preferences["/PrintScaling"] == "/None"


def test_only_the_bundled_fonts_are_embedded(built):
    fonts = embedded_fonts(built / "flashcards.pdf")
    assert fonts and fonts <= {"SG-Sans", "SG-Sans-Bold", "SG-Serif", "SG-Mono"}
