"""An edit lays out only the flashcard sheets it changed, and prints what a first build would.

Each physical sheet's pages are remembered (a record naming the render that holds them), and
each measured side's boxes too: an edited answer renders its own sheet alone, and the sheets
around it come from earlier renders, joined in order. Read back, the result has the same pages,
text and glyph positions as a build of the edited guide from nothing. A damaged record is a miss.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pdfplumber
import pytest

from conftest import CONTENT, FIXTURES, rendered_pieces, run_cli
from studyguide.cache import cache_folder

OLD, NEW = "通过计算所有状态的期望报酬", "通过计算所有状态的期望报酬之和，再取平均"


def _make(folder: Path) -> Path:
    """Three chapters (code, a table, maths and an image among them; 21 cards, 3 sheets)."""
    (folder / "content").mkdir(parents=True)
    shutil.copy(FIXTURES / "rich" / "ch01.md", folder / "content" / "ch01.md")
    shutil.copytree(FIXTURES / "rich" / "images", folder / "content" / "images")
    for name in ("ch02.md", "ch16.md"):
        shutil.copy(CONTENT / name, folder / "content" / name)
    (folder / "studyguide.toml").write_text('[guide]\ntitle = "卡片"\n\n[build]\noutputs = ["flashcards"]\n',
                                            encoding="utf-8")
    return folder


@pytest.fixture
def guide(tmp_path) -> Path:
    """The guide, built once: its cache is full (the cache is named after the guide's folder, and
    its keys hold the paths of the fonts cut for it, so each test builds its own)."""
    folder = _make(tmp_path / "guide")
    result = run_cli("--verbose", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert rendered_pieces(result).get("flashcards:sheets:0") is True  # a first build renders the chunk whole
    return folder


@pytest.fixture(scope="module")
def cold(tmp_path_factory) -> Path:
    """flashcards.pdf of the edited guide, built with no cache at all."""
    folder = _make(tmp_path_factory.mktemp("cold"))
    _edit(folder)
    result = run_cli("--force", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "out" / "flashcards.pdf"


def _edit(folder: Path) -> None:
    chapter = folder / "content" / "ch16.md"
    text = chapter.read_text(encoding="utf-8")
    assert text.count(OLD) == 1
    chapter.write_text(text.replace(OLD, NEW), encoding="utf-8")



def _pages_of(result, key: str) -> int:
    match = re.search(rf"^\s+{re.escape(key)}: (\d+) pages", result.stderr, re.M)
    assert match, result.stderr
    return int(match[1])


def _index(folder: Path, holding: str) -> tuple[Path, dict]:
    """The cache's record of every sheet's pages ("job"), or of every side's measurements ("box")."""
    for path in cache_folder(folder).rglob("*.entry"):
        data = path.read_bytes()
        if data.startswith(b"studyguide-record-1 "):
            found = json.loads(data.split(b"\n", 1)[1])
            if found and all(holding in value for value in found.values()):
                return path, found
    raise AssertionError(f"no record of {holding}")


