"""`studyguide init`: a new guide that checks and builds as it stands, a studyguide.toml that
explains every setting, copies of the layouts to edit, and never an overwritten file."""

from __future__ import annotations

import dataclasses
import re

from pypdf import PdfReader

from conftest import ROOT, run_cli
from studyguide.config import Settings, load
from studyguide.layout import Layouts
from studyguide.resources import LAYOUTS
from studyguide.scaffold import settings_toml

CLEAN = re.compile(r"\b1 chapters?, 5 cards, 0 errors, 0 warnings")


def test_a_new_guide_checks_clean_and_builds(tmp_path):
    folder = tmp_path / "机器学习复习"
    result = run_cli("init", str(folder))
    assert result.returncode == 0, result.stderr
    for name in ("studyguide.toml", "content/ch01.md", ".gitignore"):
        assert f"created {folder / name}" in result.stdout
    assert "python compile.py build" in result.stdout  # the hint names the command as it was run
    check = run_cli("check", cwd=folder)
    assert check.returncode == 0 and CLEAN.search(check.stdout), check.stdout
    build = run_cli(cwd=folder)
    assert build.returncode == 0, build.stderr
    workbook = PdfReader(folder / "out" / "workbook.pdf")
    assert workbook.metadata.title == "机器学习复习"  # the title init wrote into studyguide.toml
    assert "写在问题的下一行" in "".join(page.extract_text() for page in workbook.pages)
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[1:] == ["/out/", "/.cache/"]


def test_an_english_guide(tmp_path):
    result = run_cli("init", "--lang", "en", str(tmp_path / "notes"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "notes" / "content" / "ch01.md").read_text(encoding="utf-8").startswith("# Chapter 1 ")
    check = run_cli("check", cwd=tmp_path / "notes")
    assert check.returncode == 0 and CLEAN.search(check.stdout), check.stdout


def test_init_never_overwrites(tmp_path):
    assert run_cli("init", str(tmp_path)).returncode == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    again = run_cli("init", str(tmp_path))
    assert again.returncode == 2
    assert f"{tmp_path / 'studyguide.toml'}" in again.stderr and "Nothing was written" in again.stderr
    assert "Traceback" not in again.stderr
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_init_leaves_existing_chapters_and_settings_alone(tmp_path):
    (tmp_path / "a" / "content").mkdir(parents=True)
    (tmp_path / "a" / "content" / "01.md").write_text("# 第 1 章 已有\n", encoding="utf-8")
    result = run_cli("init", str(tmp_path / "a"))
    assert result.returncode == 2 and "content" in result.stderr
    assert not (tmp_path / "a" / "studyguide.toml").exists()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "pyproject.toml").write_text('[tool.studyguide.guide]\ntitle = "x"\n', encoding="utf-8")
    result = run_cli("init", str(tmp_path / "b"))
    assert result.returncode == 2 and "pyproject.toml" in result.stderr
    assert not (tmp_path / "b" / "content").exists()


def test_an_existing_gitignore_gets_only_the_missing_lines(tmp_path):
    (tmp_path / ".gitignore").write_text("*.pyc\n/out/", encoding="utf-8")
    result = run_cli("init", str(tmp_path))
    assert result.returncode == 0 and f"added to {tmp_path / '.gitignore'}" in result.stdout
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.pyc\n/out/\n/.cache/\n"


def test_the_settings_file_explains_every_setting(tmp_path):
    text = settings_toml("我的课")
    path = tmp_path / "studyguide.toml"
    path.write_text(text, encoding="utf-8")
    defaults = Settings()
    expected = dataclasses.replace(defaults, guide=dataclasses.replace(defaults.guide, title="我的课"), source=path)
    assert load(path) == expected
    for section in dataclasses.fields(Settings):
        if section.name == "source":
            continue
        assert f"[{section.name}]" in text
        for item in dataclasses.fields(getattr(defaults, section.name)):
            assert re.search(rf"^(# )?{item.name} = ", text, re.M), item.name
            assert item.metadata["help"].split()[0] in text
    # every commented line holds the default: taking away the `# ` changes nothing
    path.write_text(re.sub(r"(?m)^# (\w+ = )", r"\1", text), encoding="utf-8")
    assert load(path) == expected


def test_layouts_are_copied_to_edit(tmp_path):
    result = run_cli("init", "--layouts", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    built_in = sorted(p.relative_to(LAYOUTS) for p in LAYOUTS.rglob("*") if p.is_file())
    copied = sorted(p.relative_to(tmp_path / "layouts") for p in (tmp_path / "layouts").rglob("*") if p.is_file())
    assert copied == built_in and {"study.js", "study.css", "workbook.html.j2"} <= {p.name for p in copied}
    assert all((tmp_path / "layouts" / p).read_bytes() == (LAYOUTS / p).read_bytes() for p in built_in)
    # an edited copy is the one the layouts use
    with (tmp_path / "layouts" / "study.css").open("a", encoding="utf-8") as stream:
        stream.write(".edited-by-the-guide { color: red; }\n")
    assert ".edited-by-the-guide" in Layouts(tmp_path / "layouts").stylesheet("study.css")
    again = run_cli("init", "--layouts", cwd=tmp_path)
    assert again.returncode == 2 and "anki-back.html.j2" in again.stderr and "more" in again.stderr and "Nothing was written" in again.stderr


def test_layouts_go_where_the_settings_say(tmp_path):
    (tmp_path / "studyguide.toml").write_text('[build]\nlayouts = "theme"\n', encoding="utf-8")
    result = run_cli("init", "--layouts", str(tmp_path), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "theme" / "study.html.j2").is_file() and not (tmp_path / "layouts").exists()


def test_a_file_where_the_folder_should_be(tmp_path):
    (tmp_path / "notes").write_text("", encoding="utf-8")
    result = run_cli("init", str(tmp_path / "notes"))
    assert result.returncode == 2 and "notes is a file, not a folder" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes"]
