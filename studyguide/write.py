"""Write: outputs appear whole or not at all.

Each file is written to a temporary name in the same folder and renamed into place, so a build
that fails or is interrupted leaves the previous output untouched and no partial file behind.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> None:
    write_all([(path, data)])


def write_all(files: list[tuple[Path, bytes | str]]) -> None:
    """Write every file, or none: all are first written in full to temporary files beside their
    targets, and only then renamed into place. If one cannot be written (a full disk, a
    read-only folder), the others' temporary files go too and every target is left as it was."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            staged.append((_stage(path, data), path))
    except BaseException:
        for temp, _ in staged:
            _remove(temp)
        raise
    for temp, path in staged:
        os.replace(temp, path)


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


@contextmanager
def signals_deferred():
    """Hold SIGINT and SIGTERM until the block ends (they are then delivered), so a set of
    outputs is replaced all together or not at all."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
