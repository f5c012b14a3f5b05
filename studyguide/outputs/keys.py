"""What the exports to other study tools (Anki, Quizlet) share with each other and with the study page.

Every card gets a key that stays the same while its text is edited: the chapter's number and
the question's number, so a re-import updates the card instead of adding a copy of it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone

from ..config import Settings
from ..i18n import strings
from ..layout import ChapterView, Meta


def guide_key(settings: Settings, views: tuple[ChapterView, ...]) -> str:
    """What tells this guide's cards from another guide's: its title and course as configured.

    A guide without a title of its own adds its first chapter's title, so two untitled guides
    do not take each other's notes in Anki.
    """
    title, course = settings.guide.title, settings.guide.course
    if not title:
        title = "\x1e" + (views[0].title if views else "")
    return f"{title}\x1f{course}"


def stable_int(*parts: str, low: int = 1 << 30, high: int = 1 << 31) -> int:
    """A number in [low, high) that depends only on the parts (ids for decks and note types)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return low + int.from_bytes(digest[:8], "big") % (high - low)


def chapter_keys(views: tuple[ChapterView, ...]) -> dict[int, str]:
    """Each chapter's number, by chapter index; a number an earlier chapter has gets `#2`, `#3`."""
    keys: dict[int, str] = {}
    seen: dict[int, int] = {}
    for chapter in views:
        number = chapter.chapter.number
        seen[number] = seen.get(number, 0) + 1
        keys[chapter.chapter.index] = str(number) if seen[number] == 1 else f"{number}#{seen[number]}"
    return keys


def card_keys(views: tuple[ChapterView, ...]) -> dict[tuple[int, int], str]:
    """`1.3` for each card, by (chapter index, position); a repeated number gets `#2`, `#3`."""
    chapters = chapter_keys(views)
    keys: dict[tuple[int, int], str] = {}
    seen: dict[str, int] = {}
    for chapter in views:
        for view in chapter.cards:
            card = view.card
            key = f"{chapters[card.chapter_index]}.{card.shown_number}"
            seen[key] = seen.get(key, 0) + 1
            keys[(card.chapter_index, card.position)] = key if seen[key] == 1 else f"{key}#{seen[key]}"
    return keys


def chapter_tags(chapter: ChapterView, language: str) -> list[str]:
    """Tags for a chapter's cards: the chapter (第1章, chapter-1) and its front matter's tags."""
    words = strings(language)
    tags = [words["chapter_tag"].format(number=chapter.chapter.number)]
    tags += [tag for tag in chapter.chapter.tags if tag]
    # Anki and Quizlet separate tags with spaces
    return list(dict.fromkeys(re.sub(r"\s+", "_", tag.strip()) for tag in tags if tag.strip()))


def epoch_seconds(meta: Meta) -> int:
    """The build's date (SOURCE_DATE_EPOCH, else the newest content file) as Unix seconds."""
    if not meta.created:
        return 0
    moment = datetime.strptime(meta.created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return int(moment.timestamp())
