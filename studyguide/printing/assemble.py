"""Joining separately rendered pieces of one document into a single PDF with pypdf.

Each piece is a complete PDF from its own WeasyPrint render. The join adds what no single piece
can know: page numbers counted over the whole document (stamped into each page's footer), the
bookmarks and internal links that cross from one piece into another, and the metadata.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from pypdf import PdfReader, PdfWriter
from pathlib import Path

from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject,
                           NumberObject, StreamObject, TextStringObject)
from pypdf.generic import Fit

from ..fonts import FACES
from .pool import Anchor, Rendered

STAMP_FONT = NameObject("/SGStamp")
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
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
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


def _widths(descendant) -> dict[int, float]:
    """Glyph code → advance in 1/1000 em, from a CIDFont's /W array."""
    widths: dict[int, float] = {}
    array = list(descendant.get("/W", []))
    i = 0
    while i < len(array):
        first = int(array[i])
        if isinstance(array[i + 1], list) or hasattr(array[i + 1], "__iter__"):
            for offset, width in enumerate(array[i + 1]):
                widths[first + offset] = float(width)
            i += 2
        else:
            last, width = int(array[i + 1]), float(array[i + 2])
            for code in range(first, last + 1):
                widths[code] = width
            i += 3
    return widths


class _Stamper:
    def __init__(self, writer: PdfWriter, footer: Footer) -> None:
        reader = PdfReader(io.BytesIO(footer.glyphs.pdf))
        fonts = reader.pages[0]["/Resources"]["/Font"]
        font = next(iter(fonts.values())).get_object()
        self.codes = _to_unicode(font)
        self.widths = _widths(font["/DescendantFonts"][0].get_object())
        self.font = font.clone(writer).indirect_reference
        self.footer = footer

    def stream(self, text: str, page_width: float) -> bytes:
        codes = b"".join(self.codes[ch] for ch in text)
        advance = sum(self.widths.get(int.from_bytes(self.codes[ch], "big"), 1000) for ch in text)
        size = self.footer.size_pt
        x = (page_width - advance / 1000 * size) / 2
        y = self.footer.baseline_from_bottom_pt
        gray = self.footer.gray
        return (f"q {gray:.3f} g BT {STAMP_FONT} {size:g} Tf {x:.3f} {y:.3f} Td <".encode()
                + codes.hex().encode() + b"> Tj ET Q\n")


def _wrap_contents(writer: PdfWriter, page, extra: bytes) -> None:
    """Append drawing to a page after its own, with the page's graphics state restored first."""
    contents = page.get("/Contents")
    existing = list(contents.get_object()) if isinstance(contents.get_object(), list) else [contents]
    parts = []
    for data in (b"q\n", None, b"\nQ\n" + extra):
        if data is None:
            parts += existing
            continue
        stream = DecodedStreamObject()
        stream.set_data(data)
        parts.append(writer._add_object(stream))
    page[NameObject("/Contents")] = ArrayObject(parts)


def _drop_internal_links(page) -> None:
    annotations = page.get("/Annots")
    if not annotations:
        return
    kept = ArrayObject(a for a in annotations.get_object()
                       if not (a.get_object().get("/Subtype") == "/Link" and "/Dest" in a.get_object()))
    page[NameObject("/Annots")] = kept


def _face_file(base_font: str) -> str | None:
    """The bundled file behind a PDF font name such as `/ABCDEF+SG-Serif-Bold`."""
    name = base_font.lstrip("/").split("+", 1)[-1]
    weight = 700 if name.endswith("-Bold") else 400
    family = name.removesuffix("-Bold").replace("-", " ")
    return next((face.file for face in FACES if face.family == family and face.weight == weight), None)