def _write_record(path: Path, data: dict) -> None:
    """A record as the cache writes one, digest and all: only its content says it is stale."""
    body = json.dumps(data).encode()
    path.write_bytes(b"studyguide-record-1 " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def _glyphs(pdf: Path) -> list[list[tuple[str, float, float]]]:
    with pdfplumber.open(pdf) as document:
        return [sorted((c["text"], c["x0"], c["top"]) for c in page.chars) for page in document.pages]


def _assert_like_cold(pdf: Path, cold: Path) -> None:
    ours, theirs = _glyphs(pdf), _glyphs(cold)
    assert len(ours) == len(theirs) == 6  # three sheets, front and back
    for number, (mine, other) in enumerate(zip(ours, theirs)):
        assert mine, f"page {number + 1} has no text"
        assert "".join(c[0] for c in mine) == "".join(c[0] for c in other), number
        for (text, x, y), (_, x2, y2) in zip(mine, other):
            assert abs(x - x2) <= 0.01 and abs(y - y2) <= 0.01, (number, text, x, x2, y, y2)
    edited = "".join(c[0] for c in ours[3])  # card 16.2's answer, on the second sheet's back
    assert all(character in edited for character in "再取平均")


def test_an_edited_answer_renders_only_its_sheet(guide, cold):
    _edit(guide)
    result = run_cli("--verbose", cwd=guide)
    assert result.returncode == 0, result.stderr
    rendered = rendered_pieces(result)
    # the short answer needs no measuring; one sheet (its front and back) is laid out, alone
    assert {key for key, done in rendered.items() if done} == {"flashcards:sheets:0:changed"}
    assert _pages_of(result, "flashcards:sheets:0:changed") == 2
    assert "1 piece rendered, 0 from cache" in result.stdout
    _assert_like_cold(guide / "out" / "flashcards.pdf", cold)
    # the joined chunk is kept whole: building the same again takes it from the cache
    shutil.rmtree(guide / "out")
    again = run_cli("--verbose", cwd=guide)
    assert rendered_pieces(again) == {"flashcards:sheets:0": False}
    _assert_like_cold(guide / "out" / "flashcards.pdf", cold)


def test_a_sheet_whose_record_does_not_hold_is_laid_out_again(guide, cold):
    path, sheets = _index(guide, "job")
    assert sorted(value["pages"] for value in sheets.values()) == [[0, 1], [2, 3], [4, 5]]
    first_sheet = next(key for key, value in sheets.items() if value["pages"] == [0, 1])
    sheets[first_sheet]["pages"] = [40, 41]  # pages its render does not have
    _write_record(path, sheets)
    _edit(guide)
    result = run_cli("--verbose", cwd=guide)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    # that sheet is laid out again, beside the edited one; the third comes from the cache
    assert rendered_pieces(result)["flashcards:sheets:0:changed"] is True
    assert _pages_of(result, "flashcards:sheets:0:changed") == 4
    _assert_like_cold(guide / "out" / "flashcards.pdf", cold)


@pytest.mark.parametrize("damage", ["bit rot", "truncated"])
def test_a_damaged_record_of_the_sheets_is_a_miss(guide, cold, damage):
    path, _ = _index(guide, "job")
    data = bytearray(path.read_bytes())
    if damage == "bit rot":
        data[-10] ^= 0x01
    else:
        data = data[:len(data) // 2]
    path.write_bytes(bytes(data))
    _edit(guide)
    result = run_cli("--verbose", cwd=guide)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert rendered_pieces(result)["flashcards:sheets:0"] is True  # whole again, as in a first build
    _assert_like_cold(guide / "out" / "flashcards.pdf", cold)


def test_a_record_naming_a_render_that_is_gone_is_a_miss(guide, cold):
    _, sheets = _index(guide, "job")
    for value in sheets.values():
        (cache_folder(guide) / "jobs" / value["job"][:2] / f"{value['job']}.entry").unlink(missing_ok=True)
    _edit(guide)
    result = run_cli("--verbose", cwd=guide)
    assert result.returncode == 0, result.stderr
    assert rendered_pieces(result) == {"flashcards:sheets:0": True}  # whole again, as in a first build
    _assert_like_cold(guide / "out" / "flashcards.pdf", cold)


def test_damaged_measurements_are_measured_again(guide, cold):
    path, measured = _index(guide, "box")
    path.write_bytes(path.read_bytes()[:-3])
    _edit(guide)
    result = run_cli("--verbose", cwd=guide)
    assert result.returncode == 0, result.stderr
    rendered = rendered_pieces(result)
    # every side is measured again (the whole measuring document: the first build's is still cached)
    assert "flashcards:measure:0" in rendered
    assert rendered["flashcards:sheets:0:changed"] is True
    _assert_like_cold(guide / "out" / "flashcards.pdf", cold)
    # and the record was written afresh
    assert _index(guide, "box")[1].keys() == measured.keys()


def _sizes(pdf: Path) -> list[set[float]]:
    with pdfplumber.open(pdf) as document:
        return [{round(c["size"], 2) for c in page.chars} for page in document.pages]


def test_an_answer_taking_a_size_no_other_card_has_renders_only_its_sheet(guide):
    """The texts that key the sheets' and the measured sides' records hold a rule for every size a
    side may take: a card stepping to a size no other card has leaves every other sheet's and
    side's record as it was, so its own sheet is all that is laid out again."""
    chapter = guide / "content" / "ch16.md"
    text = chapter.read_text(encoding="utf-8")
    new_sizes = []
    for length in (20, 30):  # the answer grows: at the card's base size, then at a size of its own
        chapter.write_text(text.replace(OLD, OLD + "，" + "再取平均" * length), encoding="utf-8")
        result = run_cli("--verbose", cwd=guide)
        assert result.returncode == 0, result.stderr
        done = {key for key, fresh in rendered_pieces(result).items() if fresh}
        assert done and done <= {"flashcards:measure:0", "flashcards:sheets:0:changed"}, done
        assert _pages_of(result, "flashcards:sheets:0:changed") == 2
        sizes = _sizes(guide / "out" / "flashcards.pdf")
        assert len(sizes) == 6
        others = set().union(*(found for number, found in enumerate(sizes) if number != 3))
        new_sizes += sorted(sizes[3] - others)  # card 16.2's answer is on the second sheet's back
    assert new_sizes, "the long answer took a size no other card has"
