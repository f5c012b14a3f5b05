"""Random hostile content, bounded so the suite stays fast (tools/fuzz.py runs the same for longer).

- Chapters made of Markdown's special characters, ASCII and full-width, never crash reading,
  checking or rendering to HTML, and lose no text on the way to cards.
- No character of the source is lost between the source and the text of the PDF.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from conftest import ROOT
from lossless import unaccounted
from pdfread import squash
from pypdf import PdfReader

SPECIAL = list("[]()*_`$|<>#!-\\") + list("［］（）＊＿｀＄｜＜＞＃！－＼")
PLAIN = ["卷积", "梯度", "模型", "a", "b", "x", "1", "2", " ", "。", "，", "？", "?", "：", "答"]
# what Markdown may take as markup, and so not print: emphasis, code and heading marks, escapes
MARKUP = set("*_`#\\$")
# tools/fuzz.py runs these with many times more examples
SCALE = int(os.environ.get("STUDYGUIDE_FUZZ_SCALE", "1"))


def hostile_line(size: int = 40):
    return st.lists(st.sampled_from(SPECIAL + PLAIN), max_size=size).map("".join)


@st.composite
def hostile_chapter(draw) -> str:
    """A chapter in one of the README's forms, with hostile questions and answers, or raw noise."""
    if draw(st.booleans()):
        pieces = st.sampled_from(SPECIAL + PLAIN + ["\n", "\n\n", "1. ", "   "])
        return "".join(draw(st.lists(pieces, max_size=150)))
    lines = [f"# 第 {draw(st.integers(1, 20))} 章-{draw(hostile_line(12))}", ""]
    for n in range(1, draw(st.integers(1, 5)) + 1):
        question, answer = draw(hostile_line()), draw(hostile_line())
        form = draw(st.sampled_from(["indented", "same line", "paragraph", "table", "details", "separator",
                                     "true/false", "cloze"]))
        if form == "table":  # a row of a question | answer table
            lines += ["| 问题 | 答案 |", "| --- | --- |"] if n == 1 else []
            lines += [f"| {question}？ | {answer} |"]
        elif form == "details":
            lines += [f"{n}. {question}？", "", "   <details><summary>答案</summary>", "", f"   {answer}", "",
                      "   </details>", ""]
        elif form == "separator":
            lines += [f"{question}::{answer} #flashcards", ""]
        elif form == "true/false":
            lines += [f"{n}. (T) {question}"]
        elif form == "cloze":
            lines += [f"{question} {{{{c1::{answer}}}}}", ""]
        elif form == "indented":
            lines += [f"{n}. {question}？", f"   {answer}"]
        elif form == "same line":
            lines += [f"{n}. {question}？{answer}"]
        else:
            lines += [f"{n}. {question}？", "", answer, ""]
    return "\n".join(lines) + "\n"


@settings(max_examples=300 * SCALE, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile_chapter())
def test_markdown_special_characters_never_crash_and_lose_nothing_in_reading(tmp_path, text):
    from studyguide.check import check_guide
    from studyguide.fonts import choose
    from studyguide.layout.content import ContentRenderer
    from studyguide.read import read_guide

    path = tmp_path / "ch.md"
    path.write_text(text, encoding="utf-8")
    guide = read_guide([path], base=tmp_path)
    check_guide(guide, choose([guide.language]), [tmp_path])
    renderer = ContentRenderer([tmp_path])
    for chapter in guide.chapters:
        for card in chapter.cards:
            renderer.html(card.question, chapter)
            renderer.html(card.answer, chapter)
    assert unaccounted(guide, path, Path(path.name)) == [], text


def _maths(text: str) -> list[str]:
    """The formulas Markdown finds in the text: they are drawn, not set as text, so the PDF's text
    layer does not hold them."""
    from studyguide.markdown import structure_parser

    parser = structure_parser()
    parser.core.ruler.enable(["inline"])
    found = []

    def walk(tokens: list[Token]):
        for token in tokens:
            if token.type.startswith("math"):
                found.append(token.content)
            walk(token.children or [])

    walk(parser.parse(text))
    return found


@st.composite
def hostile_cards(draw) -> list[tuple[str, str]]:
    """Cards whose every line starts with a word, so no line is a list, quote or table row, but
    holds Markdown's special characters anywhere after it."""
    def line():
        return draw(st.sampled_from(["卷积", "梯度", "模型"])) + draw(hostile_line(30))
    return [(line() + "？", line()) for _ in range(draw(st.integers(1, 6)))]


@settings(max_examples=6 * SCALE, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile_cards())
def test_no_character_of_the_source_is_lost_on_the_way_to_the_pdf(tmp_path_factory, cards):
    guide = tmp_path_factory.mktemp("guide")
    (guide / "content").mkdir()
    source = "# 第 1 章-随机\n\n" + "".join(f"{n}. {q}\n   {a}\n" for n, (q, a) in enumerate(cards, start=1))
    (guide / "content" / "ch01.md").write_text(source, encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "compile.py"), "--edition", "teacher"], cwd=guide,
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    assert result.returncode == 0, result.stderr
    shown = squash("".join(page.extract_text() for page in PdfReader(guide / "out" / "teacher.pdf").pages))
    position = 0
    for question, answer in cards:
        for text in (question, answer):
            for formula in _maths(text):
                text = text.replace(f"${formula}$", "", 1)
            for ch in squash(text):
                if ch in MARKUP:
                    continue
                found = shown.find(ch, position)
                assert found >= 0, f"{ch!r} of {text!r} is not in the PDF after position {position}:\n{shown}"
                position = found + 1
