"""Rendering jobs run side by side in worker processes.

WeasyPrint is pure Python apart from Pango, so one process uses one core. Workers are started
with the `spawn` method and import WeasyPrint themselves (forking after the import has crashed
for others); the main process never imports it. A job carries everything it needs as plain
data and comes back as PDF bytes plus what the merger needs to know (pages, anchors, links).
"""

from __future__ import annotations

import atexit
import dataclasses
import gc
import multiprocessing
import os
import shutil
import signal
import stat
import tempfile
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable


# characters of HTML the started workers may have in hand before another starts: about two
# seconds of rendering, what a second worker takes to load WeasyPrint and be ready on a small
# machine (an edit's jobs, such as a sheet, a chapter and the answer key from a page on, are less)
SPARE_WORK = 60_000


@dataclass(frozen=True)
class Job:
    key: str  # unique within a build, such as "workbook" or "flashcards"
    html: str
    base_url: str
    roots: tuple[str, ...]  # the only folders the renderer may read from
    identifier: bytes  # the PDF /ID, derived from the content so builds are reproducible
    measure: tuple[str, ...] = ()  # element ids whose boxes to report instead of writing a PDF
    variant: str = ""  # a PDF standard WeasyPrint should follow (pdf/ua-1, pdf/a-3b)
    report: bool = False  # also report bookmarks, internal links and every anchor, for joining
    urgent: bool = False  # other jobs wait on its result, so it goes before bigger ones
    # a class: every element with it and an id also reports the extent of its widest line, as the
    # anchor "w-<id>" (a line may run past its element's box, which keeps its width whatever
    # its lines do)
    lines: str = ""
    # a class: every element with it and an id that lies on more than one page also reports the
    # text it holds on each page (a run of words cut where a page ends)
    texts: str = ""
    label: str = field(default="", compare=False)  # the job as users know it, for the progress bar


@dataclass(frozen=True)
class Anchor:
    """The border box of an element with an id: page (0-based), corners in points from the top left."""

    page: int
    x_pt: float
    y_pt: float
    right_pt: float
    bottom_pt: float

    @property
    def height_pt(self) -> float:
        return self.bottom_pt - self.y_pt


@dataclass(frozen=True)
class Bookmark:
    page: int
    level: int
    label: str
    x_pt: float
    y_pt: float


@dataclass(frozen=True)
class Link:
    """An internal link: the clickable rectangle on a page, and the id it leads to."""

    page: int
    target: str
    x_pt: float
    y_pt: float
    width_pt: float
    height_pt: float


@dataclass(frozen=True)
class Rendered:
    key: str
    pdf: bytes = b""
    pages: int = 0
    anchors: dict[str, Anchor] = field(default_factory=dict)
    refused: tuple[tuple[str, str], ...] = ()  # (url, reason) the renderer was not allowed
    warnings: tuple[str, ...] = ()
    bookmarks: tuple[Bookmark, ...] = ()
    links: tuple[Link, ...] = ()
    page_size_pt: tuple[float, float] = (0.0, 0.0)
    seconds: float = 0.0  # time the worker spent rendering it
    texts: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)  # id → (page, text), see Job


_PRINTER = None  # one per worker process, so fonts are loaded once per process


@atexit.register
def _release() -> None:
    """Drop the renderer while the interpreter can still run its finalisers cleanly."""
    global _PRINTER
    _PRINTER = None


