"""The Markdown dialect of questions and answers: CommonMark, tables, maths, no raw HTML.

Two parsers share one configuration: `structure_parser` finds blocks and their source lines
for the reader; `Renderer` turns a card's Markdown into the HTML the layouts place.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_core import block as block_rule
from markdown_it.rules_core import normalize as normalize_rule
from markdown_it.rules_core.state_core import StateCore
from markdown_it.rules_inline.image import image as image_rule
from markdown_it.rules_inline.link import link as link_rule
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.dollarmath import dollarmath_plugin

# Link targets we follow: a URL with a scheme people click. Everything else in `[..](..)`,
# such as the seed's `[-1，0，1](刹车，不加速，加速)`, is text the author wrote.
_URL = re.compile(r"^(?:https?://|mailto:|ftp://)[^\s\u3000-\u303f\uff00-\uffef]+$", re.IGNORECASE)
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}


MAX_NESTING = 100

# markdown-it finds where a `[` ends by skipping token after token up to its `]`, once for every
# `[`: a paragraph of unclosed `[` or `![` costs its length squared (50,000 took minutes). Past
# this many skips in one paragraph, the rest of it reads no more links or images, as markdown-it
# itself does past maxNesting (it skips to the paragraph's end), and a finding says so.
SKIP_BUDGET = 100_000


def _base_parser(breaks: bool = False) -> MarkdownIt:
    # markdown-it skips, silently, whatever lies deeper than maxNesting (CommonMark's preset: 20,
    # ten levels of list). 100 keeps deep lists and quotes; deeper still is reported (SG307).
    parser = MarkdownIt("commonmark", {"html": False, "breaks": breaks, "linkify": False,
                                       "maxNesting": MAX_NESTING})
    parser.enable(["table", "strikethrough"])
    # `$5 and $10` stays money: digits right after a `$` do not open maths
    dollarmath_plugin(parser, allow_labels=False, allow_space=False, allow_digits=False,
                      double_inline=True)
    return parser


def structure_parser() -> MarkdownIt:
    """For finding blocks and their lines: inline parsing is skipped (a third of the time)."""
    parser = _base_parser()
    parser.core.ruler.disable(["inline", "text_join"])
    return parser


@dataclass
class Rejected:
    """A `[..](..)` or `![..](..)` shown as text, or maths shown as TeX, and why."""

    kind: str  # link | image | math
    target: str
    line: int  # 0-based, within the Markdown snippet
    reason: str
    hint: str = ""  # how to fix it, when the finding's usual hint does not say


@dataclass
class _Pass:
    """What one rendering pass saw; reset for every snippet."""

    kind: str = "link"
    rejected: list[Rejected] = field(default_factory=list)
    line: int = 0  # of the block being parsed
    src: str = ""  # the block's inline text, and where in it the link being parsed starts
    at: int = 0
    refused: bool = False  # the image being parsed may not be used


class Renderer:
    """Markdown of one card side to HTML.

    `resolve_image(target)` returns a file URL for an image the build may read, or raises
    ValueError with the reason it may not; `highlight(code, lang)` returns highlighted HTML;
    `math(tex, display)` returns a typeset formula (an SVG `data_url` and its `width_em`,
    `height_em` and `depth_em`), or raises ValueError with the reason it cannot.
    """

    def __init__(self, *, breaks: bool = True,
                 resolve_image: Callable[[str], str] | None = None,
                 highlight: Callable[[str, str], str] | None = None,
                 math: Callable[[str, bool], object] | None = None) -> None:
        self._pass = _Pass()
        self._resolve_image = resolve_image
        self._math = math
        parser = _base_parser(breaks)
        parser.validateLink = self._validate
        parser.inline.skipToken = self._skip_token
        parser.inline.ruler.at("link", self._link)
        parser.inline.ruler.at("image", self._image)
        parser.core.ruler.push("cell_breaks", _cell_breaks)
        parser.core.ruler.push("autospace", _autospace)
        self.language = ""  # of the text being rendered: Japanese and Korean break lines their own way
        parser.core.ruler.push("keep_together", lambda state: _keep_together(state, self.language))
        parser.core.ruler.push("breakable", _breakable)
        # markdown-it binds render rules to its renderer, so they take that as their first argument
        self._highlight = highlight
        parser.add_render_rule("image", lambda _renderer, *args: self._render_image(*args))
        for name in ("fence", "code_block"):
            parser.add_render_rule(name, lambda _renderer, *args: self._render_code(*args))
        for name in ("math_inline", "math_inline_double", "math_block"):
            parser.add_render_rule(name, lambda _renderer, *args: self._render_math(*args))
        self.parser = parser

    # -- links and images -------------------------------------------------------------------
    def _link(self, state, silent):
        return self._run_as("link", "[", link_rule, state, silent)

    def _image(self, state, silent):
        return self._run_as("image", "!", image_rule, state, silent)

    def _run_as(self, kind: str, opener: str, rule, state, silent) -> bool:
        """Run a link or image rule, so `_validate` knows which of the two asks.

        An image that may not be used is parsed all the same, then its token is swapped for the
        text the author wrote: `![图](https://…)` stays whole, rather than turning into `!` and
        a link.
        """
        if state.src[state.pos] != opener:
            return False
        saved = self._pass.kind, self._pass.src, self._pass.at, self._pass.refused
        self._pass.kind, self._pass.src, self._pass.at = kind, state.src, state.pos
        self._pass.refused = False
        start = state.pos
        try:
            matched = rule(state, silent)
            if matched and kind == "image" and not silent and not self._pass.refused:
                # `![a][ref]` takes its target from a reference definition, which markdown-it
                # validated as a link's: it must pass as an image too
                self._validate(state.tokens[-1].attrGet("src") or "")
            if matched and self._pass.refused and not silent:
                state.tokens.pop()
                token = state.push("text", "", 0)
                token.content = state.src[start:state.pos]
            return matched
        finally:
            self._pass.kind, self._pass.src, self._pass.at, self._pass.refused = saved

    def _skip_token(self, state) -> None:
        """markdown-it's skip over one token while it looks for a `]`, within the paragraph's budget."""
        state.sg_skips = getattr(state, "sg_skips", 0) + 1
        if state.sg_skips <= SKIP_BUDGET:
            ParserInline.skipToken(self.parser.inline, state)
            return
        if state.sg_skips == SKIP_BUDGET + 1:
            self._pass.src, self._pass.at = state.src, state.pos
            self._reject("brackets", "", f"over {SKIP_BUDGET:,} steps to match its `[` with their `]`")
        state.pos = state.posMax

    def _validate(self, url: str) -> bool:
        if self._pass.kind == "link":
            if _URL.match(url):
                return True
            self._reject("link", url, "the target is not a URL (http, https or mailto)")
            return False
        if url.lower().startswith("data:image/") and self._resolve_image is None:
            return True
        try:
            if self._resolve_image is None:
                raise ValueError("images are not allowed here")
            self._resolve_image(url)
        except ValueError as exc:
            self._reject(getattr(exc, "kind", "image"), url, str(exc))
            self._pass.refused = True
        return True

    def _reject(self, kind: str, target: str, reason: str) -> None:
        target = unquote(target)  # markdown-it percent-encodes targets before validating them
        line = self._pass.line + self._pass.src.count("\n", 0, self._pass.at)
        # a refused `![..](..)` is tried again as a link from its `[`: one finding is enough
        kinds = {kind, "image", "svg"} if kind == "link" else {kind}
        if all((r.kind, r.target, r.line) not in {(k, target, line) for k in kinds} for r in self._pass.rejected):
            self._pass.rejected.append(Rejected(kind, target, line, reason))

    def _render_image(self, tokens, idx, options, env):
        token = tokens[idx]
        src = token.attrGet("src") or ""
        if not src.lower().startswith("data:"):
            src = self._resolve_image(src)
        alt = self.parser.renderer.renderInlineAsText(token.children or [], options, env)
        return f'<img src="{html.escape(src)}" alt="{html.escape(alt)}">'

    def _render_code(self, tokens, idx, options, env):
        """A code block with each of its lines in a `sg-cl` span: a line too long for the card or
        page wraps with a hanging indent and a mark beside its continuation (typography.css), so
        a wrapped line never reads as several lines of code."""
        token = tokens[idx]
        language = token.info.strip().split()[0] if token.type == "fence" and token.info.strip() else ""
        body = self._highlight(token.content, language) if self._highlight and language else ""
        # Pygments closes its spans at the end of every line, so the lines can be cut apart
        lines = (body or html.escape(token.content, quote=False)).split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        inner = "".join(f'<span class="sg-cl">{line}\n</span>' for line in lines)
        attribute = f' class="language-{html.escape(language)}"' if language else ""
        return f"<pre><code{attribute}>{inner}</code></pre>\n"

    def _render_math(self, tokens, idx, options, env):
        token = tokens[idx]
        display = token.type == "math_block"
        tex = token.content.strip()
        try:
            if self._math is None:
                raise ValueError("maths is not typeset here")
            formula = self._math(tex, display)
        except ValueError:  # reported by the check; the reader still sees what was written
            code = f'<code class="tex">{html.escape(tex)}</code>'
            return f'<div class="math-display">{code}</div>\n' if display else code
        # an image, not inline SVG: each formula stays self-contained, and the text beside it
        # keeps its baseline (vertical-align is how far the formula reaches below it)
        image = (f'<img class="math" src="{formula.data_url}" alt="{html.escape(tex)}" '
                 f'style="width: {formula.width_em:.3f}em; height: {formula.height_em:.3f}em; '
                 f'vertical-align: {-formula.depth_em:.3f}em">')
        return f'<div class="math-display">{image}</div>\n' if display else image

    # -- public ------------------------------------------------------------------------------
    def html(self, markdown: str) -> Markup:
        self._pass = _Pass()
        return Markup(_glue_punctuation(self.parser.render(markdown)))

    def fragment(self, markdown: str) -> tuple[Markup, bool]:
        """HTML of the Markdown, and whether it is inline: a single paragraph comes back without
        its <p>, so a layout can run it on after a number (and lay out one box fewer)."""
        self._pass = _Pass()
        env: dict = {}
        tokens = self.parser.parse(markdown, env)
        renderer = self.parser.renderer
        if [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]:
            return Markup(_glue_punctuation(renderer.renderInline(tokens[1].children or [], self.parser.options,
                                                                  env))), True
        return Markup(_glue_punctuation(renderer.render(tokens, self.parser.options, env))), False

    def check(self, markdown: str) -> list[Rejected]:
        """Links, images and maths that will be shown as text, with their line in the snippet."""
        env: dict = {}  # the reference definitions, for `![alt][ref]`
        # blocks only: each inline text is parsed below, once, knowing its line
        state = StateCore(markdown, self.parser, env)
        normalize_rule(state)
        block_rule(state)
        tokens = state.tokens
        self._pass = _Pass()
        formulas: list[tuple[str, bool, int]] = []
        for token in tokens:
            if token.type == "math_block" and token.map:
                formulas.append((token.content.strip(), True, token.map[0]))
            if token.type == "inline" and token.map:
                self._pass.line = token.map[0]
                children: list[Token] = []
                self.parser.inline.parse(token.content, self.parser, env, children)
                cursor = 0
                for child in children:
                    if child.type.startswith("math_inline"):
                        at = token.content.find(child.content, cursor)
                        cursor = max(at, cursor)
                        formulas.append((child.content.strip(), False,
                                         token.map[0] + token.content.count("\n", 0, cursor)))
        rejected = self._pass.rejected
        for tex, display, line in formulas:
            try:
                if self._math is None:
                    raise ValueError("maths is not typeset here")
                self._math(tex, display)
            except ValueError as exc:
                rejected.append(Rejected("math", tex, line, str(exc), getattr(exc, "hint", "")))
        return rejected


# -- a formula and the punctuation after it break as one --------------------------------------
# A line may not start with `，` or `.`; WeasyPrint then lets it hang past the line's end after a
# formula (an image) rather than take the formula down to the next line. Glued, they go together.
_FORMULA_THEN_PUNCTUATION = re.compile(r'(<img class="math"[^>]*>)([，。、；：？！）」』”’,.;:?!)\]]+)')


def _glue_punctuation(html_text: str) -> str:
    return _FORMULA_THEN_PUNCTUATION.sub(r'<span class="sg-nobr">\1\2</span>', html_text)


# -- a thin gap between Han characters and Latin letters or digits -------------------------------
# Only an empty span is inserted: the copied text stays exactly what the author wrote.

def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def _is_kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u30ff" or "\u31f0" <= ch <= "\u31ff"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _needs_gap(left: str, right: str) -> bool:
    return ((is_han(left) or _is_kana(left)) and _is_latin(right)) or (
        _is_latin(left) and (is_han(right) or _is_kana(right)))


_GAP = '<span class="autospace"></span>'


# A run of letters with no place to break (a URL, base64, a key) is wrapped by the renderer's
# emergency breaking (overflow-wrap), which lays the rest of the run out again for every line: a
# 20,000-character run takes minutes. A zero-width space every few letters gives it places to
# break instead; it is invisible, and not part of the PDF's text when copied.
_UNBROKEN = re.compile(r"[!-~\u00a1-\u2e7f]{64,}")  # no space, no CJK (which breaks anywhere)
_STEP = 12  # as long as a run the flashcards split at (layout/split.py)


def _break_runs(text: str) -> str:
    if len(text) < 64:
        return text
    return _UNBROKEN.sub(lambda m: "\u200b".join(m[0][i:i + _STEP] for i in range(0, len(m[0]), _STEP)), text)


def _breakable(state) -> None:
    for block in state.tokens:
        if block.type in ("fence", "code_block"):
            block.content = _break_runs(block.content)
        for child in block.children or ():
            if child.type in ("text", "code_inline"):
                child.content = _break_runs(child.content)


CELL_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _cell_breaks(state) -> None:
    """`one<br>two` in a table cell is a line break: a Markdown table has no other way to write
    one, so people write that. Elsewhere `<br>` stays text, as all raw HTML does."""
    cell = False
    for block in state.tokens:
        if block.type in ("th_open", "td_open", "th_close", "td_close"):
            cell = block.type.endswith("_open")
        if not cell or block.type != "inline" or "<" not in block.content:
            continue
        out = []
        for child in block.children or ():
            if child.type != "text" or not CELL_BREAK.search(child.content):
                out.append(child)
                continue
            for k, piece in enumerate(CELL_BREAK.split(child.content)):
                if k:
                    out.append(Token("hardbreak", "br", 0))
                if piece:
                    text = Token("text", "", 0)
                    text.content = piece
                    out.append(text)
        block.children = out


def _autospace(state) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        out: list[Token] = []
        previous_char = ""
        for child in block.children:
            if child.type == "text":
                pieces = _split_for_gaps(child.content, previous_char)
                for kind, piece in pieces:
                    if kind == "gap":
                        out.append(_gap_token())
                    else:
                        token = Token("text", "", 0)
                        token.content = piece
                        out.append(token)
                if child.content:
                    previous_char = child.content[-1]
                continue
            if child.type == "code_inline":
                if child.content and previous_char and _needs_gap(previous_char, child.content[0]):
                    out.append(_gap_token())
                out.append(child)
                previous_char = child.content[-1] if child.content else previous_char
                continue
            out.append(child)
            if child.type in ("softbreak", "hardbreak", "image"):
                previous_char = ""
        block.children = out


def _split_for_gaps(text: str, previous_char: str) -> list[tuple[str, str]]:
    pieces: list[tuple[str, str]] = []
    start = 0
    if text and previous_char and _needs_gap(previous_char, text[0]):
        pieces.append(("gap", ""))
    for i in range(1, len(text)):
        if _needs_gap(text[i - 1], text[i]):
            pieces.append(("text", text[start:i]))
            pieces.append(("gap", ""))
            start = i
    pieces.append(("text", text[start:]))
    return pieces


def _gap_token() -> Token:
    token = Token("html_inline", "", 0)
    token.content = _GAP
    return token


# -- line breaking that Pango does not know -----------------------------------------------------
# WeasyPrint has no `line-break: strict` or `word-break: keep-all`; a word joiner (U+2060) between
# two characters forbids a break there, prints nothing, and is left out of copied text.

WORD_JOINER = "\u2060"
# Japanese kinsoku: small kana, the prolonged-sound mark and iteration marks never start a line
_NO_LINE_START = set("ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿーゝゞヽヾ々")


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def keep_together(text: str, language: str) -> str:
    """The text with word joiners where the language forbids a line break.

    Japanese: before a small kana or ー. Korean breaks between words (at spaces), not inside
    them: a joiner between two letters of a word that are Hangul, or Hangul and a Latin letter
    or digit (`CPU가`).
    """
    tag = language.lower()
    if tag.startswith("ja"):
        test = lambda left, right: right in _NO_LINE_START and not left.isspace()  # noqa: E731
    elif tag.startswith("ko"):
        test = lambda left, right: (_is_hangul(left) or _is_hangul(right)) and (  # noqa: E731
            left.isalnum() and right.isalnum())
    else:
        return text
    out = []
    for i, ch in enumerate(text):
        if i and test(text[i - 1], ch):
            out.append(WORD_JOINER)
        out.append(ch)
    return "".join(out)


def _keep_together(state, language: str) -> None:
    if not language.lower().startswith(("ja", "ko")):
        return
    for block in state.tokens:
        for child in (block.children or ()) if block.type == "inline" else ():
            if child.type == "text":
                child.content = keep_together(child.content, language)


# -- text as a reader sees it ------------------------------------------------------------------

class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(fragment: str) -> str:
    """The characters an HTML fragment shows, in order (tags dropped, entities decoded)."""
    extractor = _TextExtractor()
    extractor.feed(fragment)
    extractor.close()
    return "".join(extractor.parts)


def non_blank(text: str) -> str:
    """The text with every kind of whitespace removed, for comparing what survives."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")
