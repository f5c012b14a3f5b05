"""Incremental builds: render jobs cached by what they render, and a manifest of the last build.

- A job's key hashes everything that reaches the renderer: its HTML (the templates, settings and
  content are all in it), the files it may read (fonts, images), and the versions of studyguide
  and WeasyPrint. A job with a known key is not rendered again.
- Records keep plain data about parts of a render, keyed the same way by the HTML the part would
  render alone: where each flashcard sheet's pages are (in which cached render), and each measured
  card side's boxes. An edit then lays out only the sheets and sides it changed.
- The manifest records a fingerprint of every input of the last successful build and a hash of
  each output. When nothing changed and the outputs are as written, a build stops right there,
  before reading any Markdown: "up to date". This module imports nothing heavy for that reason.

The cache lives in the user's cache folder (`$XDG_CACHE_HOME/studyguide/<hash of the guide's
folder>`, by default under `~/.cache`), never inside the guide: a guide comes from anyone, and a
folder it ships must not be able to hand the build anything to load. The cache holds only plain
data (JSON, and PDF bytes), each entry with a digest of its bytes: an entry that is damaged,
truncated or planted is a miss and is rendered again, never an error. Nothing in it is unpickled
or executed. It is safe to delete at any time, and a cache that cannot be written (a full disk,
a read-only folder) only makes builds slower.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import stat
from dataclasses import asdict, fields, is_dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import __version__
from .plain import plain_float, plain_int, plain_list, plain_str

LIMIT_BYTES = 1 << 30  # the job cache is trimmed to this size, least recently used first
FORMAT = b"studyguide-cache-2"  # first word of every entry; a different one is a miss
RECORD = b"studyguide-record-1"  # first word of a record (plain data about part of a render)
_KEY = re.compile(r"[0-9a-f]{64}")  # what `JobCache.key` and `record_key` give
_FILE_URL = re.compile(r"""file://[^"')\s]+""")
# a file bigger than this is known by its size, time and inode rather than its bytes: a guide
# may ship a video, and its bytes must not all be read for a fingerprint
HASH_LIMIT = 64 << 20


