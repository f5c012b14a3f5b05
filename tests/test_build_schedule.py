"""An output is made as soon as the last of its jobs is back, while the workers are still
rendering the other outputs' jobs, rather than all of them after the last render."""

from studyguide.build import _schedule
from studyguide.outputs import Plan, Step
from studyguide.printing.pool import Job, Pool, Rendered


class _RenderedBefore:
    """A cache holding every job: the pool hands each result back without rendering it."""

    def get(self, job: Job) -> Rendered:
        return Rendered(job.key, pages=1)

    def put(self, job: Job, result: Rendered) -> None:
        raise AssertionError("nothing is rendered")


def _job(key: str) -> Job:
    return Job(key, f"<p>{key}</p>", "/", (), b"0123456789abcdef")


def test_each_output_is_finished_once_its_last_job_is_back():
    events = []

    def then(item: Rendered) -> Step:
        events.append(("back", item.key))
        return Step((_job("cards 2"),)) if item.key == "cards 1" else Step()

    plans = {"workbook": Plan((_job("key"), _job("body")), files=lambda rendered: {}, then=then),
             "flashcards": Plan((_job("cards 1"),), files=lambda rendered: {}, then=then)}
    with Pool(1) as pool:
        rendered, owner, findings = _schedule(plans, None, _RenderedBefore(), None, pool, None,
                                              lambda name, mine: events.append(("finished", name, sorted(mine))))
    assert set(rendered) == {"key", "body", "cards 1", "cards 2"} and not findings
    finished = [event for event in events if event[0] == "finished"]
    assert finished and sorted(finished) == [("finished", "flashcards", ["cards 1", "cards 2"]),
                                             ("finished", "workbook", ["body", "key"])]
    for name in ("flashcards", "workbook"):
        # made right after its last job came back, before any other job is handed back
        at = next(n for n, event in enumerate(events) if event[:2] == ("finished", name))
        assert events[at - 1][0] == "back" and owner[events[at - 1][1]] == name, events
        assert not any(event[0] == "back" and owner[event[1]] == name for event in events[at:]), events
    # the flashcards (their follow-up back) are made before the workbook's jobs come back
    flashcards = events.index(("finished", "flashcards", ["cards 1", "cards 2"]))
    assert flashcards < events.index(("back", "key")) and flashcards < events.index(("back", "body")), events


def test_outputs_planned_later_join_the_jobs_under_way():
    """The first output's jobs are handed to the pool before the other outputs are planned (which
    takes a tenth of a second or more each); their plans then join, and all are rendered,
    followed up and finished as if planned together."""
    events = []

    def then(item: Rendered) -> Step:
        events.append(("back", item.key))
        return Step((_job("cards 2"),)) if item.key == "cards 1" else Step()

    plans = {"workbook": Plan((_job("key"), _job("body")), files=lambda rendered: {}, then=then)}

    class Pending(Pool):
        def submit(self, job):
            events.append(("submitted", job.key))
            return super().submit(job)

    def later():
        events.append(("planned later",))
        return {"flashcards": Plan((_job("cards 1"),), files=lambda rendered: {}, then=then),
                "html": Plan((), files=lambda rendered: {})}

    class Uncached(_RenderedBefore):
        def get(self, job: Job):
            return None

        def put(self, job: Job, result: Rendered) -> None:
            pass

    with Pending(1) as pool:
        rendered, owner, findings = _schedule(plans, None, Uncached(), None, pool, lambda: events.append(("meanwhile",)),
                                              lambda name, mine: events.append(("finished", name, sorted(mine))),
                                              later)
    assert list(plans) == ["workbook", "flashcards", "html"]
    assert set(rendered) == {"key", "body", "cards 1", "cards 2"} and not findings
    assert owner["cards 2"] == "flashcards"
    assert events.index(("submitted", "body")) < events.index(("planned later",)) < events.index(("meanwhile",))
    finished = sorted(event for event in events if event[0] == "finished")
    assert finished == [("finished", "flashcards", ["cards 1", "cards 2"]), ("finished", "workbook", ["body", "key"])]
