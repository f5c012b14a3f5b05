"""The three workbook editions read back: what each holds, its outline, links and page numbers."""

import re

import pytest
from pypdf import PdfReader

from conftest import CONTENT
from pdfread import outline, page_texts, squash
from studyguide.layout.content import ContentRenderer
from studyguide.markdown import visible_text

EDITIONS = ("handout", "workbook", "teacher")


@pytest.fixture(scope="module")
def shown(guide):
    """label → (question, answer) as a reader sees them (no whitespace)."""
    renderer = ContentRenderer([CONTENT])
    return {card.label: (squash(visible_text(renderer.html(card.question, chapter))),
                         squash(visible_text(renderer.html(card.answer, chapter))))
            for chapter in guide.chapters for card in chapter.cards}


@pytest.fixture(scope="module", params=["whole", "pieces"])
def built(request):
    """Every test runs on editions rendered as one document, and on editions joined from pieces
    of 40 cards (which cut chapters in two)."""
    return request.getfixturevalue("built_whole" if request.param == "whole" else "built_in_pieces")



@pytest.fixture(scope="module")
def texts(built):
    return {edition: [squash(t) for t in page_texts(built / f"{edition}.pdf")] for edition in EDITIONS}


def test_every_edition_is_built_by_default(built):
    assert all((built / f"{edition}.pdf").is_file() for edition in EDITIONS)


def test_handout_holds_every_question_and_no_answer(texts, shown):
    handout = "".join(texts["handout"])
    for label, (question, answer) in shown.items():
        assert question in handout, label
        if len(answer) >= 6 and answer not in question:  # short answers like "11层。" occur in questions
            assert answer not in handout, label
    assert "参考答案" not in handout


def test_teacher_edition_has_each_answer_right_after_its_question(texts, shown, guide):
    teacher = "".join(texts["teacher"])
    position = 0
    for card in guide.cards:
        question, answer = shown[card.label]
        at = teacher.find(question + answer, position)
        assert at >= 0, card.label  # the answer follows its question directly
        position = at + len(question + answer)
    assert "参考答案" not in teacher


def test_outline_has_chapters_questions_and_the_key(built, guide, shown):
    for edition in EDITIONS:
        entries = outline(built / f"{edition}.pdf")
        chapters = [e for e in entries if e[0] == 1 and e[1].startswith("第")]
        questions = [e for e in entries if e[0] == 2 and re.match(r"\d+\.\d+ ", e[1])]
        assert len(chapters) == 15 and len(questions) == 113, edition
        # each question entry: its label and the start of its question, under its own chapter
        labels = [title.split(" ", 1)[0] for _, title, _ in questions]
        assert labels == [card.label for card in guide.cards]
        for _, title, _ in questions:
            label, start = title.split(" ", 1)
            assert shown[label][0].startswith(squash(start).rstrip("…")), title
        keys = [e for e in entries if e[0] == 1 and e[1] == "参考答案"]
        assert len(keys) == (1 if edition == "workbook" else 0)
        assert len(entries) == 15 + 113 + (1 + 15 if edition == "workbook" else 0)


def test_question_entries_point_at_their_question(built, guide, shown):
    path = built / "handout.pdf"
    texts = [squash(t) for t in page_texts(path)]
    entries = outline(path)
    assert sum(level == 2 for level, _, _ in entries) == len(guide.cards) == 113
    for level, title, page in entries:
        if level == 2:
            label = title.split(" ", 1)[0]
            assert shown[label][0][:10] in texts[page], title


def _links(path):
    """(page of the link, text of that page, page the link leads to) for every internal link."""
    reader = PdfReader(path)
    destinations = reader.named_destinations
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            target = annotation.get("/Dest")
            if annotation.get("/Subtype") == "/Link" and isinstance(target, str):
                rect = [float(v) for v in annotation["/Rect"]]
                found.append((number, target, reader.get_destination_page_number(destinations[target]), rect))
    return found


def test_links_go_both_ways_between_questions_and_answers(built, guide, shown):
    path = built / "workbook.pdf"
    texts = [squash(t) for t in page_texts(path)]
    links = _links(path)
    to_key = {target: (source, page) for source, target, page, _ in links if target.startswith("key-q")}
    to_question = {target: (source, page) for source, target, page, _ in links if target.startswith("q")}
    assert len(to_key) == len(to_question) == 113
    for card in guide.cards:
        question, answer = shown[card.label]
        source, page = to_key[f"key-{card.anchor}"]
        assert question[:10] in texts[source] and (card.label + answer[:8]) in texts[page], card.label
        source, page = to_question[card.anchor]
        assert (card.label + answer[:8]) in texts[source] and question[:10] in texts[page], card.label


def test_contents_links_lead_to_chapter_starts(built, guide):
    path = built / "workbook.pdf"
    texts = [squash(t) for t in page_texts(path)]
    chapters = {source_target: page for _, source_target, page, _ in _links(path)
                if source_target.startswith("ch")}
    assert len(guide.chapters) == 15
    for chapter in guide.chapters:
        page = chapters[chapter.anchor]
        heading = squash(f"第 {chapter.number} 章{chapter.title}")
        assert heading in texts[page] and texts[page].index(heading) < 40, chapter.number


def test_footers_and_page_labels(built):
    for edition in EDITIONS:
        reader = PdfReader(built / f"{edition}.pdf")
        total = len(reader.pages)
        assert total > 2, edition
        labels = reader.page_labels
        for number, page in enumerate(reader.pages, start=1):
            text = squash(page.extract_text())
            if number == 1:
                assert "页，共" not in text  # the title page has no footer
                continue
            assert text.endswith(f"第{number}页，共{total}页"), (edition, number)
            assert labels[number - 1] == str(number)


def test_running_heads_name_the_current_chapter(built, guide):
    """Every page after the contents carries, above the text, the chapter it is in."""
    for edition in EDITIONS:
        pages = PdfReader(built / f"{edition}.pdf").pages
        assert len(pages) > 2, edition
        current = None
        for page in pages[2:]:
            lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
            for chapter in guide.chapters:  # a chapter that starts on this page names it
                if squash(lines[0]) == squash(f"第 {chapter.number} 章{chapter.title}"):
                    current = f"第 {chapter.number} 章 {chapter.title}"
            if squash(lines[0]) == "参考答案":
                current = "参考答案"
            head = lines[-2]  # margin boxes come last: the running head, then the page number
            assert head == current, (edition, head, current)


def test_each_question_stays_on_one_page_with_its_answer_space(built, guide, shown):
    """A question never starts at the foot of a page with its answer lines on the next."""
    reader = PdfReader(built / "handout.pdf")
    from pdfread import runs
    numbers = 0
    for page in reader.pages[2:]:
        height = float(page.mediabox.height) / 72 * 25.4
        for run in runs(page):
            if re.fullmatch(r"\d+\.", run.text.strip()):
                # the question's number, then at least two 8 mm lines must fit above the margin
                assert run.y_mm + 2 * 8 <= height - 20 + 1, run
                numbers += 1
    assert numbers == len(guide.cards)  # every question's number was found and checked
