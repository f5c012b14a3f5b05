"""A flip or a back offset after a build lays out no card: the backs are rendered once, in one
arrangement, and their cards moved where the asked flip and offset put them. Read back, the
result has the same pages, text, glyph positions and links as a build that renders every back in
place (`--force`, no cache), and as a first build with the setting.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from conftest import CONTENT, FIXTURES, rendered_pieces, run_cli
from studyguide.geometry.drawings import GUIDE_GREY

MM = 72 / 25.4

LINKS = """# Chapter 3: Links on cards

1. Where is the format of a PDF page's content written down?
   In the PDF reference, section "Content Streams"; a copy is at
   [the standards body](https://www.iso.org/standard/75839.html), and a free summary at
   [a reader's notes](https://example.org/pdf-notes).

2. What does `q` do in a content stream? See [operators](https://example.org/operators).
   It saves the graphics state: the matrix, the clip and the colours, until the matching `Q`.

3. Name three things a card may hold.
   Code such as `print(42)`, a table, and a formula such as $a^2 + b^2 = c^2$.
"""


def _make(folder: Path, *settings: str) -> Path:
    """Four chapters: code, a table, maths, an image and links among them (24 cards, 3 sheets)."""
    (folder / "content").mkdir(parents=True)
    shutil.copy(FIXTURES / "rich" / "ch01.md", folder / "content" / "ch01.md")
    shutil.copytree(FIXTURES / "rich" / "images", folder / "content" / "images")
    for name in ("ch02.md", "ch16.md"):
        shutil.copy(CONTENT / name, folder / "content" / name)
    (folder / "content" / "ch03.md").write_text(LINKS, encoding="utf-8")
    (folder / "studyguide.toml").write_text('[guide]\ntitle = "卡片"\n\n[build]\noutputs = ["flashcards"]\n'
                                            + "".join(settings), encoding="utf-8")
    return folder


def _read(pdf: Path) -> list[dict]:
    """Each page's glyphs (text, x, y; and with their colour), its text as extracted, its links (URI
    and rectangle), its colour bands, and its lines, cut guides among them (ends, width, colour,
    and how many lengths their dash pattern has: 0 solid)."""
    with pdfplumber.open(pdf) as document:
        return [{"glyphs": sorted((c["text"], c["x0"], c["top"]) for c in page.chars),
                 "inks": sorted((c["text"], round(c["x0"], 1), round(c["top"], 1),
                                 tuple(round(v, 3) for v in c["non_stroking_color"] or ())) for c in page.chars),
                 "bands": sorted((round(r["x0"], 2), round(r["top"], 2), round(r["x1"], 2), round(r["bottom"], 2),
                                  tuple(round(v, 3) for v in r["non_stroking_color"] or ()))
                                 for r in page.rects if r["fill"] and abs(r["height"] / MM - 0.9) < 0.05
                                 and r["width"] / MM > 20),
                 "text": page.extract_text(),
                 "links": sorted((link["uri"], link["x0"], link["top"], link["x1"], link["bottom"])
                                 for link in page.hyperlinks),
                 "guides": sorted((round(line["x0"], 2), round(line["top"], 2), round(line["x1"], 2),
                                   round(line["bottom"], 2), round(line["linewidth"], 2),
                                   tuple(round(v, 3) for v in line["stroking_color"] or ()),
                                   len(line["dash"][0]) if line.get("dash") else 0) for line in page.lines)}
                for page in document.pages]


def _assert_same(pdf: Path, reference: Path) -> None:
    ours, theirs = _read(pdf), _read(reference)
    assert len(ours) == len(theirs) == 6  # three sheets, front and back
    links = 0
    for number, (mine, other) in enumerate(zip(ours, theirs)):
        assert mine["glyphs"], f"page {number + 1} has no text"
        # the same characters, each once: nothing drawn twice under clips
        assert [g[0] for g in mine["glyphs"]] == [g[0] for g in other["glyphs"]], number
        for (text, x, y), (_, x2, y2) in zip(mine["glyphs"], other["glyphs"]):
            assert abs(x - x2) <= 0.01 and abs(y - y2) <= 0.01, (number, text, x, x2, y, y2)
        assert mine["text"] == other["text"], number
        assert len(mine["links"]) == len(other["links"]), number
        for link, link2 in zip(mine["links"], other["links"]):
            assert link[0] == link2[0] and link[1:] == pytest.approx(link2[1:], abs=0.01), (number, link, link2)
        links += len(mine["links"])
        assert mine["guides"] == other["guides"], number
        assert mine["inks"] == other["inks"], number  # the labels in their chapter's colour with --band
        assert mine["bands"] == other["bands"], number
    assert links >= 4  # on fronts and on backs


SETTINGS = {"flip": ("--flip", "short"), "offset": ("--back-offset", "1.5,-2"),
            "both": ("--flip", "short", "--back-offset", "-1,0.5"), "marks": ("--cut", "marks"),
            "no guides": ("--cut", "none"), "bands": ("--band",),
            "all": ("--flip", "short", "--back-offset", "-1,0.5", "--cut", "marks", "--band")}


@pytest.fixture(scope="module")
def guide(tmp_path_factory) -> Path:
    """The guide built once with the default flip and no offset: its cache is full."""
    folder = _make(tmp_path_factory.mktemp("flip") / "guide")
    result = run_cli("--verbose", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert rendered_pieces(result).get("flashcards:sheets:0") is True
    return folder


def _in_place(tmp_path: Path, *args: str, edit=None) -> Path:
    """flashcards.pdf with every back rendered in place: no cache, nothing moved."""
    folder = _make(tmp_path / "in-place")
    if edit:
        edit(folder)
    result = run_cli("--force", *args, cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "out" / "flashcards.pdf"


def _kept(folder: Path):
    """The cache of the guide's last build, and the key of the record it kept for moving cards
    without reading the guide."""
    import json

    from studyguide.cache import JobCache, cache_folder, placement_key

    cache_dir = cache_folder(folder.resolve())
    stamp = json.loads((cache_dir / "manifest.json").read_text(encoding="utf-8"))["fingerprint"]
    cache = JobCache(cache_dir)
    return cache, placement_key(cache, stamp)


def _forget_placement(folder: Path) -> None:
    """Remove what the last full build kept for moving cards without reading the guide, so that the
    next build reads it, finds its sheets in the cache and moves their cards (the way taken when
    that record is gone, damaged or does not serve)."""
    cache, key = _kept(folder)
    path = cache._path(key)
    assert path.is_file()
    path.unlink()


def _moved_without_reading(result) -> None:
    """The build read nothing and rendered nothing: no piece, not even one from the cache."""
    assert result.returncode == 0, result.stderr
    assert rendered_pieces(result) == {}, result.stdout
    assert "0 pieces rendered, 0 from cache" in result.stdout, result.stdout


@pytest.mark.parametrize("way", ["kept", "read"])
@pytest.mark.parametrize("setting", SETTINGS)
def test_a_flip_back_offset_or_cut_guides_after_a_build_lay_out_no_card(guide, tmp_path, setting, way):
    """The backs' cards are moved and the cut guides drawn over the sheets when they are joined:
    what prints is what a build rendering every sheet in place with its guides prints. `kept`:
    from what the last build kept, without reading the guide; `read`: with that record gone, the
    guide read and the sheets found in the cache."""
    args = SETTINGS[setting]
    assert run_cli(cwd=guide).returncode == 0  # the last build: default flip, no offset
    if way == "read":
        _forget_placement(guide)
    result = run_cli("--verbose", *args, cwd=guide)
    assert result.returncode == 0, result.stderr
    if way == "kept":
        _moved_without_reading(result)
    else:
        rendered = rendered_pieces(result)
        assert rendered.get("flashcards:sheets:0") is False  # taken from the cache
        assert not any(rendered.values()), rendered  # nothing laid out, nothing measured
    _assert_same(guide / "out" / "flashcards.pdf", _in_place(tmp_path, *args))
    grey = tuple(round(int(GUIDE_GREY[i:i + 2], 16) / 255, 3) for i in (1, 3, 5))
    guides = [line for page in _read(guide / "out" / "flashcards.pdf") for line in page["guides"] if line[5] == grey]
    if "--cut" in args and args[args.index("--cut") + 1] == "none":
        assert not guides
    else:  # dashed lines between the cards, or solid crop marks outside the grid
        assert guides and {line[-1] for line in guides} == ({0} if "marks" in args else {2})
    bands = [band for page in _read(guide / "out" / "flashcards.pdf") for band in page["bands"]]
    assert bool(bands) == ("--band" in args)
    if bands:  # one colour per chapter, four chapters
        assert len({band[-1] for band in bands}) == 4


@pytest.mark.parametrize("args", [SETTINGS["all"], ("--back-offset", "1.5,-2", "--cut", "none"),
                                  ("--card", "poker", "--gap", "3", "--band")])
def test_cards_moved_from_what_a_build_kept_are_the_bytes_the_guide_read_again_gives(tmp_path, args):
    """Made without reading the guide, flashcards.pdf is byte for byte what the same move makes
    after reading the guide and finding its sheets in the cache."""
    base = ("--card", "poker") if "poker" in args else ()
    folder = _make(tmp_path / "guide")
    assert run_cli(*base, cwd=folder).returncode == 0
    _moved_without_reading(run_cli(*args, cwd=folder))
    kept = (folder / "out" / "flashcards.pdf").read_bytes()
    assert run_cli(*base, cwd=folder).returncode == 0  # back as built, again without reading
    _forget_placement(folder)
    again = run_cli("--verbose", *args, cwd=folder)
    assert again.returncode == 0, again.stderr
    assert rendered_pieces(again).get("flashcards:sheets:0") is False
    assert (folder / "out" / "flashcards.pdf").read_bytes() == kept


def test_the_backs_really_move(guide, tmp_path):
    """The flip puts each answer elsewhere on its back: the comparison above is not of equals."""
    run_cli(cwd=guide)
    default = _read(guide / "out" / "flashcards.pdf")
    short = _read(_in_place(tmp_path, "--flip", "short"))
    assert default[0]["glyphs"] == short[0]["glyphs"]  # a front stays
    assert default[1]["glyphs"] != short[1]["glyphs"]
    assert sorted(g[0] for g in default[1]["glyphs"]) == sorted(g[0] for g in short[1]["glyphs"])


@pytest.mark.parametrize("args, renders", [
    (("--flip", "short", "--back-offset", "2,1", "--chunk-cards", "8"), 3),  # one render per sheet
    (("--card", "poker", "--cut", "marks", "--band", "--flip", "short", "--back-offset", "-1.5,2"), 1),
])
def test_a_first_build_with_a_flip_and_offset_prints_what_one_in_place_does(tmp_path, args, renders):
    """With an empty cache the backs are moved too (in each render; on cards with margins, crop
    marks and colour bands too): the same pages as a build rendering them in place."""
    folder = _make(tmp_path / "first")
    result = run_cli("--verbose", *args, cwd=folder)
    assert result.returncode == 0, result.stderr
    rendered = rendered_pieces(result)
    assert [rendered.get(f"flashcards:sheets:{n}") for n in range(renders + 1)] == [True] * renders + [None]
    assert not any(key.endswith(":placed") for key in rendered)  # moved, not rendered in place
    _assert_same(folder / "out" / "flashcards.pdf", _in_place(tmp_path, *args))


def _edit(folder: Path) -> None:
    chapter = folder / "content" / "ch03.md"
    text = chapter.read_text(encoding="utf-8")
    assert text.count("until the matching") == 1
    chapter.write_text(text.replace("until the matching", "up to the matching"), encoding="utf-8")


def test_an_edit_with_a_new_flip_lays_out_only_the_edited_sheet(tmp_path):
    folder = _make(tmp_path / "edited")
    assert run_cli(cwd=folder).returncode == 0
    _edit(folder)
    result = run_cli("--verbose", "--flip", "short", cwd=folder)
    assert result.returncode == 0, result.stderr
    sheets = {key for key, done in rendered_pieces(result).items() if done and ":sheets:" in key}
    assert sheets == {"flashcards:sheets:0:changed"}  # one sheet, alone; the others from the cache
    reference = _in_place(tmp_path, "--flip", "short", edit=_edit)
    _assert_same(folder / "out" / "flashcards.pdf", reference)
    # read in drawing order (pdfplumber reads the two columns' lines interleaved)
    drawn = "".join("".join(page.extract_text().split()) for page in PdfReader(reference).pages)
    assert "uptothematching" in drawn and "untilthematching" not in drawn


def test_a_back_not_drawn_as_expected_is_not_moved(guide):
    """A page whose cards are not where the arrangement says is left alone: None, and the
    sheets are rendered in place instead."""
    from studyguide.geometry.sheets import PRESETS
    from studyguide.printing.backs import CardMove, PageMove, move_cards

    run_cli(cwd=guide)
    pdf = (guide / "out" / "flashcards.pdf").read_bytes()
    stock = PRESETS["a7"]
    slots = [stock.slot(stock.back_index(index, "long")) for index in range(stock.per_sheet)]

    def move(shift_mm: float) -> list[PageMove]:
        return [PageMove(1, tuple(CardMove(slot.x_mm + shift_mm, slot.y_mm, slot.width_mm, slot.height_mm, 0, 10)
                                  for slot in slots))]

    moved = move_cards(pdf, move(0))
    assert moved is not None and moved != pdf
    assert move_cards(pdf, move(1.0)) is None  # no card's background where the cards should be
    assert move_cards(pdf, [PageMove(1, move(0)[0].cards[:-1])]) is None  # a card more than said
    assert move_cards(pdf, [PageMove(0, move(0)[0].cards)]) is None  # a front: other places


def test_a_guides_own_sheet_layout_has_its_backs_rendered_where_they_go(tmp_path):
    """A guide's own layouts may draw on a sheet more than cards and guides (a bar, a logo); the
    code that moves cards cannot tell what such a drawing belongs to, so its backs are rendered
    in place, and a flip after a build prints what a build without a cache does."""
    from studyguide.resources import LAYOUTS

    def own_layout(folder: Path) -> None:
        (folder / "layouts").mkdir()
        sheet = (LAYOUTS / "flashcards.html.j2").read_text(encoding="utf-8")
        faces_end = "{% endfor %}\n</div>"  # after a sheet's cards, inside the sheet
        assert faces_end in sheet
        bar = '<div style="position: absolute; left: 5mm; bottom: 5mm; width: 30mm; height: 6mm; background: #000"></div>'
        (folder / "layouts" / "flashcards.html.j2").write_text(
            sheet.replace(faces_end, "{% endfor %}\n" + bar + "\n</div>"), encoding="utf-8")

    folder = _make(tmp_path / "own")
    own_layout(folder)
    assert run_cli(cwd=folder).returncode == 0
    args = ("--flip", "short", "--back-offset", "2,3")
    result = run_cli("--verbose", *args, cwd=folder)
    assert result.returncode == 0, result.stderr
    assert rendered_pieces(result).get("flashcards:sheets:0") is True  # laid out again, not moved
    reference = _in_place(tmp_path, *args, edit=own_layout)
    _assert_same(folder / "out" / "flashcards.pdf", reference)
    with pdfplumber.open(folder / "out" / "flashcards.pdf") as ours, pdfplumber.open(reference) as theirs:
        bars = [[(round(r["x0"], 2), round(r["top"], 2)) for r in page.rects if r["width"] > 80 and r["height"] < 20]
                for page in (ours.pages[1], theirs.pages[1])]
    assert bars[0] and bars[0] == bars[1]  # the bar stays where the layout put it



def test_a_flip_after_a_build_starts_no_render_worker(guide, tmp_path, monkeypatch):
    """Nothing is laid out, so no worker process loads WeasyPrint (a second of CPU each) for
    nothing: the build sees that only the flip and offset changed since the last one."""
    from studyguide import cli
    from studyguide.printing import pool

    assert run_cli(cwd=guide).returncode == 0  # the last build: default flip, no offset

    def refused(*args, **kwargs):
        raise AssertionError("a worker process was started")

    monkeypatch.setattr(pool.Pool, "warm", refused)
    monkeypatch.setattr(pool.Pool, "_process_pool", refused)
    monkeypatch.chdir(guide)
    args = ("--flip", "short", "--back-offset", "0.5,-1")
    assert cli.main([*args, "-q"]) == 0
    _assert_same(guide / "out" / "flashcards.pdf", _in_place(tmp_path, *args))


def test_a_flip_leaves_every_other_output_as_it_is(tmp_path):
    """The workbook, HTML pages and exports do not show where cards sit: after a flip they are
    neither made nor written again, and the build after is up to date. An output removed since
    the last build is made again, with everything else."""
    folder = _make(tmp_path / "guide")
    toml = folder / "studyguide.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('outputs = ["flashcards"]',
                                                             'outputs = ["flashcards", "html", "csv"]'),
                    encoding="utf-8")
    assert run_cli(cwd=folder).returncode == 0
    out = folder / "out"
    before = {path.name: path.stat().st_mtime_ns for path in out.iterdir()}
    assert {"flashcards.pdf", "questions.html", "answers.html"} <= set(before), before
    flipped = run_cli("--flip", "short", cwd=folder)
    assert flipped.returncode == 0, flipped.stderr
    after = {path.name: path.stat().st_mtime_ns for path in out.iterdir()}
    assert after.keys() == before.keys()
    assert [name for name in after if after[name] != before[name]] == ["flashcards.pdf"]
    rows = [line.split()[0] for line in flipped.stdout.splitlines() if line.startswith("out/")]
    assert rows == ["out/flashcards.pdf"], flipped.stdout
    _assert_same(out / "flashcards.pdf", _in_place(tmp_path, "--flip", "short"))
    assert run_cli("--flip", "short", cwd=folder).stdout.strip() == "out: up to date"
    # an output gone since: the flip's build makes it again
    (out / "answers.html").unlink()
    again = run_cli("--flip", "long", cwd=folder)
    assert again.returncode == 0, again.stderr
    assert (out / "answers.html").is_file()
    assert run_cli("--flip", "long", cwd=folder).stdout.strip() == "out: up to date"


def test_a_gap_between_the_cards_that_keeps_the_grid_lays_out_no_card(tmp_path):
    """The sheets are rendered as on the same grid with no gap, and every card, fronts too, is moved
    to its place: a gap that still fits the same cards on a sheet renders nothing again, and prints
    what a build rendering every card in its place prints."""
    folder = _make(tmp_path / "guide")
    first = run_cli("--verbose", "--card", "poker", cwd=folder)
    assert first.returncode == 0, first.stderr
    assert rendered_pieces(first).get("flashcards:sheets:0") is True
    without = _read(folder / "out" / "flashcards.pdf")
    gapped = run_cli("--verbose", "--card", "poker", "--gap", "3", cwd=folder)
    assert gapped.returncode == 0, gapped.stderr
    _moved_without_reading(gapped)
    reference = _in_place(tmp_path, "--card", "poker", "--gap", "3")
    _assert_same(folder / "out" / "flashcards.pdf", reference)
    # and the cards did move: fronts and backs, each glyph by a multiple of 3 mm (one gap a
    # column or row away from the grid's middle) or not at all, the middle card's
    moved = _read(folder / "out" / "flashcards.pdf")
    for number in (0, 1):
        shifts = {(round((x2 - x) / MM * 2) / 2, round((y2 - y) / MM * 2) / 2)
                  for (_, x, y), (_, x2, y2) in zip(without[number]["glyphs"], moved[number]["glyphs"])}
        assert {(-3.0, -3.0), (3.0, 3.0), (0.0, 0.0)} <= shifts, (number, shifts)


@pytest.mark.parametrize("args", [("--flip", "short", "--back-offset", "-1,0.5"), ("--cut", "marks", "--band"),
                                  ("--card", "poker", "--gap", "3", "--band")])
def test_guides_and_bands_drawn_at_the_join_are_those_the_templates_draw(tmp_path, args):
    """The cut guides and colour bands the join draws over the sheets are the ones cut-guides.svg.j2
    and cards.css.j2 draw when a guide has layouts of its own (a copy of the built-in ones here),
    with which every sheet is rendered in place, guides and bands and all."""
    from studyguide.resources import LAYOUTS

    ours = _make(tmp_path / "ours")
    theirs = _make(tmp_path / "theirs")
    shutil.copytree(LAYOUTS, theirs / "layouts")
    for folder in (ours, theirs):
        result = run_cli("--verbose", *args, cwd=folder)
        assert result.returncode == 0, result.stderr
    _assert_same(ours / "out" / "flashcards.pdf", theirs / "out" / "flashcards.pdf")
    pages = _read(ours / "out" / "flashcards.pdf")
    grey = tuple(round(int(GUIDE_GREY[i:i + 2], 16) / 255, 3) for i in (1, 3, 5))
    assert all(any(line[5] == grey for line in page["guides"]) for page in pages)
    assert all(page["bands"] for page in pages) == ("--band" in args)


WARNED = """# Chapter 5: Storage

1. Which table compares the three disk kinds?
   | Kind | Strength | Weakness | Typical use | Interface |
   | --- | --- | --- | --- | --- |
   | Magnetic-platter-drive | Inexpensive-capacity | Mechanical-latency | Archival-storage | SATA-connector |
   | Solid-state-flash-drive | Random-access-speed | Write-endurance | Operating-systems | NVMe-connector |

2. What is a sector?

3. What does RAID 1 do?
   It mirrors every block onto a second disk.
"""


def test_cards_moved_without_reading_report_what_the_build_that_read_them_found(tmp_path):
    """The findings of reading (a question with no answer) and of the flashcards (a table too wide
    for its card, read row by row) are said again by a build that moves the cards without reading
    the guide, as a build that reads it says them."""
    folder = _make(tmp_path / "guide")
    (folder / "content" / "ch05.md").write_text(WARNED, encoding="utf-8")
    first = run_cli(cwd=folder)
    assert first.returncode == 0, first.stderr
    said = sorted(line for line in first.stderr.splitlines() if " warning SG" in line)
    assert any("SG301" in line for line in said) and any("SG601" in line for line in said), first.stderr
    moved = run_cli("--flip", "short", cwd=folder)
    _moved_without_reading(moved)
    assert sorted(line for line in moved.stderr.splitlines() if " warning SG" in line) == said
    assert "2 warnings" in moved.stdout or f"{len(said)} warnings" in moved.stdout, moved.stdout


def test_a_record_that_does_not_serve_is_left_for_reading_the_guide(tmp_path):
    """A damaged record, a sheet render gone from the cache, or a gap that changes how many cards
    a sheet holds: the guide is read, and the cards land where a build in place puts them."""
    folder = _make(tmp_path / "guide")
    assert run_cli(cwd=folder).returncode == 0
    cache, key = _kept(folder)
    record = cache.record(key)
    chunks = record["outputs"]["flashcards"]["chunks"]
    assert len(chunks) == 1 and len(chunks[0]["pages"]) == 6  # three sheets, front and back
    # a render gone: read, and the sheets rendered again
    cache._path(chunks[0]["entry"]).unlink()
    gone = run_cli("--verbose", "--flip", "short", cwd=folder)
    assert gone.returncode == 0, gone.stderr
    assert rendered_pieces(gone).get("flashcards:sheets:0") is True
    _assert_same(folder / "out" / "flashcards.pdf", _in_place(tmp_path / "a", "--flip", "short"))
    # a damaged record: read, the sheets from the cache
    path = cache._path(key)
    path.write_bytes(path.read_bytes()[:-5])
    damaged = run_cli("--verbose", cwd=folder)
    assert damaged.returncode == 0, damaged.stderr
    assert rendered_pieces(damaged).get("flashcards:sheets:0") is False
    # a record whose pages are not on the grid: read
    record = cache.record(key)
    record["outputs"]["flashcards"]["chunks"][0]["pages"][0][1][0][3] += 1.0
    cache.put_record(key, record)
    shifted = run_cli("--verbose", "--back-offset", "1,1", cwd=folder)
    assert shifted.returncode == 0, shifted.stderr
    assert rendered_pieces(shifted).get("flashcards:sheets:0") is False
    _assert_same(folder / "out" / "flashcards.pdf", _in_place(tmp_path / "b", "--back-offset", "1,1"))
    # a gap that fits fewer cards on a sheet: laid out again
    wide = run_cli("--verbose", "--gap", "12", cwd=folder)
    assert wide.returncode == 0, wide.stderr
    assert rendered_pieces(wide).get("flashcards:sheets:0") is True


def test_cards_moved_without_reading_carry_the_date_of_the_newest_content_file(tmp_path):
    """A file touched since the last build, its text the same, moves the date the flashcards
    carry, as a build reading the guide gives it: the newest content file's time."""
    import os

    from pypdf import PdfReader

    folder = _make(tmp_path / "guide")
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    assert run_cli(cwd=folder, env=env).returncode == 0
    later = 1_900_000_000  # 2030-03-17 17:46:40 UTC
    os.utime(folder / "content" / "ch02.md", (later, later))
    _moved_without_reading(run_cli("--flip", "short", cwd=folder, env=env))
    info = PdfReader(folder / "out" / "flashcards.pdf").metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20300317174640Z"


@pytest.mark.parametrize("damage", ["nan", "huge", "slot", "escape"])
def test_a_planted_record_is_refused_not_followed(tmp_path, damage):
    """The record lives in the user's cache, but is read as strictly as anything read back: a
    number that is no finite number, a card in no slot of the grid, an entry named outside the
    cache's own keys. The guide is then read as usual, and nothing else is opened or removed."""
    folder = _make(tmp_path / "guide")
    assert run_cli(cwd=folder).returncode == 0
    cache, key = _kept(folder)
    record = cache.record(key)
    chunk = record["outputs"]["flashcards"]["chunks"][0]
    bait = tmp_path / "bait.entry"
    bait.write_bytes(b"not an entry")
    if damage == "nan":
        chunk["pages"][1][1][0][2] = float("nan")  # the middle of a card's text area, for its band
    elif damage == "huge":
        chunk["pages"][1][1][0][3] = 10 ** 400
    elif damage == "slot":
        chunk["pages"][1][1][0][0] = 10 ** 400
    else:
        chunk["entry"] = "../" * 12 + str(bait.with_suffix(""))[1:]
    cache.put_record(key, record)
    result = run_cli("--verbose", "--flip", "short", "--band", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert rendered_pieces(result).get("flashcards:sheets:0") is False  # read, and found in the cache
    assert bait.read_bytes() == b"not an entry"
    _assert_same(folder / "out" / "flashcards.pdf", _in_place(tmp_path, "--flip", "short", "--band"))
