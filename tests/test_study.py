"""out/study.html in headless Chromium: it opens from disk with no network, a click or the keys
flip and move, chapters change, shuffling reorders, and known marks outlive a reload."""

from __future__ import annotations

import json
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from browser import chromium
from conftest import CONTENT, run_cli
from studyguide.layout.content import ContentRenderer
from studyguide.markdown import visible_text


def build_study(folder: Path, chapters: dict[str, str], *extra: str) -> Path:
    """A guide of the given chapter files, built through the command line into folder/out."""
    (folder / "content").mkdir(parents=True, exist_ok=True)
    for name, text in chapters.items():
        (folder / "content" / name).write_text(text, encoding="utf-8")
    (folder / "studyguide.toml").write_text('[build]\noutputs = ["study"]\n' + "\n".join(extra), encoding="utf-8")
    result = run_cli(cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "out" / "study.html"


def text_of(html: str) -> str:
    return re.sub(r"\s+", "", visible_text(html))


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("study")
    shutil.copytree(CONTENT, folder / "content")  # a guide reads only what is inside its folder
    (folder / "studyguide.toml").write_text('[build]\noutputs = ["study"]\n', encoding="utf-8")
    result = run_cli(cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "out" / "study.html"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture()
def page(browser, seed_page):
    """The seed's study page in a fresh, offline browser profile, with every request recorded."""
    context = browser.new_context(offline=True)
    tab = context.new_page()
    tab.requests = []
    tab.errors = []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
    tab.goto(seed_page.as_uri())
    tab.evaluate("document.fonts.ready.then(() => true)")
    yield tab
    assert tab.errors == []
    context.close()


def label(page) -> str:
    return page.inner_text("#card-label")


def test_opens_from_disk_without_a_single_request(page, seed_page):
    assert page.requests == [seed_page.as_uri()]
    faces = page.evaluate("[...document.fonts].map(f => [f.family, f.weight, f.status])")
    assert ["SG Sans SC", "400", "loaded"] in faces and ["SG Sans SC", "700", "loaded"] in faces
    assert page.evaluate("document.fonts.check('20px \"SG Sans SC\"', '神经网络')")
    assert label(page) == "1.1"
    assert page.inner_text("#card-question") == "神经网络中的各层是什么？"
    assert page.inner_text("#progress") == "1 / 113"
    assert page.inner_text("#known-count") == "已掌握 0 / 113"


def test_every_card_is_in_the_page(seed_page, guide):
    html = seed_page.read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="study-data">(.*?)</script>', html, re.S)[1])
    assert len(data["cards"]) == 113 and len(data["chapters"]) == 15
    assert len({card["key"] for card in data["cards"]}) == 113
    renderer = ContentRenderer([CONTENT])
    for item, chapter_card in zip(data["cards"], [(c, k) for c in guide.chapters for k in c.cards]):
        chapter, card = chapter_card
        assert item["label"] == card.label
        assert text_of(item["question"]) == text_of(renderer.html(card.question, chapter))
        assert text_of(item["answer"]) == text_of(renderer.html(card.answer, chapter))
    assert not re.search(r'(?:src|href)="(?:https?:|file:|//)', html)


def test_a_click_flips_the_card(page):
    assert not page.is_visible("#card-answer")
    page.click("#card")
    assert page.is_visible("#card-answer")
    assert page.inner_text("#card-answer") == "输入、隐藏和输出层"
    page.click("#card")
    assert not page.is_visible("#card-answer")
    page.click("#flip")
    assert page.is_visible("#card-answer")


def test_the_keys_flip_and_move(page):
    page.keyboard.press("Space")
    assert page.is_visible("#card-answer")
    page.keyboard.press("Enter")
    assert not page.is_visible("#card-answer")
    page.keyboard.press("ArrowRight")
    assert label(page) == "1.2" and page.inner_text("#progress") == "2 / 113"
    assert not page.is_visible("#card-answer")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # nothing before the first card
    assert label(page) == "1.1"


def test_the_chapters_can_be_gone_through(page, guide):
    counts = [len(chapter.cards) for chapter in guide.chapters]
    page.keyboard.press("]")
    assert page.input_value("#chapter") == "0" and label(page) == "1.1"
    assert page.inner_text("#progress") == f"1 / {counts[0]}"
    page.keyboard.press("]")
    assert label(page) == "2.1" and page.inner_text("#card-chapter") == "第 2 章 " + guide.chapters[1].title
    page.keyboard.press("ArrowLeft")  # back past the start of chapter 2: the end of chapter 1
    assert page.input_value("#chapter") == "0" and label(page) == f"1.{counts[0]}"
    page.keyboard.press("ArrowRight")
    assert label(page) == "2.1"
    page.select_option("#chapter", "14")
    last = guide.chapters[14]
    assert label(page) == f"{last.number}.1" and page.inner_text("#progress") == f"1 / {len(last.cards)}"
    page.keyboard.press("[")
    assert label(page) == f"{guide.chapters[13].number}.1"


def test_a_known_mark_survives_a_reload(page):
    page.keyboard.press("ArrowRight")
    page.keyboard.press("k")
    assert page.is_visible(".card-known") and page.get_attribute("#known", "aria-pressed") == "true"
    assert page.inner_text("#known-count") == "已掌握 1 / 113"
    page.reload()
    assert label(page) == "1.2"  # the place reached is kept too
    assert page.is_visible(".card-known") and page.inner_text("#known-count") == "已掌握 1 / 113"
    page.keyboard.press("ArrowLeft")
    assert not page.is_visible(".card-known")
    stored = page.evaluate("Object.keys(localStorage).filter(k => k.endsWith(':known'))"
                           ".map(k => JSON.parse(localStorage.getItem(k)))")
    assert stored == [{"1.2": 1}]
    page.keyboard.press("ArrowRight")
    page.click("#known")  # the button unmarks it again
    page.reload()
    assert page.inner_text("#known-count") == "已掌握 0 / 113"


def test_known_cards_can_be_hidden(page):
    page.keyboard.press("k")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("k")
    page.keyboard.press("h")
    assert page.is_checked("#hide-known")
    assert page.inner_text("#progress") == "1 / 111" and label(page) == "1.3"
    page.keyboard.press("k")  # marking the card shown takes it out; the next one comes up
    assert label(page) == "1.4" and page.inner_text("#progress") == "1 / 110"
    page.select_option("#chapter", "0")
    seen = []
    for _ in range(12):
        seen.append(label(page))
        page.keyboard.press("ArrowRight")
        if page.input_value("#chapter") != "0":
            break
    assert seen[0] == "1.4" and not {"1.1", "1.2", "1.3"} & set(seen)


def test_a_chapter_all_known_says_so(page, guide):
    page.select_option("#chapter", "0")
    page.keyboard.press("h")
    for _ in range(len(guide.chapters[0].cards)):
        page.keyboard.press("k")
    assert page.is_visible("#done") and not page.is_visible("#card")
    page.click("#show-known")
    assert page.is_visible("#card") and not page.is_checked("#hide-known")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#clear-known")
    assert page.inner_text("#known-count") == f"已掌握 0 / {len(guide.chapters[0].cards)}"


def test_shuffle_reorders_every_card_and_keeps_the_order_on_reload(page, guide):
    in_order = [card.label for card in guide.cards]
    page.keyboard.press("s")
    assert page.get_attribute("#shuffle", "aria-pressed") == "true"
    shuffled = []
    for _ in in_order:
        shuffled.append(label(page))
        page.keyboard.press("ArrowRight")
    assert sorted(shuffled) == sorted(in_order) and shuffled != in_order
    page.keyboard.press("ArrowLeft")
    page.reload()
    assert label(page) == shuffled[-2]
    page.keyboard.press("ArrowRight")
    assert label(page) == shuffled[-1]
    page.keyboard.press("s")
    assert label(page) == "1.1" and page.get_attribute("#shuffle", "aria-pressed") == "false"


def test_english_content_gets_english_words(browser, tmp_path):
    study = build_study(tmp_path, {"ch1.md": "# Chapter 1 Basics\n\n1.  What is a tensor?\n    An array.\n"
                                             "2.  What is a gradient?\n    A vector of slopes.\n"})
    html = study.read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    tab = browser.new_context(offline=True).new_page()
    tab.goto(study.as_uri())
    assert tab.inner_text("#flip") == "Flip" and tab.inner_text("#next") == "Next →"
    assert tab.inner_text("#card-chapter") == "Chapter 1 Basics"
    assert tab.inner_text("#known-count") == "0 of 2 known"
    assert tab.inner_text(".card-hint") == "Click the card or press Space to see the answer"
    tab.context.close()


def tiny_png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    pixels = zlib.compress(b"\x00\xff\x00\x00" * 2)  # two rows of one red pixel
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def test_images_travel_inside_the_page(browser, tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "dot.png").write_bytes(tiny_png())
    study = build_study(tmp_path, {"ch1.md": "# 第 1 章 图\n\n1.  这是什么？\n    一个点：![点](dot.png)\n"})
    html = study.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "file:" not in html
    tab = browser.new_context(offline=True).new_page()
    requests = []
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto(study.as_uri())
    tab.click("#card")
    assert tab.evaluate("document.querySelector('#card-answer img').naturalHeight") == 2
    assert requests == [study.as_uri()]
    tab.context.close()


def test_every_language_has_every_word():
    from studyguide.i18n import STRINGS

    keys = {language: set(words) for language, words in STRINGS.items()}
    assert keys["zh-CN"] == keys["zh-TW"] == keys["en"]
    for words in STRINGS.values():
        placeholders = {key: set(re.findall(r"\{(\w+)\}", text)) for key, text in words.items()}
        assert placeholders == {key: set(re.findall(r"\{(\w+)\}", text)) for key, text in STRINGS["en"].items()}


@pytest.fixture()
def phone(browser, seed_page):
    """The seed's study page on a phone-sized touch screen."""
    context = browser.new_context(offline=True, viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    tab = context.new_page()
    tab.goto(seed_page.as_uri())
    yield tab
    context.close()


def test_the_hint_says_tap_on_a_touch_screen_and_click_with_a_mouse(page, phone):
    assert page.inner_text(".card-hint") == "点按卡片或按空格键看答案"
    assert phone.inner_text(".card-hint") == "轻点卡片看答案"
    phone.tap("#card")
    assert phone.is_visible("#card-answer")


def test_the_hide_known_checkbox_is_a_finger_sized_target(phone):
    target = phone.locator("label:has(#hide-known)").bounding_box()
    assert target["height"] >= 44 and target["width"] >= 44
    box = phone.locator("#hide-known").bounding_box()
    assert box["width"] >= 20 and box["height"] >= 20  # the box itself is drawn larger too
    # a tap anywhere on the label, away from the box, ticks it
    phone.tap("label:has(#hide-known)", position={"x": target["width"] - 4, "y": target["height"] - 3})
    assert phone.is_checked("#hide-known")


def test_table_headers_keep_their_words_whole_on_a_phone(browser, tmp_path):
    """A wide table on a 360 px screen scrolls sideways; no header or cell breaks inside a word."""
    header = "| Type | Learning rate | Momentum | Adaptive | Memory | Typical use | Notes |"
    rows = "\n".join(f"    | Optimiser{n} | 0.001 | yes | no | two values | transformers | fast |" for n in range(3))
    study = build_study(tmp_path, {"ch1.md": f"# Chapter 1 – Tables\n\n1.  Compare them.\n\n    {header}\n"
                                             f"    | --- | --- | --- | --- | --- | --- | --- |\n{rows}\n"})
    tab = browser.new_context(offline=True, viewport={"width": 360, "height": 740}).new_page()
    tab.goto(study.as_uri())
    tab.evaluate("document.fonts.ready.then(() => true)")
    tab.click("#card")
    cells = tab.evaluate("""[...document.querySelectorAll('#card-answer th, #card-answer td')].map(cell => {
        const range = document.createRange(); range.selectNodeContents(cell);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        return [cell.textContent, tops.size, cell.textContent.trim().split(/\\s+/).length];
    })""")
    assert len(cells) == 28
    for text, lines, words in cells:
        assert lines <= words, text  # a cell takes at most a line per word: no word is broken
    tab.context.close()
