"""Choosing what goes into a build: chapters by number, question order, a drawn quiz."""

from __future__ import annotations

import dataclasses
import random
import re

from .model import Card, Guide


class SelectionError(ValueError):
    """A selection that matches nothing the guide has; the message says what it does have."""


def parse_ranges(spec: str) -> list[tuple[int, int]]:
    """`1-3,7` → [(1, 3), (7, 7)]."""
    ranges = []
    for part in re.split(r"\s*,\s*", spec.strip()):
        if not part:
            continue
        first, _, last = part.partition("-")
        low, high = int(first), int(last or first)
        if low > high:
            raise SelectionError(f"`{part}` counts backwards; write it as {high}-{low}")
        ranges.append((low, high))
    return ranges


def _numbers(guide: Guide) -> str:
    numbers = [chapter.number for chapter in guide.chapters]
    spans, start = [], None
    for i, number in enumerate(numbers):
        if start is None:
            start = number
        if i + 1 == len(numbers) or numbers[i + 1] != number + 1:
            spans.append(f"{start}" if start == number else f"{start}–{number}")
            start = None
    return ", ".join(spans)


def select_chapters(guide: Guide, spec: str) -> Guide:
    """Only the chapters whose numbers the spec names, such as `1-3,7`."""
    if not spec.strip():
        return guide
    ranges = parse_ranges(spec)
    chosen = tuple(c for c in guide.chapters if any(low <= c.number <= high for low, high in ranges))
    missing = [f"{low}" if low == high else f"{low}-{high}" for low, high in ranges
               if not any(low <= c.number <= high for c in guide.chapters)]
    if missing:
        raise SelectionError(f"no chapter numbered {', '.join(missing)}; the chapters are {_numbers(guide)}")
    return dataclasses.replace(guide, chapters=chosen)


def shuffle_questions(guide: Guide, seed: int) -> Guide:
    """Each chapter's questions in an order drawn from `seed`; they keep their numbers and labels."""
    generator = random.Random(seed)
    chapters = []
    for chapter in guide.chapters:
        cards = list(chapter.cards)
        generator.shuffle(cards)
        chapters.append(dataclasses.replace(chapter, cards=tuple(cards)))
    return dataclasses.replace(guide, chapters=tuple(chapters))


def draw_quiz(guide: Guide, count: int, seed: int) -> list[Card]:
    """`count` questions drawn from all chapters of the guide; the same seed draws the same ones."""
    cards = list(guide.cards)
    if count > len(cards):
        raise SelectionError(f"a quiz of {count} questions needs more than the {len(cards)} the chosen "
                             f"chapters hold")
    return random.Random(seed).sample(cards, count)
