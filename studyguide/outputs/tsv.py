"""flashcards.tsv: question, answer and tags, one card a line, for Quizlet and Anki to import.

Quizlet takes a tab between question and answer and a new line between cards, and nothing
else: a line break inside a question or an answer becomes " / ", a tab a space. The text is the
Markdown the author wrote, so nothing is lost on the way (Quizlet shows it as it stands).
Indentation is kept as non-breaking spaces, which neither Quizlet nor Anki collapses: in Python
code it is part of what the code means.
"""

from __future__ import annotations

import re

from . import Context, Plan
from .keys import chapter_tags

FILE_NAME = "flashcards.tsv"
LINE_BREAK = " / "
NBSP = "\u00a0"
TAB_WIDTH = 4
# `1972.` alone on an answer's line is kept as `1972\.` so that Markdown does not read it as an
# empty list item; the export shows it as the author wrote it
_ESCAPED_NUMBER = re.compile(r"^(\s*\d{1,9})\\([.)])(\s*)$")


def flat(markdown: str) -> str:
    """The text on one line: its non-blank lines joined by ` / `, each line's indentation kept as
    non-breaking spaces (a tab counts as four)."""
    kept = []
    for line in markdown.split("\n"):
        line = _ESCAPED_NUMBER.sub(r"\1\2\3", line)
        text = line.strip().replace("\t", " ")
        if text:
            indent = line[:len(line) - len(line.lstrip(" \t"))]
            kept.append(NBSP * len(indent.expandtabs(TAB_WIDTH)) + text)
    return LINE_BREAK.join(kept)


def field(text: str) -> str:
    # Anki reads a field that starts with a double quote as a quoted field (RFC 4180)
    return '"' + text.replace('"', '""') + '"' if text.startswith('"') else text


def tsv_text(context: Context) -> str:
    rows = []
    for chapter in context.views:
        tags = " ".join(chapter_tags(chapter, context.language))
        for view in chapter.cards:
            rows.append("\t".join((field(flat(view.card.question)), field(flat(view.card.answer)), tags)))
    return "".join(row + "\n" for row in rows)


def plan(context: Context) -> Plan:
    return Plan([], lambda rendered: {FILE_NAME: tsv_text(context)})
