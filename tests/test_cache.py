"""Incremental builds: nothing changed means nothing done; a change re-renders exactly what it touches."""

import shutil

import pytest

import studyguide
from conftest import CONTENT, ROOT, rendered_pieces, run_cli
from pdfread import assert_same_pages
from studyguide.cache import JobCache, fingerprint
from studyguide.config import Settings
from studyguide.printing.pool import Job

CHAPTERS = ("ch01.md", "ch02.md", "ch16.md")


@pytest.fixture
def project(tmp_path):
    """A guide of three chapters in its own folder, built once."""
    (tmp_path / "content").mkdir()
    for name in CHAPTERS:
        shutil.copy(CONTENT / name, tmp_path / "content" / name)
    (tmp_path / "studyguide.toml").write_text("[guide]\ntitle = \"缓存测试\"\n", encoding="utf-8")
    result = run_cli("--verbose", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path



def _times(folder):
    return {p.name: p.stat().st_mtime_ns for p in (folder / "out").iterdir()}


def test_nothing_changed_means_up_to_date_and_nothing_written(project):
    before = _times(project)
    result = run_cli("--verbose", cwd=project)
    assert result.returncode == 0
    assert result.stdout.strip() == "out: up to date"
    assert _times(project) == before


def test_editing_one_answer_renders_only_what_holds_it(project, monkeypatch):
    # a fixed build date: otherwise the date is the newest content file's, which the edit moves,
    # and every PDF's bytes change with it
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run_cli(cwd=project).returncode == 0
    chapter = project / "content" / "ch02.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("重塑、查看", "重塑、查看、展平"), encoding="utf-8")
    result = run_cli("--verbose", cwd=project)
    assert result.returncode == 0, result.stderr
    rendered = rendered_pieces(result)
    # the answer is in the workbook's key, the teacher's edition and on a flashcard's back ...
    assert rendered["workbook:workbook"] and rendered["workbook:teacher"]
    assert any(done for key, done in rendered.items() if key.startswith("flashcards:sheets"))
    # ... but not in the student handout, whose answer space did not change size
    assert rendered["workbook:handout"] is False
    # files with the same bytes as before are left alone, and the summary says so
    rows = {line.split()[0]: line.rstrip() for line in result.stdout.splitlines() if line.startswith("out/")}
    assert rows["out/handout.pdf"].endswith("unchanged"), result.stdout
    assert not rows["out/workbook.pdf"].endswith("unchanged"), result.stdout


def test_a_layout_change_invalidates_only_the_outputs_using_it(project):
    layouts = project / "layouts"
    layouts.mkdir()
    css = (ROOT / "layouts" / "cards.css.j2").read_text(encoding="utf-8")
    (layouts / "cards.css.j2").write_text(css + "\n.card { color: #222; }\n", encoding="utf-8")
    rendered = rendered_pieces(run_cli("--verbose", cwd=project))
    assert all(done for key, done in rendered.items() if key.startswith("flashcards:sheets"))
    assert not any(rendered[key] for key in rendered if key.startswith("workbook:"))


def test_a_layout_edited_again_is_compiled_again(project):
    """An edited layout renders what uses it again, and undoing the edit finds the first render."""
    layouts = project / "layouts"
    layouts.mkdir()
    css = (ROOT / "layouts" / "cards.css.j2").read_text(encoding="utf-8")
    # a new layout, an edit of it, and the edit undone (rendered for the first build already)
    for colour, expected in (("#222", True), ("#333", True), ("#222", False)):
        (layouts / "cards.css.j2").write_text(css + f"\n.card {{ color: {colour}; }}\n", encoding="utf-8")
        # without the outputs: a build whose outputs are all still as it wrote them is up to date
        shutil.rmtree(project / "out")
        result = run_cli("--verbose", cwd=project)
        assert result.returncode == 0, result.stderr
        rendered = rendered_pieces(result)
        sheets = [key for key in rendered if key.startswith("flashcards:sheets")]
        assert sheets and all(rendered[key] is expected for key in sheets), (colour, rendered)


def test_a_settings_change_invalidates_only_what_it_affects(project):
    settings = project / "studyguide.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "[workbook]\nanswer_space = \"box\"\n",
                        encoding="utf-8")
    rendered = rendered_pieces(run_cli("--verbose", cwd=project))
    assert rendered["workbook:handout"] and rendered["workbook:workbook"]
    assert rendered["workbook:teacher"] is False  # the teacher's edition has no answer space
    assert not any(done for key, done in rendered.items() if key.startswith("flashcards:"))