def cache_folder(project: Path) -> Path:
    """Where the cache of the guide in `project` lives: in the user's cache folder, one folder per
    guide, named by a hash of the guide's absolute path."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"  # as XDG says
    name = hashlib.sha256(str(Path(os.path.realpath(project))).encode()).hexdigest()[:24]
    return root / "studyguide" / name


@functools.lru_cache(maxsize=1)
def engine_version() -> str:
    """WeasyPrint's version, from its installed record beside the package: asking
    importlib.metadata reads every installed package's record, 70 ms of every command (a build
    that finds everything up to date takes 300 ms in all). Where that record is not found, or is
    not the only one, importlib.metadata is asked."""
    import importlib.util

    spec = importlib.util.find_spec("weasyprint")
    if spec is not None and spec.origin:
        records = list(Path(spec.origin).parent.parent.glob("weasyprint-*.dist-info"))
        if len(records) == 1:
            try:
                with open(records[0] / "METADATA", encoding="utf-8") as metadata:
                    for line in metadata:
                        if line.startswith("Version:"):
                            return line.split(":", 1)[1].strip()
                        if not line.strip():
                            break  # the headers end at the first blank line
            except (OSError, ValueError):  # unreadable, or not UTF-8
                pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("weasyprint")
    except PackageNotFoundError:  # pragma: no cover - weasyprint is a dependency
        return "unknown"


def _file_digest(url: str, roots: tuple[str, ...], memo: dict[Path, str]) -> str:
    """What a file:// URL in a job's HTML names, as far as the renderer could read it. The HTML
    holds the guide's own text, where `file:///dev/zero` or the path of someone's secret is just
    text: only a regular file inside the folders the renderer may read (the same test as its
    url fetcher's) is opened, and then streamed, never read whole."""
    path = Path(os.path.realpath(unquote(urlsplit(url).path)))
    if not any(path.is_relative_to(os.path.realpath(root)) for root in roots):
        return "outside"  # the renderer refuses it too, and says so
    if path not in memo:
        memo[path] = file_digest(path)
    return memo[path]


def file_digest(path: Path) -> str:
    """A regular file's digest, streamed; a device, a FIFO or a folder is never opened (a FIFO
    would wait forever, /dev/zero never ends). A big file is known by its size, time and inode."""
    try:
        found = os.stat(path)
        if not stat.S_ISREG(found.st_mode):
            return "not a file"
        if found.st_size > HASH_LIMIT:
            return f"big:{found.st_size}:{found.st_mtime_ns}:{found.st_ino}"
        # O_NONBLOCK: should the file be swapped for a FIFO between the two calls, opening it
        # does not wait for a writer; fstat then sees what was opened
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return "missing"
    with open(handle, "rb", closefd=True) as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            return "not a file"
        digest = hashlib.sha256()
        try:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        except OSError:
            return "unreadable"
        return digest.hexdigest()


def _write(path: Path, data: bytes, root: Path) -> bool:
    """Write a cache file whole (through a temporary file and a rename), or not at all: False
    when the disk is full or the folder cannot be written. Whatever is in the way under `root`
    (the cache's own folder), such as a file where a folder should be, is removed."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        for folder in reversed(path.relative_to(root).parents):
            if (root / folder).is_symlink() or (root / folder).is_file():
                (root / folder).unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir() and not path.is_symlink():  # a folder where the file should be
            shutil.rmtree(path)
        temporary.write_bytes(data)
        temporary.replace(path)
        return True
    except OSError:
        return False
    finally:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def encode(rendered) -> bytes:
    """A rendered job as a cache entry: a header line (format, digest, length of the JSON), the
    JSON of everything but the PDF, then the PDF's bytes."""
    data = {
        "pages": rendered.pages,
        "anchors": anchor_rows(rendered.anchors),
        "refused": [list(pair) for pair in rendered.refused],
        "warnings": list(rendered.warnings),
        "bookmarks": [[b.page, b.level, b.label, b.x_pt, b.y_pt] for b in rendered.bookmarks],
        "links": [[k.page, k.target, k.x_pt, k.y_pt, k.width_pt, k.height_pt] for k in rendered.links],
        "page_size_pt": list(rendered.page_size_pt),
        "texts": {name: [[page, text] for page, text in held] for name, held in rendered.texts.items()},
    }
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    digest = hashlib.sha256(body + b"\0" + rendered.pdf).hexdigest().encode()
    return b" ".join((FORMAT, digest, str(len(body)).encode())) + b"\n" + body + rendered.pdf


class Damaged(ValueError):
    """A cache entry that is not what this version writes."""


def decode(entry: bytes, key: str):
    """The rendered job an entry holds, or Damaged: checked against its digest first, then read
    strictly, field by field."""
    from .printing.pool import Bookmark, Link, Rendered

    head, newline, rest = entry.partition(b"\n")
    words = head.split(b" ")
    if not newline or len(words) != 3 or words[0] != FORMAT or not words[2].isdigit():
        raise Damaged("not an entry")
    length = int(words[2])
    body, pdf = rest[:length], rest[length:]
    if len(body) != length or hashlib.sha256(body + b"\0" + pdf).hexdigest().encode() != words[1]:
        raise Damaged("its digest does not match")
    try:
        data = json.loads(body.decode("utf-8"))
        return Rendered(
            key, pdf, plain_int(data["pages"]),
            read_anchors(data["anchors"]),
            tuple((plain_str(url), plain_str(why)) for url, why in plain_list(data["refused"])),
            tuple(plain_str(text) for text in plain_list(data["warnings"])),
            tuple(Bookmark(plain_int(v[0]), plain_int(v[1]), plain_str(v[2]), plain_float(v[3]), plain_float(v[4]))
                  for v in plain_list(data["bookmarks"])),
            tuple(Link(plain_int(v[0]), plain_str(v[1]), *map(plain_float, v[2:6])) for v in plain_list(data["links"])),
            tuple(map(plain_float, plain_list(data["page_size_pt"])[:2])),
            texts={plain_str(name): tuple((plain_int(v[0]), plain_str(v[1])) for v in plain_list(held))
                   for name, held in _items(data["texts"])})
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise Damaged(str(exc)) from None


def anchor_rows(anchors: dict) -> dict[str, list]:
    return {name: [a.page, a.x_pt, a.y_pt, a.right_pt, a.bottom_pt] for name, a in anchors.items()}


def read_anchors(value) -> dict:
    """Anchors as `anchor_rows` wrote them, read strictly: TypeError or ValueError if they are not."""
    from .printing.pool import Anchor

    anchors = {}
    for name, row in _items(value):
        if len(plain_list(row)) != 5:
            raise ValueError("not an anchor")
        anchors[plain_str(name)] = Anchor(plain_int(row[0]), *map(plain_float, row[1:5]))
    return anchors


def _items(value):
    if type(value) is not dict:
        raise TypeError("not a table")
    return value.items()


class JobCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder / "jobs"
        self._files: dict[Path, str] = {}
        self._urls: dict[tuple[str, tuple[str, ...]], str] = {}
        self._engine = engine_version()
        self.hits = 0
        self.misses = 0
        self.damaged = 0  # entries found damaged, and rendered again
        self.unwritable = 0  # entries that could not be stored (a full disk, a read-only folder)

    def key(self, job) -> str:
        digest = hashlib.sha256()
        for part in (__version__, self._engine, job.html, "\0".join(job.measure), job.variant, str(job.report),
                     job.lines, job.texts):
            digest.update(part.encode())
            digest.update(b"\0")
        # files the HTML points at: their content, not their name, decides
        for url in sorted(set(_FILE_URL.findall(job.html))):
            digest.update(self._url_digest(url, job.roots).encode())
        return digest.hexdigest()

    def _url_digest(self, url: str, roots: tuple[str, ...]) -> str:
        """`_file_digest`, once per URL a build names: the same font files are named by every job
        and record, and resolving their paths each time took a build a few tenths of a second."""
        if (url, roots) not in self._urls:
            self._urls[(url, roots)] = _file_digest(url, roots, self._files)
        return self._urls[(url, roots)]

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.entry"

    def get(self, job):
        path = self._path(self.key(job))
        try:
            entry = path.read_bytes()
        except OSError:  # absent, or not a file
            self.misses += 1
            return None
        try:
            rendered = decode(entry, job.key)
        except Damaged:
            self.misses += 1
            self.damaged += 1
            _remove(path)  # rendered again and stored afresh
            return None
        try:
            os.utime(path)  # recently used
        except OSError:
            pass
        self.hits += 1
        return rendered

    def put(self, job, rendered) -> None:
        self.put_entry(self.key(job), rendered)

    def put_entry(self, key: str, rendered) -> None:
        if not _write(self._path(key), encode(rendered), self.folder.parent):
            self.unwritable += 1

    def has(self, job) -> bool:
        """Whether an entry for the job is there (not whether it is sound: `get` checks that)."""
        return self._path(self.key(job)).is_file()

    def entry(self, key: str, name: str):
        """The rendered job stored under a key (as `key(job)` gave it), or None: absent or damaged
        (or a key read from a record that is not one: no other file is opened, nor removed)."""
        if not _KEY.fullmatch(key):
            return None
        path = self._path(key)
        try:
            rendered = decode(path.read_bytes(), name)
        except OSError:
            return None
        except Damaged:
            self.damaged += 1
            _remove(path)
            return None
        try:
            os.utime(path)
        except OSError:
            pass
        return rendered

    # -- records: plain data about a part of a render (a sheet's pages, a side's measurements) ----

    def record_key(self, kind: str, html: str, roots: tuple[str, ...] = ()) -> str:
        """The key of a record about `html` as it would render alone, with the renderer allowed to
        read `roots`: it hashes what `key` hashes for a job of that HTML, so a record is kept
        exactly as long as such a render would be."""
        digest = hashlib.sha256()
        for part in (RECORD.decode(), kind, __version__, self._engine, html):
            digest.update(part.encode())
            digest.update(b"\0")
        for url in sorted(set(_FILE_URL.findall(html))):
            digest.update(self._url_digest(url, roots).encode())
        return digest.hexdigest()

    def record(self, key: str):
        """The plain data stored under a record key, or None: absent, or damaged (then removed)."""
        path = self._path(key)
        try:
            entry = path.read_bytes()
        except OSError:
            return None
        head, newline, body = entry.partition(b"\n")
        words = head.split(b" ")
        try:
            if not newline or len(words) != 2 or words[0] != RECORD \
                    or hashlib.sha256(body).hexdigest().encode() != words[1]:
                raise Damaged("not a record")
            data = json.loads(body.decode("utf-8"))
        except (Damaged, ValueError):
            self.damaged += 1
            _remove(path)
            return None
        try:
            os.utime(path)  # recently used: trimmed last
        except OSError:
            pass
        return data

    def put_record(self, key: str, data) -> None:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        entry = RECORD + b" " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body
        if not _write(self._path(key), entry, self.folder.parent):
            self.unwritable += 1

    def trim(self, limit: int = LIMIT_BYTES) -> None:
        entries = []
        try:
            found = list(self.folder.glob("*/*"))
        except OSError:
            return
        for path in found:
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= limit:
                break
            _remove(path)
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
    """Every file under a folder: its path, and its bytes (or, for big files and fonts, size, time
    and inode). Links inside are not followed: a link is known by where it points (the build does
    not read through one that leads out, nor through a folder link), and a FIFO or device by its
    kind, never opened."""
    if not os.path.lexists(folder):
        digest.update(b"absent:" + os.fsencode(folder))
        return
    top = Path(os.path.realpath(folder))
    if not top.is_dir():
        paths = [top]
    else:
        paths = []
        for parent, folders, files in os.walk(top):  # links to folders are listed, not entered
            paths += [Path(parent, name) for name in files + [f for f in folders if os.path.islink(Path(parent, f))]]
        paths.sort()
    for path in paths:
        digest.update(os.fsencode(path) + b"\0")  # a name need not be UTF-8
        try:
            found = os.lstat(path)
            target = os.readlink(path) if stat.S_ISLNK(found.st_mode) else ""
        except OSError:
            digest.update(b"unreadable")
            continue
        if stat.S_ISLNK(found.st_mode):
            digest.update(b"link:" + os.fsencode(target))
        elif not stat.S_ISREG(found.st_mode):
            digest.update(f"kind:{stat.S_IFMT(found.st_mode)}".encode())
        elif contents:
            digest.update(file_digest(path).encode())  # streamed; a big file by size, time and inode
        else:
            digest.update(f"{found.st_size}:{found.st_mtime_ns}".encode())


def folders_digest(folders: list[Path]) -> str:
    """Every file under the folders, by path and content, in one hash."""
    digest = hashlib.sha256()
    for folder in folders:
        _tree(folder, digest, contents=True)
    return digest.hexdigest()


# card settings that only say where cards sit on a sheet and what is drawn around them: a change
# of them lays out no card (outputs/flashcards.py moves the cards, draws the cut guides and the
# colour bands over the sheets and gives the labels their colour; a gap that changes how many cards a sheet holds lays out the sheets, but still only
# the flashcards), so the fingerprint keeps them apart
PLACEMENT = ("flip", "back_offset_x_mm", "back_offset_y_mm", "cut", "gap_mm", "band")


def fingerprint(settings, content: list[Path], layouts: list[Path], fonts: Path) -> str:
    """Everything a build's outputs depend on, as `<what is laid out>.<where cards sit>.<what
    every output is made from>`: three hashes, so that a build can tell when only the flip, the
    back offset, the cut guides, the gap between the cards or the colour bands changed, and an
    export that it asks for a file the last builds of the same guide and settings already made,
    whichever other outputs they were asked for."""
    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{engine_version()}\0{os.environ.get('SOURCE_DATE_EPOCH', '')}\0".encode())
    cards = settings.cards
    unplaced = replace(settings, cards=replace(cards, **{f.name: f.default for f in fields(cards)
                                                        if f.name in PLACEMENT}),
                       build=replace(settings.build, outputs=[]))
    digest.update(_settings_text(unplaced).encode())
    for path in content:
        _tree(path, digest, contents=True)  # Markdown and the images beside it
    for folder in layouts:
        _tree(folder, digest, contents=True)
    _tree(fonts, digest, contents=False)
    made_from = digest.hexdigest()
    laid_out = hashlib.sha256(f"{made_from}\0{json.dumps(list(settings.build.outputs))}".encode()).hexdigest()
    placement = json.dumps([getattr(cards, name) for name in PLACEMENT])
    return f"{laid_out}.{hashlib.sha256(placement.encode()).hexdigest()[:16]}.{made_from}"


def placement_key(cache: JobCache, fingerprint_: str) -> str:
    """The record a build keeps for the next one in which only where cards sit changes: under
    what its fingerprint says is laid out (see `fingerprint`)."""
    return cache.record_key("placed", fingerprint_.partition(".")[0])


def export_key(cache: JobCache, fingerprint_: str) -> str:
    """The record a build keeps of the exports it can make without laying anything out, for an
    `export` of the same guide and settings: under what its fingerprint says every output is
    made from (see `fingerprint`)."""
    return cache.record_key("exports", fingerprint_.rpartition(".")[2])


def output_digest(path: Path) -> str | None:
    """The digest of an output as it lies in the output folder, streamed; None for one that is
    absent, or is not a regular file (a link the guide ships as out/teacher.pdf -> /dev/zero is
    not followed: it is replaced, never read)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        digest = hashlib.sha256()
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


KEPT_BUILDS = 4  # the builds a manifest remembers, newest first


def _build_record(data) -> bool:
    return (type(data) is dict and type(data.get("fingerprint")) is str and type(data.get("out")) is str
            and type(data.get("outputs")) is dict and all(type(v) is str for v in data["outputs"].values()))


def _intact(outputs: dict[str, str], out_dir: Path) -> bool:
    """Every output of a build's record is still there as it was written."""
    return bool(outputs) and all(output_digest(out_dir / name) == digest for name, digest in outputs.items())


class Manifest:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "manifest.json"
        self._last: dict | None = None  # as read, once: a build asks it several questions

    def load(self) -> dict:
        """The last build's record, or {} when there is none or it is not one (damaged, a list,
        a folder): then nothing counts as up to date and the build runs."""
        if self._last is None:
            self._last = self._read()
        return self._last

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not _build_record(data):
            return {}
        data["earlier"] = [record for record in data.get("earlier", []) if _build_record(record)] \
            if type(data.get("earlier")) is list else []
        return data

    def up_to_date(self, fingerprint_: str, out_dir: Path) -> bool:
        """Nothing changed since the last build, or one of the few before it (an export between
        two builds does not make the second build all again), and its outputs are still there as
        it wrote them."""
        where = str(out_dir.resolve())
        return any(record["fingerprint"] == fingerprint_ and record["out"] == where
                   and _intact(record["outputs"], out_dir) for record in self._records())

    def _records(self) -> list[dict]:
        """The builds remembered, newest first."""
        last = self.load()
        return ([last] if last else []) + last.get("earlier", [])

    def intact(self, out_dir: Path) -> bool:
        """The last build's outputs are all still there as it wrote them."""
        return _intact(self.load().get("outputs") or {}, out_dir)

    def built_before(self) -> bool:
        """A build was made with this cache: most of what the next one lays out is likely in it."""
        return bool(self.load())

    def only_placement_changed(self, fingerprint_: str, out_dir: Path) -> bool:
        """Since the last build into the same folder, only where cards sit on the sheets changed
        (the flip, the back offset, the cut guides, the gap, the bands): what is laid out is the same (see `fingerprint`)."""
        last = self.load()
        before = last.get("fingerprint", "")
        return (before != fingerprint_ and before.partition(".")[0] == fingerprint_.partition(".")[0]
                and last.get("out") == str(out_dir.resolve()))

    def save(self, fingerprint_: str, out_dir: Path, outputs: dict[str, str]) -> None:
        """Record this build; if that cannot be done (a full disk), the next build only runs again."""
        records = self._records()
        self._last = None  # read again if asked
        where = str(out_dir.resolve())
        earlier = [{key: record[key] for key in ("fingerprint", "out", "outputs")}
                   for record in records
                   if (record["fingerprint"], record["out"]) != (fingerprint_, where)][:KEPT_BUILDS - 1]
        data = json.dumps({"fingerprint": fingerprint_, "out": where, "outputs": outputs, "earlier": earlier},
                          indent=1)
        if not _write(self.path, data.encode("utf-8"), self.path.parent):
            _remove(self.path)  # an old record must not say that outputs it no longer matches are current


class RecordIndex:
    """Plain data kept between builds in one record, by key: each measured side's boxes, where
    each flashcard sheet's pages are, or where each workbook chapter's pages are. It keeps what this build has (found before, or made now): a record per
    guide, written once or a few times a build, costs far less than a file per sheet or side."""

    def __init__(self, cache, name: str, current: list[str] = ()) -> None:
        self.cache, self.key = cache, cache.record_key("index", name)
        found = cache.record(self.key)
        self.before = found if type(found) is dict else {}
        self.now = {key: self.before[key] for key in current if key in self.before}

    def keep(self, key: str, value) -> None:
        self.now[key] = value

    def save(self) -> None:
        self.cache.put_record(self.key, self.now)
