"""The gallery (tests/gallery/): code, tables, maths, pictures, lists and long text, built in every
output, edition, card size and flip, and every PDF page checked glyph by glyph (tests/pagecheck.py).

Each configuration is built once per test session, through the command line, in a copy of the
gallery (so its cache stays out of the repository).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest

from conftest import run_cli
from pagecheck import Box, check_pdf, glyphs, text_layer
from pdfread import squash
from studyguide.layout.content import ContentRenderer
from studyguide.layout.fit import PADDING_MM
from studyguide.geometry.sheets import PRESETS
from studyguide.layout.workbook import margins_for
from studyguide.markdown import visible_text
from studyguide.read import read_guide

GALLERY = Path(__file__).resolve().parent / "gallery"
CARD_MIN_PT = 7.0  # cards.min_size_pt, by default
WORKBOOK_MIN_PT = 8.0
RUNNING_MM = 12.0  # the running head and the page number sit this far into the top and bottom margins
CARDS = [pytest.param((card, flip), id=f"{card}-{flip}")
         for card in ("a7", "poker", "business", "index") for flip in ("long", "short")]


@pytest.fixture(scope="session")
def gallery(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gallery")
    shutil.copytree(GALLERY, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".cache", "out"))
    (folder / "cards.toml").write_text((GALLERY / "studyguide.toml").read_text(encoding="utf-8")
                                       + '\n[build]\noutputs = ["flashcards"]\n', encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def guide():
    return read_guide([GALLERY / "content"])


@pytest.fixture(scope="session")
def sides(guide) -> dict[str, tuple[str, str]]:
    """Card label → the text of its question and of its answer as printed (maths left out: it is
    drawn, not set in type)."""
    renderer = ContentRenderer([GALLERY / "content"])
    return {card.label: tuple(visible_text(renderer.html(text, chapter)) for text in (card.question, card.answer))
            for chapter in guide.chapters for card in chapter.cards}


@pytest.fixture(scope="session")
def built(gallery) -> Path:
    """Every output at the defaults (A7 cards, long-edge flip)."""
    result = run_cli("--out", str(gallery / "out"), "content", cwd=gallery, timeout=1800)
    assert result.returncode == 0, result.stderr + result.stdout
    return gallery / "out"


_cards_built: dict[tuple[str, str], tuple[Path, str]] = {}


@pytest.fixture
def cards_built(gallery, request):
    """flashcards.pdf for one card size and flip, and what the build said."""
    card, flip = request.param
    if (card, flip) not in _cards_built:
        out = gallery / f"out-{card}-{flip}"
        result = run_cli("--config", "cards.toml", "--out", str(out), "--card", card, "--flip", flip, "content",
                         cwd=gallery, timeout=1800)
        assert result.returncode == 0, result.stderr + result.stdout
        _cards_built[card, flip] = (out / "flashcards.pdf", result.stderr + result.stdout)
    return _cards_built[card, flip]


def card_boxes(card: str):
    stock = PRESETS[card]
    boxes = [Box.mm(slot.x_mm, slot.y_mm, slot.width_mm, slot.height_mm, inset=PADDING_MM)
             for slot in map(stock.slot, range(stock.per_sheet))]
    return lambda page: boxes


def workbook_boxes(pdf: Path):
    with pdfplumber.open(pdf) as document:
        width, height = (float(v) / (72 / 25.4) for v in (document.pages[0].width, document.pages[0].height))
    margins = margins_for(next(p for p in _papers() if abs(p.width_mm - width) < 1))
    column = (margins.inner_mm, width - margins.outer_mm)
    body = Box.mm(column[0], margins.top_mm - RUNNING_MM, column[1] - column[0],
                  height - margins.top_mm - margins.bottom_mm + 2 * RUNNING_MM)
    return lambda page: [body]


def _papers():
    from studyguide.geometry.paper import PAPERS

    return PAPERS.values()


@pytest.mark.parametrize("edition", ["handout", "workbook", "teacher"])
def test_every_workbook_page_passes_the_four_checks(built, sides, edition):
    pdf = built / f"{edition}.pdf"
    texts = [question for question, _ in sides.values()]
    if edition != "handout":
        texts += [answer for _, answer in sides.values()]
    problems = check_pdf(pdf, workbook_boxes(pdf), WORKBOOK_MIN_PT, texts)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("cards_built", CARDS, indirect=True)
def test_every_flashcard_page_passes_the_four_checks(cards_built, sides, request):
    pdf, said = cards_built
    card = request.node.callspec.params["cards_built"][0]
    texts = [text for pair in sides.values() for text in pair]
    problems = check_pdf(pdf, card_boxes(card), CARD_MIN_PT, texts)
    assert not problems, "\n".join(problems[:20])
    assert " error " not in said  # a fitting miss is at most a warning


def test_the_default_flashcards_pass_the_four_checks(built, sides):
    texts = [text for pair in sides.values() for text in pair]
    problems = check_pdf(built / "flashcards.pdf", card_boxes("a7"), CARD_MIN_PT, texts)
    assert not problems, "\n".join(problems[:20])


def test_code_reads_in_the_workbook_as_written(built):
    """Highlighted code was once scrambled by the workbook's own `.n`/`.k` rules: names fell into
    the number column. Each line of code is whole, in order, inside the text column."""
    layer = text_layer(glyphs(built / "workbook.pdf"))
    for line in ("defeven_square_sum(numbers:list[int])->int:", "fn tick(&mut self) -> u32",
                 "SELECTclass_id,AVG(score)ASaverage_score"):
        assert squash(line) in layer


def test_a_wrapped_code_line_is_marked_as_continued(built):
    """The 150-character C line wraps; its continuation is indented, and a bar runs beside it."""
    with pdfplumber.open(built / "handout.pdf") as document:
        page = next(p for p in document.pages if "#include" in (p.extract_text() or ""))
        words = page.extract_words()
        start = next(w for w in words if w["text"] == "int" and "main(void)" in
                     " ".join(v["text"] for v in words if abs(v["top"] - w["top"]) < 1))
        wrapped = next(w for w in words if w["text"].startswith("printf") and w["top"] > start["top"] + 2)
        line = [w for w in words if abs(w["top"] - wrapped["top"]) < 1]
        assert min(w["x0"] for w in line) > start["x0"] + 5  # the hanging indent
    # the bar beside the continuation is a gradient (drawn as a shading the page's resources hold)
    from pypdf import PdfReader

    reader = PdfReader(built / "handout.pdf")
    page = next(p for p in reader.pages if "#include" in (p.extract_text() or ""))
    resources = page["/Resources"].get_object()
    assert "/Shading" in str(resources) or any("/Shading" in str(x.get_object().get("/Resources", {}))
                                               for x in resources.get("/XObject", {}).values())


def test_pictures_and_code_in_a_question_are_on_every_question_side(built, gallery):
    """4.1 asks about a picture, 1.2 about code: students must see both without the answers."""
    with pdfplumber.open(built / "handout.pdf") as document:
        page = next(p for p in document.pages if "Which of the shapes" in (p.extract_text() or ""))
        assert page.images
    assert squash("printf(\"total = %d\\n\", total)") in text_layer(glyphs(built / "handout.pdf"))
    with pdfplumber.open(built / "flashcards.pdf") as document:
        page = next(p for p in document.pages if "Which of the shapes" in (p.extract_text() or ""))
        assert page.images
    questions = (built / "questions.html").read_text(encoding="utf-8")
    card = questions.split("Which of the shapes")[1].split("answers.html#")[0]
    assert 'src="data:image/png;base64,' in card


def test_html_pages_carry_their_images_inside(built, gallery):
    for name in ("questions.html", "answers.html", "study.html"):
        page = (built / name).read_text(encoding="utf-8")
        assert "file:" not in page and str(gallery) not in page and "images/" not in page
    answers = (built / "answers.html").read_text(encoding="utf-8")
    # every picture: the answers page shows each question above its answer, 4.1's picture with it
    assert len(re.findall(r'<img src="data:image/png;base64,', answers)) == 6


def test_every_card_is_on_the_html_pages(built, sides):
    questions = squash(visible_text((built / "questions.html").read_text(encoding="utf-8")))
    answers = squash(visible_text((built / "answers.html").read_text(encoding="utf-8")))
    assert len(sides) == 69
    for label, (question, answer) in sides.items():
        assert squash(question) in questions, label
        assert squash(answer) in answers, label


def test_teacher_maths_takes_the_answer_colour(built):
    """A formula is drawn, not typeset: its outlines are filled in the answers' colour."""
    with pdfplumber.open(built / "teacher.pdf") as document:
        page = next(p for p in document.pages if "均方误差" in (p.extract_text() or ""))
        # the outlines of the formulas' glyphs (the answer's border is a rectangle, not a curve)
        fills = [tuple(round(v, 2) for v in shape["non_stroking_color"])
                 for shape in page.curves if shape.get("fill") and shape["non_stroking_color"]]
    ink = tuple(round(int("7a2e12"[i:i + 2], 16) / 255, 2) for i in (0, 2, 4))
    assert fills.count(ink) > 20  # 3.1's answer: MSE = 1/n Σ (y − ŷ)², and n
    assert fills.count((0.0, 0.0, 0.0)) < fills.count(ink)  # only the question's MSE is black


