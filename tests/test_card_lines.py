"""A line wider than a card's text area (a formula with its comma, inline code WeasyPrint keeps on
one line with the Chinese around it): the body's box keeps the card's width whatever its lines
do, so fitting and the check after rendering look at the widest line itself."""

from __future__ import annotations

import pytest

from pagecheck import Box, check_pdf
from studyguide.layout.fit import PADDING_MM
from studyguide.layout.sheets import PRESETS
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