def test_a_changed_font_file_or_version_changes_the_key(tmp_path, monkeypatch):
    font = tmp_path / "face.otf"
    font.write_bytes(b"one")
    job = Job("x", f'<style>@font-face {{ src: url("{font.as_uri()}") }}</style>', "/", (str(tmp_path),), b"id")
    first = JobCache(tmp_path).key(job)
    font.write_bytes(b"two")
    assert JobCache(tmp_path).key(job) != first
    again = JobCache(tmp_path).key(job)
    monkeypatch.setattr(studyguide, "__version__", "99.0")
    import studyguide.cache as cache
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert JobCache(tmp_path).key(job) != again


def test_the_fingerprint_follows_content_settings_and_layouts(tmp_path, monkeypatch):
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("# 第 1 章-x\n\n1. 问？\n   答\n", encoding="utf-8")
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    fonts = ROOT / "fonts"
    base = fingerprint(Settings(), [content], [layouts], fonts)
    assert fingerprint(Settings(), [content], [layouts], fonts) == base
    (content / "a.md").write_text("# 第 1 章-x\n\n1. 问？\n   答案\n", encoding="utf-8")
    edited = fingerprint(Settings(), [content], [layouts], fonts)
    assert edited != base
    (layouts / "cards.css.j2").write_text("/* mine */", encoding="utf-8")
    assert fingerprint(Settings(), [content], [layouts], fonts) != edited
    from studyguide.config import override
    assert fingerprint(override(Settings(), {"cards.flip": "short"}), [content], [layouts], fonts) != \
        fingerprint(Settings(), [content], [layouts], fonts)
    # how the content is read decides the cards: a changed marker must build again
    from studyguide.config import from_mapping
    marked = from_mapping({"read": {"markers": {"question": "Q:"}}})
    assert fingerprint(marked, [content], [layouts], fonts) != fingerprint(Settings(), [content], [layouts], fonts)
    assert fingerprint(from_mapping({"read": {"files": {"a.md": "labels"}}}), [content], [layouts], fonts) != \
        fingerprint(Settings(), [content], [layouts], fonts)
    # a flip or back offset changes where cards sit, not what is laid out: the first part stays
    placed = fingerprint(override(Settings(), {"cards.flip": "short", "cards.back_offset_x_mm": 1.5}),
                         [content], [layouts], fonts)
    unplaced = fingerprint(Settings(), [content], [layouts], fonts)
    assert placed != unplaced and placed.partition(".")[0] == unplaced.partition(".")[0]
    assert fingerprint(override(Settings(), {"cards.card": "poker"}), [content], [layouts], fonts).partition(".")[0] \
        != unplaced.partition(".")[0]
    # what every output is made from (the last part) leaves out where cards sit and which outputs
    # are made: an export of the same guide and settings finds what any build of it kept
    made_from = unplaced.rpartition(".")[2]
    assert placed.rpartition(".")[2] == made_from
    only_csv = fingerprint(override(Settings(), {"build.outputs": ["csv"]}), [content], [layouts], fonts)
    assert only_csv.partition(".")[0] != unplaced.partition(".")[0] and only_csv.rpartition(".")[2] == made_from
    assert fingerprint(override(Settings(), {"build.chapters": "1"}), [content], [layouts], fonts) \
        .rpartition(".")[2] != made_from
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the build date is printed: it counts
    dated = fingerprint(Settings(), [content], [layouts], fonts)
    assert dated.partition(".")[0] != unplaced.partition(".")[0] and dated.rpartition(".")[2] != made_from


def test_an_export_between_two_builds_leaves_the_second_up_to_date(project):
    """The manifest remembers a few builds: `export csv` (or `export anki`) after a build, then
    the build again, finds the build's outputs as it wrote them; a build whose outputs were
    changed since is not up to date; and no more than four builds are kept."""
    import json

    from studyguide.cache import KEPT_BUILDS, cache_folder

    for export in ("csv", "anki"):
        assert run_cli("export", export, cwd=project).returncode == 0
        again = run_cli(cwd=project)
        assert again.returncode == 0 and again.stdout.strip() == "out: up to date", again.stdout
    (project / "out" / "questions.html").write_text("changed", encoding="utf-8")
    changed = run_cli(cwd=project)
    assert changed.returncode == 0 and "up to date" not in changed.stdout
    assert "questions.html" in changed.stdout
    path = cache_folder(project.resolve()) / "manifest.json"
    for flip in ("short", "long", "short", "long"):
        assert run_cli("--flip", flip, cwd=project).returncode == 0
    records = [manifest := json.loads(path.read_text(encoding="utf-8")), *manifest["earlier"]]
    # a build made again replaces its own record: long (the default) and short once each, then the exports
    assert len({record["fingerprint"] for record in records}) == len(records) == KEPT_BUILDS == 4
    assert [sorted(record["outputs"]) for record in records[2:]] == [["flashcards.apkg"], ["flashcards.tsv"]]
    assert run_cli("--band", cwd=project).returncode == 0  # a fifth: the oldest, the csv export, goes
    records = [manifest := json.loads(path.read_text(encoding="utf-8")), *manifest["earlier"]]
    assert len(records) == 4 and [sorted(record["outputs"]) for record in records[3:]] == [["flashcards.apkg"]]


