"""The workbook's HTML: title page, contents, chapters of questions, and the answer key.

One edition is normally one document. A large one is rendered as several documents ("parts":
the front matter, runs of chapters, runs of the answer key) that the printing step joins; the
same templates serve both, told which parts a document holds and, for the front matter of a
joined edition, the page numbers to print.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup

from ..config import Settings
from ..geometry.paper import Paper, parse_paper
from ..i18n import counts, css_string, strings
from . import CardView, ChapterView, Layouts, Meta, answer_lines

EDITIONS = ("handout", "workbook", "teacher")
LINE_PITCH_MM = 8.0  # ruled lines for handwriting


@dataclass(frozen=True)
class Margins:
    top_mm: float
    bottom_mm: float
    inner_mm: float  # the binding side
    outer_mm: float


@dataclass(frozen=True)
class ChapterPart:
    """A chapter, or the run of its cards that one document of a joined edition holds."""

    anchor: str
    label: str
    title: str
    notes: object
    cards: tuple[CardView, ...]
    continued: bool = False  # the chapter started in an earlier document (no heading here)
    key_continued: bool = False  # its answers started in an earlier document
    lang: str = ""  # its language where it differs from the document's


def margins_for(paper: Paper) -> Margins:
    if paper.width_mm >= 170:
        return Margins(top_mm=20, bottom_mm=20, inner_mm=22, outer_mm=16)
    return Margins(top_mm=15, bottom_mm=16, inner_mm=17, outer_mm=12)


def with_answer_lines(chapters: tuple[ChapterView, ...], settings: Settings) -> tuple[ChapterView, ...]:
    """Each card's number of ruled lines, from the length of its answer and the settings."""
    paper = parse_paper(settings.workbook.paper)
    margins = margins_for(paper)
    text_width = paper.width_mm - margins.inner_mm - margins.outer_mm - 9  # less the number column
    wb = settings.workbook
    return tuple(
        dataclasses.replace(chapter, cards=tuple(
            dataclasses.replace(view, answer_lines=answer_lines(
                view.answer, text_width, wb.answer_factor, wb.min_answer_lines, wb.answer_lines))
            for view in chapter.cards))
        for chapter in chapters)


# WeasyPrint copies the rest of a text for every line it breaks off it, so one text of 100,000
# characters costs seconds more than the same text in stretches of a thousand. Cut only where a
# line may break anyway (after a space or an invisible break, between two hanzi), and only in
# text outside inline elements (a break at the end of a box nested in another is lost), the
# stretches lay out line for line as the whole text did.
STRETCH_CHARS = 1000
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)|([^<]+)")
_INLINE = {"a", "abbr", "b", "code", "del", "em", "i", "kbd", "mark", "s", "samp", "small", "span", "strong",
           "sub", "sup", "u"}
_CUT = re.compile(r"[ \n\u200b]|(?<=[\u4e00-\u9fff])(?=[\u4e00-\u9fff])")


def in_stretches(fragment: Markup) -> Markup:
    """The HTML with each text longer than twice STRETCH_CHARS, outside inline elements, cut into
    spans of about STRETCH_CHARS."""
    if len(fragment) < 2 * STRETCH_CHARS:
        return fragment
    out, inline = [], 0
    for tag, text in _TAG_OR_TEXT.findall(str(fragment)):
        if tag:
            name = re.match(r"</?([a-zA-Z0-9]*)", tag).group(1).lower()
            if name in _INLINE and not tag.endswith("/>"):
                inline = max(0, inline + (-1 if tag.startswith("</") else 1))
            out.append(tag)
        elif inline or len(text) < 2 * STRETCH_CHARS:
            out.append(text)
        else:
            start = 0
            while len(text) - start > 2 * STRETCH_CHARS and (cut := _CUT.search(text, start + STRETCH_CHARS)):
                out.append(f"<span>{text[start:cut.end()]}</span>")
                start = cut.end()
            out.append(f"<span>{text[start:]}</span>")
    return Markup("".join(out))


def with_texts_in_stretches(chapters: tuple[ChapterView, ...]) -> tuple[ChapterView, ...]:
    return tuple(
        dataclasses.replace(chapter, cards=tuple(
            dataclasses.replace(view, question=in_stretches(view.question), answer=in_stretches(view.answer))
            for view in chapter.cards))
        for chapter in chapters)


def whole(chapters: tuple[ChapterView, ...]) -> tuple[ChapterPart, ...]:
    return tuple(ChapterPart(c.anchor, c.label, c.title, c.notes, c.cards, lang=c.lang) for c in chapters)


