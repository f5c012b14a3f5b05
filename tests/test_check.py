"""`python compile.py check`: findings as lines or JSON, a summary, --strict, and exit codes."""

import json
import re
from pathlib import Path

from conftest import FIXTURES, SEED, run_cli

FORMS = Path(__file__).resolve().parent / "forms"
PROBLEMS = FIXTURES / "problems"


def test_the_seed_checks_clean_with_two_notes():
    result = run_cli("check", str(SEED))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "15 chapters, 113 cards, 0 errors, 0 warnings"
    assert lines[:-1] == [
        "tests/fixtures/seed.txt:230:8: note SG501 `[…](刹车，不加速，加速)` is shown as text: the target is "
        "not a URL (http, https or mailto)",
        "tests/fixtures/seed.txt:231:8: note SG501 `[…](左，不转向，右)` is shown as text: the target is "
        "not a URL (http, https or mailto)"]


def test_one_line_per_finding_then_the_summary():
    result = run_cli("check", str(PROBLEMS / "no-answer.md"), str(FORMS / "13-numbering-quirks.md"))
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "tests/fixtures/problems/no-answer.md:3:1: warning SG301 question 1.1 has no answer (write the answer "
        "below the question: indented under it, or as the next paragraph)",
        "tests/fixtures/problems/no-answer.md:7:1: warning SG302 the answer of 1.3 looks like the next "
        "question: `什么是动量？` (if it is a question of its own, number it and give it an answer)",
        "tests/forms/13-numbering-quirks.md:7:1: warning SG303 question number 2 is used twice in "
        "chapter 9 (first at line 5) (renumber the questions)",
        "tests/forms/13-numbering-quirks.md:9:1: warning SG304 question numbers skip 3–4 in chapter 9 "
        "(renumber the questions, or add the missing ones)",
        "2 chapters, 10 cards, 0 errors, 4 warnings",
    ]


def test_strict_turns_warnings_into_errors():
    result = run_cli("check", "--strict", str(PROBLEMS / "no-answer.md"))
    assert result.returncode == 1
    assert "no-answer.md:3:1: error SG301" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 chapter, 3 cards, 2 errors, 0 warnings"


def test_strict_leaves_notes_alone():
    result = run_cli("check", "--strict", str(SEED))
    assert result.returncode == 0
    assert "note SG501" in result.stdout


def test_json_for_editors_and_ci():
    result = run_cli("check", "--format", "json", str(PROBLEMS / "stray-text.md"))
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["summary"] == {"chapters": 2, "cards": 2, "errors": 0, "warnings": 3, "notes": 0,
                                 "text": "2 chapters, 2 cards, 0 errors, 3 warnings"}
    assert [(f["line"], f["column"], f["severity"], f["code"]) for f in report["findings"]] == [
        (1, 1, "warning", "SG305"), (8, 1, "warning", "SG201"), (12, 1, "warning", "SG202")]
    first = report["findings"][0]
    assert first["file"] == "tests/fixtures/problems/stray-text.md"
    assert "line 1 is not under any chapter heading" in first["message"] and first["hint"]


def test_errors_exit_1(tmp_path):
    chapter = tmp_path / "ch1.md"
    chapter.write_text("# 第 1 章-测试\n\n1.  问题？\n    答案里有 𓀀\n", encoding="utf-8")
    result = run_cli("check", str(chapter), "--format", "json")
    assert result.returncode == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["line"], finding["column"], finding["code"], finding["severity"]) == (4, 10, "SG401", "error")


def test_maths_that_cannot_be_typeset_is_reported_where_it_is(tmp_path):
    chapter = tmp_path / "ch1.md"
    chapter.write_text("# 第 1 章-测试\n\n1.  公式是什么？\n    第一行\n    坏的 $\\frac{a}{$ 公式\n", encoding="utf-8")
    result = run_cli("check", str(chapter))
    assert result.returncode == 0
    assert "ch1.md:5:9: warning SG504 maths `\\frac{a}{` is shown as TeX: the TeX cannot be read" in result.stdout


def test_an_image_outside_the_content_folder_is_reported(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "ch1.md").write_text("# 第 1 章-测试\n\n1.  图在哪里？\n    ![秘密](../secret.png)\n", encoding="utf-8")
    (tmp_path / "secret.png").write_bytes((FIXTURES / "rich" / "images" / "gradient.png").read_bytes())
    result = run_cli("check", str(folder))
    assert "ch1.md:4:5: warning SG502 image `../secret.png` is shown as text: the image is outside the " \
           "content folder" in result.stdout


