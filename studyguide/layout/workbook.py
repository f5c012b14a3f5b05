"""The workbook's HTML: title page, contents, chapters of questions, and the answer key."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

from ..config import Settings
from ..i18n import css_string, strings
from . import ChapterView, Layouts, Meta, answer_lines
from .content import highlight_css
from .paper import parse_paper

EDITIONS = ("handout", "workbook", "teacher")
LINE_PITCH_MM = 8.0  # ruled lines for handwriting


@dataclass(frozen=True)
class Margins:
    top_mm: float = 20
    bottom_mm: float = 20
    inner_mm: float = 22  # the binding side
    outer_mm: float = 16


def workbook_html(layouts: Layouts, chapters: tuple[ChapterView, ...], meta: Meta, settings: Settings,
                  language: str, edition: str = "workbook", duplex: bool = False,
                  font_url: Callable[[str], str] = str) -> str:
    paper = parse_paper(settings.workbook.paper)
    margins = Margins() if paper.width_mm >= 170 else Margins(15, 16, 17, 12)
    text_width = paper.width_mm - margins.inner_mm - margins.outer_mm - 9  # less the number column
    wb = settings.workbook
    chapters = tuple(
        dataclasses.replace(chapter, cards=tuple(
            dataclasses.replace(view, answer_lines=answer_lines(
                view.answer_weight, text_width, wb.answer_factor, wb.min_answer_lines, wb.answer_lines))
            for view in chapter.cards))
        for chapter in chapters)
    words = strings(language)
    context = dict(
        paper=paper, margins=margins, duplex=duplex,
        content_height_mm=paper.height_mm - margins.top_mm - margins.bottom_mm - 1,
        body_size_pt=10.5 if paper.width_mm >= 170 else 9.5,
        line_pitch_mm=LINE_PITCH_MM,
        footer=css_string(words["page_of"], page="counter(page)", pages="counter(pages)"),
    )
    stylesheet = layouts.stylesheet("fonts.css.j2", "typography.css", "workbook.css.j2",
                                    font_url=font_url, **context)
    stylesheet += "\n" + highlight_css()
    return layouts.render(
        "workbook.html.j2", language=language, meta=meta, words=words, edition=edition,
        chapters=chapters, card_count=sum(len(c.cards) for c in chapters), stylesheet=stylesheet,
        answer_space=wb.answer_space, **context)
