"""A line wider than a card's text area (a formula with its comma, inline code WeasyPrint keeps on
one line with the Chinese around it): the body's box keeps the card's width whatever its lines
do, so fitting and the check after rendering look at the widest line itself."""

from __future__ import annotations

import re

import pdfplumber
import pytest

from pagecheck import Box, check_pdf
from studyguide.layout.fit import PADDING_MM
from studyguide.geometry.sheets import PRESETS
from test_flashcards_print import build, deck

# Poker cards: 51 mm of text. At 14 pt, `的selectivesearch作` is kept on one line about 57 mm wide;
# the sum of eight terms and its comma is wider than 51 mm at every size down to 8 pt; the sum of
# eighteen terms is wider even at 7 pt, the smallest.
WIDE = """\
# 第 1 章 宽行

1.  每一行结果怎样合起来？
    每个结果都是$x_1 + x_2 + x_3 + x_4 + x_5 + x_6 + x_7 + x_8$，再交给下一层。
2.  配置文件里要写什么？
    所有的`selectivesearch`作物都要写成绝对路径。
3.  十八项的和怎样写？
    总和是$a_1 + a_2 + a_3 + a_4 + a_5 + a_6 + a_7 + a_8 + a_9 + a_{10} + a_{11} + a_{12} + a_{13} + a_{14} + a_{15} + a_{16} + a_{17} + a_{18}$，一项也不少。
"""


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    folder = deck(tmp_path_factory.mktemp("wide"), {"ch1.md": WIDE})
    result = build(folder, "--card", "poker")
    return folder / "out" / "flashcards.pdf", result.stderr


def _cards(page: int):
    stock = PRESETS["poker"]
    return [Box.mm(slot.x_mm, slot.y_mm, slot.width_mm, slot.height_mm, inset=PADDING_MM)
            for slot in map(stock.slot, range(stock.per_sheet))]


def test_a_line_wider_than_the_card_is_fitted_inside_it(wide):
    """Cards 1.1 and 1.2 step down until their widest line fits: every glyph 6 mm inside its card."""
    pdf, said = wide
    texts = ["每个结果都是，再交给下一层。", "所有的selectivesearch作物都要写成绝对路径。"]
    problems = [p for p in check_pdf(pdf, _cards, 7.0, texts) if "一项也不少" not in p]
    outside = [p for p in problems if "outside" in p]
    # only 1.3's comma, after a sum too wide for the card at any size, may run past
    assert len(outside) <= 1 and all("'，'" in p for p in outside), "\n".join(problems)
    assert not [p for p in problems if "outside" not in p], "\n".join(problems)
    assert "card 1.1" not in said and "card 1.2" not in said


def test_a_line_too_wide_even_at_the_smallest_size_is_said(wide):
    """1.3 is printed at the smallest size, on one card (continuing would not make it narrower),
    and the build names it, with its file and line, as a warning."""
    pdf, said = wide
    assert "ch1.md:7:1: warning SG601 card 1.3: a line of its answer is" in said
    assert "wider than its card's text area even at 7 pt" in said
    assert "continues over" not in said
    assert " error " not in said


# -- a table too wide for its card ----------------------------------------------------------------

# Seven columns of long words: side by side they need far more than an A7 card's 93 mm at 7 pt,
# let alone a poker card's 51 mm. Card 1.2's two short columns fit as a table.
HEADER = ["Setting", "Datatype", "Default", "Constraint", "Description", "Deprecated", "Replacement"]
ROWS = [["retention", "duration", "fortnight", "positive", "housekeeping", "maintained", "unchanged"],
        ["concurrency", "integer", "processors", "bounded", "parallelism", "superseded", "workerpool"],
        ["authentication", "credentials", "anonymous", "mandatory", "verification", "maintained",
         "internationalisation"]]
QUESTION = "Which settings does the scheduler read, and what does each default to?"
SMALL = [["Flag", "Meaning"], ["verbose", "chatty"], ["quiet", "silent"]]


def _markdown_table(rows: list[list[str]]) -> str:
    lines = [rows[0], ["---"] * len(rows[0]), *rows[1:]]
    return "\n".join("    | " + " | ".join(row) + " |" for row in lines)


TABLES = f"""\
# Chapter 1 Wide tables

1.  {QUESTION}

{_markdown_table([HEADER, *ROWS])}

2.  Which flags does the scheduler take?

{_markdown_table(SMALL)}
"""


@pytest.fixture(scope="module", params=["a7", "poker"])
def tables(tmp_path_factory, request):
    folder = deck(tmp_path_factory.mktemp(f"tables-{request.param}"), {"ch1.md": TABLES})
    result = build(folder, "--card", request.param)
    return request.param, folder / "out" / "flashcards.pdf", result.stderr + result.stdout


def _card_lines(pdf, card: str) -> list[list[str]]:
    """The words of every line of every card, card by card (one card's lines never run into its
    neighbour's); a cell's name and its value, and the column names, are separate words."""
    stock = PRESETS[card]
    slots = [stock.slot(index) for index in range(stock.per_sheet)]
    lines = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            for slot in slots:
                box = Box.mm(slot.x_mm, slot.y_mm, slot.width_mm, slot.height_mm)
                text = page.within_bbox((box.left, box.top, box.right, box.bottom)).extract_text() or ""
                lines += [re.split(r"[\s:·]+", line.strip()) for line in text.splitlines() if line.strip()]
    return [[word for word in line if word] for line in lines]


def test_a_table_too_wide_for_the_card_is_read_row_by_row_with_no_word_broken(tables):
    """Every word of the table is whole on one line of its card, and nothing on any line is part
    of a word: a word broken between lines would leave two pieces that are no word of the guide."""
    card, pdf, _ = tables
    lines = _card_lines(pdf, card)
    assert lines
    source = set(re.findall(r"[\w.?,-]+", TABLES)) | {"continued"}
    label = re.compile(r"\d+(\.\d+)?|\d+/\d+")  # the head line: 1.1, 1/2
    pieces = [word for line in lines for word in line if word not in source and not label.fullmatch(word)]
    assert not pieces, pieces
    words = HEADER + [cell for row in ROWS + SMALL for cell in row]
    for word in words:
        assert any(word in line for line in lines), word


def test_a_table_read_row_by_row_passes_the_page_checks(tables):
    """Inside its card, at 7 pt or more, no glyph over another, and every character there in order:
    the column names once, then each row's cells (their names repeat, which the order allows)."""
    card, pdf, _ = tables
    stock = PRESETS[card]
    boxes = [Box.mm(slot.x_mm, slot.y_mm, slot.width_mm, slot.height_mm, inset=PADDING_MM)
             for slot in map(stock.slot, range(stock.per_sheet))]
    texts = [QUESTION, " ".join(HEADER + [cell for row in ROWS for cell in row]),
             " ".join(cell for row in SMALL for cell in row)]
    problems = check_pdf(pdf, lambda page: boxes, 7.0, texts)
    assert not problems, "\n".join(problems[:20])


def test_a_table_read_row_by_row_is_said(tables):
    """The build names the card whose table it printed row by row, as a warning that says how to
    keep it a table; the narrow table of card 1.2 stays one, unsaid."""
    card, _, said = tables
    size = f"{PRESETS[card].card_width_mm:g} × {PRESETS[card].card_height_mm:g} mm"
    assert (f"ch1.md:5:1: warning SG601 card 1.1: a table in its answer cannot sit on its {size} card even "
            "at 7 pt without breaking words, so each row is printed as a block") in said
    assert "fewer or narrower columns, or use a wider card (--card)" in said
    assert "card 1.2" not in said
    assert " error " not in said