def render_job(job: Job) -> Rendered:
    """Render one job in this process."""
    global _PRINTER
    from pathlib import Path

    from .render import Printer

    if _PRINTER is None or _PRINTER.roots != job.roots:
        _PRINTER = Printer([Path(root) for root in job.roots])
    printer = _PRINTER
    started = time.perf_counter()
    printer.fetcher.refused.clear()
    printer.log.messages.clear()
    # WeasyPrint makes millions of objects that reference counting frees; the cycle collector
    # would only walk them again and again, costing about a fifth of the time of a big render.
    gc.disable()
    try:
        document = printer.render(job.html, Path(job.base_url))
        px_to_pt = 0.75  # WeasyPrint lays out in CSS px: 96 per inch, 72 pt per inch
        anchors, bookmarks, links = {}, [], []
        wanted = set(job.measure)
        texts: dict[str, list[tuple[int, str]]] = {}
        for number, page in enumerate(document.pages):
            for name, box in page.anchors.items():
                # a measuring job reports the boxes it asked for; any other, every id's first box
                if (not wanted and name not in anchors) or name in wanted:
                    anchors[name] = Anchor(number, *(value * px_to_pt for value in box))
            if job.lines:
                for name, box in _widest_lines(page._page_box, job.lines).items():
                    anchors[name] = Anchor(number, *(value * px_to_pt for value in box))
            if job.texts:
                for name, text in _texts_held(page._page_box, job.texts).items():
                    texts.setdefault(name, []).append((number, text))
            if job.report:
                for level, label, (x, y), _state in page.bookmarks:
                    bookmarks.append(Bookmark(number, level, label, x * px_to_pt, y * px_to_pt))
                for kind, target, (x, y, width, height), _box in page.links:
                    if kind == "internal":
                        links.append(Link(number, target, *(v * px_to_pt for v in (x, y, width, height))))
        pdf = b"" if job.measure else printer.pdf(document, job.identifier, job.variant or None)
        size = (document.pages[0].width * px_to_pt, document.pages[0].height * px_to_pt) if document.pages else (0, 0)
    finally:
        gc.enable()
    return Rendered(job.key, pdf, len(document.pages), anchors, tuple(printer.fetcher.refused),
                    tuple(printer.log.messages), tuple(bookmarks), tuple(links), size,
                    time.perf_counter() - started,
                    {name: tuple(held) for name, held in texts.items() if len(held) > 1})


def _owned_boxes(root, name: str):
    """(box, id) for every box under `root` (a laid-out page) inside an element of class `name`
    with an id, the id being that element's, in document order."""
    stack = [(root, None)]
    while stack:
        box, owner = stack.pop()
        element = getattr(box, "element", None)
        if owner is None and element is not None and getattr(box, "element_tag", None) is not None \
                and name in (element.get("class") or "").split() and element.get("id"):
            owner = element.get("id")
        if owner is not None:
            yield box, owner
        # children in reverse, so that they come off the stack in document order
        stack.extend((child, owner) for child in reversed(getattr(box, "children", ()) or ()))


def _widest_lines(root, name: str) -> dict[str, tuple[float, float, float, float]]:
    """For each element of class `name` with an id under `root` (a laid-out page): "w-<id>" → the
    box from the left of its leftmost line's content to the right of its rightmost, in CSS px,
    before any transform (the cards move their bodies only up and down)."""
    from weasyprint.formatting_structure.boxes import LineBox

    found: dict[str, tuple[float, float, float, float]] = {}
    for box, owner in _owned_boxes(root, name):
        if isinstance(box, LineBox) and box.children:
            left = min(child.position_x for child in box.children)
            right = max(child.position_x + child.margin_width() for child in box.children)
            top, bottom = box.position_y, box.position_y + box.height
            key = "w-" + owner
            if key in found:
                x0, y0, x1, y1 = found[key]
                left, top, right, bottom = min(x0, left), min(y0, top), max(x1, right), max(y1, bottom)
            found[key] = (left, top, right, bottom)
    return found


def _texts_held(root, name: str) -> dict[str, str]:
    """For each element of class `name` with an id under `root` (a laid-out page): the text of
    its boxes on that page, in order (an inline element cut over lines has a box on each line)."""
    from weasyprint.formatting_structure.boxes import TextBox

    found: dict[str, list[str]] = {}
    for box, owner in _owned_boxes(root, name):
        found.setdefault(owner, [])
        if isinstance(box, TextBox):
            found[owner].append(box.text)
    return {owner: "".join(parts) for owner, parts in found.items()}


