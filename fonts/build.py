"""Rebuild the bundled font subsets in this folder from Debian's font packages.

The full Noto CJK collections are ~20 MB each; we keep one face (SC) per weight, cut down to
GB 2312 plus Latin, Greek, digits and CJK/full-width punctuation, so the repository stays small.

    python fonts/build.py              # downloads the .debs with `apt-get download`
    python fonts/build.py --from DIR   # uses already extracted fonts found under DIR
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
PACKAGES = ("fonts-noto-cjk", "fonts-noto-mono")

# (output file, source file name, family name inside a collection or None for a plain font)
FACES = (
    ("NotoSansSC-Regular.otf", "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("NotoSansSC-Bold.otf", "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
    ("NotoSerifSC-Regular.otf", "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("NotoSansMono-Regular.ttf", "NotoSansMono-Regular.ttf", None),
)

# Blocks kept beside GB 2312: Latin, Greek, Cyrillic, punctuation, symbols, kana, full-width forms.
RANGES = (
    (0x0020, 0x007E), (0x00A0, 0x024F), (0x02B0, 0x02FF), (0x0370, 0x03FF), (0x0400, 0x04FF),
    (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x218F), (0x2190, 0x21FF), (0x2200, 0x22FF),
    (0x2300, 0x23FF), (0x2460, 0x24FF), (0x2500, 0x25FF), (0x2600, 0x26FF), (0x2700, 0x27BF),
    (0x3000, 0x303F), (0x3040, 0x30FF), (0x3100, 0x312F), (0x3200, 0x33FF), (0xFE10, 0xFE1F),
    (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
)


def gb2312() -> set[int]:
    """Every character GB 2312 encodes, read off Python's own codec."""
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def wanted_codepoints() -> set[int]:
    points = gb2312()
    for first, last in RANGES:
        points.update(range(first, last + 1))
    return points


def download(into: Path) -> Path:
    subprocess.run(["apt-get", "download", *PACKAGES], cwd=into, check=True)
    for deb in into.glob("*.deb"):
        subprocess.run(["dpkg", "-x", str(deb), str(into / "x")], check=True)
    return into / "x"


def load_face(path: Path, face: str | None) -> TTFont:
    if face is None:
        return TTFont(path)
    for font in TTCollection(path).fonts:
        if font["name"].getDebugName(1) == face:  # family name; weight is in the file
            return font
    raise SystemExit(f"{path} holds no face named {face!r}")


def build(source_dir: Path) -> None:
    codepoints = wanted_codepoints()
    options = subset.Options()
    options.layout_features = ["*"]  # keep vert, locl, kern, halt...: Pango shapes with them
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    for out_name, file_name, face in FACES:
        found = sorted(source_dir.rglob(file_name))
        if not found:
            raise SystemExit(f"{file_name} not found under {source_dir}")
        font = load_face(found[0], face)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints & set(font.getBestCmap()))
        subsetter.subset(font)
        font.save(HERE / out_name)
        print(f"{out_name}: {len(font.getBestCmap())} characters, "
              f"{(HERE / out_name).stat().st_size / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path,
                        help="folder holding extracted .ttc/.ttf files (default: download)")
    args = parser.parse_args()
    if args.source:
        build(args.source)
        return
    with tempfile.TemporaryDirectory() as tmp:
        build(download(Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
