"""What `watch` keeps in memory between builds (each file's reading, each chapter's HTML, font data)
is dropped when what it came from changes: content, settings, layouts and fonts."""

import filecmp
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time

import pytest
from PIL import Image

from conftest import ROOT
from studyguide.fonts import bundled, subset
from studyguide.layout import chapter_views
from studyguide.layout.content import ContentRenderer
from studyguide.read import read_guide
from studyguide.read.settings import Markers, ReadSettings
from watching import Session

FIRST = """# 第 1 章 光合作用

1. 叶绿体在哪里？
    在叶肉细胞里。

2. 光反应产生什么？
    氧气和 ATP。
"""

SECOND = """# 第 2 章 呼吸作用

1. 线粒体做什么？
    把葡萄糖分解，放出能量。
"""


def _write(path, text):
    path.write_text(text, encoding="utf-8")


# -- in one process, the way watch builds again and again ---------------------------------------

def test_an_unchanged_file_still_meets_the_checks_that_span_files(tmp_path):
    _write(tmp_path / "a.md", FIRST)
    _write(tmp_path / "b.md", SECOND)
    first = read_guide([tmp_path])
    assert [c.number for c in first.chapters] == [1, 2]
    assert not [d for d in first.diagnostics if d.code == "SG202"]

    # only b.md changes, to the number a.md (unchanged, kept) already has
    _write(tmp_path / "b.md", SECOND.replace("第 2 章", "第 1 章"))
    second = read_guide([tmp_path])
    twice = [d for d in second.diagnostics if d.code == "SG202"]
    assert len(twice) == 1 and twice[0].location.path.name == "b.md"
    assert second.chapters[0].cards == first.chapters[0].cards  # a.md read as before


def test_the_guide_language_is_worked_out_from_every_file_each_time(tmp_path):
    _write(tmp_path / "a.md", FIRST)
    english = "# Chapter 2 Cells\n\n1. What does a cell wall do?\n    It keeps the cell's shape and guards it.\n"
    _write(tmp_path / "b.md", english)
    assert read_guide([tmp_path]).language == "zh-CN"
    # a.md stays as it was; b.md grows enough English to outweigh it
    _write(tmp_path / "b.md", english + "".join(
        f"\n{n}. Which organelle makes proteins, number {n}?\n    The ribosome, reading messenger RNA.\n"
        for n in range(2, 12)))
    assert read_guide([tmp_path]).language == "en"


def test_the_same_bytes_read_with_other_settings_are_read_again(tmp_path):
    _write(tmp_path / "a.md", "# Terms\n\nQ: What is osmosis?\nA: Water crossing a membrane.\n\n"
                              "K: What is diffusion?\nL: Particles spreading out.\n")

    def questions(question, answer):
        reading = ReadSettings(format="labels", markers=Markers(question=question, answer=answer))
        return [card.question for card in read_guide([tmp_path], reading=reading).cards]

    assert questions("Q:", "A:") == ["What is osmosis?"]
    assert questions("K:", "L:") == ["What is diffusion?"]
    assert questions("Q:", "A:") == ["What is osmosis?"]


def test_a_chapter_with_an_image_is_rendered_again_when_the_image_appears(tmp_path):
    _write(tmp_path / "a.md", "# 第 1 章 细胞\n\n1. 细胞长什么样？\n    ![细胞](cell.png)\n")

    def answer():
        guide = read_guide([tmp_path])
        views = chapter_views(guide, ContentRenderer([tmp_path]), "zh-CN")
        return str(views[0].cards[0].answer)

    missing = answer()
    assert "<img" not in missing and "cell.png" in missing  # shown as text while the file is absent
    Image.new("RGB", (8, 6), "green").save(tmp_path / "cell.png")
    shown = answer()
    assert "<img" in shown and "cell.png" in shown


