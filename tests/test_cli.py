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
    chapter.write_text("# 第 1 章-测试\n\n1.  问题？\n    答案里有 😀 和 𠀀\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(str(chapter), "--out", str(out))
    assert result.returncode == 1
    assert "ch1.md:4:10: error SG401 character '😀' (U+1F600 GRINNING FACE)" in result.stderr
    assert "ch1.md:4:14: error SG401 character '𠀀'" in result.stderr
    assert "nothing was written" in result.stderr
    assert not out.exists()
    assert "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error():
    result = run_cli("--no-such-option")
    assert result.returncode == 2
    assert "unrecognized arguments: --no-such-option" in result.stderr
    assert "Traceback" not in result.stderr
