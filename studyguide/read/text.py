"""The words and marks of questions and answers: what asks, what labels, what numbers, what
ends a sentence. Plain functions over text, shared by the reading rules."""

from __future__ import annotations

import re

from .blocks import closes_fence, opens_fence, outside_fences

# What may follow a question mark at the end of a question: closing brackets, quotes, emphasis.
CLOSERS = ")）]】」』”’\"'》*_"


# A question mark that ends a sentence: `？`, or `?` before a space, the line's end, a closer or
# a non-ASCII character (so `http://x.org/?q=1` asks nothing).
QUESTION_MARK = rf"(?:？|\?(?=\s|$|[^\x00-\x7f]|[{re.escape(CLOSERS)}]))"


QUESTION_END = re.compile(rf"[？?][{re.escape(CLOSERS)}]*\s*$")


TERMINATORS = "。！？!?；;"


SENTENCE_END = re.compile(r"[。！!.；;：:][" + re.escape(CLOSERS) + r"]*\s*$")


# Labels authors put before a question or an answer. They are markup, not text.
QUESTION_LABEL = re.compile(
    r"^(?:【(?:问题|题目|问)(?P<number2>\d{1,3})?】\s*[:：]?\s*|"
    r"(?P<open>\*\*|__)?(?:问题|问|题目|Question|Q)"
    r"(?:\s*(?P<number>\d{1,3})\s*(?P<close1>\*\*|__)?\s*[:：.．、)）]|(?P<close1b>\*\*|__)?\s*[:：])"
    r"\s*(?P<close2>\*\*|__)?\s*)", re.IGNORECASE)


# `A` and a number is a label only under the question of that number (`Q4.` … `A4.`): elsewhere
# it is text, a paper size (`A4.`) or a spreadsheet cell (`A1: the first cell`).
ANSWER_LABEL = re.compile(
    r"^(?:【(?:参考答案|答案|解答|答)】\s*[:：]?\s*|"
    r"(?P<open>\*\*|__)?(?:参考答案|答案|解答|答|Answer|Ans\.?|(?P<letter>A))"
    r"(?:\s*(?P<number>\d{1,3})\s*(?P<close1>\*\*|__)?\s*[:：.．、)）]|(?P<close1b>\*\*|__)?\s*[:：])"
    r"\s*(?P<close2>\*\*|__)?\s*)", re.IGNORECASE)


INLINE_ANSWER_LABEL = re.compile(
    rf"[？?][{re.escape(CLOSERS)}]*(?P<label>\s*(?:【(?:参考答案|答案|答)】|(?:参考答案|答案|答|Answer|A)\s*[:：])\s*)",
    re.IGNORECASE)


# "12.问题", "12、问题", "(12) 问题", "第 3 题：问题", "**3. 问题**": numbered paragraphs CommonMark
# does not see as list items. No digit right after the dot, so `1.5 倍` is a number, not a
# question number.
# A decorative mark before the number (`▍1、`, `■ 2.`, `★3.`, `【4】`) is markup too.
DECORATION = "▍▌■□★☆●○◆◇▶►▪♦✦❖"


PSEUDO_NUMBER = re.compile(
    rf"^(?P<lead>\*\*|__)?(?:[{DECORATION}]\s*)?(?:(?P<a>\d{{1,3}})(?:[.．](?!\d)|[、。)）]|[:：](?![:：]))|"
    r"[(（](?P<b>\d{1,3})[)）]|【(?P<d>\d{1,3})】|"
    r"第\s*(?P<c>\d{1,3})\s*题\s*[:：.．、]?)\s*(?=\S)")


# `3.1 …？` under question 3: a sub-question, a card of its own
SUB_NUMBER = re.compile(r"^(?P<lead>\*\*|__)?(?P<major>\d{1,3})\.(?P<minor>\d{1,2})\s+(?=\S)")


# "一、简答题": a line that names a part of the chapter, as Chinese documents do without headings.
SECTION_LINE = re.compile(r"^(?:\*\*|__)?[一二三四五六七八九十]{1,3}\s*[、.．]\s*\S.{0,30}$")


LIST_MARKER = re.compile(r"^(?P<indent> {0,3})(?P<marker>\d{1,9}[.)]|[-+*])(?P<space>[ \t]*)")


HEADING_NUMBER = re.compile(r"^(?P<number>\d{1,3})[.．、)）]\s*(?!\d)")


CHAPTER_WORDS = re.compile(r"^\s*(?P<number>\d+)[\s._-]+(?P<title>.+)$")


