"""Workbook options a teacher uses: paper, double-sided margins, answer space, PDF standards, booklets."""

import io
import re

import pdfplumber
import pytest
from pypdf import PdfReader

from pdfread import horizontal_rules, page_texts, runs, squash
from studyguide.build import build
from studyguide.config import Settings, override
from studyguide.printing.impose import booklet_order

CHAPTERS = "".join(
    f"# 第 {n} 章-第{n}章的标题\n\n" + "".join(
        f"{q}.  第{n}章第{q}题问什么？\n    答案{n}-{q}：" + "这是一个不太长的答案。" * (q % 4 + 1) + "\n"
        for q in range(1, 9)) + "\n"
    for n in range(1, 4))


def _build(tmp_path, editions=("handout",), **changes):
    source = tmp_path / "guide.md"
    source.write_text(CHAPTERS, encoding="utf-8")
    settings = override(Settings(), {"build.outputs": ["workbook"], "workbook.editions": list(editions),
                                     "build.jobs": 1, **changes})
    out = tmp_path / "out"
    result = build(settings, [source], out)
    assert not result.failed, [str(d) for d in result.diagnostics]
    return out


MM = 72 / 25.4


@pytest.mark.parametrize("paper, size_mm", [
    ("a4", (210, 297)), ("letter", (215.9, 279.4)), ("a5", (148, 210)), ("b5", (176, 250)),
    ("180x240mm", (180, 240)),
])
def test_paper_sizes(tmp_path, paper, size_mm):
    out = _build(tmp_path, **{"workbook.paper": paper})
    reader = PdfReader(out / "handout.pdf")
    assert len(reader.pages) > 2
    for page in reader.pages:
        assert float(page.mediabox.width) / MM == pytest.approx(size_mm[0], abs=0.05)
        assert float(page.mediabox.height) / MM == pytest.approx(size_mm[1], abs=0.05)
    # nothing runs off the page: every piece of text stays inside the margins' outer edges
    for page in reader.pages:
        found = runs(page)
        assert found
        for run in found:
            assert 10 <= run.x_mm < size_mm[0] - 10


def _left_edges(path) -> list[float]:
    """Per page, the x of the leftmost question number (the text block's left edge)."""
    edges = []
    for page in PdfReader(path).pages[2:]:
        numbers = [run.x_mm for run in runs(page) if re.fullmatch(r"\d+\.", run.text.strip())]
        edges.append(min(numbers) if numbers else None)
    return edges


def test_single_sided_pages_keep_the_binding_margin_on_the_left(tmp_path):
    out = _build(tmp_path)
    edges = {round(x, 1) for x in _left_edges(out / "handout.pdf") if x is not None}
    assert edges == {22.0}


def test_double_sided_pages_alternate_the_binding_margin(tmp_path):
    out = _build(tmp_path, **{"workbook.duplex": True})
    reader = PdfReader(out / "handout.pdf")
    for number, edge in enumerate(_left_edges(out / "handout.pdf"), start=3):
        if edge is None:
            continue
        # right-hand (odd) pages are bound on their left, left-hand pages on their right
        assert round(edge, 1) == (22.0 if number % 2 else 16.0), number
    # chapters start on right-hand pages
    texts = [squash(t) for t in page_texts(out / "handout.pdf")]
    starts = [i + 1 for i, t in enumerate(texts) for n in (1, 2, 3) if t.startswith(f"第{n}章第{n}章的标题1.")]
    assert len(starts) == 3 and all(page % 2 == 1 for page in starts), starts
    blanks = [i + 1 for i, t in enumerate(texts) if not t]
    assert blanks and all(page % 2 == 0 for page in blanks)  # the pages left blank carry nothing


@pytest.mark.parametrize("space", ["lines", "box", "grid", "none"])
def test_answer_space_kinds(tmp_path, space):
    out = _build(tmp_path, **{"workbook.answer_space": space})
    reader = PdfReader(out / "handout.pdf")
    page = reader.pages[2]
    tops = [run.y_mm for run in runs(page) if run.text.strip().rstrip(".").isdigit() and run.x_mm < 30]
    assert len(tops) >= 2, tops
    gaps = [b - a for a, b in zip(tops, tops[1:])]
    if space == "none":
        assert max(gaps) < 12  # questions follow each other
    else:
        assert min(gaps) >= 2 * 8  # at least two lines' worth of space after each question
    # what a reader sees between the first two questions: rendered, not read from the drawing code
    rules = [y for y in horizontal_rules(out / "handout.pdf", 3, 40, 150) if tops[0] < y < tops[1] - 4]
    lines = next(view.answer_lines for view in [_first_view(tmp_path)])
    expected = {"lines": lines, "box": 2, "none": 0}.get(space)
    if expected is not None:
        assert len(rules) == expected, rules
    else:  # a 5 mm grid
        assert len(rules) >= int((tops[1] - tops[0] - 8) / 5) - 1, rules


