"""Imposition: pages of one PDF placed on the sheets of another, in the order printing needs."""

from __future__ import annotations

import io


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
    from pypdf import PdfReader, PdfWriter, Transformation  # only a booklet needs it: loading it takes time
    from pypdf.generic import NameObject

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
