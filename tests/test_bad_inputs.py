"""The corpus of bad input in tests/bad/: every case behaves as its case.toml says.

Each case is a small guide (content/, and where it matters layouts/ or studyguide.toml) with a
case.toml:

- about: what the case is;
- args: the command line (default: a build of the teacher's edition, the flashcards and HTML);
- exit: the exit code the README documents for it;
- expect: lines that must be printed, each a diagnostic's start: file:line:col, severity, code;
- cards: how many cards the summary counts;
- text: text (whitespace aside) the teacher's edition must show; text_from: `file:line`s whose
  every non-blank character must reach it, in order;
- pdf_absent / html_absent: what no PDF may show / no HTML may hold as markup;
- inside: every glyph lies inside the page's margins and inside its flashcard's text area;
- setup: `unreadable FILE` or `read-only DIR`, made at test time (git keeps no permissions).

Builds run with --verbose, so notes are printed too. Whatever the case, nothing may print a
traceback, an error must leave no output behind, and every error or warning must say where it
is and how to fix it.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from conftest import ROOT
from pdfread import MM, squash

BAD = Path(__file__).resolve().parent / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "case.toml").is_file())
DIAGNOSTIC = re.compile(r"^(?:(?P<where>\S+?(?::\d+:\d+)?): )?(?P<severity>error|warning|note) (?P<code>SG\d{3}) (?P<rest>.*)$")
UNPRIVILEGED = 65534  # nobody: root reads and writes whatever it likes, so permission cases drop to it


def _spec(name: str) -> dict:
    return tomllib.loads((BAD / name / "case.toml").read_text(encoding="utf-8"))


def test_the_corpus_covers_what_people_feed_a_build():
    assert len(CASES) >= 30
    codes = {m.group(1) for name in CASES for line in _spec(name)["expect"] for m in [re.search(r"(SG\d{3})", line)] if m}
    # every reading, character, link and layout problem has a case
    assert {"SG101", "SG102", "SG103", "SG104", "SG105", "SG106", "SG107", "SG108", "SG109", "SG110", "SG201",
            "SG202", "SG301", "SG303", "SG304", "SG305", "SG306", "SG307", "SG401", "SG402", "SG501", "SG502",
            "SG503", "SG504", "SG505", "SG506", "SG601", "SG701"} <= codes


def _prepare(name: str, spec: dict, tmp_path: Path) -> tuple[Path, list[str]]:
    """A copy of the case to build in, and the command prefix that runs studyguide in it."""
    setup = spec.get("setup", "")
    drop = bool(setup) and os.geteuid() == 0
    if drop:  # a folder the unprivileged user can reach, owned by it, except what the case locks
        base = Path(tempfile.mkdtemp(prefix="studyguide-bad-"))
        os.chmod(base, 0o755)
        guide = base / name
    else:
        guide = tmp_path / name
    shutil.copytree(BAD / name, guide, symlinks=True)
    (guide / "case.toml").unlink()
    prefix = []
    if drop:
        if _unprivileged_python() is None:
            pytest.skip("no Python here that an unprivileged user can run; as root, permissions cannot "
                        "be taken away")
        for path in [guide, *guide.rglob("*")]:
            os.lchown(path, UNPRIVILEGED, UNPRIVILEGED)
        prefix = ["setpriv", f"--reuid={UNPRIVILEGED}", f"--regid={UNPRIVILEGED}", "--clear-groups"]
    if setup:
        how, target = setup.split(" ", 1)
        path = guide / target
        if how == "read-only":
            path.mkdir(exist_ok=True)
        elif how != "unreadable":
            raise AssertionError(f"unknown setup {setup!r}")
        if drop:
            os.chown(path, 0, 0)  # root's, so nobody cannot change it back
        path.chmod(0 if how == "unreadable" else 0o555)
    return guide, prefix


@functools.cache
def _unprivileged_python() -> tuple[str, dict] | None:
    """An interpreter the unprivileged user can run, with what it needs to import our packages:
    the one running the tests, or (when it lies under /root) the system's of the same version
    given this environment's packages."""
    packages = {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p.endswith("site-packages"))}
    system = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    for python, env in ((sys.executable, {}), (system, packages)):
        probe = subprocess.run(["setpriv", f"--reuid={UNPRIVILEGED}", f"--regid={UNPRIVILEGED}", "--clear-groups",
                                python, "-c", "import weasyprint, pikepdf, subprocess, sys; "
                                "subprocess.run([sys.executable, '-c', ''], check=True)"],
                               capture_output=True, cwd="/", env={**os.environ, **env})
        if probe.returncode == 0:
            return python, env
    return None


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under the guide but the cache, by its path: what a failed build must not touch."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink() and os.access(p, os.R_OK) and ".cache" not in p.parts}


