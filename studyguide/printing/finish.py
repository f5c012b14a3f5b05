"""The PDF work after layout: metadata, language, and how viewers should print the file."""

from __future__ import annotations

import io
import re

from ..fonts import Fonts


# how a file should be printed → the viewer preference that asks for it
DUPLEX = {"long": "/DuplexFlipLongEdge", "short": "/DuplexFlipShortEdge", "one": "/Simplex"}


def preferences(pdf, duplex: str) -> None:
    """How viewers should print: duplex with the right flip (or one-sided), and at 100 % so that
    cards keep their size and line up with their backs."""
    import pikepdf

    pdf.Root.ViewerPreferences = pikepdf.Dictionary(Duplex=pikepdf.Name(duplex), PrintScaling=pikepdf.Name("/None"))


def finish_sheets(pdfs: list[bytes], files: dict[str, tuple[list[int], str]], info: dict[str, str], language: str,
                  fonts: Fonts | None = None,
                  overlay: tuple[dict[str, bytes], tuple[str, ...], tuple[bytes, ...]] | None = None
                  ) -> dict[str, bytes]:
    """Sheets rendered in pieces, joined in order (with pikepdf, as the workbook's pieces are: see
    assemble.py), then made into files: name → (the joined pages it holds, 0-based and in order;
    how it is printed: a `long` or `short` flip, or on `one` side). The output names the files
    and chooses their pages; this only joins, draws the `overlay` (the cut guides: see
    `draw_over`), sets the viewer preferences, and saves.
    """
    import pikepdf

    from .assemble import save, unify_fonts

    joined = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(pdf)) for pdf in pdfs]  # open until saved
    for source in sources:
        joined.pages.extend(source.pages)
    if overlay is not None:
        draw_over(joined, *overlay)
    if len(pdfs) > 1 and fonts is not None:
        unify_fonts(joined, fonts)  # one copy of each face, not one per piece
    result = {}
    pages = list(joined.pages)  # pages[i] on pikepdf's list walks the page tree every time
    for name, (order, sides) in files.items():
        if list(order) == list(range(len(pages))):
            part = joined  # every page in order: the joined document itself, not a copy
        else:
            part = pikepdf.new()
            for index in order:
                part.pages.append(pages[index])
        preferences(part, DUPLEX[sides])
        result[name] = save(part, info, language)
    return result


def draw_over(document, drawings: dict[str, bytes], page_kinds: tuple[str, ...], own: tuple[bytes, ...] = ()) -> None:
    """Each page of `document` with its `own` drawing, if any, and then the drawing of its kind
    (`page_kinds`: the kind of each page) drawn over it: PDF drawing operators in the page's own
    space, in form XObjects (one per kind whatever the number of sheets) under fixed names, so
    that the same sheets always make the same bytes."""
    import pikepdf

    pages = list(document.pages)
    if len(page_kinds) != len(pages) or (own and len(own) != len(pages)):
        raise ValueError(f"{len(pages)} pages, {len(page_kinds)} kinds of page and {len(own)} drawings")
    forms: dict[str, pikepdf.Object] = {}
    before = document.make_stream(b"q\n")  # the page's own drawing, in a state of its own

    def form(data: bytes, box) -> pikepdf.Object:
        return document.make_stream(data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                                    BBox=[float(value) for value in box], Resources=pikepdf.Dictionary())

    for number, (page, kind) in enumerate(zip(pages, page_kinds)):
        drawn = []
        if own and own[number]:
            drawn.append(("/SGOwn", form(own[number], page.mediabox)))
        if kind in drawings:
            if kind not in forms:
                forms[kind] = form(drawings[kind], page.mediabox)
            drawn.append(("/SGKind", forms[kind]))
        if not drawn:
            continue
        # the page's own copies: pages may share their resources, and each kind has its drawing
        resources = pikepdf.Dictionary(dict((page.obj.get("/Resources") or pikepdf.Dictionary()).items()))
        xobjects = pikepdf.Dictionary(dict((resources.get("/XObject") or pikepdf.Dictionary()).items()))
        for name, drawing in drawn:
            if name in xobjects:
                raise ValueError(f"the page already has an XObject {name}")
            xobjects[name] = drawing
        resources.XObject = xobjects
        page.obj.Resources = resources
        page.contents_add(before, prepend=True)
        page.contents_add(document.make_stream(
            b"\nQ\n" + b"".join(f"q {name} Do Q\n".encode("ascii") for name, _ in drawn)), prepend=False)


def finish_calibration(pdf: bytes, info: dict[str, str], language: str, flip: str) -> bytes:
    import pikepdf

    from .assemble import save

    sheet = pikepdf.open(io.BytesIO(pdf))
    preferences(sheet, DUPLEX[flip])
    return save(sheet, info, language)


def _pdf_string(text: str) -> bytes:
    return b"<feff" + text.encode("utf-16-be").hex().encode() + b">"


def with_info(pdf: bytes, info: dict[str, str]) -> bytes:
    """The PDF with its document information replaced, as an incremental update appended to it.

    Rendered pieces are cached without dates (so an edit elsewhere does not change them); the
    dates are added here, at the end of the file, in microseconds. pypdf can do the same with
    `incremental=True`, but reads the whole document to do it.
    """
    tail = pdf.rindex(b"startxref")
    previous = int(pdf[tail + 9:].split()[0])
    head = pdf[previous:previous + 2048]
    if head.startswith(b"xref"):
        trailer = pdf[pdf.index(b"trailer", previous):tail]
        stream = False
    else:
        trailer = head[:head.index(b"stream")]
        stream = True
    size = int(re.search(rb"/Size\s+(\d+)", trailer).group(1))
    root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", trailer).group(1)
    identifier = re.search(rb"/ID\s*(\[[^\]]*\])", trailer)
    entries = b"".join(b"/" + key.encode() + b" " + _pdf_string(value) for key, value in info.items() if value)
    out = bytearray(pdf)
    if not out.endswith(b"\n"):
        out += b"\n"
    info_offset = len(out)
    out += b"%d 0 obj\n<<" % size + entries + b">>\nendobj\n"
    common = b"/Root " + root + b"/Info %d 0 R/Prev %d" % (size, previous)
    if identifier:
        common += b"/ID " + identifier.group(1)
    xref_offset = len(out)
    if stream:
        rows = bytes([1]) + info_offset.to_bytes(4, "big") + bytes(2)
        rows += bytes([1]) + xref_offset.to_bytes(4, "big") + bytes(2)
        out += (b"%d 0 obj\n<</Type /XRef/Index [%d 2]/W [1 4 2]/Size %d" % (size + 1, size, size + 2)
                + common + b"/Length %d>>\nstream\n" % len(rows) + rows + b"\nendstream\nendobj\n")
    else:
        out += b"xref\n%d 1\n%010d 00000 n \ntrailer\n<</Size %d" % (size, info_offset, size + 1) + common + b">>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def pdf_date(iso: str) -> str:
    """`2026-11-26T14:00:00Z` → `D:20261126140000Z`."""
    digits = re.sub(r"\D", "", iso)
    return f"D:{digits[:14]}Z"