def _start_worker(parent: int, scratch: str) -> None:
    """Workers leave Ctrl-C to the main process, which stops them itself (and quietly), and import
    WeasyPrint as soon as they start, while the main process is still reading the content.

    A worker dies with the main process, even when that is killed outright (SIGKILL gives it no
    chance to stop them): otherwise each lives on, holding memory and the caller's pipe open. Its
    temporary files (WeasyPrint's fonts) go in the pool's own folder, which the main process
    removes, since workers are stopped before they could remove their own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    tempfile.tempdir = scratch
    # the import makes some 50,000 objects and next to no garbage: the cycle collector would only
    # walk them again and again (about a tenth of the import's CPU time)
    gc.disable()
    try:
        from . import render  # noqa: F401 - imported for its side effect: loading WeasyPrint and Pango
    finally:
        gc.enable()


PRIME_WAIT_S = 5.0  # how long a primed worker waits for the others (one still loading WeasyPrint)


def _primed(job: Job, folder: str, count: int) -> None:
    """Render `job` for nothing, then wait until `count` workers have (each leaves a mark in
    `folder`): a worker that is done first cannot take a second worker's job while that one is
    still starting, so each of them renders it once."""
    try:
        render_job(job)
    finally:
        Path(folder, f"worker-{os.getpid()}").touch()
        deadline = time.monotonic() + PRIME_WAIT_S
        while len(os.listdir(folder)) < count and time.monotonic() < deadline:
            time.sleep(0.01)


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass  # not Linux: the pipe to the main process still ends the worker when it next waits
    if os.getppid() != parent:  # the main process died before the line above took effect
        os._exit(1)


def _remove_abandoned() -> None:
    """The workers' folders of builds that were killed (their process is gone)."""
    for folder in Path(tempfile.gettempdir()).glob("studyguide-workers-*-*"):
        pid = folder.name.split("-")[2]
        try:  # another build may be removing its own folder right now
            found = folder.lstat()
        except OSError:
            continue
        if (pid.isdigit() and stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid()
                and not _alive(int(pid))):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _started() -> int:
    return os.getpid()