def test_a_font_replaced_in_place_is_read_again(tmp_path):
    folder = tmp_path / "fonts"
    shutil.copytree(bundled().folder, folder)
    fonts = bundled(folder)
    assert ord("叶") in fonts.covered("SC")
    for name in ("NotoSansSC-Regular.otf", "NotoSerifSC-Regular.otf"):
        cut = subset(folder / name, set("0123456789ABC"))
        path = folder / name
        path.write_bytes(cut)  # same path: only what the file holds, and its size and time, changed
    assert ord("叶") not in fonts.covered("SC")
    assert ord("A") in fonts.covered("SC")


def test_a_cut_font_damaged_after_it_was_checked_is_found(tmp_path):
    from studyguide.fonts import _intact

    cut = tmp_path / "cut-0-abc.otf"
    data = subset(bundled().folder / "NotoSansMono-Regular.ttf", set("0123456789"))
    cut.write_bytes(data)
    (tmp_path / "cut-0-abc.otf.sha256").write_text(hashlib.sha256(data).hexdigest(), encoding="ascii")
    assert _intact(cut, bundled().folder) and _intact(cut, bundled().folder)  # the second from memory
    before = cut.stat()
    cut.write_bytes(bytes(len(data)))  # the same size, and then the same time as before
    os.utime(cut, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert not _intact(cut, bundled().folder)


# -- a watch session: every kind of change shows in the outputs, as a fresh build makes them ------

def _save(path, data):
    """Saved as editors save: written beside it under a hidden name, then moved over it, so the
    watcher sees one change (and one build), never a half-written file."""
    partial = path.with_name(f".{path.name}.part")
    partial.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(partial, path)


def _mono_url(html: str) -> str:
    found = re.search(r'font-family: "SG Mono";[^}]*?src: url\("(data:[^"]+)"\)', html)
    assert found, "no SG Mono face in the page"
    return found.group(1)


def test_watch_rebuilds_show_every_change_as_a_fresh_build_would(tmp_path):
    project = tmp_path / "guide"
    content = project / "content"
    content.mkdir(parents=True)
    _write(content / "a.md", FIRST)
    _write(content / "b.md", SECOND)
    shutil.copytree(bundled().folder, project / "fonts")
    (project / "layouts").mkdir()
    screen = (ROOT / "layouts" / "screen.css").read_text(encoding="utf-8")
    _write(project / "layouts" / "screen.css", screen)
    settings = '[guide]\ntitle = "生物复习"\n\n[build]\noutputs = ["html", "study"]\nfonts = "fonts"\n'
    _write(project / "studyguide.toml", settings)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", XDG_CACHE_HOME=str(tmp_path / "cache"))
    session = Session(project, env=env)
    out = project / "out"
    try:
        session.wait_for("^watching")
        questions = (out / "questions.html").read_text(encoding="utf-8")
        assert "线粒体做什么" in questions and "生物复习" in questions
        old_mono = _mono_url(questions)

        # content: one file edited, the other kept; both in the pages
        time.sleep(0.5)
        _save(content / "b.md", SECOND.replace("放出能量", "放出能量和二氧化碳"))
        assert any("2 chapters, 3 cards" in line for line in session.rebuilt())
        answers = (out / "answers.html").read_text(encoding="utf-8")
        assert "放出能量和二氧化碳" in answers and "氧气和 ATP" in answers

        # a check across files: b.md takes a.md's chapter number while a.md stays as read
        _save(content / "b.md", SECOND.replace("第 2 章", "第 1 章").replace("放出能量", "放出能量和水"))
        lines = session.rebuilt()
        assert any("SG202" in line and "b.md" in line for line in lines), lines
        assert "放出能量和水" in (out / "answers.html").read_text(encoding="utf-8")
        _save(content / "b.md", SECOND.replace("放出能量", "放出能量和二氧化碳"))
        lines = session.rebuilt()
        assert any("2 chapters, 3 cards" in line for line in lines) and not any("SG202" in line for line in lines)

        # settings: a new title
        _save(project / "studyguide.toml", settings.replace("生物复习", "期末生物复习"))
        session.rebuilt()
        assert "期末生物复习" in (out / "questions.html").read_text(encoding="utf-8")
        assert "期末生物复习" in (out / "study.html").read_text(encoding="utf-8")
        # saved again the same way: the new file that replaced the old one is watched too
        _save(project / "studyguide.toml", settings.replace("生物复习", "期中生物复习"))
        session.rebuilt()
        assert "期中生物复习" in (out / "questions.html").read_text(encoding="utf-8")

        # layouts: the guide's own screen.css gains a rule
        _save(project / "layouts" / "screen.css", screen + "\n.warm-check { color: #123456; }\n")
        session.rebuilt()
        assert ".warm-check { color: #123456; }" in (out / "questions.html").read_text(encoding="utf-8")

        # fonts: the mono face replaced in place by a smaller cut of itself
        mono = project / "fonts" / "NotoSansMono-Regular.ttf"
        _save(mono, subset(mono, set("0123456789abcdefghijklmnopqrstuvwxyz")))
        session.rebuilt()
        assert _mono_url((out / "questions.html").read_text(encoding="utf-8")) != old_mono
    finally:
        session.stop()
    assert session.process.returncode == 130

    # every output as a fresh build of the same guide, in the same folder, makes it
    watched = tmp_path / "watched"
    shutil.copytree(out, watched)
    env["XDG_CACHE_HOME"] = str(tmp_path / "fresh-cache")
    subprocess.run([sys.executable, str(ROOT / "compile.py"), "build", "--force"], cwd=project, env=env,
                   check=True, capture_output=True)
    names = sorted(os.listdir(out))
    assert names == ["answers.html", "questions.html", "study.html"]
    assert names == sorted(os.listdir(watched))
    assert [name for name in names if not filecmp.cmp(out / name, watched / name, shallow=False)] == []


if __name__ == "__main__":
    pytest.main([__file__])


def test_watch_on_an_up_to_date_guide_gets_ready_without_writing_anything(tmp_path):
    """Outputs found up to date are built all the same before watching begins, silently and from
    the cache (the guide read, the layouts compiled, the workers' fonts loaded), so that the first
    save is as quick as the next: nothing is written, nothing is said but "up to date"."""
    project = tmp_path / "guide"
    (project / "content").mkdir(parents=True)
    _write(project / "content" / "a.md", FIRST)
    _write(project / "studyguide.toml", '[guide]\ntitle = "生物复习"\n\n[build]\noutputs = ["flashcards", "html"]\n')
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    first = subprocess.run([sys.executable, str(ROOT / "compile.py")], cwd=project, env=env, capture_output=True,
                           text=True)
    assert first.returncode == 0, first.stderr
    out = project / "out"
    written = {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in out.iterdir()}
    assert set(written) == {"flashcards.pdf", "questions.html", "answers.html"}
    manifest = next((tmp_path / "cache").rglob("manifest.json"))
    recorded = manifest.stat().st_mtime_ns
    time.sleep(0.05)
    session = Session(project, env=env)
    try:
        lines = session.wait_for("^watching")
        assert any(line.endswith("up to date") for line in lines), lines
        assert not any(re.search(r"\d+ chapters?, \d+ cards?|rendered", line) for line in lines), lines
        assert manifest.stat().st_mtime_ns > recorded  # the build ran, from the cache
        assert {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in out.iterdir()} == written
        time.sleep(0.5)  # the watcher starts on its folders just after saying so
        _save(project / "content" / "a.md", FIRST.replace("氧气和 ATP", "氧气、ATP 和 NADPH"))
        lines = session.rebuilt()
        assert any("1 chapter, 2 cards" in line for line in lines), lines
        assert "NADPH" in (out / "answers.html").read_text(encoding="utf-8")
    finally:
        session.stop()
