"""read/source.py: a content file's bytes to text, line endings and front matter, each problem
said with its code, file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyguide.model import Severity
from studyguide.read.source import FILE_LIMIT, decode, load, normalise_newlines, split_front_matter

NAME = Path("notes/ch03.md")


def _said(problems) -> list[tuple[str, int, str]]:
    return [(p.code, p.location.line, p.severity.name) for p in problems]


def test_utf8_is_read_with_or_without_its_byte_order_mark():
    text = "# 第3章 图\n\n1. 什么是图？\n"
    assert decode(text.encode("utf-8"), NAME) == (text, [])
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8"), NAME) == (text, [])


def test_gbk_is_read_with_a_warning_at_its_first_line_that_is_not_utf8():
    text, problems = decode("# Graphs\n\n1. 什么是图？\n".encode("gb18030"), NAME)
    assert text == "# Graphs\n\n1. 什么是图？\n"
    assert _said(problems) == [("SG102", 3, "WARNING")]
    assert problems[0].location.path == NAME


@pytest.mark.parametrize("encoding, said", [("utf-16", "UTF-16"), ("utf-32", "UTF-32")])
def test_wide_text_is_refused_with_how_to_save_it(encoding, said):
    text, problems = decode("1. 问题？\n".encode(encoding), NAME)
    assert text is None
    assert _said(problems) == [("SG103", 1, "ERROR")]
    assert said in problems[0].message and "UTF-8" in problems[0].hint


def test_line_endings_become_lf_and_the_first_other_one_is_noted():
    assert normalise_newlines("a\nb\n", NAME) == ("a\nb\n", [])
    text, problems = normalise_newlines("a\nb\r\nc\rd", NAME)
    assert text == "a\nb\nc\nd"
    assert _said(problems) == [("SG104", 2, "NOTE")]


def test_front_matter_gives_its_values_and_where_the_markdown_starts():
    data, start, problems = split_front_matter("---\ntitle: 图论\nchapter: 3\ntags: graphs\n---\n# 图\n", NAME)
    assert (data, start, problems) == ({"title": "图论", "chapter": 3, "tags": ["graphs"]}, 5, [])
    assert split_front_matter("# 图\n---\n", NAME) == ({}, 0, [])  # not on the first line: no front matter


@pytest.mark.parametrize("front, code_line, words", [
    ("---\ntitle: 图论\n# 图\n", ("SG105", 1, "ERROR"), "never ends"),
    ("---\ntitle: &a x\nlang: *a\n---\n", ("SG105", 3, "ERROR"), "alias"),
    ("---\nchapter: three\n---\n", ("SG105", 2, "ERROR"), "should be a whole number"),
    ("---\nchapter: 12000\n---\n", ("SG105", 2, "ERROR"), "a chapter number is 0 to 9999"),
    ("---\ntitle: x\nlanguage: fr\n---\n", ("SG105", 3, "ERROR"), "not a language studyguide knows"),
    ("---\ntitle: x\nauthor: me\n---\n", ("SG105", 3, "WARNING"), "unknown front matter key `author`"),
])
def test_bad_front_matter_is_named_at_its_line(front, code_line, words):
    data, _, problems = split_front_matter(front, NAME)
    assert _said(problems) == [code_line]
    assert words in problems[0].message
    assert "author" not in data and "language" not in data and "chapter" not in data


def test_loading_a_file_puts_it_all_together(tmp_path):
    path = tmp_path / "ch03.md"
    path.write_bytes("---\r\ntitle: 图论\r\n---\r\n# 图\r\n\r\n1. 什么\x07是图？\r\n".encode("utf-8"))
    source, problems = load(path, shown_as=NAME)
    assert source is not None and source.path == NAME
    assert source.lines[source.body_start:] == ["# 图", "", "1. 什么是图？", ""]  # the bell is gone
    assert source.front_matter == {"title": "图论"}
    assert "SG104" in [p.code for p in problems]
    assert all(p.severity is not Severity.ERROR for p in problems)


def test_a_file_too_big_or_empty_is_said_so(tmp_path):
    big = tmp_path / "big.md"
    big.write_bytes(b"a" * (FILE_LIMIT + 1))
    assert load(big)[0] is None and _said(load(big)[1]) == [("SG101", 1, "ERROR")]
    empty = tmp_path / "empty.md"
    empty.write_text("\n\n", encoding="utf-8")
    source, problems = load(empty)
    assert source is not None and [p.code for p in problems] == ["SG106"]
