"""Joining separately rendered pieces of one document into a single PDF.

Each piece is a complete PDF from its own WeasyPrint render. The join adds what no single piece
can know: page numbers counted over the whole document (stamped into each page's footer), the
bookmarks, named destinations and internal links that cross from one piece into another, one
copy of each font, and the metadata.

The join uses pikepdf (qpdf): pypdf's Python parser takes about 12 ms a page to read
WeasyPrint's object streams, which for a guide of ten thousand cards (some 7,000 pages across
its outputs) would take minutes; qpdf reads and writes them more than ten times faster.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, String

from ..fonts import Fonts
from .pool import Anchor, Rendered

STAMP_FONT = Name("/SGStamp")
# Tables a PDF viewer never reads: it draws glyphs by id, without shaping.
UNUSED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ",
                 "VORG", "vhea", "vmtx", "GDEF", "kern")


@dataclass
class Piece:
    rendered: Rendered
    blank_before: int = 0  # blank pages to put in front of it (so it starts on a right-hand page)


@dataclass
class Footer:
    """Page numbers to stamp: `pattern` has {page} and {pages}; `skip` holds 0-based pages left bare."""

    pattern: str
    glyphs: Rendered  # a tiny render holding every character the pattern can need, in the footer's font
    size_pt: float = 8.0
    gray: float = 0.467
    baseline_from_bottom_pt: float = 36.0
    skip: set[int] = field(default_factory=set)


def _to_unicode(font) -> dict[str, bytes]:
    """Character → glyph code, read back from a font's ToUnicode CMap."""
    data = bytes(font.ToUnicode.read_bytes()).decode("latin-1")
    mapping: dict[str, bytes] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping.setdefault(bytes.fromhex(text).decode("utf-16-be"), bytes.fromhex(code))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for start, end, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            for offset in range(int(end, 16) - int(start, 16) + 1):
                code = (int(start, 16) + offset).to_bytes(len(start) // 2, "big")
                mapping.setdefault(chr(int(text, 16) + offset), code)
    return mapping


_W_TOKEN = re.compile(rb"\[|\]|[-+]?(?:\d+\.?\d*|\.\d+)(?![\w.])|\S+")
_W_NUMBER = re.compile(rb"[-+]?(?:\d+\.?\d*|\.\d+)")


def _widths(descendant) -> dict[int, float]:
    """Glyph code → advance in 1/1000 em, from a CIDFont's /W array.

    Read from the array's text: walking it as pikepdf objects cost a joined edition a tenth of a
    second (a CJK face has thousands of entries). An array that is not all numbers and brackets
    (an object it points to, `null`) is walked as objects."""
    array = descendant.get(Name.W)
    if array is None:
        return {}
    tokens = _W_TOKEN.findall(array.unparse(resolved=True))
    if tokens[:1] != [b"["] or tokens[-1:] != [b"]"] or \
            not all(token in (b"[", b"]") or _W_NUMBER.fullmatch(token) for token in tokens):
        return _walked_widths(array)
    widths: dict[int, float] = {}
    i, end = 1, len(tokens) - 1
    while i < end:
        first = int(float(tokens[i]))
        if tokens[i + 1] == b"[":
            j = i + 2
            while tokens[j] != b"]":
                widths[first + j - i - 2] = float(tokens[j])
                j += 1
            i = j + 1
        else:
            last, width = int(float(tokens[i + 1])), float(tokens[i + 2])
            for code in range(first, last + 1):
                widths[code] = width
            i += 3
    return widths


def _walked_widths(array) -> dict[int, float]:
    widths: dict[int, float] = {}
    items = list(array)
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], Array):
            for offset, width in enumerate(items[i + 1]):
                widths[first + offset] = float(width)
            i += 2
        else:
            last, width = int(items[i + 1]), float(items[i + 2])
            for code in range(first, last + 1):
                widths[code] = width
            i += 3
    return widths


