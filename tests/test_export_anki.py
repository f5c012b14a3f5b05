"""`studyguide export anki`: an .apkg that Anki itself imports, one subdeck per chapter, the same
bytes from the same input, and notes that keep their ids, so a re-import after an edit updates
them instead of adding copies."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conftest import CONTENT, run_cli
from pdfread import squash
from studyguide.layout.content import ContentRenderer
from studyguide.fonts import needs_glyph
from studyguide.markdown import visible_text

EPOCH = "1700000000"


def export(content: Path, out: Path, epoch: str | None = EPOCH, *more: str) -> bytes:
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    # outside the repository, so that its own studyguide.toml (found from the content upwards)
    # plays no part
    if content == CONTENT:
        content = out.parent / "seed-content"
        if not content.exists():
            shutil.copytree(CONTENT, content)
    result = run_cli("export", "anki", str(content), "--out", str(out), *more, env=env, cwd=out.parent)
    assert result.returncode == 0, result.stderr
    assert "flashcards.apkg" in result.stdout and "113" in result.stdout
    return (out / "flashcards.apkg").read_bytes()


def collection(package: bytes, folder: Path) -> sqlite3.Connection:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "collection.anki2").write_bytes(zipfile.ZipFile(io.BytesIO(package)).read("collection.anki2"))
    return sqlite3.connect(folder / "collection.anki2")


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> bytes:
    return export(CONTENT, tmp_path_factory.mktemp("anki"))


@pytest.fixture(scope="module")
def db(package, tmp_path_factory) -> sqlite3.Connection:
    return collection(package, tmp_path_factory.mktemp("db"))


def test_the_same_input_gives_the_same_bytes(package, tmp_path):
    assert export(CONTENT, tmp_path / "again") == package
    # without SOURCE_DATE_EPOCH the date comes from the content files, which did not change
    assert export(CONTENT, tmp_path / "a", None) == export(CONTENT, tmp_path / "b", None)


def test_113_notes_with_distinct_ids_in_one_subdeck_per_chapter(db, guide):
    notes = db.execute("SELECT id, guid, flds, tags, mod FROM notes ORDER BY id").fetchall()
    assert len(notes) == 113
    assert len({note[1] for note in notes}) == 113 and len({note[0] for note in notes}) == 113
    assert {note[4] for note in notes} == {int(EPOCH)}
    decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    names = {int(deck_id): deck["name"] for deck_id, deck in decks.items()}
    expected = {"复习题"} | {f"复习题::第 {c.number} 章 {c.title}" for c in guide.chapters}
    assert expected <= set(names.values())
    renderer = ContentRenderer([CONTENT])
    rows = db.execute("SELECT n.flds, n.tags, c.did, c.due FROM notes n JOIN cards c ON c.nid = n.id "
                      "ORDER BY c.due").fetchall()
    assert len(rows) == 113
    for number, ((fields, tags, deck, due), card) in enumerate(zip(rows, guide.cards), start=1):
        assert due == number  # new cards come up in the guide's order
        question, answer, label, chapter = fields.split("\x1f")
        assert label == card.label
        assert names[deck] == f"复习题::{chapter}" == f"复习题::第 {card.chapter} 章 {guide.chapters[card.chapter_index - 1].title}"
        assert f" 第{card.chapter}章 " in tags
        source = guide.chapters[card.chapter_index - 1]
        assert squash(visible_text(question)) == squash(visible_text(renderer.html(card.question, source)))
        assert squash(visible_text(answer)) == squash(visible_text(renderer.html(card.answer, source)))


def test_the_cards_carry_the_bundled_fonts(db, package):
    archive = zipfile.ZipFile(io.BytesIO(package))
    media = json.loads(archive.read("media"))
    fonts = sorted(name for name in media.values() if name.endswith(".woff"))
    assert len(fonts) == 3 and all(name.startswith("_studyguide-") for name in fonts)
    models = json.loads(db.execute("SELECT models FROM col").fetchone()[0])
    ours = [model for model in models.values() if model["name"].endswith("studyguide")]
    assert len(ours) == 1
    css = ours[0]["css"]
    for name in fonts:
        assert f'url("{name}")' in css
    assert '"SG Sans SC"' in css and ".nightMode" in css
    assert [field["name"] for field in ours[0]["flds"]] == ["问题", "答案", "编号", "章节"]
    assert "{{问题}}" in ours[0]["tmpls"][0]["qfmt"] and "{{答案}}" in ours[0]["tmpls"][0]["afmt"]
    text = "".join(visible_text(row[0]) for row in db.execute("SELECT flds FROM notes"))
    regular = next(name for name in fonts if "sg-sans-sc-400" in name)
    number = next(key for key, value in media.items() if value == regular)
    cmap = TTFont(io.BytesIO(archive.read(number))).getBestCmap()
    assert {ch for ch in text if needs_glyph(ch) and ord(ch) not in cmap} == set()


def _edited_content(folder: Path) -> Path:
    shutil.copytree(CONTENT, folder)
    chapter = folder / "ch01.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("输入、隐藏和输出层", "输入层、隐藏层和输出层（已修订）"), encoding="utf-8")
    return folder


def test_an_edit_keeps_every_id(package, db, tmp_path):
    edited = export(_edited_content(tmp_path / "content"), tmp_path / "out", "1700000100")
    after = collection(edited, tmp_path / "db")
    before_ids = db.execute("SELECT guid FROM notes ORDER BY guid").fetchall()
    assert after.execute("SELECT guid FROM notes ORDER BY guid").fetchall() == before_ids
    old = dict(db.execute("SELECT guid, flds FROM notes"))
    new = dict(after.execute("SELECT guid, flds FROM notes"))
    changed = [guid for guid in old if old[guid] != new[guid]]
    assert len(changed) == 1 and "（已修订）" in new[changed[0]]


def test_anki_updates_its_notes_on_a_second_import(package, tmp_path):
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    first = tmp_path / "first.apkg"
    first.write_bytes(package)
    second = tmp_path / "second.apkg"
    second.write_bytes(export(_edited_content(tmp_path / "content"), tmp_path / "out", "1700000100"))
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        logs = []
        for path in (first, second):
            request = ImportAnkiPackageRequest(package_path=str(path),
                                               options=ImportAnkiPackageOptions(with_scheduling=False))
            logs.append(col.import_anki_package(request).log)
        assert len(logs[0].new) == 113
        assert len(logs[1].new) == 0 and len(logs[1].updated) >= 1
        assert col.note_count() == 113
        answers = [col.get_note(nid).fields[1] for nid in col.find_notes("")]
        assert sum("（已修订）" in answer for answer in answers) == 1
        assert not any("输入、隐藏和输出层" in answer for answer in answers)
        decks = {deck.name for deck in col.decks.all_names_and_ids()}
        assert "复习题" in decks and "复习题::第 1 章 人工神经网络基础" in decks
        fonts = [name for name in os.listdir(col.media.dir()) if name.startswith("_studyguide-")]
        notetype = next(model for model in col.models.all() if model["name"].endswith("studyguide"))
        # the note type follows the newer package, and points at fonts Anki has
        used = re.findall(r'url\("([^"]+)"\)', notetype["css"])
        assert len(used) == 3 and set(used) <= set(fonts)
    finally:
        col.close()


def test_reimport_after_one_edit_updates_exactly_that_note(tmp_path):
    """The same guide exported before and after an edit to one answer: Anki's own importer
    updates one note, since every other note keeps the time it had."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    guide = tmp_path / "guide"
    shutil.copytree(CONTENT, guide / "content")
    out = guide / "out"
    first = tmp_path / "first.apkg"
    first.write_bytes(export(guide / "content", out, None))
    chapter = guide / "content" / "ch01.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("输入、隐藏和输出层", "输入层、隐藏层和输出层（已修订）"),
                       encoding="utf-8")
    os.utime(chapter, (os.stat(chapter).st_atime, os.stat(chapter).st_mtime + 100))  # saved later
    second = tmp_path / "second.apkg"
    second.write_bytes(export(guide / "content", out, None))
    times = [dict(collection(package, tmp_path / name).execute("SELECT guid, mod FROM notes"))
             for package, name in ((first.read_bytes(), "db1"), (second.read_bytes(), "db2"))]
    assert len(times[0]) == 113 and times[0].keys() == times[1].keys()
    assert sum(times[0][guid] != times[1][guid] for guid in times[0]) == 1
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        logs = []
        for path in (first, second):
            request = ImportAnkiPackageRequest(package_path=str(path),
                                               options=ImportAnkiPackageOptions(with_scheduling=False))
            logs.append(col.import_anki_package(request).log)
        assert len(logs[0].new) == 113
        assert len(logs[1].new) == 0 and len(logs[1].updated) == 1
        assert "（已修订）" in logs[1].updated[0].fields[1]
        assert col.note_count() == 113
    finally:
        col.close()


