"""The first hour of a new user, through the command line as they run it: finding the guide,
typos, hints that fit, building only what was asked for, and messages that say where."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from conftest import ROOT, run_cli

LOOPS = """\
# Chapter 1 – Loops

1. Which keyword leaves a loop early?

   `break`.

2. What does `range(3)` give?

   0, 1 and 2.
"""

SETS = """\
# Chapter 2 – Sets

1. Does a set keep order?

   No.
"""


def english_guide(folder: Path, settings: str = '[guide]\ntitle = "Python basics"\n') -> Path:
    (folder / "content").mkdir(parents=True)
    (folder / "content" / "01-loops.md").write_text(LOOPS, encoding="utf-8")
    (folder / "content" / "02-sets.md").write_text(SETS, encoding="utf-8")
    (folder / "studyguide.toml").write_text(settings, encoding="utf-8")
    return folder


def tsv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""), delimiter="\t"))


# -- 1. finding the guide ---------------------------------------------------------------------------

def test_the_settings_are_found_from_the_content_path_upwards(tmp_path):
    course = english_guide(tmp_path / "course", '[build]\nout = "printed"\n')
    result = run_cli("export", "csv", "course/content", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # outputs beside course/studyguide.toml, the cache in the user's cache folder for that guide,
    # nothing in the folder it was run from
    from studyguide.cache import cache_folder

    assert len(tsv_rows(course / "printed" / "flashcards.tsv")) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course"]
    assert cache_folder(course).is_dir() and not (course / ".cache").exists()


def test_inside_the_content_folder_the_guide_is_found_above(tmp_path):
    course = english_guide(tmp_path / "course")
    result = run_cli("check", cwd=course / "content")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 chapters, 3 cards, 0 errors" in result.stdout
    assert run_cli("export", "csv", cwd=course / "content").returncode == 0
    assert (course / "out" / "flashcards.tsv").is_file() and not (course / "content" / "out").exists()


def test_no_guide_here_says_what_to_do(tmp_path):
    for command in ((), ("check",), ("export", "csv")):
        result = run_cli(*command, cwd=tmp_path)
        assert result.returncode == 2
        assert ("no guide here: run `python compile.py init`, or cd into a guide" in result.stderr), result.stderr
        assert ":1:1" not in result.stderr and "SG101" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_named_without_a_line(tmp_path):
    english_guide(tmp_path)
    result = run_cli("check", "notes", cwd=tmp_path)
    assert result.returncode == 1
    assert "notes: error SG101 no such file or folder (check the path)" in result.stdout


# -- 2. typos ---------------------------------------------------------------------------------------

def test_a_misspelt_command_gets_the_closest_one(tmp_path):
    english_guide(tmp_path)
    result = run_cli("biuld", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown command `biuld`: did you mean `build`?" in result.stderr
    assert "SG101" not in result.stderr and not (tmp_path / "out").exists()


def test_a_misspelt_flag_gets_the_closest_one(tmp_path):
    english_guide(tmp_path)
    result = run_cli("--edtion", "handout", cwd=tmp_path)
    assert result.returncode == 2
    assert "did you mean `--edition` for `--edtion`?" in result.stderr
    result = run_cli("export", "csv", "--chpaters", "1", cwd=tmp_path)
    assert "did you mean `--chapters` for `--chpaters`?" in result.stderr


# -- 3. hints that follow how studyguide was run, and the guide -------------------------------------

def installed(folder: Path) -> Path:
    """A `studyguide` command as pip installs it (the entry point `studyguide.cli:main`), running
    this checkout's code."""
    script = folder / "bin" / "studyguide"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(ROOT)!r})\n"
                      "from studyguide.cli import main\nsys.exit(main())\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def test_hints_name_the_command_as_it_was_run(tmp_path):
    command = installed(tmp_path / "venv")
    from_checkout = run_cli("init", "a", cwd=tmp_path)
    as_installed = subprocess.run([str(command), "init", "b"], cwd=tmp_path, capture_output=True, text=True,
                                  timeout=120)
    assert "run `python compile.py build`" in from_checkout.stdout
    assert "run `studyguide build`" in as_installed.stdout and "compile.py" not in as_installed.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    lost = subprocess.run([str(command)], cwd=empty, capture_output=True, text=True, timeout=120)
    assert "run `studyguide init`" in lost.stderr and "compile.py" not in lost.stderr
    typo = subprocess.run([str(command), "chekc"], cwd=empty, capture_output=True, text=True, timeout=120)
    assert "did you mean `check`?" in typo.stderr and "Try `studyguide --help`" in typo.stderr


