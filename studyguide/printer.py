"""`studyguide print`: send a built file to a CUPS printer with `lp`, with the settings that make
duplex cards line up, so that no print dialog can get them wrong.

A print dialog is where duplex flashcards go wrong: the wrong flip edge, "fit to page" left on
(which shrinks the cards and moves the backs), the wrong paper. The PDFs ask viewers for the
right settings, but most dialogs ignore that; `lp` is told them explicitly:

- `sides`: two-sided-long-edge or two-sided-short-edge from `cards.flip`; one-sided for folded
  cards and the manual-duplex files; short-edge for the booklet (A5 pages on landscape A4);
- `print-scaling=none`, and `fit-to-page=false` for older CUPS;
- `media`: the paper, as an IPP name (`iso_a4_210x297mm`), or `Custom.WxHmm`.

Only the standard library and the CUPS command-line tools: nothing changes for users who never print.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .config import Settings

# what `studyguide print` can print → the file it prints (flashcards depend on the settings)
WHAT = ("flashcards", "handout", "workbook", "teacher", "booklet", "calibration")
EDITIONS = ("handout", "workbook", "teacher")

# paper name → the IPP media keyword (PWG 5101.1), which CUPS understands for every kind of queue
MEDIA = {"a4": "iso_a4_210x297mm", "letter": "na_letter_8.5x11in", "a5": "iso_a5_148x210mm",
         "b5": "iso_b5_176x250mm"}

INSTALL_CUPS = ("printing needs CUPS's `lp` command, which is not installed: install cups-client "
                "(Debian/Ubuntu: sudo apt-get install cups-client; Fedora: sudo dnf install cups-client; "
                "macOS has it already)")


class PrintError(Exception):
    """Printing cannot go on: the message says why and what to do."""


@dataclass(frozen=True)
class Job:
    """One `lp` job: a file and how to print it."""

    file: Path
    sides: str
    media: str
    title: str

    def command(self, printer: str, copies: int) -> list[str]:
        command = ["lp"]
        if printer:
            command += ["-d", printer]
        if copies != 1:  # collated, so that a stack turned by hand still pairs fronts and backs
            command += ["-n", str(copies), "-o", "collate=true"]
        command += ["-t", self.title, "-o", f"sides={self.sides}", "-o", f"media={self.media}",
                    "-o", "print-scaling=none", "-o", "fit-to-page=false", "--", str(self.file)]
        return command


def media(paper) -> str:
    """The `media` value for a geometry.paper.Paper."""
    if paper.name in MEDIA:
        return MEDIA[paper.name]
    return f"Custom.{paper.width_mm:g}x{paper.height_mm:g}mm"


def jobs_for(what: str, settings: Settings, out: Path) -> list[Job]:
    """The jobs that print `what`, in order. Two jobs (fronts, then backs) mean that the sheets
    are turned by hand between them."""
    from .geometry.paper import PAPERS, parse_paper
    from .geometry.sheets import stock_for
    from .outputs import calibration  # each output names its files (the flashcards in placed.py)
    from . import placed

    cards = settings.cards
    flip = f"two-sided-{cards.flip}-edge"
    if what in ("flashcards", "calibration"):
        sheet = media(stock_for(cards).paper)
        if what == "calibration":
            return [Job(out / calibration.FILE_NAME, flip, sheet, "calibration")]
        if cards.fold:
            return [Job(out / placed.FILE_NAME, "one-sided", sheet, "flashcards")]
        if cards.duplex == "manual":
            fronts, backs = placed.MANUAL_NAMES
            return [Job(out / fronts, "one-sided", sheet, "flashcards, fronts"),
                    Job(out / backs, "one-sided", sheet, "flashcards, backs")]
        return [Job(out / placed.FILE_NAME, flip, sheet, "flashcards")]
    if what == "booklet":  # A5 pages two-up on landscape A4: the sheet turns about its short edge
        return [Job(out / "handout-booklet.pdf", "two-sided-short-edge", media(PAPERS["a4"]), "handout booklet")]
    sides = "two-sided-long-edge" if settings.workbook.duplex else "one-sided"
    return [Job(out / f"{what}.pdf", sides, media(parse_paper(settings.workbook.paper)), what)]


def by_hand(job: Job, folder: Path) -> list[Job]:
    """A duplex file split for a printer that prints one side: the fronts, and the backs in the
    order the re-fed stack needs (see geometry.sheets.manual_order)."""
    import pikepdf

    from .geometry.sheets import manual_order

    jobs = []
    with pikepdf.open(job.file) as pdf:
        pages = list(pdf.pages)
        for name, order in zip(("fronts", "backs"), manual_order(len(pages))):
            part = pikepdf.new()
            for index in order:
                part.pages.append(pages[index])
            path = folder / f"{job.file.stem}-{name}.pdf"
            part.save(path)
            jobs.append(Job(path, "one-sided", job.media, f"{job.title}, {name}"))
    return jobs


# -- asking CUPS -------------------------------------------------------------------------------

def lp_installed() -> bool:
    return shutil.which("lp") is not None


def _run(command: list[str], timeout: float = 30) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError:
        raise PrintError(INSTALL_CUPS) from None
    except subprocess.TimeoutExpired:
        raise PrintError(f"`{command[0]}` did not answer within {timeout:g} s: is CUPS running?") from None


@dataclass(frozen=True)
class Printer:
    name: str
    default: bool
    state: str  # lpstat's own words: "is idle", "disabled", ...
    duplex: bool | None  # None: the printer does not say


def printers() -> list[Printer]:
    """The CUPS printers, with whether each can print on both sides."""
    listing = _run(["lpstat", "-p", "-d"])
    if listing.returncode != 0 and "No destinations" not in listing.stderr + listing.stdout:
        raise PrintError(f"cannot list the printers: {(listing.stderr or listing.stdout).strip()}")
    default = ""
    found = []
    for line in listing.stdout.splitlines():
        if match := re.match(r"printer (\S+) (.*)", line):
            found.append((match[1], match[2].split(".")[0]))
        elif match := re.match(r"system default destination: (\S+)", line):
            default = match[1]
    return [Printer(name, name == default, state, duplex(name)) for name, state in found]


def default_printer() -> str:
    listing = _run(["lpstat", "-d"])
    match = re.search(r"system default destination: (\S+)", listing.stdout)
    return match[1] if match else ""


def duplex(name: str) -> bool | None:
    """Whether a printer prints on both sides: from its driver's Duplex option, else from the IPP
    attribute sides-supported, asked of the queue and then of the device behind it (a queue
    without a driver passes jobs straight on, and only the device knows)."""
    options = _run(["lpoptions", "-p", name, "-l"])
    for line in options.stdout.splitlines():
        if re.match(r"Duplex[/:]", line):
            return bool(re.search(r"Duplex(NoTumble|Tumble)|two-sided", line.split(":", 1)[1]))
    for uri in (_queue_uri(name), _device_uri(name)):
        if uri:
            sides = _sides_supported(uri)
            if sides is not None:
                return any(side.startswith("two-sided") for side in sides)
    return None


def _queue_uri(name: str) -> str:
    server = _run(["lpstat", "-H"]).stdout.strip()
    if not server or server.startswith("/"):  # a local socket: the scheduler also listens on localhost
        server = "localhost"
    return f"ipp://{server}/printers/{name}"


def _device_uri(name: str) -> str:
    match = re.search(r"device for \S+: (ipps?://\S+)", _run(["lpstat", "-v", name]).stdout)
    return match[1] if match else ""


_ATTRIBUTES_TEST = """{
  OPERATION Get-Printer-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR keyword requested-attributes sides-supported
  STATUS successful-ok
}
"""


def _sides_supported(uri: str) -> list[str] | None:
    if shutil.which("ipptool") is None:
        return None
    with tempfile.TemporaryDirectory(prefix="studyguide-") as folder:
        test = Path(folder) / "sides.test"
        test.write_text(_ATTRIBUTES_TEST, encoding="utf-8")
        try:
            answer = _run(["ipptool", "-T", "5", "-tv", uri, str(test)], timeout=10)
        except PrintError:
            return None
    match = re.search(r"sides-supported \([^)]*\) = (\S+)", answer.stdout)
    return match[1].split(",") if match else None


def send(job: Job, printer: str, copies: int) -> str:
    """Give one job to `lp`; returns lp's own line ("request id is …")."""
    done = _run(job.command(printer, copies), timeout=120)
    if done.returncode != 0:
        raise PrintError(f"lp did not take {job.file.name}: {(done.stderr or done.stdout).strip()}")
    return done.stdout.strip()


def shown(command: list[str]) -> str:
    return shlex.join(command)
