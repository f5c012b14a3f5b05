"""write.py: a set of outputs replaced whole or not at all, a half-done set completed, and signals
held while the renames happen."""

from __future__ import annotations

import json
import os
import signal

import pytest

from studyguide.write import (JOURNAL, InterruptedAfterWriting, recover, remove_leftovers, signals_deferred,
                              write_all)


def _hidden(folder):
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def test_every_file_is_written_text_as_utf8_with_the_users_permissions(tmp_path):
    out = tmp_path / "out"
    old_umask = os.umask(0o027)
    try:
        write_all([(out / "notes.html", "第 1 章 · résumé"), (out / "sub" / "cards.pdf", b"%PDF-1.7\n\x00\xff")])
    finally:
        os.umask(old_umask)
    assert (out / "notes.html").read_bytes() == "第 1 章 · résumé".encode("utf-8")
    assert (out / "sub" / "cards.pdf").read_bytes() == b"%PDF-1.7\n\x00\xff"
    assert (out / "notes.html").stat().st_mode & 0o777 == 0o640  # 0o666 less the umask, not mkstemp's 0o600
    assert _hidden(out) == [] and _hidden(out / "sub") == []  # no temporary file, no journal


def test_a_file_that_cannot_be_written_leaves_every_old_output_and_no_leftovers(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.pdf").write_bytes(b"old a")
    (out / "b.pdf").write_bytes(b"old b")
    (out / "c").write_text("a file where a folder is wanted")
    with pytest.raises(OSError) as caught:
        write_all([(out / "a.pdf", b"new a"), (out / "b.pdf", b"new b"), (out / "c" / "d.pdf", b"new d")])
    assert caught.value.filename == str(out / "c" / "d.pdf")
    assert (out / "a.pdf").read_bytes() == b"old a" and (out / "b.pdf").read_bytes() == b"old b"
    assert _hidden(out) == []


def _half_done(out, renamed: int):
    """A set of three outputs whose build was killed after `renamed` of its renames."""
    out.mkdir()
    entries = []
    for index, name in enumerate(("a.pdf", "b.pdf", "c.html")):
        (out / name).write_text(f"old {name}")
        os.link(out / name, out / f".{name}.old.tmp")
        (out / f".{name}.x{index}.tmp").write_text(f"new {name}")
        entries.append({"staged": f".{name}.x{index}.tmp", "target": name, "old": f".{name}.old.tmp"})
    (out / JOURNAL).write_text(json.dumps({"files": entries}))
    for entry in entries[:renamed]:
        os.replace(out / entry["staged"], out / entry["target"])


def test_a_set_killed_before_any_rename_stays_the_old_one(tmp_path):
    out = tmp_path / "out"
    _half_done(out, renamed=0)
    message = recover(out)
    assert message and "the outputs are those of the build before it" in message
    assert [(out / name).read_text() for name in ("a.pdf", "b.pdf", "c.html")] == ["old a.pdf", "old b.pdf", "old c.html"]
    assert _hidden(out) == []
    assert recover(out) is None  # nothing left to do


def test_a_set_killed_midway_is_completed(tmp_path):
    out = tmp_path / "out"
    _half_done(out, renamed=2)
    assert "2 of 3 done" in recover(out)
    assert [(out / name).read_text() for name in ("a.pdf", "b.pdf", "c.html")] == ["new a.pdf", "new b.pdf", "new c.html"]
    assert _hidden(out) == []


@pytest.mark.parametrize("target", ["../elsewhere.pdf", "sub/a.pdf", ".."])
def test_a_journal_that_names_files_outside_its_folder_changes_nothing(tmp_path, target):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere.pdf").write_text("not ours")
    (out / ".a.pdf.x.tmp").write_text("staged")
    (out / JOURNAL).write_text(json.dumps({"files": [{"staged": ".a.pdf.x.tmp", "target": target, "old": None}]}))
    message = recover(out)
    assert message and "which studyguide did not write" in message and "no output was changed" in message
    assert (tmp_path / "elsewhere.pdf").read_text() == "not ours"
    assert (out / ".a.pdf.x.tmp").read_text() == "staged"
    assert not (out / JOURNAL).exists()


def test_a_signal_during_the_renames_waits_for_them(tmp_path):
    finished = []
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(InterruptedAfterWriting):
        with signals_deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            finished.append("renamed")
    assert finished == ["renamed"]
    assert signal.getsignal(signal.SIGTERM) is before  # the program's own handler is back


def test_leftovers_of_a_killed_build_go_and_nothing_else(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    names = ["cards.pdf", ".cards.pdf.k2j9.tmp", ".cards.pdf.old.tmp", ".studyguide-ab12.tmp", ".notes.html.zz.tmp",
             ".cards.pdf.keep", "x.tmp"]
    for name in names:
        (out / name).write_text(name)
    remove_leftovers([out / "cards.pdf"])
    assert sorted(path.name for path in out.iterdir()) == sorted([".cards.pdf.keep", ".notes.html.zz.tmp", "cards.pdf",
                                                                   "x.tmp"])
