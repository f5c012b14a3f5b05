"""A guide stays inside its folder: what it names is read only inside the folders a build may
read, and what a build writes lands only in the output folder the user chose.

Each test builds a small guide that tries to get out, and watches what the build opens (strace,
when it is installed), writes or refuses.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

CARDS = "# Chapter 1 Paths\n\n1. Where does it live?\n   {answer}\n2. And the second one?\n   Right here.\n"


def _guide(folder: Path, answer: str = "At home.", settings: str = "") -> Path:
    (folder / "content").mkdir(parents=True)
    (folder / "content" / "ch01.md").write_text(CARDS.format(answer=answer), encoding="utf-8")
    (folder / "studyguide.toml").write_text('[guide]\ntitle = "Paths"\nlanguage = "en"\n' + settings,
                                            encoding="utf-8")
    return folder


def _run(folder: Path, *args: str, trace: Path | None = None, timeout: float = 240):
    command = [sys.executable, str(ROOT / "compile.py"), *args]
    if trace is not None:
        command = ["strace", "-f", "-qq", "-e", "trace=open,openat,openat2", "-o", str(trace), *command]
    # stdin is a pipe nobody writes to nor closes: a build that read /dev/stdin would hang
    return subprocess.run(command, cwd=folder, stdin=subprocess.PIPE, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "NO_COLOR": "1"})


def _opened(trace: Path) -> list[str]:
    """The paths a traced run opened successfully."""
    lines = trace.read_text(errors="replace").splitlines()
    assert lines, "strace recorded nothing"
    return [m[1] for line in lines if (m := re.search(r'open(?:at2?)?\((?:[^,]+, )?"([^"]*)"', line))
            and not re.search(r"= -1 ", line)]


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is needed to see what a build opens")
def test_paths_written_in_a_card_are_only_text(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the guide", encoding="utf-8")
    guide = _guide(tmp_path / "guide", f"It is at file://{secret} or file:///dev/zero or file:///dev/stdin.")
    (guide / "content" / "notes.bin").symlink_to(secret)  # the fingerprint does not read through links
    trace = tmp_path / "trace"
    result = _run(guide, "--edition", "teacher", "--only", "workbook,html", trace=trace)
    assert result.returncode == 0, result.stdout + result.stderr
    opened = _opened(trace)
    assert any(path.endswith("content/ch01.md") for path in opened)  # the trace does see the build's reads
    assert str(secret) not in opened
    assert "/dev/zero" not in opened and "/dev/stdin" not in opened
    # the card shows what was written, as text
    answers = (guide / "out" / "answers.html").read_text(encoding="utf-8").replace("\u200b", "")  # break chances
    assert f"file://{secret}" in answers and "file:///dev/zero" in answers


def test_the_cache_key_reads_only_regular_files_inside_the_roots(tmp_path, monkeypatch):
    """The job cache's key, alone: a file:// URL outside the roots, a FIFO inside them and a big
    file are never read, and a small image inside is (its bytes decide the key)."""
    from studyguide.cache import HASH_LIMIT, JobCache
    from studyguide.printing.pool import Job

    root = tmp_path / "content"
    root.mkdir()
    image = root / "a.png"
    image.write_bytes(b"one")
    os.mkfifo(root / "pipe.png")
    with open(root / "big.png", "wb") as big:
        big.truncate(HASH_LIMIT + 1)
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    (root / "link.png").symlink_to(outside)
    opened: list[str] = []
    real_open = os.open

    def spy(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    urls = " ".join(f"file://{p}" for p in (outside, root / "pipe.png", root / "big.png", root / "link.png",
                                            Path("/dev/zero")))
    job = Job("x", f'<img src="file://{image}"> {urls}', str(tmp_path), (str(root),), b"")
    first = JobCache(tmp_path / "cache").key(job)
    assert opened == [str(image)]
    image.write_bytes(b"two")
    assert JobCache(tmp_path / "cache").key(job) != first


def _victim(folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    for name, text in (("notes.txt", b"mine"), (".notes.txt.a.tmp", b"planted"),
                       (".notes.txt.backup.tmp", b"old"), ("gone", b"keep me"), (".gone.x.tmp", b"x")):
        (folder / name).write_bytes(text)
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize("entries", [
    # through a link the guide ships inside its output folder
    [{"staged": "sub/.notes.txt.a.tmp", "target": "sub/notes.txt", "old": "sub/.notes.txt.backup.tmp"},
     {"staged": "sub/.gone.x.tmp", "target": "sub/gone", "old": None}],
    # plain names, but each one a link out of the folder
    [{"staged": ".notes.txt.a.tmp", "target": "notes.txt", "old": ".notes.txt.backup.tmp"},
     {"staged": ".gone.x.tmp", "target": "gone", "old": None}],
])
def test_a_planted_journal_touches_nothing_outside_the_output_folder(tmp_path, entries):
    from studyguide.write import JOURNAL, recover

    victim = tmp_path / "victim"
    before = _victim(victim)
    out = tmp_path / "guide" / "out"
    out.mkdir(parents=True)
    (out / "sub").symlink_to(victim)
    for name in before:
        (out / name).symlink_to(victim / name)
    (out / JOURNAL).write_text(json.dumps({"files": entries}), encoding="utf-8")
    message = recover(out)
    assert message is not None and "did not write" in message and "no output was changed" in message
    assert {p.name: p.read_bytes() for p in victim.iterdir()} == before
    assert not (out / JOURNAL).exists()


def test_a_journal_a_build_wrote_is_still_completed(tmp_path):
    """The check above refuses only what a build never writes: a real half-done switch finishes."""
    from studyguide.write import JOURNAL, recover

    out = tmp_path / "out"
    out.mkdir()
    (out / "a.pdf").write_bytes(b"new a")  # renamed already
    (out / "b.pdf").write_bytes(b"old b")
    (out / ".b.pdf.x1.tmp").write_bytes(b"new b")
    (out / ".b.pdf.old.tmp").write_bytes(b"old b")
    entries = [{"staged": ".a.pdf.x0.tmp", "target": "a.pdf", "old": None},
               {"staged": ".b.pdf.x1.tmp", "target": "b.pdf", "old": ".b.pdf.old.tmp"}]
    (out / JOURNAL).write_text(json.dumps({"files": entries}), encoding="utf-8")
    assert "1 of 2 done" in recover(out)
    assert sorted(p.name for p in out.iterdir()) == ["a.pdf", "b.pdf"]
    assert (out / "b.pdf").read_bytes() == b"new b"


@pytest.mark.parametrize("key, value", [
    ("out", '"../victim"'),
    ("content", '["content", "../outside/leak.md"]'),
    ("content", '["SECRET"]'),
    ("layouts", '"../outside/layouts"'),
    ("fonts", '"../outside"'),
])
def test_a_setting_naming_a_place_outside_the_guide_is_refused(tmp_path, key, value):
    outside = tmp_path / "outside"
    (outside / "layouts").mkdir(parents=True)
    (outside / "leak.md").write_text("# Leak\n\n1. Secret?\n   LEAKED\n", encoding="utf-8")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "questions.html").write_text("mine", encoding="utf-8")
    value = value.replace("SECRET", str(outside / "leak.md"))
    guide = _guide(tmp_path / "guide", settings=f"\n[build]\n{key} = {value}\n")
    result = _run(guide, "--only", "html")
    assert result.returncode == 2, result.stdout + result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"studyguide: studyguide.toml:6: `build.{key}`: "), line
    assert "outside the guide's folder" in line and "(" in line  # and how to fix it
    assert "LEAKED" not in result.stdout + result.stderr
    assert (victim / "questions.html").read_text(encoding="utf-8") == "mine"
    assert not (guide / "out").exists()


@pytest.mark.parametrize("name", ["out", "content", "layouts"])
def test_a_folder_the_guide_ships_as_a_link_outside_is_refused(tmp_path, name):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "leak.md").write_text("# Leak\n\n1. Secret?\n   LEAKED\n", encoding="utf-8")
    guide = _guide(tmp_path / "guide")
    if name == "content":
        shutil.rmtree(guide / "content")
    (guide / name).symlink_to(outside)
    result = _run(guide, "--only", "html")
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{name}: `build.{name}`: is a link to {outside}, outside the guide's folder" in result.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["leak.md"]  # nothing written there
    assert "LEAKED" not in result.stdout + result.stderr


def test_the_command_line_may_name_any_place(tmp_path):
    """The user's own choices: content and --out given on the command line, outside the guide."""
    elsewhere = tmp_path / "elsewhere"
    _guide(elsewhere)
    guide = _guide(tmp_path / "guide", settings='\n[build]\nout = "../victim"\n')
    result = _run(guide, str(elsewhere / "content"), "--out", str(tmp_path / "mine"), "--only", "html")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "At home." in (tmp_path / "mine" / "answers.html").read_text(encoding="utf-8")
    assert not (tmp_path / "victim").exists()