def test_a_warm_edit_builds_the_same_files_as_a_cold_build(tmp_path, monkeypatch):
    """Every output of a build that takes what it can from the cache (pieces, chapters, sheets,
    fonts, joins) is what a build without any cache makes of the same edited guide: five chapters,
    enough cards for the workbook to be rendered in pieces. Byte for byte, except the files an edit
    joins from pages of several renders (the teacher's edition, the workbook's answer key, the
    flashcards): there the same
    pages carry the same glyphs at the same places, under the same bookmarks and links."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (tmp_path / "content").mkdir()
    for number in range(1, 6):
        shutil.copy(CONTENT / f"ch0{number}.md", tmp_path / "content" / f"ch0{number}.md")
    (tmp_path / "studyguide.toml").write_text("[guide]\ntitle = \"缓存测试\"\n", encoding="utf-8")
    assert run_cli(cwd=tmp_path).returncode == 0
    chapter = tmp_path / "content" / "ch02.md"
    text = chapter.read_text(encoding="utf-8")
    assert text.count("重塑、查看") == 1
    chapter.write_text(text.replace("重塑、查看", "重塑、查看、展平"), encoding="utf-8")
    warm = run_cli("--verbose", cwd=tmp_path)
    assert warm.returncode == 0, warm.stderr
    rendered = rendered_pieces(warm)
    # the teacher's edition lays out only the edited chapter (one page), not the run of two holding it
    assert rendered["workbook:teacher:body:0:changed"] is True, rendered
    assert "workbook:teacher:body:0" not in rendered and rendered["workbook:teacher:body:1"] is False
    cold = run_cli("--force", "--out", "cold", cwd=tmp_path)
    assert cold.returncode == 0, cold.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert {"teacher.pdf", "workbook.pdf", "flashcards.pdf", "questions.html", "study.html"} <= set(names)
    assert names == sorted(p.name for p in (tmp_path / "cold").iterdir())
    joined = {"teacher.pdf", "workbook.pdf", "flashcards.pdf"}
    for name in names:
        if name not in joined:
            assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes(), name
    for name in joined:
        assert_same_pages(tmp_path / "out" / name, tmp_path / "cold" / name)
    from pypdf import PdfReader

    teacher = PdfReader(tmp_path / "out" / "teacher.pdf")
    assert "查看、展平" in "".join(page.extract_text() for page in teacher.pages)
    # built again with nothing changed, the joined piece is taken whole
    shutil.rmtree(tmp_path / "out")
    again = rendered_pieces(run_cli("--verbose", cwd=tmp_path))
    assert again["workbook:teacher:body:0"] is False and not any(again.values()), again
    assert_same_pages(tmp_path / "out" / "teacher.pdf", tmp_path / "cold" / "teacher.pdf")


def test_a_double_sided_workbook_renders_an_edited_piece_whole(tmp_path):
    """Printed on both sides, a chapter may be followed by a blank page that only the whole run
    knows of: the piece holding an edited chapter is laid out whole, never joined from chapters."""
    (tmp_path / "content").mkdir()
    for number in range(1, 6):
        shutil.copy(CONTENT / f"ch0{number}.md", tmp_path / "content" / f"ch0{number}.md")
    (tmp_path / "studyguide.toml").write_text("[build]\noutputs = [\"workbook\"]\n[workbook]\nduplex = true\n",
                                             encoding="utf-8")
    assert run_cli(cwd=tmp_path).returncode == 0
    chapter = tmp_path / "content" / "ch02.md"
    edited = chapter.read_text(encoding="utf-8").replace("重塑、查看", "重塑、查看、展平")
    chapter.write_text(edited, encoding="utf-8")
    result = run_cli("--verbose", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rendered = rendered_pieces(result)
    assert rendered["workbook:teacher:body:0"] is True, rendered
    assert not any(key.endswith(":changed") for key in rendered), rendered


def test_the_engine_version_read_beside_the_package_is_the_installed_one():
    """Read from WeasyPrint's record beside the package (importlib.metadata reads every installed
    package's record, a twentieth of a second of each command): the same as importlib.metadata
    says, and importlib.metadata's answer where the record is not the only one."""
    from importlib.metadata import version
    from unittest import mock

    from studyguide.cache import engine_version

    engine_version.cache_clear()
    try:
        assert engine_version() == version("weasyprint")
        engine_version.cache_clear()
        with mock.patch("pathlib.Path.glob", return_value=iter([])):
            assert engine_version() == version("weasyprint")
    finally:
        engine_version.cache_clear()
