"""Cutting a card side that does not fit even at the smallest size into pieces, one per card.

Where to cut comes from WeasyPrint's own pagination: the side is laid out once more at the
smallest size, on pages exactly as tall as a card's text area, with every unbreakable run (a
Chinese character, a word, a line of code, an image, a table row) wrapped in an element with an
id. The page each run lands on says which piece it belongs to. A piece is the side's own HTML
with only its runs kept, so it lays out on its card exactly as that page did: a paragraph breaks
between the same lines, a list item that goes on shows no second bullet, a numbered list keeps
counting, and a table repeats its header.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markupsafe import Markup

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATOMIC = {"img", "hr", "tr", "thead", "svg", "math"}  # never cut inside; they get the id themselves
# …except a table's head, which every page repeats: its id would be found on the last page, and
# it goes with the first piece anyway (the others repeat it)
UNMARKED = {"thead"}
STACKED_CLASS = "sg-stack"  # layout/flashcards.py: a table too wide for its card
# a Chinese (or other wide) character alone, or a run of up to 12 other non-space characters,
# each with the spaces around it
# (a zero-width space counts as a space: the Markdown renderer puts one every 12 letters of a long
# unbroken string, so each run ends where a line may break)
_RUN = re.compile(r"[\s\u200b]*(?:[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
                  r"|[^\s\u200b\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]{1,12})[\s\u200b]*"
                  r"|[\s\u200b]+")


@dataclass
class _Text:
    runs: list[tuple[int, str]]  # (run number, text)


@dataclass
class _Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    children: list = field(default_factory=list)
    first: int = -1  # runs inside, inclusive; an element without runs sticks to a neighbour's
    last: int = -1


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("", [])
        self.stack = [self.root]
        self.count = 0
        self.atomic_depth = 0  # inside an atomic element (an <svg>): its text is not cut
        self.pre_depth = 0
        self.pending_empty: list[_Element] = []  # elements without runs, waiting for the next run

    # -- building --
    def _take(self) -> int:
        number = self.count
        self.count += 1
        for element in self.pending_empty:
            element.first = element.last = number
        self.pending_empty.clear()
        for element in self.stack:
            if element.first < 0:
                element.first = number
            element.last = number
        return number

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, list(attrs))
        self.stack[-1].children.append(element)
        if self.atomic_depth:
            if tag not in VOID:
                self.stack.append(element)
                self.atomic_depth += 1
            return
        if tag in ATOMIC:
            self._take()
            element.first = element.last = self.count - 1
            if tag not in VOID:
                self.stack.append(element)
                self.atomic_depth = 1
            return
        if tag == "br":  # a line break stays with the run before it
            element.first = element.last = max(0, self.count - 1)
            return
        if tag in VOID:
            self.pending_empty.append(element)
            return
        if tag == "pre":
            self.pre_depth += 1
        self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack[-1].tag == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                break
        else:
            return
        while len(self.stack) > depth:
            element = self.stack.pop()
            if self.atomic_depth:
                self.atomic_depth -= 1
                continue  # written whole with the atomic element around it
            if element.tag == "pre":
                self.pre_depth -= 1
            if element.first < 0:
                self.pending_empty.append(element)

    def handle_data(self, data):
        if not data:
            return
        parent = self.stack[-1]
        if self.atomic_depth or (not self.pre_depth and not data.strip()):
            # inside an image or a table row; or blank, between blocks or words: kept in every piece
            parent.children.append(_Text([(-1, data)]))
            return
        pieces = re.findall(r"[^\n]*\n|[^\n]+", data) if self.pre_depth else _RUN.findall(data)
        parent.children.append(_Text([(self._take(), piece) for piece in pieces]))

    def finish(self) -> _Element:
        self.close()
        last = max(0, self.count - 1)
        for element in self.pending_empty:  # nothing followed them: they stay with the last run
            element.first = element.last = last
        return self.root


class Side:
    """A side's HTML, cut into runs."""

    def __init__(self, fragment: str) -> None:
        builder = _Builder()
        builder.feed(str(fragment))
        self.root = builder.finish()
        self.runs = builder.count

    def marked(self, prefix: str) -> Markup:
        """The HTML with run n wrapped in (or, for an image or a table row, marked by) id `prefix`n."""
        return Markup("".join(self._write(child, prefix=prefix) for child in self.root.children))

    def pieces(self, starts: list[int]) -> list[Markup]:
        """The HTML of each piece, piece k holding the runs from starts[k] to the next start."""
        bounds = list(starts) + [self.runs]
        return [Markup("".join(self._write(child, span=(bounds[k], bounds[k + 1] - 1))
                               for child in self.root.children))
                for k in range(len(starts))]

    # -- writing --
    def _write(self, node, prefix: str | None = None, span: tuple[int, int] | None = None,
               whole: bool = False) -> str:
        if isinstance(node, _Text):
            out = []
            for number, text in node.runs:
                if span and not whole and number >= 0 and not (span[0] <= number <= span[1]):
                    continue
                escaped = html.escape(text, quote=False)
                out.append(f'<span id="{prefix}{number}">{escaped}</span>' if prefix and number >= 0 else escaped)
            return "".join(out)
        if span and not whole and (node.last < span[0] or node.first > span[1]):
            return ""
        attrs = list(node.attrs)
        continued = bool(span) and not whole and node.first < span[0]
        if prefix and node.tag in ATOMIC and node.tag not in UNMARKED and node.first >= 0:
            attrs = [(k, v) for k, v in attrs if k != "id"] + [("id", f"{prefix}{node.first}")]
        if continued and node.tag == "li":
            attrs = _add_class(attrs, "continued")
        if continued and node.tag == "ol":
            before = sum(1 for child in node.children
                         if isinstance(child, _Element) and child.tag == "li" and child.last < span[0])
            attrs = _add_style(attrs, f"counter-reset: list-item {before}")
        start = "<" + node.tag + "".join(f" {k}" if v is None else f' {k}="{html.escape(v, quote=True)}"'
                                         for k, v in attrs) + ">"
        if node.tag in VOID:
            return start
        inner = []
        # a table read row by row names each cell in its row: its head is not repeated (nor does
        # the pagination that chose the cuts repeat it, a block's head not being a table's)
        stacked = node.tag == "table" and STACKED_CLASS in (dict(node.attrs).get("class") or "").split()
        for child in node.children:
            keep_whole = whole or node.tag in ATOMIC or (
                continued and node.tag == "table" and not stacked and isinstance(child, _Element)
                and child.tag == "thead")
            inner.append(self._write(child, prefix, span, keep_whole))
        return start + "".join(inner) + f"</{node.tag}>"


def _add_class(attrs, name: str):
    classes = next((v for k, v in attrs if k == "class"), "") or ""
    return [(k, v) for k, v in attrs if k != "class"] + [("class", (classes + " " + name).strip())]


def _add_style(attrs, declaration: str):
    style = next((v for k, v in attrs if k == "style"), "") or ""
    return [(k, v) for k, v in attrs if k != "style"] + [("style", (style.rstrip("; ") + "; " + declaration).lstrip("; "))]


def starts_from_pages(side: Side, prefix: str, anchors: dict) -> list[int]:
    """The first run of each piece, from the page each run was laid out on (anchors by id).

    A run split over two pages (a word broken inside) is reported on the later one, and so
    goes whole to the later piece: the earlier keeps only what it fully held.
    """
    pages = [anchors[f"{prefix}{n}"].page if f"{prefix}{n}" in anchors else None for n in range(side.runs)]
    known = [page for page in pages if page is not None]
    if not known:
        return [0]
    starts: list[int] = []
    current = min(known) - 1
    for number, page in enumerate(pages):
        if page is not None and page > current:
            starts.append(number)
            current = page
    starts[0] = 0
    return starts
