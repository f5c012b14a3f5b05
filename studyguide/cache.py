"""Incremental builds: render jobs cached by what they render, and a manifest of the last build.

- A job's key hashes everything that reaches the renderer: its HTML (the templates, settings and
  content are all in it), the files it may read (fonts, images), and the versions of studyguide
  and WeasyPrint. A job with a known key is not rendered again.
- The manifest records a fingerprint of every input of the last successful build and a hash of
  each output. When nothing changed and the outputs are as written, a build stops right there,
  before reading any Markdown: "up to date". This module imports nothing heavy for that reason.

The cache lives in `.cache/studyguide/` beside the guide's studyguide.toml (or in the current
folder) and is safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from dataclasses import asdict, is_dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import __version__

LIMIT_BYTES = 1 << 30  # the job cache is trimmed to this size, least recently used first
_FILE_URL = re.compile(r"""file://[^"')\s]+""")


def engine_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("weasyprint")
    except PackageNotFoundError:  # pragma: no cover - weasyprint is a dependency
        return "unknown"


def _file_digest(path: Path, memo: dict[Path, str]) -> str:
    if path not in memo:
        try:
            memo[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            memo[path] = "missing"
    return memo[path]


class JobCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder / "jobs"
        self._files: dict[Path, str] = {}
        self._engine = engine_version()
        self.hits = 0
        self.misses = 0

    def key(self, job) -> str:
        digest = hashlib.sha256()
        for part in (__version__, self._engine, job.html, "\0".join(job.measure), job.variant, str(job.report)):
            digest.update(part.encode())
            digest.update(b"\0")
        # files the HTML points at: their content, not their name, decides
        for url in sorted(set(_FILE_URL.findall(job.html))):
            path = Path(unquote(urlsplit(url).path))
            digest.update(_file_digest(path, self._files).encode())
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, job):
        path = self._path(self.key(job))
        try:
            with path.open("rb") as stream:
                rendered = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            self.misses += 1
            return None
        os.utime(path)  # recently used
        self.hits += 1
        return rendered

    def put(self, job, rendered) -> None:
        path = self._path(self.key(job))
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            with temporary.open("wb") as stream:
                pickle.dump(rendered, stream, protocol=pickle.HIGHEST_PROTOCOL)
            temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)

    def trim(self, limit: int = LIMIT_BYTES) -> None:
        entries = []
        for path in self.folder.glob("*/*.pickle"):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= limit:
                break
            path.unlink(missing_ok=True)
            total -= size


# -- the manifest of the last build ---------------------------------------------------------------

def _settings_text(settings) -> str:
    def plain(value):
        if is_dataclass(value):
            return {key: plain(item) for key, item in asdict(value).items() if key != "source"}
        if isinstance(value, Path):
            return str(value)
        return value
    return json.dumps(plain(settings), sort_keys=True, ensure_ascii=False, default=str)


def _tree(folder: Path, digest, contents: bool) -> None:
    """Every file under a folder: its path, and its bytes (or, for big fonts, size and time)."""
    if not folder.exists():
        digest.update(f"absent:{folder}".encode())
        return
    paths = [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file())
    for path in paths:
        digest.update(str(path).encode())
        try:
            if contents:
                digest.update(path.read_bytes())
            else:
                stat = path.stat()
                digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
        except OSError:
            digest.update(b"unreadable")


def fingerprint(settings, content: list[Path], layouts: list[Path], fonts: Path) -> str:
    """Everything a build's outputs depend on, in one hash."""
    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{engine_version()}\0{os.environ.get('SOURCE_DATE_EPOCH', '')}\0".encode())
    digest.update(_settings_text(settings).encode())
    for path in content:
        _tree(path, digest, contents=True)  # Markdown and the images beside it
    for folder in layouts:
        _tree(folder, digest, contents=True)
    _tree(fonts, digest, contents=False)
    return digest.hexdigest()


def output_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class Manifest:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "manifest.json"

    def load(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def up_to_date(self, fingerprint_: str, out_dir: Path) -> bool:
        """Nothing changed since the last build, and its outputs are still there as it wrote them."""
        last = self.load()
        if last.get("fingerprint") != fingerprint_ or last.get("out") != str(out_dir.resolve()):
            return False
        outputs = last.get("outputs") or {}
        return bool(outputs) and all(output_digest(out_dir / name) == digest for name, digest in outputs.items())

    def save(self, fingerprint_: str, out_dir: Path, outputs: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"fingerprint": fingerprint_, "out": str(out_dir.resolve()),
                                         "outputs": outputs}, indent=1), encoding="utf-8")
        temporary.replace(self.path)
