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


def finish_flashcards(pdf: bytes, meta, language: str, flip: str) -> bytes:
    """Ask viewers to print duplex with the matching flip, and at 100 % so cards keep their size."""
    writer = _writer(pdf)
    _metadata(writer, meta, language)
    preferences = writer.create_viewer_preferences()
    preferences.duplex = NameObject("/DuplexFlipLongEdge" if flip == "long" else "/DuplexFlipShortEdge")
    preferences.print_scaling = NameObject("/None")
    return _bytes(writer)
