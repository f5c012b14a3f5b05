"""The answer key after an edit (outputs/keyflow.py): laid out only from the page the change is on,
caught up with the earlier layout where it can be, and always the pages a whole render makes."""

import random
import shutil
from types import SimpleNamespace

import pytest

from conftest import rendered_pieces, run_cli
from pdfread import assert_same_pages, page_texts
from studyguide.layout.workbook import ChapterPart
from studyguide.outputs.keyflow import Block, blocks_of, cut, window_parts

WORDS = ("the sample", "each layer", "a river", "the model", "every cell", "the frame", "our test", "a signal",
         "the budget", "this table", "the pump", "a lens", "the queue", "the garden", "a ledger", "the bridge")
VERBS = ("keeps", "turns", "holds", "shifts", "measures", "feeds", "reflects", "limits", "balances", "records")
ENDS = ("before noon", "under load", "in winter", "at the edge", "when it is cold", "for a week", "by design",
        "over time", "without a pause", "after the first pass")


def _answer(rng: random.Random, sentences: int) -> str:
    return " ".join(f"{rng.choice(WORDS).capitalize()} {rng.choice(VERBS)} {rng.choice(WORDS)} {rng.choice(ENDS)}."
                    for _ in range(sentences))


def _guide(folder, duplex: bool = False) -> None:
    """Eight chapters of eight questions, answers of three to fourteen sentences, a few with code or a
    list after them, and some a list from their first line (their first block has a top margin,
    which a page after a break drops and a document's first page keeps): an answer key of about
    nine pages, in one piece."""
    rng = random.Random(7)
    content = folder / "content"
    content.mkdir()
    for chapter in range(1, 9):
        lines = [f"# Chapter {chapter}: Topic {chapter}", ""]
        for number in range(1, 9):
            lines += [f"{number}. What does part {chapter}.{number} do, and why?", ""]
            if (chapter + 2 * number) % 5 == 0:  # an answer that is a list from its first line
                lines += [f"   - {_answer(rng, rng.randint(1, 4))}" for _ in range(rng.randint(2, 5))] + [""]
                continue
            lines += [f"   {_answer(rng, rng.randint(3, 14))}", ""]
            if (chapter + number) % 7 == 0:
                lines += ["   ```python", f"   def part_{chapter}_{number}(x):", "       return x * 2", "   ```", ""]
            if (chapter * number) % 11 == 0:
                lines += ["   - first, the inlet", "   - then, the outlet", ""]
        (content / f"ch{chapter:02d}.md").write_text("\n".join(lines), encoding="utf-8")
    (folder / "studyguide.toml").write_text(
        '[guide]\ntitle = "Answer key test"\nlanguage = "en"\n[build]\noutputs = ["workbook"]\n'
        f'[workbook]\neditions = ["handout", "workbook"]\nanswer_lines = 1\nduplex = {str(duplex).lower()}\n', encoding="utf-8")


