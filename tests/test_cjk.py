"""Traditional Chinese, Japanese and Korean guides, emoji and pasted Word bullets, on paper and on screen.

Each small guide in fixtures/cjk is built into every output. The PDFs are read back: the text
must be the source's, each language's characters must come from its own region's face, and no
glyph may overlap another or leave its page.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from conftest import FIXTURES, run_cli
from pdfread import squash
from studyguide.build import build
from studyguide.config import Settings, override
from studyguide.fonts import choose, prepared, region_of
from studyguide.markdown import WORD_JOINER
from studyguide.read import read_guide

CJK = FIXTURES / "cjk"
GUIDES = ("zh-TW", "ja", "ko", "mixed")
OUTPUTS = ["workbook", "flashcards", "html", "study", "anki", "csv"]
EXPECTED = {"handout.pdf", "workbook.pdf", "teacher.pdf", "flashcards.pdf", "questions.html", "answers.html",
            "study.html", "flashcards.apkg", "flashcards.tsv"}

needs_noto_cjk = pytest.mark.skipif(not choose(["ja"]).system,
                                    reason="the Noto CJK fonts (Debian: fonts-noto-cjk) are not installed")
pytestmark = needs_noto_cjk


def _build(folder: Path, out: Path, **changes):
    settings = override(Settings(), {"build.outputs": OUTPUTS, "build.jobs": 1, **changes})
    result = build(settings, [folder], out)
    assert not result.failed, [str(d) for d in result.diagnostics]
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    """Every guide of fixtures/cjk, built once into every output."""
    found = {}
    for name in GUIDES + ("zh-CN",):
        out = tmp_path_factory.mktemp(name)
        found[name] = (out, _build(CJK / name, out))
    return found


def _fonts_by_character(path: Path) -> dict[str, set[str]]:
    """Each character drawn in the PDF → the names of the fonts it is drawn in (subset tag removed)."""
    found: dict[str, set[str]] = {}
    for page in PdfReader(path).pages:
        def visit(text, cm, tm, font, size):
            if font is not None:
                name = str(font.get("/BaseFont", "")).split("+")[-1]
                for ch in text:
                    found.setdefault(ch, set()).add(name)
        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("name", GUIDES)
def test_every_output_is_built_and_the_pdf_text_reads_back_exactly(built, name):
    out, result = built[name]
    assert {p.name for p in out.iterdir()} == EXPECTED
    guide = read_guide([CJK / name])
    assert len(guide.cards) >= 3
    for pdf in ("teacher.pdf", "flashcards.pdf"):
        text = "".join(page.extract_text() for page in PdfReader(out / pdf).pages)
        assert WORD_JOINER not in text  # copied text is what was written
        for card in guide.cards:
            assert squash(card.question) in squash(text), (pdf, card.question)
            assert squash(card.answer) in squash(text), (pdf, card.answer)
    tsv = (out / "flashcards.tsv").read_text(encoding="utf-8")
    assert all(card.question.split("\n")[0] in tsv for card in guide.cards)


@pytest.mark.parametrize("name, language", [("zh-TW", "zh-TW"), ("ja", "ja"), ("ko", "ko"), ("mixed", "zh-CN")])
def test_each_output_says_the_guides_language(built, name, language):
    out, _ = built[name]
    assert PdfReader(out / "teacher.pdf").trailer["/Root"]["/Lang"] == language
    for page in ("questions.html", "answers.html", "study.html"):
        assert f'<html lang="{language}"' in (out / page).read_text(encoding="utf-8")


@pytest.mark.parametrize("name, region", [("zh-TW", "TC"), ("ja", "JP"), ("ko", "KR"), ("zh-CN", "SC")])
def test_the_characters_come_from_the_regions_own_face(built, name, region):
    out, _ = built[name]
    fonts = _fonts_by_character(out / "teacher.pdf")
    cjk = [ch for ch in fonts if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7a3"]
    assert len(cjk) > 20
    for ch in cjk:
        assert all(font.startswith(("SG-Sans-", "SG-Serif-")) and f"-{region}" in font for font in fonts[ch]), (
            ch, fonts[ch])


def test_a_japanese_chapter_in_a_chinese_guide_keeps_its_own_forms(built):
    out, _ = built["mixed"]
    html = (out / "questions.html").read_text(encoding="utf-8")
    assert re.search(r'<section class="chapter" id="ch2" lang="ja">', html)
    assert '<section class="chapter" id="ch1">' in html  # the guide's own language needs no mark
    fonts = _fonts_by_character(out / "teacher.pdf")
    assert all("-JP" in font for font in fonts["読"])  # only in the Japanese chapter
    assert all("-SC" in font for font in fonts["练"])  # only in the Chinese one


def _outline(path: Path, ch: str) -> list:
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    pen = RecordingPen()
    font.getGlyphSet()[font.getBestCmap()[ord(ch)]].draw(pen)
    return pen.value


def _bounds(path: Path, ch: str) -> tuple[float, float, float]:
    """(left, right, advance) of a character's glyph, in font units."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    name = font.getBestCmap()[ord(ch)]
    pen = BoundsPen(font.getGlyphSet())
    font.getGlyphSet()[name].draw(pen)
    return pen.bounds[0], pen.bounds[2], font["hmtx"][name][0]


