"""`studyguide watch`: it rebuilds after a change, reports a broken file and keeps watching."""

import shutil
import time

from conftest import CONTENT
from watching import Session

TIMEOUT = 120  # seconds for the whole session; each wait below is bounded too


def test_watch_rebuilds_on_change_and_survives_a_broken_file(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(CONTENT / "ch01.md", content / "ch01.md")
    (tmp_path / "studyguide.toml").write_text('[build]\noutputs = ["workbook"]\n\n[workbook]\n'
                                              'editions = ["handout"]\n', encoding="utf-8")
    session = Session(tmp_path, "--verbose")
    started = time.monotonic()
    try:
        session.wait_for("watching")
        assert (tmp_path / "out" / "handout.pdf").is_file()
        chapter = content / "ch01.md"
        text = chapter.read_text(encoding="utf-8")

        time.sleep(0.5)
        chapter.write_text(text + "11. 新加的问题是什么？\n    新加的答案\n", encoding="utf-8")
        session.wait_for(r"changed: ch01\.md")
        rebuilt = session.wait_for("1 chapter, 11 cards")
        assert any("workbook:handout" in line and "from cache" not in line for line in rebuilt)

        chapter.write_text(text + "11. 坏字符𓀀在这里？\n    答案\n", encoding="utf-8")
        broken = session.wait_for("nothing was written")
        assert any("error SG401" in line and f"ch01.md:{text.count(chr(10)) + 1}:8:" in line for line in broken)
        assert session.process.poll() is None  # still watching

        chapter.write_text(text, encoding="utf-8")
        restored = session.wait_for("1 chapter, 10 cards")
        # the first version's pieces are still in the cache
        assert any("workbook:handout" in line and "from cache" in line for line in restored)
    finally:
        session.stop()
    # Ctrl-C: the exit code the README gives for an interrupt, and no library's own words
    assert session.process.returncode == 130
    time.sleep(0.5)  # the reader thread takes the last lines
    while not session.lines.empty():
        session.seen.append(session.lines.get())
    assert session.seen[-1] == "stopped watching"
    assert not any("KeyboardInterrupt" in line for line in session.seen)
    assert time.monotonic() - started < TIMEOUT
