"""How rendering jobs are handed to the workers: the ones others wait on first, then the biggest;
and how many workers start, and when: a build after an edit starts one at once and a second
only when two jobs wait for them with more work than one soon does, a first build all of them at
once."""

import multiprocessing
import shutil

import pdfplumber

import studyguide.printing.pool as pool
from conftest import CONTENT
from studyguide.printing.pool import Job, Pool, Rendered


def _job(key: str, size: int, **options) -> Job:
    return Job(key, "x" * size, "/", (), b"id", **options)


def test_jobs_others_wait_on_go_first_then_the_biggest(monkeypatch):
    order = []
    monkeypatch.setattr(pool, "render_job", lambda job: order.append(job.key) or Rendered(job.key))
    follow = {"measure": [_job("after measuring", 5)]}
    jobs = [_job("small", 10), _job("big", 300), _job("measure", 1, measure=("a",)),
            _job("middle", 100), _job("numbering", 2, urgent=True)]
    done = Pool(1).run(jobs, then=lambda result: follow.get(result.key, []))
    assert order[:2] == ["numbering", "measure"]  # both are waited on: the bigger first
    # a follow-up joins the queue by its own size, not behind everything already queued
    assert order[2:] == ["big", "middle", "small", "after measuring"]
    assert set(done) == {job.key for job in jobs} | {"after measuring"}


def test_work_for_the_main_process_runs_once_the_first_jobs_are_handed_out(monkeypatch):
    events = []
    monkeypatch.setattr(pool, "render_job", lambda job: events.append(job.key) or Rendered(job.key))
    Pool(1).run([_job("a", 10), _job("b", 20)], meanwhile=lambda: events.append("meanwhile"))
    assert events == ["b", "meanwhile", "a"]  # one worker (this process): it has taken one job


def test_clearing_abandoned_worker_folders_bears_with_other_builds(tmp_path, monkeypatch):
    """Two builds at once: the other build's folder may vanish between listing and looking at it
    (here, a name that leads nowhere), and a dead build's folder is still cleared."""
    import subprocess
    import sys
    import tempfile

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    (tmp_path / f"studyguide-workers-{dead}-gone").symlink_to(tmp_path / "removed meanwhile")
    (tmp_path / f"studyguide-workers-{dead}-left").mkdir()
    (tmp_path / f"studyguide-workers-{dead}-left" / "font.woff").write_bytes(b"x")
    pool._remove_abandoned()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"studyguide-workers-{dead}-gone"]


def _page(key: str, size: int = 0) -> Job:
    """A job a worker really renders: one page (its HTML padded to `size` characters with a comment)."""
    html = f"<p>{key}：一张卡片</p>"
    return Job(key, html + f"<!--{'x' * (size - len(html) - 7)}-->" if size else html, "/", (), b"0123456789abcdef")


def _workers() -> int:
    return len(multiprocessing.active_children())


def test_one_worker_takes_jobs_given_one_at_a_time():
    """The job comes while the only worker is still loading WeasyPrint: it waits for that one
    rather than starting another."""
    before = _workers()
    with Pool(2).warm(1) as workers:
        assert _workers() - before == 1
        assert workers.submit(_page("first")).result().pages == 1
        assert workers.submit(_page("second")).result().pages == 1
        assert _workers() - before == 1
    assert _workers() == before


def test_a_second_worker_starts_when_two_jobs_wait_with_more_than_one_can_soon_do():
    before = _workers()
    with Pool(2).warm(1) as workers:
        small = [workers.submit(_page(key)) for key in ("a", "b")]
        assert _workers() - before == 1  # a few small jobs: the first worker soon does both
        assert [future.result().pages for future in small] == [1, 1]
        both = [workers.submit(_page(key, pool.SPARE_WORK // 2 + 1)) for key in ("first", "second")]
        assert _workers() - before == 2
        assert [future.result().pages for future in both] == [1, 1]
        more = [workers.submit(_page(key)) for key in ("third", "fourth", "fifth")]
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
    two jobs wait with enough work); the edit is in the flashcards all the same."""
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


def _printer_of_this_worker():
    """Run in a worker: its process and the folders its renderer reads, if it has rendered."""
    import os
    import time

    time.sleep(0.5)  # long enough that each of two idle workers takes one of two calls
    return os.getpid(), pool._PRINTER.roots if pool._PRINTER is not None else None


def test_priming_has_every_worker_render_a_job_and_forget_it(tmp_path):
    """`watch` primes its workers after a first build that found everything up to date: each has
    rendered a page in the guide's fonts, reading from the guide's folders, before the first save."""
    job = Job("warm-up", "<p>预热 warm</p>", "/", (str(tmp_path),), b"0123456789abcdef")
    with Pool(2).warm() as workers:
        workers.prime(job)
        seen = [future.result() for future in [workers._executor.submit(_printer_of_this_worker) for _ in range(2)]]
        assert len({pid for pid, _ in seen}) == 2
        assert [roots for _, roots in seen] == [(str(tmp_path),)] * 2
        done = workers.run([_page("a"), _page("b")])
        assert set(done) == {"a", "b"}  # what priming rendered is no build's


def test_priming_reaches_a_worker_still_starting(tmp_path):
    """A worker still loading WeasyPrint when priming starts is primed too: the one already up
    does not take both jobs."""
    job = Job("warm-up", "<p>预热 warm</p>", "/", (str(tmp_path),), b"0123456789abcdef")
    with Pool(2) as workers:
        workers.warm(1)
        workers._executor.submit(_printer_of_this_worker).result()  # the first is up
        workers.warm(2)  # the second starts now
        workers.prime(job)
        seen = [future.result() for future in [workers._executor.submit(_printer_of_this_worker) for _ in range(2)]]
        assert len({pid for pid, _ in seen}) == 2
        assert [roots for _, roots in seen] == [(str(tmp_path),)] * 2


def test_priming_without_workers_renders_nothing_here():
    """With one worker (this process), priming would load WeasyPrint here for nothing."""
    import subprocess
    import sys

    code = ("import sys; from studyguide.printing.pool import Job, Pool; "
            "Pool(1).prime(Job('warm-up', '<p>x</p>', '/', (), b'0123456789abcdef')); "
            "print('weasyprint' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=CONTENT.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_priming_after_a_worker_died_leaves_the_failure_to_the_next_build(tmp_path):
    """Priming only saves time: with a worker gone it does nothing and says nothing (the next
    build meets the broken pool and reports it), rather than failing a build that succeeded."""
    import time

    job = Job("warm-up", "<p>预热</p>", "/", (str(tmp_path),), b"0123456789abcdef")
    with Pool(2).warm() as workers:
        workers.prime(job)
        processes = list(workers._executor._processes.values())
        assert processes
        for process in processes:
            process.kill()
        deadline = time.monotonic() + 10
        while any(process.is_alive() for process in processes) and time.monotonic() < deadline:
            time.sleep(0.05)
        workers.prime(job)  # no exception


def test_a_core_is_spare_while_fewer_workers_run_than_the_machine_has_cores(monkeypatch):
    import os

    assert Pool(1).spare_core() is False  # jobs render in this process
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    with Pool(2) as pool:
        assert pool.spare_core() is True  # none started
        pool.warm(1)
        assert pool.spare_core() is True  # one of two cores
        pool.warm(2)
        assert pool.spare_core() is False
