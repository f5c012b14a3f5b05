"""out/study.html: the flashcards to flip in a browser, offline, in one file with the fonts inside.

The cards travel as JSON inside the page and the script in layouts/study.js shows one at a time,
so the page stays light however many cards there are.
"""

from __future__ import annotations

import hashlib

from markupsafe import Markup

from ..i18n import strings
from ..markdown import WORD_JOINER, visible_text
from ..resources import LAYOUTS
from . import Context, Plan
from .keys import card_keys, guide_key
from .media import data_url, replace_images
from .pages import embedded_font_urls, offline

# The page sets its text in SG Sans and code in SG Mono; the serif face would only add weight.
STUDY_FACES = ("SG Sans", "SG Mono")
# the words the script fills in itself; the template places the rest
SCRIPT_WORDS = ("progress", "known_count", "confirm_clear")


def storage_key(context: Context) -> str:
    """The guide's own localStorage key: every study page opened from disk shares one origin."""
    text = guide_key(context.settings, context.views)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def study_data(context: Context) -> dict:
    """Chapters and cards as the script reads them, images inside as data: URLs."""
    keys = card_keys(context.views)
    words = strings(context.language)
    cards = []
    for number, chapter in enumerate(context.views):
        for view in chapter.cards:
            card = view.card
            cards.append({
                "key": keys[(card.chapter_index, card.position)],
                "chapter": number,
                "label": card.label,
                # a browser keeps Korean words whole by itself (study.css); copied text stays clean
                "question": str(replace_images(view.question, data_url)).replace(WORD_JOINER, ""),
                "answer": str(replace_images(view.answer, data_url)).replace(WORD_JOINER, ""),
                "lang": view.lang,
            })
    return {
        "guide": storage_key(context),
        "chapters": [{"label": chapter.label, "title": chapter.title} for chapter in context.views],
        "cards": cards,
        "words": {name: words[name] for name in SCRIPT_WORDS},
    }


def script_source(context: Context, name: str = "study.js") -> Markup:
    """A script from the layouts folder, as written (it is not a template), safe inside <script>."""
    source, _, _ = context.layouts.env.loader.get_source(context.layouts.env, name)
    return _inline(source)


def _inline(source: str) -> Markup:
    return Markup(source.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT"))


def own_script() -> str:
    """studyguide's own study.js, the only script a study page runs: a guide's own study.js (or
    any script its layouts add) is left in the page but not run."""
    return str(_inline((LAYOUTS / "study.js").read_text(encoding="utf-8")))


def study_html(context: Context) -> str:
    words = strings(context.language)
    data = study_data(context)
    script = script_source(context)

    def page(stylesheet: Markup) -> str:
        return context.layouts.render("study.html.j2", language=context.language, meta=context.meta, words=words,
                                      chapters=context.views, data=data, script=script, stylesheet=stylesheet)

    # the fonts carry every character the page can show: the cards, and the template's own text.
    # The built-in page prints its stylesheet once, as given: it is rendered once, with a mark
    # where the stylesheet goes, rather than once for its text and again with the fonts in it.
    marked = page(Markup(_STYLESHEET_MARK)) if context.layouts.built_in else ""
    once = marked.count(_STYLESHEET_MARK) == 1
    shown = visible_text(marked).replace(_STYLESHEET_MARK, "", 1) if once else visible_text(page(Markup("")))
    urls = embedded_font_urls(context, STUDY_FACES, set(shown))
    stylesheet = context.layouts.stylesheet("fonts.css.j2", "typography.css", "study.css",
                                            font_url=urls.__getitem__,
                                            faces=context.fonts.css_faces(STUDY_FACES))
    styles = stylesheet + "\n" + context.code_css
    return offline(marked.replace(_STYLESHEET_MARK, styles) if once else page(styles), own_script())


_STYLESHEET_MARK = "/* studyguide: the stylesheet goes here */"


def plan(context: Context) -> Plan:
    return Plan([], lambda rendered: {"study.html": study_html(context)})
