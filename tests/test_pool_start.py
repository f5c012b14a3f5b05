"""How many worker processes are started, and when: a build after an edit starts one at once and
a second only when two jobs wait for them; a first build starts them all at once."""

import multiprocessing
import shutil

import pdfplumber

from conftest import CONTENT
from studyguide.printing import pool
from studyguide.printing.pool import Job, Pool


def _job(key: str) -> Job:
    return Job(key, f"<p>{key}：一张卡片</p>", "/", (), b"0123456789abcdef")


def _workers() -> int:
    return len(multiprocessing.active_children())


def test_one_worker_takes_jobs_given_one_at_a_time():
    """The job comes while the only worker is still loading WeasyPrint: it waits for that one
    rather than starting another."""
    before = _workers()
    with Pool(2).warm(1) as workers:
        assert _workers() - before == 1
        assert workers.submit(_job("first")).result().pages == 1
        assert workers.submit(_job("second")).result().pages == 1
        assert _workers() - before == 1
    assert _workers() == before


def test_a_second_worker_starts_when_two_jobs_wait():
    before = _workers()
    with Pool(2).warm(1) as workers:
        both = [workers.submit(_job(key)) for key in ("first", "second")]
        assert _workers() - before == 2
        assert [future.result().pages for future in both] == [1, 1]
        more = [workers.submit(_job(key)) for key in ("third", "fourth", "fifth")]
        assert [future.result().key for future in more] == ["third", "fourth", "fifth"]
        assert _workers() - before == 2  # never more than the pool has
    assert _workers() == before


def test_warming_starts_every_worker_at_once():
    before = _workers()
    with Pool(2).warm():
        assert _workers() - before == 2
    assert _workers() == before


def test_a_build_after_a_build_warms_one_worker(tmp_path, monkeypatch):
    """The first build of a guide renders everything: every worker starts at once. After an
    answer is edited most pieces come from the cache, and one worker starts (a second as soon as
    two jobs wait); the edit is in the flashcards all the same."""
    from studyguide import cli

    guide = tmp_path / "guide"
    (guide / "content").mkdir(parents=True)
    shutil.copy(CONTENT / "ch02.md", guide / "content" / "ch02.md")
    (guide / "studyguide.toml").write_text('[guide]\ntitle = "卡片"\n\n[build]\noutputs = ["flashcards"]\n'
                                           'jobs = 2\n', encoding="utf-8")
    warmed = []
    warm = pool.Pool.warm
    monkeypatch.setattr(pool.Pool, "warm", lambda self, workers=None: warmed.append(workers) or warm(self, workers))
    monkeypatch.chdir(guide)
    assert cli.main(["-q"]) == 0
    chapter = guide / "content" / "ch02.md"
    lines = chapter.read_text(encoding="utf-8").split("\n")
    answer = next(i for i, line in enumerate(lines) if line.startswith("    ") and line.strip())
    lines[answer] += "（改过的答案）"
    chapter.write_text("\n".join(lines), encoding="utf-8")
    assert cli.main(["-q"]) == 0
    assert warmed == [None, 1]
    with pdfplumber.open(guide / "out" / "flashcards.pdf") as pdf:
        assert "改过的答案" in "".join(page.extract_text() or "" for page in pdf.pages)
    # into another folder the pieces still come from the cache; --force renders them all again
    assert cli.main(["-q", "--out", str(tmp_path / "elsewhere")]) == 0
    assert cli.main(["-q", "--force"]) == 0
    assert warmed == [None, 1, 1, None]
