"""What the forms of tests/forms/ give besides their cards: chapter titles and numbers, sections,
notes and numbering findings, source lines. (tests/test_forms.py checks every form's exact cards.)
"""

from pathlib import Path

from studyguide.read import read_guide

FORMS = Path(__file__).resolve().parent / "forms"


def read(path: Path):
    return read_guide([path], base=path.parent)


def test_chapter_titles_and_numbers_from_many_heading_kinds():
    guide = read(FORMS / "08-chapter-headings.md")
    assert [(c.number, c.title) for c in guide.chapters] == [
        (1, "引言"), (5, "迁移学习"), (3, "卷积"), (4, "Detection"), (7, "Segmentation"),
        (99, "最后一章"), (11, "补充")]


def test_titles_without_numbers_are_numbered_in_order():
    guide = read(FORMS / "09-unnumbered-chapters.md")
    assert [(c.number, c.title) for c in guide.chapters] == [(1, "Basics"), (2, "Functions"), (3, "Classes")]


def test_unnumbered_chapter_after_numbered_ones_takes_the_next_free_number(tmp_path):
    (tmp_path / "a.md").write_text("# Chapter 4: Trees\n\n1. What is a leaf?\n   A node without children.\n",
                                   encoding="utf-8")
    (tmp_path / "b.md").write_text("# Graphs\n\n1. What is an edge?\n   A link between nodes.\n",
                                   encoding="utf-8")
    (tmp_path / "c.md").write_text("# Chapter 5: Heaps\n\n1. What is a heap?\n   A tree with an order.\n",
                                   encoding="utf-8")
    guide = read_guide([tmp_path], base=tmp_path)
    assert [(c.number, c.title) for c in guide.chapters] == [(4, "Trees"), (6, "Graphs"), (5, "Heaps")]
    assert not [d for d in guide.diagnostics if d.code == "SG202"]


def test_sections_become_card_sections():
    guide = read(FORMS / "10-deep-chapters.md")
    assert [c.section for c in guide.cards] == ["向量", ""]


def test_wrappers_and_prose_are_noticed_not_carded():
    guide = read(FORMS / "11-notes-and-prose.md")
    chapter = guide.chapters[0]
    assert len(guide.chapters) == 1 and len(chapter.cards) == 2
    assert chapter.notes.startswith("本章的问题覆盖卷积和池化。")
    assert "1. 卷积层\n2. 池化层\n3. 全连接层" in chapter.notes
    assert "## 延伸阅读" in chapter.notes
    found = {(d.code, d.location.line, d.severity.name) for d in guide.diagnostics}
    assert found == {("SG204", 3, "NOTE"), ("SG203", 10, "NOTE"), ("SG203", 18, "NOTE"),
                     ("SG203", 23, "NOTE")}
    appendix = next(d for d in guide.diagnostics if d.location.line == 23)
    assert "附录：术语表" in appendix.message and "not printed" in appendix.message


def test_front_matter_gives_title_number_language_and_tags():
    chapter = read(FORMS / "14-front-matter.md").chapters[0]
    assert (chapter.number, chapter.title, chapter.language, chapter.tags) == \
        (16, "强化学习", "zh-CN", ("复习", "强化学习"))


def test_front_matter_overrides_the_heading_of_a_one_chapter_file(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("---\ntitle: 卷积网络\nchapter: 4\n---\n# 复习题\n\n1. 什么是卷积？\n   乘法。\n",
                    encoding="utf-8")
    guide = read(path)
    assert [(c.number, c.title) for c in guide.chapters] == [(4, "卷积网络")]
    assert guide.cards[0].location.line == 7


def test_numbers_that_repeat_or_skip_are_reported():
    guide = read(FORMS / "13-numbering-quirks.md")
    found = [(d.code, d.location.line) for d in guide.diagnostics]
    assert found == [("SG303", 7), ("SG304", 9)]
    assert "question number 2 is used twice" in guide.diagnostics[0].message
    assert "skip 3–4" in guide.diagnostics[1].message


def test_cards_know_their_source_lines():
    guide = read(FORMS / "02-unindented-answers.md")
    assert [(c.location.line, c.answer_line) for c in guide.cards] == [(3, 5), (9, 11), (13, 15), (16, 18),
                                                                      (22, 24)]
    assert all(c.location.path == Path("02-unindented-answers.md") for c in guide.cards)


def test_a_title_over_parts_is_one_chapter():
    guide = read(FORMS / "21-parts.md")
    assert [(c.number, c.title) for c in guide.chapters] == [(1, "复习题")]
    assert [c.section for c in guide.cards] == ["选择题", "简答题"]
