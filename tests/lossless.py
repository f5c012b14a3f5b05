"""The lossless promise, checked from the outside: every non-blank character of a content file is
in a card, in a chapter title, or in lines that a finding names.

The checker knows nothing of how the reader works. It looks only at what a user gets: the cards
(question and answer Markdown, with the line each starts on), the chapters (title and heading
line), and the findings (a finding that reports text names it as `line 4` or `lines 4–9`, under one of the codes in
`REPORTING`).

Markup may go: list markers, heading `#`s, emphasis `*`/`_`, code backticks, `---` separators,
question numbers such as `12.` or `(3)` (and `Q5`, `问题 3` before a heading's question), and
`Q:`/`问：`/`答：`/`Answer:`-style labels (at the start of a line or right after a question mark).
So may the wrappers of the note-app and web forms: table pipes and a header row naming the
columns, `<br>`, `<details>`, a `<summary>` that only says `Answer` or `答案` (one that holds a question is text), `::`, a line holding only `?`/`??`/`+++`,
`<!--SR:…-->` comments and `#flashcards` tags. Both sides are normalised the same way, so a label
the reader keeps counts as much as one it drops.

Markers a guide declares (`[read.markers]` in the settings, or `markers:` in its front matter)
are markup too, and only those: a question or answer prefix (text, or `/regex/`) at the start of a
line, a tag such as `#card` on a question's line, a `::: details` container's fences, and for an
answer key the `N.` line that holds card N's answer, wherever it stands (an undeclared key too,
when a card's answer was read from it, and then the heading over that key).

Two rules write what the source does not: a cloze card's question blanks out what its answer
shows, so the answer alone must hold the source text; a true/false card's answer is a word for
the statement's `T`/`(√)` mark.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml

from studyguide.model import Guide
from studyguide.read.settings import ReadSettings

_SPAN = re.compile(r"\blines? (\d+)(?:–(\d+))?")
# findings that report text which is in no card: text outside chapters, sections without
# questions, a chapter's notes, a file or chapter that holds no questions
REPORTING = {"SG201", "SG203", "SG204", "SG305"}
# (`A4.` is a label only under question 4: see `_numbered_answer`)
_LABEL = (r"(?:【(?:参考答案|答案|解答|答|问题|题目|问)\d{0,3}】[:：]?|(?:参考答案|答案|解答|问题|题目|答|问|Answer|Ans\.?|Question|Q)"
          r"\s*(?:\d{1,3}\s*[:：.．、)）]|[:：])|A\s*[:：])")
_MARKER = (r"(?:>|\d{1,9}[.)](?=\s|$)|[-+](?=\s|$)|\d{1,3}[.．](?!\d)|\d{1,3}(?:[、。)）]|[:：](?![:：]))|[(（]\d{1,3}[)）]|"
           r"[▍▌■□★☆●○◆◇▶►▪♦✦❖]|【\d{1,3}】|\d{1,3}\.\d{1,2}(?=\s)|[•o\uf0a7\uf0b7](?=\t)|"
           r"第\s*\d{1,3}\s*题[:：.．、]?|"
           rf"{_LABEL})")
_LEADING = re.compile(rf"^(?:\s*{_MARKER})+", re.IGNORECASE)
# after a question mark, or the end of a task's sentence (`简述…。答案：…`)
_AFTER_QUESTION = re.compile(rf"([？?。！!；;.][)）\]】」』”’\"'》]*){_LABEL}", re.IGNORECASE)
_RULE = re.compile(r"^\s*(?:(?:[-*_]\s*){3,}|=+|-+)\s*$")
_BREAK = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_SECTION_LINE = re.compile(r"^(?:\*\*|__)?[一二三四五六七八九十]{1,3}\s*[、.．]")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
# a `<summary>` that only says to unfold the answer is markup; one that holds a question is text
_SUMMARY = re.compile(r"<summary>(.*?)</summary>", re.IGNORECASE)
_UNFOLD = re.compile(r"^\W*(?:(?:show|see|view|reveal|click(?: here)?(?: to \w+)?)\s*)?(?:the\s+)?"
                     r"(?:answers?|solutions?|explanation|expand|show)?\W*$|"
                     r"^\W*(?:点击|查看|显示|展开)*(?:参考)?(?:答案|解答|解析|答)?\W*$", re.IGNORECASE)
_WRAPPERS = re.compile(r"<!--SR:.*?-->|<details(?:\s[^>]*)?>|</details>|^\s*</?p>\s*$|</?(?:b|strong|i|em|code)>|<br\s*/?>|"
                       r"(?:^|(?<=\s))#flashcards(?:/[\w/-]*)?(?=\s|$)|:{2,3}|\|", re.IGNORECASE)
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$")  # a table's |---|:--|
_HEADER_ROW = re.compile(r"^\s*\|?\s*(?:(?:#|No\.?|序号|编号)\s*\|\s*)?(?:问题|问|题目|术语|名词|概念|questions?|q|term|front|prompt|word)?\s*\|\s*"
                         r"(?:答案|答|回答|解答|解析|定义|解释|answers?|a|definition|back|meaning)?\s*\|?\s*$",
                         re.IGNORECASE)
_ALONE = re.compile(r"^\s*\+\+\+\s*$")
_SEPARATOR_LINE = re.compile(r"^\s*\?\??\s*$")  # between a note-app card's question and answer
_SERIES = re.compile(r"^\s*(?:Q|问题|题目|Question)\s*\d{1,4}\b\s*[:：.．、)）-]?", re.IGNORECASE)
_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::[^{}]*?)?\}\}|==([^=]+)==")
_MARK = r"(?:T|F|True|False|对|错|正确|错误|√|×|✓|✗|✔|✘)"
_TRUE_FALSE = re.compile(rf"^(\s*(?:\d{{1,3}}[.．、)）]\s*|[-*+]\s+)?)(?:判断题?\s*[:：]\s*)?(?:(\*\*|__){_MARK}\2|[(（\[【]{_MARK}[)）\]】])"
                         rf"\s*[-–—:：.、]?|"
                         rf"(?:[(（\[【]\s*{_MARK}\s*[)）\]】]|(?:\*\*|__){_MARK}(?:\*\*|__))(?=\s*[。.]?\s*$)",
                         re.IGNORECASE | re.MULTILINE)
_BARE_MARK = re.compile(rf"^(\s*(?:\d{{1,3}}[.．、)）]\s*|[-*+]\s+)?)(?:(\*\*|__){_MARK}\2|[(（\[【]{_MARK}[)）\]】])\s*",
                        re.IGNORECASE | re.MULTILINE)  # the mark alone, what follows it kept
_VERDICTS = ("True", "False", "正确", "错误")


def normalise(text: str, mid_line: bool = False) -> str:
    """Non-blank characters of Markdown text, with markup taken out line by line.

    `mid_line`: the text's first line starts in the middle of a source line (an answer after
    `问题？` on the same line), so what it starts with is text, not a line's markup.
    """
    out = []
    for k, line in enumerate(text.split("\n")):
        # a setext underline (`--`, `==`) needs a line above it: the first line is text
        if _RULE.match(line) and not (mid_line and k == 0) and (k > 0 or _BREAK.match(line)):
            continue
        if _HEADER_ROW.match(line) or _ALONE.match(line) or _DELIMITER_ROW.match(line):
            continue
        line = re.sub(r"^\s*\|\s*\d{1,4}\s*\|", "|", line)  # a table's number column
        line = _SUMMARY.sub(lambda m: "" if _UNFOLD.match(re.sub(r"</?(?:b|strong|i|em|code)>", "", m[1])) else m[1],
                            line)
        line = re.sub(r"[*_`#\u200b]", "", _WRAPPERS.sub("", line))
        line = _SERIES.sub("", line)
        line = re.sub(r"^(\s*\d{1,9})\\([.)])", r"\1\2", line)  # `1972\.`: a number kept from being a list
        if not (mid_line and k == 0):
            line = _LEADING.sub("", line)
        line = _AFTER_QUESTION.sub(r"\1", re.sub(r"\s", "", line))
        line = re.sub(r"-{3,}|={3,}", "", line)  # rules and setext underlines, wherever they end up
        out.append(line)
    return "".join(out)


def _front_matter_end(lines: list[str]) -> int:
    if lines and lines[0].rstrip() == "---":
        for n in range(1, len(lines)):
            if lines[n].rstrip() in ("---", "..."):
                return n + 1
    return 0


def declared_markers(lines: list[str], reading: ReadSettings | None) -> dict:
    """The markers the file is read with: the settings', overridden by its front matter's."""
    markers = dataclasses.asdict((reading or ReadSettings()).markers)
    end = _front_matter_end(lines)
    try:
        front = yaml.safe_load("\n".join(lines[1:end - 1])) if end else None
    except yaml.YAMLError:
        front = None
    given = front.get("markers") if isinstance(front, dict) else None
    if isinstance(given, dict):
        markers.update({k: v for k, v in given.items() if k in markers})
    return markers


def _prefix(marker) -> re.Pattern | None:
    """A question or answer marker at the start of a line: text, or a regular expression in /…/."""
    if not isinstance(marker, str) or not marker:
        return None
    if len(marker) > 2 and marker.startswith("/") and marker.endswith("/"):
        return re.compile(r"^\s*(?:" + marker[1:-1] + ")")
    return re.compile(r"^\s*" + re.escape(marker))


def unaccounted(guide: Guide, path: Path, shown: Path | None = None,
                reading: ReadSettings | None = None) -> list[str]:
    """What of the file is in no card, no chapter title and no finding: one message per problem.

    `reading`: the settings the guide was read with, for the markers they declare."""
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    source = text.split("\n")
    shown = shown or path
    mine = lambda location: location is not None and Path(location.path).name == Path(shown).name  # noqa: E731
    chapters = [c for c in guide.chapters if mine(c.location) and c.source == path.resolve()]
    cards = [card for c in chapters for card in c.cards]
    done = [False] * len(source)
    markers = declared_markers(source, reading)
    lines, keyed = _without_markers(source, cards, markers, done)
    # both sides alike: a marker the reader keeps counts as much as one it drops
    unmark = lambda text: "\n".join(_unmark(line, markers) for line in text.split("\n"))  # noqa: E731
    for n in range(_front_matter_end(lines)):
        done[n] = True
    # lines a finding names
    reported = []
    for diagnostic in guide.diagnostics:
        if not mine(diagnostic.location) or diagnostic.code not in REPORTING:
            continue
        for match in _SPAN.finditer(diagnostic.message):
            first, last = int(match[1]), int(match[2] or match[1])
            reported.append((first - 1, last))
            for n in range(first - 1, min(last, len(lines))):
                done[n] = True
    # chapter headings: the title must be in the heading line
    for chapter in chapters:
        heading = _heading_lines(lines, chapter.location.line - 1)
        heading_text = "\n".join(lines[n] for n in heading)
        # as normalised, or as written: dropping `*` from `-*--` leaves a rule's `---` to drop too
        if heading and (normalise(chapter.title) in normalise(heading_text)
                        or re.sub(r"\s", "", chapter.title) in re.sub(r"\s", "", heading_text)):
            for n in heading:
                done[n] = True
    # sub-headings and `一、…` lines that name the section of the cards under them
    sections = {normalise(card.section) for card in cards if card.section}
    card_starts = {card.location.line - 1 for card in cards}
    section_lines = set()
    for n, line in enumerate(lines):
        names_a_section = normalise(line) in sections and normalise(line)
        # (a heading that starts a card is that card's question, even when a section has its name)
        if names_a_section and not done[n] and n not in card_starts and (
                _is_heading(lines, n) or _SECTION_LINE.match(line.strip())):
            done[n] = True
            section_lines.add(n)
        # a setext heading whose text runs over several lines, underlined on the line after
        if re.match(r"^ {0,3}(=+|-+)\s*$", line) and n > 1 and lines[n - 1].strip():
            top = n - 1
            while top > 0 and lines[top - 1].strip():
                top -= 1
            if normalise("\n".join(lines[top:n])) in sections:
                for k in range(top, n):
                    done[k] = True
                    section_lines.add(k)
    problems = []
    # each card owns the lines from its start to the next thing that starts
    starts = sorted({card.location.line - 1 for card in cards})
    boundaries = sorted(set(starts) | {c.location.line - 1 for c in chapters}
                        | {a for a, _ in reported} | {b for _, b in reported} | {len(lines)})
    for card in cards:
        first = card.location.line - 1
        end = next(b for b in boundaries if b > first)
        region = [lines[n] for n in range(first, end) if not done[n]]
        # cloze cards of one paragraph share it; a heading naming the next cards' section is theirs
        region_all = [lines[n] for n in range(first, end) if n not in section_lines]
        # a heading line that names a section may also sit inside this card (in its code, say)
        with_sections = [lines[n] for n in range(first, end) if not done[n] or n in section_lines]
        for n in range(first, end):
            done[n] = True
        fences = {line.strip() for line in with_sections if _FENCE.match(line)}
        region = _numbered_answer(region, card.number)
        expected = normalise(_unfence_markers("\n".join(region), fences))
        question = normalise(_unfence_markers(unmark(card.question), fences))
        answer = "" if id(card) in keyed else _unfence_markers(
            "\n".join(_numbered_answer(unmark(card.answer).split("\n"), card.number)), fences)
        got = question + normalise(answer)
        # an answer after the question mark on the question's line reads as that line does
        same_line = normalise(_unfence_markers(unmark(card.question), fences) + answer)
        if card.rule == "separator":
            region = [line for line in region if not _SEPARATOR_LINE.match(line)]
            expected = normalise(_unfence_markers("\n".join(region), fences))
        if card.rule == "cloze":
            expected, got = normalise(_CLOZE.sub(r"\1\2", "\n".join(region_all))), normalise(answer)
            same_line = question = got
        elif card.rule == "truefalse" and answer.startswith(_VERDICTS):
            verdict = next(v for v in _VERDICTS if answer.startswith(v))
            got = question + normalise(answer[len(verdict):])
            # one statement carries one verdict mark; a `(T)` later in its lines is text it keeps
            lines_held = re.sub(r"判断题?\s*[:：]", "", "\n".join(region), count=1)
            statement = _TRUE_FALSE.sub(r"\1", lines_held, count=1)
            expected = normalise(_unfence_markers(statement, fences))
            if got != expected:  # `(T) ：` and nothing else: the colon is all the statement there is
                kept = normalise(_unfence_markers(_BARE_MARK.sub(r"\1", lines_held, count=1), fences))
                expected = kept if got == kept else expected
        # a term and its definition (`术语：定义`): the colon between them is markup
        defined = {question + colon + normalise(answer, mid_line=True) for colon in ("：", ":")}
        if not {expected, normalise(_unfence_markers("\n".join(with_sections), fences))} & {
                got, question + normalise(answer, mid_line=True), same_line, *defined}:
            problems.append(f"{shown}:{card.location.line}: card {card.label} holds {got!r}, "
                            f"its lines hold {expected!r}")
    for n, line in enumerate(lines):
        if not done[n] and normalise(line):
            problems.append(f"{shown}:{n + 1}: {line.strip()!r} is in no card, title or finding")
    return problems


def _numbered_answer(lines: list[str], number: str) -> list[str]:
    """The lines without the `A4.` label of card 4's answer: `A` and another number is text."""
    if not number.isdigit():
        return lines
    label = re.compile(rf"^(\s*(?:\*\*|__)?)A\s*0*{int(number)}\s*(?:\*\*|__)?\s*[:：.．、)）]", re.IGNORECASE)
    return [label.sub(r"\1", line) for line in lines]


