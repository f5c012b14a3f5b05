"""The fonts a guide is set in: which face each language gets, and which characters they can show.

A language picks its region's Noto CJK face (Simplified or Traditional Chinese, Hong Kong,
Japanese, Korean), because the same character is drawn differently in each: 直 in a Japanese
handout must not have the Chinese form. The faces come from the system's Noto CJK collections
(Debian's fonts-noto-cjk), cut down per guide; without them the bundled Simplified Chinese
subset (GB 2312) is used, which needs nothing installed. Emoji come from a system emoji font.

WeasyPrint falls back silently to whatever the machine has when a glyph is missing, so the
build checks coverage itself, before rendering, and stops with the file, line and character.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .diagnostics import finding
from .model import Diagnostic, Location
from .resources import FONTS


@dataclass(frozen=True)
class Face:
    family: str  # the name layouts use in CSS; unique, so no system font can stand in
    file: str  # a file name in the fonts folder, or an absolute path
    weight: int = 400
    style: str = "normal"
    index: int = 0  # the face inside a font collection (.ttc)


# The bundled faces: Simplified Chinese, GB 2312 and the common symbols.
BUNDLED = (
    Face("SG Sans SC", "NotoSansSC-Regular.otf"),
    Face("SG Sans SC", "NotoSansSC-Bold.otf", 700),
    Face("SG Serif SC", "NotoSerifSC-Regular.otf"),
    # Chinese bold in running text is set in a bold Hei (sans) face, as Chinese books do.
    Face("SG Serif SC", "NotoSansSC-Bold.otf", 700),
    Face("SG Mono", "NotoSansMono-Regular.ttf"),
)

REGIONS = ("SC", "TC", "HK", "JP", "KR")
REGION_NAMES = {"SC": "Simplified Chinese", "TC": "Traditional Chinese", "HK": "Hong Kong Chinese",
                "JP": "Japanese", "KR": "Korean"}
# (weight, family prefix, Noto collection): the three text faces of every region
COLLECTIONS = ((400, "SG Sans", "NotoSansCJK-Regular.ttc", "Noto Sans CJK"),
               (700, "SG Sans", "NotoSansCJK-Bold.ttc", "Noto Sans CJK"),
               (400, "SG Serif", "NotoSerifCJK-Regular.ttc", "Noto Serif CJK"),
               (700, "SG Serif", "NotoSansCJK-Bold.ttc", "Noto Sans CJK"))
# monochrome outlines first (they print as text); the colour font prints as small pictures
EMOJI_FILES = ("NotoEmoji-Regular.ttf", "NotoColorEmoji.ttf", "Symbola_hint.ttf", "Symbola.ttf")
SYSTEM_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
                  "/Library/Fonts", "~/Library/Fonts")
# each region's everyday character set, kept in its cut-down face whatever the guide uses, so
# an edit that brings in a new common character does not change the face (and every cached page)
SHARED_BULLET = ("SC", "TC", "HK")
EVERYDAY = {"SC": "gb2312", "TC": "big5", "HK": "big5hkscs", "JP": "shift_jis", "KR": "euc_kr"}


def region_of(language: str) -> str:
    """The Noto CJK region of a language tag; Simplified Chinese for English and the unknown."""
    tag = language.lower().replace("_", "-")
    if tag.startswith("ja"):
        return "JP"
    if tag.startswith("ko"):
        return "KR"
    if tag.startswith(("zh-hk", "zh-mo", "yue")):
        return "HK"
    if tag.startswith(("zh-tw", "zh-hant")):
        return "TC"
    return "SC"


class FontsMissing(Exception):
    """The fonts folder or one of its files is missing."""

    def __init__(self, folder: Path, missing: list[str], unusable: tuple[str, ...] = ()) -> None:
        what = "the folder does not exist" if not folder.is_dir() else "; ".join(
            ([f"missing {', '.join(missing)}"] if missing else []) + list(unusable))
        super().__init__(what)
        self.folder, self.unusable = folder, unusable


def font_dir(folder: Path | None = None) -> Path:
    """The fonts folder, once each bundled face's file is there; in a guide's own folder, each
    must also be a font, not a link leading out of it (a font read wrongly would fail every
    character, or the build)."""
    missing = sorted({face.file for face in BUNDLED if not ((folder or FONTS) / face.file).is_file()})
    unusable = () if folder is None or missing else tuple(
        problem for name in sorted({face.file for face in BUNDLED}) if (problem := _unusable(folder, name)))
    if missing or unusable:
        raise FontsMissing(folder or FONTS, missing, unusable)
    return folder or FONTS


def _unusable(folder: Path, name: str) -> str:
    """Why the font file `name` in a guide's fonts folder cannot be used, or ""."""
    path = folder / name
    if not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder)):
        return f"{name} is a link to a file outside the folder"
    try:
        with open(path, "rb") as stream:
            magic = stream.read(4)
        # a font's own signature: TrueType, OpenType (CFF), Apple TrueType, a collection
        if magic not in (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf") or not _unicodes(path):
            raise ValueError
        subset(path, {"0"})  # the font's tables, cut as every build cuts them
    except (OSError, ValueError, RuntimeError):
        return f"{name} is not a font that can be read (damaged, cut short, or another kind of file)"
    return ""


def system_font(name: str) -> Path | None:
    """A font file of that name among the system's fonts, or None."""
    return _system_fonts().get(name)


@lru_cache(maxsize=1)
def _system_fonts() -> dict[str, Path]:
    """Every font file in the system's font folders by name, read once (the first of a name wins)."""
    found: dict[str, Path] = {}
    for folder in SYSTEM_FOLDERS:
        for root, folders, files in os.walk(os.path.expanduser(folder)):
            folders.sort()
            for name in sorted(files):
                found.setdefault(name, Path(root) / name)
    return found


@lru_cache(maxsize=None)
def collection_index(path: Path, family: str) -> int | None:
    """Which face of a collection has this family name (their order differs between releases)."""
    import uharfbuzz as hb

    blob = hb.Blob.from_file_path(str(path))
    for index in range(32):
        face = hb.Face(blob, index)
        if not face.glyph_count:
            return None
        if face.get_name(hb.OTNameIdPredefined.FONT_FAMILY) == family:
            return index
    return None


@dataclass(frozen=True)
class Fonts:
    """The faces one guide is set in, and where they come from."""

    folder: Path  # the bundled (or build.fonts) folder: the fallback, and the mono face
    faces: tuple[Face, ...]
    regions: tuple[str, ...]  # used by the guide, the main language's first
    system: bool  # the regional faces come from the system's Noto CJK fonts
    emoji: Face | None = None
    notes: tuple[str, ...] = field(default=())

    def path(self, face: Face) -> Path:
        return self.folder / face.file

    def url(self, file: str) -> str:
        return (self.folder / file).resolve().as_uri()

    def region_family(self, prefix: str, region: str) -> str:
        return f"{prefix} {region if self.system else 'SC'}"

    def file_of(self, family: str, weight: int) -> Path | None:
        """The file behind a family and weight, as named in a PDF."""
        face = next((f for f in self.faces if f.family == family and f.weight == weight), None)
        return self.path(face) if face else None

    def css_faces(self, families: tuple[str, ...] = ()) -> tuple[Face, ...]:
        """The @font-face rules to write: all, or those of families starting with one of `families`."""
        return tuple(f for f in self.faces if not families or f.family.startswith(families))

    def stacks(self) -> list[tuple[str, dict[str, str]]]:
        """CSS custom properties per language: (selector, {property: font list})."""
        emoji = ', "SG Emoji"' if self.emoji else ""
        rules = []
        for n, region in enumerate(self.regions):
            sans = f'"{self.region_family("SG Sans", region)}"'
            serif = f'"{self.region_family("SG Serif", region)}"'
            values = {"--sg-sans": f'{sans}, "SG Mono"{emoji}', "--sg-serif": f'{serif}, {sans}, "SG Mono"{emoji}',
                      "--sg-mono": f'"SG Mono", {sans}{emoji}'}
            selector = ":root" if n == 0 else ", ".join(f":lang({tag})" for tag in LANG_TAGS[region])
            rules.append((selector, values))
        return rules

    def covered(self, region: str) -> frozenset[int]:
        """Code points every text face of the region can show, or the emoji face."""
        faces = self.faces + ((self.emoji,) if self.emoji else ())
        return _covered(self, region, tuple(file_stamp(self.path(face)) for face in faces))

    def _covered(self, region: str) -> frozenset[int]:
        files = [(self.path(f), f.index) for f in self.faces
                 if f.family in (self.region_family("SG Sans", region), self.region_family("SG Serif", region))]
        have = set.intersection(*(set(_unicodes(path, index)) for path, index in files))
        if self.emoji:
            have |= _unicodes(self.path(self.emoji), self.emoji.index)
        return frozenset(have)

    def sources(self, languages: list[str]) -> list[tuple[str, str]]:
        """(which text, which font) for `check` to print: each language's region, emoji and code."""
        by_region: dict[str, list[str]] = {}
        for language in languages:
            region = region_of(language) if self.system else "SC"
            if language not in by_region.setdefault(region, []):
                by_region[region].append(language)
        lines = [(f"{', '.join(tags)} text", self.source_name(region))
                 for region, tags in by_region.items()]
        if self.emoji:
            lines.append(("emoji", Path(self.emoji.file).name))
        lines.append(("code", "the bundled Noto Sans Mono"))
        return lines

    def source_name(self, region: str) -> str:
        """What `check` says the region's text is set in."""
        if self.system:
            return f"Noto Sans/Serif CJK {region} ({REGION_NAMES[region]})"
        return "the bundled Noto Sans/Serif SC (Simplified Chinese, GB 2312)"


@lru_cache(maxsize=16)
def _covered(fonts: Fonts, region: str, stamps: tuple) -> frozenset[int]:
    return fonts._covered(region)


def file_stamp(path: Path) -> tuple[int, ...]:
    """A font file as the fingerprint knows it (size, time, inode): what is read from a font is
    kept by it, so a font replaced while `watch` runs is read again."""
    try:
        found = os.stat(path)
    except OSError:
        return ()
    return found.st_size, found.st_mtime_ns, found.st_ino


LANG_TAGS = {"SC": ("zh-CN", "zh-SG", "zh-Hans"), "TC": ("zh-TW", "zh-Hant"), "HK": ("zh-HK", "zh-MO"),
             "JP": ("ja",), "KR": ("ko",)}


def _unicodes(path: Path, index: int = 0) -> frozenset[int]:
    return _unicodes_of(path, index, file_stamp(path))


@lru_cache(maxsize=16)
def _unicodes_of(path: Path, index: int, stamp: tuple) -> frozenset[int]:
    import uharfbuzz as hb

    # HarfBuzz reads a character map in milliseconds; fontTools takes a tenth of a second per font
    return frozenset(hb.Face(hb.Blob.from_file_path(str(path)), index).unicodes)


def bundled(folder: Path | None = None) -> Fonts:
    """The bundled faces alone (calibration sheets, and guides without the system fonts)."""
    return Fonts(folder or FONTS, BUNDLED, ("SC",), False)


def choose(languages: list[str], folder: Path | None = None) -> Fonts:
    """The faces for a guide whose main language comes first in `languages`.

    A folder set in build.fonts is used as it is; otherwise the system's Noto CJK collections,
    or the bundled Simplified Chinese fonts when those are not installed.
    """
    regions = tuple(dict.fromkeys(region_of(language) for language in languages)) or ("SC",)
    bundled = font_dir(folder)
    mono = Face("SG Mono", "NotoSansMono-Regular.ttf")
    emoji_path = next((p for p in map(system_font, EMOJI_FILES) if p), None)
    emoji = Face("SG Emoji", str(emoji_path)) if emoji_path else None
    sources = {name: system_font(name) for _, _, name, _ in COLLECTIONS}
    notes = []
    if folder is None and all(sources.values()):
        faces = []
        for region in regions:
            for weight, prefix, name, family in COLLECTIONS:
                index = collection_index(sources[name], f"{family} {region}")
                if index is None:
                    break
                faces.append(Face(f"{prefix} {region}", str(sources[name]), weight, index=index))
            else:
                continue
            break
        else:
            return Fonts(bundled, tuple(faces) + (mono,), regions, True, emoji)
    faces = [face for face in BUNDLED if face.family != "SG Mono"]
    others = [REGION_NAMES[r] for r in regions if r != "SC"]
    if others:
        notes.append(f"{' and '.join(others)} text is set in the bundled Simplified Chinese fonts, with "
                     "Chinese character forms; install the Noto CJK fonts (Debian: fonts-noto-cjk) for its own")
    return Fonts(bundled, tuple(faces) + (mono,), ("SC",), False, emoji, tuple(notes))


@lru_cache(maxsize=None)
def everyday(region: str) -> frozenset[int]:
    """Every character of the region's everyday double-byte encoding, read off Python's codecs."""
    codec = EVERYDAY[region]
    chars = set()
    for high in range(0x81, 0xFF):
        for low in range(0x40, 0xFF):
            try:
                text = bytes((high, low)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                chars.add(ord(text))
    return frozenset(chars | set(range(0x20, 0x250)) | set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3100))
                     | set(range(0xFF00, 0xFFF0)))


