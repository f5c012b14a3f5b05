"""Hostile input and interrupted builds: no network, nothing read outside, nothing half-written,
the same bytes every time, and PDFs that validate."""

import hashlib
import http.server
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import CONTENT, ROOT, interruptible, run_cli

EPOCH = "1700000000"


class Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"x")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Recorder.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _guide(folder: Path, extra: str = "") -> Path:
    (folder / "content").mkdir(parents=True)
    shutil.copy(CONTENT / "ch01.md", folder / "content" / "ch01.md")
    if extra:
        with (folder / "content" / "ch01.md").open("a", encoding="utf-8") as stream:
            stream.write(extra)
    return folder


def test_a_remote_image_is_shown_as_text_and_never_fetched(tmp_path, server):
    _guide(tmp_path, f"11. 远程图片？\n    ![图]({server}/a.png) 和 [链接]({server}/page)\n")
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"warning SG502 image `{server}/a.png` is shown as text" in result.stderr
    assert Recorder.requests == []


def test_a_layout_reaching_for_the_network_or_local_files_is_refused(tmp_path, server):
    _guide(tmp_path)
    (tmp_path / "layouts").mkdir()
    css = (ROOT / "layouts" / "typography.css").read_text(encoding="utf-8")
    (tmp_path / "layouts" / "typography.css").write_text(
        f'@import url("{server}/remote.css");\n'
        f'body {{ background: url("{server}/bg.png"); }}\n'
        'html { background-image: url("file:///etc/passwd"); }\n' + css, encoding="utf-8")
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 1
    assert "typography.css:1:1: error SG503 @import is not allowed in a layout" in result.stderr
    assert f"typography.css:2:20: error SG503 url({server}/bg.png) reaches outside the guide" in result.stderr
    assert "typography.css:3:26: error SG503 url(file:///etc/passwd) reaches outside the guide" in result.stderr
    assert "nothing was written" in result.stderr and not (tmp_path / "out" / "handout.pdf").exists()
    assert Recorder.requests == []


def test_the_renderer_reads_only_data_urls_and_files_in_allowed_folders(tmp_path, server):
    """The last line of defence, under every check: the fetcher WeasyPrint is given."""
    from studyguide.printing.fetch import GuardedFetcher

    inside = tmp_path / "allowed"
    inside.mkdir()
    (inside / "a.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("secret")
    (inside / "link.png").symlink_to(tmp_path / "secret.txt")
    fetcher = GuardedFetcher([inside])
    assert fetcher.fetch((inside / "a.png").as_uri()).read() == b"png"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    for url in (f"{server}/x.png", (tmp_path / "secret.txt").as_uri(), (inside / "link.png").as_uri(),
                (inside / ".." / "secret.txt").as_uri(), "ftp://127.0.0.1/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5 and Recorder.requests == []


def test_a_link_in_content_leading_outside_is_not_read(tmp_path):
    _guide(tmp_path)
    secret = tmp_path / "secret.md"
    secret.write_text("# 第 2 章-秘密\n\n1. 秘密？\n   不该被读到\n", encoding="utf-8")
    (tmp_path / "content" / "ch02.md").symlink_to(secret)
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "error SG109 ch02.md is a link to" in result.stdout and "it is not read" in result.stdout
    assert "1 chapter, 10 cards" in result.stdout


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_build_leaves_the_old_outputs_and_no_temporary_files(tmp_path, how):
    project = tmp_path / "guide"
    (project / "content").mkdir(parents=True)
    for path in sorted(CONTENT.glob("*.md")):
        shutil.copy(path, project / "content" / path.name)
    assert run_cli("--force", cwd=project).returncode == 0
    before = _snapshot(project / "out")
    # an edit that changes every output, then a build stopped while it renders
    for path in (project / "content").glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace("神经网络", "神经网路"), encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(ROOT / "compile.py"), "--force", "--verbose"], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=interruptible)
    first = process.stderr.readline()  # --verbose names each piece as it is rendered: the workers are busy
    assert re.match(r"  \S+: \d+ pages", first), first
    assert process.poll() is None, "the build ended before it could be interrupted"
    process.send_signal(how)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert _snapshot(project / "out") == before
    assert not [p for p in (project / "out").iterdir() if p.name.startswith(".")]
    deadline = time.monotonic() + 10  # no worker outlives the build (the system reaps them soon after)
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        pytest.fail("processes of the interrupted build are still running")


