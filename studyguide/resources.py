"""Where the built-in layouts and fonts live: beside the package in a checkout, inside it when installed."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    return _PACKAGE.parent / name  # reported as missing by whoever needs it


LAYOUTS = _find("layouts")
FONTS = _find("fonts")
LAYOUT_BYTES = 1 << 20  # in one layout file; the built-in ones are a few KB each
# a source checkout (run as `python compile.py`), rather than an installed package
CHECKOUT = (_PACKAGE.parent / "compile.py").is_file()
