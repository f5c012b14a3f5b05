"""Imposition: pages of one PDF placed on the sheets of another, in the order printing needs."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import NameObject

A4_LANDSCAPE_PT = (841.8898, 595.2756)


def booklet_order(pages: int) -> list[tuple[int, int]]:
    """(left, right) page indices (0-based, `None`-free) for each sheet side of a saddle-stitched booklet.

    `pages` must be a multiple of 4. Sheet k's front carries the last-but-2k page on the left and
    page 2k on the right; its back carries page 2k+1 on the left and the one before the front's
    left page on the right. Folded and nested, the sheets read 1, 2, 3, … in order.
    """
    assert pages % 4 == 0
    order = []
    for sheet in range(pages // 4):
        order.append((pages - 1 - 2 * sheet, 2 * sheet))
        order.append((2 * sheet + 1, pages - 2 - 2 * sheet))
    return order


def booklet(pdf: bytes, metadata: dict | None = None) -> bytes:
    """A5 pages imposed two-up on A4 landscape sheets, padded with blank pages to a multiple of 4.

    Print it duplex with a short-edge flip (the viewer is asked to), fold the stack in the
    middle and staple along the fold.
    """
    reader = PdfReader(io.BytesIO(pdf))
    sources = list(reader.pages)
    page_width = float(sources[0].mediabox.width)
    page_height = float(sources[0].mediabox.height)
    padded = -len(sources) % 4
    sheet_width, sheet_height = A4_LANDSCAPE_PT
    half = sheet_width / 2
    x_offset = (half - page_width) / 2  # A5 is 0.5 mm narrower than half an A4
    y_offset = (sheet_height - page_height) / 2
    writer = PdfWriter()
    for left, right in booklet_order(len(sources) + padded):
        sheet = writer.add_blank_page(sheet_width, sheet_height)
        for index, x in ((left, x_offset), (right, half + x_offset)):
            if index < len(sources):
                sheet.merge_transformed_page(sources[index], Transformation().translate(x, y_offset))
    if metadata:
        writer.add_metadata(metadata)
    preferences = writer.create_viewer_preferences()
    preferences.duplex = NameObject("/DuplexFlipShortEdge")
    preferences.print_scaling = NameObject("/None")
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PT_PER_MM = 72 / 25.4


def _grey(colour: str) -> str:
    """`#9a9a9a` → the PDF operands of that colour, `0.604 0.604 0.604`."""
    return " ".join(f"{int(colour[i:i + 2], 16) / 255:.3f}" for i in (1, 3, 5))


def face_forms(pdf, sources) -> list:
    """Every page of `sources` (pikepdf.Pdf renders of card faces, one a page), in order, as a form
    XObject of `pdf`. The faces never enter `pdf`'s page tree: removing pages from it costs time
    that grows with the square of their number."""
    return [pdf.copy_foreign(source.make_indirect(page.as_form_xobject()))
            for source in sources for page in source.pages]


def impose_faces(pdf, forms: list, sides, paper_mm: tuple[float, float], line_pt: float, colour: str,
                 cut_dash_mm: tuple[float, ...], fold_dash_mm: tuple[float, ...]) -> None:
    """Add to `pdf` the sheets `sides` describes (layout.flashcards.SheetSide), each face (one of
    `forms`) placed where it goes, and the cut guides drawn over them as lines. No text is laid
    out here: a face drawn this way keeps its text, fonts and glyph positions as rendered."""
    from pikepdf import Dictionary

    width, height = paper_mm[0] * PT_PER_MM, paper_mm[1] * PT_PER_MM
    stroke = f"{_grey(colour)} RG {line_pt:.3f} w\n".encode()
    for side in sides:
        ops, objects = [], Dictionary()
        for number, (page, rect) in enumerate(side.faces):
            name = f"/F{number}"
            objects[name] = forms[page]
            x, y = rect.x_mm * PT_PER_MM, height - (rect.y_mm + rect.height_mm) * PT_PER_MM
            ops.append(f"q 1 0 0 1 {x:.3f} {y:.3f} cm {name} Do Q\n".encode())
        if side.lines:
            ops.append(b"q " + stroke)
            for line in side.lines:
                dash = fold_dash_mm if line.kind == "fold" else cut_dash_mm
                ops.append(("[" + " ".join(f"{d * PT_PER_MM:.3f}" for d in dash) + "] 0 d "
                            f"{line.x1_mm * PT_PER_MM:.3f} {height - line.y1_mm * PT_PER_MM:.3f} m "
                            f"{line.x2_mm * PT_PER_MM:.3f} {height - line.y2_mm * PT_PER_MM:.3f} l S\n").encode())
            ops.append(b"Q\n")
        sheet = pdf.add_blank_page(page_size=(width, height))
        sheet.obj.Resources = Dictionary(XObject=objects)
        sheet.obj.Contents = pdf.make_stream(b"".join(ops))
