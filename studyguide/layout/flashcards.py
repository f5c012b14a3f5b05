"""Flashcard sheets: fronts and backs alternate, each answer placed behind its question.

The steps, each a pure function of what it is given, so any run of sheets can be rendered on its
own: `card_sides` (each side's body HTML, once) → `deck` (physical cards, after fitting and any
continuation) → `sheets` (where each face goes on which sheet) → `sheet_documents` (HTML).

The DOM is kept lean because WeasyPrint's time grows with the number of boxes: a card side is one
element with its label and chapter title drawn from `data-` attributes by `::before`/`::after`,
and one body element, centred in its card by a transform so it needs no measured height; places,
sizes and centre lines are classes, not inline styles. Cut guides are one SVG per kind of sheet
where a guide's own layouts draw them; otherwise they, and the colour bands, are PDF drawings
(`guide_drawings`, `band_drawing`) put over sheets rendered without them when they are joined.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote

from markupsafe import Markup, escape

from ..geometry.drawings import (BAND_MM, CHAPTER_COLOURS, CUT_DASH_MM, CUT_LINE_PT, FOLD_DASH_MM, GUIDE_GREY, Spot,
                                 guide_lines, slot_rect)
from ..geometry.paper import PT_TO_MM
from ..geometry.sheets import Backs, Rect, Stock
from ..markdown import visible_text
from ..model import Card
from . import CardView, Layouts
from .fit import (HEAD_GAP_MM, HEAD_LINE_HEIGHT, HEAD_SIZE_PT, LINE_HEIGHT, PADDING_MM, Area, Fit,
                  Measuring, Side, area, body_width_mm, image_max_mm, steps)
from .split import STACKED_CLASS

RECALL_SCALE = 0.72  # the question repeated on the back, relative to the answer's size
_LONE_PARAGRAPH = re.compile(r"\s*<p>((?:(?!<p[\s>]|</p>).)*)</p>\s*", re.DOTALL)


# -- sides --------------------------------------------------------------------------------------

def _lean(fragment: str) -> Markup:
    """A side that is one paragraph loses its <p>: one box less per card side, the same text."""
    match = _LONE_PARAGRAPH.fullmatch(fragment)
    return Markup(match.group(1) if match else fragment.strip())


_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.DOTALL)
_DATA_CELL = re.compile(r"<td(?=[\s>])")
_LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.DOTALL)
# a run no line breaks inside: a zero-width space (which the Markdown renderer puts every 12
# letters of a long string, such as a web address) ends one
_UNBREAKABLE = re.compile(r"[^\s\u200b\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+")
CELL_PADDING_EM = 1.0  # typography.css: 0.5em on either side of a cell's text
LATIN_EM = 0.62  # a generous average width of a Latin letter or digit (bold heads, code)


STACKED = f'class="{STACKED_CLASS}"'  # on a table read row by row


def stack_wide_tables(fragment: str, width_em: float) -> str:
    """Tables whose longest words cannot sit side by side within `width_em`, read row by row.

    Cells break between words and between Chinese characters, so a table as wide as its longest
    words fits; one wider than the card even so would have to break inside words. Instead it is
    read as on a narrow screen: its header one line, each row a block, each cell after its
    column's name (`data-label`, drawn by cards.css), and no word breaks.
    """
    def stack(match: re.Match) -> str:
        columns: dict[int, float] = {}
        for row in _ROW.findall(match.group(1)):
            for index, cell in enumerate(_CELL.findall(row)):
                # links break anywhere on a card (cards.css): they set no width
                runs = _UNBREAKABLE.findall(visible_text(_LINK.sub("", cell)))
                longest = max([len(run) * LATIN_EM for run in runs] + [1.0])
                columns[index] = max(columns.get(index, 0.0), longest + CELL_PADDING_EM)
        if sum(columns.values()) <= width_em:
            return match.group(0)
        head = match.group(1).split("</thead>")[0] if "</thead>" in match.group(1) else ""
        names = [visible_text(cell).strip() for cell in _CELL.findall(head)]

        def label(row: re.Match) -> str:
            cells = iter(names)

            def named(cell: re.Match) -> str:
                name = next(cells, "")
                return f'<td data-label="{escape(name)}"' if name else "<td"

            return _DATA_CELL.sub(named, row.group(0))

        return f'<table {STACKED}>{_ROW.sub(label, match.group(1))}</table>'

    return _TABLE.sub(stack, fragment) if "<table>" in fragment else fragment


def card_sides(views: list[CardView], layouts: Layouts, question_on_back: bool,
               width_em: float = 0.0) -> dict[str, Side]:
    """Every card's front (f-<anchor>) and back (b-<anchor>), in deck order; `width_em` is the
    card's text width at the smallest size, for tables too wide for it."""
    sides: dict[str, Side] = {}
    for view in views:
        front = _lean(layouts.render("card-front.html.j2", view=view))
        back = _lean(layouts.render("card-back.html.j2", view=view, recall=question_on_back))
        if width_em:
            front, back = (Markup(stack_wide_tables(side, width_em)) for side in (front, back))
        weight = view.answer_weight + (view.question_weight * RECALL_SCALE if question_on_back else 0)
        sides[f"f-{view.card.anchor}"] = Side(f"f-{view.card.anchor}", front, view.question_weight,
                                              view.question_paragraphs)
        sides[f"b-{view.card.anchor}"] = Side(f"b-{view.card.anchor}", back, weight,
                                              view.answer_paragraphs + (1 if question_on_back else 0))
    return sides


