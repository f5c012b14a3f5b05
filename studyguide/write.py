"""Write: outputs appear whole or not at all.

Each file is written to a temporary name in the same folder and renamed into place, so a build
that fails or is interrupted leaves the previous output untouched and no partial file behind.
The renames of a set are recorded first in a journal beside the outputs, so a build killed
between two of them (SIGKILL, a power cut) leaves a set that the next run completes (`recover`).
"""

from __future__ import annotations

import errno
import glob
import json
import os
import signal
import stat
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> None:
    write_all([(path, data)])


def write_all(files: list[tuple[Path, bytes | str]], journal_in: Path | None = None) -> None:
    """Write every file, or none: all are first written in full to temporary files beside their
    targets, and only then renamed into place. If one cannot be written (a full disk, a
    read-only folder, an immutable file), the temporary files go and every target is left as it
    was; the OSError names the file. The journal of the renames goes in `journal_in` (the folder
    that `recover` is later asked about), by default the folder that holds every file."""
    staged: list[tuple[str, Path]] = []
    kept: list[tuple[str, Path]] = []  # a hard link to each old file, to put it back
    try:
        for path, data in files:
            with _naming(path):
                staged.append((_stage(path, data), path))
        for _, path in staged:
            if path.exists():
                # a file that cannot be linked (immutable, append-only) cannot be replaced either:
                # found here, before anything is replaced
                with _naming(path):
                    kept.append((_link_aside(path), path))
    except BaseException:
        for temp, _ in staged + kept:
            _remove(temp)
        raise
    journal = _journal(staged, kept, journal_in) if len(staged) > 1 else None
    done: list[Path] = []
    try:
        for temp, path in staged:
            with _naming(path):
                os.replace(temp, path)
            done.append(path)
    except BaseException:
        old = dict((path, temp) for temp, path in kept)
        for path in done:  # put the old files back; a file that was new goes again
            if path in old:
                os.replace(old.pop(path), path)
            else:
                _remove(str(path))
        for temp, _ in staged:
            _remove(temp)
        for temp in old.values():
            _remove(temp)
        if journal is not None:
            _remove(str(journal))
        raise
    if journal is not None:
        _remove(str(journal))
    for temp, _ in kept:
        _remove(temp)


JOURNAL = ".studyguide-journal.json"


