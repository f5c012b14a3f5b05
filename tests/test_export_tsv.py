"""`studyguide export csv`: one card a line, question, answer and tags between tabs, as Quizlet and
Anki import them; read back, it gives every card's text."""

from __future__ import annotations

import csv
import io

from conftest import CONTENT, run_cli


def export(content, out) -> str:
    result = run_cli("export", "csv", str(content), "--out", str(out), cwd=out.parent)
    assert result.returncode == 0, result.stderr
    return (out / "flashcards.tsv").read_text(encoding="utf-8")


def rows(text: str) -> list[list[str]]:
    # the dialect Anki's importer reads: tabs, and RFC 4180 quotes only where a field starts with one
    return list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))


def lines(markdown: str) -> list[str]:
    return [line.strip() for line in markdown.split("\n") if line.strip()]


def test_the_seed_round_trips(guide, tmp_path):
    text = export(CONTENT, tmp_path)
    assert text.count("\n") == 113 and text.endswith("\n") and "\r" not in text
    read = rows(text)
    assert len(read) == 113
    for (question, answer, tags), card in zip(read, guide.cards):
        # indentation comes as non-breaking spaces (see test_code_keeps_its_indentation)
        assert [line.strip() for line in question.split(" / ")] == lines(card.question)
        assert [line.strip() for line in answer.split(" / ")] == lines(card.answer)
        assert tags == f"第{card.chapter}章"
    # the seed's one answer on two lines, and its link-like text, kept as written
    answer = next(row[1] for row in read if row[1].startswith("加速-"))
    assert answer == "加速-[-1，0，1](刹车，不加速，加速) / 转向-[-1，0，1](左，不转向，右)"
    assert export(CONTENT, tmp_path / "again") == text


def test_quotes_tabs_and_tags_survive(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "ch1.md").write_text(
        "---\ntags: [machine learning, exam]\n---\n# Chapter 1 Quoting\n\n"
        '1.  "Overfitting" means what?\n    A model that learned the noise:\n\n    - high "variance"\n'
        "2.  What\tis a tab?\n    A gap.\n", encoding="utf-8")
    read = rows(export(content, tmp_path / "out"))
    assert read == [
        ['"Overfitting" means what?', 'A model that learned the noise: / - high "variance"',
         "chapter-1 machine_learning exam"],
        ["What is a tab?", "A gap.", "chapter-1 machine_learning exam"],
    ]


def test_a_year_alone_as_the_answer_is_exported_as_written(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "ch1.md").write_text("# Chapter 1 Dates\n\n1. When was C released?\n\n1972.\n\n"
                                    "2. And Unix?\n\n1969.\n", encoding="utf-8")
    read = rows(export(content, tmp_path / "out"))
    assert [row[:2] for row in read] == [["When was C released?", "1972."], ["And Unix?", "1969."]]


def test_export_asks_for_a_format_it_knows(tmp_path):
    for args, message in ((("export",), "export needs a format: anki or csv"),
                          (("export", "pdf"), "invalid choice: 'pdf'")):
        result = run_cli(*args, "--out", str(tmp_path), cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not any(tmp_path.iterdir())


def test_export_stops_on_content_errors(tmp_path):
    chapter = tmp_path / "ch1.md"
    chapter.write_text("# 第 1 章 测试\n\n1.  问题？\n    答案 𓀀\n", encoding="utf-8")
    for format in ("csv", "anki"):
        result = run_cli("export", format, str(chapter), "--out", str(tmp_path / "out"), cwd=tmp_path)
        assert result.returncode == 1
        assert "ch1.md:4:8: error SG401" in result.stderr and "nothing was written" in result.stderr
    assert not (tmp_path / "out").exists()


def test_code_keeps_its_indentation(tmp_path):
    """Indentation is what Python code means: kept as non-breaking spaces, which Quizlet and Anki
    show as they are, and read back as the code's own lines."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "ch1.md").write_text(
        "# Chapter 1 Loops\n\n1.  What does this print?\n\n    ```python\n    for n in range(3):\n"
        "        if n:\n        \tprint(n)\n    ```\n\n    1, then 2.\n", encoding="utf-8")
    ((question, answer, tags),) = rows(export(content, tmp_path / "out"))
    # the question points at the code ("this"), so the code is shown with it
    code = question.split(" / ")
    assert code == ["What does this print?", "```python", "for n in range(3):", "\u00a0" * 4 + "if n:",
                    "\u00a0" * 8 + "print(n)", "```"]
    assert answer == "1, then 2."
    code = code[1:]
    program = "\n".join(line.replace("\u00a0", " ") for line in code[1:4])
    printed = []
    exec(compile(program, "card", "exec"), {"print": printed.append})  # the code still runs as written
    assert printed == [1, 2]


def test_an_export_starts_no_render_workers(tmp_path, monkeypatch):
    """An export renders nothing: it loads no WeasyPrint in worker processes (a second each)."""
    import shutil

    from studyguide import cli
    from studyguide.printing import pool

    def refused(*args, **kwargs):
        raise AssertionError("a worker process was started")

    monkeypatch.setattr(pool.Pool, "warm", refused)
    monkeypatch.setattr(pool.Pool, "_process_pool", refused)
    (tmp_path / "content").mkdir()
    shutil.copy(CONTENT / "ch02.md", tmp_path / "content" / "ch02.md")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", "csv", "-q"]) == 0
    assert len(rows((tmp_path / "out" / "flashcards.tsv").read_text(encoding="utf-8"))) == 9
