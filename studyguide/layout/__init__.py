"""Layout: chapters and cards to HTML through the Jinja templates and CSS in layouts/.

A guide's own `layouts/` folder comes first on the search path, so a user overrides any built-in
template or stylesheet by giving a file the same name.
"""

from __future__ import annotations

import math
import re
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jinja2 import (StrictUndefined, TemplateError, TemplateNotFound,
                    TemplateSyntaxError, select_autoescape)
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from .. import __version__
from ..fonts import Fonts, bundled
from ..i18n import strings
from ..markdown import is_han, visible_text
from ..model import Card, Chapter, Guide
from ..resources import LAYOUTS
from .content import ContentRenderer
from .sandbox import LayoutsLoader, Sandbox


@dataclass(frozen=True)
class CardView:
    """A card as the templates see it: its data and both sides already in HTML."""

    card: Card
    chapter_title: str
    question: Markup  # inline HTML when the question is a single paragraph, else blocks
    answer: Markup
    question_inline: bool
    answer_inline: bool
    question_weight: float  # printed length of the question, in Chinese-character widths
    answer_weight: float
    question_paragraphs: int  # lines the text starts anew on (paragraphs, line breaks)
    answer_paragraphs: int
    first_in_section: bool = False
    answer_lines: int = 0
    lang: str = ""  # the card's language where it differs from the document's

    @property
    def bookmark(self) -> str:
        """`1.3 连续因变量的损失函数与二元因…`: the card's label and the start of its question."""
        text = " ".join(visible_text(self.question).split())
        return f"{self.card.label} {text[:24]}{'…' if len(text) > 24 else ''}"


@dataclass(frozen=True)
class ChapterView:
    chapter: Chapter
    label: str  # 第 1 章 / Chapter 1
    title: str
    notes: Markup
    cards: tuple[CardView, ...]
    lang: str = ""  # the chapter's language where it differs from the document's

    @property
    def anchor(self) -> str:
        return self.chapter.anchor


@dataclass(frozen=True)
class Meta:
    """What the title page and the PDF metadata say."""

    title: str
    subtitle: str = ""
    course: str = ""
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    created: str = ""  # ISO 8601, for reproducible files
    date: str = ""


def text_weight(fragment: str) -> float:
    """Printed length of HTML text in Chinese-character widths (Latin letters count about half)."""
    text = visible_text(fragment)
    return sum(1.0 if is_han(ch) or ord(ch) > 0x2E80 else 0.55 for ch in text if not ch.isspace())


