"""Flashcards for real printers: other card sizes and papers, the short-edge flip with a back
offset, crop marks, manual duplex, folded cards, and the calibration sheet; all read back."""

from __future__ import annotations

import re

import pdfplumber
import pytest
from pypdf import PdfReader

from conftest import CONTENT, run_cli
from test_flashcards import (MM, NEAR, PADDING, A4, Box, card_boxes, card_of, flipped, glyphs, label_of,
                             labelled, segments, text_in)
from pdfread import squash

POKER = (63.0, 88.0)
OFFSET = (1.5, -2.0)
FLASHCARDS_ONLY = '[build]\noutputs = ["flashcards"]\n'


def deck(folder, chapters: dict[str, str]):
    """A guide folder holding only flashcard output, with the given chapter files."""
    (folder / "content").mkdir(parents=True)
    (folder / "studyguide.toml").write_text(FLASHCARDS_ONLY, encoding="utf-8")
    for name, text in chapters.items():
        (folder / "content" / name).write_text(text, encoding="utf-8")
    return folder


def build(folder, *flags: str):
    result = run_cli(*flags, cwd=folder)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    return result


def viewer(path) -> dict:
    preferences = PdfReader(path).trailer["/Root"]["/ViewerPreferences"]
    return {str(k): str(v) for k, v in preferences.items()}


# -- poker cards, short-edge flip, back offset, crop marks, bands, the question on the back ---------

@pytest.fixture(scope="module")
def poker(tmp_path_factory):
    folder = deck(tmp_path_factory.mktemp("poker"), {
        name: (CONTENT / name).read_text(encoding="utf-8") for name in ("ch01.md", "ch02.md")})
    build(folder, "--card", "poker", "--flip", "short", "--back-offset", "1.5,-2", "--cut", "marks",
          "--band", "--question-on-back")
    with pdfplumber.open(folder / "out" / "flashcards.pdf") as pdf:
        yield folder / "out" / "flashcards.pdf", pdf


def poker_slot(index: int) -> Box:
    """Poker cards on A4: 3 × 3 of 63 × 88 mm, the grid centred (10.5 mm across, 16.5 mm down)."""
    row, column = divmod(index, 3)
    return Box((A4[0] - 3 * POKER[0]) / 2 + column * POKER[0], (A4[1] - 3 * POKER[1]) / 2 + row * POKER[1], *POKER)


def test_poker_cards_sit_in_their_grid_on_every_sheet_the_last_one_too(poker):
    _, pdf = poker
    assert len(pdf.pages) == 6  # 19 cards: 9, 9 and 1
    for number in range(0, len(pdf.pages), 2):
        fronts = labelled(pdf.pages[number])
        count = 9 if number < 4 else 1
        assert len(fronts) == count
        for index, label in enumerate(sorted(fronts, key=lambda l: [int(p) for p in l.split(".")])):
            assert fronts[label].near(poker_slot(index)), (number + 1, label)


def test_after_a_short_edge_flip_each_back_is_behind_its_front_moved_by_the_offset(poker):
    path, pdf = poker
    for number in range(0, len(pdf.pages), 2):
        fronts, backs = labelled(pdf.pages[number]), labelled(pdf.pages[number + 1])
        assert set(fronts) == set(backs)
        for label, front in fronts.items():
            behind = flipped(front, A4, "short")
            expected = Box(behind.x + OFFSET[0], behind.y + OFFSET[1], behind.w, behind.h)
            assert backs[label].near(expected), (number + 2, label, backs[label], expected)
    assert viewer(path) == {"/Duplex": "/DuplexFlipShortEdge", "/PrintScaling": "/None"}


