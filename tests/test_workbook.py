"""out/workbook.pdf read back with pypdf: pages, text, contents, bookmarks, footers, fonts."""

import re

import pytest
from pypdf import PdfReader

import studyguide
from conftest import CONTENT
from pdfread import embedded_fonts, outline, page_texts, runs, squash
from studyguide.layout.content import ContentRenderer
from studyguide.markdown import visible_text


@pytest.fixture(scope="module")
def workbook(built):
    return built / "workbook.pdf"


@pytest.fixture(scope="module")
def texts(workbook):
    return [squash(t) for t in page_texts(workbook)]


@pytest.fixture(scope="module")
def shown(guide):
    """Each card's question and answer as a reader sees them (HTML text, no whitespace)."""
    renderer = ContentRenderer([CONTENT])
    result = {}
    for chapter in guide.chapters:
        for card in chapter.cards:
            result[card.label] = (squash(visible_text(renderer.html(card.question, chapter))),
                                  squash(visible_text(renderer.html(card.answer, chapter))))
    return result


def heading_page(texts, chapter) -> int:
    """0-based page whose text starts a chapter (its heading, after the running head)."""
    mark = squash(f"第 {chapter.number} 章{chapter.title}")
    pages = [i for i, text in enumerate(texts) if mark in text and i > 1]
    assert pages, f"no page starts chapter {chapter.number}"
    return pages[0]


def key_start(texts) -> int:
    return next(i for i, t in enumerate(texts) if t.startswith("参考答案") and i > 1)


def test_title_page_then_contents(texts, settings):
    assert texts[0].startswith(squash(settings.guide.title + settings.guide.subtitle))
    assert "练习册·附参考答案" in texts[0] and "15章·113题" in texts[0]
    assert texts[1].startswith("目录")


def test_contents_lists_every_chapter_with_its_page(guide, texts, workbook):
    lines = PdfReader(workbook).pages[1].extract_text().splitlines()
    entries = {squash(m[1]): int(m[2]) for m in (re.match(r"(.+?)\s+(\d+)$", line) for line in lines) if m}
    for chapter in guide.chapters:
        page = heading_page(texts, chapter) + 1
        assert entries[squash(f"第 {chapter.number} 章{chapter.title}")] == page, chapter.number
    assert entries["参考答案"] == key_start(texts) + 1
    assert len(entries) == len(guide.chapters) + 1


def test_every_question_is_on_a_page_of_its_chapter(guide, texts, shown):
    assert len(guide.chapters) == 15
    for chapter in guide.chapters:
        assert chapter.cards, chapter.number
        first = heading_page(texts, chapter)
        following = [heading_page(texts, c) for c in guide.chapters if c.index > chapter.index]
        last = following[0] if following else key_start(texts)
        chapter_text = "".join(texts[first:last])
        position = 0
        for card in chapter.cards:
            question = shown[card.label][0]
            found = chapter_text.find(question, position)
            assert found >= 0, card.label
            position = found + len(question)


def test_every_answer_is_in_the_key_with_its_label(guide, texts, shown):
    key = "".join(texts[key_start(texts):])
    assert len(guide.cards) == 113
    position = 0
    for card in guide.cards:
        labelled = card.label + shown[card.label][1]
        found = key.find(labelled, position)
        assert found >= 0, card.label
        position = found + len(labelled)


def test_answers_are_not_among_the_questions(guide, texts, shown):
    before_key = "".join(texts[:key_start(texts)])
    long_answers = [shown[c.label][1] for c in guide.cards if len(shown[c.label][1]) > 12]
    assert long_answers and not any(answer in before_key for answer in long_answers)


def test_answer_space_follows_every_question(workbook, guide, shown):
    """Consecutive questions on a page sit at least two ruled lines (2 × 8 mm) apart."""
    reader = PdfReader(workbook)
    starts = {squash(q)[:6]: label for label, (q, _) in shown.items()}
    checked = 0
    for page in reader.pages[2:]:
        tops = []
        for run in runs(page):
            key = squash(run.text)[:6]
            if key in starts and run.x_mm > 25:
                tops.append(run.y_mm)
        for upper, lower in zip(tops, tops[1:]):
            assert lower - upper >= 2 * 8.0, (upper, lower)
            checked += 1
    assert checked > 60


def test_bookmarks_lead_to_chapters_and_the_key(workbook, guide, texts):
    entries = outline(workbook)
    chapters = [(title, page) for level, title, page in entries if level == 1 and title.startswith("第")]
    assert len(chapters) == 15
    for (title, page), chapter in zip(chapters, guide.chapters):
        assert squash(title) == squash(f"第 {chapter.number} 章 {chapter.title}")
        assert page == heading_page(texts, chapter)
    key = [(title, page) for level, title, page in entries if level == 1 and title == "参考答案"]
    assert key == [("参考答案", key_start(texts))]


def test_footers_number_every_page_but_the_title_page(workbook, texts):
    total = len(texts)
    assert "页，共" not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert text.endswith(f"第{number}页，共{total}页"), number


def test_language_and_metadata(workbook, settings):
    reader = PdfReader(workbook)
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    assert reader.metadata.title == settings.guide.title
    assert reader.metadata.subject == settings.guide.subtitle
    assert reader.metadata.creator == f"studyguide {studyguide.__version__}"


def test_only_the_bundled_fonts_are_embedded(workbook):
    assert embedded_fonts(workbook) == {"SG-Sans-SC", "SG-Sans-SC-Bold", "SG-Serif-SC", "SG-Mono"}


def test_pieces_break_pages_where_one_document_does(built, built_whole):
    """The default build of the seed renders the handout's and the workbook's question pages once,
    in two pieces that end at chapter ends, and joins them: every page is as one document has it."""
    for edition in ("handout", "workbook", "teacher"):
        whole, pieces = PdfReader(built_whole / f"{edition}.pdf"), PdfReader(built / f"{edition}.pdf")
        assert len(pieces.pages) == len(whole.pages) > 2, edition
        for number, (a, b) in enumerate(zip(whole.pages, pieces.pages), start=1):
            assert squash(a.extract_text()) == squash(b.extract_text()), (edition, number)