# Headings that hold chapters rather than being one: `# 答案`, `# Chapter Questions`.
WRAPPER = re.compile(r"答案|解答|评估|问答|answers?\b|assessments?\b|solutions?\b|chapter questions|"
                      r"questions and answers|q\s*&\s*a", re.IGNORECASE)


# Words that say a question goes on with the code or text after it.
POINTS_ONWARD = re.compile(r"(?:下面|下列|以下|如下|下述|这段|这个|该|下图|如图|图中|下表|表中)|\b(?:following|below|this code|the code|"
                            r"this snippet|this program|given)\b", re.IGNORECASE)


CARD_SEPARATOR = "rule"


BACKTICKS = re.compile(r"`+")


def strip_code(text: str) -> str:
    """The text with inline code spans blanked out, so their `?` never end a question.

    A code span closes, on its own line, with the next run of exactly as many backticks as
    opened it; a run that finds none is text. Runs are paired in one pass over them (a pattern
    searching on from every run took minutes for a line of many runs of different lengths).
    """
    if "`" not in text:
        return text
    out = []
    for line in text.split("\n"):
        runs = [(m.start(), m.end()) for m in BACKTICKS.finditer(line)]
        following: dict[int, int] = {}  # a run's index -> the next run as long as it
        after: dict[int, int] = {}  # length -> the latest run of that length, going backwards
        for k in range(len(runs) - 1, -1, -1):
            length = runs[k][1] - runs[k][0]
            if length in after:
                following[k] = after[length]
            after[length] = k
        pieces, done, k = [], 0, 0
        while k < len(runs):
            if k not in following:
                k += 1
                continue
            start, end = runs[k][0], runs[following[k]][1]
            pieces += [line[done:start], " " * (end - start)]
            done, k = end, following[k] + 1
        out.append("".join(pieces) + line[done:])
    return "\n".join(out)


def is_question_line(line: str) -> bool:
    """Whether a line ends with a question mark (perhaps inside closing brackets or emphasis)."""
    return bool(QUESTION_END.search(strip_code(line)))


def asks(text: str) -> bool:
    """Whether the text holds a question mark that ends a sentence."""
    return bool(re.search(QUESTION_MARK, strip_code(text)))


def split_inline(line: str) -> tuple[str, str] | None:
    """`问题？答案` → (`问题？`, `答案`): the leading question sentences and the rest of the line.

    A line such as `…可以吗？ 如何实现的？ 答案。` keeps both questions together. Returns None
    when the line holds no question followed by something that is not a question.
    """
    plain = strip_code(line)
    marks = [(m.start(), m.end()) for m in re.finditer(rf"{QUESTION_MARK}[{re.escape(CLOSERS)}]*", plain)]
    for mark, end in marks:
        if plain[:mark].count("**") % 2 or plain[:mark].count("__") % 2:
            continue  # `**Can you rebuild it? Set its title.**`: the bold question goes on
        rest = plain[end:]
        if not rest.strip():
            return None
        sentence = re.match(rf"\s*[^{re.escape(TERMINATORS)}]*[{re.escape(TERMINATORS)}]?", rest).group()
        if re.search(r"[？?]\W*$", sentence.rstrip()):
            continue  # the next sentence is a question too: it belongs to the question
        return line[:end].rstrip(), line[end:].strip()
    return None


def strip_label(text: str, label: re.Pattern, number: str | None = None) -> tuple[str, bool]:
    """The text without a leading `Q:`/`答：` label, and whether there was one.

    `**答：**正文` loses both `**`; `**答：正文**` keeps the opening `**` so the emphasis stays
    balanced. `number`: the card's, the only one an `A4.`-style label may carry.
    """
    match = label.match(text)
    if not match:
        return text, False
    groups = match.groupdict()
    if groups.get("letter") and groups.get("number") and as_int(groups["number"]) != as_int(number):
        return text, False
    end = match.end()
    if not groups.get("open") and groups.get("close2"):
        end = match.start("close2")  # `答案：**公式**`: the `**` opens the answer's own emphasis
    if groups.get("open") and not (groups.get("close1") or groups.get("close1b") or groups.get("close2")):
        return groups["open"] + text[end:], True
    return text[end:], True


