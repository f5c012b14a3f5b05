"""select.py: chapters by number, questions shuffled within their chapter, a quiz drawn."""

from __future__ import annotations

import pytest

from studyguide.read import read_guide
from studyguide.select import SelectionError, draw_quiz, parse_ranges, select_chapters, shuffle_questions

CHAPTERS = {
    "ch02.md": "# 第2章 Sorting\n\n1. Which sort is stable?\n\n   Merge sort.\n\n2. Cost of quicksort at worst?\n\n   n squared.\n",
    "ch03.md": "# 第3章 Graphs\n\n1. What finds shortest paths?\n\n   Dijkstra.\n\n2. What finds a spanning tree?\n\n"
               "   Kruskal.\n\n3. What walks breadth first?\n\n   A queue.\n",
    "ch04.md": "# 第4章 Hashing\n\n1. What is a collision?\n\n   Two keys, one slot.\n",
    "ch07.md": "# 第7章 Strings\n\n1. What does KMP avoid?\n\n   Going back in the text.\n\n2. What is a trie?\n\n"
               "   A tree of prefixes.\n\n3. What is a suffix array?\n\n   Sorted suffixes.\n\n4. What is a rolling hash?\n\n"
               "   A hash updated as a window moves.\n",
}


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guide")
    for name, text in CHAPTERS.items():
        (folder / name).write_text(text, encoding="utf-8")
    guide = read_guide([folder])
    assert [chapter.number for chapter in guide.chapters] == [2, 3, 4, 7]
    assert len(guide.cards) == 10
    return guide


@pytest.mark.parametrize("spec, ranges", [
    ("1-3,7", [(1, 3), (7, 7)]),
    (" 2 , 4-4 ,", [(2, 2), (4, 4)]),
    ("", []),
])
def test_ranges(spec, ranges):
    assert parse_ranges(spec) == ranges


def test_a_range_that_counts_backwards_says_how_to_write_it():
    with pytest.raises(SelectionError, match=r"`5-2` counts backwards; write it as 2-5"):
        parse_ranges("1,5-2")


def test_chapters_are_chosen_by_their_number_not_their_place(guide):
    chosen = select_chapters(guide, "3-4,7")
    assert [chapter.number for chapter in chosen.chapters] == [3, 4, 7]
    assert [card.question for card in chosen.chapters[1].cards] == ["What is a collision?"]
    assert select_chapters(guide, "  ") is guide


def test_a_number_no_chapter_has_is_named_with_the_chapters_there_are(guide):
    with pytest.raises(SelectionError) as caught:
        select_chapters(guide, "1,3,5-6")
    assert str(caught.value) == "no chapter numbered 1, 5-6; the chapters are 2–4, 7"


def test_shuffling_keeps_every_question_in_its_chapter_with_its_number(guide):
    shuffled = shuffle_questions(guide, seed=4)
    assert [chapter.number for chapter in shuffled.chapters] == [2, 3, 4, 7]
    pairs = list(zip(guide.chapters, shuffled.chapters))
    assert pairs
    for before, after in pairs:
        assert sorted((c.number, c.question) for c in after.cards) == sorted((c.number, c.question) for c in before.cards)
    orders = {tuple(c.number for c in shuffle_questions(guide, seed).chapters[3].cards) for seed in range(8)}
    assert len(orders) > 1  # the seed does change the order
    assert shuffle_questions(guide, seed=4) == shuffled  # and the same seed gives the same one


def test_a_quiz_draws_distinct_questions_from_every_chapter_and_repeats_with_its_seed(guide):
    drawn = draw_quiz(guide, 6, seed=11)
    assert len(drawn) == 6 and len({(c.chapter_index, c.position) for c in drawn}) == 6
    assert drawn == draw_quiz(guide, 6, seed=11)
    assert {c.chapter_index for seed in range(10) for c in draw_quiz(guide, 3, seed)} == {c.chapter_index for c in guide.cards}
    assert len({c.chapter_index for c in guide.cards}) == 4
    assert sorted(c.question for c in draw_quiz(guide, 10, seed=0)) == sorted(c.question for c in guide.cards)


def test_a_quiz_longer_than_the_guide_says_how_many_there_are(guide):
    with pytest.raises(SelectionError, match="a quiz of 11 questions needs more than the 10"):
        draw_quiz(guide, 11, seed=0)