class Layouts:
    """The Jinja environment over the user's layouts folder (if any) and the built-in one."""

    def __init__(self, user_dir: Path | None = None) -> None:
        # no bytecode cache: a compiled template on disk is code, and a guide may plant one
        self.user_dir = user_dir if user_dir and user_dir.is_dir() else None
        search = [str(user_dir)] if self.user_dir else []
        search.append(str(LAYOUTS))
        self.env = Sandbox(
            loader=LayoutsLoader(search),
            autoescape=select_autoescape(["html", "html.j2", "svg"], default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.globals["version"] = __version__
        self.use_fonts(bundled())

    @property
    def built_in(self) -> bool:
        """Whether only the built-in layouts are used: what they draw is known to the code that
        takes rendered pages apart (a chapter's pages, a card on a back), a guide's own is not."""
        return self.user_dir is None

    @classmethod
    def for_build(cls, user_dir: Path | None = None) -> "Layouts":
        """The layouts for a build, with the templates compiled by an earlier build of this process
        (`watch` builds again and again) while no file in the layouts folders changed: compiling
        them takes half a second. Kept in memory only: a compiled template on disk would be code."""
        from ..cache import folders_digest

        searched = ([user_dir] if user_dir and user_dir.is_dir() else []) + [LAYOUTS]
        # by content, not time (an edit within the file system's time step still counts), read as
        # the fingerprint reads a guide's folders: no FIFO or device opened, no link followed out
        key = (tuple(str(folder) for folder in searched), folders_digest(searched))
        layouts = _COMPILED.get(key)
        if layouts is None:
            _COMPILED.clear()
            layouts = _COMPILED[key] = cls(user_dir)
        layouts.env.spent = 0.0  # each build has its own time for its templates
        return layouts

    def use_fonts(self, fonts: Fonts) -> None:
        """The faces fonts.css.j2 declares, and the language each one serves."""
        self.env.globals["fonts"] = fonts
        self.env.globals["faces"] = fonts.faces

    def render(self, name: str, **context) -> str:
        with _template_errors(name):
            return self.env.render(self.env.get_template(name), context)

    def stylesheet(self, *names: str, **context) -> Markup:
        """CSS files (plain `.css`, or `.css.j2` templates) joined into one stylesheet."""
        parts = []
        for name in names:
            with _template_errors(name):
                template = self.env.get_template(name)
                parts.append(self.env.render(template, context if name.endswith(".j2") else {}))
        return Markup("\n".join(parts))

    def source_files(self) -> list[Path]:
        """Every file that can change what a layout renders, for cache keys."""
        files = []
        for folder in self.env.loader.searchpath:  # type: ignore[attr-defined]
            files += sorted(p for p in Path(folder).rglob("*") if p.is_file())
        return files


_COMPILED: dict[tuple, Layouts] = {}  # the last build's layouts, by their folders and files


class LayoutError(Exception):
    """A template or stylesheet that cannot be used, as a finding with its file and line."""

    def __init__(self, diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


@contextmanager
def _template_errors(name: str):
    """Jinja's exceptions, for a layout a user may have edited, turned into a located finding."""
    from ..diagnostics import finding
    from ..model import Location

    try:
        yield
    except TemplateSyntaxError as exc:
        where = Location(Path(exc.filename or name), exc.lineno or 1)
        name = Path(exc.filename).name if exc.filename else name  # an included template's own name
        raise LayoutError(finding("SG505", f"layout `{name}` cannot be read: {exc.message}", where,
                                  "fix the template, or delete your copy to use the built-in one")) from None
    except SyntaxError as exc:  # Python's own limits on what Jinja made of it: hundreds of nested brackets
        where = Location(Path(exc.filename or name), 1)
        raise LayoutError(finding("SG505", f"layout `{Path(exc.filename or name).name}` cannot be compiled: "
                                  f"an expression in it is nested too deeply ({exc.msg})", where,
                                  "split long expressions into steps with {% set %}")) from None
    except TemplateNotFound as exc:
        frames = _template_frames(exc)  # the template that includes the missing one, if any
        where = Location(Path(frames[-1].filename), frames[-1].lineno or 1) if frames else None
        if exc.message and exc.message.startswith("it is "):  # refused by LayoutsLoader, not missing
            hint = ("copy the file into the layouts folder instead of linking to it" if "outside" in exc.message
                    else "a template is text of a few KB: start again from the built-in one")
            raise LayoutError(finding("SG505", f"layout `{exc.name}` is not read: {exc.message}", where,
                                      hint)) from None
        raise LayoutError(finding("SG505", f"layout `{exc.name}` is missing", where,
                                  "restore the file, or remove what includes it")) from None
    except (TemplateError, ArithmeticError, LookupError, TypeError, ValueError, RecursionError) as exc:
        # a template runs in a sandbox: what it does wrong, from an unsafe access to a division by
        # zero, is the template's fault and is reported at its line
        frames = _template_frames(exc)
        where = Location(Path(frames[-1].filename), frames[-1].lineno or 1) if frames else \
            Location(Path(getattr(exc, "template_file", None) or name), 1)
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        name = Path(frames[-1].filename).name if frames else name
        if isinstance(exc, SecurityError):
            hint = ("a layout may use only the values it is given, and only so much time and memory: "
                    "remove this, or compare with the built-in template")
            raise LayoutError(finding("SG505", f"layout `{name}` is not allowed to do this: {message}", where,
                                      hint)) from None
        raise LayoutError(finding("SG505", f"layout `{name}` failed: {message}", where,
                                  "check the names the template uses against the built-in one")) from None


def _template_frames(exc: BaseException) -> list:
    return [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename.endswith((".j2", ".css"))]


def chapter_views(guide: Guide, renderer: ContentRenderer, language: str = "",
                  languages: dict[int, str] | None = None) -> tuple[ChapterView, ...]:
    """Every chapter and card with its Markdown rendered once, for every output to share.

    `languages` gives a chapter's own language by its index, where it has one."""
    words = strings(language or guide.language)
    views = []
    kept = {}
    for chapter in guide.chapters:
        own = (languages or {}).get(chapter.index, "")
        lang = own if own and own != (language or guide.language) else ""
        renderer.language = own or language or guide.language
        key = (chapter, renderer.language, lang, words["chapter"], bool(renderer.renderer.parser.options["breaks"]))
        if _self_contained(chapter):
            view = kept[key] = _VIEWS.get(key) or _chapter_view(chapter, renderer, words, lang)
        else:
            view = _chapter_view(chapter, renderer, words, lang)
        views.append(view)
    _VIEWS.clear()
    _VIEWS.update(kept)
    return tuple(views)


# Each chapter's view from the last build, by the chapter and what it was rendered with: `watch`
# renders the guide again after every save, and most chapters did not change. Kept in memory for
# this process only, and only for chapters whose HTML comes from their text alone.
_VIEWS: dict[tuple, ChapterView] = {}


def _self_contained(chapter: Chapter) -> bool:
    """Whether the chapter's HTML depends on its text alone: no image (a file that may change or
    appear while the text stays) and no maths (typeset with the fonts)."""
    texts = [chapter.notes] + [text for card in chapter.cards for text in (card.question, card.answer)]
    return not any("![" in text or "$" in text for text in texts)


def _chapter_view(chapter: Chapter, renderer: ContentRenderer, words: dict, lang: str) -> ChapterView:
    cards = []
    section = None
    for card in chapter.cards:
        question, question_inline = renderer.fragment(card.question, chapter)
        answer, answer_inline = renderer.fragment(card.answer, chapter)
        first = bool(card.section) and card.section != section
        section = card.section
        cards.append(CardView(card, chapter.title, question, answer, question_inline, answer_inline,
                              text_weight(question), text_weight(answer), _lines(card.question),
                              _lines(card.answer), first, lang=lang))
    notes = renderer.html(chapter.notes, chapter) if chapter.notes else Markup("")
    return ChapterView(chapter, words["chapter"].format(number=chapter.number), chapter.title,
                       notes, tuple(cards), lang)


def _lines(markdown: str) -> int:
    return max(1, sum(1 for line in markdown.split("\n") if line.strip()))


_BLOCKS = re.compile(r"<pre\b.*?</pre>|<table\b.*?</table>|<img (?![^>]*class=\"math\")[^>]*>", re.DOTALL)
MAX_ANSWER_LINES = 28  # what a page holds under a short question: the question and its space share a page
PICTURE_LINES = 4  # room to sketch a picture the answer shows


def answer_lines(answer: str, text_width_mm: float, factor: float, minimum: int, fixed: int) -> int:
    """Ruled lines for a handwritten answer as long as the printed one, times `factor`: lines for
    its text, one or more for each line of its code, one for each row of its tables, and room for
    each of its pictures."""
    if fixed:
        return fixed
    per_line = max(1.0, text_width_mm / 5.5)  # a handwritten Chinese character takes about 5.5 mm
    lines = text_weight(_BLOCKS.sub(" ", str(answer))) / per_line
    for block in _BLOCKS.findall(str(answer)):
        if block.startswith("<pre"):
            lines += sum(max(1, math.ceil(text_weight(line) / per_line))
                         for line in visible_text(block).rstrip("\n").split("\n"))
        elif block.startswith("<table"):
            lines += block.count("<tr")
        else:
            lines += PICTURE_LINES
    return min(max(minimum, MAX_ANSWER_LINES), max(minimum, math.ceil(lines * factor)))
