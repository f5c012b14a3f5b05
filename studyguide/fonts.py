"""The bundled fonts: which file is which face, and which characters they can show.

WeasyPrint falls back silently to whatever the machine has when a glyph is missing, so the
build checks coverage itself, before rendering, and stops with the file, line and character.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .diagnostics import finding
from .model import Diagnostic, Location
from .resources import FONTS


@dataclass(frozen=True)
class Face:
    family: str  # the name layouts use in CSS; unique, so no system font can stand in
    file: str
    weight: int = 400
    style: str = "normal"


FACES = (
    Face("SG Sans", "NotoSansSC-Regular.otf"),
    Face("SG Sans", "NotoSansSC-Bold.otf", 700),
    Face("SG Serif", "NotoSerifSC-Regular.otf"),
    # Chinese bold in running text is set in a bold Hei (sans) face, as Chinese books do.
    Face("SG Serif", "NotoSansSC-Bold.otf", 700),
    Face("SG Mono", "NotoSansMono-Regular.ttf"),
)
TEXT_FILES = ("NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf", "NotoSerifSC-Regular.otf")


class FontsMissing(Exception):
    """The fonts folder or one of its files is missing."""

    def __init__(self, folder: Path, missing: list[str]) -> None:
        what = "the folder does not exist" if not folder.is_dir() else f"missing {', '.join(missing)}"
        super().__init__(what)
        self.folder = folder


def font_dir(folder: Path | None = None) -> Path:
    folder = folder or FONTS
    missing = [face.file for face in FACES if not (folder / face.file).is_file()]
    if missing:
        raise FontsMissing(folder, sorted(set(missing)))
    return folder


@lru_cache(maxsize=4)
def covered(folder: Path) -> frozenset[int]:
    """Code points every text face can show (the mono face falls back to them)."""
    import uharfbuzz as hb

    # HarfBuzz reads a character map in milliseconds; fontTools takes a tenth of a second per font
    sets = [set(hb.Face(hb.Blob.from_file_path(str(folder / name))).unicodes) for name in TEXT_FILES]
    return frozenset(set.intersection(*sets))


def needs_glyph(ch: str) -> bool:
    """Whitespace, controls, format characters and variation selectors are laid out without a glyph."""
    point = ord(ch)
    if 0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF:
        return False
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")


def _coverage_hint(folder: Path) -> str:
    """What to do about a missing character: the bundled fonts are not the user's to add to (an
    installed studyguide has no fonts/ folder of theirs), a folder of their own is."""
    if folder.resolve() == FONTS.resolve():
        return ("replace it with a character the fonts have, or set build.fonts to a folder of fonts "
                "that have it (see Fonts in the README)")
    return f"replace it with a character the fonts have, or add a font that has it to {folder}"


def check_coverage(texts: list[tuple[Path, str, int]], folder: Path) -> list[Diagnostic]:
    """One error per missing character and line, for (shown path, text, first line number) items."""
    have = covered(folder)
    problems = []
    for path, text, first_line in texts:
        for offset, line in enumerate(text.split("\n")):
            reported = set()
            for column, ch in enumerate(line, start=1):
                if ch in reported or not needs_glyph(ch) or ord(ch) in have:
                    continue
                reported.add(ch)
                name = unicodedata.name(ch, f"U+{ord(ch):04X}")
                problems.append(finding(
                    "SG401", f"character {ch!r} (U+{ord(ch):04X} {name}) is not in the bundled fonts",
                    Location(path, first_line + offset, column),
                    _coverage_hint(folder)))
    return problems


def subset(folder: Path, file: str, characters: set[str]) -> bytes:
    """The font cut down to the given characters (HarfBuzz: milliseconds, not seconds)."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(folder / file)))
    request = hb.SubsetInput()
    for ch in characters:
        request.unicode_set.add(ord(ch))
    return hb.subset(face, request).blob.data


def woff(font: bytes) -> bytes:
    """The font as WOFF. Its `head` table keeps its date: the same input gives the same bytes."""
    import io

    from fontTools.ttLib import TTFont

    ttfont = TTFont(io.BytesIO(font), recalcTimestamp=False)
    ttfont.flavor = "woff"
    out = io.BytesIO()
    ttfont.save(out, reorderTables=False)
    return out.getvalue()


def woff_data_uri(font: bytes) -> str:
    """A `data:` URL of the font as WOFF, for HTML files that must work offline on their own."""
    import base64

    return "data:font/woff;base64," + base64.b64encode(woff(font)).decode("ascii")