def test_br_is_reported_only_where_it_is_shown_as_text(tmp_path):
    chapter = tmp_path / "ch1.md"
    chapter.write_text("# 第 1 章-测试\n\n1.  有哪些步骤？\n\n    | 步骤 | 说明 |\n    | --- | --- |\n"
                       "    | 一<br>二 | 先<br/>后 |\n\n2.  换行呢？\n    正文 <br> 里 | 不是表格\n",
                       encoding="utf-8")
    result = run_cli("check", str(chapter), "--format", "json")
    assert result.returncode == 0, result.stdout
    found = [(f["line"], f["code"]) for f in json.loads(result.stdout)["findings"] if f["code"] == "SG506"]
    assert found == [(10, "SG506")]  # the `<br>` of the paragraph, not those in the table's cells


def test_no_content_found_is_an_error(tmp_path):
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 1
    assert "error SG107 no Markdown (.md) files in this folder" in result.stdout
    assert result.stdout.splitlines()[-1] == "0 chapters, 0 cards, 1 error, 0 warnings"


def test_cards_lists_every_card_on_one_line():
    result = run_cli("check", "--cards", str(FORMS / "05-code-in-question.md"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:4] + lines[-1:] == [
        "3.1  tests/forms/05-code-in-question.md:3  下面的代码输出什么？ → 输出 3。  [numbered]",
        "3.2  tests/forms/05-code-in-question.md:11  What does this print? → `aaa`  [numbered]",
        "3.3  tests/forms/05-code-in-question.md:19  Explain the following code: → It builds a list of the "
        "squares of 0 to 4.  [numbered]",
        "3.4  tests/forms/05-code-in-question.md:27  如何打印列表中的每一项？ → ```python  [numbered]",
        "1 chapter, 4 cards, 0 errors, 0 warnings",
    ]


def test_cards_cuts_long_first_lines_and_names_a_missing_answer(tmp_path):
    chapter = tmp_path / "ch1.md"
    long = "为什么" + "很长" * 40 + "？"
    chapter.write_text(f"# 第 1 章-测试\n\n1. {long}\n   第一行\n   第二行\n2. 没有答案的问题？\n", encoding="utf-8")
    result = run_cli("check", "--cards", str(chapter), cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert lines[0] == f"1.1  ch1.md:3  {long[:59]}… → 第一行  [numbered]"
    assert lines[1] == "1.2  ch1.md:6  没有答案的问题？ → (no answer)  [numbered]"
    assert "warning SG301 question 1.2 has no answer" in lines[2]


def test_cards_as_json_give_the_full_texts():
    result = run_cli("check", "--cards", "--format", "json", str(FORMS / "05-code-in-question.md"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    listed = report["card_list"]
    assert len(listed) == report["cards"] == 4
    assert listed[0] == {
        "label": "3.1", "chapter": 3, "number": "1", "section": "", "file": "tests/forms/05-code-in-question.md",
        "line": 3, "answer_line": 9, "rule": "numbered",
        "question": "下面的代码输出什么？\n\n```python\nprint(len([1, 2, 3]))\n```", "answer": "输出 3。"}
    plain = json.loads(run_cli("check", "--format", "json", "-v", str(FORMS / "05-code-in-question.md")).stdout)
    assert "card_list" not in plain
    assert plain["readers"] == [{"file": "tests/forms/05-code-in-question.md", "line": 1, "chapter": 3,
                                 "readers": ["numbered"]}]


def test_verbose_says_which_reader_read_each_chapter():
    result = run_cli("check", "-v", str(FORMS / "01-numbered.md"), str(FORMS / "21-parts.md"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["tests/forms/01-numbered.md:1: chapter 1 神经网络基础: 5 cards, read as numbered",
                         "tests/forms/21-parts.md:1: chapter 2 复习题: 2 cards, read as numbered"]
    assert lines[-1].startswith("2 chapters, 7 cards")


def test_the_read_settings_of_the_guide_are_used(tmp_path):
    """studyguide.toml's [read] reaches the reader through the command line: markers named there
    make cards of a file that reads as none without them."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "ch1.md").write_text(
        "# Chapter 1: Shell\n\n>> Which command prints the folder you are in?\n<< `pwd`\n\n"
        ">> Which command lists hidden files too?\n<< `ls -a`\n", encoding="utf-8")
    without = run_cli("check", "--cards", cwd=tmp_path)
    assert without.returncode == 1 and "SG108" in without.stdout
    (tmp_path / "studyguide.toml").write_text(
        '[read]\nformat = "labels"\n\n[read.markers]\nquestion = ">>"\nanswer = "<<"\n', encoding="utf-8")
    result = run_cli("check", "--cards", "-v", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[:3] == [
        "1.1  content/ch1.md:3  Which command prints the folder you are in? → `pwd`  [labels]",
        "1.2  content/ch1.md:6  Which command lists hidden files too? → `ls -a`  [labels]",
        "content/ch1.md:1: chapter 1 Shell: 2 cards, read as labels"]


def test_a_reader_that_stops_early_is_no_fault(tmp_path):
    """`check --cards | head -1`: the pipe closes before everything is printed."""
    import subprocess
    import sys

    from conftest import ROOT
    many = "# Chapter 1: Many\n\n" + "".join(f"{n}. Question {n}?\n   It is {n}.\n" for n in range(1, 3001))
    (tmp_path / "many.md").write_text(many, encoding="utf-8")
    for form, first in (("text", "1.1  many.md:3  Question 1? → It is 1.  [numbered]"), ("json", "{")):
        command = (f'"{sys.executable}" "{ROOT / "compile.py"}" check --cards --format {form} many.md | head -1; '
                   'exit ${PIPESTATUS[0]}')
        result = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert result.stdout == first + "\n"
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr
        assert result.returncode in (0, 1), result.stderr  # 1: rich's own handling of the closed pipe


def test_the_suggested_declaration_reads_the_file(tmp_path):
    """A form no rule knows stops with a finding that names its markers; pasting the suggested
    front matter makes the file read exactly, with no code change."""
    body = ("# Kapitel 1: Netze\n\nFrage: Was ist ein Router?\nAntwort: Ein Gerät, das Pakete weiterleitet.\n\n"
            "Frage: Was ist DNS?\nAntwort: Der Dienst, der Namen in Adressen übersetzt.\n\n"
            "Frage: Was ist TCP?\nAntwort: Ein verbindungsorientiertes Protokoll.\n")
    chapter = tmp_path / "ch1.md"
    chapter.write_text(body, encoding="utf-8")
    first = run_cli("check", str(chapter), cwd=tmp_path)
    assert first.returncode == 1 and "SG108" in first.stdout
    suggested = re.search(r"write in the front matter: `(format: labels)` and `(markers: \{.*?\})`", first.stdout)
    assert suggested, first.stdout
    chapter.write_text(f"---\n{suggested[1]}\n{suggested[2]}\n---\n" + body, encoding="utf-8")
    result = run_cli("check", "--cards", str(chapter), cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[:3] == [
        "1.1  ch1.md:7  Was ist ein Router? → Ein Gerät, das Pakete weiterleitet.  [labels]",
        "1.2  ch1.md:10  Was ist DNS? → Der Dienst, der Namen in Adressen übersetzt.  [labels]",
        "1.3  ch1.md:13  Was ist TCP? → Ein verbindungsorientiertes Protokoll.  [labels]"]


def test_the_largest_file_of_short_cards_is_checked_whole(tmp_path):
    """Nearly 1 MB (the most a content file may hold) of 20,000 short cards: every step of reading
    it is linear in its length. A search back through the parser's tokens for every list item once
    made this take minutes; the timeout here only stops a hang."""
    cards = "".join(f"{n}. What comes after {n}?\n   {n + 1} does.\n" for n in range(1, 20_001))
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "counting.md").write_text("# Chapter 1 Counting\n\n" + cards, encoding="utf-8")
    assert 700_000 < len(cards.encode()) < 1_000_000
    result = run_cli("check", "--cards", "--format", "json", cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["cards"] == 20_000 and len(report["card_list"]) == 20_000
    last = report["card_list"][-1]
    assert (last["number"], last["question"], last["answer"], last["line"]) == (
        "20000", "What comes after 20000?", "20001 does.", 40_001)


def test_what_holds_for_a_whole_file_is_worked_out_once_not_per_chapter(tmp_path, monkeypatch):
    """A file of hundreds of chapters: whether it is tagged `#flashcards` is looked for in each of
    its lines once, not once for every chapter (which made a 700 KB file take half a minute)."""
    from studyguide.read import read_guide
    from studyguide.read.rules import separator

    searched = []

    class Counted:
        def __init__(self, pattern):
            self.pattern = pattern

        def search(self, text, *args):
            searched.append(text)
            return self.pattern.search(text, *args)

        def __getattr__(self, name):
            return getattr(self.pattern, name)

    monkeypatch.setattr(separator, "TAG", Counted(separator.TAG))
    text = "".join(f"# Chapter {n} Part\n\n1. What is part {n}?\n   It is the {n}th part.\n\n" for n in range(1, 301))
    path = tmp_path / "parts.md"
    path.write_text(text, encoding="utf-8")
    guide = read_guide([path], base=tmp_path)
    assert len(guide.chapters) == 300 and len(guide.cards) == 300
    lines = text.count("\n")
    assert 0 < len(searched) <= 2 * lines, f"{len(searched)} searches over {lines} lines"
