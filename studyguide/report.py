"""What the command line prints: findings, a progress bar while rendering, and a summary table.

Findings are always plain `file:line:col: severity CODE message` lines, one per finding, so
editors and CI can read them. Colour and the progress bar appear only on a terminal, and never
when NO_COLOR is set (rich honours it) or with --quiet.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .model import Diagnostic, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTE: "dim"}


def shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def sort_key(diagnostic: Diagnostic):
    location = diagnostic.location
    return (str(location.path) if location else "", location.line if location else 0,
            location.column if location else 0)


class Reporter:
    def __init__(self, quiet: bool = False, verbose: bool = False) -> None:
        self.quiet, self.verbose = quiet, verbose
        self.err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
        self.out = Console(highlight=False, soft_wrap=True, emoji=False)
        if not self.out.is_terminal:  # a log or a pipe: never cut a path to fit 80 columns
            self.out = Console(highlight=False, soft_wrap=True, width=400, emoji=False)
        self._progress: Progress | None = None
        self._task = None
        self._labels: dict[str, str] = {}
        self._known = 0
        self.rendered = 0
        self.cached = 0

    # -- findings ----------------------------------------------------------------------------------
    def diagnostics(self, diagnostics: list[Diagnostic], to_stdout: bool = False, notes: bool | None = None) -> None:
        console = self.out if to_stdout else self.err
        show_notes = self.verbose if notes is None else notes
        for diagnostic in sorted(diagnostics, key=sort_key):
            if diagnostic.severity is Severity.NOTE and not show_notes:
                continue
            if self.quiet and diagnostic.severity is not Severity.ERROR:
                continue
            console.print(str(diagnostic), style=_STYLE[diagnostic.severity], markup=False)

    def error(self, message: str) -> None:
        self.err.print(message, style="bold red", markup=False)

    def line(self, message: str) -> None:
        if not self.quiet:
            self.out.print(message, markup=False)

    # -- progress while rendering ----------------------------------------------------------------
    def __enter__(self) -> "Reporter":
        self.started = time.perf_counter()
        self.rendered = self.cached = 0
        self._labels: dict[str, str] = {}
        self._known = 0
        return self

    def expect(self, total: int, labels: dict[str, str]) -> None:
        """The number of pieces to render, known before the first starts, and their names. The
        bar appears only now: before it, a total of 0 would say nothing."""
        self._labels = labels
        if self.err.is_terminal and not self.quiet and total:
            self._progress = Progress(TextColumn("rendering"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), TextColumn("{task.fields[last]}", markup=False),
                                      console=self.err, transient=True)
            self._progress.start()
            self._task = self._progress.add_task("render", total=total, last="")

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def name(self, key: str) -> str:
        """A piece as users know it: "workbook, chapters 1–5", not its internal key."""
        return self._labels.get(key) or key.replace(":", " ")

    def added(self, count: int) -> None:
        self._known += count
        if self._progress is not None:  # grows only past an estimate that fell short (a long card split)
            task = self._progress.tasks[0]
            if self._known > (task.total or 0):
                self._progress.update(self._task, total=self._known)

    def done(self, rendered, cached: bool) -> None:
        if cached:
            self.cached += 1
        else:
            self.rendered += 1
        if self._progress is not None:
            self._progress.update(self._task, advance=1, last=self.name(rendered.key))
        if self.verbose:
            how = "from cache" if cached else f"{rendered.seconds:.2f} s"
            self.err.print(f"  {rendered.key}: {rendered.pages} pages, {how}", style="dim", markup=False)

    def writing(self, count: int) -> None:
        """The outputs are about to replace the old ones (said with --verbose, so a test can interrupt here)."""
        if self.verbose:
            self.err.print(f"  writing {count} file{'s' * (count != 1)}", style="dim", markup=False)

    # -- the end -------------------------------------------------------------------------------------
    def summary(self, outputs, chapters: int, cards: int, diagnostics: list[Diagnostic]) -> None:
        if self.quiet:
            return
        table = Table(box=box.SIMPLE_HEAD if self.out.is_terminal else box.ASCII2, show_edge=False,
                      pad_edge=False)
        # a column for "unchanged" only when a file is: in a pipe an empty column is a stray "|"
        notes = any(not output.written for output in outputs)
        for heading, justify in (("file", "left"), ("pages", "right"), ("cards", "right"),
                                 ("size", "right"), ("seconds", "right")) + ((("", "left"),) if notes else ()):
            table.add_column(heading, justify=justify, overflow="fold")
        for output in outputs:
            row = [Text(shown_path(output.path)), str(output.pages) if output.pages else "",
                   str(output.cards), _size(output.size_bytes), f"{output.seconds:.2f}"]
            table.add_row(*row, *(("" if output.written else "unchanged",) if notes else ()))
        self.out.print(table)
        self.out.print(summary_line(chapters, cards, diagnostics)
                       + f"; {self.rendered} piece{'s' * (self.rendered != 1)} rendered, {self.cached} from cache, "
                       f"{time.perf_counter() - self.started:.1f} s", markup=False)


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 10 * 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def summary_line(chapters: int, cards: int, diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    return (f"{chapters} chapter{'s' * (chapters != 1)}, {cards} card{'s' * (cards != 1)}, "
            f"{errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}")