class _Stamper:
    """Footer text drawn in the font of a tiny render that holds all the characters it needs."""

    def __init__(self, pdf: pikepdf.Pdf, footer: Footer) -> None:
        self.source = pikepdf.open(io.BytesIO(footer.glyphs.pdf))
        fonts = self.source.pages[0].Resources.Font
        font = fonts[next(iter(fonts.keys()))]
        self.codes = _to_unicode(font)
        self.widths = _widths(font.DescendantFonts[0])
        self.font = pdf.copy_foreign(font)
        self.footer = footer

    def stream(self, text: str, page_width: float) -> bytes:
        codes = b"".join(self.codes[ch] for ch in text)
        advance = sum(self.widths.get(int.from_bytes(self.codes[ch], "big"), 1000) for ch in text)
        size = self.footer.size_pt
        x = (page_width - advance / 1000 * size) / 2
        y = self.footer.baseline_from_bottom_pt
        return (f"q {self.footer.gray:.3f} g BT {STAMP_FONT} {size:g} Tf {x:.3f} {y:.3f} Td <".encode()
                + codes.hex().encode() + b"> Tj ET Q\n")


def _face_file(base_font: str, fonts: Fonts) -> Path | None:
    """The file behind a PDF font name such as `/ABCDEF+SG-Serif-JP-Bold`."""
    name = base_font.lstrip("/").split("+", 1)[-1]
    weight = 700 if name.endswith("-Bold") else 400
    family = name.removesuffix("-Bold").replace("-", " ")
    return fonts.file_of(family, weight)