@pytest.fixture
def guide(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _guide(tmp_path)
    first = run_cli("--verbose", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    return tmp_path


def _edit(folder, chapter: int, old: str, new: str) -> None:
    path = folder / "content" / f"ch{chapter:02d}.md"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _answer_line(folder, chapter: int, number: int) -> str:
    lines = (folder / "content" / f"ch{chapter:02d}.md").read_text(encoding="utf-8").split("\n")
    at = lines.index(f"{number}. What does part {chapter}.{number} do, and why?")
    return lines[at + 2]


def _rebuild_and_compare(folder) -> dict[str, bool]:
    """Build after the edit and against a build of the same content without any cache: each
    edition shows the same glyphs at the same places, bookmarks and links; returns what the
    edit's build rendered."""
    warm = run_cli("--verbose", cwd=folder)
    assert warm.returncode == 0, warm.stderr
    rendered = rendered_pieces(warm)
    shutil.rmtree(folder / "cold", ignore_errors=True)
    cold = run_cli("--force", "--out", "cold", cwd=folder)
    assert cold.returncode == 0, cold.stderr
    for name in ("workbook.pdf", "handout.pdf"):  # the handout's chapters may be joined too
        assert_same_pages(folder / "out" / name, folder / "cold" / name)
    return rendered


def _first_page(key: str) -> int:
    """The page (from 1) a job laying the key out again starts at: "…:from-page-5-to-8" → 5."""
    return int(key.split(":from-page-")[1].split("-")[0])


def _from_page(rendered: dict[str, bool]) -> list[str]:
    return [key for key, done in rendered.items() if key.startswith("workbook:key:0:from-page-") and done]


def test_edits_lay_out_the_key_from_their_page_and_match_a_whole_render(guide):
    key_pages = [text for text in page_texts(guide / "out" / "workbook.pdf") if "Answer key" in text]
    assert key_pages, "the workbook has an answer key"
    # a full stop made an exclamation mark: the layout catches up on the next page that began
    # with an answer
    line = _answer_line(guide, 5, 4)
    _edit(guide, 5, line, line.replace(".", "!", 1))
    rendered = _rebuild_and_compare(guide)
    assert "workbook:key:0" not in rendered and any("-to-" in key for key in _from_page(rendered)), rendered
    assert "!" in "".join(page_texts(guide / "out" / "workbook.pdf"))
    # three sentences more in an early chapter: the pages after it move on, and where the layout
    # does not catch up, the rest is laid out from the last new page that began with an answer
    line = _answer_line(guide, 2, 3)
    _edit(guide, 2, line, line + " Then the pump turns the river by design. A lens records our test in winter."
                                 " The queue feeds the bridge over time.")
    rendered = _rebuild_and_compare(guide)
    assert _from_page(rendered) and "workbook:key:0" not in rendered, rendered
    # a question and its answer taken out
    path = guide / "content" / "ch06.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("5. What does part 6.5")
    path.write_text(text[:start] + text[text.index("6. What does part 6.6"):], encoding="utf-8")
    rendered = _rebuild_and_compare(guide)
    assert _from_page(rendered) and "workbook:key:0" not in rendered, rendered
    # the very first answer: laid out from the key's first page, caught up later
    line = _answer_line(guide, 1, 1)
    _edit(guide, 1, line, line.replace(".", ", and more.", 1))
    rendered = _rebuild_and_compare(guide)
    assert any(key.startswith(("workbook:key:0:from-page-1-", "workbook:key:0:from-page-1:")) or
               key == "workbook:key:0:from-page-1" for key in _from_page(rendered)), rendered
    # built again with nothing changed, the joined key is taken whole
    again = rendered_pieces(run_cli("--verbose", "--out", "again", cwd=guide))
    assert again and not any(again.values()), again


def test_a_double_sided_key_keeps_each_page_on_its_side(tmp_path, monkeypatch):
    """Printed on both sides, left and right pages have their margins swapped: the key is laid out
    again from a right-hand page, and kept pages stay on the side they were laid out for."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _guide(tmp_path, duplex=True)
    assert run_cli(cwd=tmp_path).returncode == 0
    line = _answer_line(tmp_path, 4, 6)
    _edit(tmp_path, 4, line, line + " A ledger limits every cell at the edge.")
    rendered = _rebuild_and_compare(tmp_path)
    started = _from_page(rendered)
    assert started and "workbook:key:0" not in rendered, rendered
    assert all(_first_page(key) % 2 == 1 for key in started), started  # page 1, 3, …: right-hand


def _parts():
    """Two chapter parts of a piece of the key; the blocks need only each card's anchor."""
    def view(chapter, number):
        return SimpleNamespace(card=SimpleNamespace(anchor=f"q{chapter}-{number}"))
    return (ChapterPart("ch1", "1", "One", "", (view(1, 1), view(1, 2)), key_continued=True),
            ChapterPart("ch2", "2", "Two", "", (view(2, 1), view(2, 2), view(2, 3))))


def test_blocks_and_windows_follow_the_template_order():
    parts = _parts()
    blocks = blocks_of(parts)
    # a continued chapter has no heading in this piece
    assert [b.id for b in blocks] == ["key-" + parts[0].cards[0].card.anchor, "key-" + parts[0].cards[1].card.anchor,
                                      "key-ch2"] + ["key-" + v.card.anchor for v in parts[1].cards]
    assert blocks[2] == Block("key-ch2", "h", 1)
    # from the second chapter's second answer: its heading is left out, so it continues
    window = window_parts(parts, blocks, 4, 6)
    assert len(window) == 1 and window[0].key_continued and window[0].cards == parts[1].cards[1:]
    # from the first chapter's last answer to the second's heading and first answer
    window = window_parts(parts, blocks, 1, 4)
    assert [p.anchor for p in window] == ["ch1", "ch2"] and not window[1].key_continued
    assert window[0].cards == parts[0].cards[1:] and window[1].cards == parts[1].cards[:1]


def test_cut_needs_every_block_in_order():
    blocks = [Block("key-a", "k", 0, 0), Block("key-b", "k", 0, 1)]
    html = '<section class="answer-key"><div class="k" id="key-a">A</div><div class="k" id="key-b">B</div></section>'
    head, texts, tail = cut(html, blocks)
    assert head == '<section class="answer-key">' and tail == "</section>"
    assert texts == ['<div class="k" id="key-a">A</div>', '<div class="k" id="key-b">B</div>']
    assert cut(html, list(reversed(blocks))) is None
    assert cut(html.replace("key-b", "key-c"), blocks) is None


def _key_pages(folder) -> dict[int, tuple[str, str]]:
    """From the cache's record of the key: each page of its render → (id, kind) of the block at its top."""
    from studyguide.cache import JobCache, RecordIndex, cache_folder

    cache = JobCache(cache_folder(folder))
    records = RecordIndex(cache, "key").before
    assert len(records) == 1
    record = next(iter(records.values()))
    rendered = cache.entry(record["job"], "key")
    tops = {}
    for block_id, kind, _ in record["blocks"]:
        tops.setdefault(rendered.anchors[block_id].page, (block_id, kind))
    return tops


def test_a_short_document_never_starts_at_an_answer_that_is_a_list(guide):
    """A list's top margin is dropped at the top of a page after a break, and kept on a
    document's first page: laid out from there, every glyph on the page sat 2 pt lower than in a
    whole render. In this guide the answer to 7.4, a list from its first line, begins a page."""
    tops = _key_pages(guide)
    page = next(page for page, (block_id, kind) in tops.items() if block_id == "key-q7-4")
    assert tops[page][1] == "b"
    line = _answer_line(guide, 7, 7)  # on the same page, after it
    _edit(guide, 7, line, line.replace(".", "!", 1))
    rendered = _rebuild_and_compare(guide)
    started = _from_page(rendered)
    assert started and all(_first_page(key) <= page for key in started), (page, started)


def _png(path, width: int, height: int) -> None:
    """A plain grey PNG of that size."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_an_image_replaced_in_a_kept_page_is_the_new_one(tmp_path, monkeypatch):
    """The pages before an edit are kept only if their answers are the same, files they show
    included: a figure replaced under the same name in the same build is shown as it is now."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _guide(tmp_path)
    (tmp_path / "content" / "images").mkdir()
    _png(tmp_path / "content" / "images" / "fig.png", 120, 40)
    line = _answer_line(tmp_path, 1, 2)
    _edit(tmp_path, 1, line, line + " ![a figure](images/fig.png)")
    assert run_cli(cwd=tmp_path).returncode == 0
    _png(tmp_path / "content" / "images" / "fig.png", 120, 160)  # taller: the text after it moves
    line = _answer_line(tmp_path, 7, 7)
    _edit(tmp_path, 7, line, line.replace(".", "!", 1))
    _rebuild_and_compare(tmp_path)