def test_an_untitled_guide_and_a_titled_one_do_not_share_ids(db, tmp_path):
    (tmp_path / "studyguide.toml").write_text('[guide]\ntitle = "计算机视觉"\n', encoding="utf-8")
    titled = export(CONTENT, tmp_path / "out", EPOCH, "--config", str(tmp_path / "studyguide.toml"))
    other = collection(titled, tmp_path / "db")
    assert not set(other.execute("SELECT guid FROM notes")) & set(db.execute("SELECT guid FROM notes"))
    decks = json.loads(other.execute("SELECT decks FROM col").fetchone()[0])
    assert "计算机视觉::第 1 章 人工神经网络基础" in {deck["name"] for deck in decks.values()}


def test_english_content_gets_english_names(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "ch1.md").write_text("# Chapter 1 Basics\n\n1.  What is a tensor?\n    An array.\n", encoding="utf-8")
    result = run_cli("export", "anki", str(content), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    db = collection((tmp_path / "out" / "flashcards.apkg").read_bytes(), tmp_path / "db")
    models = json.loads(db.execute("SELECT models FROM col").fetchone()[0])
    model = next(model for model in models.values() if model["name"].endswith("studyguide"))
    assert model["name"] == "Study guide · studyguide" and model["tmpls"][0]["name"] == "Question and answer"
    assert [field["name"] for field in model["flds"]] == ["Question", "Answer", "Number", "Chapter"]
    decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    assert "Study guide::Chapter 1 Basics" in {deck["name"] for deck in decks.values()}
    assert db.execute("SELECT tags FROM notes").fetchone()[0].split() == ["chapter-1"]


def test_images_go_along_as_media(tmp_path):
    from test_study import tiny_png

    content = tmp_path / "content"
    content.mkdir()
    (content / "dot.png").write_bytes(tiny_png())
    (content / "ch1.md").write_text("# 第 1 章 图\n\n1.  这是什么？\n    一个点：![点](dot.png)\n", encoding="utf-8")
    result = run_cli("export", "anki", str(content), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    package = (tmp_path / "out" / "flashcards.apkg").read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(package))
    media = json.loads(archive.read("media"))
    image = next(name for name in media.values() if name.endswith(".png"))
    assert re.fullmatch(r"dot-[0-9a-f]{12}\.png", image)
    number = next(key for key, value in media.items() if value == image)
    assert archive.read(number) == tiny_png()
    answer = collection(package, tmp_path / "db").execute("SELECT flds FROM notes").fetchone()[0].split("\x1f")[1]
    assert f'<img src="{image}" alt="点">' in answer and "file:" not in answer
