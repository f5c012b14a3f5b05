"""Chapter headings: `第 1 章-…`, `第五章：…`, `Chapter 4 – …`, `4. …`, or a bare title."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import CHINESE_NUMERAL_CHARS, parse_number

# What may stand between a chapter number and its title: dashes, colons, commas, dots, spaces.
_SEPARATOR = r"[\s\-‐‑–—―:：,，、.．·]*"
_NUMBER = rf"(?P<number>[0-9０-９]+|[{CHINESE_NUMERAL_CHARS}]+)"

_PATTERNS = (
    re.compile(rf"^第\s*{_NUMBER}\s*(?:章|课|讲|节|回|单元){_SEPARATOR}(?P<title>.*)$"),
    re.compile(rf"^(?:chapter|chap\.|ch\.|lesson|unit|part)\s*{_NUMBER}\b{_SEPARATOR}(?P<title>.*)$",
               re.IGNORECASE),
    # "4. Title", "4 – Title", "4、标题": a number, a separator, then a title that is not a number
    re.compile(r"^(?P<number>[0-9０-９]{1,3})(?:[.．、:：]|\s+[\-–—])\s*(?P<title>\D.*)$"),
)


@dataclass(frozen=True)
class ChapterHeading:
    number: int | None  # None when the heading has no number
    title: str  # "" for a heading that is only a number, such as `第 10 章`
    numbered: bool  # whether the text followed a chapter pattern


def parse_heading(text: str) -> ChapterHeading:
    """Split a heading into its chapter number (if it has one) and its title."""
    text = re.sub(r"\*\*|__", "", text).strip()  # `**第 2 章** 基础`: emphasis is no part of the number
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        try:
            number = parse_number(match["number"])
        except ValueError:
            continue
        title = match["title"].strip()
        return ChapterHeading(number, title, True)
    return ChapterHeading(None, text, False)
