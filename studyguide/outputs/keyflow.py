"""The answer key after an edit: only its pages from the change on are laid out again.

The key runs on from chapter to chapter, so it cannot be laid out a chapter at a time as the
question pages are (outputs/chapters.py). But a page of the key that begins with a whole answer
at the top of its text area holds what a document starting with that answer holds: nothing on it
comes from the pages before (its running head is the key's own title, page numbers are stamped at
the join, nothing floats, and each answer is kept whole unless it is longer than a page, which then
does not begin a page at the top).

So when a piece of the key changed, its pages before the last such page ahead of the first
changed answer are kept, and a short document is laid out from that page's answer: the changed
answers and a few pages after them. Where an answer that began a page at the top before does so
again in it, the layout has caught up with the earlier one, and the earlier pages from there on
are kept as well. When it has not caught up within those pages, the rest of the piece is laid out
from the last of its new pages that began with an answer.
Printed on both sides, a page keeps its side (its margins): the short document starts on a
right-hand page, and the layout catches up only on a page of the side it had.

The cache keeps a record per piece (keyed by what surrounds its answers: styles, fonts, title)
naming the render that holds its pages and a digest of each heading and answer in it.
"""

from __future__ import annotations

import dataclasses

from ..plain import plain_list, plain_str
from ..printing.pool import Job, Rendered
from .chapters import cut_at, join_pages, pages_of

# pages after the change where the layout may catch up with the earlier one: one, since a page
# costs a fifth of a second and an edit seldom moves where the next page begins; when it does,
# the rest is laid out from the last new page that began with an answer
CATCH_UP_PAGES = 1
LOOKAHEAD = 3  # blocks laid out past the last of them: whether an answer fits a page may depend on the next
SHORT_REST = CATCH_UP_PAGES  # when no more pages than this follow, the rest of the piece is laid out without catching up
AT_TOP_PT = 0.01


@dataclasses.dataclass(frozen=True)
class Block:
    """A chapter heading ("h"), an answer of one paragraph ("k") or of blocks ("b") of the key, by
    its element id."""

    id: str
    kind: str
    chapter: int  # index of its chapter part in the piece
    card: int = -1  # index of its card in that part, for an answer


@dataclasses.dataclass(frozen=True)
class _Window:
    piece: str  # the piece's key
    old: Rendered  # the earlier render of the piece
    first_page: int  # its pages before this one are kept ...
    first: int  # ... and the blocks from this one on laid out again,
    end: int  # up to this one (not included)
    catch_up: tuple[tuple[int, str], ...]  # (page of the earlier render, the answer that began it)


def blocks_of(parts) -> list[Block]:
    """The headings and answers of a piece of the key, in order, as workbook.html.j2 writes them."""
    found = []
    for number, part in enumerate(parts):
        if not part.key_continued:
            found.append(Block(f"key-{part.anchor}", "h", number))
        found += [Block(f"key-{view.card.anchor}", "k" if getattr(view, "answer_inline", True) else "b", number, index)
                  for index, view in enumerate(part.cards)]
    return found


def cut(html: str, blocks: list[Block]) -> tuple[str, list[str], str] | None:
    """The piece's HTML as (before its first block, each block, after its last), or None when the
    blocks cannot be found in order."""
    return cut_at(html, [block.id for block in blocks], "</section>")


def window_parts(parts, blocks: list[Block], first: int, end: int):
    """The chapter parts holding blocks [first, end): a chapter whose heading is left out continues."""
    chosen: dict[int, list[Block]] = {}
    for block in blocks[first:end]:
        chosen.setdefault(block.chapter, []).append(block)
    result = []
    for number, mine in chosen.items():
        part = parts[number]
        cards = tuple(part.cards[block.card] for block in mine if block.kind != "h")
        heading = any(block.kind == "h" for block in mine)
        result.append(dataclasses.replace(part, cards=cards, key_continued=part.key_continued or not heading))
    return tuple(result)