def test_hints_follow_the_guides_language(tmp_path):
    english_guide(tmp_path)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("nothing yet", encoding="utf-8")
    result = run_cli("check", "notes", cwd=tmp_path)
    assert "SG107" in result.stdout and "ch01.md" in result.stdout and "基础" not in result.stdout
    prose = tmp_path / "prose.md"
    prose.write_text("# Chapter 1 – Notes\n\nOnly some prose about loops, and no questions.\n", encoding="utf-8")
    result = run_cli("check", "prose.md", cwd=tmp_path)
    assert "SG108" in result.stdout and "`1. What is …?`" in result.stdout and "问题" not in result.stdout


def test_a_missing_character_does_not_point_at_a_fonts_folder_the_user_lacks(tmp_path):
    english_guide(tmp_path)
    (tmp_path / "content" / "03-chess.md").write_text("# Chapter 3 – Chess\n\n1. The king?\n\n   ♔\n",
                                                       encoding="utf-8")
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if "SG401" in line)
    assert "set build.fonts to a folder with a font that has it" in line and "fonts/" not in line


# -- 4. only what was asked for ---------------------------------------------------------------------

def test_an_edition_builds_only_that_edition(tmp_path):
    english_guide(tmp_path)
    result = run_cli("--edition", "handout", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["handout.pdf"]
    result = run_cli("--only", "csv,study", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["flashcards.tsv", "handout.pdf", "study.html"]


def test_export_help_lists_only_what_applies():
    result = run_cli("export", "--help")
    assert result.returncode == 0
    for flag in ("--out", "--chapters", "--lang", "--shuffle", "--seed"):
        assert flag in result.stdout
    for flag in ("--card", "--flip", "--answer-space", "--booklet", "--back-offset", "--edition", "--paper"):
        assert flag not in result.stdout


# -- 9. settings that are not TOML ------------------------------------------------------------------

def test_a_toml_syntax_error_names_the_line_and_column(tmp_path):
    english_guide(tmp_path, '[guide]\ntitle = "Python basics\n\n[cards]\nflip = long\n')
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == ("studyguide: studyguide.toml:2:23: not valid TOML: the line ends inside a string: "
                        "close the quotes")
    assert lines[1].strip() == 'title = "Python basics'
    assert lines[2].index("^") == lines[1].index('title') + len('title = "Python basics')
    assert "``" not in result.stderr
    (tmp_path / "studyguide.toml").write_text("[cards]\nflip = long\n", encoding="utf-8")
    result = run_cli("check", cwd=tmp_path)
    assert "studyguide.toml:2:8: not valid TOML: invalid value" in result.stderr


# -- 10. words and tables ---------------------------------------------------------------------------

def test_one_chapter_is_singular_and_english_titles_join_with_commas(tmp_path):
    english_guide(tmp_path)
    result = run_cli("--edition", "handout", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    reader = PdfReader(tmp_path / "out" / "handout.pdf")
    assert "2 chapters · 3 questions" in reader.pages[0].extract_text()
    assert reader.metadata.subject == "Loops, Sets"
    # in a pipe, the result table has no empty last column
    table = [line for line in result.stdout.splitlines() if "|" in line]
    assert table and all(not line.rstrip().endswith("|") for line in table)
    result = run_cli("--edition", "handout", "--chapters", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 chapter · 1 question" in PdfReader(tmp_path / "out" / "handout.pdf").pages[0].extract_text()
    assert "1 chapter, 1 card" in result.stdout
