"""Note-app flashcards (Obsidian Spaced Repetition): `question::answer`, `question:::answer` (both
ways), and cards over several lines with a line holding only `?` (or `??`) between question and
answer.

`<!--SR:…-->` scheduling comments, `#flashcards` tags and `+++` end markers are markup. Without
a declared format or a `#flashcards` tag, `a::b` is read as a card only when the section holds
several such lines, none of them code such as `std::vector`.
"""

from __future__ import annotations

import re

from ..text import strip_code
from . import Reading, Section, card, loose_ranges, unlist

NAME = "separator"
TITLE = "note-app flashcards (`q::a`, `?`)"  # how notes name the rule
SR_COMMENT = re.compile(r"\s*<!--SR:.*?-->")
TAG = re.compile(r"(?:^|(?<=\s))#flashcards(?:/[\w/-]*)?(?=\s|$)")
_INLINE = re.compile(r"^(?P<q>.*?\S)\s*(?P<sep>:::|::)\s*(?P<a>\S.*)$")
# `std::vector<int>`, `Foo::bar()`, `a::b::c`: code, not a card
_CODE_LIKE = re.compile(r"\w::\w+(?:::|\s*[(<;{])|`[^`]*::")
_END = "+++"
TWO_WAY = "a two-way card (`:::` or `??`) is read as one card, since a flashcard shows both sides"
TWO_WAY_HINT = "for a second card asked the other way round, write it out as its own `::` card"


def clean(text: str) -> str:
    return TAG.sub("", SR_COMMENT.sub("", text)).rstrip()


def read(section: Section) -> Reading | None:
    lines = dict(section.text_lines())
    tagged = _tagged(section)
    ended = any(text.strip() == _END for text in lines.values())
    headings = section.headings()
    # `+++` between cards is this form's own end marker: as sure as a tag
    ends_cards = ended and any(text.strip() in ("?", "??") for text in lines.values())
    reading = Reading(NAME, 0.9 if tagged or section.declared or ends_cards else 0.6)
    used: set[int] = set()
    code_like = 0
    title = ""
    numbers = sorted(lines)
    position = {n: k for k, n in enumerate(numbers)}
    # for each line: whether a `+++` comes before the next `?` line (the answer goes on over blank lines)
    before_end, state = {}, False
    for n in reversed(numbers):
        state = True if lines[n].strip() == _END else False if lines[n].strip() in ("?", "??") else state
        before_end[n] = state
    k = 0
    while k < len(numbers):
        n = numbers[k]
        text = clean(lines[n])
        if n in headings:
            title = headings[n]
        elif text.strip() in ("?", "??"):
            # the question: the lines above, up to a blank line, a heading or the last card
            top = n
            while top - 1 in lines and top - 1 not in used and top - 1 not in headings \
                    and clean(lines[top - 1]).strip():
                top -= 1
            bottom = n + 1
            while bottom in lines and bottom not in headings and (
                    clean(lines[bottom]).strip() or (ended and before_end[bottom])):
                if lines[bottom].strip() == _END:
                    break
                bottom += 1
            if top < n and bottom > n + 1:
                question = [(m, clean(lines[m])) for m in range(top, n)]
                answer = [(m, clean(lines[m])) for m in range(n + 1, bottom)]
                if text.strip() == "??":
                    reading.notes.append((n, TWO_WAY, TWO_WAY_HINT))
                reading.cards.append(card(NAME, "", _unlisted(question), answer, title))
                used.update(range(top, bottom))
                k = position[bottom - 1] + 1 if bottom - 1 in lines else k + 1
                continue
        elif (match := _INLINE.match(text)) and "{{c" not in text and not _in_code(text, match.start("sep")) \
                and clean(lines.get(n + 1, "")).strip() not in ("?", "??"):
            if _CODE_LIKE.search(text) and not tagged and not section.declared:
                code_like += 1
                k += 1
                continue
            number, question = unlist(match["q"])
            reading.cards.append(card(NAME, number, [(n, question.strip())], [(n, match["a"])], title))
            if match["sep"] == ":::":
                reading.notes.append((n, TWO_WAY, TWO_WAY_HINT))
            used.add(n)
        if TAG.sub("", lines[n]).strip() in ("", _END) or SR_COMMENT.sub("", lines[n]).strip() == "":
            used.add(n)  # a line of tags, a `+++` or a scheduling comment only: markup
        k += 1
    if not reading.cards or (not tagged and not section.declared and (len(reading.cards) < 2 or code_like > len(reading.cards))):
        return None
    reading.loose = loose_ranges(section, used, reading.cards)
    return reading


def holds(lines: list[str]) -> bool:
    """Whether a paragraph's lines of a file tagged `#flashcards` hold a card of this form: a
    `q::a` line outside a code span (code-like or not: the tag says what `::` is), or a `?` line
    between its question and its answer."""
    for k, line in enumerate(lines):
        text = clean(line)
        if text.strip() in ("?", "??") and 0 < k < len(lines) - 1:
            return True
        match = _INLINE.match(text)
        if match and "{{c" not in text and not _in_code(text, match.start("sep")):
            return True
    return False


def _unlisted(lines):
    number, first = unlist(lines[0][1])
    return [(lines[0][0], first)] + lines[1:]



def _in_code(text: str, at: int) -> bool:
    """Whether text[at] is inside a `code span` (`Vec::new`): no card separator there."""
    return strip_code(text)[at] != text[at]  # code spans are blanked out there


def _tagged(section: Section) -> bool:
    """Whether the file is tagged `#flashcards`: worked out once per file, not per chapter."""
    memo = section.view.memo if section.view is not None else {}
    if "flashcards" not in memo:
        memo["flashcards"] = any(TAG.search(text) for text in section.lines) or tagged_in_front(section.lines)
    return memo["flashcards"]


def tagged_in_front(lines: list[str]) -> bool:
    """`tags: flashcards` (or `[flashcards, …]`) in the file's front matter tags it as a `#flashcards` line does."""
    if not lines or lines[0].strip() != "---":
        return False
    for text in lines[1:60]:
        if text.strip() in ("---", "..."):
            return False
        if re.match(r"^\s*(?:tags\s*:.*|-\s*)\bflashcards\b", text):
            return True
    return False