def test_crop_marks_sit_outside_the_grid_in_line_with_every_cut_and_match_on_the_back(poker):
    _, pdf = poker
    grid = Box(poker_slot(0).x, poker_slot(0).y, 3 * POKER[0], 3 * POKER[1])
    cuts_x = {round(grid.x + i * POKER[0], 2) for i in range(4)}
    cuts_y = {round(grid.y + i * POKER[1], 2) for i in range(4)}
    fronts = segments(pdf.pages[0])
    assert len(fronts) == 2 * (len(cuts_x) + len(cuts_y))  # one mark at each end of every cut
    for mark in fronts:
        assert mark.width_pt >= 0.25 and not mark.dash  # crop marks are solid lines
        assert min(mark.x1, mark.y1) >= 5 - NEAR and mark.x2 <= A4[0] - 5 + NEAR and mark.y2 <= A4[1] - 5 + NEAR
        if mark.x1 == mark.x2:  # vertical: above or below the grid, in line with a column's edge
            assert any(abs(mark.x1 - x) <= NEAR for x in cuts_x)
            assert mark.y2 <= grid.y - 1 or mark.y1 >= grid.bottom + 1
        else:
            assert any(abs(mark.y1 - y) <= NEAR for y in cuts_y)
            assert mark.x2 <= grid.x - 1 or mark.x1 >= grid.right + 1
    for number in range(0, len(pdf.pages), 2):  # the same marks on every sheet; on the back, flipped and moved
        assert _lines(segments(pdf.pages[number])) == _lines(fronts)
        moved = {(x1 + OFFSET[0], A4[1] - y2 + OFFSET[1], x2 + OFFSET[0], A4[1] - y1 + OFFSET[1])
                 for x1, y1, x2, y2 in _lines(fronts)}
        assert _close(_lines(segments(pdf.pages[number + 1])), moved)


def test_each_chapter_has_its_colour_band_under_the_head_line(poker):
    _, pdf = poker
    colours: dict[str, set] = {}
    for page in pdf.pages:
        bands = [r for r in page.rects if r["fill"] and abs(r["height"] / MM - 0.9) < 0.05]  # 0.9 mm bars
        boxes = card_boxes(page)
        assert len(bands) == len(boxes)
        for band in bands:
            box = next(b for b in boxes if b.holds(band["x0"] / MM + 1, band["top"] / MM))
            assert abs(band["x0"] / MM - (box.x + PADDING)) < NEAR and abs(band["x1"] / MM - (box.right - PADDING)) < NEAR
            assert box.y + PADDING + 2 < band["top"] / MM < box.y + PADDING + 7  # just below the head line
            chapter = label_of(box, glyphs(page)).split(".")[0]
            colours.setdefault(chapter, set()).add(tuple(band["non_stroking_color"]))
    assert len(colours) == 2 and all(len(c) == 1 for c in colours.values())
    assert colours["1"] != colours["2"]


def test_the_back_repeats_the_question_small_and_grey_above_the_answer(poker, guide):
    _, pdf = poker
    back = pdf.pages[1]
    page_glyphs = glyphs(back)
    card = guide.cards[0]
    box = labelled(back)[card.label]
    text = squash(text_in(back, box))
    assert text.index("神经网络中的各层是什么") < text.index("输入、隐藏和输出层")
    recall = [g for g in page_glyphs if card_of([box], g) and g.text == "神"]
    answer = [g for g in page_glyphs if card_of([box], g) and g.text == "输"]
    assert recall[0].size < 0.8 * answer[0].size
    assert recall[0].colour != answer[0].colour and min(recall[0].colour) > 0.3  # grey, not black


def test_poker_text_stays_inside_its_cards(poker):
    _, pdf = poker
    assert pdf.pages
    for number, page in enumerate(pdf.pages):
        boxes = card_boxes(page)
        found = glyphs(page)
        assert found, number + 1
        for glyph in found:
            box = card_of(boxes, glyph)
            assert box is not None and box.x + PADDING - NEAR <= glyph.x0 and glyph.x1 <= box.right - PADDING + NEAR, \
                (number + 1, glyph)
            assert box.y + PADDING - NEAR <= glyph.top and glyph.bottom <= box.bottom - PADDING + NEAR, (number + 1, glyph)


def _lines(found) -> set[tuple[float, float, float, float]]:
    return {(round(s.x1, 2), round(s.y1, 2), round(s.x2, 2), round(s.y2, 2)) for s in found}


def _close(found: set, expected: set) -> bool:
    return len(found) == len(expected) and all(
        any(all(abs(a - b) <= NEAR for a, b in zip(line, want)) for want in expected) for line in found)


# -- manual duplex: a custom card size, a deck that does not fill its last sheet ---------------------

ELEVEN = "# 第 1 章-手动双面\n\n" + "".join(f"{n}.  问题{n}？\n    答案{n}\n" for n in range(1, 12))
CUSTOM = (90.0, 55.0)