@functools.lru_cache(maxsize=16)
def _subset(file: str, size: int, mtime_ns: int, glyphs: frozenset[int]) -> bytes:
    """The face in `file` cut to `glyphs`, keeping their ids; remembered by the file's size and
    time and the glyphs, since `watch` joins the same editions with the same glyphs save after save."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(file))
    request = hb.SubsetInput()
    for gid in glyphs:
        request.glyph_set.add(gid)
    request.flags = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
                     | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_HINTING)
    for tag in UNUSED_TABLES:
        request.drop_table_tag_set.add(int.from_bytes(tag.encode(), "big"))
    return hb.subset(face, request).blob.data


def unify_fonts(pdf: pikepdf.Pdf, fonts: Fonts) -> None:
    """Give every piece's copy of a face one font program holding all the glyphs any piece uses.

    WeasyPrint subsets each render on its own but keeps the bundled fonts' glyph ids, so the
    pieces' glyph codes agree: one subset cut for the union of their glyphs serves them all,
    and the joined PDF carries each face once instead of once per piece.
    """
    descriptors: dict[Path, list] = {}
    glyphs: dict[Path, set[int]] = {}
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        resources = page.obj.get(Name.Resources)
        font_dict = resources.get(Name.Font) if resources is not None else None
        for key in (font_dict.keys() if font_dict is not None else ()):
            font = font_dict[key]
            if font.objgen in seen or Name.DescendantFonts not in font:
                continue
            seen.add(font.objgen)
            file = _face_file(str(font.get(Name.BaseFont, "")), fonts)
            descendant = font.DescendantFonts[0]
            descriptor = descendant.get(Name.FontDescriptor)
            if file is None or descriptor is None or not any(k in descriptor for k in ("/FontFile2", "/FontFile3")):
                continue
            descriptors.setdefault(file, []).append(descriptor)
            glyphs.setdefault(file, set()).update(_widths(descendant))
    for file, found in descriptors.items():
        try:
            stat = file.stat()
        except OSError:
            continue  # a face gone since it was rendered: its pieces keep their own programs
        data = _subset(str(file), stat.st_size, stat.st_mtime_ns, frozenset(glyphs[file] | {0}))
        key = Name.FontFile3 if Name.FontFile3 in found[0] else Name.FontFile2
        stream = pikepdf.Stream(pdf, data)
        if key == Name.FontFile3:  # a CFF-flavoured OpenType font program
            stream[Name.Subtype] = Name.OpenType
        else:
            stream[Name.Length1] = len(data)
        for descriptor in found:
            descriptor[key] = stream


def _drop_internal_links(page) -> None:
    annotations = page.obj.get(Name.Annots)
    if annotations is None:
        return
    kept = [a for a in annotations if not (a.get(Name.Subtype) == Name.Link and Name.Dest in a)]
    page.obj.Annots = pikepdf.Array(kept)


def join(pieces: list[Piece], metadata: dict[str, str], language: str, footer: Footer | None = None,
         fonts: Fonts | None = None) -> bytes:
    pdf = pikepdf.new()
    sources = []  # kept open until the joined file is saved
    bases: list[int] = []
    for piece in pieces:
        source = pikepdf.open(io.BytesIO(piece.rendered.pdf))
        sources.append(source)
        width, height = piece.rendered.page_size_pt
        for _ in range(piece.blank_before):
            pdf.add_blank_page(page_size=(width, height))
        bases.append(len(pdf.pages))
        pdf.pages.extend(source.pages)
    pages = pdf.pages
    for page in pages:
        _drop_internal_links(page)
    heights = [float(page.mediabox[3]) for page in pages]
    # page objects by number: pikepdf's pages[i] walks the page tree each time (a tenth of a
    # millisecond per call on 2,000 pages), which made joining 11,300 cards take half a minute
    objects = [page.obj for page in pages]

    # every id, at its first place in the whole document
    anchors: dict[str, tuple[int, Anchor]] = {}
    for piece, base in zip(pieces, bases):
        for name, anchor in piece.rendered.anchors.items():
            anchors.setdefault(name, (base + anchor.page, anchor))

    # named destinations, as WeasyPrint writes them for a single document: links refer to the names
    names = []
    for name in sorted(anchors):
        number, anchor = anchors[name]
        names += [String(name), Array([objects[number], Name.XYZ, anchor.x_pt, heights[number] - anchor.y_pt, 0])]
    pdf.Root.Names = Dictionary(Dests=pdf.make_indirect(Dictionary(Names=Array(names))))

    for piece, base in zip(pieces, bases):
        for link in piece.rendered.links:
            if link.target not in anchors:
                continue
            number = base + link.page
            top = heights[number] - link.y_pt
            annotation = pdf.make_indirect(Dictionary(
                Type=Name.Annot, Subtype=Name.Link, Border=Array([0, 0, 0]), Dest=String(link.target),
                Rect=Array([link.x_pt, top - link.height_pt, link.x_pt + link.width_pt, top])))
            page = objects[number]
            if Name.Annots not in page:
                page.Annots = Array()
            page.Annots.append(annotation)

    # bookmarks, nested by level across pieces: a level-2 entry belongs to the last level-1 one
    with pdf.open_outline() as outline:
        outline.root.clear()
        parents: list = [None]
        for piece, base in zip(pieces, bases):
            for mark in piece.rendered.bookmarks:
                number = base + mark.page
                level = max(1, min(mark.level, len(parents)))
                item = OutlineItem(mark.label, Array([objects[number], Name.XYZ, mark.x_pt,
                                                      heights[number] - mark.y_pt, 0]))
                (outline.root if parents[level - 1] is None else parents[level - 1].children).append(item)
                parents = parents[:level] + [item]

    if footer is not None:
        stamper = _Stamper(pdf, footer)
        total = len(pages)
        blank = {bases[i] - k - 1 for i, piece in enumerate(pieces) for k in range(piece.blank_before)}
        for number, page in enumerate(pages):
            if number in footer.skip or number in blank:
                continue
            text = footer.pattern.format(page=number + 1, pages=total)
            page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, b"\nQ\n" + stamper.stream(text, float(page.mediabox[2]))))
            resources = page.obj.Resources
            if Name.Font not in resources:
                resources.Font = Dictionary()
            resources.Font[STAMP_FONT] = stamper.font

    if fonts is not None:
        unify_fonts(pdf, fonts)
    return save(pdf, metadata, language)


def save(pdf: pikepdf.Pdf, metadata: dict[str, str], language: str) -> bytes:
    """The PDF with its document information and language, compact and the same from run to run."""
    for key in list(pdf.docinfo.keys()):
        del pdf.docinfo[key]
    for key, value in metadata.items():
        if value:
            pdf.docinfo[Name("/" + key.lstrip("/"))] = String(value)
    pdf.Root.Lang = String(language)
    out = io.BytesIO()
    # qpdf writes only the objects the document reaches, so fonts that were replaced go; pruning
    # each page's resources as well (remove_unreferenced_resources) took a second for 300 pages
    # and made the file larger, as pages that shared a resource dictionary got one each
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             deterministic_id=True)
    return out.getvalue()
