"""What the reader reports about content it cannot read as intended: where, what, and how to fix it."""

import dataclasses
from pathlib import Path

import pytest

from conftest import FIXTURES
from lossless import unaccounted
from studyguide.read import read_guide

PROBLEMS = FIXTURES / "problems"


def read(path: Path):
    return read_guide([path], base=path.parent)


def found(guide) -> list[tuple[str, int, str]]:
    return [(d.code, d.location.line, d.severity.name.lower()) for d in guide.diagnostics]


def test_a_question_without_an_answer_and_an_answer_that_asks():
    guide = read(PROBLEMS / "no-answer.md")
    assert [(c.question, c.answer) for c in guide.cards] == [
        ("什么是张量？", ""), ("什么是梯度？", "损失对参数的导数。"), ("什么是学习率？", "什么是动量？")]
    assert found(guide) == [("SG301", 3, "warning"), ("SG302", 7, "warning")]
    no_answer, asks = guide.diagnostics
    assert str(no_answer).startswith("no-answer.md:3:1: warning SG301 question 1.1 has no answer")
    assert "looks like the next question: `什么是动量？`" in asks.message
    assert asks.hint


def test_text_outside_chapters_an_empty_chapter_and_a_number_used_twice():
    guide = read(PROBLEMS / "stray-text.md")
    assert [(c.number, c.title) for c in guide.chapters] == [(2, "训练"), (2, "重复的编号")]
    assert found(guide) == [("SG305", 1, "warning"), ("SG201", 8, "warning"), ("SG202", 12, "warning")]
    stray, empty, twice = guide.diagnostics
    assert "line 1 is not under any chapter heading" in stray.message
    assert "`第 3 章-空章` holds no questions (lines 8–10)" in empty.message
    assert "chapter number 2 is used twice (first at stray-text.md:3)" in twice.message


def test_a_chapter_without_questions():
    guide = read(PROBLEMS / "empty-chapter.md")
    assert guide.chapters == ()
    assert found(guide) == [("SG201", 1, "warning")]


def test_a_file_of_prose_makes_no_cards_and_says_so():
    guide = read(PROBLEMS / "prose-only.md")
    assert guide.cards == ()
    assert found(guide) == [("SG201", 1, "warning")]
    assert "lines 1–3" in guide.diagnostics[0].message


def test_every_problem_file_loses_nothing():
    paths = sorted(PROBLEMS.glob("*.md"))
    assert len(paths) >= 4
    for path in paths:
        assert unaccounted(read(path), path, Path(path.name)) == [], path.name


def test_the_checker_notices_a_lost_character():
    """The lossless checker itself: a card missing one character, or a finding that does not say
    which lines it reports, is caught."""
    path = Path(__file__).resolve().parent / "forms" / "01-numbered.md"
    guide = read(path)
    card = guide.chapters[0].cards[2]
    shortened = dataclasses.replace(card, answer=card.answer.replace("梯度", "梯"))
    chapter = dataclasses.replace(guide.chapters[0], cards=(guide.chapters[0].cards[:2] + (shortened,)
                                                             + guide.chapters[0].cards[3:]))
    problems = unaccounted(dataclasses.replace(guide, chapters=(chapter,)), path, Path(path.name))
    assert len(problems) == 1 and "card 1.3" in problems[0]

    stray = PROBLEMS / "stray-text.md"
    guide = read(stray)
    silent = dataclasses.replace(guide, diagnostics=tuple(d for d in guide.diagnostics if d.code != "SG305"))
    assert unaccounted(silent, stray, Path(stray.name)) == [
        "stray-text.md:1: '这一行在任何章节标题之前。' is in no card, title or finding"]


def test_numbers_restart_in_each_section_without_a_warning(tmp_path):
    path = tmp_path / "c.md"
    path.write_text("# 第 1 章 复习\n\n## 选择题\n\n1. 什么是 A？\n   甲。\n2. 什么是 B？\n   乙。\n\n"
                    "## 简答题\n\n1. 什么是 C？\n   丙。\n", encoding="utf-8")
    guide = read(path)
    assert [(c.section, c.number) for c in guide.cards] == [("选择题", "1"), ("选择题", "2"), ("简答题", "1")]
    assert found(guide) == []


