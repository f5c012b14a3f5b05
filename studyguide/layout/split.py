"""Cutting a card side that does not fit even at the smallest size into pieces, one per card.

Where to cut comes from WeasyPrint's own pagination: the side is laid out once more at the
smallest size, on pages exactly as tall as a card's text area. Its text is cut into unbreakable
runs (a Chinese character, a word, a line of code, an image, a table row), and the page each run
lands on says which piece it belongs to. Images, rows and lines of code carry an id, whose anchor
tells their page; the runs of a text are marked together, about a line's worth in one element
(an element per run costs WeasyPrint a millisecond each: minutes for 100,000 characters), and
one cut by a page's end says which of its runs each page holds by the text it has there. A piece
is the side's own HTML with only its runs kept, so it lays out on its card exactly as that page
did: a paragraph breaks between the same lines, a list item that goes on shows no second bullet,
a numbered list keeps counting, and a table repeats its header.
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
GROUP_CHARS = 160  # the runs of a text marked by one element: about two lines at the smallest size
GROUP_CLASS = "sg-runs"  # the class of those elements, whose text on each page the render reports
# what a page's text is compared by: the letters, not the spaces around them (collapsed by the
# renderer) nor the invisible breaks and soft hyphens (a hyphen shows only where a line breaks)
_UNCOUNTED = re.compile(r"[\s\u200b\u00ad]+")


@dataclass
class _Text:
    runs: list[tuple[int, str]]  # (run number, text)
    lines: bool = False  # the lines of a <pre>: each marked alone (a blank one holds no letter)

    def groups(self) -> list[list[tuple[int, str]]]:
        """Its runs in the groups that are marked together, each about GROUP_CHARS long."""
        if self.lines or not self.runs or self.runs[0][0] < 0:
            return [[run] for run in self.runs]
        groups, length = [[]], 0
        for run in self.runs:
            if length >= GROUP_CHARS:
                groups.append([])
                length = 0
            groups[-1].append(run)
            length += len(run[1])
        return groups


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
        self.texts: list[_Text] = []  # every text with runs, in order

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
        text = _Text([(self._take(), piece) for piece in pieces], lines=bool(self.pre_depth))
        parent.children.append(text)
        self.texts.append(text)

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
        self._texts = builder.texts

    def marked(self, prefix: str) -> Markup:
        """The HTML with every run marked: an image or a table row by id `prefix`n (n its run
        number), a text's runs in groups, each wrapped in an element of class GROUP_CLASS whose id
        is `prefix` and the number of its first run."""
        return Markup("".join(self._write(child, prefix=prefix) for child in self.root.children))

    def marks(self, prefix: str) -> list[str]:
        """The ids `marked` gives, in order of their runs."""
        ids = [f"{prefix}{group[0][0]}" for text in self._texts for group in text.groups()]
        atomic, stack = [], list(self.root.children)
        while stack:
            node = stack.pop()
            if isinstance(node, _Element):
                if node.tag in ATOMIC and node.tag not in UNMARKED and node.first >= 0:
                    atomic.append(node.first)
                else:
                    stack.extend(node.children)
        return sorted(ids + [f"{prefix}{n}" for n in atomic], key=lambda name: int(name[len(prefix):]))

    def pages(self, prefix: str, anchors: dict, texts: dict) -> list[int | None]:
        """The page each run was laid out on, from a render of `marked(prefix)`: its anchors by id,
        and the text each group cut by a page's end holds on each page (page, text). A run cut
        over two pages (a word broken inside) counts for the later one."""
        pages: list[int | None] = [None] * self.runs
        for text in self._texts:
            for group in text.groups():
                name = f"{prefix}{group[0][0]}"
                if name in texts:
                    for (number, _), page in zip(group, _pages_in_group(group, texts[name])):
                        pages[number] = page
                elif name in anchors:
                    for number, _ in group:
                        pages[number] = anchors[name].page
        for number in range(self.runs):  # images, table rows: marked one by one
            if pages[number] is None and f"{prefix}{number}" in anchors:
                pages[number] = anchors[f"{prefix}{number}"].page
        return pages

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
            if prefix:
                return "".join(
                    f'<span class="{GROUP_CLASS}" id="{prefix}{group[0][0]}">'
                    f'{html.escape("".join(text for _, text in group), quote=False)}</span>'
                    if group[0][0] >= 0 else html.escape(group[0][1], quote=False)
                    for group in node.groups())
            out = []
            for number, text in node.runs:
                if span and not whole and number >= 0 and not (span[0] <= number <= span[1]):
                    continue
                out.append(html.escape(text, quote=False))
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


def _pages_in_group(group: list[tuple[int, str]], held: tuple[tuple[int, str], ...]) -> list[int]:
    """The page of each run of a group laid out over several pages, `held` the (page, text) of
    each. Each page after the first begins as many letters before the group's end as it and the
    pages after it hold. Should the texts not be the group's (a guide's stylesheet that changes
    letters, such as text-transform), the group goes whole to its last page, as a single run
    would."""
    letters = [len(_UNCOUNTED.sub("", text)) for _, text in group]
    whole = _UNCOUNTED.sub("", "".join(text for _, text in group))
    begins = []  # (letter where the page begins, page)
    for index, (page, _) in enumerate(held[1:], start=1):
        rest = _UNCOUNTED.sub("", "".join(text for _, text in held[index:]))
        if not whole.endswith(rest):
            return [held[-1][0]] * len(group)
        begins.append((len(whole) - len(rest), page))
    pages, offset = [], 0
    for count in letters:
        end = offset + count
        # the last page that begins before the run ends (an empty run: where it stands)
        pages.append(next((page for begin, page in reversed(begins) if begin < end or begin <= offset == end),
                          held[0][0]))
        offset = end
    return pages


def starts_from_pages(pages: list[int | None]) -> list[int]:
    """The first run of each piece, from the page each run was laid out on (None: not known).

    A run split over two pages (a word broken inside) is counted on the later one, and so goes
    whole to the later piece: the earlier keeps only what it fully held.
    """
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