def continued_label(card: Card, part: int, parts: int, continued: str) -> str:
    """`1.3`, or `1.3 · 1/2` and `1.3 · 续 2/2` on a card continued on another."""
    if parts == 1:
        return card.label
    return f"{card.label} · {part}/{parts}" if part == 1 else f"{card.label} · {continued} {part}/{parts}"


def head_texts(views: list[CardView], continued: str) -> dict[int, tuple[str, str]]:
    """The widest head each chapter's fronts can have (0: the backs'), for measuring it once."""
    heads: dict[int, tuple[str, str]] = {}
    widest = ""
    for view in views:
        label = continued_label(view.card, 9, 9, continued)
        index = view.card.chapter_index
        if index not in heads or len(label) > len(heads[index][0]):
            heads[index] = (label, view.chapter_title)
        widest = max(widest, label, key=len)
    heads[0] = (widest, "")
    return heads


def areas(sides: dict[str, Side], views: list[CardView], stock: Stock, heads_mm: dict[int, float]) -> dict[str, Area]:
    """Side key → where its body goes on the card, below its measured head."""
    found = {}
    for view in views:
        found[f"f-{view.card.anchor}"] = area(stock, heads_mm[view.card.chapter_index])
        found[f"b-{view.card.anchor}"] = area(stock, heads_mm[0])
    return found


# -- physical cards -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Face:
    """One printed side of one physical card."""

    key: str  # id of its body element: f-q1-3, b-q1-3, and f-q1-3-2 for a continuation
    card: Card
    side: str  # front | back
    html: Markup
    size_pt: float
    label: str
    title: str  # the chapter's title on fronts, "" on backs
    area: Area
    lang: str = ""  # the card's language where it differs from the document's


@dataclass(frozen=True)
class Flashcard:
    front: Face
    back: Face


def deck(views: list[CardView], sides: dict[str, Side], fits: dict[str, Fit], pieces: dict[str, list[Markup]],
         side_areas: dict[str, Area], minimum_pt: float, continued: str) -> list[Flashcard]:
    """The cards to print, in order. A side cut into pieces takes one card per piece; its other
    side is repeated (a question) or left empty (an answer) on the extra cards."""
    result = []
    for view in views:
        card = view.card
        keys = {"front": f"f-{card.anchor}", "back": f"b-{card.anchor}"}
        parts = {side: pieces.get(key) or [sides[key].html] for side, key in keys.items()}
        total = max(len(parts["front"]), len(parts["back"]))
        for number in range(1, total + 1):
            faces = {}
            label = continued_label(card, number, total, continued)
            for side, key in keys.items():
                own = parts[side]
                if number <= len(own):
                    html = own[number - 1]
                elif side == "front" and len(own) == 1:
                    html = own[0]
                else:
                    html = Markup("")
                size = minimum_pt if key in pieces else fits[key].size_pt
                faces[side] = Face(key if number == 1 else f"{key}-{number}", card, side, html, size, label,
                                   view.chapter_title if side == "front" else "", side_areas[key], view.lang)
            result.append(Flashcard(faces["front"], faces["back"]))
    return result


# -- sheets -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Placed:
    face: Face
    rect: Rect  # the card's rectangle on the page, in mm
    index: int = 0  # the card's place among its sheet's cards (its slot, on a front)


@dataclass(frozen=True)
class Sheet:
    kind: str  # front | back | fold
    number: int  # 1-based: the physical sheet
    cards: tuple[Placed, ...]


def sheets(cards: list[Flashcard], stock: Stock, placement: Backs) -> list[Sheet]:
    """Every page in print order: a front then its back, or one folded sheet each.

    Every sheet keeps the whole grid in place, the last one too: a part-filled sheet only has
    fewer cards, in the same slots.
    """
    result = []
    for start in range(0, len(cards), stock.per_sheet):
        batch = cards[start:start + stock.per_sheet]
        number = start // stock.per_sheet + 1
        if stock.fold:
            placed = []
            for index, card in enumerate(batch):
                question, answer = stock.slot(index).halves()
                placed += [Placed(card.front, question, index), Placed(card.back, answer, index)]
            result.append(Sheet("fold", number, tuple(placed)))
            continue
        for kind in ("front", "back"):
            result.append(Sheet(kind, number, tuple(Placed(getattr(card, kind), slot_rect(stock, kind, index, placement),
                                                            index) for index, card in enumerate(batch))))
    return result