def test_a_big_file_in_the_content_is_not_read_into_memory(tmp_path):
    guide = _guide(tmp_path / "guide")
    with open(guide / "content" / "lecture.mp4", "wb") as video:
        video.truncate(1500 << 20)  # sparse: 1.5 GB of nothing on disk
    measure = ("import resource, subprocess, sys; "
               "done = subprocess.run(sys.argv[1:], capture_output=True, stdin=subprocess.DEVNULL); "
               "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", measure, sys.executable, str(ROOT / "compile.py"),
                             "--only", "html"], cwd=guide, capture_output=True, text=True, timeout=240)
    code, peak_kb = map(int, result.stdout.split())
    assert code == 0, result.stderr
    assert "At home." in (guide / "out" / "answers.html").read_text(encoding="utf-8")
    assert peak_kb < 400 * 1024, f"peak {peak_kb // 1024} MB"


def test_odd_entries_in_the_content_folder_each_get_a_finding(tmp_path):
    """A FIFO named like a chapter (never opened: it would wait forever), a folder named x.md, a
    link to a folder, a name that is not UTF-8 and one with a newline: a finding each, on one line."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "leak.md").write_text("# Leak\n\n1. Secret?\n   LEAKED\n", encoding="utf-8")
    guide = _guide(tmp_path / "guide")
    content = guide / "content"
    os.mkfifo(content / "ch02.md")
    (content / "notes.md").mkdir()
    (content / "notes.md" / "ch03.md").write_text("# Chapter 3 Kept\n\n1. Inside?\n   Yes.\n", encoding="utf-8")
    (content / "sub").symlink_to(outside)
    with open(os.path.join(os.fsencode(content), b"ch\xff05.md"), "wb") as odd:
        odd.write(b"# Chapter 5 Odd\n\n1. Read?\n   No.\n")
    (content / "ch\n06.md").write_text("# Chapter 6 Fake\n\n1. No answer here?\n", encoding="utf-8")
    result = _run(guide, "check", timeout=60)
    printed = result.stdout.replace("\r", "")
    assert result.returncode == 1, printed + result.stderr
    assert "content/ch02.md: error SG101 ch02.md is a named pipe (FIFO), not a file; it is not read" in printed
    assert "content/notes.md: warning SG111 a folder named like a Markdown file" in printed
    assert f"content/sub: error SG109 sub is a link to the folder {outside}; links to folders are not " \
           "followed" in printed
    assert "content/ch\\xff05.md: error SG101 the file's name is not UTF-8 text" in printed
    assert re.search(r"^content/ch\\n06\.md:\d+:\d+: warning SG301 ", printed, re.M)
    assert "LEAKED" not in printed
    lines = [line for line in printed.splitlines() if line.strip()]
    assert len(lines) == 6  # five findings and the summary: no name split a line
    assert lines[-1].startswith("3 chapters, 4 cards, 3 errors, 2 warnings")
    # a build (which fingerprints the folder first) says the same, and fails cleanly
    built = _run(guide, "--only", "html", timeout=120)
    assert built.returncode == 1 and "content/ch\\xff05.md: error SG101" in built.stderr, built.stderr
    assert "internal error" not in built.stderr and "nothing was written" in built.stderr


def test_a_guides_layouts_make_the_html_pages_neither_fetch_nor_run_anything(tmp_path):
    """Remote images and scripts, an inline script and a study.js of the guide's own: each is
    reported, and a real browser opening the pages makes no request and runs none of them."""
    import http.server
    import threading

    from browser import chromium

    requests: list[str] = []

    class Logged(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Logged)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    remote = f"http://127.0.0.1:{server.server_port}"
    guide = _guide(tmp_path / "guide")
    layouts = guide / "layouts"
    layouts.mkdir()
    page = (ROOT / "layouts" / "questions.html.j2").read_text(encoding="utf-8")
    planted = (f'<script src="{remote}/track.js"></script><img src="{remote}/pixel.png">'
               f'<script>document.title = "ran"; fetch("{remote}/inline")</script>')
    page = page.replace('<div class="entry-question', planted + '<div class="entry-question', 1)
    assert planted in page
    (layouts / "questions.html.j2").write_text(page, encoding="utf-8")
    (layouts / "study.js").write_text(f'document.title = "ran"; fetch("{remote}/study");\n', encoding="utf-8")
    result = _run(guide, "--only", "html,study")
    assert result.returncode == 0, result.stdout + result.stderr
    found = [line for line in result.stderr.splitlines() if " warning SG507 " in line]
    assert sum(line.startswith("layouts/questions.html.j2:") for line in found) == 4  # 2 scripts, 2 addresses
    assert any(line.startswith("layouts/study.js:1:1: warning SG507 this study.js is not run") for line in found)
    try:
        with chromium() as browser:
            tab = browser.new_page()
            for name in ("questions.html", "study.html"):
                tab.goto((guide / "out" / name).as_uri())
                tab.wait_for_timeout(500)
                assert tab.title() != "ran", name
    finally:
        server.shutdown()
    assert requests == []


def test_the_study_page_runs_its_own_script_under_the_policy(tmp_path):
    from browser import chromium

    guide = _guide(tmp_path / "guide")
    result = _run(guide, "--only", "study")
    assert result.returncode == 0, result.stdout + result.stderr
    html = (guide / "out" / "study.html").read_text(encoding="utf-8")
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)[1]
    assert "default-src 'none'" in policy and re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", policy)
    with chromium() as browser:
        tab = browser.new_page()
        errors: list[str] = []
        tab.on("console", lambda message: message.type == "error" and errors.append(message.text))
        tab.goto((guide / "out" / "study.html").as_uri())
        assert not tab.is_visible("#card-answer")
        tab.click("#card")
        assert tab.inner_text("#card-answer") == "At home."
        tab.screenshot(path=str(tmp_path / "flipped.png"))
    assert errors == []


def test_outputs_shipped_as_links_are_replaced_not_followed(tmp_path):
    """out/answers.html -> /dev/zero would never end if read; out/questions.html -> a file of
    someone else's must stay as it is: both links are replaced by the outputs."""
    victim = tmp_path / "victim.html"
    victim.write_text("mine", encoding="utf-8")
    guide = _guide(tmp_path / "guide")
    (guide / "out").mkdir()
    (guide / "out" / "answers.html").symlink_to("/dev/zero")
    (guide / "out" / "questions.html").symlink_to(victim)
    result = _run(guide, "--only", "html", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert victim.read_text(encoding="utf-8") == "mine"
    for name in ("answers.html", "questions.html"):
        assert not (guide / "out" / name).is_symlink()
        assert "Where does it live?" in (guide / "out" / name).read_text(encoding="utf-8")


def _measured(guide: Path, *args: str) -> tuple[int, int, str]:
    """A build's exit code, the peak memory (KB) of its biggest process, and what it printed."""
    measure = ("import resource, subprocess, sys; "
               "done = subprocess.run(sys.argv[1:], capture_output=True, text=True, stdin=subprocess.DEVNULL); "
               "sys.stderr.write(done.stdout + done.stderr); "
               "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", measure, sys.executable, str(ROOT / "compile.py"), *args],
                            cwd=guide, capture_output=True, text=True, timeout=240,
                            env={**os.environ, "NO_COLOR": "1"})
    code, peak_kb = map(int, result.stdout.split())
    return code, peak_kb, result.stderr


