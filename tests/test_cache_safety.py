"""The cache cannot run code, and a damaged cache is a miss, never a failure.

The cache lives in the user's cache folder, not in the guide; it holds plain data with a digest
per entry. Whatever is done to it (planted pickles and compiled templates, truncation, flipped
bytes, a manifest that is not one, a full disk), a build exits 0 and writes the same PDFs as a
clean build.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import pickle
import random
import shutil
from pathlib import Path

import pytest

from conftest import CONTENT, rendered_pieces, run_cli
from studyguide.cache import cache_folder

PDFS = ("handout.pdf", "workbook.pdf", "teacher.pdf", "flashcards.pdf")


class Planted:
    """Unpickling this writes a marker file: proof that a build ran code from the cache."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "ran"))


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """A small guide (one chapter) and the PDFs a clean build of it gives."""
    folder = tmp_path_factory.mktemp("guide")
    (folder / "content").mkdir()
    shutil.copy(CONTENT / "ch02.md", folder / "content" / "ch02.md")
    (folder / "studyguide.toml").write_text('[guide]\ntitle = "缓存"\n', encoding="utf-8")
    result = run_cli("--force", "--out", "clean", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder, {name: (folder / "clean" / name).read_bytes() for name in PDFS}


@pytest.fixture
def guide(clean, tmp_path) -> Path:
    """A copy of the small guide, built once: its cache is full."""
    folder = tmp_path / "guide"
    shutil.copytree(clean[0] / "content", folder / "content")
    shutil.copy(clean[0] / "studyguide.toml", folder)
    result = run_cli("--verbose", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in cache_folder(folder).rglob("*") if p.is_file())



def _rebuilt_like_clean(folder: Path, clean) -> dict[str, bool]:
    """Build after damage: it must exit 0 and give the clean build's PDFs."""
    result = run_cli("--verbose", cwd=folder)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    for name in PDFS:
        assert (folder / "out" / name).read_bytes() == clean[1][name], name
    return rendered_pieces(result)


def test_the_cache_is_outside_the_guide_and_holds_no_code(guide):
    assert not (guide / ".cache").exists()
    entries = _entries(guide)
    assert any(p.suffix == ".entry" for p in entries) and any(p.name == "manifest.json" for p in entries)
    assert cache_folder(guide).is_relative_to(Path(os.environ["XDG_CACHE_HOME"]) / "studyguide")
    for path in entries:
        data = path.read_bytes()
        assert not path.name.startswith("__jinja2_")  # no compiled templates
        if path.parent.name == "fonts":  # the faces cut for the guide, each with its digest beside it
            assert (data.startswith((b"OTTO", b"\x00\x01\x00\x00")) or path.suffix == ".sha256"
                    or path.name.startswith("set-") and data.startswith(b"[")), path
            continue
        # an entry, a record (plain data about part of a render), or the manifest's JSON
        assert data.startswith((b"studyguide-cache-2 ", b"studyguide-record-1 ", b"{")), path
        assert not data.startswith(b"\x80")  # not a pickle


def test_every_guide_has_its_own_cache_folder(tmp_path):
    assert cache_folder(tmp_path / "a") != cache_folder(tmp_path / "b")
    assert cache_folder(tmp_path / "a") == cache_folder(tmp_path / "x" / ".." / "a")


def test_a_relative_xdg_cache_home_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_folder(tmp_path / "g").parent == tmp_path / ".cache" / "studyguide"


def test_a_cache_shipped_with_the_guide_runs_nothing(guide, clean, tmp_path):
    """The old cache layout inside the guide, filled with pickles and compiled templates that
    would write a marker file if loaded, is never read."""
    marker = tmp_path / "ran-code"
    payload = pickle.dumps(Planted(marker))
    assert not marker.exists()
    pickle.loads(payload)  # the payload works ...
    assert marker.exists()
    marker.unlink()
    shipped = guide / ".cache" / "studyguide"
    keys = [p.stem for p in _entries(guide) if p.suffix == ".entry"]
    assert keys
    for key in keys:
        (shipped / "jobs" / key[:2]).mkdir(parents=True, exist_ok=True)
        (shipped / "jobs" / key[:2] / f"{key}.pickle").write_bytes(payload)
    from jinja2.bccache import bc_magic
    (shipped / "templates").mkdir()
    for name in ("base.html.j2", "flashcards.html.j2", "workbook.html.j2", "cards.css.j2", "fonts.css.j2"):
        digest = hashlib.sha1(name.encode()).hexdigest()
        (shipped / "templates" / f"__jinja2_{digest}.cache").write_bytes(bc_magic + payload)
    (shipped / "manifest.json").write_text("[]", encoding="utf-8")
    shutil.rmtree(cache_folder(guide))  # nothing cached where the build does look
    rendered = _rebuilt_like_clean(guide, clean)
    assert rendered and all(rendered.values())
    assert not marker.exists()


def test_a_pickle_in_place_of_an_entry_is_a_miss(guide, clean, tmp_path):
    marker = tmp_path / "ran-code"
    entries = [p for p in _entries(guide) if p.suffix == ".entry"]
    assert entries
    for path in entries:
        path.write_bytes(pickle.dumps(Planted(marker)))
    shutil.rmtree(guide / "out")  # not up to date: the pieces are looked up
    rendered = _rebuilt_like_clean(guide, clean)
    assert rendered and all(rendered.values())
    assert not marker.exists()


@pytest.mark.parametrize("damage", ["truncated", "garbled header", "bit rot in the PDF", "emptied"])
def test_a_damaged_entry_is_rendered_again(guide, clean, damage):
    entries = [p for p in _entries(guide) if p.suffix == ".entry"]
    assert entries
    for path in entries:
        data = bytearray(path.read_bytes())
        if damage == "truncated":
            data = data[:len(data) * 2 // 3]
        elif damage == "garbled header":
            data[5] ^= 0xFF
        elif damage == "bit rot in the PDF":
            # one bit, deep in the PDF (or in a record's data): only the digest can tell
            data[-min(200, len(data) // 2)] ^= 0x01
        else:
            data = bytearray()
        path.write_bytes(bytes(data))
    shutil.rmtree(guide / "out")
    rendered = _rebuilt_like_clean(guide, clean)
    assert rendered and all(rendered.values())
    # and the cache was rebuilt: the next build takes every piece from it
    shutil.rmtree(guide / "out")
    rendered = _rebuilt_like_clean(guide, clean)
    assert rendered and not any(rendered.values())


@pytest.mark.parametrize("manifest", ["[]", '["fingerprint", "out"]', "{", "folder", "wrong types"])
def test_a_manifest_that_is_not_one_means_build_again(guide, clean, manifest):
    path = cache_folder(guide) / "manifest.json"
    if manifest == "folder":
        path.unlink()
        (path / "inside").mkdir(parents=True)
    elif manifest == "wrong types":
        data = json.loads(path.read_text(encoding="utf-8"))
        data["outputs"] = list(data["outputs"])
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text(manifest, encoding="utf-8")
    rendered = _rebuilt_like_clean(guide, clean)
    assert rendered and not any(rendered.values())  # every piece still from the cache
    # the manifest was written afresh: the next build has nothing to do
    result = run_cli(cwd=guide)
    assert result.returncode == 0 and result.stdout.strip() == "out: up to date", result.stdout


def test_files_in_the_way_inside_the_cache_are_cleared(guide, clean):
    jobs = cache_folder(guide) / "jobs"
    shutil.rmtree(jobs)
    jobs.write_text("not a folder", encoding="utf-8")
    shutil.rmtree(guide / "out")
    rendered = _rebuilt_like_clean(guide, clean)
    assert rendered and all(rendered.values())
    assert jobs.is_dir() and any(p.suffix == ".entry" for p in jobs.rglob("*"))


def test_a_full_disk_under_the_cache_is_only_slower(guide, clean, monkeypatch):
    """Every write under the cache fails with ENOSPC: the build still writes its outputs."""
    from studyguide.cli import main

    shutil.rmtree(cache_folder(guide))
    cache = Path(os.environ["XDG_CACHE_HOME"])
    real = Path.write_bytes
    failed = []

    def full(self, data):
        if Path(self).is_relative_to(cache):
            failed.append(self)
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    monkeypatch.chdir(guide)
    assert main(["--jobs", "1"]) == 0
    assert failed and not _entries(guide)
    for name in PDFS:
        assert (guide / "out" / name).read_bytes() == clean[1][name], name


def test_fuzzed_caches_never_fail_a_build(guide, clean):
    """Rounds of random truncations and byte flips over every file of the cache."""
    rng = random.Random(1613)
    for _ in range(4):
        entries = _entries(guide)
        assert entries
        for path in entries:
            data = bytearray(path.read_bytes())
            what = rng.choice(("truncate", "flip", "flip", "keep"))
            if what == "truncate" and data:
                data = data[:rng.randrange(len(data))]
            elif what == "flip" and data:
                for _ in range(rng.randint(1, 4)):
                    data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            path.write_bytes(bytes(data))
        shutil.rmtree(guide / "out")
        _rebuilt_like_clean(guide, clean)


def test_a_cache_folder_that_cannot_be_made_means_building_without_one(tmp_path):
    """$XDG_CACHE_HOME naming a file: the build says it goes without a cache, and writes its
    outputs, rather than stopping with an internal error."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "ch01.md").write_text("# 第 1 章-栈\n\n1. 什么是栈？\n   后进先出的线性表。\n",
                                                  encoding="utf-8")
    (tmp_path / "in-the-way").write_text("a file, not a folder", encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "in-the-way"), "NO_COLOR": "1"}
    result = run_cli("--only", "html", cwd=tmp_path, env=env)
    printed = result.stdout + result.stderr
    assert result.returncode == 0, printed
    assert "internal error" not in printed and "Traceback" not in printed
    assert printed.count("cannot be made (Not a directory); building without a cache") == 1, printed
    assert "后进先出的线性表" in (tmp_path / "out" / "answers.html").read_text(encoding="utf-8")