def unify_fonts(writer: PdfWriter, fonts: Path) -> None:
    """Give every piece's copy of a face one font program holding all the glyphs any piece uses.

    WeasyPrint subsets each render on its own but keeps the bundled fonts' glyph ids, so the
    pieces' glyph codes agree: one subset cut for the union of their glyphs serves them all,
    and the joined PDF carries each face once instead of once per piece.
    """
    import uharfbuzz as hb

    descriptors: dict[str, list] = {}
    glyphs: dict[str, set[int]] = {}
    for page in writer.pages:
        resources = page.get("/Resources")
        for ref in ((resources.get_object().get("/Font") or {}).values() if resources else ()):
            font = ref.get_object()
            file = _face_file(str(font.get("/BaseFont", "")))
            if file is None or "/DescendantFonts" not in font:
                continue
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            if not any(key in descriptor for key in ("/FontFile2", "/FontFile3")):
                continue
            descriptors.setdefault(file, []).append(descriptor)
            glyphs.setdefault(file, set()).update(_widths(descendant))
    for file, found in descriptors.items():
        face = hb.Face(hb.Blob.from_file_path(str(fonts / file)))
        request = hb.SubsetInput()
        for gid in glyphs[file] | {0}:
            request.glyph_set.add(gid)
        request.flags = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
                         | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_HINTING)
        for tag in UNUSED_TABLES:  # a PDF viewer draws glyphs by id: shaping tables are dead weight
            request.drop_table_tag_set.add(hb.ot_tag_from_string(tag) if hasattr(hb, "ot_tag_from_string")
                                           else int.from_bytes(tag.encode(), "big"))
        data = hb.subset(face, request).blob.data
        key = "/FontFile3" if "/FontFile3" in found[0] else "/FontFile2"
        stream = StreamObject()
        stream.set_data(data)
        if key == "/FontFile3":
            stream[NameObject("/Subtype")] = NameObject("/OpenType")
        else:
            stream[NameObject("/Length1")] = NumberObject(len(data))
        stream = stream.flate_encode()
        reference = writer._add_object(stream)
        for descriptor in found:
            descriptor[NameObject(key)] = reference


def join(pieces: list[Piece], metadata: dict[str, str], language: str, footer: Footer | None = None,
         fonts: Path | None = None) -> bytes:
    writer = PdfWriter()
    bases: list[int] = []
    for piece in pieces:
        reader = PdfReader(io.BytesIO(piece.rendered.pdf))
        width, height = piece.rendered.page_size_pt
        for _ in range(piece.blank_before):
            writer.add_blank_page(width, height)
        bases.append(len(writer.pages))
        for page in reader.pages:
            _drop_internal_links(writer.add_page(page))
    pages = writer.pages
    heights = [float(page.mediabox.height) for page in pages]

    # every id, at its first place in the whole document
    anchors: dict[str, tuple[int, Anchor]] = {}
    for piece, base in zip(pieces, bases):
        for name, anchor in piece.rendered.anchors.items():
            anchors.setdefault(name, (base + anchor.page, anchor))

    def destination(name: str) -> ArrayObject | None:
        if name not in anchors:
            return None
        number, anchor = anchors[name]
        return ArrayObject([pages[number].indirect_reference, NameObject("/XYZ"), FloatObject(anchor.x_pt),
                            FloatObject(heights[number] - anchor.y_pt), NumberObject(0)])

    # named destinations, as WeasyPrint writes them for a single document: links refer to the names
    names = ArrayObject()
    for name in sorted(anchors):
        names += [TextStringObject(name), destination(name)]
    writer._root_object[NameObject("/Names")] = DictionaryObject({
        NameObject("/Dests"): writer._add_object(DictionaryObject({NameObject("/Names"): names}))})

    for piece, base in zip(pieces, bases):
        for link in piece.rendered.links:
            if link.target not in anchors:
                continue
            number = base + link.page
            top = heights[number] - link.y_pt
            annotation = DictionaryObject({
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([FloatObject(link.x_pt), FloatObject(top - link.height_pt),
                                                  FloatObject(link.x_pt + link.width_pt), FloatObject(top)]),
                NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
                NameObject("/Dest"): TextStringObject(link.target),
            })
            page = pages[number]
            if "/Annots" not in page:
                page[NameObject("/Annots")] = ArrayObject()
            page["/Annots"].append(writer._add_object(annotation))

    # bookmarks, nested by level across pieces: a level-2 entry belongs to the last level-1 one
    parents: list = [None]
    for piece, base in zip(pieces, bases):
        for mark in piece.rendered.bookmarks:
            number = base + mark.page
            level = max(1, min(mark.level, len(parents)))
            parent = parents[level - 1]
            item = writer.add_outline_item(title=mark.label, page_number=number, parent=parent,
                                           fit=Fit.xyz(mark.x_pt, heights[number] - mark.y_pt, 0))
            parents = parents[:level] + [item]

    if footer is not None:
        stamper = _Stamper(writer, footer)
        total = len(pages)
        blank = {bases[i] - k - 1 for i, piece in enumerate(pieces) for k in range(piece.blank_before)}
        for number, page in enumerate(pages):
            if number in footer.skip or number in blank:
                continue
            text = footer.pattern.format(page=number + 1, pages=total)
            _wrap_contents(writer, page, stamper.stream(text, float(page.mediabox.width)))
            resources = page["/Resources"].get_object()
            if "/Font" not in resources:
                resources[NameObject("/Font")] = DictionaryObject()
            resources["/Font"].get_object()[STAMP_FONT] = stamper.font

    if fonts is not None:
        unify_fonts(writer, fonts)
    writer.add_metadata({key: value for key, value in metadata.items() if value})
    writer._root_object[NameObject("/Lang")] = TextStringObject(language)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