def custom_slot(index: int) -> Box:
    """90 × 55 mm cards, 2 × 5 on A4, centred: 15 mm across, 11 mm down."""
    row, column = divmod(index, 2)
    return Box(15 + column * CUSTOM[0], 11 + row * CUSTOM[1], *CUSTOM)


@pytest.fixture(scope="module")
def manual(tmp_path_factory):
    folder = deck(tmp_path_factory.mktemp("manual"), {"ch1.md": ELEVEN})
    build(folder, "--card", "90x55mm", "--grid", "2x5", "--paper", "a4", "--duplex", "manual",
          "--back-offset", "-1,0.5")
    return folder / "out"


def behind_long(box: Box) -> Box:
    """Behind a front card after a long-edge flip, moved by the back offset -1, 0.5."""
    turned = flipped(box, A4, "long")
    return Box(turned.x - 1, turned.y + 0.5, turned.w, turned.h)


def test_manual_duplex_writes_fronts_then_backs_last_sheet_first_each_behind_its_front(manual):
    assert {p.name for p in manual.iterdir()} == {"flashcards-fronts.pdf", "flashcards-backs.pdf"}
    with pdfplumber.open(manual / "flashcards-fronts.pdf") as fronts, \
            pdfplumber.open(manual / "flashcards-backs.pdf") as backs:
        assert len(fronts.pages) == len(backs.pages) == 2
        first, second = labelled(fronts.pages[0]), labelled(fronts.pages[1])
        assert list(first) == [f"1.{n}" for n in range(1, 11)]
        for index in range(10):
            assert first[f"1.{index + 1}"].near(custom_slot(index))
        assert list(second) == ["1.11"] and second["1.11"].near(custom_slot(0))
        # re-fed as the printer stacked them, the last sheet comes first: its back is page 1
        last_back, first_back = labelled(backs.pages[0]), labelled(backs.pages[1])
        assert list(last_back) == ["1.11"] and last_back["1.11"].near(behind_long(custom_slot(0)))
        assert set(first_back) == set(first)
        for label, box in first.items():
            assert first_back[label].near(behind_long(box))
        assert "答案11" in squash(text_in(backs.pages[0], last_back["1.11"]))
    for name in ("flashcards-fronts.pdf", "flashcards-backs.pdf"):  # each is printed on one side
        assert viewer(manual / name) == {"/Duplex": "/Simplex", "/PrintScaling": "/None"}


# -- a card too long for its card ---------------------------------------------------------------------

PARAGRAPH = "卷积神经网络通过局部连接和权值共享来减少参数数量，池化层则进一步降低特征图的尺寸并带来一定的平移不变性。" * 3
STEPS = "\n".join(f"    {n}. 第 {n} 步：" + "在每一层中计算激活值并保存中间结果，以便反向传播时使用。" * 2 for n in range(1, 9))
LONG = f"""# 第 1 章-测试溢出

1.  什么是卷积？
    卷积是两个矩阵之间的乘法。
2.  请详细说明训练卷积神经网络的全部步骤？
    {PARAGRAPH}

    {PARAGRAPH}

{STEPS}

    最后一句话必须出现在最后一张卡片上。
3.  短问题？
    短答案。
"""


@pytest.fixture(scope="module")
def overflow(tmp_path_factory):
    folder = deck(tmp_path_factory.mktemp("overflow"), {"ch1.md": LONG})
    result = build(folder)
    with pdfplumber.open(folder / "out" / "flashcards.pdf") as pdf:
        yield folder, result, pdf


def _continued(pdf) -> list[tuple[str, str, str]]:
    """(head line, page text) of every card side whose head says it is one of several."""
    found = []
    for page in pdf.pages:
        for box in card_boxes(page):
            text = text_in(page, box)
            head = text.splitlines()[0] if text else ""
            if "/" in head:
                found.append((head, squash(text), page.page_number))
    return found


