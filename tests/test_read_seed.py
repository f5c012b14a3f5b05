"""The parser on the seed: chapters, cards, numbers, source lines, and not a character lost."""

import re

import pytest

from conftest import CONTENT, SEED
from pdfread import squash
from studyguide.layout.content import ContentRenderer
from studyguide.markdown import visible_text
from studyguide.read import read_guide

EXPECTED_CHAPTERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16]
EXPECTED_COUNTS = [10, 9, 9, 10, 12, 5, 8, 4, 5, 12, 10, 4, 4, 4, 7]


def test_fifteen_chapters_numbered_from_their_headings(guide):
    assert [c.number for c in guide.chapters] == EXPECTED_CHAPTERS
    assert [len(c.cards) for c in guide.chapters] == EXPECTED_COUNTS
    assert len(guide.cards) == 113
    assert guide.chapters[4].title == "图像分类的迁移学习"  # 第五章-
    assert guide.chapters[1].title == "PyTorch 基础知识"  # 第 2 章- PyTorch…
    assert guide.chapters[-1].title == "结合计算机视觉和强化学习"  # 第十六章-


def test_no_errors_or_warnings_on_the_seed(guide):
    assert [d for d in guide.diagnostics if d.severity.name != "NOTE"] == []


def test_one_file_gives_the_same_cards_as_the_chapter_files(guide):
    single = read_guide([SEED])
    assert [(c.chapter, c.number, c.question, c.answer) for c in single.cards] == \
           [(c.chapter, c.number, c.question, c.answer) for c in guide.cards]


def test_cards_keep_chapter_number_text_and_source_line(guide):
    card = guide.chapters[0].cards[2]
    assert card.chapter == 1 and card.number == "3" and card.label == "1.3"
    assert card.question == "连续因变量的损失函数与二元因变量以及分类因变量的损失函数有何不同？"
    assert card.answer.startswith("MSE 是连续因变量")
    assert card.location.path.name == "ch01.md" and card.location.line == 7
    lines = (CONTENT / "ch01.md").read_text(encoding="utf-8").splitlines()
    assert lines[card.location.line - 1].startswith("3.  连续因变量")


def test_answer_on_the_next_indented_line(guide):
    card = guide.chapters[0].cards[0]
    assert (card.question, card.answer) == ("神经网络中的各层是什么？", "输入、隐藏和输出层")
    assert card.answer_line == card.location.line + 1


def test_items_separated_by_blank_lines(guide):
    chapter6 = guide.chapters[5]
    assert [c.number for c in chapter6.cards] == ["1", "2", "3", "4", "5"]
    assert chapter6.cards[1].answer == "它们有助于减少过度拟合"


def test_answer_spanning_lines_keeps_them(guide):
    card = guide.chapters[-1].cards[-1]
    assert card.label == "16.7"
    assert card.answer == "加速-[-1，0，1](刹车，不加速，加速)\n转向-[-1，0，1](左，不转向，右)"


def test_answers_keep_their_markdown(guide):
    assert guide.chapters[1].cards[0].answer == "`nn.Linear`(以及几乎所有的火炬层)只接受浮动作为输入"


def _item_sources(chapter) -> list[str]:
    """The source text of each numbered item of a chapter, as the author wrote it."""
    lines = chapter.source.read_text(encoding="utf-8").split("\n")
    starts = [card.location.line - 1 for card in chapter.cards] + [len(lines)]
    return ["\n".join(lines[a:b]) for a, b in zip(starts, starts[1:])]


def test_nothing_is_lost_between_source_and_rendered_card(guide):
    """Every non-blank character of each item appears, in order, in the rendered question + answer.

    The only characters allowed to go are markup: the list marker and code backticks.
    """
    renderer = ContentRenderer([CONTENT])
    assert len(guide.chapters) == 15 and len(guide.cards) == 113
    for chapter in guide.chapters:
        sources = _item_sources(chapter)
        assert len(sources) == len(chapter.cards), chapter.number  # zip() would stop at the shorter
        for card, source in zip(chapter.cards, sources):
            expected = squash(re.sub(r"^\s*\d+\.\s+", "", source).replace("`", ""))
            shown = squash(visible_text(renderer.html(card.question, chapter))
                           + visible_text(renderer.html(card.answer, chapter)))
            assert shown == expected, card.label


def test_link_like_text_stays_text_and_code_stays_code(guide):
    renderer = ContentRenderer([CONTENT])
    last = guide.chapters[-1]
    html = renderer.html(last.cards[-1].answer, last)
    assert "<a " not in html
    assert "(刹车，不加速，加速)" in html and "(左，不转向，右)" in html
    assert "<code>nn.Linear</code>" in renderer.html(guide.chapters[1].cards[0].answer, guide.chapters[1])


@pytest.mark.parametrize("markdown", ["<b>粗体</b>", "<script>alert(1)</script>", "<img src=x onerror=y>"])
def test_raw_html_is_shown_as_text(guide, markdown):
    html = ContentRenderer([CONTENT]).html(markdown, guide.chapters[0])
    assert "<" not in html.replace("<p>", "").replace("</p>", "")
    assert squash(visible_text(html)) == squash(markdown)