def prepared(fonts: Fonts, characters: set[str], work_dir: Path) -> Fonts:
    """The system faces cut down to the region's everyday characters and those the guide uses.

    The cut files are named by what they hold, so a page rendered with one is only reused with
    the same file; they are kept in the work folder and made again only when that changes. What
    a set of characters gave is remembered too, so a build whose text has not changed spends no
    time here.
    """
    import json

    if not fonts.system and not fonts.emoji:
        return fonts
    folder = work_dir / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    wanted = sorted({ord(ch) for ch in characters})
    sources = [(str(fonts.path(f)), f.index, fonts.path(f).stat().st_mtime_ns) for f in fonts.faces]
    key = hashlib.sha256(repr((wanted, sources, fonts.emoji)).encode()).hexdigest()[:16]
    remembered = folder / f"set-{key}.json"
    try:
        files = json.loads(remembered.read_text(encoding="utf-8"))
        if isinstance(files, list) and all(isinstance(file, str) and _intact(fonts.folder / file, fonts.folder)
                                           for file in files):
            return _with_files(fonts, files)
    except (OSError, ValueError):
        pass
    try:
        files = _cut(fonts, set(wanted), folder)
        partial = remembered.with_suffix(".part")
        partial.write_text(json.dumps(files), encoding="utf-8")
        partial.replace(remembered)
    except OSError:  # the cache cannot be written (a full disk): cut them for this build alone
        import tempfile

        files = _cut(fonts, set(wanted), Path(tempfile.mkdtemp(prefix="studyguide-fonts-")))
    return _with_files(fonts, files)


