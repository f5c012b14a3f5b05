"""What a build made: its files, written whole or not at all (write.py) and only where their
bytes changed, with the record of what was written, and the rows of its summary."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .cache import Manifest, output_digest
from .diagnostics import finding
from .model import Diagnostic, Guide, Location, Severity
from .write import remove_leftovers, signals_deferred, write_all


@dataclass(frozen=True)
class Output:
    """One file a build wrote, for the summary."""

    path: Path
    pages: int
    cards: int
    size_bytes: int
    seconds: float
    written: bool = True  # False when the file already held exactly these bytes


@dataclass
class Result:
    guide: Guide | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


@dataclass(frozen=True)
class Made:
    """Every file of a build, with its pages, cards and the seconds it took."""

    files: dict[Path, bytes | str]
    pages: dict[str, int]
    cards: dict[str, int]
    seconds: dict[str, float]


def write_outputs(made: Made, result: Result, out_dir: Path, all_cards: int, cache, work_dir: Path, fingerprint: str,
           progress, kept: dict[str, str]) -> Result:
    """The files written only once everything rendered, so a failed build leaves the old outputs
    alone; a file whose bytes did not change is left as it is; and signals wait until all files
    are in place, so an interrupted build leaves either every old file or every new one."""
    digests = {}
    changed: list[tuple[Path, bytes]] = []
    for path, data in made.files.items():
        data = data.encode("utf-8") if isinstance(data, str) else data
        digest = hashlib.sha256(data).hexdigest()
        written = output_digest(path) != digest
        if written:
            changed.append((path, data))
        digests[path.name] = digest
        result.outputs.append(Output(path, made.pages.get(path.name, 0), made.cards.get(path.name, all_cards),
                                     len(data), made.seconds[path.name], written))
    remove_leftovers(list(made.files))  # temporary files of a build that was killed
    if progress is not None and hasattr(progress, "writing"):
        progress.writing(len(changed))
    with signals_deferred():
        try:
            write_all(changed, out_dir)  # the folder the next run looks in for a journal
        except OSError as exc:
            result.outputs = []
            where = Path(exc.filename) if exc.filename else out_dir
            result.diagnostics.append(finding(
                "SG701", f"cannot write {where}: {exc.strerror or exc}; no output was replaced", Location(where),
                "make the file or folder writable (chattr -i if it is immutable), or choose another folder "
                "with --out"))
            return result
    if cache is not None:
        cache.trim()
        Manifest(work_dir).save(fingerprint, out_dir, kept | digests)
    return result


def created_date(sources: list[Path]) -> str:
    """SOURCE_DATE_EPOCH if set, else the newest content file's time: stable from build to build."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        stamp = int(epoch)
    else:
        stamp = max((int(p.stat().st_mtime) for p in sources if p.exists()), default=0)
    return datetime.fromtimestamp(stamp, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
