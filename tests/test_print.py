"""`studyguide print` against real IPP printers: the jobs CUPS hands on must carry the duplex
flip, the paper and 100 % scaling, and the document the printer gets must be the built PDF."""

from __future__ import annotations

import io
import os
import shlex
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import run_cli
from printers import VirtualPrinters, missing_programs

CHAPTER_ONE = """\
# Chapter 1 – Loops

1. What does this loop print?

   ```python
   for n in range(3):
       if n:
           print(n)
   ```

   It prints 1 and then 2: zero is false, so nothing is printed for it.

2. Which keyword leaves a loop early?

   `break` stops the loop; `continue` skips to the next turn.
"""

CHAPTER_TWO = """\
# Chapter 2 – Units

1. How many millimetres are in an inch?

   | unit | mm |
   | --- | --- |
   | inch | 25.4 |
   | point | 0.3528 |

2. What is 北京 in English?

   Beijing, the capital of China.
"""


@pytest.fixture(scope="module")
def printers(tmp_path_factory):
    missing = missing_programs()
    assert not missing, f"the print tests need {', '.join(missing)}: python3 tools/check_system.py test"
    virtual = VirtualPrinters(tmp_path_factory.mktemp("printers"))
    try:
        yield virtual.start()
    finally:
        virtual.stop()


@pytest.fixture
def guide(tmp_path) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    (content / "01-loops.md").write_text(CHAPTER_ONE, encoding="utf-8")
    (content / "02-units.md").write_text(CHAPTER_TWO, encoding="utf-8")
    (tmp_path / "studyguide.toml").write_text('[guide]\ntitle = "Test prints"\nlanguage = "en"\n', encoding="utf-8")
    return tmp_path


def print_cli(printers, guide: Path, *args: str, stdin: str = ""):
    import subprocess
    import sys

    from conftest import ROOT

    return subprocess.run([sys.executable, str(ROOT / "compile.py"), "print", *args], cwd=guide,
                          env=printers.env, input=stdin, capture_output=True, text=True, timeout=300)


def new_jobs(printer, before: int, count: int) -> list[dict[str, str]]:
    jobs = printer.wait_for(before + count)
    assert len(jobs) == before + count, jobs
    return jobs[before:]


@pytest.mark.parametrize("flip, paper, sides, media, size_mm", [
    ("long", "a4", "two-sided-long-edge", "iso_a4_210x297mm", (210, 297)),
    ("short", "letter", "two-sided-short-edge", "na_letter_8.5x11in", (215.9, 279.4)),
    ("long", "a5", "two-sided-long-edge", "iso_a5_148x210mm", (148, 210)),
    ("short", "b5", "two-sided-short-edge", "iso_b5_176x250mm", (176, 250)),
    ("long", "180x250mm", "two-sided-long-edge", "Custom.180x250mm", (180, 250)),
])
def test_flashcards_reach_the_printer_with_the_flip_paper_and_no_scaling(printers, guide, flip, paper, sides, media,
                                                                         size_mm):
    printer = printers.printers["Duplex"]
    before = len(printer.jobs())
    result = print_cli(printers, guide, "flashcards", "--flip", flip, "--paper", paper)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "sent to Duplex" in result.stdout
    (job,) = new_jobs(printer, before, 1)
    assert (job["sides"], job["media"], job["print-scaling"], job["fit-to-page"]) == (sides, media, "none", "false")
    built = guide / "out" / "flashcards.pdf"
    assert printer.document(job) == built.read_bytes()
    pages = PdfReader(built).pages
    assert "in an inch?" in "".join(page.extract_text() for page in pages)
    for page in pages:  # the sheets are the paper the printer is told to use
        box = page.mediabox
        assert sorted((float(box.width) / 72 * 25.4, float(box.height) / 72 * 25.4)) == pytest.approx(size_mm, abs=0.5)
    # only what is printed was built
    assert sorted(p.name for p in (guide / "out").iterdir()) == ["flashcards.pdf"]


def test_a_stale_file_is_built_again_before_it_is_printed(printers, guide):
    printer = printers.printers["Duplex"]
    assert print_cli(printers, guide, "flashcards").returncode == 0
    chapter = guide / "content" / "02-units.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("Beijing,", "Běijīng,"), encoding="utf-8")
    before = len(printer.jobs())
    result = print_cli(printers, guide, "flashcards")
    assert result.returncode == 0, result.stderr
    (job,) = new_jobs(printer, before, 1)
    document = printer.document(job)
    assert document == (guide / "out" / "flashcards.pdf").read_bytes()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
    assert "Běijīng" in text and "Beijing," not in text