def _in_order(needle: str, text: str) -> bool:
    """Whether every character of `needle` appears in `text`, in order (running heads may come between)."""
    position = 0
    for ch in needle:
        position = text.find(ch, position) + 1
        if position == 0:
            return False
    return True


def _run(guide: Path, prefix: list[str], args: list[str]) -> subprocess.CompletedProcess:
    python, extra = _unprivileged_python() if prefix else (sys.executable, {})
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "NO_COLOR": "1", "HOME": str(guide), **extra}
    return subprocess.run([*prefix, python, str(ROOT / "compile.py"), *args], cwd=guide, env=env,
                          capture_output=True, text=True, timeout=300)


def _pdf_text(path: Path) -> str:
    return squash("".join(page.extract_text() or "" for page in PdfReader(path).pages))


def _source_line(guide: Path, where: str) -> str:
    file, line = where.rsplit(":", 1)
    return (guide / file).read_text(encoding="utf-8").split("\n")[int(line) - 1]


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name, tmp_path):
    spec = _spec(name)
    args = list(spec.get("args", ["--edition", "teacher"]))
    if "--edition" in args and "--only" not in args:  # an edition alone builds only the workbook
        args += ["--only", "workbook,flashcards,html,study"]
    building = not args or args[0] not in ("check", "export", "calibrate", "init")
    guide, prefix = _prepare(name, spec, tmp_path)
    try:
        before = _snapshot(guide)
        result = _run(guide, prefix, args + (["--verbose"] if building else []))
        printed = result.stdout + result.stderr
        assert "Traceback" not in printed and "internal error" not in printed, printed
        assert result.returncode == spec["exit"], printed

        for expected in spec["expect"]:
            assert expected in printed, f"{expected!r} not in:\n{printed}"
        findings = [m for line in printed.splitlines() if (m := DIAGNOSTIC.match(line.strip()))]
        for found in findings:
            if found["severity"] != "note":
                assert found["rest"].endswith(")"), f"no hint how to fix it: {found.group(0)}"
                assert found["where"] or found["code"] == "SG108", f"no file:line: {found.group(0)}"
        if any(f["severity"] == "error" for f in findings):
            assert result.returncode == 1

        out = guide / "out"
        written = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
        assert not [p for p in guide.rglob("*.tmp")], "temporary files were left behind"
        if result.returncode != 0:
            assert written == [], f"a failed build wrote {written}"
            assert _snapshot(guide) == before, "a failed build changed files"
            assert "nothing was written" in printed or result.returncode == 2
            return
        if "cards" in spec:
            assert re.search(rf"\b{spec['cards']} cards?\b", printed), printed
        if not building:
            return

        assert {"teacher.pdf", "flashcards.pdf", "questions.html", "answers.html"} <= set(written)
        teacher = _pdf_text(out / "teacher.pdf")
        for text in spec.get("text", []):
            assert squash(text) in teacher, text
        froms = spec.get("text_from", [])
        for where in [froms] if isinstance(froms, str) else froms:
            line = squash(_source_line(guide, where))
            assert len(line) > 100 and _in_order(line, teacher), where
        pdfs = [teacher, _pdf_text(out / "flashcards.pdf")]
        for text in spec.get("pdf_absent", []):
            assert not any(squash(text) in pdf for pdf in pdfs), text
        for page in ("questions.html", "answers.html", "study.html"):
            html = (out / page).read_text(encoding="utf-8")
            for markup in spec.get("html_absent", []):
                assert markup not in html, f"{page} holds {markup!r} as markup"
        if spec.get("inside"):
            _assert_inside(out)
    finally:
        if prefix:
            shutil.rmtree(guide.parent, ignore_errors=True)


def _assert_inside(out: Path) -> None:
    """No glyph crosses the page's margins, or the text area of the A7 card it is printed on."""
    with pdfplumber.open(out / "teacher.pdf") as pdf:
        for page in pdf.pages:
            for char in page.chars:
                assert char["x0"] >= 10 * MM and char["x1"] <= page.width - 10 * MM, char["text"]
    width, height = 105 * MM, 74 * MM  # A7, 2 x 4 on A4, the default stock
    with pdfplumber.open(out / "flashcards.pdf") as pdf:
        for page in pdf.pages:
            for char in page.chars:
                if not char["text"].strip():
                    continue
                column, row = int(char["x0"] // width), int(char["top"] // height)
                left, top = column * width, row * height
                assert left + 5.9 * MM <= char["x0"] and char["x1"] <= left + width - 5.9 * MM, \
                    f"{char['text']!r} at x {char['x0'] / MM:.1f}-{char['x1'] / MM:.1f} mm runs past its card"
                assert top <= char["top"] and char["bottom"] <= top + height, \
                    f"{char['text']!r} at y {char['top'] / MM:.1f} mm runs past its card"