def _intact(path: Path, folder: Path) -> bool:
    """A face of the fonts folder itself, or a cut file whose bytes still have the digest written
    beside it: a cut file in the cache that was damaged is made again, never handed to the
    renderer."""
    if not path.is_file():
        return False
    if path.parent == folder:
        return True
    sidecar = path.with_name(path.name + ".sha256")
    stamps = (_changed_stamp(path), _changed_stamp(sidecar))
    if () not in stamps and _CHECKED.get(path) == stamps:
        return True
    try:
        intact = sidecar.read_text(encoding="ascii").strip() == hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, UnicodeDecodeError):
        return False
    if intact and () not in stamps:
        _CHECKED[path] = stamps
    return intact


# Cut files whose digest was checked by this process, with what they were then: `watch` checks them
# before every build, megabytes each. The change time moves with any write to a file (and no
# program can set it back), so a file that was written to since is checked again.
_CHECKED: dict[Path, tuple] = {}


def _changed_stamp(path: Path) -> tuple[int, ...]:
    try:
        found = os.stat(path)
    except OSError:
        return ()
    return found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino


def _with_files(fonts: Fonts, files: list[str]) -> Fonts:
    """The faces with their cut files (the last one the emoji face's, when there is one more)."""
    faces = tuple(Face(face.family, file, face.weight, face.style) for face, file in zip(fonts.faces, files))
    emoji = Face("SG Emoji", files[-1]) if len(files) > len(fonts.faces) else None
    return Fonts(fonts.folder, faces, fonts.regions, fonts.system, emoji, fonts.notes)