@pytest.mark.parametrize("what, flags, sides, media", [
    ("handout", ("--paper", "letter"), "one-sided", "na_letter_8.5x11in"),
    ("teacher", ("--double-sided",), "two-sided-long-edge", "iso_a4_210x297mm"),
    ("booklet", (), "two-sided-short-edge", "iso_a4_210x297mm"),
    ("calibration", ("--flip", "short"), "two-sided-short-edge", "iso_a4_210x297mm"),
])
def test_workbook_editions_booklet_and_calibration(printers, guide, what, flags, sides, media):
    printer = printers.printers["Duplex"]
    before = len(printer.jobs())
    result = print_cli(printers, guide, what, *flags)
    assert result.returncode == 0, result.stderr + result.stdout
    (job,) = new_jobs(printer, before, 1)
    assert (job["sides"], job["media"], job["print-scaling"]) == (sides, media, "none")
    name = {"booklet": "handout-booklet.pdf"}.get(what, f"{what}.pdf")
    assert printer.document(job) == (guide / "out" / name).read_bytes()


def test_folded_cards_print_on_one_side(printers, guide):
    printer = printers.printers["Duplex"]
    before = len(printer.jobs())
    result = print_cli(printers, guide, "--fold")
    assert result.returncode == 0, result.stderr
    (job,) = new_jobs(printer, before, 1)
    assert job["sides"] == "one-sided"
    assert printer.document(job) == (guide / "out" / "flashcards.pdf").read_bytes()


def test_manual_duplex_files_print_fronts_then_backs_after_enter(printers, guide):
    printer = printers.printers["Duplex"]
    before = len(printer.jobs())
    result = print_cli(printers, guide, "--duplex", "manual", stdin="\n")
    assert result.returncode == 0, result.stderr
    assert "Press Enter to print the backs" in result.stdout
    fronts, backs = new_jobs(printer, before, 2)
    assert fronts["sides"] == backs["sides"] == "one-sided"
    assert printer.document(fronts) == (guide / "out" / "flashcards-fronts.pdf").read_bytes()
    assert printer.document(backs) == (guide / "out" / "flashcards-backs.pdf").read_bytes()


def test_a_printer_without_duplex_prints_the_cards_by_hand(printers, guide):
    printer = printers.printers["Simplex"]
    before = len(printer.jobs())
    result = print_cli(printers, guide, "--printer", "Simplex", stdin="\n")
    assert result.returncode == 0, result.stderr
    assert "Simplex prints on one side only" in result.stdout
    fronts, backs = new_jobs(printer, before, 2)
    assert fronts["sides"] == backs["sides"] == "one-sided"
    sheets = PdfReader(guide / "out" / "flashcards.pdf").pages
    assert len(sheets) == 2  # four cards: one sheet, front and back
    front_pages = PdfReader(io.BytesIO(printer.document(fronts))).pages
    back_pages = PdfReader(io.BytesIO(printer.document(backs))).pages
    assert [p.extract_text() for p in front_pages] == [sheets[0].extract_text()]
    assert [p.extract_text() for p in back_pages] == [sheets[1].extract_text()]


def test_stopping_before_the_backs_prints_only_the_fronts(printers, guide):
    printer = printers.printers["Simplex"]
    before = len(printer.jobs())
    result = print_cli(printers, guide, "--printer", "Simplex", stdin="")  # no Enter: end of input
    assert result.returncode == 130, result.stderr
    assert len(new_jobs(printer, before, 1)) == 1


def test_dry_run_shows_the_exact_command_and_prints_nothing(printers, guide):
    printer = printers.printers["Duplex"]
    before = len(printer.jobs())
    result = print_cli(printers, guide, "flashcards", "--dry-run", "--printer", "Duplex", "--copies", "2",
                       "--flip", "short", "--paper", "letter")
    assert result.returncode == 0, result.stderr
    command = shlex.split(result.stdout)
    assert command == ["lp", "-d", "Duplex", "-n", "2", "-o", "collate=true", "-t", "flashcards",
                       "-o", "sides=two-sided-short-edge", "-o", "media=na_letter_8.5x11in",
                       "-o", "print-scaling=none", "-o", "fit-to-page=false", "--",
                       str((guide / "out" / "flashcards.pdf").resolve())]
    assert len(printer.jobs()) == before
    assert not (guide / "out").exists()


def test_list_shows_which_printers_print_duplex(printers, guide):
    result = print_cli(printers, guide, "--list")
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert set(lines) == {"Duplex", "Simplex"}
    assert "duplex" in lines["Duplex"] and "(default)" in lines["Duplex"]
    assert "one side only" in lines["Simplex"] and "(default)" not in lines["Simplex"]


def test_without_cups_the_message_says_what_to_install(guide, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_cli("print", cwd=guide, env={**os.environ, "PATH": str(empty)})
    assert result.returncode == 2
    assert "install cups-client" in result.stderr and "Traceback" not in result.stderr
    assert not (guide / "out").exists()  # nothing built for a print that cannot happen