def test_a_card_too_long_continues_on_cards_marked_as_continued_and_the_build_says_so(overflow):
    folder, result, pdf = overflow
    backs = [head for head, _, page in _continued(pdf) if page % 2 == 0]
    count = len(backs)
    assert count >= 2
    assert "ch1.md:6:1: warning SG601 card 1.2: the answer does not fit its 105 × 74 mm card even at 7 pt; " \
           f"it continues over {count} cards" in result.stderr
    assert squash(backs[0]) == f"1.2·1/{count}"
    assert [squash(head) for head in backs[1:]] == [f"1.2·续{n}/{count}" for n in range(2, count + 1)]
    fronts = [text for head, text, page in _continued(pdf) if page % 2 == 1]
    assert len(fronts) == count and all(text.endswith("请详细说明训练卷积神经网络的全部步骤？") for text in fronts)


def test_every_glyph_of_a_continued_card_lies_inside_its_card(overflow):
    _, _, pdf = overflow
    assert pdf.pages
    for number, page in enumerate(pdf.pages):
        boxes = card_boxes(page)
        found = glyphs(page)
        assert found, number + 1
        for glyph in found:
            box = card_of(boxes, glyph)
            assert box is not None, (number + 1, glyph)
            assert box.x + PADDING - NEAR <= glyph.x0 and glyph.x1 <= box.right - PADDING + NEAR, (number + 1, glyph)
            assert box.y + PADDING - NEAR <= glyph.top and glyph.bottom <= box.bottom - PADDING + NEAR, (number + 1, glyph)


def test_a_card_too_long_can_stop_the_build_instead(tmp_path):
    folder = deck(tmp_path / "guide", {"ch1.md": LONG})
    result = run_cli("--overflow", "error", cwd=folder)
    assert result.returncode == 1
    assert "ch1.md:6:1: error SG601 card 1.2: the answer does not fit its 105 × 74 mm card even at 7 pt" in result.stderr
    assert "--overflow continue" in result.stderr and "nothing was written" in result.stderr
    assert not (folder / "out").exists()
    assert "Traceback" not in result.stderr


def test_folded_cards_put_question_and_answer_side_by_side_with_a_fold_line(tmp_path):
    folder = deck(tmp_path / "guide", {"ch1.md": LONG})
    build(folder, "--fold")
    path = folder / "out" / "flashcards.pdf"
    assert viewer(path) == {"/Duplex": "/Simplex", "/PrintScaling": "/None"}
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        boxes = card_boxes(page)
        assert len(boxes) == 8  # four folded cards a sheet, each a question half and an answer half
        folds = [s for s in segments(page) if s.x1 == s.x2]
        cuts = [s for s in segments(page) if s.y1 == s.y2]
        for row in range(4):  # 210 × 74 mm cells tile A4: the fold at 105 mm, cuts between rows
            top = 0.5 + row * 74
            question, answer = Box(0, top, 105, 74), Box(105, top, 105, 74)
            assert any(b.near(question) for b in boxes) and any(b.near(answer) for b in boxes)
            assert any(abs(f.x1 - 105) <= NEAR and abs(f.y1 - top) <= NEAR and abs(f.y2 - top - 74) <= NEAR for f in folds)
        assert len(cuts) == 3 and {len(f.dash) for f in folds} == {4} and {len(c.dash) for c in cuts} == {2}
        first = labelled(page)
        assert squash(text_in(page, Box(0, 0.5, 105, 74))).endswith("什么是卷积？")
        assert "卷积是两个矩阵之间的乘法" in squash(text_in(page, Box(105, 0.5, 105, 74)))
        assert "1.1" in first


def re_head(text: str) -> str:
    """A continued card's text without its head line (`1.2·续2/3`)."""
    return re.sub(r"^1\.2·(续)?\d/\d", "", text)


def _without_list_numbers(text: str) -> str:
    return re.sub(r"(?<![0-9])[1-8]\.(?=第)", "", text)


# -- calibration --------------------------------------------------------------------------------------

