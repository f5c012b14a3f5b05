"""Card faces are laid out once, one a page, and imposed on the sheets: where a card goes on the
sheet (the flip, the back offset, the gap between cards) and the cut guides are imposition, so
changing them lays out no card again; and an edit lays out again only the run holding the card."""

from __future__ import annotations

import re

import pdfplumber

from conftest import run_cli
from test_flashcards import MM, PADDING, segments
from test_flashcards_print import build, deck

CHAPTER = """# 第 1 章-苗圃

1. 嫁接时砧木和接穗的形成层为什么要对齐？
    形成层是分裂细胞所在的一层，两边对齐才能长在一起、输送养分。

2. What does `pH 5.5` tell a gardener about the soil?
    It is acidic: blueberries like it, most vegetables prefer something closer to 6.5.

3. 扦插的枝条为什么要去掉大部分叶子？
    叶子会蒸发水分，而枝条还没有根来补充。

4. How deep should a seed be sown, as a rule of thumb?
    About two to three times its own width.

5. 为什么移栽要选阴天或傍晚？
    蒸发少，根系受伤后有时间恢复。

6. Name the three numbers on a bag of fertiliser.
    Nitrogen, phosphorus and potassium, as N-P-K percentages by weight.

7. 堆肥为什么要翻动？
    给微生物供氧，避免发臭，并让各处均匀分解。

8. What is a cold frame for?
    Hardening off seedlings: a glazed box that keeps out frost but not the day's changes.

9. 播种前为什么要浸种？
    软化种皮、让种子吸水，出苗更快更齐。

10. Why water in the morning rather than at night?
    Leaves dry during the day, which keeps fungal disease down.
"""


def _rendered(result) -> dict[str, bool]:
    """piece → whether it was rendered (False: taken from the cache), from --verbose output."""
    found = {}
    for line in result.stderr.splitlines():
        match = re.match(r"\s+(\S+): \d+ pages, (from cache|[\d.]+ s)$", line)
        if match:
            found[match[1]] = match[2] != "from cache"
    return found


def _label_place(pdf_path, page: int, label: str) -> tuple[float, float]:
    """(x, top) in mm of a card's label on a page of the PDF."""
    with pdfplumber.open(pdf_path) as pdf:
        words = pdf.pages[page].extract_words()
    found = [w for w in words if w["text"].startswith(label)]
    assert len(found) == 1, (label, [w["text"] for w in words])
    return found[0]["x0"] / MM, found[0]["top"] / MM


def test_moving_cards_on_the_sheet_lays_out_no_card_again(tmp_path):
    folder = deck(tmp_path / "guide", {"ch1.md": CHAPTER})
    first = build(folder, "--verbose", "--card", "poker")
    assert any(done for key, done in _rendered(first).items() if key.startswith("flashcards:sheets"))
    pdf = folder / "out" / "flashcards.pdf"
    # poker cards, 3 × 3 on A4: card 1.1's back lies behind it, columns mirrored (long-edge flip)
    left, top = (210 - 3 * 63) / 2, (297 - 3 * 88) / 2
    x, y = _label_place(pdf, 1, "1.1")
    assert abs(x - (left + 2 * 63 + PADDING)) < 0.5 and top < y < top + PADDING + 1

    moved = build(folder, "--verbose", "--card", "poker", "--flip", "short", "--back-offset", "1,-1.5",
                  "--cut", "marks", "--gap", "3")
    rendered = _rendered(moved)
    assert any(key.startswith("flashcards:sheets") for key in rendered)
    assert not any(rendered.values()), rendered  # every piece from the cache: no card laid out
    # with a 3 mm gap the grid is 195 × 270 mm, centred; after a short-edge flip the rows mirror,
    # so card 1.1's back is in the bottom row, first column, moved by the back offset
    left, top = (210 - (3 * 63 + 6)) / 2, (297 - (3 * 88 + 6)) / 2
    x, y = _label_place(pdf, 1, "1.1")
    back_top = top + 2 * (88 + 3) - 1.5
    assert abs(x - (left + 1 + PADDING)) < 0.5 and back_top < y < back_top + PADDING + 1
    x, y = _label_place(pdf, 0, "1.1")  # the front stays put, but for the gap
    assert abs(x - (left + PADDING)) < 0.5 and top < y < top + PADDING + 1
    # crop marks, drawn by the imposition, in line with the cuts between columns
    with pdfplumber.open(pdf) as opened:
        marks = segments(opened.pages[0])
    vertical = {round(m.x1, 1) for m in marks if abs(m.x1 - m.x2) < 0.01}
    cuts = {round(left + column * 66 + edge, 1) for column in range(3) for edge in (0, 63)}
    assert vertical == cuts


def test_each_face_is_drawn_once(tmp_path):
    folder = deck(tmp_path / "guide", {"ch1.md": CHAPTER})
    build(folder)
    with pdfplumber.open(folder / "out" / "flashcards.pdf") as pdf:
        assert len(pdf.pages) == 4  # 10 cards, 8 to an A4 sheet: two sheets, front and back
        texts = [page.extract_text() for page in pdf.pages]
    # short probes: the text of neighbouring cards interleaves, line by line
    assert texts[0].count("嫁接时砧木") == 1 and "形成层是分裂" not in texts[0]
    assert texts[1].count("形成层是分裂") == 1 and "嫁接时砧木" not in texts[1]
    assert texts[2].count("播种前为什么") == 1 and texts[2].count("Why water") == 1
    assert texts[3].count("Leaves dry") == 1 and "播种前为什么" not in texts[3]


def test_an_edit_lays_out_again_only_the_run_holding_the_card(tmp_path):
    folder = deck(tmp_path / "guide", {"ch1.md": CHAPTER})
    build(folder, "--chunk-cards", "4")
    chapter = folder / "content" / "ch1.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("About two to three", "About two or three"),
                       encoding="utf-8")
    rendered = _rendered(build(folder, "--verbose", "--chunk-cards", "4"))
    sheets = {key: done for key, done in rendered.items() if key.startswith("flashcards:sheets")}
    assert len(sheets) == 2  # 10 cards, one A7 sheet's worth a run: two runs of 5
    assert [key for key, done in sheets.items() if done] == ["flashcards:sheets:0"]  # card 4 is in the first
    with pdfplumber.open(folder / "out" / "flashcards.pdf") as pdf:
        assert "About two or three" in pdf.pages[1].extract_text()
    assert run_cli("--chunk-cards", "4", cwd=folder).stdout.strip() == "out: up to date"
