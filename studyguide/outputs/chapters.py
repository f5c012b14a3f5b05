"""Workbook pieces after an edit: only the chapters that changed are laid out again.

A body piece of the workbook is a run of chapters, each starting on a new page (workbook.css.j2:
`.chapter { break-before }`), and nothing on a page carries over from another chapter: running
heads come from the chapter's own heading, page numbers are stamped at the join. So a chapter
laid out alone gives the very pages it has inside its piece. The cache keeps a record for each
chapter, keyed by the HTML it would render alone: which render holds its pages, and its anchors,
bookmarks and links on them. A piece whose HTML changed is then rendered as only its changed
chapters, in one small document, and joined with the other chapters' pages from earlier renders,
as the flashcards join sheets (outputs/flashcards.py).

Not for double-sided workbooks (a chapter may be followed by a blank page that only the whole
piece knows of) nor for a guide's own layouts (which may run chapters on): those pieces are
rendered whole, as before.
"""

from __future__ import annotations

import dataclasses
import io

from ..cache import anchor_rows, read_anchors
from ..plain import plain_int, plain_list, plain_str
from ..printing.pool import Bookmark, Job, Link, Rendered

_BODY_END = "</body>"


class Unspliced(Exception):
    """Chapters rendered apart that did not each start a page: a layout runs them on."""


def cut(html: str, parts) -> tuple[str, list[str], str] | None:
    """The piece's HTML as (what comes before its chapters, each chapter's section, what comes
    after), or None when its chapters cannot be told apart."""
    return cut_at(html, [part.anchor for part in parts], _BODY_END)


def cut_at(html: str, ids: list[str], end: str) -> tuple[str, list[str], str] | None:
    """The HTML as (before the element of the first id, each element from its id's to the next's,
    from the last `end` on), or None when the elements cannot be found in that order. Content
    cannot forge an element or its id: the reader writes no raw HTML."""
    starts, position = [], 0
    for name in ids:
        found = html.find(f' id="{name}"', position)
        opening = html.rfind("<", position, found) if found >= 0 else -1
        if opening < 0:
            return None
        starts.append(opening)
        position = found + 1
    stop = html.rfind(end)
    if not starts or stop < starts[-1]:
        return None
    return html[:starts[0]], [html[a:b] for a, b in zip(starts, starts[1:] + [stop])], html[stop:]


class Chapters:
    """The chapter records of a build's body pieces, and the pieces joined from them."""

    def __init__(self, context, index) -> None:
        self.context = context
        self.cache = context.cache
        self.index = index  # record key → where a chapter's pages are
        self.own: dict[str, list[tuple[str, str]]] = {}  # piece key → (anchor, record key) of its chapters
        self.jobs: dict[str, Job] = {}  # piece key → its whole job
        # key of a job of changed chapters → (its piece, what was found of each chapter, its cache key)
        self.changed: dict[str, tuple[str, list, str]] = {}
        self.joined: dict[str, Rendered] = {}  # piece key → the piece joined from chapters rendered apart

    def plan(self, key: str, job: Job, parts) -> Job | None:
        """The job to run for a body piece: itself, or one of only its changed chapters; None when
        every chapter was found in earlier renders (the piece is joined here and now)."""
        pieces = cut(job.html, parts)
        if pieces is None:
            return job
        head, sections, tail = pieces
        keys = [self.cache.record_key("chapter", head + section + tail, self.context.roots) for section in sections]
        self.own[key] = list(zip([part.anchor for part in parts], keys))
        for record_key in keys:  # kept in the index while a piece holds the chapter
            if record_key in self.index.before:
                self.index.now.setdefault(record_key, self.index.before[record_key])
        self.jobs[key] = job
        if self.cache.has(job):
            return job
        found = self._before(key)
        if not any(isinstance(item, _Kept) for item in found):
            return job  # none was: the piece is rendered whole, as in a first build
        new = [section for section, item in zip(sections, found) if not isinstance(item, _Kept)]
        if not new:
            self._finish(key, found, None)
            return None
        follow = self.context.job(f"{key}:changed", head + "".join(new) + tail, report=True,
                                  label=f"{job.label or key}, chapters changed")
        self.changed[follow.key] = (key, found, self.cache.key(follow))
        return follow

    def then(self, result: Rendered) -> Rendered:
        """What a finished job means for its piece: the piece itself (joined, for a job of changed
        chapters), with the chapters of what was rendered now remembered."""
        if result.key in self.changed:
            key, found, where = self.changed[result.key]
            new = [chapter for chapter, item in zip(self.own[key], found) if item is None]
            firsts = self._remember(result, where, new)
            if firsts is None:  # they did not each start a page: the piece is rendered whole
                raise Unspliced(key)
            fresh = iter(_chapter_of(result, firsts, n) for n in range(len(new)))
            return self._finish(key, [item if item is not None else next(fresh) for item in found], result)
        if result.key in self.jobs and result.seconds:  # rendered now, not taken from the cache
            self._remember(result, self.cache.key(self.jobs[result.key]), self.own[result.key])
        return result

    def _remember(self, rendered: Rendered, where: str, chapters: list[tuple[str, str]]) -> list[int] | None:
        """Where each chapter of a render has its pages, and what lies on them; the first page of
        each, or None if they do not each start a page of their own (then nothing is kept)."""
        firsts = [rendered.anchors[anchor].page if anchor in rendered.anchors else -1 for anchor, _ in chapters]
        if not firsts or firsts[0] != 0 or any(b <= a for a, b in zip(firsts, firsts[1:])):
            return None
        for number, (_, record_key) in enumerate(chapters):
            kept = _chapter_of(rendered, firsts, number)
            self.index.keep(record_key, {
                "job": where, "pages": list(kept.pages), "anchors": anchor_rows(kept.anchors),
                "bookmarks": [[b.page, b.level, b.label, b.x_pt, b.y_pt] for b in kept.bookmarks],
                "links": [[k.page, k.target, k.x_pt, k.y_pt, k.width_pt, k.height_pt] for k in kept.links]})
        self.index.save()
        return firsts

    def _before(self, key: str) -> list:
        """For each chapter of the piece, its pages in an earlier render, or None to render it."""
        found, sources = [], {}
        for _, record_key in self.own[key]:
            record = self.index.before.get(record_key)
            try:
                where = plain_str(record["job"])
                if where not in sources:
                    sources[where] = self.cache.entry(where, key)
                source = sources[where]
                pages = tuple(plain_int(page) for page in plain_list(record["pages"]))
                anchors = read_anchors(record["anchors"])
                bookmarks = tuple(Bookmark(plain_int(v[0]), plain_int(v[1]), plain_str(v[2]), float(v[3]), float(v[4]))
                                  for v in plain_list(record["bookmarks"]))
                links = tuple(Link(plain_int(v[0]), plain_str(v[1]), *(float(n) for n in v[2:6]))
                              for v in plain_list(record["links"]))
                if source is None or not pages or not all(0 <= page < source.pages for page in pages) \
                        or not all(0 <= item.page < len(pages) for item in (*anchors.values(), *bookmarks, *links)):
                    raise ValueError("not that render's pages")
                found.append(_Kept(source, pages, anchors, bookmarks, links))
            except (TypeError, ValueError, KeyError, IndexError):  # absent (None), damaged or stale
                found.append(None)
        return found

    def _finish(self, key: str, found: list, changed: Rendered | None) -> Rendered:
        joined = join_pages(key, found, changed, self.context.fonts)
        self.cache.put_entry(self.cache.key(self.jobs[key]), joined)  # a build with no change takes it whole
        self.joined[key] = joined
        return joined


