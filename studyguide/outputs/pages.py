"""out/questions.html and out/answers.html: the two sides for reading on screen, fonts inside."""

from __future__ import annotations

import dataclasses

from ..export.media import data_url, replace_images
from ..fonts import subset, woff_data_uri
from ..i18n import strings
from . import Context, Plan


def guide_characters(context: Context) -> set[str]:
    """Every character the guide's text and studyguide's own words can show."""
    words = strings(context.language)
    characters = set(context.meta.title + "".join(words.values()) + "0123456789")
    for chapter in context.views:
        characters |= set(chapter.label + chapter.title + chapter.chapter.notes)
        for view in chapter.cards:
            characters |= set(view.card.question + view.card.answer + view.chapter_title)
    return characters


def embedded_font_urls(context: Context, families: tuple[str, ...] = (), extra: set[str] = frozenset()
                       ) -> dict[str, str]:
    """Each face of the guide (of `families`, if given) cut down to the guide's characters (and
    `extra`), as a data: URL."""
    characters = guide_characters(context) | set(extra)
    fonts = context.fonts
    faces = fonts.css_faces(families) + ((fonts.emoji,) if fonts.emoji else ())
    return {face.file: woff_data_uri(subset(fonts.path(face), characters, face.index)) for face in faces}


def with_embedded_images(views):
    """The chapters with every image inside as a data: URL, as the study page has them: a page
    that points at files breaks when it is copied, and shows the author's folders."""
    def embed(fragment):
        return replace_images(fragment, data_url)

    return tuple(dataclasses.replace(chapter, notes=embed(chapter.notes), cards=tuple(
        dataclasses.replace(view, question=embed(view.question), answer=embed(view.answer))
        for view in chapter.cards)) for chapter in views)


def plan(context: Context) -> Plan:
    def files(rendered):
        words = strings(context.language)
        urls = embedded_font_urls(context)
        stylesheet = context.layouts.stylesheet("fonts.css.j2", "typography.css", "screen.css",
                                                font_url=urls.__getitem__)
        pages = {}
        chapters = with_embedded_images(context.views)
        for side, other in (("questions", "answers"), ("answers", "questions")):
            pages[f"{side}.html"] = context.layouts.render(
                f"{side}.html.j2", language=context.language, meta=context.meta, words=words,
                chapters=chapters, stylesheet=stylesheet + "\n" + context.code_css,
                side_name=words[f"{side}_page"], other_page=f"{other}.html")
        return pages

    return Plan([], files)