def test_calibration_grids_sit_behind_the_crosses_with_the_offset_in_use(tmp_path):
    result = run_cli("calibrate", "--out", str(tmp_path), "--back-offset", "1,-0.5", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "calibration.pdf"
    assert viewer(path) == {"/Duplex": "/DuplexFlipLongEdge", "/PrintScaling": "/None"}
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 2
        front, back = pdf.pages
        black = [s for s in segments(front) if max(s.colour or (1,)) < 0.05]
        centres = {(round(v.x1, 2), round((v.y1 + v.y2) / 2, 2)) for v in black
                   if abs(v.x1 - v.x2) < 1e-6 and abs(v.y2 - v.y1 - 18) < 0.5}  # the crosses' upright arms
        assert len(centres) == 5
        zero = [s for s in segments(back) if len(s.colour) == 3 and s.colour[2] > s.colour[0] + 0.2]  # blue
        grid_centres = {(round(v.x1, 2), round(h.y1, 2)) for v in zero if abs(v.x1 - v.x2) < 1e-6
                        for h in zero if abs(h.y1 - h.y2) < 1e-6 and h.x1 <= v.x1 <= h.x2 and v.y1 <= h.y1 <= v.y2}
        assert len(grid_centres) == 5
        for x, y in centres:  # long-edge flip of A4, then the offset in use (1, -0.5)
            assert any(abs(gx - (A4[0] - x + 1)) <= NEAR and abs(gy - (y - 0.5)) <= NEAR for gx, gy in grid_centres)
        words = back.extract_words()
        for gx, gy in grid_centres:  # the numbers at each grid's zero lines are the offset in use
            above = [w["text"] for w in words if abs((w["x0"] + w["x1"]) / 2 / MM - gx) < 0.6 and w["bottom"] / MM < gy - 6]
            left = [w["text"] for w in words if abs((w["top"] + w["bottom"]) / 2 / MM - gy) < 0.6 and w["x1"] / MM < gx - 6]
            assert "1" in above and "−0.5" in left


def test_calibration_numbers_are_readable_and_both_arrows_mark_the_top_edge(tmp_path):
    """The grid's numbers are at least 6.5 pt and never touch; after a short-edge flip the
    front's top edge is at the bottom of the back, and the back's arrow says so from there."""
    for flip, back_arrow_low in (("short", True), ("long", False)):
        result = run_cli("calibrate", "--out", str(tmp_path / flip), "--flip", flip, "--back-offset", "-1.5,0.5",
                         cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        with pdfplumber.open(tmp_path / flip / "calibration.pdf") as pdf:
            front, back = pdf.pages
            numbers = [c for c in back.chars if c["text"] in "0123456789.−"]
            assert len(numbers) > 100 and min(c["size"] for c in numbers) >= 6.5 - 0.01
            words = [w for w in back.extract_words() if re.fullmatch(r"−?[\d.]+", w["text"])]
            assert len(words) > 10, words
            for a in words:
                for b in words:
                    assert a is b or a["x1"] <= b["x0"] or b["x1"] <= a["x0"] or a["bottom"] <= b["top"] \
                        or b["bottom"] <= a["top"], (a["text"], b["text"])
            arrow_front = next(w for w in front.extract_words() if w["text"].startswith("↑"))
            arrow_back = next(w for w in back.extract_words() if w["text"].startswith(("↑", "↓")))
            assert arrow_front["top"] < front.height / 2
            assert (arrow_back["top"] > back.height / 2) == back_arrow_low
            assert arrow_back["text"].startswith("↓" if back_arrow_low else "↑")


# -- settings that cannot be laid out -------------------------------------------------------------------

def test_cards_that_cannot_fit_the_paper_are_a_configuration_error(tmp_path):
    result = run_cli("--card", "poker", "--grid", "4x4", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 2
    assert "`cards.grid`: 4 × 4 cards of 63 × 88 mm need 252 × 352 mm, more than the 210 × 297 mm sheet" in result.stderr
    assert "at most 3x3 fit" in result.stderr
    folder = deck(tmp_path / "guide", {"ch1.md": ELEVEN})
    (folder / "studyguide.toml").write_text(FLASHCARDS_ONLY + '\n[cards]\ncard = "index"\nfold = true\n',
                                            encoding="utf-8")
    result = run_cli(cwd=folder)
    assert result.returncode == 2
    assert "studyguide.toml:5: `cards.card`: a 254 × 76.2 mm folded card does not fit on letter paper" in result.stderr
    assert "--paper 279.4x215.9mm" in result.stderr and not (folder / "out").exists()
    result = run_cli("--back-offset", "2", cwd=tmp_path)
    assert result.returncode == 2 and "'2' is not X,Y in mm" in result.stderr
    assert "Traceback" not in result.stderr