def test_answer_space_follows_the_answer(built, guide):
    """A task answered with code or a table gets a ruled line for each line and row, not the minimum."""
    from studyguide.config import Settings
    from studyguide.layout import chapter_views
    from studyguide.layout.workbook import with_answer_lines

    views = {view.card.label: view for chapter in with_answer_lines(
        chapter_views(guide, ContentRenderer([GALLERY / "content"])), Settings()) for view in chapter.cards}
    assert views["2.2"].answer_lines >= 19  # a header and 18 rows
    assert views["1.1"].answer_lines >= 3  # three lines of code
    assert views["1.6"].answer_lines >= 5  # five lines of code, one of them blank
    assert views["6.1"].answer_lines == 2  # a line of text: the minimum
    with pdfplumber.open(built / "handout.pdf") as document:
        page = next(p for p in document.pages if "List the HTTP" in (p.extract_text() or ""))
        top = next(w["top"] for w in page.extract_words() if w["text"] == "List")
        # each ruled line is the bottom border of a box as wide as the text column
        bottoms = sorted(shape["bottom"] for shape in page.rects
                         if shape["top"] > top and shape["width"] > 100 * (72 / 25.4))
        rules = [b for a, b in zip([-10.0] + bottoms, bottoms) if b - a > 2]
        assert len(rules) >= 19