class Pool:
    """Runs jobs on up to `workers` processes (1: in this process, which tests and tiny builds prefer)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)  # None or 0: one per core
        self._executor: _Workers | None = None
        self._scratch = ""
        self._in_hand: list[tuple[Future, int]] = []  # jobs given to the workers (some perhaps done), their size

    def warm(self, workers: int | None = None) -> "Pool":
        """Start `workers` of the workers now (all by default), so their imports overlap whatever
        the caller does before rendering; the others start when jobs wait for them."""
        if self.workers > 1:
            executor = self._process_pool()
            executor.wanted = max(executor.wanted, min(self.workers, workers or self.workers))
            for _ in range(executor.wanted - len(executor._processes)):
                executor.submit(_started)  # each starts one process (see _Workers)
        return self

    def _process_pool(self) -> "_Workers":
        if self._executor is None:
            _remove_abandoned()
            self._scratch = tempfile.mkdtemp(prefix=f"studyguide-workers-{os.getpid()}-")
            self._executor = _Workers(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                      initializer=_start_worker, initargs=(os.getpid(), self._scratch))
        return self._executor

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, kind, error, trace) -> None:
        if self._executor is None:
            return
        # Every job is done, or none is wanted any more (interrupted, failed): the workers hold
        # nothing worth keeping, so they are stopped rather than left to tear down their heaps,
        # which takes them half a second after a big render.
        for process in list(getattr(self._executor, "_processes", {}).values()):
            process.terminate()
        self._executor.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self._scratch, ignore_errors=True)

    def submit(self, job: Job) -> Future:
        if self.workers == 1:
            future: Future = Future()
            try:
                future.set_result(render_job(job))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on it
                future.set_exception(exc)
            return future
        executor = self._process_pool()
        # one more worker only when every one started already has a job, and what they have
        # is more than one can soon get through: a worker costs a second of CPU to start
        self._in_hand = [(future, size) for future, size in self._in_hand if not future.done()]
        if not executor.wanted or sum(size for _, size in self._in_hand) + len(job.html) > SPARE_WORK:
            executor.wanted = max(executor.wanted, min(self.workers, len(self._in_hand) + 1))
        future = executor.submit(render_job, job)
        self._in_hand.append((future, len(job.html)))
        return future

    def spare_core(self) -> bool:
        """Fewer workers started than the machine has cores: one is free of rendering."""
        if self.workers == 1:
            return False  # jobs render in this process
        started = len(self._executor._processes) if self._executor is not None else 0
        return started < (os.cpu_count() or 1)

    def prime(self, job: Job) -> None:
        """Each started worker renders `job` once, for nothing: the first job of a build then finds
        the guide's fonts loaded and WeasyPrint's caches filled, a fifth of a second less. Waited
        for, so that the next build's jobs do not queue behind it; what it renders is dropped."""
        if self.workers == 1 or self._executor is None:
            return  # rendering here would load WeasyPrint into this process for nothing
        from concurrent.futures import wait
        from concurrent.futures.process import BrokenProcessPool

        count = len(self._executor._processes)
        folder = tempfile.mkdtemp(prefix="primed-", dir=self._scratch)
        try:  # it only saves time: a worker that died, or a render that failed, is the next build's to meet
            wait([self._executor.submit(_primed, job, folder, count) for _ in range(count)])
        except (BrokenProcessPool, RuntimeError):
            pass
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def run(self, jobs: Iterable[Job], then: Callable[[Rendered], Iterable[Job]] | None = None,
            cache=None, progress=None, meanwhile: Callable[[], Iterable[Job] | None] | None = None
            ) -> dict[str, Rendered]:
        """Render jobs; `then(result)` may return follow-up jobs (such as a render after a measure).

        With a cache, a job rendered before (same HTML, same files) is taken from it instead.
        `progress`, if given, hears `added(count)` and `done(rendered, cached)`. `meanwhile`, if
        given, is called once the workers are busy, for work the main process can do in the meantime;
        it may return more jobs (those of outputs planned while the first jobs render).

        The workers are given one job each at a time, chosen when one falls free: the jobs others
        wait on first (measuring, numbering), then the biggest, so the last to finish is a small one.
        """
        results: dict[str, Rendered] = {}
        pending: dict[Future, Job] = {}
        waiting: list[Job] = []
        ready: list[Rendered] = []

        def start(job: Job) -> None:
            cached = cache.get(job) if cache is not None else None
            if cached is not None:
                # the same render may have been cached under another job's name
                ready.append(dataclasses.replace(cached, key=job.key, seconds=0.0))
            else:
                waiting.append(job)

        def feed() -> None:
            waiting.sort(key=_priority)
            while waiting and len(pending) < self.workers:
                job = waiting.pop(0)
                pending[self.submit(job)] = job

        jobs = list(jobs)
        if progress:
            progress.added(len(jobs))
        for job in jobs:
            start(job)
        feed()
        if meanwhile is not None:
            more = list(meanwhile() or ())
            if progress and more:
                progress.added(len(more))
            for job in more:
                start(job)
            feed()
        while pending or ready or waiting:
            if ready:
                result, cached = ready.pop(), True
            else:
                feed()
                done = next(iter(_as_completed(pending)))
                job = pending.pop(done)
                feed()  # the worker that fell free takes its next job before `then` runs here
                result, cached = done.result(), False
                if cache is not None and not result.refused:
                    cache.put(job, result)
            results[result.key] = result
            if progress:
                progress.done(result, cached)
            follow = list(then(result)) if then else []
            if progress and follow:
                progress.added(len(follow))
            for job in follow:
                start(job)
            feed()
        return results


class _Workers(ProcessPoolExecutor):
    """Starts processes only up to `wanted`, which the pool raises as jobs come. The stock
    executor starts one for each job handed over while none is idle, even while the only one
    started is still loading WeasyPrint and would take the job a moment later: a second process
    loading it too only slows the first on a machine with few cores."""

    wanted = 0

    def _adjust_process_count(self) -> None:
        # called by `submit` (and to replace a process that left), in place of the stock rule
        if len(self._processes) < min(self.wanted, self._max_workers):
            self._spawn_process()


def _priority(job: Job) -> tuple[bool, int]:
    """Jobs that others wait on first, then the longest (by the size of its HTML, a fair guess at its cost)."""
    return (not (job.urgent or job.measure), -len(job.html))


def _as_completed(futures):
    from concurrent.futures import FIRST_COMPLETED, wait

    done, _ = wait(list(futures), return_when=FIRST_COMPLETED)
    return done
