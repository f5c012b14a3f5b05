"""Bullets and ticks pasted from Word, in its symbol fonts' private-use code points, as real characters.

Word's Symbol and Wingdings fonts put their bullets at private-use code points (U+F0B7 is the
round bullet in Symbol, U+F0A7 the small square in Wingdings). Copied out of Word they stay
there, and no other font draws them: they would print as empty boxes.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..diagnostics import finding
from ..model import Diagnostic, Location

# private-use code point → what it shows in Word's symbol fonts, as near as a text font prints it
SYMBOL_CHARACTERS = {
    "\uf0b7": "•",  # Symbol: bullet
    "\uf06c": "•",  # Wingdings: filled circle
    "\uf09f": "•",  # Wingdings: small filled circle
    "\uf0a7": "▪",  # Wingdings: small filled square
    "\uf06e": "▪",  # Wingdings: filled square
    "\uf0a8": "▪",  # Wingdings: square
    "\uf076": "▪",  # Wingdings: four-diamond bullet (❖), printed as a square bullet
    "\uf0d8": "▪",  # Wingdings: arrowhead bullet
    "\uf0fc": "✓",  # Wingdings: check mark
    "\uf0fe": "✓",  # Wingdings: ballot box with check
}


_PRIVATE = re.compile("[\uf000-\uf0ff]")  # where Word's symbol fonts put their characters, and all of the above


def symbol_characters(text: str) -> str:
    """The text with Word's symbol-font bullets and ticks replaced by the characters they show."""
    if not _PRIVATE.search(text):
        return text
    return "".join(SYMBOL_CHARACTERS.get(ch, ch) for ch in text)


def symbol_notes(text: str, path: Path, first_line: int = 1) -> list[Diagnostic]:
    """One note per line that holds such characters, at the first of them."""
    notes = []
    if not _PRIVATE.search(text):  # the usual case, without a loop over every character
        return notes
    for offset, line in enumerate(text.split("\n")):
        column = next((i for i, ch in enumerate(line, start=1) if ch in SYMBOL_CHARACTERS), 0)
        if column:
            ch = line[column - 1]
            notes.append(finding(
                "SG403", f"U+{ord(ch):04X}, a bullet or tick from a Word symbol font, is printed as "
                f"`{SYMBOL_CHARACTERS[ch]}`", Location(path, first_line + offset, column),
                "type `-` at the start of the line for a list item, or the character itself"))
    return notes
