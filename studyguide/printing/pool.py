"""Rendering jobs run side by side in worker processes.

WeasyPrint is pure Python apart from Pango, so one process uses one core. Workers are started
with the `spawn` method and import WeasyPrint themselves (forking after the import has crashed
for others); the main process never imports it. A job carries everything it needs as plain
data and comes back as PDF bytes plus what the merger needs to know (pages, anchors, links).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable


@dataclass(frozen=True)
class Job:
    key: str  # unique within a build, such as "workbook" or "flashcards"
    html: str
    base_url: str
    roots: tuple[str, ...]  # the only folders the renderer may read from
    identifier: bytes  # the PDF /ID, derived from the content so builds are reproducible
    measure: tuple[str, ...] = ()  # element ids whose boxes to report instead of writing a PDF


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
class Rendered:
    key: str
    pdf: bytes = b""
    pages: int = 0
    anchors: dict[str, Anchor] = field(default_factory=dict)
    refused: tuple[tuple[str, str], ...] = ()  # (url, reason) the renderer was not allowed
    warnings: tuple[str, ...] = ()


_PRINTER = None  # one per worker process, so fonts are loaded once per process


def render_job(job: Job) -> Rendered:
    """Render one job in this process."""
    global _PRINTER
    from pathlib import Path

    from .render import Printer

    if _PRINTER is None or _PRINTER.roots != job.roots:
        _PRINTER = Printer([Path(root) for root in job.roots])
    printer = _PRINTER
    printer.fetcher.refused.clear()
    printer.log.messages.clear()
    # WeasyPrint makes millions of objects that reference counting frees; the cycle collector
    # would only walk them again and again, costing about a fifth of the time of a big render.
    gc.disable()
    try:
        document = printer.render(job.html, Path(job.base_url))
        px_to_pt = 0.75  # WeasyPrint lays out in CSS px: 96 per inch, 72 pt per inch
        anchors = {}
        wanted = set(job.measure)
        for number, page in enumerate(document.pages):
            for name, box in page.anchors.items():
                if not wanted or name in wanted:
                    anchors[name] = Anchor(number, *(value * px_to_pt for value in box))
        pdf = b"" if job.measure else printer.pdf(document, job.identifier)
    finally:
        gc.enable()
    return Rendered(job.key, pdf, len(document.pages), anchors, tuple(printer.fetcher.refused),
                    tuple(printer.log.messages))


class Pool:
    """Runs jobs on up to `workers` processes (1: in this process, which tests and tiny builds prefer)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    def submit(self, job: Job) -> Future:
        if self.workers == 1:
            future: Future = Future()
            try:
                future.set_result(render_job(job))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on it
                future.set_exception(exc)
            return future
        if self._executor is None:
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self._executor.submit(render_job, job)

    def run(self, jobs: Iterable[Job], then: Callable[[Rendered], Iterable[Job]] | None = None) -> dict[str, Rendered]:
        """Render jobs; `then(result)` may return follow-up jobs (such as a render after a measure)."""
        pending = {self.submit(job): job for job in jobs}
        results: dict[str, Rendered] = {}
        while pending:
            done = next(iter(_as_completed(pending)))
            pending.pop(done)
            result = done.result()
            results[result.key] = result
            for job in (then(result) if then else ()):
                pending[self.submit(job)] = job
        return results


def _as_completed(futures):
    from concurrent.futures import FIRST_COMPLETED, wait

    done, _ = wait(list(futures), return_when=FIRST_COMPLETED)
    return done
