"""A quicker `ctypes.util.find_library` while WeasyPrint loads Pango and its company.

WeasyPrint tries several names for each library (Windows' and macOS' among them) and cffi asks
`find_library` for each; on Linux every name it does not find costs three programs (ldconfig,
gcc, ld), about a third of a second in all, paid by every process that imports WeasyPrint. Here
the ldconfig cache is read once and a name it does not hold is given up at once, unless a file
the linker could find for it lies in a library folder, when ctypes is asked after all: the
answers are the ones ctypes gives, and the same libraries are loaded.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator

LDCONFIG = "/sbin/ldconfig"
# the ABI ctypes looks for in the cache, by machine and word size (as in ctypes.util)
_ABI = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}


def cached_lookup(listing: bytes | None = None) -> Callable[[str], str | None] | None:
    """A `find_library` that answers from one reading of the ldconfig cache, or None where ctypes
    would not start there (not Linux, no ldconfig) or would search elsewhere too (LD_LIBRARY_PATH
    and LIBRARY_PATH add folders for ld and gcc)."""
    if not sys.platform.startswith("linux") or os.environ.get("LD_LIBRARY_PATH") or os.environ.get("LIBRARY_PATH"):
        return None
    if listing is None:
        try:
            listing = subprocess.run([LDCONFIG, "-p"], stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, env={"LC_ALL": "C", "LANG": "C"},
                                     check=True).stdout
        except (OSError, subprocess.SubprocessError):
            return None
    abi = _ABI.get(f"{os.uname().machine}-{64 if sys.maxsize > 2**32 else 32}", "libc6")
    folders = _library_folders(listing)
    ctypes_own = ctypes.util.find_library
    answers: dict[str, str | None] = {}

    def find_library(name: str) -> str | None:
        if name not in answers:
            # the same search ctypes makes first, on the same listing
            found = re.search(os.fsencode(r"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(name), abi)), listing)
            if found:
                answers[name] = os.fsdecode(found.group(1))
            elif any((folder / f"lib{name}{end}").exists() for folder in folders for end in (".so", ".a")):
                answers[name] = ctypes_own(name)  # gcc or ld may find it: let them
            else:
                answers[name] = None  # `-l<name>` opens lib<name>.so or .a, and there is none
        return answers[name]

    return find_library


def _library_folders(listing: bytes) -> list[Path]:
    """Where a linker looks for libraries: the folders of those in the cache, and the usual ones."""
    found = {Path(os.fsdecode(path)).parent for path in re.findall(rb"=> (/\S+)", listing)}
    tuple_ = getattr(sys.implementation, "_multiarch", "")
    for prefix in ("/lib", "/usr/lib", "/usr/local/lib", "/lib64", "/usr/lib64", "/usr/local/lib64"):
        found.add(Path(prefix))
        if tuple_:
            found.add(Path(prefix) / tuple_)
    return sorted(folder for folder in found if folder.is_dir())


@contextlib.contextmanager
def quick_library_lookup() -> Iterator[None]:
    """Within the block, `ctypes.util.find_library` answers from the ldconfig cache (see above)."""
    quick = cached_lookup()
    if quick is None:
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = quick
    try:
        yield
    finally:
        ctypes.util.find_library = original