def test_a_question_label_alone_starts_no_card(tmp_path):
    """`问2、` with nothing after it is text of the answer before it, not an empty card."""
    from studyguide.read import read_guide

    source = tmp_path / "doc.md"
    source.write_text("# 第 1 章-基础\n\n## 神经网络的？\n\n神经网络的。\n\n## 激活函数的？\n\n非线性。\n\n问2、\n",
                      encoding="utf-8")
    guide = read_guide([source])
    assert [(c.question, c.answer) for c in guide.cards] == [
        ("神经网络的？", "神经网络的。"), ("激活函数的？", "非线性。\n\n问2、")]


def test_a_content_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    from studyguide.read import source
    path = tmp_path / "ch01.md"
    path.write_text("# 第 1 章\n\n1. 什么是张量？\n   多维数组。\n" + "[r]: https://example.com\n" * 45_000,
                    encoding="utf-8")
    assert path.stat().st_size > source.FILE_LIMIT
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    guide = read(path)
    assert not guide.cards and found(guide)[0] == ("SG101", 1, "error")
    assert "the file is 1.1 MB, more than the 1 MB a content file may be" in guide.diagnostics[0].message


def test_code_spans_are_paired_in_one_pass():
    from studyguide.read.text import strip_code
    assert strip_code("Is `a?` or ``b`?`` it?") == "Is      or         it?"
    assert strip_code("``not closed` here?") == "``not closed` here?"
    assert strip_code("`one\ntwo` three?") == "`one\ntwo` three?"  # a span ends on its own line
    runs = " ".join("`" * n for n in range(1, 601))  # no two runs alike: nothing is code
    assert strip_code(runs + " ok?") == runs + " ok?"
    assert strip_code(runs + " x " + "`" * 600) == runs[:-600] + " " * (600 + 3 + 600)


@pytest.mark.parametrize("front, line, words", [
    ("chapter: 1" + "0" * 5000, 2, "front matter holds a number thousands of digits long"),
    ("title: 复习\nchapter: 1e308", 3, "front matter `chapter` should be a whole number, not `1e308`"),
    ("chapter: -5", 2, "front matter `chapter` is -5; a chapter number is 0 to 9999"),
    ("chapter: 99999999999999999999", 2, "`chapter` is a huge number"),
    ("title: 复习\ntags: [a]\ntitle: 期中", 4, "front matter is not valid YAML: `title` is given twice"),
    ("markers: {question: 'Q:', question: '问：'}", 2, "`question` is given twice"),
    ("language: ../../etc", 2, "front matter `language: ../../etc` is not a language studyguide knows"),
    ("lang: fr", 2, "front matter `lang: fr` is not a language studyguide knows"),
    ("title: [甲, 乙]", 2, "front matter `title` should be text, not `list`"),
])
def test_front_matter_mistakes_are_named_at_their_line(tmp_path, front, line, words):
    path = tmp_path / "ch01.md"
    path.write_text(f"---\n{front}\n---\n# 第 1 章 复习\n\n1. 什么是张量？\n   多维数组。\n", encoding="utf-8")
    guide = read(path)
    [problem] = [d for d in guide.diagnostics if d.code == "SG105"]
    assert (problem.location.line, problem.severity.name) == (line, "ERROR")
    assert words in problem.message and problem.hint
    # what is wrong is left out; the rest of the file is read as if it were not there
    assert [c.answer for c in guide.cards] == ["多维数组。"]
    assert guide.chapters[0].language == "" and guide.chapters[0].number == 1


@pytest.mark.parametrize("encoding, name", [("utf-16", "UTF-16"), ("utf-32", "UTF-32")])
def test_a_file_saved_as_wide_unicode_is_named(tmp_path, encoding, name):
    path = tmp_path / "ch01.md"
    path.write_bytes("# Chapter 1\n\n1. What is a tensor?\n   An array.\n".encode(encoding))  # with its BOM
    guide = read(path)
    assert [(d.code, d.location.line) for d in guide.diagnostics] == [("SG103", 1)]
    assert f"the file is {name} text, not UTF-8" in guide.diagnostics[0].message
