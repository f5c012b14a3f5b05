"""printing/finish.py: rendered sheets joined into the files an output asks for, each with the
viewer preferences it needs; document information added to a PDF without rewriting it."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pypdf import PdfReader

from studyguide.placed import FILE_NAME, MANUAL_NAMES, file_pages
from studyguide.printing.finish import finish_calibration, finish_sheets, pdf_date, with_info


def _pdf(widths: list[int], object_streams: bool = True) -> bytes:
    """Blank pages told apart by their width in points."""
    pdf = pikepdf.new()
    for width in widths:
        pdf.add_blank_page(page_size=(width, 200))
    out = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    pdf.save(out, object_stream_mode=mode)
    return out.getvalue()


def _widths(data: bytes) -> list[int]:
    return [round(float(page.mediabox.width)) for page in PdfReader(io.BytesIO(data)).pages]


def _viewer(data: bytes) -> dict:
    return dict(PdfReader(io.BytesIO(data)).trailer["/Root"]["/ViewerPreferences"])


def test_pieces_are_joined_in_order_and_cut_into_the_files_asked_for():
    pieces = [_pdf([101, 102]), _pdf([103, 104])]
    files = finish_sheets(pieces, {"all.pdf": ([0, 1, 2, 3], "long"), "backs.pdf": ([3, 1], "one"),
                                   "short.pdf": ([0, 2], "short")},
                          {"Title": "Graphs", "Author": ""}, "zh-CN")
    assert sorted(files) == ["all.pdf", "backs.pdf", "short.pdf"]
    assert _widths(files["all.pdf"]) == [101, 102, 103, 104]
    assert _widths(files["backs.pdf"]) == [104, 102]
    assert _widths(files["short.pdf"]) == [101, 103]
    assert _viewer(files["all.pdf"]) == {"/Duplex": "/DuplexFlipLongEdge", "/PrintScaling": "/None"}
    assert _viewer(files["backs.pdf"]) == {"/Duplex": "/Simplex", "/PrintScaling": "/None"}
    assert _viewer(files["short.pdf"])["/Duplex"] == "/DuplexFlipShortEdge"
    reader = PdfReader(io.BytesIO(files["backs.pdf"]))
    assert reader.metadata.title == "Graphs" and "/Author" not in reader.metadata  # empty values are left out
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_the_same_sheets_make_the_same_bytes():
    pieces = [_pdf([120, 130, 140])]
    plan = {"one.pdf": ([0, 1, 2], "short")}
    assert finish_sheets(pieces, plan, {"Title": "t"}, "en") == finish_sheets(pieces, plan, {"Title": "t"}, "en")


def test_the_flashcards_output_names_its_files_and_their_pages():
    class Options:
        def __init__(self, duplex: str, flip: str) -> None:
            self.duplex, self.flip = duplex, flip

    assert file_pages(Options("printer", "short"), False, 4) == {FILE_NAME: ([0, 1, 2, 3], "short")}
    assert file_pages(Options("manual", "long"), True, 3) == {FILE_NAME: ([0, 1, 2], "one")}  # folded: one side
    # by hand: the fronts in order, then the backs last sheet first, each file printed on one side
    assert file_pages(Options("manual", "long"), False, 6) == {MANUAL_NAMES[0]: ([0, 2, 4], "one"),
                                                               MANUAL_NAMES[1]: ([5, 3, 1], "one")}


def test_the_calibration_sheet_asks_for_its_flip_and_no_scaling():
    data = finish_calibration(_pdf([595, 595]), {"Title": "Calibration"}, "en", "short")
    assert _widths(data) == [595, 595]
    assert _viewer(data) == {"/Duplex": "/DuplexFlipShortEdge", "/PrintScaling": "/None"}
    assert PdfReader(io.BytesIO(data)).metadata.title == "Calibration"


@pytest.mark.parametrize("object_streams", [True, False], ids=["xref-stream", "xref-table"])
def test_document_information_is_appended_and_the_file_before_it_kept(object_streams):
    original = _pdf([100, 200, 300], object_streams)
    updated = with_info(original, {"Title": "第 3 章 · Graphs", "CreationDate": "D:20261126140000Z", "Subject": ""})
    assert updated.startswith(original)  # an incremental update: nothing before it is rewritten
    reader = PdfReader(io.BytesIO(updated))
    assert reader.metadata.title == "第 3 章 · Graphs"
    assert reader.metadata["/CreationDate"] == "D:20261126140000Z"
    assert "/Subject" not in reader.metadata
    assert _widths(updated) == [100, 200, 300]
    with pikepdf.open(io.BytesIO(updated)) as pdf:  # qpdf finds the cross-reference sound
        assert pdf.check_pdf_syntax() == []
        assert str(pdf.docinfo["/Title"]) == "第 3 章 · Graphs"


def test_an_iso_date_becomes_a_pdf_date():
    assert pdf_date("2026-11-26T14:05:09Z") == "D:20261126140509Z"
