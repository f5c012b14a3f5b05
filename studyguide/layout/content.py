"""Questions and answers from Markdown to HTML: images checked, code highlighted, maths typeset."""

from __future__ import annotations

import os

from pathlib import Path

from markupsafe import Markup
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from ..markdown import Rejected, Renderer
from ..model import Chapter
from ..resources import FONTS

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
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

    def __init__(self, roots: list[Path], breaks: bool = True, fonts: Path | None = None) -> None:
        self.roots = [root.resolve() for root in roots]
        self.fonts = (fonts or FONTS).resolve()
        self._chapter_dir: Path | None = None
        self.renderer = Renderer(breaks=breaks, resolve_image=self.resolve_image, highlight=highlight,
                                 math=self.typeset)

    def typeset(self, tex: str, display: bool):
        """A typeset formula (see layout/maths.py), or ValueError saying why it cannot be."""
        from .maths import typesetter

        return typesetter(self.fonts).typeset(tex, display)

    def resolve_image(self, target: str) -> str:
        """The file URL of an image next to the chapter, or ValueError saying why it may not be used."""
        if "://" in target or target.lower().startswith(("file:", "data:", "//")):
            raise ValueError("only images inside the content folder are used; remote and file: URLs are not")
        if self._chapter_dir is None:
            raise ValueError("no chapter file to resolve the image against")
        path = Path(os.path.realpath(self._chapter_dir / target))  # never raises, even for a link loop
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ValueError("the image is outside the content folder")
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            raise ValueError(f"{path.suffix or 'a file without suffix'} is not an image type we print "
                             "(png, jpg, gif, svg, webp)")
        if not path.is_file():
            raise ValueError("the image file does not exist")
        return path.as_uri()

    def html(self, markdown: str, chapter: Chapter) -> Markup:
        self._chapter_dir = chapter.source.parent if chapter.source else None
        return self.renderer.html(markdown)

    def fragment(self, markdown: str, chapter: Chapter) -> tuple[Markup, bool]:
        """HTML and whether it is inline (one paragraph, rendered without its <p>)."""
        self._chapter_dir = chapter.source.parent if chapter.source else None
        return self.renderer.fragment(markdown)

    def check(self, markdown: str, chapter: Chapter) -> list[Rejected]:
        """Links and images in the Markdown that will be shown as text, and why."""
        self._chapter_dir = chapter.source.parent if chapter.source else None
        return self.renderer.check(markdown)
