"""Flashcard layout without rendering: card stock on paper, the two flips, sheets and their order,
cut guides, cutting a side into pieces, and how many layout passes fitting costs."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from markupsafe import Markup

from conftest import CONTENT
from studyguide.config import CardSettings, ConfigError, Settings
from studyguide.layout.fit import Area, Side as FitSide, surely_fits
from studyguide.geometry.paper import Paper
from studyguide.geometry.sheets import PRESETS, UNPRINTABLE_MM, Backs, Rect, StockError, manual_order, stock_for
from studyguide.geometry.drawings import back_guides, guides
from studyguide.layout.flashcards import Face, Flashcard, sheets, stack_wide_tables
from studyguide.layout.split import Side
from studyguide.markdown import visible_text
from studyguide.model import Card, Location

INCH = 25.4


def cards(**changes) -> CardSettings:
    return dataclasses.replace(CardSettings(), **changes)


# -- stock ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, size, grid, paper, margins", [
    ("a7", (105, 74), (2, 4), (210, 297), (0, 0.5)),
    ("poker", (63, 88), (3, 3), (210, 297), (10.5, 16.5)),
    ("business", (3.5 * INCH, 2 * INCH), (2, 5), (8.5 * INCH, 11 * INCH), (0.75 * INCH, 0.5 * INCH)),  # Avery 5371
    ("index", (5 * INCH, 3 * INCH), (1, 3), (8.5 * INCH, 11 * INCH), (1.75 * INCH, 1 * INCH)),
])
def test_each_preset_has_its_exact_geometry(name, size, grid, paper, margins):
    stock = stock_for(cards(card=name))
    assert (stock.card_width_mm, stock.card_height_mm) == pytest.approx(size)
    assert (stock.columns, stock.rows) == grid
    assert (stock.paper.width_mm, stock.paper.height_mm) == pytest.approx(paper)
    assert (stock.left_mm, stock.top_mm) == pytest.approx(margins)
    assert stock.tiles == (name == "a7")
    assert not stock.problem()


def test_a7_tiles_a4_so_its_outer_edges_are_the_papers():
    stock = stock_for(cards())
    assert stock.slot(0) == Rect(0, 0.5, 105, 74)
    assert stock.slot(7).right_mm == 210 and stock.slot(7).bottom_mm == pytest.approx(296.5)


def test_a_custom_size_with_a_gap_is_centred_on_the_sheet():
    stock = stock_for(cards(card="90x55mm", grid="2x5", paper="a4"))
    assert (stock.left_mm, stock.top_mm) == pytest.approx((15, 11))
    gapped = stock_for(cards(card="90x55mm", grid="2x4", gap_mm=5))
    assert gapped.slot(1).x_mm - gapped.slot(0).right_mm == pytest.approx(5)
    assert gapped.slot(2).y_mm - gapped.slot(0).bottom_mm == pytest.approx(5)
    assert gapped.left_mm == pytest.approx((210 - 185) / 2) and gapped.top_mm == pytest.approx((297 - 235) / 2)
    inches = stock_for(cards(card="4x6in"))
    assert (inches.card_width_mm, inches.card_height_mm) == pytest.approx((101.6, 152.4))


def test_a_preset_on_other_paper_gets_as_many_cards_as_fit_clear_of_the_edge():
    a7_letter = stock_for(cards(paper="letter"))  # 2 × 105 mm would leave 2.95 mm: too near the edge
    assert (a7_letter.columns, a7_letter.rows) == (1, 3)
    assert min(a7_letter.left_mm, a7_letter.top_mm) >= UNPRINTABLE_MM
    business_a4 = stock_for(cards(card="business", paper="a4"))
    assert (business_a4.columns, business_a4.rows) == (2, 5)
    assert business_a4.left_mm == pytest.approx((210 - 7 * INCH) / 2)


def test_cards_that_cannot_fit_say_which_key_and_how_to_fix_it():
    with pytest.raises(StockError) as error:
        stock_for(cards(grid="3x4"))
    assert error.value.key == "cards.grid" and "at most 2x4 fit" in error.value.hint
    with pytest.raises(StockError) as error:
        stock_for(cards(card="300x300mm"))
    assert error.value.key == "cards.card" and "larger paper" in error.value.hint
    with pytest.raises(StockError) as error:
        stock_for(cards(card="90x55mm", grid="2x5", gap_mm=5))
    assert "within 1.0 mm of the sheet's edge" in error.value.message
    with pytest.raises(ConfigError) as error:
        cards(min_size_pt=15).check()
    assert error.value.key == "cards.min_size_pt"


@pytest.mark.parametrize("paper", [Paper("a4", 210, 297), Paper("landscape", 297, 210)])
@pytest.mark.parametrize("flip", ["long", "short"])
@pytest.mark.parametrize("card", ["a7", "poker", "business", "50x40mm"])
def test_the_slot_behind_each_card_is_its_rectangle_turned_over(paper, flip, card):
    """long: turned about the long edge (columns mirror on a portrait sheet, rows on a landscape one)."""
    base = stock_for(cards(card=card, paper="a4"))
    stock = dataclasses.replace(base, paper=paper, columns=2, rows=2)
    assert stock.per_sheet == 4
    for index in range(stock.per_sheet):
        front, back = stock.slot(index), stock.slot(stock.back_index(index, flip))
        if (flip == "long") == (paper.height_mm >= paper.width_mm):
            expected = Rect(paper.width_mm - front.right_mm, front.y_mm, front.width_mm, front.height_mm)
        else:
            expected = Rect(front.x_mm, paper.height_mm - front.bottom_mm, front.width_mm, front.height_mm)
        assert (back.x_mm, back.y_mm) == pytest.approx((expected.x_mm, expected.y_mm))
        behind = stock.behind(front, flip)
        assert (behind.x_mm, behind.y_mm) == pytest.approx((expected.x_mm, expected.y_mm))


# -- sheets ----------------------------------------------------------------------------------------

def _flashcards(count: int) -> list[Flashcard]:
    found = []
    for n in range(1, count + 1):
        card = Card(1, 1, n, str(n), f"Q{n}", f"A{n}", Location(Path("ch1.md"), n))
        area = Area(10, 68)
        found.append(Flashcard(Face(f"f-{n}", card, "front", Markup(f"Q{n}"), 14, card.label, "T", area),
                               Face(f"b-{n}", card, "back", Markup(f"A{n}"), 14, card.label, "", area)))
    return found


def test_every_sheet_keeps_the_grid_in_place_and_only_backs_move_by_the_offset():
    stock = stock_for(cards(card="poker"))
    pages = sheets(_flashcards(11), stock, Backs("long", (1.5, -2)))
    assert [(s.kind, s.number, len(s.cards)) for s in pages] == [("front", 1, 9), ("back", 1, 9), ("front", 2, 2),
                                                               ("back", 2, 2)]
    for sheet in pages:
        for index, placed in enumerate(sheet.cards):
            slot = stock.slot(index)
            if sheet.kind == "front":
                assert placed.rect == slot
            else:
                behind = stock.behind(slot, "long")
                assert (placed.rect.x_mm, placed.rect.y_mm) == pytest.approx((behind.x_mm + 1.5, behind.y_mm - 2))
                assert placed.face.card is sheet_front(pages, sheet.number).cards[index].face.card


def sheet_front(pages, number):
    return next(s for s in pages if s.kind == "front" and s.number == number)


def test_folded_sheets_put_each_answer_beside_its_question():
    stock = stock_for(cards(fold=True))
    assert (stock.columns, stock.rows, stock.cell_width_mm) == (1, 4, 210)
    pages = sheets(_flashcards(5), stock, Backs("long", (3, 3)))
    assert [s.kind for s in pages] == ["fold", "fold"]
    first = pages[0].cards
    assert first[0].rect == Rect(0, 0.5, 105, 74) and first[1].rect == Rect(105, 0.5, 105, 74)
    assert first[0].face.side == "front" and first[1].face.side == "back"


@pytest.mark.parametrize("pages, fronts, backs", [
    (2, [0], [1]),
    (6, [0, 2, 4], [5, 3, 1]),
    (30, list(range(0, 30, 2)), list(range(29, 0, -2))),
])
def test_manual_duplex_prints_the_fronts_then_the_backs_last_sheet_first(pages, fronts, backs):
    assert manual_order(pages) == (fronts, backs)


def test_cut_lines_and_marks_stay_printable_and_fall_behind_each_other():
    tiled = stock_for(cards())
    lines = guides(tiled, "lines")
    assert sorted((l.x1_mm, l.y1_mm, l.x2_mm, l.y2_mm) for l in lines) == sorted(
        [(105, 0, 105, 297)] + [(0, 0.5 + 74 * r, 210, 0.5 + 74 * r) for r in (1, 2, 3)])
    for mark in guides(tiled, "marks"):  # no margin: on the cuts, inside the printable area
        assert min(mark.x1_mm, mark.y1_mm) >= UNPRINTABLE_MM and mark.x2_mm <= 205 and mark.y2_mm <= 292
    poker = stock_for(cards(card="poker"))
    for line in guides(poker, "lines"):  # out into the margins, as far as a printer prints
        assert min(line.x1_mm, line.y1_mm) == pytest.approx(UNPRINTABLE_MM) or line.vertical
    marks = guides(poker, "marks")
    assert len(marks) == 2 * (4 + 4)
    behind = back_guides(poker, marks, Backs("short", (1, 1)))
    assert {(round(l.x1_mm, 3), round(min(l.y1_mm, l.y2_mm), 3)) for l in behind} == {
        (round(l.x1_mm + 1, 3), round(297 - max(l.y1_mm, l.y2_mm) + 1, 3)) for l in marks}
    assert guides(poker, "none") == ()


# -- cutting a side into pieces --------------------------------------------------------------------

LONG_LIST = Markup("<p>Intro text that is long.</p>\n<ol>\n<li>one 第一</li>\n<li>two 第二 continues here</li>\n"
                   "<li>three</li>\n</ol>\n<table><thead><tr><th>H</th></tr></thead><tbody><tr><td>r1</td></tr>"
                   "<tr><td>r2</td></tr></tbody></table>\n<pre><code>line 1\nline 2\n</code></pre>\n")


def test_pieces_keep_every_character_once_in_order():
    side = Side(LONG_LIST)
    whole = _letters(visible_text(LONG_LIST))
    for starts in ([0], [0, 5], [0, 3, 9, side.runs - 1], list(range(side.runs))):
        pieces = side.pieces(starts)
        assert len(pieces) == len(starts)
        text = "".join(_letters(visible_text(piece)) for piece in pieces)
        assert text.replace("H", "") == whole.replace("H", ""), starts  # a table's header may repeat


def _letters(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def test_a_table_cut_between_rows_repeats_its_header():
    side = Side(LONG_LIST)
    marked = side.marked("r")
    second_row = int(marked.split('<tr id="r')[2].split('"')[0])
    first, second = side.pieces([0, second_row])
    assert "<th>H</th>" in first and "<th>H</th>" in second
    assert "r1" in first and "r1" not in second and "r2" in second


def test_a_table_read_row_by_row_is_cut_between_rows_without_its_header():
    """Its rows name their cells, and the pagination that chose the cut does not repeat a head
    laid out as a block: a repeated head would make the later piece taller than it measured."""
    table = stack_wide_tables(str(LONG_LIST).replace("<th>H</th>", "<th>Heading</th>"), width_em=1.0)
    assert '<table class="sg-stack">' in table and '<td data-label="Heading">r1</td>' in table
    side = Side(Markup(table))
    marked = side.marked("r")
    second_row = int(marked.split('<tr id="r')[2].split('"')[0])
    first, second = side.pieces([0, second_row])
    assert "<th>Heading</th>" in first and "Heading</th>" not in second
    assert "r1" in first and "r1" not in second and '<td data-label="Heading">r2</td>' in second


def test_only_a_table_too_wide_for_the_card_is_read_row_by_row():
    """Two columns of short words sit side by side in 20 em; seven of long words do not."""
    narrow = ("<table><thead><tr><th>Flag</th><th>Meaning</th></tr></thead>"
              "<tbody><tr><td>quiet</td><td>silent</td></tr></tbody></table>")
    assert stack_wide_tables(narrow, width_em=20.0) == narrow
    # a long address breaks where the renderer put a zero-width space, every 12 letters
    address = "\u200b".join(["https://exam", "ple.org/docs", "/tensors/cre", "ation-operat", "ions"])
    assert stack_wide_tables(narrow.replace("silent", address), width_em=20.0) == narrow.replace("silent", address)
    names = "".join(f"<th>Name{n}</th>" for n in range(7))
    cells = "".join(f'<td style="text-align:right">housekeeping{n}</td>' for n in range(7))
    table = f"<table><thead><tr>{names}</tr></thead><tbody><tr>{cells}</tr></tbody></table>"
    wide = stack_wide_tables(f"<p>Before</p>{table}", 20.0)
    assert wide.startswith('<p>Before</p><table class="sg-stack">')
    assert all(f'<td data-label="Name{n}" style="text-align:right">housekeeping{n}</td>' in wide for n in range(7))


def test_a_list_item_that_goes_on_shows_no_second_number_and_the_list_keeps_counting():
    side = Side(LONG_LIST)
    # the run that begins with "continues", inside item two
    two = next(n for n in range(side.runs) if '<li class="continued">continues' in side.pieces([0, n])[1])
    first, second = side.pieces([0, two])
    assert "<li>two" in first and first.count("<li") == 2
    assert '<ol style="counter-reset: list-item 1">' in second
    assert '<li class="continued">continues' in second and "<li>three</li>" in second


def test_every_run_is_marked_once_and_images_and_rows_are_never_cut():
    side = Side(Markup('<p>图 <img src="x.png" alt="a"> 后</p><table><tbody><tr><td>a b</td></tr></tbody></table>'))
    marked = side.marked("m")
    assert marked.count('id="m') == side.runs == 4  # 图, the image, 后, the row
    assert '<img src="x.png" alt="a" id="m1">' in marked and '<tr id="m3"><td>a b</td></tr>' in marked


def test_a_side_known_to_fit_is_plain_and_short():
    stock = stock_for(cards())
    assert surely_fits(FitSide("f", Markup("神经网络中的各层是什么？"), 12, 1), stock, 14)
    assert not surely_fits(FitSide("f", Markup("长" * 90), 90, 1), stock, 14)
    assert not surely_fits(FitSide("f", Markup("<ul><li>短</li></ul>"), 1, 1), stock, 14)  # lists are measured


# -- the passes a build makes ----------------------------------------------------------------------

def _jobs(monkeypatch, content: list[Path], **card_changes) -> dict[str, str]:
    """Build in this process and return every render job's key and HTML."""
    from studyguide.build import build
    from studyguide.printing import pool

    submitted: dict[str, str] = {}
    original = pool.Pool.submit

    def spy(self, job):
        submitted[job.key] = job.html
        return original(self, job)

    monkeypatch.setattr(pool.Pool, "submit", spy)
    settings = Settings()
    settings = dataclasses.replace(settings, build=dataclasses.replace(settings.build, outputs=["flashcards"], jobs=1),
                                   cards=dataclasses.replace(settings.cards, **card_changes))
    result = build(settings, content, content[0].parent / "out")
    assert not result.failed, [str(d) for d in result.diagnostics]
    return submitted


