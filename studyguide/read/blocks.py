"""A file's top-level Markdown blocks, each with its source line range, from markdown-it tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from markdown_it import MarkdownIt

from ..markdown import MAX_NESTING, structure_parser


@dataclass(frozen=True)
class Block:
    """One top-level block. Lines are 0-based indices into the file, `end` exclusive."""

    kind: str  # heading | item | paragraph | code | table | rule | other
    start: int
    end: int
    level: int = 0  # heading level, 1-6
    text: str = ""  # a heading's or paragraph's inline source
    number: str = ""  # an item's number as written; "" for bullets
    ordered: bool = False  # an item of a numbered list
    list_id: int = 0  # items of the same list share it


_KINDS = {
    "paragraph_open": "paragraph",
    "fence": "code",
    "code_block": "code",
    "blockquote_open": "other",
    "table_open": "table",
    "hr": "rule",  # `---` between cards: a separator, not part of any answer
    "html_block": "other",
    "math_block": "other",
    "math_block_label": "other",
}


def read_blocks(lines: list[str], first_line: int = 0, parser: MarkdownIt | None = None,
                faults: list[tuple[str, int]] | None = None) -> list[Block]:
    """Top-level blocks of lines[first_line:], with line numbers counted in the whole file.

    Lines that no token covers but are not blank (link reference definitions, for one) come
    back as `other` blocks, so that no text is ever outside a block. When `faults` is given, it
    gets ("unclosed", line) for each code fence that is never closed, and ("too deep", line)
    where lists or quotes nest deeper than the parser reads.
    """
    parser = parser or structure_parser()
    body = lines[first_line:]
    tokens = parser.parse("\n".join(body))
    if faults is not None:
        faults += [("unclosed", token.map[0] + first_line) for token in tokens
                   if token.type == "fence" and not _closed(token, body)]
        deepest = next((token for token in tokens if token.level >= MAX_NESTING - 1 and token.map), None)
        if deepest is not None:
            faults.append(("too deep", deepest.map[0] + first_line))
    blocks: list[Block] = []
    list_count = 0
    inline_after: dict[int, str] = {}
    for i, token in enumerate(tokens):
        if token.type == "inline" and i > 0:
            inline_after[i - 1] = token.content
    opener = ""  # the top-level list the items are in: kept as the tokens go, not searched back for each
    for i, token in enumerate(tokens):
        if token.level == 0 and token.type.endswith("_list_open"):
            opener = token.type
        if token.map is None:
            continue
        start, end = token.map[0] + first_line, token.map[1] + first_line
        if token.level == 0 and token.type in ("ordered_list_open", "bullet_list_open"):
            list_count += 1
        elif token.level == 1 and token.type == "list_item_open":
            ordered = opener == "ordered_list_open"
            blocks.append(Block("item", start, end, number=token.info if ordered else "",
                                ordered=ordered, list_id=list_count))
        elif token.level == 0 and token.type == "heading_open":
            blocks.append(Block("heading", start, end, level=int(token.tag[1]),
                                text=inline_after.get(i, "")))
        elif token.level == 0 and token.type in _KINDS:
            blocks.append(Block(_KINDS[token.type], start, end, text=inline_after.get(i, "")))
    return _fill_gaps(_trim(blocks, lines), lines, first_line)


_FENCE_OPEN = re.compile(r"^\s*(`{3,}|~{3,})")


def opens_fence(line: str) -> str | None:
    """The fence a line opens (``` or ~~~, as long as written), or None."""
    match = _FENCE_OPEN.match(line)
    return match.group(1) if match else None


def closes_fence(line: str, fence: str) -> bool:
    """Whether a line closes the fence: its character, at least as many times, and nothing else."""
    stripped = line.strip()
    return len(stripped) >= len(fence) and stripped == fence[0] * len(stripped)


def outside_fences(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(index, line) of every line that is neither in a fenced code block nor one of its fences."""
    fence = None
    for k, line in enumerate(lines):
        if fence is not None:
            if closes_fence(line, fence):
                fence = None
        elif (fence := opens_fence(line)) is None:
            yield k, line


def _closed(token, lines: list[str]) -> bool:
    """Whether a fence token ends at a closing fence line, rather than where its container ends
    (the closing line may sit after indentation and blockquote markers)."""
    start, end = token.map
    return start < end - 1 <= len(lines) - 1 and closes_fence(lines[end - 1].lstrip(" \t>"), token.markup)


def _trim(blocks: list[Block], lines: list[str]) -> list[Block]:
    """Drop trailing blank lines from each block's range (list items keep the gap after them)."""
    trimmed = []
    for block in blocks:
        end = block.end
        while end > block.start + 1 and not lines[end - 1].strip():
            end -= 1
        trimmed.append(Block(block.kind, block.start, end, block.level, block.text, block.number,
                             block.ordered, block.list_id))
    return trimmed


def _fill_gaps(blocks: list[Block], lines: list[str], first_line: int) -> list[Block]:
    covered = [False] * len(lines)
    for block in blocks:
        for n in range(block.start, block.end):
            covered[n] = True
    extra = []
    n = first_line
    while n < len(lines):
        if covered[n] or not lines[n].strip():
            n += 1
            continue
        start = n
        while n < len(lines) and not covered[n] and lines[n].strip():
            n += 1
        extra.append(Block("other", start, n, text="\n".join(lines[start:n])))
    return sorted(blocks + extra, key=lambda b: b.start)
