"""printing/assemble.py: separately rendered pieces joined into one PDF, with what no piece could
know alone: blank pages to start a piece on the right, named destinations, links and bookmarks
that cross pieces, and the document's information."""

from __future__ import annotations

import io

import pikepdf
from pypdf import PdfReader

from studyguide.printing.assemble import Piece, join, save
from studyguide.printing.pool import Anchor, Bookmark, Link, Rendered

HEIGHT = 400.0


def _rendered(key: str, widths: list[int], **found) -> Rendered:
    """A render of blank pages told apart by their width, with a link inside it of its own (as
    WeasyPrint writes one) that the join must replace."""
    pdf = pikepdf.new()
    for width in widths:
        pdf.add_blank_page(page_size=(width, HEIGHT))
    pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Dest=pikepdf.String("own"), Rect=[0, 0, 5, 5]))])
    out = io.BytesIO()
    pdf.save(out)
    return Rendered(key, out.getvalue(), len(widths), page_size_pt=(float(widths[0]), HEIGHT), **found)


def _page_of(reader: PdfReader, reference) -> int:
    return [page.indirect_reference.idnum for page in reader.pages].index(reference.idnum)


def test_pieces_join_in_order_with_blank_pages_before_a_piece():
    first = _rendered("a", [301, 302, 303])
    second = _rendered("b", [401])
    reader = PdfReader(io.BytesIO(join([Piece(first), Piece(second, blank_before=1)], {"Title": "Handout"}, "en")))
    # the blank page takes the size of the piece it stands before
    assert [round(float(page.mediabox.width)) for page in reader.pages] == [301, 302, 303, 401, 401]
    blank = reader.pages[3].get_contents()
    assert blank is None or blank.get_data().strip() == b""
    assert reader.metadata.title == "Handout" and reader.trailer["/Root"]["/Lang"] == "en"


def test_links_and_destinations_cross_pieces_and_the_first_id_wins():
    questions = _rendered("q", [300, 300], links=(Link(1, "answer-2", 50.0, 100.0, 80.0, 12.0),
                                                  Link(0, "nowhere", 10.0, 10.0, 5.0, 5.0)),
                          anchors={"question-2": Anchor(1, 40.0, 90.0, 200.0, 110.0)})
    answers = _rendered("a", [300], anchors={"answer-2": Anchor(0, 30.0, 60.0, 200.0, 80.0),
                                             "question-2": Anchor(0, 0.0, 0.0, 1.0, 1.0)})
    reader = PdfReader(io.BytesIO(join([Piece(questions), Piece(answers)], {}, "zh-CN")))
    names = reader.trailer["/Root"]["/Names"]["/Dests"].get_object()["/Names"]
    dests = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
    assert sorted(dests) == ["answer-2", "question-2"]
    assert _page_of(reader, dests["answer-2"][0]) == 2 and float(dests["answer-2"][3]) == HEIGHT - 60.0
    assert _page_of(reader, dests["question-2"][0]) == 1  # the first place an id appears
    links = [annotation.get_object() for page in reader.pages for annotation in page.get("/Annots", [])]
    # the pieces' own links are gone; the one to a known id is back, in PDF coordinates
    assert len(links) == 1
    assert links[0]["/Dest"] == "answer-2"
    assert [float(v) for v in links[0]["/Rect"]] == [50.0, HEIGHT - 112.0, 130.0, HEIGHT - 100.0]
    assert links[0] is reader.pages[1]["/Annots"][0].get_object()


def test_bookmarks_nest_across_pieces():
    first = _rendered("a", [300, 300], bookmarks=(Bookmark(0, 1, "第一章", 0, 0), Bookmark(1, 2, "1.1", 0, 20)))
    second = _rendered("b", [300], bookmarks=(Bookmark(0, 2, "1.2", 0, 0), Bookmark(0, 1, "第二章", 0, 200)))
    reader = PdfReader(io.BytesIO(join([Piece(first), Piece(second)], {}, "zh-CN")))
    outline = reader.outline
    assert [item.title for item in outline if not isinstance(item, list)] == ["第一章", "第二章"]
    children = outline[1]
    assert isinstance(children, list) and [item.title for item in children] == ["1.1", "1.2"]
    assert reader.get_destination_page_number(children[1]) == 2


def test_saving_replaces_the_information_and_gives_the_same_bytes_each_time():
    pdf = pikepdf.open(io.BytesIO(_rendered("a", [300]).pdf))
    pdf.docinfo[pikepdf.Name("/Producer")] = pikepdf.String("someone else")
    once = save(pdf, {"Title": "Quiz", "Subject": ""}, "ko")
    assert once == save(pdf, {"Title": "Quiz", "Subject": ""}, "ko")
    reader = PdfReader(io.BytesIO(once))
    assert dict(reader.metadata) == {"/Title": "Quiz"}
    assert reader.trailer["/Root"]["/Lang"] == "ko"


def test_font_widths_are_read_in_both_forms_of_a_w_array():
    """`c [w1 w2 …]` gives consecutive codes their widths, `first last w` one width to a range."""
    from studyguide.printing.assemble import _widths

    descendant = pikepdf.Dictionary(W=pikepdf.Array([1, [224], 17, 19, 555.5, 40, [-3, 1000.25], 90, 90, 0]))
    assert _widths(descendant) == {1: 224.0, 17: 555.5, 18: 555.5, 19: 555.5, 40: -3.0, 41: 1000.25, 90: 0.0}
    assert _widths(pikepdf.Dictionary()) == {}


def test_a_face_whose_file_is_gone_keeps_its_pieces_own_program(built):
    """Joining cuts one program per face from the face's file; a file gone since the render (a
    cache trimmed under a build) leaves each piece's own program in place, not a failed join."""
    from studyguide.printing.assemble import unify_fonts

    class Gone:
        def file_of(self, family, weight):
            from pathlib import Path
            return Path("/nonexistent/face.otf")

    pdf = pikepdf.open(built / "teacher.pdf")
    programs = sorted(str(font.DescendantFonts[0].FontDescriptor.get("/FontFile3", font.DescendantFonts[0]
                                                                      .FontDescriptor.get("/FontFile2")).objgen)
                      for page in pdf.pages for font in page.Resources.Font.values() if "/DescendantFonts" in font)
    assert programs
    unify_fonts(pdf, Gone())
    assert sorted(str(font.DescendantFonts[0].FontDescriptor.get("/FontFile3", font.DescendantFonts[0]
                                                                 .FontDescriptor.get("/FontFile2")).objgen)
                  for page in pdf.pages for font in page.Resources.Font.values()
                  if "/DescendantFonts" in font) == programs


def test_font_widths_that_point_to_other_objects_are_read_through_them():
    """A /W whose entries are other objects (`3 7 0 R`) is walked as objects, not misread as the
    range 3 to 7 from its text."""
    from studyguide.printing.assemble import _widths

    pdf = pikepdf.new()
    widths = pdf.make_indirect(pikepdf.Array([500, 600]))
    descendant = pikepdf.Dictionary(W=pikepdf.Array([3, widths, 10, 12, 250]))
    assert _widths(descendant) == {3: 500.0, 4: 600.0, 10: 250.0, 11: 250.0, 12: 250.0}
