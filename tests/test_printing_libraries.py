"""The quicker library lookup used while WeasyPrint loads: ctypes' own answers, the same libraries."""

import ctypes.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studyguide.printing import libraries

ROOT = Path(__file__).resolve().parent.parent

linux_with_ldconfig = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not Path(libraries.LDCONFIG).exists(),
    reason="the quick lookup reads glibc's ldconfig cache")

# Imports the renderer with every name cffi asks for recorded, then asks ctypes itself for each.
ASKED = """
import ctypes.util, json, sys
sys.path.insert(0, sys.argv[1])
from studyguide.printing import libraries
quick_lookup = libraries.cached_lookup
asked = {}
def recorded(*args):
    quick = quick_lookup(*args)
    assert quick is not None, "the quick lookup was not used"
    def find(name):
        asked[name] = quick(name)
        return asked[name]
    return find
libraries.cached_lookup = recorded
import studyguide.printing.render
assert ctypes.util.find_library is not None and ctypes.util.find_library.__module__ == "ctypes.util"
print(json.dumps({name: [quick, ctypes.util.find_library(name)] for name, quick in asked.items()}))
"""

# The shared libraries a process has loaded once it has imported `argv[2]`.
LOADED = """
import importlib, sys
sys.path.insert(0, sys.argv[1])
importlib.import_module(sys.argv[2])
print("\\n".join(sorted({line.split()[-1] for line in open("/proc/self/maps") if ".so" in line})))
"""


def _clean_env() -> dict:
    return {key: value for key, value in os.environ.items() if key not in ("LD_LIBRARY_PATH", "LIBRARY_PATH")}


@linux_with_ldconfig
def test_every_name_weasyprint_asks_for_gets_ctypes_own_answer():
    found = subprocess.run([sys.executable, "-c", ASKED, str(ROOT)], capture_output=True, text=True,
                           check=True, env=_clean_env())
    answers = json.loads(found.stdout)
    assert len(answers) >= 6  # gobject, pango, harfbuzz, fontconfig, pangoft2 and the names tried before them
    assert any(quick is None for quick, _ in answers.values())  # the names it gives up quickly
    assert sum(quick is not None for quick, _ in answers.values()) >= 5  # and the libraries it finds
    for name, (quick, own) in answers.items():
        assert quick == own, name


@linux_with_ldconfig
def test_the_renderer_loads_the_same_libraries_as_weasyprint_alone():
    def loaded(module: str) -> set[str]:
        return set(subprocess.run([sys.executable, "-c", LOADED, str(ROOT), module], capture_output=True,
                                  text=True, check=True, env=_clean_env()).stdout.split())

    alone, ours = loaded("weasyprint"), loaded("studyguide.printing.render")
    assert any("libpango-1.0" in path for path in alone)
    assert ours == alone


def test_a_name_a_linker_could_find_outside_the_cache_is_left_to_ctypes(tmp_path, monkeypatch):
    """A library folder holding libsgextra.so, which the cache does not list: gcc or ld might
    find it, so ctypes is asked; a name with no such file anywhere is given up without asking."""
    asked = []
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: asked.append(name) or f"ctypes:{name}")
    monkeypatch.delenv("LD_LIBRARY_PATH", raising=False)
    monkeypatch.delenv("LIBRARY_PATH", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    (tmp_path / "libsgextra.so").write_bytes(b"")
    listing = f"1 libs found in cache `/etc/ld.so.cache'\n\tlibsgcached.so.3 (libc6) => {tmp_path}/libsgcached.so.3\n".encode()
    monkeypatch.setattr(libraries, "_ABI", {})  # the plain libc6 entry, whatever this machine is
    find = libraries.cached_lookup(listing)
    assert find("sgcached") == "libsgcached.so.3"
    assert find("sgextra") == "ctypes:sgextra"
    assert find("sgnowhere") is None
    assert find("sgnowhere") is None
    assert asked == ["sgextra"]  # once: the answers are kept


def test_ctypes_is_left_alone_where_it_would_search_more(monkeypatch):
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/elsewhere")
    assert libraries.cached_lookup(b"") is None
    monkeypatch.delenv("LD_LIBRARY_PATH")
    monkeypatch.setattr(sys, "platform", "darwin")
    assert libraries.cached_lookup(b"") is None


def test_without_ldconfig_ctypes_answers(monkeypatch):
    own = ctypes.util.find_library
    monkeypatch.delenv("LD_LIBRARY_PATH", raising=False)
    monkeypatch.delenv("LIBRARY_PATH", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(libraries, "LDCONFIG", "/nonexistent/ldconfig")
    with libraries.quick_library_lookup():
        assert ctypes.util.find_library is own
