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


def booklet(pdf: bytes, metadata: dict[str, str], language: str) -> bytes:
    """A5 pages imposed two-up on A4 landscape sheets, padded with blank pages to a multiple of 4.

    Print it duplex with a short-edge flip (the viewer is asked to), fold the stack in the
    middle and staple along the fold. Each page is drawn whole, as a form, at its own size.
    """
    import pikepdf

    from .assemble import save
    from .finish import DUPLEX, preferences

    source = pikepdf.open(io.BytesIO(pdf))
    pages = list(source.pages)
    box = pages[0].mediabox
    page_width, page_height = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
    sheet_width, sheet_height = A4_LANDSCAPE_PT
    half = sheet_width / 2
    x_offset = (half - page_width) / 2  # A5 is 0.5 mm narrower than half an A4
    y_offset = (sheet_height - page_height) / 2
    imposed = pikepdf.new()
    for left, right in booklet_order(len(pages) + -len(pages) % 4):
        forms, drawing = pikepdf.Dictionary(), []
        for index, x in ((left, x_offset), (right, half + x_offset)):
            if index < len(pages):
                name = f"/Page{index + 1}"  # named by hand: pikepdf's overlays take random names
                forms[name] = imposed.copy_foreign(pages[index].as_form_xobject())
                drawing.append(f"q 1 0 0 1 {x:.4f} {y_offset:.4f} cm {name} Do Q")
        imposed.add_blank_page(page_size=(sheet_width, sheet_height))
        sheet = imposed.pages[-1]
        sheet.Resources = pikepdf.Dictionary(XObject=forms)
        sheet.Contents = imposed.make_stream("\n".join(drawing).encode())
    preferences(imposed, DUPLEX["short"])
    return save(imposed, metadata, language)