@pytest.fixture(scope="module")
def faces(tmp_path_factory) -> dict[str, Path]:
    """The regular sans face each region prints with, as the build cuts it."""
    work = tmp_path_factory.mktemp("fonts")
    found = {}
    for language in ("zh-CN", "zh-TW", "zh-HK", "ja", "ko"):
        fonts = prepared(choose([language]), set("直骨角写，。"), work)
        region = region_of(language)
        face = next(f for f in fonts.faces if f.family == f"SG Sans {region}" and f.weight == 400)
        found[region] = Path(face.file)
    return found


# (character, pairs of regions that draw it differently): the forms a reader of each expects
FORMS = (("直", ("JP", "SC"), ("KR", "SC"), ("HK", "TC")), ("骨", ("JP", "SC"), ("TC", "SC"), ("TC", "JP")),
         ("角", ("JP", "SC"), ("TC", "SC")), ("写", ("JP", "SC"), ("KR", "TC")))


def test_regional_faces_draw_the_same_character_differently(faces):
    for ch, *pairs in FORMS:
        outlines = {region: _outline(path, ch) for region, path in faces.items()}
        for one, other in pairs:
            assert outlines[one] != outlines[other], (ch, one, other)
    assert _outline(faces["JP"], "直") == _outline(faces["KR"], "直")  # the comparison can say "same"


def test_traditional_chinese_punctuation_sits_in_the_middle(faces):
    for ch in "，。":
        left, right, advance = _bounds(faces["TC"], ch)
        assert abs((left + right) / 2 - advance / 2) < advance * 0.1, ch  # centred, as in Taiwan
        left, right, advance = _bounds(faces["SC"], ch)
        assert (left + right) / 2 < advance * 0.35, ch  # bottom left, as in mainland China
    left, right, advance = _bounds(faces["HK"], "，")
    assert abs((left + right) / 2 - advance / 2) < advance * 0.1


# -- line breaking -------------------------------------------------------------------------------

SMALL = "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー"
JAPANESE = ("ちょっとした工夫で、キャッシュメモリーのヒット率はぐっと上がります。"
            "ジャンプ命令やループの最適化も、ショートカットのように効きます。") * 3
KOREAN = ("우리 학교 도서관에는 재미있는 과학 잡지가 많이 있습니다. 친구들과 함께 실험 보고서를 "
          "작성하면서 새로운 사실을 배웠습니다. 선생님께서는 질문을 자주 하라고 말씀하셨습니다.") * 2


def _lines(tmp_path: Path, text: str, language: str, width_mm: int) -> list[str]:
    folder = tmp_path / f"w{width_mm}"
    folder.mkdir()
    (folder / "ch1.md").write_text(f"# 第 1 章 改行\n\n1. 質問\n   {text}\n", encoding="utf-8")
    settings = override(Settings(), {"build.outputs": ["workbook"], "workbook.editions": ["teacher"],
                                     "build.jobs": 1, "guide.language": language,
                                     "workbook.paper": f"{width_mm}x250mm"})
    result = build(settings, [folder], folder / "out")
    assert not result.failed, [str(d) for d in result.diagnostics]
    reader = PdfReader(folder / "out" / "teacher.pdf")
    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]
    return [line for line in lines if len(line) > 3 and line[:4] in text]


@pytest.mark.parametrize("width_mm", range(80, 181, 25))
def test_japanese_small_kana_and_long_vowel_marks_never_start_a_line(tmp_path, width_mm):
    lines = _lines(tmp_path, JAPANESE, "ja", width_mm)
    assert len(lines) >= 3
    assert "".join(lines) in JAPANESE  # nothing added, nothing lost
    for line in lines[1:]:
        assert line[0] not in SMALL, (width_mm, line)


@pytest.mark.parametrize("width_mm", range(80, 181, 25))
def test_korean_breaks_between_words_not_inside_them(tmp_path, width_mm):
    lines = _lines(tmp_path, KOREAN, "ko", width_mm)
    assert len(lines) >= 3
    words = set(KOREAN.split())
    for line in lines:
        assert line.split()[0] in words and line.split()[-1] in words, (width_mm, line)
    assert " ".join(lines) in KOREAN
    if shutil.which("pdftotext"):
        copied = subprocess.run(["pdftotext", str(tmp_path / f"w{width_mm}" / "out" / "teacher.pdf"), "-"],
                                capture_output=True, check=True).stdout.decode()
        assert WORD_JOINER not in copied and "학교 도서관에는" in copied


# -- emoji and Word's symbol bullets -------------------------------------------------------------