def test_two_builds_in_separate_processes_give_the_same_bytes(tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    snapshots = []
    for name in ("a", "b"):
        project = tmp_path / name
        (project / "content").mkdir(parents=True)
        for path in sorted(CONTENT.glob("ch0[1-3].md")):
            shutil.copy(path, project / "content" / path.name)
        result = run_cli("--booklet", env=env, cwd=project)
        assert result.returncode == 0, result.stderr
        result = run_cli("export", "anki", env=env, cwd=project)
        assert result.returncode == 0, result.stderr
        snapshots.append(_snapshot(project / "out"))
    assert snapshots[0] == snapshots[1]
    assert {"handout.pdf", "workbook.pdf", "teacher.pdf", "handout-booklet.pdf", "flashcards.pdf",
            "questions.html", "answers.html", "study.html", "flashcards.apkg"} <= set(snapshots[0])
    reader = PdfReader(tmp_path / "a" / "out" / "workbook.pdf")
    assert reader.metadata["/CreationDate"] == "D:20231114221320Z"  # SOURCE_DATE_EPOCH


def test_without_source_date_epoch_the_date_comes_from_the_content(tmp_path):
    project = _guide(tmp_path)
    stamp = 1_600_000_000  # 2020-09-13 12:26:40 UTC
    os.utime(project / "content" / "ch01.md", (stamp, stamp))
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    assert run_cli("--edition", "handout", env=env, cwd=project).returncode == 0
    info = PdfReader(project / "out" / "handout.pdf").metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20200913122640Z"


def _all_pdfs(*folders: Path) -> list[Path]:
    return [path for folder in folders for path in sorted(folder.glob("*.pdf"))]


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf (Debian's qpdf) is installed by the test set-up")
def test_every_pdf_passes_qpdf_check(built, built_in_pieces):
    pdfs = _all_pdfs(built, built_in_pieces)
    assert len(pdfs) >= 7, pdfs
    for path in pdfs:
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{path.name}: {result.stdout}{result.stderr}"


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) is installed by the test set-up")
def test_every_embedded_font_is_well_formed(built, built_in_pieces):
    """Viewers built on poppler (evince, okular) read each font program by its declared type: a
    font stream that does not say what it holds is an error on every page."""
    import pikepdf

    pdfs = _all_pdfs(built, built_in_pieces)
    assert len(pdfs) >= 7, pdfs
    for path in pdfs:
        result = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True)
        assert result.returncode == 0 and result.stderr == "", f"{path.name}: {result.stderr}"
        with pikepdf.open(path) as pdf:
            descriptors = [obj for obj in pdf.objects
                           if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"]
            embedded = [obj for obj in descriptors if "/FontFile2" in obj or "/FontFile3" in obj]
            assert embedded, path.name
            for obj in embedded:
                if "/FontFile3" in obj:
                    assert obj.FontFile3.get("/Subtype") in ("/OpenType", "/CIDFontType0C"), path.name
                if "/FontFile2" in obj:
                    assert int(obj.FontFile2.get("/Length1", 0)) > 0, path.name


def test_every_pdf_opens_in_pypdf_without_warnings(built, built_in_pieces, caplog):
    with caplog.at_level(logging.WARNING, logger="pypdf"):
        for path in _all_pdfs(built, built_in_pieces):
            reader = PdfReader(path, strict=True)
            for page in reader.pages:
                page.extract_text()
            assert reader.outline is not None
    assert caplog.records == []


def test_outputs_are_readable_by_others(built):
    paths = list(built.iterdir())
    assert len(paths) >= 7, paths
    for path in paths:
        assert path.stat().st_mode & 0o044 == 0o044, path.name  # group and others may read


def test_outputs_are_replaced_all_together_or_not_at_all(tmp_path):
    """If one output cannot be written (here its folder is a file), none is replaced."""
    from studyguide.write import write_all

    out = tmp_path / "out"
    out.mkdir()
    (out / "a.pdf").write_bytes(b"old a")
    (tmp_path / "blocked").write_text("a file where a folder should be")
    with pytest.raises(OSError):
        write_all([(out / "a.pdf", b"new a"), (tmp_path / "blocked" / "b.pdf", b"new b")])
    assert (out / "a.pdf").read_bytes() == b"old a"
    assert sorted(p.name for p in out.iterdir()) == ["a.pdf"]  # no temporary file left
    write_all([(out / "a.pdf", b"new a"), (out / "b.pdf", "new b")])
    assert (out / "a.pdf").read_bytes() == b"new a" and (out / "b.pdf").read_text() == "new b"


def _seed_guide(project: Path, chapters: str = "ch0[1-3].md") -> Path:
    (project / "content").mkdir(parents=True)
    for path in sorted(CONTENT.glob(chapters)):
        shutil.copy(path, project / "content" / path.name)
    return project


def _edit_every_chapter(project: Path) -> None:
    for path in (project / "content").glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace("神经网络", "神经网路").replace("的", "之"),
                        encoding="utf-8")