def test_fitting_the_seed_costs_one_small_measuring_pass(monkeypatch, tmp_path):
    chapter = tmp_path / "ch1.md"
    chapter.write_text((CONTENT / "ch04.md").read_text(encoding="utf-8"), encoding="utf-8")
    jobs = _jobs(monkeypatch, [chapter])
    assert list(jobs) == ["flashcards:measure:0", "flashcards:sheets:0"]
    measured = jobs["flashcards:measure:0"].count('class="m text')
    assert measured <= 12  # a few sizes of the one or two doubtful sides, not every card


def test_a_long_side_costs_one_more_pass_holding_only_that_side(monkeypatch, tmp_path):
    chapter = tmp_path / "ch1.md"
    text = (CONTENT / "ch04.md").read_text(encoding="utf-8")
    chapter.write_text(text + "\n11.  很长的问题？\n    " + "很长的答案。" * 200 + "\n", encoding="utf-8")
    jobs = _jobs(monkeypatch, [chapter])
    assert list(jobs) == ["flashcards:measure:0", "flashcards:split", "flashcards:sheets:0"]
    assert jobs["flashcards:split"].count('class="sp text') == 1


def test_a_side_many_cards_long_goes_to_splitting_without_being_measured(monkeypatch, tmp_path):
    chapter = tmp_path / "ch1.md"
    text = (CONTENT / "ch04.md").read_text(encoding="utf-8")
    long_answer = "".join(f"第{n}段很长的答案。" for n in range(1000))  # about a dozen cards even at 7 pt
    chapter.write_text(text + "\n11.  很长的问题？\n    " + long_answer + "\n", encoding="utf-8")
    jobs = _jobs(monkeypatch, [chapter])
    assert list(jobs) == ["flashcards:measure:0", "flashcards:split", "flashcards:sheets:0"]
    assert "第999段" not in jobs["flashcards:measure:0"]  # laying it out at 7 pt would only show it is too long
    assert jobs["flashcards:split"].count('class="sp text') == 1
    split = jobs["flashcards:split"]
    assert long_answer in re.sub(r"<[^>]+>", "", split)  # its every character, to find where to cut
    # marked a stretch of text at a time (here the text between two numbers), not a character at a
    # time: each mark costs the renderer
    assert 0 < split.count('class="sg-runs"') <= split.count('class="autospace"') + 1 < len(long_answer) // 4