def _cut(fonts: Fonts, wanted: set[int], folder: Path) -> list[str]:
    import uharfbuzz as hb

    text = set().union(*(_unicodes(fonts.path(f), f.index) for f in fonts.faces if f.family != "SG Mono"))
    # the emoji face only when the guide has a character that no text face has
    emoji = fonts.emoji if fonts.emoji and wanted - text & _unicodes(fonts.path(fonts.emoji)) else None
    files = []
    for face in fonts.faces + ((emoji,) if emoji else ()):
        source = fonts.path(face)
        if source.parent == fonts.folder:  # a bundled face is used as it is
            files.append(face.file)
            continue
        region = face.family.rsplit(" ", 1)[-1]
        keep = wanted | everyday(region) if region in REGIONS else wanted
        have = _unicodes(source, face.index)
        if region in SHARED_BULLET:
            # the Chinese faces draw •, · and ・ with one glyph, so a PDF's text layer could give
            # back only one of them: the bullet comes from the mono face, which is next in line
            have = have - {0x2022}
        keep = sorted(keep & have)
        stat = source.stat()
        digest = hashlib.sha256(f"{source}:{stat.st_size}:{stat.st_mtime_ns}:{face.index}:{keep}".encode()
                                ).hexdigest()[:12]
        target = folder / f"{source.stem}-{face.index}-{digest}{source.suffix.replace('.ttc', '.otf')}"
        if not _intact(target, fonts.folder):
            request = hb.SubsetInput()
            for point in keep:
                request.unicode_set.add(point)
            data = hb.subset(hb.Face(hb.Blob.from_file_path(str(source)), face.index), request).blob.data
            partial = target.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(target)
            sidecar = target.with_name(target.name + ".sha256")
            sidecar.with_suffix(".part").write_text(hashlib.sha256(data).hexdigest(), encoding="ascii")
            sidecar.with_suffix(".part").replace(sidecar)
        files.append(str(target))
    return files