def _gone(group: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def test_an_interrupt_while_outputs_are_replaced_leaves_all_old_or_all_new(tmp_path):
    project = _seed_guide(tmp_path / "guide")
    assert run_cli("--force", "--jobs", "2", cwd=project).returncode == 0
    before = _snapshot(project / "out")
    _edit_every_chapter(project)
    process = subprocess.Popen([sys.executable, str(ROOT / "compile.py"), "--force", "--jobs", "2", "--verbose"],
                               cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, preexec_fn=interruptible)
    for line in process.stderr:  # --verbose says when the files are about to be replaced
        if line.startswith("  writing "):
            break
    else:
        pytest.fail("the build never reached writing")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    after = _snapshot(project / "out")
    assert set(after) == set(before) and len(before) >= 5
    changed = [name for name in after if after[name] != before[name]]
    assert changed in ([], sorted(after)), f"a mixed set: only {changed} were replaced"
    if changed:  # the signal came while the files were being replaced: they all were, and it says so
        assert process.returncode == 130 and "once every new output was in place" in stderr, stderr
    assert not [p for p in (project / "out").iterdir() if p.name.startswith(".")]


def test_a_killed_build_leaves_no_worker_running_and_the_next_build_cleans_up(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    project = _seed_guide(tmp_path / "guide")
    process = subprocess.Popen([sys.executable, str(ROOT / "compile.py"), "--force", "--jobs", "2", "--verbose"],
                               cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, preexec_fn=interruptible)
    first = process.stderr.readline()  # a piece is rendered: the workers are up and busy
    assert re.match(r"  \S+: \d+ pages", first), first
    process.kill()
    process.wait(timeout=30)
    assert _gone(process.pid), "workers of the killed build are still running"
    assert [p.name for p in scratch.iterdir() if p.name.startswith("studyguide-workers-")], \
        "the killed build should have left its workers' folder (else this test proves nothing)"
    # what a build killed between writing a file and renaming it leaves behind
    (project / "out").mkdir(exist_ok=True)
    (project / "out" / ".teacher.pdf.k1ll3d.tmp").write_bytes(b"half a PDF")
    (project / "out" / ".workbook.pdf.old.tmp").write_bytes(b"an old PDF set aside")
    (project / "out" / ".studyguide-x1y2.tmp").write_bytes(b"")
    result = run_cli("--jobs", "2", env=env, cwd=project)
    assert result.returncode == 0, result.stderr
    assert not [p.name for p in (project / "out").iterdir() if p.name.endswith(".tmp")]
    assert sorted(p.name for p in scratch.iterdir()) == [], "temporary folders were left in TMPDIR"


def test_an_output_that_cannot_be_replaced_replaces_nothing(tmp_path):
    project = _seed_guide(tmp_path / "guide", "ch01.md")
    assert run_cli("--force", cwd=project).returncode == 0
    before = _snapshot(project / "out")
    locked = project / "out" / "flashcards.pdf"
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not possible here (not root, or the file system has no such flag)")
    try:
        _edit_every_chapter(project)
        result = run_cli("--force", cwd=project)
        assert result.returncode == 1
        assert f"error SG701 cannot write {locked}" in result.stderr and "no output was replaced" in result.stderr
        assert _snapshot(project / "out") == before
        assert not [p.name for p in (project / "out").iterdir() if p.name.startswith(".")]
    finally:
        subprocess.run(["chattr", "-i", str(locked)], capture_output=True)


# a build's last step, run alone and killed outright (SIGKILL) just after its first rename
_KILLED_MIDWAY = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from studyguide import write
out = Path(sys.argv[2])
replace = os.replace
def replace_then_die(source, target):
    replace(source, target)
    if not str(target).endswith(write.JOURNAL):
        os.kill(os.getpid(), signal.SIGKILL)
write.os.replace = replace_then_die
write.write_all([(out / name, "new " + name) for name in ("a.pdf", "b.pdf", "c.html")])
"""


def _journal_guide(project: Path) -> Path:
    (project / "content").mkdir(parents=True)
    (project / "content" / "ch01.md").write_text("# 第一章\n\n1. 问？\n\n   答。\n", encoding="utf-8")
    out = project / "out"
    out.mkdir()
    for name in ("a.pdf", "b.pdf", "c.html"):
        (out / name).write_text("old " + name)
    return out


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_build_killed_between_two_renames_is_completed_by_the_next_run(tmp_path, command):
    out = _journal_guide(tmp_path)
    killed = subprocess.run([sys.executable, "-c", _KILLED_MIDWAY, str(ROOT), str(out)], capture_output=True)
    assert killed.returncode == -signal.SIGKILL
    contents = sorted(p.read_text() for p in out.iterdir() if not p.name.startswith("."))
    assert contents == ["new a.pdf", "old b.pdf", "old c.html"]  # mixed, as the kill left it
    assert (out / ".studyguide-journal.json").exists()
    # a build finishes the switch before it renders or writes anything
    result = run_cli(*([command] if command == "check" else [command, "--only", "html"]), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "note SG702" in result.stderr and "1 of 3 done" in result.stderr, result.stderr
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no journal, no staged file
    if command == "check":
        assert sorted(p.read_text() for p in out.iterdir()) == ["new a.pdf", "new b.pdf", "new c.html"]


def test_a_build_killed_before_its_first_rename_is_undone_by_the_next_run(tmp_path):
    out = _journal_guide(tmp_path)
    for name in ("a.pdf", "b.pdf"):
        (out / f".{name}.k3x9.tmp").write_text("new " + name)
    os.link(out / "a.pdf", out / ".a.pdf.old.tmp")
    (out / ".studyguide-journal.json").write_text(
        '{"files": [{"staged": ".a.pdf.k3x9.tmp", "target": "a.pdf", "old": ".a.pdf.old.tmp"},'
        ' {"staged": ".b.pdf.k3x9.tmp", "target": "b.pdf", "old": null}]}')
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "note SG702" in result.stderr and "just before it replaced" in result.stderr, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.pdf", "b.pdf", "c.html"]
    assert sorted(p.read_text() for p in out.iterdir()) == ["old a.pdf", "old b.pdf", "old c.html"]


def test_a_planted_journal_cannot_move_files_outside_the_output_folder(tmp_path):
    out = _journal_guide(tmp_path)
    (tmp_path / "secret.txt").write_text("keep me")
    (out / ".studyguide-journal.json").write_text(
        '{"files": [{"staged": "../secret.txt", "target": "a.pdf", "old": null},'
        ' {"staged": ".b.pdf.x.tmp", "target": "../content/ch01.md", "old": null}]}')
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no output was changed" in result.stderr, result.stderr
    assert (tmp_path / "secret.txt").read_text() == "keep me"
    assert sorted(p.read_text() for p in out.iterdir()) == ["old a.pdf", "old b.pdf", "old c.html"]


def test_a_line_of_100000_characters_without_a_space_wraps_and_loses_nothing(tmp_path):
    """Made here rather than kept as a file: digests chained into one line of hex, as a key or a
    hash dump would paste. No time limit is asserted; the timeout only catches a hang."""
    from collections import Counter

    from pdfread import squash

    digest, parts = b"studyguide", []
    while sum(map(len, parts)) < 100_000:
        digest = hashlib.sha256(digest).digest()
        parts.append(digest.hex())
    line = "".join(parts)[:100_000]
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "ch01.md").write_text(
        f"# 第 1 章\n\n1. 十万个字符的一行？\n   {line}\n2. 第二题？\n   第二个答案\n", encoding="utf-8")
    result = run_cli("--edition", "teacher", "--only", "workbook,flashcards", cwd=tmp_path, timeout=900)
    assert result.returncode == 0, result.stderr
    assert "warning SG601 card 1.1: the answer does not fit" in result.stderr, result.stderr
    teacher = squash("".join(page.extract_text() or "" for page in PdfReader(tmp_path / "out" / "teacher.pdf").pages))
    position = teacher.index(line[:64])  # every character in order; page heads come between pages
    for ch in line:
        position = teacher.index(ch, position) + 1
    assert teacher.count(line[:1000]) == 1 and teacher[position - 64:position] == line[-64:]
    cards = Counter(squash("".join(page.extract_text() or ""
                                   for page in PdfReader(tmp_path / "out" / "flashcards.pdf").pages)))
    assert all(cards[ch] >= count for ch, count in Counter(line).items())  # every character reached a card