def _unmark(line: str, markers: dict) -> str:
    """A line without the question or answer marker it starts with, and a container's opening
    (its name and title, such as `::: details Answer`: the title labels the answer as a
    `<summary>` does, and the reader drops it as it drops that)."""
    for prefix in (_prefix(markers.get("question")), _prefix(markers.get("answer"))):
        if prefix and (match := prefix.match(line)):
            line = line[match.end():]
            break
    container = markers.get("container")
    if isinstance(container, str) and container:
        line = re.sub(rf"^(\s*:{{3,}})\s*{re.escape(container)}\b.*$", r"\1", line)
    return line


def _without_markers(lines: list[str], cards, markers: dict, done: list[bool]) -> tuple[list[str], set[int]]:
    """The lines with the declared markers taken out, and the cards whose answer stands in an
    answer key (`N. answer`, its line then accounted for)."""
    lines = [_unmark(line, markers) for line in lines]
    tag = markers.get("tag")
    if isinstance(tag, str) and tag:
        for card in cards:
            n = card.location.line - 1
            lines[n] = lines[n].replace(tag, "", 1)
    keyed = set()
    for card in cards:
        # a key the guide declares, or the `N. answer` line the card's answer was read from
        at = card.answer_line - 1
        from_key = bool(card.number) and 0 <= at < len(lines) and at != card.location.line - 1 and \
            re.match(rf"^\s*{re.escape(card.number)}\s*[.．、]", lines[at])
        if not (markers.get("key") or from_key):
            continue
        for n, line in enumerate(lines):
            match = re.match(rf"^\s*(?:[-*+]\s+)?{re.escape(card.number)}\s*[.．、:：)）-]\s*(\S.*)$", line)
            if card.number and match and not done[n] and normalise(match[1]) == normalise(card.answer):
                done[n] = True
                keyed.add(id(card))
                # the heading right over a key a card's answer was read from (`## Answers`) is its markup
                top = n - 1
                while from_key and top > 0 and (not lines[top].strip() or re.match(r"^\s*\d{1,3}\s*[.．、]", lines[top])):
                    top -= 1
                if from_key and top >= 0 and lines[top].lstrip().startswith("#"):
                    done[top] = True
                break
    return lines, keyed


def _heading_lines(lines: list[str], n: int) -> range:
    """The lines of the heading that starts on line n: one for `## …`, several for a setext
    heading (text lines, then a line of = or -); empty if no heading starts there."""
    if n >= len(lines):
        return range(0)
    if lines[n].lstrip(" ").startswith("#"):
        return range(n, n + 1)
    end = n
    while end < len(lines) and lines[end].strip() and not re.match(r"^ {0,3}(=+|-+)\s*$", lines[end]):
        end += 1
    underlined = end < len(lines) and end > n and re.match(r"^ {0,3}(=+|-+)\s*$", lines[end])
    return range(n, end) if underlined else range(0)


def _is_heading(lines: list[str], n: int) -> bool:
    """An ATX heading (`## …`) or the text line of a setext heading (underlined with = or -)."""
    if lines[n].lstrip(" ").startswith("#"):
        return True
    return bool(lines[n].strip()) and n + 1 < len(lines) and bool(re.match(r"^ {0,3}(=+|-+)\s*$", lines[n + 1]))


def _unfence_markers(text: str, fences: set[str]) -> str:
    """Fence lines (```python) of the source are markup; their language name is too."""
    return "\n".join("" if line.strip() in fences else line for line in text.split("\n"))