def split(chapters: tuple[ChapterView, ...], limit: int, key: bool = False) -> list[tuple[ChapterPart, ...]]:
    """Runs of at most `limit` cards, in order; a chapter longer than that continues in the next run.

    Question pages start each chapter on a new page, so there a run ends where a chapter ends
    whenever the next chapter would not fit whole: the pieces then break pages exactly where one
    document would. The answer key runs on from chapter to chapter, so its runs are simply full.
    """
    groups: list[tuple[ChapterPart, ...]] = []
    current: list[ChapterPart] = []
    count = 0
    for chapter in chapters:
        start = 0
        if not key and current and count + len(chapter.cards) > limit:
            groups.append(tuple(current))
            current, count = [], 0
        while True:
            if count >= limit:
                groups.append(tuple(current))
                current, count = [], 0
            taken = chapter.cards[start:start + limit - count]
            current.append(ChapterPart(chapter.anchor, chapter.label, chapter.title, chapter.notes, taken,
                                       continued=start > 0 and not key, key_continued=start > 0 and key,
                                       lang=chapter.lang))
            count += len(taken)
            start += len(taken)
            if start >= len(chapter.cards):
                break
    if current:
        groups.append(tuple(current))
    return groups


def glyphs_html(layouts: Layouts, language: str, font_url: Callable[[str], str]) -> str:
    """A tiny document holding every character a page-number footer can need."""
    words = strings(language)
    needed = set(words["page_of"].replace("{page}", "").replace("{pages}", "") + "0123456789") - {" "}
    characters = " ".join(sorted(needed))  # spaces between, so the space glyph is drawn too
    stylesheet = layouts.stylesheet("fonts.css.j2", font_url=font_url)
    return layouts.render("page-number-glyphs.html.j2", language=language, characters=characters,
                          stylesheet=stylesheet)


ANSWER_INK = "#7a2e12"  # the teacher's answers: typography.css's --answer-ink
_FORMULA_IMAGE = re.compile(r'(<img class="math" src="data:image/svg\+xml;base64,)([A-Za-z0-9+/=]+)(")')


def inked(fragment: str, colour: str) -> Markup:
    """The fragment with its formulas drawn in `colour`: a formula is an image (maths.py
    draws it in black), which the colour of the text around it does not reach."""
    def recolour(match: re.Match) -> str:
        svg = base64.b64decode(match.group(2)).decode("utf-8").replace('fill="black"', f'fill="{colour}"')
        return match.group(1) + base64.b64encode(svg.encode("utf-8")).decode("ascii") + match.group(3)

    return Markup(_FORMULA_IMAGE.sub(recolour, str(fragment)))


def _teacher(chapters: tuple[ChapterPart, ...]) -> tuple[ChapterPart, ...]:
    """The teacher's edition prints each answer in colour, its formulas included."""
    return tuple(dataclasses.replace(chapter, cards=tuple(
        dataclasses.replace(view, answer=inked(view.answer, ANSWER_INK)) for view in chapter.cards))
        for chapter in chapters)


def edition_html(layouts: Layouts, chapters: tuple[ChapterPart, ...], meta: Meta, settings: Settings,
                 language: str, edition: str, font_url: Callable[[str], str], *,
                 parts: tuple[str, ...] = ("front", "body", "key"), footer: bool = True,
                 page_numbers: dict[str, int] | None = None, key_continued: bool = False,
                 paper: Paper | None = None, chapter_count: int = 0, card_count: int = 0,
                 code_css: str = "") -> str:
    """One document of an edition. `footer=False` leaves the page numbers to be stamped later."""
    paper = paper or parse_paper(settings.workbook.paper)
    margins = margins_for(paper)
    words = strings(language)
    if edition != "workbook":
        parts = tuple(part for part in parts if part != "key")
    if edition == "teacher":
        chapters = _teacher(chapters)
    context = dict(
        paper=paper, margins=margins, duplex=settings.workbook.duplex,
        content_height_mm=paper.height_mm - margins.top_mm - margins.bottom_mm - 1,
        body_size_pt=10.5 if paper.width_mm >= 170 else 9.5,
        line_pitch_mm=LINE_PITCH_MM, page_numbers=page_numbers,
        footer=css_string(words["page_of"], page="counter(page)", pages="counter(pages)") if footer else "",
    )
    stylesheet = layouts.stylesheet("fonts.css.j2", "typography.css", "workbook.css.j2",
                                    font_url=font_url, **context)
    stylesheet += "\n" + code_css
    return layouts.render(
        "workbook.html.j2", language=language, meta=meta, words=words, edition=edition, parts=parts,
        chapters=chapters, key_continued=key_continued, stylesheet=stylesheet,
        chapter_count=chapter_count or len(chapters),
        card_count=card_count or sum(len(c.cards) for c in chapters),
        count_line=counts(language, chapter_count or len(chapters), card_count or sum(len(c.cards) for c in chapters)),
        answer_space=settings.workbook.answer_space, **context)
