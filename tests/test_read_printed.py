"""Forms whose answer Markdown is not the line as written: what is printed must still be the
author's text. Read back from the flashcards PDF."""

from __future__ import annotations

from pypdf import PdfReader

from test_flashcards_print import build, deck

GUIDE = """\
# Chapter 2 Dates and tools

1. When did the Berlin Wall fall?

1989.

- Q: Which command shows the history of a branch?
  - A: `git log`
"""


def test_a_year_alone_and_a_nested_answer_label_print_as_written(tmp_path):
    folder = deck(tmp_path, {"ch2.md": GUIDE})
    build(folder)
    pages = [page.extract_text() for page in PdfReader(folder / "out" / "flashcards.pdf").pages]
    assert pages
    text = "\n".join(pages)
    assert "When did the Berlin Wall fall?" in text
    assert "1989." in text  # not an empty list item numbered 1
    assert "git log" in text
    assert "A:" not in text  # the nested bullet's label is markup
