"""Chapter headings as people write them, beyond the basic forms in test_headings.py."""

import pytest

from studyguide.read.headings import parse_heading


@pytest.mark.parametrize("text, number, title", [
    ("**第 2 章** 基础", 2, "基础"),
    ("第十一章-补充", 11, "补充"),
    ("第九十九章 最后一章", 99, "最后一章"),
    ("第二十章：总结", 20, "总结"),
    ("Chapter 7 Review Questions", 7, "Review Questions"),
    ("Chapter 1", 1, ""),
    ("CHAPTER 3 — Trees", 3, "Trees"),
    ("7. Segmentation", 7, "Segmentation"),
    ("第１２章 全角数字", 12, "全角数字"),
])
def test_numbered(text, number, title):
    heading = parse_heading(text)
    assert (heading.number, heading.title, heading.numbered) == (number, title, True)


@pytest.mark.parametrize("text", ["3.5 倍学习率", "2024 年回顾", "什么是张量？", "Answers"])
def test_not_chapter_numbers(text):
    assert not parse_heading(text).numbered