def test_emoji_print_and_word_bullets_become_real_bullets_with_a_note(built):
    out, result = built["mixed"]
    notes = [(d.code, d.location.line, d.location.column) for d in result.diagnostics]
    assert [n for n in notes if n[0] == "SG403"] == [("SG403", 5, 4), ("SG403", 6, 4), ("SG403", 7, 4)]
    fonts = _fonts_by_character(out / "teacher.pdf")
    for ch in "•▪✓":
        assert ch in fonts and all(font.startswith("SG-") for font in fonts[ch]), (ch, fonts.get(ch))
    for ch in "📒🔁👍✏":
        assert ch in fonts and not any(font.startswith("SG-") for font in fonts[ch]), (ch, fonts.get(ch))
    emoji_fonts = set().union(*(fonts[ch] for ch in "📒🔁👍"))
    assert emoji_fonts and "DejaVu" not in " ".join(emoji_fonts)
    text = "".join(page.extract_text() for page in PdfReader(out / "teacher.pdf").pages)
    assert "\uf0b7" not in text and "•看一遍笔记📒" in squash(text)


def test_the_study_page_and_anki_carry_the_regional_faces(built):
    out, _ = built["ko"]
    study = (out / "study.html").read_text(encoding="utf-8")
    assert 'font-family: "SG Sans KR"' in study and '"SG Sans SC"' not in study
    assert WORD_JOINER not in study
    with zipfile.ZipFile(out / "flashcards.apkg") as archive:
        media = json.loads(archive.read("media"))
        assert any("sg-sans-kr-400" in name for name in media.values())
        db_path = out / "collection.anki2"
        db_path.write_bytes(archive.read("collection.anki2"))
    db = sqlite3.connect(db_path)
    fields = " ".join(row[0] for row in db.execute("SELECT flds FROM notes"))
    db.close()
    db_path.unlink()
    assert "세포막은" in fields and WORD_JOINER not in fields


# -- what no font has ----------------------------------------------------------------------------

def test_only_a_character_no_installed_font_has_stops_the_build(tmp_path):
    chapter = tmp_path / "ch1.md"
    chapter.write_text("# 第 1 章 字\n\n1. 這個字怎麼唸？\n   古書裡的 \U00030000 字，和 😀。\n", encoding="utf-8")
    (tmp_path / "studyguide.toml").write_text('[guide]\nlanguage = "zh-TW"\n', encoding="utf-8")
    result = run_cli("check", str(chapter), cwd=tmp_path)
    assert result.returncode == 1
    found = [line for line in (result.stdout + result.stderr).splitlines() if "SG401" in line]
    assert len(found) == 1, found  # the emoji prints; the rare character does not
    assert "ch1.md:4:9: error SG401" in found[0] and "U+30000" in found[0]
    assert "tried Noto Sans/Serif CJK TC" in found[0]


def test_check_says_which_font_each_language_comes_from(tmp_path):
    result = run_cli("check", "--verbose", str(CJK / "mixed"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "font: zh-CN text from Noto Sans/Serif CJK SC" in result.stdout
    assert "font: ja text from Noto Sans/Serif CJK JP" in result.stdout
    assert "font: emoji from " in result.stdout
    fonts = json.loads(run_cli("check", "--format", "json", str(CJK / "ja"), cwd=tmp_path).stdout)["fonts"]
    assert {"text": "ja text", "font": "Noto Sans/Serif CJK JP (Japanese)"} in fonts


# -- nothing overlaps, nothing leaves its page ---------------------------------------------------

def _collisions(path: Path) -> tuple[list, list]:
    """Characters drawn over one another, and characters outside the page, for every page."""
    overlaps, outside = [], []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = [c for c in page.chars if c["text"].strip() and c["text"] != WORD_JOINER]
            for c in chars:
                if c["x0"] < -0.5 or c["top"] < -0.5 or c["x1"] > page.width + 0.5 or c["bottom"] > page.height + 0.5:
                    outside.append((number, c["text"]))
            rows: dict[int, list] = {}
            for c in chars:
                rows.setdefault(round(c["top"]), []).append(c)
            for row in rows.values():
                row.sort(key=lambda c: c["x0"])
                for a, b in zip(row, row[1:]):
                    overlap = a["x1"] - b["x0"]
                    if overlap > 0.25 * min(a["x1"] - a["x0"], b["x1"] - b["x0"]) and abs(a["size"] - b["size"]) < 0.1:
                        overlaps.append((number, a["text"], b["text"]))
    return overlaps, outside


@pytest.mark.parametrize("name", GUIDES)
def test_no_glyph_overlaps_another_or_leaves_its_page(built, name):
    out, _ = built[name]
    for pdf in ("teacher.pdf", "flashcards.pdf", "handout.pdf"):
        with pdfplumber.open(out / pdf) as opened:
            assert sum(len(page.chars) for page in opened.pages) > 100
        overlaps, outside = _collisions(out / pdf)
        assert not overlaps, (pdf, overlaps[:5])
        assert not outside, (pdf, outside[:5])
