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


EXPORTED = """# Chapter 4: Records

1. Which tool formats a Python file in place?
   A formatter such as `black`:

   ```python
   def area(r):
       return 3.14159 * r ** 2
   ```

2. What does a "cache hit" save?
   | step | cost |
   | --- | --- |
   | parse | skipped |
   | layout | skipped |

3. Name the step this chapter leaves out.
"""


def _guide(folder):
    (folder / "content").mkdir(parents=True)
    (folder / "content" / "ch04.md").write_text(EXPORTED, encoding="utf-8")
    (folder / "content" / "ch02.md").write_text((CONTENT / "ch02.md").read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def _reads(monkeypatch) -> list:
    """A list that gets an item each time the build reads the guide."""
    from studyguide import build

    calls, real = [], build.read_and_check
    monkeypatch.setattr(build, "read_and_check", lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    return calls


def test_an_export_after_a_build_writes_the_same_file_without_reading_the_guide(tmp_path, monkeypatch, capsys):
    """A build (its default outputs, no export among them) keeps what `export csv` writes: the
    export then writes those bytes and says the build's findings again, without reading the
    guide; and the build after it finds its outputs up to date."""
    from studyguide import cli

    folder = _guide(tmp_path / "guide")
    built = run_cli(cwd=folder)
    assert built.returncode == 0, built.stderr
    warned = sorted(line for line in built.stderr.splitlines() if " warning SG" in line)
    assert len(warned) == 1 and "SG301" in warned[0] and "ch04.md:17" in warned[0], built.stderr
    assert not (folder / "out" / "flashcards.tsv").exists()
    monkeypatch.chdir(folder)
    with monkeypatch.context() as patched:
        reads = _reads(patched)
        assert cli.main(["export", "csv"]) == 0
    assert reads == []
    said = capsys.readouterr()
    assert sorted(line for line in said.err.splitlines() if " warning SG" in line) == warned
    assert "1 warning" in said.out and "out/flashcards.tsv" in said.out, said.out
    kept = (folder / "out" / "flashcards.tsv").read_bytes()
    read = run_cli("export", "csv", "--out", str(tmp_path / "read"), cwd=folder)  # another folder: read
    assert read.returncode == 0 and sorted(l for l in read.stderr.splitlines() if " warning SG" in l) == warned
    assert kept == (tmp_path / "read" / "flashcards.tsv").read_bytes()
    assert len(rows(kept.decode("utf-8"))) == 12 and "def area(r):" in kept.decode("utf-8")
    again = run_cli(cwd=folder)
    assert again.returncode == 0 and "up to date" in again.stdout, again.stdout


def test_an_export_with_other_settings_or_an_edited_guide_reads_it(tmp_path, monkeypatch):
    """The record serves only the guide and settings it was made from."""
    from studyguide import cli

    folder = _guide(tmp_path / "guide")
    assert run_cli(cwd=folder).returncode == 0
    monkeypatch.chdir(folder)
    with monkeypatch.context() as patched:
        reads = _reads(patched)
        assert cli.main(["export", "csv", "-q", "--chapters", "4"]) == 0
        assert reads == [1] and len(rows((folder / "out" / "flashcards.tsv").read_text(encoding="utf-8"))) == 3
        path = folder / "content" / "ch04.md"
        path.write_text(EXPORTED.replace("in place", "where it lies"), encoding="utf-8")
        assert cli.main(["export", "csv", "-q"]) == 0
        assert reads == [1, 1]
    assert "where it lies" in (folder / "out" / "flashcards.tsv").read_text(encoding="utf-8")


def test_a_planted_export_record_is_refused(tmp_path, monkeypatch):
    """The record is read as strictly as any: a file named outside the output folder, or text
    that is not text, leaves the export to read the guide, and nothing is written elsewhere."""
    import json

    from studyguide import cli
    from studyguide.cache import JobCache, cache_folder, export_key

    folder = _guide(tmp_path / "guide")
    assert run_cli(cwd=folder).returncode == 0
    cache_dir = cache_folder(folder.resolve())
    cache = JobCache(cache_dir)
    key = export_key(cache, json.loads((cache_dir / "manifest.json").read_text(encoding="utf-8"))["fingerprint"])
    record = cache.record(key)
    assert list(record["files"]) == ["flashcards.tsv"] and record["cards"] == 12
    monkeypatch.chdir(folder)
    for planted in ({"../../escaped.tsv": "x\ty\n"}, {"flashcards.tsv": ["x"]}, {}):
        cache.put_record(key, dict(record, files=planted))
        (folder / "out" / "flashcards.tsv").unlink(missing_ok=True)  # else the last export is up to date
        with monkeypatch.context() as patched:
            reads = _reads(patched)
            assert cli.main(["export", "csv", "-q"]) == 0
        assert reads == [1]
        assert not (tmp_path / "escaped.tsv").exists() and not (folder / "escaped.tsv").exists()
        assert len(rows((folder / "out" / "flashcards.tsv").read_text(encoding="utf-8"))) == 12


def test_the_command_line_names_the_file_each_export_writes():
    from studyguide.build import output
    from studyguide.cli import EXPORT_FILES, EXPORTS, RECORDED_EXPORTS

    assert EXPORT_FILES == {name: output(EXPORTS[name]).FILE_NAME for name in EXPORTS}
    assert RECORDED_EXPORTS <= set(EXPORTS)
