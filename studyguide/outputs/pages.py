"""out/questions.html and out/answers.html: the two sides for reading on screen, fonts inside."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re

from ..fonts import file_stamp, subset, woff_data_uri
from ..i18n import strings
from . import Context, Plan
from .media import data_url, replace_images


_DOCTYPE = re.compile(r"\A\s*<!doctype[^>]*>", re.IGNORECASE)
_INLINE_SCRIPT = re.compile(r"<script(?:\s[^>]*)?>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)


def offline(html: str, script: str = "") -> str:
    """An HTML output sealed off, whatever a guide's own layouts put in it: a security policy,
    first thing in the page, lets a browser load nothing from anywhere (images and fonts only as
    data: URLs, styles only inline) and run no script but `script`, studyguide's own, allowed by
    the hash of the element that holds it."""
    # (without a script of our own, the page, megabytes of fonts and images, is not searched)
    hashes = sorted({base64.b64encode(hashlib.sha256(match.group(1).encode("utf-8")).digest()).decode()
                     for match in (_INLINE_SCRIPT.finditer(html) if script else ())
                     if match.group(1).strip() == script.strip()})
    scripts = " ".join(f"'sha256-{digest}'" for digest in hashes) or "'none'"
    policy = (f"default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
              f"script-src {scripts}; base-uri 'none'; form-action 'none'")
    # before everything but the doctype: a policy covers only what comes after it
    start = match.end() if (match := _DOCTYPE.match(html)) else 0
    return f'{html[:start]}\n<meta http-equiv="Content-Security-Policy" content="{policy}">{html[start:]}'


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
    characters = frozenset(guide_characters(context) | set(extra))
    fonts = context.fonts
    faces = fonts.css_faces(families) + ((fonts.emoji,) if fonts.emoji else ())
    return {face.file: _font_url(fonts.path(face), face.index, characters, context.cache) for face in faces}


# A cut face as a data: URL, by its file (as the fingerprint knows a font: size, time and inode)
# and the characters it keeps. Cutting and encoding take a few tenths of a second each build, and
# `watch` builds again and again with the same characters; kept in memory for this process only.
_FONT_URLS: dict[tuple, str] = {}
_FONT_URLS_KEPT = 8  # the faces of the pages and of the study page, and a few left over


def _font_url(path, index: int, characters: frozenset[str], cache) -> str:
    stamp = file_stamp(path)
    key = (str(path), stamp, index, characters) if stamp else None
    url = _FONT_URLS.pop(key, None) if key else None
    if url is None:
        url = woff_data_uri(subset(path, characters, index), cache)
    if key:
        _FONT_URLS[key] = url  # the last used last: the oldest go first
        while len(_FONT_URLS) > _FONT_URLS_KEPT:
            del _FONT_URLS[next(iter(_FONT_URLS))]
    return url


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
            pages[f"{side}.html"] = offline(context.layouts.render(
                f"{side}.html.j2", language=context.language, meta=context.meta, words=words,
                chapters=chapters, stylesheet=stylesheet + "\n" + context.code_css,
                side_name=words[f"{side}_page"], other_page=f"{other}.html"))
        return pages

    return Plan([], files)