class Flow:
    """The key pieces of a build, and those laid out again from a page on."""

    def __init__(self, context, index, top_pt: float, duplex: bool, html) -> None:
        self.context = context
        self.cache = context.cache
        self.index = index  # record key → the piece's render and its blocks' digests
        self.top_pt = top_pt  # the top of the text area
        self.duplex = duplex
        self.html = html  # (chapter parts, continued) → the HTML of a piece of the key
        self.jobs: dict[str, Job] = {}  # piece key → its whole job
        self.records: dict[str, tuple[str, list[list[str]]]] = {}  # piece key → (record key, its blocks)
        self.windows: dict[str, _Window] = {}  # key of a job laying out from a page on → what it is for
        self.rests: dict[str, tuple[str, list]] = {}  # key of a job laying out the rest → (piece, pages before it)
        self.parts: dict[str, tuple] = {}  # piece key → (its chapter parts, its blocks)

    def plan(self, key: str, job: Job, parts, continued: bool) -> Job:
        """The job to run for a piece of the key (`continued`: it goes on from an earlier piece):
        itself, or one laying out only from a page on."""
        blocks = blocks_of(parts)
        pieces = cut(job.html, blocks)
        if pieces is None:
            return job
        head, texts, tail = pieces
        record_key = self.cache.record_key("key", f"{key}\0{head}\0{tail}", self.context.roots)
        # a block's digest covers the files it names (an image replaced under the same name)
        rows = [[block.id, block.kind, self.cache.record_key("key-block", text, self.context.roots)]
                for block, text in zip(blocks, texts)]
        self.jobs[key] = job
        self.records[key] = (record_key, rows)
        self.parts[key] = (parts, blocks)
        if record_key in self.index.before:  # kept while the piece is there
            self.index.now.setdefault(record_key, self.index.before[record_key])
        if self.cache.has(job):
            return job
        window = self._window(key, record_key, rows)
        if window is None:
            return job
        page = window.first_page + 1
        html = self.html(window_parts(parts, blocks, window.first, window.end), continued or page > 1)
        # named for the pages it lays out again: to the end, or up to where it may catch up
        upto = f"-to-{window.catch_up[-1][0] + 1}" if window.catch_up else ""
        follow = self.context.job(f"{key}:from-page-{page}{upto}", html, report=True,
                                  label=f"{job.label}, from page {page}")
        self.windows[follow.key] = window
        return follow

    def then(self, result: Rendered) -> Rendered | Job:
        """A piece of the key, joined from the earlier render's pages and the new ones, for a job
        laying out from a page on. When its layout did not catch up, the job laying out the rest
        from the last page of it that began with an answer (or, failing that, the whole piece)."""
        if result.key in self.rests:  # the rest of a piece whose layout did not catch up
            piece, kept = self.rests.pop(result.key)
            return self._joined(piece, kept + [pages_of(result, 0, result.pages)], result)
        window = self.windows.pop(result.key, None)
        if window is None:
            if result.key in self.records:
                self._remember(result.key)
            return result
        old, first = window.old, window.first_page
        kept = [pages_of(old, 0, first)] if first else []
        if not window.catch_up:  # laid out to the end
            return self._joined(window.piece, kept + [pages_of(result, 0, result.pages)], result)
        for page, answer in window.catch_up:
            here = self._at_top(result, answer)
            if here is not None and (not self.duplex or (first + here - page) % 2 == 0):
                return self._joined(window.piece, kept + [pages_of(result, 0, here), pages_of(old, page, old.pages)],
                                    result)
        parts, blocks = self.parts[window.piece]
        if window.end == len(blocks):  # it went to the piece's end: it is the rest
            return self._joined(window.piece, kept + [pages_of(result, 0, result.pages)], result)
        # the pages before the last one that began with an answer are laid out for good (the blocks
        # after it were there to tell), and the rest goes on from that answer
        tops = [(page, n) for n in range(window.first, max(window.first, window.end - LOOKAHEAD))
                if blocks[n].kind == "k" and (page := self._at_top(result, blocks[n].id)) is not None
                and (not self.duplex or (first + page) % 2 == 0)]
        if not tops:  # none after its first: the rest goes on from the window's first page
            if not first:
                return self.jobs[window.piece]
            tops = [(0, window.first)]
        page, n = tops[-1]
        rest = self.context.job(f"{window.piece}:from-page-{first + page + 1}",
                                self.html(window_parts(parts, blocks, n, len(blocks)), True), report=True,
                                label=f"{self.jobs[window.piece].label}, from page {first + page + 1}")
        self.rests[rest.key] = (window.piece, kept + [pages_of(result, 0, page)])
        return rest

    def _at_top(self, rendered: Rendered, block_id: str) -> int | None:
        """The page (not the first) that the block begins at the top of, if it does."""
        here = rendered.anchors.get(block_id)
        if here is None or here.page == 0 or abs(here.y_pt - self.top_pt) > AT_TOP_PT:
            return None
        return here.page

    def _joined(self, piece: str, kept: list, changed: Rendered) -> Rendered:
        joined = join_pages(piece, kept, changed, self.context.fonts)
        self.cache.put_entry(self.cache.key(self.jobs[piece]), joined)  # a build with no change takes it whole
        self._remember(piece)
        return joined

    def _remember(self, key: str) -> None:
        record_key, rows = self.records[key]
        self.index.keep(record_key, {"job": self.cache.key(self.jobs[key]), "blocks": rows})
        self.index.save()

    def _window(self, key: str, record_key: str, rows: list[list[str]]) -> _Window | None:
        """Where to lay the piece out again from, and where its layout may catch up, from the
        earlier render of the piece; None when it must be rendered whole."""
        try:
            record = self.index.before[record_key]
            old_rows = [[plain_str(value) for value in plain_list(row)] for row in plain_list(record["blocks"])]
            old = self.cache.entry(plain_str(record["job"]), key)
            if old is None or any(len(row) != 3 or row[0] not in old.anchors for row in old_rows):
                return None
        except (KeyError, TypeError, ValueError):  # absent, or damaged
            return None
        same = 0
        while same < min(len(rows), len(old_rows)) and rows[same] == old_rows[same]:
            same += 1
        tail = 0
        while tail < min(len(rows), len(old_rows)) - same and rows[-1 - tail] == old_rows[-1 - tail]:
            tail += 1
        if same == len(rows) == len(old_rows):
            return None
        unchanged_from = len(old_rows) - tail  # in the earlier render, the blocks from here on are as now
        # the pages of the earlier render that begin at the top with a whole answer, and the answer
        tops: dict[int, int] = {}
        for number, (block_id, kind, _) in enumerate(old_rows):
            anchor = old.anchors[block_id]
            if anchor.page not in tops:
                tops[anchor.page] = number if kind != "h" and abs(anchor.y_pt - self.top_pt) <= AT_TOP_PT else -1
        tops = {page: number for page, number in tops.items() if number >= 0 and page > 0}
        # a short document starts only at an answer of one paragraph: the first block of another
        # keeps its top margin on a document's first page, where a page after a break drops it
        starts = [page for page, number in tops.items() if number < same and old_rows[number][1] == "k"
                  and not (self.duplex and page % 2)]
        first = max(starts, default=0)
        catch_up = tuple((page, old_rows[number][0]) for page, number in sorted(tops.items())
                         if page > first and number >= unchanged_from)[:CATCH_UP_PAGES]
        if not catch_up or old.pages - first <= SHORT_REST:  # laid out to the end: nothing to catch up with
            if first == 0:
                return None  # that is the whole piece
            catch_up, end = (), len(rows)
        else:  # the last answer to catch up on, where it is now, and a few blocks after it
            end = min(len(rows), tops[catch_up[-1][0]] - unchanged_from + len(rows) - tail + 1 + LOOKAHEAD)
        return _Window(key, old, first, tops.get(first, 0), end, catch_up)
