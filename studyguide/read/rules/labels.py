"""Questions and answers marked the author's own way, named in the settings or front matter:

- `question` / `answer`: prefixes as text (`**Q.**`, `【题目】`) or as a regular expression `/…/`;
- `tag`: an outline item holding it (`- Why? #card`) is a question, its child items the answer;
- `container`: `::: details` … `:::` after a question holds its answer;
- `key`: answers gathered at the end of a section, keyed by number (`1. B`).
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections import Counter

import regex  # the `re` of the standard library has no time limit, and a guide's marker may backtrack

from ..settings import Markers
from ..text import line_span
from . import Reading, Section, card, choice, loose_ranges, unlist

NAME = "labels"
TITLE = "labelled questions"  # how notes name the rule
_KEY_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?P<number>\d{1,3})\s*[.．、:：)）-]\s*(?P<answer>\S.*)$")


MARKER_SECONDS = 2.0  # all matches of a guide's marker expressions on one file; the seed's take milliseconds


class SlowMarker(Exception):
    """A marker expression that ran out of time on a line: it backtracks (`\\s*\\s*$`, `a*a*b`), at a
    cost growing as a power of the line's length."""

    def __init__(self, marker: str, line: int) -> None:
        super().__init__(marker)
        self.marker, self.line = marker, line


class Marker:
    """A marker as a pattern matching the start of a line: `/…/` is a regular expression, run with
    a time limit shared by every match on the file, so no expression can hold the build for long."""

    def __init__(self, marker: str, spent: list[float]) -> None:
        self.marker, self.spent = marker, spent
        if len(marker) > 2 and marker.startswith("/") and marker.endswith("/"):
            self.compiled = regex.compile(r"\s*(?:" + marker[1:-1] + ")")
        else:
            self.compiled, self.spent = re.compile(r"\s*" + re.escape(marker)), None  # text: linear

    def match(self, text: str, line: int):
        if self.spent is None:
            return self.compiled.match(text)
        started = time.perf_counter()
        try:
            return self.compiled.match(text, timeout=max(MARKER_SECONDS - self.spent[0], 0.001))
        except TimeoutError:
            raise SlowMarker(self.marker, line) from None
        finally:
            self.spent[0] += time.perf_counter() - started


def pattern(marker: str, section: Section | None = None) -> Marker | None:
    if not marker:
        return None
    return Marker(marker, section.view.marker_seconds if section is not None and section.view is not None else [0.0])


def read(section: Section) -> Reading | None:
    markers = section.markers
    if markers.tag:
        return _tagged(section, markers.tag)
    question, answer = pattern(markers.question, section), pattern(markers.answer, section)
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
        # a heading that is the question marker (`### 问题 1`) opens a card as any marked line does
        if n in headings and not (question is not None and question.match(text, n)):
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
        if question is not None and (m := question.match(text, n)) and not fence:
            number, rest = unlist(text[m.end():].strip())
            if n in headings and not number and (digits := re.search(r"\d{1,4}", m.group())):
                number = digits.group()  # a heading marker that numbers the question, `/### 问题 \d+/`
            current = card(NAME, number, [(n, rest)], [], title)
            current["question"] = [(n, rest)]
            reading.cards.append(current)
            side = "question"
            used.add(n)
            continue
        if answer is not None and current is not None and (m := answer.match(text, n)) and not fence:
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
        made["question"] = _strip_blank_ends(made["question"])
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
    titles = section.headings()
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
        title = next((titles[k] for k in sorted(titles, reverse=True) if k < block.start), "")
        reading.cards.append(card(NAME, number, question, [(n, answer)], title))
        used.update(range(block.start, block.end))
        used.add(n)


# a heading that titles an answer key: `## Answers`, `## 参考答案`, `## Answers to Review Questions`
_KEY_TITLE = re.compile(r"^(?:参考答案|答案|解答|答案与解析|(?:answer|solution)s?(?:\s+key|\s+to\b.*)?|key)\s*[:：]?$",
                        re.IGNORECASE)


