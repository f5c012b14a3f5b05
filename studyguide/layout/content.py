"""Questions and answers from Markdown to HTML: images checked (images.py), code highlighted, maths
typeset (maths.py)."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from ..images import ImageRules
from ..markdown import Rejected, Renderer
from ..model import Chapter
from ..resources import FONTS

# Pygments names its classes `n`, `k`, `c1`…; the prefix keeps them apart from every layout's own
# classes (tests/test_code_classes.py checks that no layout styles an `hl-` class).
CLASS_PREFIX = "hl-"
_FORMATTER = HtmlFormatter(nowrap=True, classprefix=CLASS_PREFIX)


def highlight(code: str, language: str) -> str:
    """Pygments HTML for a fenced block with a known language; "" lets markdown-it escape it plainly."""
    name = (language or "").split()[0] if language else ""
    if not name:
        return ""
    try:
        lexer = get_lexer_by_name(name)
    except ClassNotFound:
        return ""
    return pygments_highlight(code, lexer, _FORMATTER)


def highlight_css(style: str = "friendly") -> str:
    """The token colours only: Pygments' other rules (`pre { line-height }`, line numbers) would
    restyle every layout's own code blocks."""
    css = HtmlFormatter(style=style, classprefix=CLASS_PREFIX).get_style_defs("pre code")
    return "\n".join(line for line in css.splitlines() if line.startswith(f"pre code .{CLASS_PREFIX}"))


class ContentRenderer:
    """One Markdown renderer per build. Images must sit inside one of `roots` (the content folders).

    Maths is typeset with the fonts in `fonts` (the bundled ones by default); the typesetter
    loads only when a formula first appears.
    """

    def __init__(self, roots: list[Path], breaks: bool = True, fonts: Path | None = None,
                 language: str = "") -> None:
        self.images = ImageRules(roots)
        self.fonts = (fonts or FONTS).resolve()
        self.renderer = Renderer(breaks=breaks, resolve_image=self.images.resolve, highlight=highlight,
                                 math=self.typeset)
        self.language = language

    def typeset(self, tex: str, display: bool):
        """A typeset formula (see maths.py), or ValueError saying why it cannot be."""
        from ..maths import typesetter

        return typesetter(self.fonts).typeset(tex, display)

    @property
    def language(self) -> str:
        """The language of the text being rendered (Japanese and Korean keep some letters together)."""
        return self.renderer.language

    @language.setter
    def language(self, value: str) -> None:
        self.renderer.language = value

    def html(self, markdown: str, chapter: Chapter) -> Markup:
        self.images.chapter_dir = chapter.source.parent if chapter.source else None
        return self.renderer.html(markdown)

    def fragment(self, markdown: str, chapter: Chapter) -> tuple[Markup, bool]:
        """HTML and whether it is inline (one paragraph, rendered without its <p>)."""
        self.images.chapter_dir = chapter.source.parent if chapter.source else None
        return self.renderer.fragment(markdown)

    def check(self, markdown: str, chapter: Chapter) -> list[Rejected]:
        """Links and images in the Markdown that will be shown as text, and why."""
        self.images.chapter_dir = chapter.source.parent if chapter.source else None
        return self.renderer.check(markdown)