def spots(sheet: Sheet) -> tuple[Spot, ...]:
    return tuple(Spot(placed.rect, placed.index, placed.face.card.chapter_index, placed.face.area.middle_mm)
                 for placed in sheet.cards)


# -- HTML ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FaceView:
    """A placed face as the sheet template prints it."""

    classes: str
    label: str
    title: str
    key: str
    html: Markup
    size_class: str
    lang: str = ""


@dataclass(frozen=True)
class SheetView:
    kind: str
    faces: tuple[FaceView, ...]


def _size_class(size_pt: float) -> str:
    return f"z{round(size_pt * 10)}"


def _sizes(every, used) -> dict[float, str]:
    """A class for each size of `every` (all the steps a side may take) and of `used`: a text keying
    a cache record by its stylesheet then stays the same when one card steps to a size no other
    card had, which would otherwise change the records of every sheet, or every side measured,
    and render them all again. A rule for a size no element has changes nothing drawn."""
    return {size: _size_class(size) for size in (*every, *used)}


def _data_url(svg: str) -> str:
    return "data:image/svg+xml," + quote(svg, safe="=:/,.#-")


@dataclass(frozen=True)
class Style:
    """What the card stylesheet needs besides the stock: every class the sheets use."""

    positions: dict[Rect, str]
    sizes: dict[float, str]
    middles: dict[float, str]


def _style_for(pages: list[Sheet]) -> Style:
    positions: dict[Rect, str] = {}
    sizes: dict[float, str] = {}
    middles: dict[float, str] = {}
    for sheet in pages:
        for placed in sheet.cards:
            rect = Rect(*(round(v, 4) for v in (placed.rect.x_mm, placed.rect.y_mm,
                                                placed.rect.width_mm, placed.rect.height_mm)))
            positions.setdefault(rect, f"p{len(positions)}")
            sizes.setdefault(placed.face.size_pt, _size_class(placed.face.size_pt))
            middles.setdefault(round(placed.face.area.middle_mm, 4), f"y{len(middles)}")
    return Style(positions, sizes, middles)


def stylesheet(layouts: Layouts, stock: Stock, font_url: Callable[[str], str], style: Style,
               guide_urls: dict[str, str], page_mm: tuple[float, float] | None = None) -> Markup:
    page_mm = page_mm or (stock.paper.width_mm, stock.paper.height_mm)
    return layouts.stylesheet(
        "fonts.css.j2", "typography.css", "cards.css.j2", font_url=font_url, stock=stock, paper=stock.paper,
        page_width_mm=page_mm[0], page_height_mm=page_mm[1], padding_mm=PADDING_MM,
        head_size_pt=HEAD_SIZE_PT, head_line_height=HEAD_LINE_HEIGHT, line_height=LINE_HEIGHT,
        body_width_mm=body_width_mm(stock), cut_line_pt=CUT_LINE_PT, positions=style.positions,
        sizes=style.sizes, middles=style.middles, guide_urls=guide_urls, colours=CHAPTER_COLOURS,
        band_mm=BAND_MM, head_gap_mm=HEAD_GAP_MM, recall_scale=RECALL_SCALE, image_max_mm=image_max_mm(stock))


def guide_urls(layouts: Layouts, stock: Stock, cut: str, backs: Backs) -> dict[str, str]:
    """The SVG drawing of the guides for each kind of sheet, as data: URLs (parsed once per render)."""
    return {kind: _data_url(layouts.render(
        "cut-guides.svg.j2", paper=stock.paper, lines=lines, stroke_mm=CUT_LINE_PT * PT_TO_MM, colour=GUIDE_GREY,
        cut_dash=CUT_DASH_MM, fold_dash=FOLD_DASH_MM)) for kind, lines in guide_lines(stock, cut, backs).items()}


