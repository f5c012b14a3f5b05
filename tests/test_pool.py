"""How rendering jobs are handed to the workers: the ones others wait on first, then the biggest."""

import studyguide.printing.pool as pool
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
