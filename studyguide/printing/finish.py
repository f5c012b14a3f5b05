"""The PDF work after layout: metadata, language, and how viewers should print the file."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from .. import __version__

CREATOR = f"studyguide {__version__}"


def _writer(pdf: bytes) -> PdfWriter:
    return PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))


def _metadata(writer: PdfWriter, meta, language: str) -> None:
    info = {"/Title": meta.title, "/Creator": CREATOR}
    if meta.author:
        info["/Author"] = meta.author
    if meta.subject:
        info["/Subject"] = meta.subject
    if meta.keywords:
        info["/Keywords"] = ", ".join(meta.keywords)
    writer.add_metadata(info)
    writer._root_object[NameObject("/Lang")] = TextStringObject(language)


def _bytes(writer: PdfWriter) -> bytes:
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def finish_workbook(pdf: bytes, meta, language: str) -> bytes:
    writer = _writer(pdf)
    _metadata(writer, meta, language)
    writer.page_mode = "/UseOutlines"  # open with the bookmarks showing
    return _bytes(writer)


def _viewer_preferences(writer: PdfWriter, duplex: str) -> None:
    """How viewers should print: duplex with the right flip (or one-sided), and at 100 % so that
    cards keep their size and line up with their backs."""
    preferences = writer.create_viewer_preferences()
    preferences.duplex = NameObject(duplex)
    preferences.print_scaling = NameObject("/None")


DUPLEX = {"long": "/DuplexFlipLongEdge", "short": "/DuplexFlipShortEdge"}


def finish_flashcards(pdfs: list[bytes], meta, language: str, flip: str, duplex: str = "printer",
                      fold: bool = False) -> dict[str, bytes]:
    """The flashcard files from the sheets' renders, joined in order.

    `duplex == "manual"` gives two files to print one after the other: the fronts, and the backs
    in the order `layout.flashcards.manual_order` gives. Folded sheets are printed on one side.
    """
    from ..layout.flashcards import manual_order

    writer = _writer(pdfs[0])
    for more in pdfs[1:]:
        writer.append(PdfReader(io.BytesIO(more)))
    if fold or duplex != "manual":
        _metadata(writer, meta, language)
        _viewer_preferences(writer, "/Simplex" if fold else DUPLEX[flip])
        return {"flashcards.pdf": _bytes(writer)}
    files = {}
    for name, order in zip(("flashcards-fronts.pdf", "flashcards-backs.pdf"), manual_order(len(writer.pages))):
        part = PdfWriter()
        for index in order:
            part.add_page(writer.pages[index])
        _metadata(part, meta, language)
        _viewer_preferences(part, "/Simplex")
        files[name] = _bytes(part)
    return files


def finish_calibration(pdf: bytes, meta, language: str, flip: str) -> bytes:
    writer = _writer(pdf)
    _metadata(writer, meta, language)
    _viewer_preferences(writer, DUPLEX[flip])
    return _bytes(writer)
