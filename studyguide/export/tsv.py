"""flashcards.tsv: question, answer and tags, one card a line, for Quizlet and Anki to import.

Quizlet takes a tab between question and answer and a new line between cards, and nothing
else: a line break inside a question or an answer becomes " / ", a tab a space. The text is the
Markdown the author wrote, so nothing is lost on the way (Quizlet shows it as it stands).
"""

from __future__ import annotations

from ..outputs import Context, Plan
from . import chapter_tags

FILE_NAME = "flashcards.tsv"
LINE_BREAK = " / "


def flat(markdown: str) -> str:
    """The text on one line: its non-blank lines, stripped, joined by ` / `."""
    lines = (line.strip() for line in markdown.replace("\t", " ").split("\n"))
    return LINE_BREAK.join(line for line in lines if line)


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