def _sparse_png(path: Path, size: int = 2 << 30) -> None:
    """A sound 1 x 1 PNG followed by gigabytes of nothing (sparse: nothing on disk)."""
    from PIL import Image

    Image.new("RGB", (1, 1), "white").save(path)
    with open(path, "r+b") as stream:
        stream.truncate(size)


def test_a_huge_image_in_the_content_is_refused_by_its_size_unread(tmp_path):
    guide = _guide(tmp_path / "guide", "At home, see ![the seal](seal.png) here.")
    _sparse_png(guide / "content" / "seal.png")
    code, peak_kb, printed = _measured(guide, "--edition", "teacher", "--only", "workbook,html")
    assert code == 0, printed
    assert "Traceback" not in printed
    assert re.search(r"^content/ch01\.md:4:\d+: warning SG502 image `seal\.png` is shown as text: the image file "
                     r"is too big to print: 2,048 MB, more than the 64 MB allowed \(", printed, re.M), printed
    assert "the seal" in (guide / "out" / "answers.html").read_text(encoding="utf-8")
    assert peak_kb < 600 * 1024, f"peak {peak_kb // 1024} MB: the image was read"


def test_a_huge_file_a_stylesheet_names_is_refused_unread_at_its_line(tmp_path):
    """The renderer's own fetcher streams with a limit: a layout's background of 2 GB is never read."""
    guide = _guide(tmp_path / "guide")
    (guide / "layouts").mkdir()
    (guide / "layouts" / "typography.css").write_text("body { font-size: 11pt; }\nhtml { background-image: "
                                                      'url("layouts/paper.png"); }\n', encoding="utf-8")
    _sparse_png(guide / "layouts" / "paper.png")
    code, peak_kb, printed = _measured(guide, "--edition", "teacher", "--only", "workbook")
    assert code == 1, printed
    assert "Traceback" not in printed and "nothing was written" in printed
    assert re.search(r"^layouts/typography\.css:2:\d+: error SG503 layout `typography\.css`: the renderer was "
                     r"refused file://\S+/layouts/paper\.png, probably made here .*: is more than 128 MB \(",
                     printed, re.M), printed
    assert not (guide / "out").exists()
    assert peak_kb < 600 * 1024, f"peak {peak_kb // 1024} MB: the file was read"