def dedent(line: str, width: int) -> str:
    """Remove up to `width` columns of leading spaces (a tab counts to the next multiple of 4)."""
    column, i = 0, 0
    while i < len(line) and column < width and line[i] in " \t":
        column = column + 1 if line[i] == " " else (column // 4 + 1) * 4
        i += 1
    return line[i:]


def line_span(first: int, last: int) -> str:
    """`line 4` or `lines 4–9` (1-based, inclusive), as findings name the text they report."""
    return f"line {first}" if first == last else f"lines {first}–{last}"


IMAGE_LINE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$")


def figure_end(lines: list[tuple[int, str]], k: int) -> int | None:
    """If lines[k] is an image on a line of its own, the index after it (and any images next to it)."""
    end = k
    while end < len(lines) and IMAGE_LINE.match(lines[end][1]):
        end += 1
    return end if end > k else None


# Words that point at a table: only then is a table after a question part of it, since a
# table after `比较以下两种方法` is usually the answer.
POINTS_AT_TABLE = re.compile(r"下表|如表|表中|表如下|表[^，。,.\s]{0,6}如下|\btable\b", re.IGNORECASE)

TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")


def table_end(lines: list[tuple[int, str]], k: int) -> int | None:
    """If lines[k] starts a pipe table (a row, then a delimiter row), the index after its last row."""
    if k + 1 >= len(lines) or not TABLE_LINE.match(lines[k][1]) or \
            not re.fullmatch(r"\s*\|?[\s:|-]*-[\s:|-]*\|?\s*", lines[k + 1][1]):
        return None
    end = k + 2
    while end < len(lines) and TABLE_LINE.match(lines[end][1]):
        end += 1
    return end


def fence_end(lines: list[tuple[int, str]], k: int) -> int | None:
    """If lines[k] opens a fenced code block, the index just after the block's closing fence."""
    fence = opens_fence(lines[k][1]) if k < len(lines) else None
    if fence is None:
        return None
    return next((j + 1 for j in range(k + 1, len(lines)) if closes_fence(lines[j][1], fence)), None)


def only_code(lines: list[tuple[int, str]]) -> bool:
    """Whether the lines are blank or fenced code blocks, and nothing else."""
    k = 0
    while k < len(lines):
        if not lines[k][1].strip():
            k += 1
            continue
        end = fence_end(lines, k)
        if end is None:
            return False
        k = end
    return True


def answer_label_line(lines: list[tuple[int, str]], number: str | None = None) -> int | None:
    """The first line, outside fenced code, that starts with an answer label (`答：`, `Answer:`,
    or `A4.` under question 4)."""
    return next((k for k, text in outside_fences(text for _, text in lines)
                 if strip_label(text.lstrip(), ANSWER_LABEL, number)[1]), None)


def pseudo_number(match: re.Match) -> str:
    return match["a"] or match["b"] or match["c"] or match["d"]


def as_int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def trim(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Without blank lines at either end."""
    start, end = 0, len(lines)
    while start < end and not lines[start][1].strip():
        start += 1
    while end > start and not lines[end - 1][1].strip():
        end -= 1
    return lines[start:end]


def strip_answer_label(answer: list[tuple[int, str]], number: str | None = None) -> list[tuple[int, str]]:
    for k, (n, text) in enumerate(answer):
        if not text.strip():
            continue
        stripped, found = strip_label(text.lstrip(), ANSWER_LABEL, number)
        if found:
            answer = answer[:k] + [(n, stripped)] + answer[k + 1:]
        break
    return answer


# A character reference (`&#x202E;`, `&#171;`, `&hearts;`) that Markdown turns into the character
# it names, unless a backslash escapes its `&`; the same forms markdown-it reads.
_REFERENCE = re.compile(r"(?<!\\)&(?:#(?:x(?P<hex>[0-9a-f]{1,6})|(?P<decimal>[0-9]{1,7}))|(?P<name>[a-z][a-z0-9]{1,31}));",
                        re.IGNORECASE)


def with_references(text: str) -> str:
    """The text with each character reference outside code replaced by the character it prints as,
    padded with spaces to the reference's length, so each line keeps its columns: checks on the
    characters a page shows (fonts, invisible ones) then see `&#x202E;` as the U+202E it prints."""
    if "&" not in text:
        return text
    from markdown_it.common.entities import entities
    from markdown_it.common.utils import isValidEntityCode

    def character(match: re.Match) -> str:
        if match["name"]:
            shown = entities.get(match["name"], match.group(0))
        else:
            code = int(match["hex"], 16) if match["hex"] else int(match["decimal"])
            shown = chr(code) if isValidEntityCode(code) else "\ufffd"
        return shown.ljust(len(match.group(0)))

    lines = text.split("\n")
    for k, line in outside_fences(lines):
        if "&" in line:
            bare = strip_code(line)  # code spans blanked, at the same columns
            pieces, done = [], 0
            for match in _REFERENCE.finditer(bare):
                pieces += [line[done:match.start()], character(match)]
                done = match.end()
            lines[k] = "".join(pieces) + line[done:]
    return "\n".join(lines)
