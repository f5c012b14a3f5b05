"""Questions and answers marked the author's own way, named in the settings or front matter:

- `question` / `answer`: prefixes as text (`**Q.**`, `【题目】`) or as a regular expression `/…/`;
- `tag`: an outline item holding it (`- Why? #card`) is a question, its child items the answer;
- `container`: `::: details` … `:::` after a question holds its answer;
- `key`: answers gathered at the end of a section, keyed by number (`1. B`).
"""

from __future__ import annotations

import re
from collections import Counter

from . import Reading, Section, card, loose_ranges, unlist

NAME = "labels"
TITLE = "labelled questions"  # how notes name the rule
_KEY_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?P<number>\d{1,3})\s*[.．、:：)）-]\s*(?P<answer>\S.*)$")


def pattern(marker: str) -> re.Pattern | None:
    """A marker as a pattern matching the start of a line: `/…/` is a regular expression."""
    if not marker:
        return None
    if len(marker) > 2 and marker.startswith("/") and marker.endswith("/"):
        return re.compile(r"\s*(?:" + marker[1:-1] + ")")
    return re.compile(r"\s*" + re.escape(marker))


def read(section: Section) -> Reading | None:
    markers = section.markers
    if markers.tag:
        return _tagged(section, markers.tag)
    question, answer = pattern(markers.question), pattern(markers.answer)
    container = markers.container
    if question is None and not container and not markers.key:
        return None
    reading = Reading(NAME, 0.95)
    used: set[int] = set()
    headings = section.headings()
    title = ""
    current = None
    side = "question"
    fence = None
    heading = None  # a heading with no text under it yet: a container right after it answers it
    for n, text in [(n, section.lines[n]) for n in range(section.first, section.end)]:
        if n in headings:
            title, current, heading = headings[n], None, n
            continue
        opens = container and re.match(rf"^\s*(:{{3,}})\s*{re.escape(container)}\b.*$", text)
        if opens and current is None and heading is not None and question is None:
            # `## Why?` then `::: details`: the heading is the question
            current = card(NAME, "", [(heading, headings[heading])], [], title)
            reading.cards.append(current)
            used.add(heading)
        if text.strip():
            heading = None
        if opens and current:
            fence, side = opens.group(1), "answer"
            used.add(n)
            continue
        if fence and text.strip() == fence:
            fence = None
            used.add(n)
            continue
        if question is not None and (m := question.match(text)) and not fence:
            number, rest = unlist(text[m.end():].strip())
            current = card(NAME, number, [(n, rest)], [], title)
            current["question"] = [(n, rest)]
            reading.cards.append(current)
            side = "question"
            used.add(n)
            continue
        if answer is not None and current is not None and (m := answer.match(text)) and not fence:
            side = "answer"
            current["answer"].append((n, text[m.end():].strip()))
            used.add(n)
            continue
        if question is None and current is None and text.strip() and not fence and container:
            current = card(NAME, "", [(n, text.strip())], [], title)
            reading.cards.append(current)
            used.add(n)
            side = "question"
            continue
        if current is not None and (text.strip() or side == "answer"):
            current[side].append((n, text))
            used.add(n)
            if container and side == "answer" and fence is None and not text.strip():
                current = None  # the container has closed: the next text asks again
        elif current is not None and container and fence is None and side == "answer":
            current = None
    if markers.key:
        _match_key(section, reading, used)
    if not reading.cards:
        return None
    for made in reading.cards:
        made["question"] = [line for line in made["question"]]
        made["answer"] = _strip_blank_ends(made["answer"])
    reading.loose = loose_ranges(section, used, reading.cards)
    return reading


def _strip_blank_ends(lines):
    while lines and not lines[-1][1].strip():
        lines.pop()
    while lines and not lines[0][1].strip():
        lines.pop(0)
    return lines


def _tagged(section: Section, tag: str) -> Reading | None:
    """`- Question #card` with the answer in its child items."""
    reading = Reading(NAME, 0.95)
    used: set[int] = set()
    title = ""
    for block in section.blocks:
        if block.kind == "heading":
            title = block.text
        if block.kind != "item":
            continue
        first = section.lines[block.start]
        if tag not in first:
            continue
        number, text = unlist(first)
        question = text.replace(tag, "").rstrip()
        answer = [(n, section.lines[n]) for n in range(block.start + 1, block.end)]
        indent = min((len(t) - len(t.lstrip()) for _, t in answer if t.strip()), default=0)
        answer = [(n, t[indent:]) for n, t in answer]
        reading.cards.append(card(NAME, number, [(block.start, question)], answer, title))
        used.update(range(block.start, block.end))
    if not reading.cards:
        return None
    reading.loose = loose_ranges(section, used, reading.cards)
    return reading


def _match_key(section: Section, reading: Reading, used: set[int]) -> None:
    """Numbered questions without answers, and a key of `number. answer` lines after them."""
    items = [b for b in section.blocks if b.kind in ("item", "paragraph")]
    # the key: the last run of blocks whose lines all read `N. answer`
    key: dict[str, tuple[int, str]] = {}
    key_start = None
    for block in reversed(items):
        rows = [(n, _KEY_LINE.match(section.lines[n])) for n in range(block.start, block.end)
                if section.lines[n].strip()]
        if not rows or not all(m for _, m in rows) or any(re.search(r"[？?]", m["answer"]) for _, m in rows):
            break
        for n, m in rows:
            key.setdefault(m["number"], (n, m["answer"]))
        key_start = block.start
    if not key:
        return
    for block in items:
        if key_start is not None and block.start >= key_start:
            break
        number, text = unlist(section.lines[block.start])
        if not number and (m := re.match(r"^(\d{1,3})\s*[.．、)）]\s*", text)):
            number, text = m.group(1), text[m.end():]
        if number not in key:
            continue
        n, answer = key.pop(number)
        question = [(block.start, text)] + [(k, section.lines[k]) for k in range(block.start + 1, block.end)]
        reading.cards.append(card(NAME, number, question, [(n, answer)], ""))
        used.update(range(block.start, block.end))
        used.add(n)


_PREFIX = re.compile(r"^\s*(?P<marker>(?:\*\*|__)[^*_\s]{1,12}?(?:\*\*|__)\s*[:：.]?|【[^】]{1,8}】|"
                     r"[^\s:：]{1,10}[:：])")


def suggestion(lines: list[str]) -> str:
    """The declaration that would read a file whose questions `auto` did not find: the two line
    prefixes seen most often, as front matter to paste."""
    seen = Counter(m["marker"].strip() for line in lines if (m := _PREFIX.match(line)))
    common = [marker for marker, n in seen.most_common(2) if n >= 2]
    if len(common) < 2:
        return ""
    question, answer = sorted(common, key=lambda marker: next(k for k, line in enumerate(lines)
                                                             if line.lstrip().startswith(marker)))
    return (f"if `{question}` starts each question and `{answer}` each answer, write in the front matter: "
            f"`format: labels` and `markers: {{question: \"{question}\", answer: \"{answer}\"}}`")