def test_a_huge_layout_file_is_refused_unread(tmp_path):
    guide = _guide(tmp_path / "guide")
    (guide / "layouts").mkdir()
    with open(guide / "layouts" / "title-page.html.j2", "wb") as template:
        template.write(b"<section>{{ meta.title }}</section>\n")
        template.truncate(2 << 30)
    code, peak_kb, printed = _measured(guide, "--edition", "teacher", "--only", "workbook")
    assert code == 1, printed
    assert "layouts/title-page.html.j2:1:1: error SG505 layout title-page.html.j2 is 2,048 MB, more than the " \
           "1 MB a layout may be; it is not read (" in printed, printed
    assert peak_kb < 600 * 1024, f"peak {peak_kb // 1024} MB: the template was read"


def test_the_renderers_fetcher_opens_no_fifo_and_reads_no_file_past_its_limit(tmp_path, monkeypatch):
    from studyguide.printing import fetch

    os.mkfifo(tmp_path / "pipe.png")  # opened, it would wait for a writer for ever
    (tmp_path / "zero.png").symlink_to("/dev/zero")
    (tmp_path / "small.png").write_bytes(b"12345678")
    monkeypatch.setattr(fetch, "LIMIT", 4)
    fetcher = fetch.GuardedFetcher([tmp_path, Path("/dev")])
    for name, reason in (("pipe.png", "is not a regular file"), ("zero.png", "is not a regular file"),
                         ("small.png", "is more than 0 MB")):
        with pytest.raises(ValueError):
            fetcher.fetch((tmp_path / name).as_uri())
        assert fetcher.refused[-1] == ((tmp_path / name).as_uri(), reason)
    monkeypatch.setattr(fetch, "LIMIT", 8)
    assert fetcher.fetch((tmp_path / "small.png").as_uri()).read() == b"12345678"


