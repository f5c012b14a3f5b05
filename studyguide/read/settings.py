"""How a guide asks to be read: the reader to use per file, and the markers of the `labels` reader.

`format: auto` (the default) lets each section's shape choose its reader; any other format names
one reader for the whole file. A file's front matter (`format:`, `markers:`) wins over these.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from re import _constants, _parser  # the engine's own parse of a pattern: what runaway() inspects

FORMATS = ("auto", "numbered", "headings", "labels", "table", "details", "separator", "cloze",
           "truefalse", "choice")


@dataclass(frozen=True)
class Markers:
    """What marks a question and its answer, for the `labels` reader."""

    question: str = ""  # prefix as text, or a regular expression written as /…/
    answer: str = ""
    tag: str = ""  # e.g. "#card": an outline item holding it is a question, its child items the answer
    container: str = ""  # e.g. "details": ::: details … ::: holds the answer
    key: bool = False  # answers gathered in a key at the end of each section, keyed by number


@dataclass(frozen=True)
class ReadSettings:
    format: str = "auto"
    files: tuple[tuple[str, str], ...] = ()  # (glob pattern relative to the content folder, format)
    markers: Markers = Markers()
    origin: tuple[tuple[str, str], ...] = ()  # (marker, `file:line` of the settings that set it)


_REPEATS = (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT)


def matches_nothing(expression: str) -> str:
    """Why a marker's regular expression marks no text at all, or "" if it needs some: one that
    can match no characters (`/Q?\\d*/`, `/x*/`, `/\\b/`) would start a question or an answer on
    every line it is tried on."""
    for line in _SAMPLE_LINES:
        found = re.match(expression, line)
        if found is not None and found.end() == 0:
            return "can match no text at all, so it would mark every line"
    return ""


_SAMPLE_LINES = ("", "Q1: What is it?", "A: It is this.", "1. 问题？", " 答：是的。", "**Q.** text", "- item")


def runaway(expression: str) -> str:
    """Why a marker's regular expression can take hours to fail on one long line, or "" if it cannot.

    The regular expression engine backtracks: a repetition of something that can match the same
    text in more than one way (`(a+)+`, `(x|x)*`, `(a?b?)*`) tries every way before it gives up,
    2 to the power of the line's length. So a repeated part may hold only letters, classes
    and groups of them: no repetition, alternatives, back-reference or look-around.
    """
    def repeated(items) -> str:
        for op, av in items:
            if op in _REPEATS:
                return "repeats a group that itself repeats"
            if op is _constants.BRANCH:
                return "repeats a choice between alternatives"
            if op in (_constants.GROUPREF, _constants.GROUPREF_EXISTS, _constants.ASSERT, _constants.ASSERT_NOT):
                return "repeats a back-reference or a look-around"
            if op in (_constants.SUBPATTERN, _constants.ATOMIC_GROUP) and (why := repeated(av[-1])):
                return why
        return ""

    def walk(items) -> str:
        for op, av in items:
            parts = []
            if op in _REPEATS:
                if av[1] > 1 and (why := repeated(av[2])):
                    return why
                parts = [av[2]]
            elif op is _constants.BRANCH:
                parts = av[1]
            elif op in (_constants.SUBPATTERN, _constants.ATOMIC_GROUP, _constants.ASSERT, _constants.ASSERT_NOT):
                parts = [av[-1]]
            elif op is _constants.GROUPREF_EXISTS:
                parts = [part for part in av[1:] if part is not None]
            for part in parts:
                if why := walk(part):
                    return why
        return ""

    import regex  # the engine that runs markers (rules/labels.py); it reads a few patterns otherwise

    try:
        regex.compile(expression)
    except regex.error as exc:
        return f"is not an expression studyguide can run: {exc}"
    return walk(_parser.parse(expression))
