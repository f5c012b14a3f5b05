"""Where a card's answer starts (studyguide/read/rules/split.py), on small lists of lines: the
question and answer lines each form gives, and the notes a chosen reading carries."""

from __future__ import annotations

from studyguide.read import read_guide
from studyguide.read.blocks import Block
from studyguide.read.rules.split import Card, item_lines, split, split_lines, with_shown_code


def test_a_question_line_then_its_answer():
    cut = split_lines([(0, "什么是张量？"), (1, "张量是多维数组。")], [])
    assert (cut.question, cut.answer, cut.notes) == ([(0, "什么是张量？")], [(1, "张量是多维数组。")], ())


def test_question_and_labelled_answer_on_one_line():
    cut = split_lines([(0, "什么是梯度？答：损失函数对参数的导数。")], [])
    assert cut.question == [(0, "什么是梯度？")]
    assert cut.answer == [(0, "答：损失函数对参数的导数。")]  # the label goes in `split`, for every form


def test_a_command_after_the_question_mark_asks_too_and_says_so():
    cut = split_lines([(4, "What is a closure? Explain with an example."), (5, "")],
                      [(6, "A function that keeps the variables it was made with.")])
    assert cut.question == [(4, "What is a closure? Explain with an example.")]
    assert cut.answer == [(5, ""), (6, "A function that keeps the variables it was made with.")]
    assert [(line, message.split(",")[0]) for line, message, _ in cut.notes] == \
        [(4, "the sentence after the question mark is read as part of the question (it asks for something)")]


def test_a_task_over_two_lines_ends_where_its_sentence_does():
    cut = split_lines([(0, "Write a loop that prints"), (1, "the squares of 0 to 4."),
                       (2, "for i in range(5): print(i * i)")], [])
    assert cut.question == [(0, "Write a loop that prints"), (1, "the squares of 0 to 4.")]
    assert cut.answer == [(2, "for i in range(5): print(i * i)")]


def test_code_the_question_points_at_goes_with_the_question():
    code = [(1, ""), (2, "```python"), (3, "print(1 + 1)"), (4, "```")]
    cut = with_shown_code([(0, "What does this print:")], code + [(5, ""), (6, "It prints 2.")])
    assert cut.question == [(0, "What does this print:")] + code
    assert cut.answer == [(5, ""), (6, "It prints 2.")]
    assert [line for line, *_ in cut.notes] == [0]


def test_code_that_is_the_whole_answer_stays_the_answer():
    code = [(1, ""), (2, "```python"), (3, "print(1 + 1)"), (4, "```")]
    cut = with_shown_code([(0, "What does this print:")], code)
    assert (cut.question, cut.answer, cut.notes) == ([(0, "What does this print:")], code, ())


def test_a_list_item_without_its_marker_and_indentation():
    lines = ["1. 什么是张量？", "   张量是多维数组。", "", "   ```python", "   x = 1", "   ```"]
    width, own = item_lines(lines, Block("item", 0, 6, number="1", ordered=True))
    assert width == 3
    assert own == [(0, "什么是张量？"), (1, "张量是多维数组。"), (2, ""), (3, "```python"), (4, "x = 1"), (5, "```")]


def test_labelled_question_and_answer_lose_their_labels():
    lines = ["Q: What is HTTP?", "", "A: A protocol for the web."]
    cut = split(lines, Card("label", Block("paragraph", 0, 1), "", "", [Block("paragraph", 2, 3)]))
    assert (cut.question, cut.answer) == ([(0, "What is HTTP?")], [(2, "A protocol for the web.")])


def test_a_numbered_paragraph_loses_its_number():
    lines = ["12.什么是梯度？", "", "答：损失函数对参数的导数。"]
    cut = split(lines, Card("pseudo", Block("paragraph", 0, 1), "12", "", [Block("paragraph", 2, 3)]))
    assert (cut.question, cut.answer) == ([(0, "什么是梯度？")], [(2, "损失函数对参数的导数。")])


def test_a_task_keeps_its_code_up_to_the_answer_label():
    lines = ["1. 写出冒泡排序。", "", "   ```python", "   sort(xs)", "   ```", "", "   答：时间复杂度 O(n²)。"]
    cut = split(lines, Card("item", Block("item", 0, 7, number="1", ordered=True), "1", ""))
    assert cut.question == [(0, "写出冒泡排序。"), (1, ""), (2, "```python"), (3, "sort(xs)"), (4, "```")]
    assert cut.answer == [(6, "时间复杂度 O(n²)。")]


def test_a_reading_chosen_inside_a_card_is_noted_once(tmp_path):
    # deciding whether the unnumbered question starts a card splits the card before it on the way;
    # only the card's own split reports its note
    path = tmp_path / "ch01.md"
    path.write_text("# 第 1 章 测试\n\n1. What is a closure? Explain with an example.\n\n"
                    "   A function that keeps its variables.\n\nWhat is a generator?\n\n"
                    "It yields values one at a time.\n", encoding="utf-8")
    guide = read_guide([path], base=tmp_path)
    assert [card.question for card in guide.cards] == ["What is a closure? Explain with an example.",
                                                        "What is a generator?"]
    notes = [d for d in guide.diagnostics if d.code == "SG205"]
    assert [(d.location.line, "asks for something" in d.message) for d in notes] == [(3, True)]