@pytest.mark.parametrize("damage", ["text", "cut short", "zip", "link outside"])
def test_a_guides_font_that_is_no_font_is_named_not_read(tmp_path, damage):
    """build.fonts names the guide's own folder of the bundled faces; one that is not a font (or a
    link out of the folder) is SG110 naming it, rather than an SG401 for every character, or
    an internal error when the font is cut for the pages."""
    from studyguide.resources import FONTS

    guide = _guide(tmp_path / "guide", settings='[build]\nfonts = "myfonts"\n')
    fonts = guide / "myfonts"
    fonts.mkdir()
    shipped = sorted(FONTS.glob("*.[ot]tf"))
    assert len(shipped) == 4
    for font in shipped:
        shutil.copy(font, fonts / font.name)
    broken = fonts / "NotoSansMono-Regular.ttf"
    if damage == "text":
        broken.write_text("no font here\n" * 100)
    elif damage == "cut short":
        broken.write_bytes(broken.read_bytes()[:20000])
    elif damage == "zip":
        broken.write_bytes(b"PK\x03\x04" + bytes(2000))
    else:
        broken.unlink()
        broken.symlink_to(FONTS / "NotoSansMono-Regular.ttf")
    reason = "is a link to a file outside the folder" if damage == "link outside" else "is not a font that can be read"
    for args in (["check"], ["--only", "html"]):
        result = _run(guide, *args, timeout=120)
        printed = result.stdout + result.stderr
        assert result.returncode == 1, printed
        assert f"myfonts: error SG110 the fonts cannot be used: NotoSansMono-Regular.ttf {reason}" in printed
        assert "SG401" not in printed and "internal error" not in printed and "Traceback" not in printed
    assert not (guide / "out").exists()
