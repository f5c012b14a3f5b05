"""The progress bar a user sees on a terminal: its total is known from the start and does not
grow, and it names what it renders as users know it, never by internal keys."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

from conftest import ROOT

CHAPTER = """\
# Chapter {n} – Topic {n}

1. Question {n}.1?

   Answer {n}.1.

2. Question {n}.2?

   Answer {n}.2.
"""

BAR = re.compile(r"rendering \S+\s+(\d+)/(\d+) \d+:\d\d:\d\d ?([^\r\x1b]*)")


def on_a_terminal(args: list[str], cwd) -> tuple[int, str]:
    """Run the command line with its output on a pseudo-terminal, as in a user's shell."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen([sys.executable, str(ROOT / "compile.py"), *args], cwd=cwd, env=env,
                               stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    return process.wait(timeout=300), re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.decode("utf-8", "replace"))


def test_the_bar_knows_its_total_and_names_the_pieces(tmp_path):
    (tmp_path / "content").mkdir()
    for n in range(1, 7):
        (tmp_path / "content" / f"{n:02}.md").write_text(CHAPTER.format(n=n), encoding="utf-8")
    (tmp_path / "studyguide.toml").write_text('[guide]\ntitle = "Topics"\n[build]\noutputs = ["workbook"]\n',
                                              encoding="utf-8")
    code, screen = on_a_terminal(["--chunk-cards", "4"], tmp_path)  # pieces of two chapters each
    assert code == 0, screen
    bars = BAR.findall(screen)
    assert bars, screen
    totals = {int(total) for _, total, _ in bars}
    assert len(totals) == 1 and totals.pop() >= 9  # the same total from the first frame to the last
    assert int(bars[0][0]) == 0 and int(bars[-1][0]) == int(bars[-1][1])
    names = {name.strip() for *_, name in bars if name.strip()}
    # the bar redraws ten times a second, so a quick piece may never be shown: every name shown
    # must be a user's name, and pieces of chapters must show up
    user = re.compile(r"((handout and workbook|teacher|answer key), chapters? \d+(–\d+)?|contents|page numbers"
                      r"|(handout|workbook|teacher), contents)")
    assert all(user.fullmatch(name) for name in names), names
    assert len([name for name in names if "chapters" in name]) >= 2, names