def needs_glyph(ch: str) -> bool:
    """Whitespace, controls, format characters and variation selectors are laid out without a glyph."""
    point = ord(ch)
    if 0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF:
        return False
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")


def is_emoji(ch: str) -> bool:
    point = ord(ch)
    return 0x1F000 <= point <= 0x1FAFF or 0x2600 <= point <= 0x27BF or 0x2B00 <= point <= 0x2BFF


def check_coverage(texts: list[tuple[Path, str, int, str]], fonts: Fonts) -> list[Diagnostic]:
    """One error per missing character and line, for (shown path, text, first line, language) items."""
    problems = []
    for path, text, first_line, language in texts:
        region = region_of(language) if fonts.system else "SC"
        have = fonts.covered(region)
        # the characters no font has, from the text's distinct ones: most texts have none, and the
        # loop over every character is then left out
        lacking = {ch for ch in set(text) if ord(ch) not in have and needs_glyph(ch)}
        if not lacking:
            continue
        for offset, line in enumerate(text.split("\n")):
            if lacking.isdisjoint(line):
                continue
            reported = set()
            for column, ch in enumerate(line, start=1):
                if ch in reported or ch not in lacking:
                    continue
                reported.add(ch)
                name = unicodedata.name(ch, f"U+{ord(ch):04X}")
                if not fonts.emoji and is_emoji(ch):  # an emoji never stops a build
                    problems.append(finding(
                        "SG405", f"emoji {ch!r} (U+{ord(ch):04X} {name}) prints as an empty box: no emoji font "
                        "is installed", Location(path, first_line + offset, column),
                        "install one (Debian: fonts-noto-color-emoji), or leave the emoji out"))
                    continue
                tried = fonts.source_name(region) + (", and the emoji font" if fonts.emoji else "")
                problems.append(finding(
                    "SG401", f"character {ch!r} (U+{ord(ch):04X} {name}) is in no installed font: tried {tried}",
                    Location(path, first_line + offset, column),
                    "replace it with a character the fonts have, or set build.fonts to a folder with a font that has it"))
    return problems


def subset(path: Path, characters: set[str], index: int = 0) -> bytes:
    """The font cut down to the given characters (HarfBuzz: milliseconds, not seconds)."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(path)), index)
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


_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def woff_data_uri(font: bytes, cache=None) -> str:
    """A `data:` URL of the font as WOFF, for HTML files that must work offline on their own.

    Encoding takes fontTools most of a second for the guide's faces, every build, though an edit
    seldom brings in a new character: with a cache (a JobCache), the WOFF is kept by the digest of
    the cut font it encodes, and by fontTools' version, whose encoder makes the bytes."""
    import base64

    if cache is None:
        return "data:font/woff;base64," + base64.b64encode(woff(font)).decode("ascii")
    from fontTools import version

    key = cache.record_key("woff", f"{version}\0{hashlib.sha256(font).hexdigest()}")
    found = cache.record(key)
    prefix = "data:font/woff;base64,"
    if type(found) is dict and type(found.get("woff")) is str and found["woff"].startswith(prefix) \
            and _BASE64.fullmatch(found["woff"], len(prefix)):  # only a URL of that form goes into a stylesheet
        return found["woff"]
    url = prefix + base64.b64encode(woff(font)).decode("ascii")
    cache.put_record(key, {"woff": url})
    return url