def sheet_documents(layouts: Layouts, pages: list[Sheet], stock: Stock, settings, language: str, meta,
                    font_url: Callable[[str], str], urls: dict[str, str],
                    chunks: int = 1, band: bool | None = None) -> list[tuple[list[Sheet], str]]:
    """The sheets as HTML: one document, or `chunks` documents of whole physical sheets each to render
    side by side, with the pages each holds. Each document carries the stylesheet of its own sheets,
    so an edit that changes one card's size or place re-renders only the document holding it.
    `band`: whether the sheets draw the colour bands (by default, as the settings say)."""
    band = settings.cards.band if band is None else band
    per_chunk = _chunk_size(pages, chunks)
    documents = []
    for start in range(0, len(pages), per_chunk):
        chunk = pages[start:start + per_chunk]
        style = _style_for(chunk)
        css = stylesheet(layouts, stock, font_url, style, urls)
        documents.append((chunk, layouts.render("flashcards.html.j2", language=language, meta=meta,
                                                sheets=_views(chunk, style), stylesheet=css, band=band)))
    return documents


def sheet_keys(layouts: Layouts, pages: list[Sheet], groups: list[list[Sheet]], stock: Stock, settings,
               language: str, meta, font_url: Callable[[str], str], urls: dict[str, str],
               band: bool | None = None) -> list[str]:
    """For each physical sheet in `groups` (pages of `pages`), a text that changes whenever its own
    document (`sheet_documents` of it alone) would render differently: its markup, with the classes
    of one stylesheet made for all `pages`, and that stylesheet. One stylesheet for the deck costs
    far less than one per sheet."""
    style = _style_for(pages)
    every = steps(settings.cards.base_size_pt, settings.cards.min_size_pt)
    css = stylesheet(layouts, stock, font_url, dataclasses.replace(style, sizes=_sizes(every, style.sizes)), urls)
    band = settings.cards.band if band is None else band
    return [layouts.render("flashcards.html.j2", language=language, meta=meta, sheets=_views(group, style),
                           stylesheet=css, band=band) for group in groups]


def _views(pages: list[Sheet], style: Style) -> list[SheetView]:
    views = []
    for sheet in pages:
        faces = []
        for placed in sheet.cards:
            face = placed.face
            rect = Rect(*(round(v, 4) for v in (placed.rect.x_mm, placed.rect.y_mm,
                                                placed.rect.width_mm, placed.rect.height_mm)))
            classes = (f"c {'q' if face.side == 'front' else 'a'} {style.positions[rect]} "
                       f"{style.middles[round(face.area.middle_mm, 4)]} "
                       f"k{(face.card.chapter_index - 1) % len(CHAPTER_COLOURS)}")
            faces.append(FaceView(classes, face.label, face.title, face.key, face.html, style.sizes[face.size_pt],
                                  face.lang))
        views.append(SheetView(sheet.kind, tuple(faces)))
    return views


def _chunk_size(pages: list[Sheet], chunks: int) -> int:
    """Pages per document, whole physical sheets (front and back together) in each."""
    per_sheet = 1 if pages and pages[0].kind == "fold" else 2
    count = max(1, len(pages) // per_sheet)
    return max(1, -(-count // max(1, chunks))) * per_sheet


def measure_html(layouts: Layouts, measuring: Measuring, stock: Stock, language: str, meta,
                 font_url: Callable[[str], str], css: str = "") -> str:
    """The document that measures the heads and the doubtful sides (tall pages, one column), with
    its own stylesheet, or `css` (a `measure_css` for all these sides' sizes and more)."""
    sizes = {item.size_pt: _size_class(item.size_pt) for item in measuring.items}
    css = css or measure_css(layouts, measuring, stock, font_url)
    return layouts.render("card-measure.html.j2", language=language, meta=meta, heads=measuring.heads.values(),
                          items=measuring.items, sizes=sizes, stylesheet=css)


def measure_css(layouts: Layouts, measuring: Measuring, stock: Stock, font_url: Callable[[str], str],
                every: tuple[float, ...] = ()) -> Markup:
    """The measuring stylesheet for these sides' sizes, and the sizes `every` as well (see `_sizes`)."""
    sizes = _sizes(every, (item.size_pt for item in measuring.items))
    return stylesheet(layouts, stock, font_url, Style({}, sizes, {}), {}, (body_width_mm(stock), 5000))


@dataclass(frozen=True)
class SplitItem:
    id: str  # of the side's wrapper; its runs are <id>-<n>
    marked: Markup
    page: str  # named page as tall as the side's text area


def split_html(layouts: Layouts, items: list[SplitItem], heights_mm: dict[str, float], stock: Stock,
               minimum_pt: float, language: str, meta, font_url: Callable[[str], str]) -> str:
    """The document that paginates the sides to continue, one page per card's text area."""
    size_class = _size_class(minimum_pt)
    css = stylesheet(layouts, stock, font_url, Style({}, {minimum_pt: size_class}, {}), {},
                     (body_width_mm(stock), max(heights_mm.values())))
    return layouts.render("card-split.html.j2", language=language, meta=meta, items=items, heights=heights_mm,
                          size_class=size_class, body_width_mm=body_width_mm(stock), stylesheet=css)
