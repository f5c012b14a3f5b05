"""The command line as a user runs it: exit codes, messages, and what lands in the output folder."""

from conftest import SEED, run_cli


def test_check_reads_the_seed_as_one_file():
    result = run_cli("check", str(SEED))
    assert result.returncode == 0, result.stderr
    assert "15 chapters, 113 cards, 0 errors, 0 warnings" in result.stdout


def test_build_from_the_seed_file(tmp_path):
    result = run_cli(str(SEED), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert {p.name for p in tmp_path.iterdir()} == {"handout.pdf", "workbook.pdf", "teacher.pdf",
                                                     "flashcards.pdf", "questions.html", "answers.html",
                                                     "study.html"}
    assert "15 chapters, 113 cards" in result.stdout


def test_a_character_missing_from_the_fonts_stops_the_build(tmp_path):
    chapter = tmp_path / "ch1.md"
    chapter.write_text("# 第 1 章-测试\n\n1.  问题？\n    答案里有 𓀀 和 𠀀\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(str(chapter), "--out", str(out))
    assert result.returncode == 1
    assert "ch1.md:4:10: error SG401 character '𓀀' (U+13000 EGYPTIAN HIEROGLYPH A001)" in result.stderr
    assert "ch1.md:4:14: error SG401 character '𠀀'" in result.stderr
    assert "nothing was written" in result.stderr
    assert not out.exists()
    assert "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error():
    result = run_cli("--no-such-option")
    assert result.returncode == 2
    assert "unrecognized arguments: --no-such-option" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_shows_examples_and_exit_codes():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout and "--quiz 10 --seed 4" in result.stdout
    assert "exit codes: 0 success, 1 errors in the content, 2 unusable command line or settings" in result.stdout


def test_installed_command_runs_the_same_code():
    import subprocess
    import sys
    from pathlib import Path

    import studyguide
    script = Path(sys.executable).parent / "studyguide"
    assert script.is_file(), "make installs the studyguide command into .venv/bin"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"studyguide {studyguide.__version__}"


def test_chapters_selects_what_is_built(tmp_path):
    from pypdf import PdfReader

    result = run_cli("--chapters", "2,11-12", "--edition", "handout", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    contents = PdfReader(tmp_path / "handout.pdf").pages[1].extract_text()
    chapters = [line.split()[1] for line in contents.splitlines() if line.startswith("第 ") and " 章 " in line]
    assert chapters == ["2", "11", "12"]
    assert "3 chapters, 31 cards" in result.stdout


def test_a_chapter_the_guide_lacks_is_a_usage_error(tmp_path):
    result = run_cli("--chapters", "1-3,99", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "no chapter numbered 99; the chapters are 1–9, 11–16" in result.stderr
    assert not any(tmp_path.iterdir())


def _quiz_questions(folder):
    from pypdf import PdfReader
    text = "\n".join(page.extract_text() for page in PdfReader(folder / "quiz.pdf").pages)
    return [line for line in text.splitlines() if line[:1].isdigit() and "." in line[:4]]


def test_the_same_seed_draws_the_same_quiz(tmp_path):
    runs = {}
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        out = tmp_path / name
        result = run_cli("--quiz", "12", "--seed", seed, "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert {p.name for p in out.iterdir()} == {"quiz.pdf", "quiz-key.pdf"}
        runs[name] = _quiz_questions(out)
    assert len(runs["a"]) == 12 and runs["a"] == runs["b"]
    assert runs["a"] != runs["c"]


def test_quiet_prints_nothing_and_plain_output_has_no_colour(tmp_path):
    quiet = run_cli("--quiet", "--edition", "handout", "--out", str(tmp_path / "q"))
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    loud = run_cli("--verbose", "--edition", "handout", "--out", str(tmp_path / "v"))
    assert "\x1b[" not in loud.stdout + loud.stderr  # not a terminal: no escape codes
    assert "note SG501" in loud.stderr  # notes show with --verbose


def test_language_can_be_set(tmp_path):
    from pypdf import PdfReader
    result = run_cli("--lang", "en", "--edition", "handout", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    reader = PdfReader(tmp_path / "handout.pdf")
    assert reader.pages[1].extract_text().startswith("Contents")
    assert reader.pages[2].extract_text().strip().endswith(f"Page 3 of {len(reader.pages)}")


def test_output_shows_the_authors_text_as_written(tmp_path):
    """The console prints text, not rich's markup or emoji codes: a finding quoting `:smile:` or
    `[bold]` shows them as typed (rich would make `:key:` in `workbook:key:0` a key emoji)."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "ch01.md").write_text("# 第 1 章-基础\n\n1. 问题？\n   答案\n", encoding="utf-8")
    heading = "第 2 章-表情 :smile: 和 [bold]粗[/bold]"
    (tmp_path / "content" / "ch02.md").write_text(f"# {heading}\n\n只有笔记。\n", encoding="utf-8")
    result = run_cli("--verbose", "--edition", "workbook", "--only", "workbook,flashcards", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"chapter `{heading}` holds no questions" in result.stderr
    assert "flashcards:sheets:0:" in result.stderr  # --verbose names each piece
    assert "😄" not in result.stderr