def _first_view(tmp_path):
    from studyguide.layout import chapter_views
    from studyguide.layout.content import ContentRenderer
    from studyguide.layout.workbook import with_answer_lines
    from studyguide.read import read_guide

    guide = read_guide([tmp_path / "guide.md"])
    views = chapter_views(guide, ContentRenderer([tmp_path]))
    return with_answer_lines(views, Settings())[0].cards[0]


def test_fixed_number_of_answer_lines(tmp_path):
    out = _build(tmp_path, **{"workbook.answer_lines": 5})
    page = PdfReader(out / "handout.pdf").pages[2]
    tops = [run.y_mm for run in runs(page) if run.text.strip().rstrip(".").isdigit() and run.x_mm < 30]
    gaps = [round(b - a) for a, b in zip(tops, tops[1:])]
    assert gaps and all(gap >= 5 * 8 for gap in gaps)


def test_metadata(tmp_path):
    out = _build(tmp_path, **{"guide.title": "期中复习", "guide.author": "王老师",
                              "guide.subtitle": "第 1–3 章", "guide.keywords": ["神经网络", "复习"]})
    reader = PdfReader(out / "handout.pdf")
    info = reader.metadata
    assert (info.title, info.author, info.subject) == ("期中复习", "王老师", "第 1–3 章")
    assert info["/Keywords"] == "神经网络, 复习"
    assert info.creator.startswith("studyguide ")
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    first = squash(reader.pages[0].extract_text())
    assert first.startswith("期中复习第1–3章学生版") and "王老师" in first


def test_tagged_pdf_ua(tmp_path):
    out = _build(tmp_path, **{"workbook.pdf_variant": "pdf/ua-1"})
    root = PdfReader(out / "handout.pdf").trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()


def test_archival_pdf_a(tmp_path):
    out = _build(tmp_path, **{"workbook.pdf_variant": "pdf/a-3b"})
    root = PdfReader(out / "handout.pdf").trailer["/Root"]
    assert "/OutputIntents" in root
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and b"3" in xmp


def test_booklet_order_for_saddle_stitching():
    assert booklet_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    with pytest.raises(AssertionError):
        booklet_order(6)


def test_booklet_pages_land_in_reading_order(tmp_path):
    out = _build(tmp_path, **{"workbook.booklet": True})
    a5 = len(PdfReader(out / "handout.pdf").pages)  # the A4 handout, for comparison only
    reader = PdfReader(out / "handout-booklet.pdf")
    sheet_w = float(reader.pages[0].mediabox.width)
    assert (round(sheet_w / MM), round(float(reader.pages[0].mediabox.height) / MM)) == (297, 210)
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/Duplex"] == "/DuplexFlipShortEdge"
    # read the A5 page number printed on each half of each sheet side (with pdfplumber, which
    # places the text of each imposed page form where the sheet draws it)
    found = {}
    with pdfplumber.open(out / "handout-booklet.pdf") as booklet:
        for side, page in enumerate(booklet.pages):
            lines: dict[tuple[bool, int], list] = {}
            for char in page.chars:
                lines.setdefault((char["x0"] > float(page.width) / 2, round(char["top"])), []).append(char)
            for (is_right, _), chars in lines.items():
                text = "".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"])).replace(" ", "")
                if number := re.fullmatch(r"第(\d+)页，共\d+页", text):
                    found[int(number.group(1))] = (side, is_right)
    pages = len(reader.pages) * 2
    assert pages % 4 == 0 and a5 >= 1
    for side, (left, right) in enumerate(booklet_order(pages)):
        for index, is_right in ((left, False), (right, True)):
            if index + 1 in found:
                assert found[index + 1] == (side, is_right), index + 1
    assert len(found) >= pages - 4  # every printed page number was found where it belongs


ENGLISH = """# Chapter 1 – Basics

1. What are the layers of a neural network?
   Input, hidden and output layers.
2. What does backpropagation do?

   ## Steps

   It computes gradients with the chain rule.

   ### Details

   Weights are then updated.
"""


def test_english_content_gets_english_words_and_headings_in_answers_stay_out_of_the_outline(tmp_path):
    source = tmp_path / "basics.md"
    source.write_text(ENGLISH, encoding="utf-8")
    settings = override(Settings(), {"build.outputs": ["workbook"], "workbook.editions": ["workbook"],
                                     "build.jobs": 1})
    result = build(settings, [source], tmp_path / "out")
    assert not result.failed, [str(d) for d in result.diagnostics]
    reader = PdfReader(tmp_path / "out" / "workbook.pdf")
    total = len(reader.pages)
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.pages[1].extract_text().startswith("Contents")
    assert reader.pages[2].extract_text().strip().endswith(f"Page 3 of {total}")
    titles = [item.title if not isinstance(item, list) else None for item in reader.outline]
    assert "Chapter 1 Basics" in titles and "Answer key" in titles
    flat = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else flat.append(item.title)
    walk(reader.outline)
    assert not any(title in ("Steps", "Details") for title in flat)
    assert len(flat) == 1 + 2 + 1 + 1  # chapter, two questions, the key and its chapter