def _journal(staged: list[tuple[str, Path]], kept: list[tuple[str, Path]], folder: Path | None) -> Path:
    """Record the renames about to be made, durably, before the first of them: each staged file,
    the output it becomes, and the link to the old output beside it."""
    folder = folder or Path(os.path.commonpath([str(path.parent) for _, path in staged]))
    old = {path: temp for temp, path in kept}
    entries = [{"staged": os.path.relpath(temp, folder), "target": os.path.relpath(path, folder),
                "old": os.path.relpath(old[path], folder) if path in old else None} for temp, path in staged]
    journal = folder / JOURNAL
    temp = _stage(folder / "studyguide-journal", json.dumps({"files": entries}, indent=1))
    os.replace(temp, journal)
    _sync_folder(folder)
    return journal


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def recover(folder: Path) -> str | None:
    """Complete the switch of a set of outputs that a killed build left half done. If it renamed
    none of its files yet, they are removed and the old outputs stay; if it renamed some, the rest
    are renamed too, so the set is all new. Returns what was done, or None when there was nothing.

    The journal may have come with a folder from anyone, so it is trusted only to rename a staged
    file (`.<name>.<random>.tmp`) onto the output beside it, inside this folder."""
    journal = folder / JOURNAL
    if not journal.is_file() or journal.is_symlink():
        return None
    try:
        entries = [_entry(folder, item) for item in json.loads(journal.read_text("utf-8"))["files"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        _remove(str(journal))  # written whole and then renamed, so only tampering makes one unreadable
        return f"removed {JOURNAL}, which studyguide did not write ({exc}); no output was changed"
    waiting = [(staged, target, old) for staged, target, old in entries if staged.exists()]
    if len(waiting) == len(entries):
        for staged, _, old in entries:
            _remove(str(staged))
            if old is not None:
                _remove(str(old))
        message = (f"a build was stopped just before it replaced its {len(entries)} outputs: its new files were "
                   "removed, and the outputs are those of the build before it")
    else:
        for staged, target, _ in waiting:
            os.replace(staged, target)
        for _, _, old in entries:
            if old is not None:
                _remove(str(old))
        message = (f"a build was stopped while it replaced its outputs ({len(entries) - len(waiting)} of "
                   f"{len(entries)} done): the other {len(waiting)} were put in place too, so every output is "
                   "from that build")
    _sync_folder(folder)
    _remove(str(journal))
    return message


def _entry(folder: Path, item: dict) -> tuple[Path, Path, Path | None]:
    """One rename the journal asks for, if it is one a build makes: plain names of regular files
    in the folder itself. A name with a `/` could go through a link the guide ships (`sub ->
    /elsewhere`) and rename or delete files anywhere."""
    names = [item["staged"], item["target"], item["old"]]
    for name in names:
        if name is not None and (not isinstance(name, str) or name in ("", ".", "..") or "/" in name
                                 or os.sep in name or "\0" in name):
            raise ValueError(f"{name!r} is not the name of a file in the folder")
    staged, target, old = (folder / name if name is not None else None for name in names)
    for temp in (staged, old):
        if temp is not None and (not temp.name.startswith(f".{target.name}.") or not temp.name.endswith(".tmp")):
            raise ValueError(f"{temp.name} is not a temporary file of {target.name}")
    for path in (staged, target, old):
        try:
            mode = os.lstat(path).st_mode if path is not None else stat.S_IFREG
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(mode):  # a link, a folder, a FIFO: never followed, never replaced
            raise ValueError(f"{path.name} is not a regular file")
    return staged, target, old


@contextmanager
def _naming(path: Path):
    """An OSError about a temporary file, told of the output it was for."""
    try:
        yield
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc


def _link_aside(path: Path) -> str:
    for attempt in range(100):
        temp = str(path.parent / f".{path.name}.old{attempt or ''}.tmp")
        try:
            os.link(path, temp)
            return temp
        except FileExistsError:
            _remove(temp)  # left by a build that was killed
    raise FileExistsError(errno.EEXIST, "cannot set the old file aside", str(path))


def _stage(path: Path, data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private; an output is as readable as any file the user creates
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        _remove(temp)
        raise
    return temp


def _remove(temp: str) -> None:
    try:
        os.unlink(temp)
    except FileNotFoundError:
        pass


class InterruptedAfterWriting(KeyboardInterrupt):
    """An interrupt that came while the outputs were being replaced: they were all replaced."""


@contextmanager
def signals_deferred():
    """Hold SIGINT and SIGTERM until the block ends, so a set of outputs is replaced all together
    or not at all; one that came meanwhile then stops the program as InterruptedAfterWriting.

    Masking the signals in this thread is not enough: the kernel may hand a signal to any thread
    (the worker pool's, the progress display's), and Python then runs its handler here, between
    two renames. So the handlers themselves are swapped for ones that only take note."""
    held = (signal.SIGINT, signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {number: signal.signal(number, lambda signum, frame: received.append(signum)) for number in held}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if received:
        raise InterruptedAfterWriting()


def remove_leftovers(paths: list[Path]) -> None:
    """Temporary files a killed build left beside these outputs (`.<name>.<random>.tmp`, and the
    `.studyguide-<random>.tmp` that tests whether the folder can be written)."""
    for path in paths:
        for pattern in (f".{glob.escape(path.name)}.*.tmp", ".studyguide-*.tmp"):
            for temp in path.parent.glob(pattern):
                _remove(str(temp))