def keyed(section: Section) -> Reading | None:
    """Under `auto`: a last section titled as answers that holds only short `N. answer` lines, one
    for each numbered question before it, is read as the key the `key` marker names."""
    heads = [b for b in section.blocks if b.kind == "heading"]
    if not heads or not _KEY_TITLE.match(heads[-1].text.strip()):
        return None
    head = heads[-1]
    rows = [section.lines[n] for n in range(head.end, section.end) if section.lines[n].strip()]
    if not rows or not all((m := _KEY_LINE.match(row)) and len(m["answer"]) <= 40 for row in rows):
        return None
    reading = read(dataclasses.replace(section, markers=Markers(key=True)))
    if reading is None or len(reading.cards) != len(rows):
        return None  # a key whose numbers do not match the questions is left to the notes
    reading.sure = 0.85
    # the key's heading is markup, as its `N.` lines are
    reading.loose = [(max(a, head.end), z) for a, z in reading.loose if not (a <= head.start and z <= head.end)]
    for made in reading.cards:
        choice.recognise(made)  # each option on a line of its own, as in any multiple-choice card
    reading.notes.append((head.start, f"the answers of the {len(rows)} questions are read from the key under "
                          f"`{head.text}` ({line_span(head.start + 1, section.end)})",
                          "to keep the key as the chapter's notes, write `format: numbered` in the file's front matter"))
    return reading


_PREFIX = re.compile(r"^\s*(?P<marker>(?:\*\*|__)[^*_\s]{1,12}?(?:\*\*|__)\s*[:：.]?|【[^】]{1,8}】|"
                     r"[^\s:：]{1,10}[:：])")
# `Question 1:`, `问题 2：`: a label numbered anew on each question, named by a regular expression
_NUMBERED_PREFIX = re.compile(r"^\s*(?P<word>[A-Za-z\u4e00-\u9fff]{1,10})(?P<space>\s?)\d{1,3}\s*(?P<colon>[:：])")
_ASKS = re.compile(r"^(?:\*\*|__|【)?(?:question|q|problem|exercise|问题|题目|问|题)\b", re.IGNORECASE)
_ANSWERS = re.compile(r"^(?:\*\*|__|【)?(?:answer|ans|a|solution|参考答案|答案|解答|解析|答)\b", re.IGNORECASE)


def _marker(line: str) -> str | None:
    if m := _NUMBERED_PREFIX.match(line):
        return f"/{re.escape(m['word'])}{m['space']}\\d+{m['colon']}/"
    if m := _PREFIX.match(line):
        return m["marker"].strip()
    return None


def suggested(lines: list[str]) -> tuple[str, str] | None:
    """The two line markers seen most often, in the order they first come: (question, answer)."""
    seen = Counter(marker for line in lines if (marker := _marker(line)))
    common = [marker for marker, n in seen.most_common(2) if n >= 2]
    if len(common) < 2:
        return None
    question, answer = sorted(common, key=lambda marker: next(k for k, line in enumerate(lines)
                                                             if _marker(line) == marker))
    return question, answer


def suggestion(lines: list[str]) -> str:
    """The declaration that would read a file whose questions `auto` did not find: the two line
    prefixes seen most often, as front matter to paste."""
    found = suggested(lines)
    if found is None:
        return ""
    return (f"if `{found[0]}` starts each question and `{found[1]}` each answer, write in the front matter: "
            + _declaration(*found))


def _declaration(question: str, answer: str) -> str:
    yaml = lambda marker: marker.replace("\\", "\\\\")  # noqa: E731  a backslash, in YAML's double quotes
    return f"`format: labels` and `markers: {{question: \"{yaml(question)}\", answer: \"{yaml(answer)}\"}}`"


def guessed(section: Section) -> Reading | None:
    """Under `auto`, for a section where nothing else found questions: the markers seen most, when
    they are a numbered question label and an answer label (`Question 1:`, `Answer:`), read as declared."""
    found = suggested([text for _, text in section.text_lines()])
    # only a label numbered on each question (`Question 1:`) is that sure a sign; `**Q.**` is suggested
    if found is None or not (found[0].startswith("/") and _ASKS.match(found[0].strip("/"))
                             and _ANSWERS.match(found[1].strip("/"))):
        return None
    reading = read(dataclasses.replace(section, markers=Markers(question=found[0], answer=found[1])))
    if reading is None or len(reading.cards) < 2 or not all(made["answer"] for made in reading.cards):
        return None
    reading.notes.append((section.first, f"{line_span(section.first + 1, section.end)} read as questions "
                          f"marked `{found[0]}` and answers marked `{found[1]}` ({len(reading.cards)} cards)",
                          f"to say so in the file, write in its front matter {_declaration(*found)}; "
                          "to read it otherwise, write `format: numbered`"))
    return reading