@dataclasses.dataclass(frozen=True)
class _Kept:
    source: Rendered  # the render holding the chapter's pages
    pages: tuple[int, ...]
    anchors: dict
    bookmarks: tuple[Bookmark, ...]
    links: tuple[Link, ...]


def _chapter_of(rendered: Rendered, firsts: list[int], index: int) -> _Kept:
    """The index-th chapter of a render whose chapters start on pages `firsts`."""
    return pages_of(rendered, firsts[index], (firsts + [rendered.pages])[index + 1])


def pages_of(rendered: Rendered, first: int, end: int) -> _Kept:
    """Pages [first, end) of a render, and what lies on them with pages counted from its first."""
    def mine(items):
        return [dataclasses.replace(item, page=item.page - first) for item in items if first <= item.page < end]

    anchors = {name: dataclasses.replace(a, page=a.page - first) for name, a in rendered.anchors.items()
               if first <= a.page < end}
    return _Kept(rendered, tuple(range(first, end)), anchors, tuple(mine(rendered.bookmarks)),
                 tuple(mine(rendered.links)))


def join_pages(key: str, found: list[_Kept], changed: Rendered | None, fonts) -> Rendered:
    """A piece's render made of its chapters' pages, from earlier renders and from `changed` (the
    changed chapters rendered now)."""
    import pikepdf

    from ..printing.assemble import unify_fonts

    pdf = pikepdf.new()
    opened: dict[int, pikepdf.Pdf] = {}  # open until saved
    anchors, bookmarks, links = {}, [], []
    for item in found:
        if id(item.source) not in opened:
            opened[id(item.source)] = pikepdf.open(io.BytesIO(item.source.pdf))
        base = len(pdf.pages)
        for page in item.pages:
            pdf.pages.append(opened[id(item.source)].pages[page])
        for name, anchor in item.anchors.items():
            anchors.setdefault(name, dataclasses.replace(anchor, page=base + anchor.page))
        bookmarks += [dataclasses.replace(b, page=base + b.page) for b in item.bookmarks]
        links += [dataclasses.replace(k, page=base + k.page) for k in item.links]
    if fonts is not None:
        unify_fonts(pdf, fonts)
    out = io.BytesIO()
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    size = found[0].source.page_size_pt
    warnings = tuple(changed.warnings) if changed is not None else ()
    return Rendered(key, out.getvalue(), len(pdf.pages), anchors, (), warnings, tuple(bookmarks), tuple(links),
                    size, 0.0)
