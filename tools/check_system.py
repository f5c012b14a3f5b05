"""Check the system libraries studyguide needs, and say exactly what to install if one is missing.

Runs with any Python 3 before the virtual environment exists; uses only the standard library.
"""

from __future__ import annotations

import ctypes.util
import shutil
import sys

# (library soname stem, what it is for, Debian/Ubuntu package, Fedora package, Homebrew formula, required)
LIBRARIES = [
    ("pango-1.0", "text layout for WeasyPrint", "libpango-1.0-0", "pango", "pango", True),
    ("pangoft2-1.0", "font loading for WeasyPrint", "libpangoft2-1.0-0", "pango", "pango", True),
    ("harfbuzz", "text shaping", "libharfbuzz0b", "harfbuzz", "harfbuzz", True),
    ("harfbuzz-subset", "fast font subsetting in PDFs (10x faster builds)", "libharfbuzz-subset0",
     "harfbuzz", "harfbuzz", False),
    ("fontconfig", "font configuration", "libfontconfig1", "fontconfig", "fontconfig", True),
]
# (program, what it is for, Debian package, needed by)
PROGRAMS = [
    ("qpdf", "checking PDF structure in the tests", "qpdf", "test"),
    ("pdftoppm", "turning PDF pages into pictures for the docs and tests", "poppler-utils", "test"),
    ("chromium", "trying the study page in a real browser in the tests", "chromium", "test"),
    ("lp", "sending jobs to the virtual printer in the print tests", "cups-client", "test"),
    ("ipptool", "reading the jobs the virtual printer received", "cups-ipp-utils", "test"),
    ("ippeveprinter", "a virtual IPP printer for the print tests", "cups-ipp-utils", "test"),
    ("cupsd", "a private CUPS scheduler between lp and the virtual printer", "cups", "test"),
    ("dbus-daemon", "the private message bus the virtual printer needs to start", "dbus-daemon", "test"),
]


def _which(name: str) -> str | None:
    """A program on PATH, or in /usr/sbin (where cupsd and ippeveprinter live, often off a user's PATH)."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def main() -> int:
    purpose = sys.argv[1] if len(sys.argv) > 1 else "build"
    if sys.version_info < (3, 11):
        print(f"studyguide needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
        return 1
    missing, optional = [], []
    for stem, why, debian, fedora, brew, required in LIBRARIES:
        if ctypes.util.find_library(stem) is None:
            (missing if required else optional).append((stem, why, debian, fedora, brew))
    programs = [(name, why, debian) for name, why, debian, need in PROGRAMS
                if need == purpose and _which(name) is None]
    for stem, why, debian, fedora, brew in optional:
        print(f"note: lib{stem} ({why}) is not installed; builds work but are slower.\n"
              f"      Install it with: sudo apt-get install {debian}")
    if not missing and not programs:
        return 0
    print("studyguide cannot run yet: some system packages are missing.\n")
    for stem, why, debian, fedora, brew in missing:
        print(f"  lib{stem}: {why}")
    for name, why, debian in programs:
        print(f"  {name}: {why}")
    debs = sorted({m[2] for m in missing} | {p[2] for p in programs})
    print("\nInstall them with:")
    print(f"  Debian/Ubuntu: sudo apt-get install {' '.join(debs)}")
    if missing:
        print(f"  Fedora:        sudo dnf install {' '.join(sorted({m[3] for m in missing}))}")
        print(f"  macOS:         brew install {' '.join(sorted({m[4] for m in missing}))}")
    print("Then run the same make command again.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
