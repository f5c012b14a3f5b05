"""Checks on what was read, before anything is rendered: characters, fonts, links and images."""

from __future__ import annotations

import dataclasses
import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .diagnostics import finding
from .fonts import Fonts, FontsMissing, check_coverage, choose, font_dir
from .images import ImageRules, image_hint
from .markdown import CELL_BREAK, Renderer, structure_parser
from .model import Diagnostic, Guide, Location, Severity
from .read import read_guide
from .read.blocks import outside_fences
from .read.symbols import symbol_characters
from .read.text import strip_code, with_references
from .resources import CHECKOUT, FONTS, LAYOUT_BYTES

if TYPE_CHECKING:
    from .config import Settings


def check_guide(guide: Guide, fonts: Fonts, content_roots: list[Path],
                languages: dict[Path | None, str] | None = None) -> list[Diagnostic]:
    """`languages` gives each file's language (by its absolute path): it picks the fonts."""
    problems: list[Diagnostic] = []
    texts, coverage = [], []
    language = (languages or {}).get
    shown = {chapter.source: chapter.location.path for chapter in guide.chapters}
    for path in guide.sources:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # already reported when reading
        text = symbol_characters(text.replace("\r\n", "\n").replace("\r", "\n"))
        texts.append((shown.get(path.resolve(), path), text, 1))
        # `&#x202E;` prints as U+202E: fonts and invisible characters are checked on what prints
        coverage.append((texts[-1][0], _front_matter_escapes(with_references(text)), 1,
                         language(path.resolve(), guide.language)))
    problems += check_coverage(coverage, fonts)
    problems += _invisible([item[:3] for item in coverage])
    problems += _html(texts)
    problems += _links(guide, content_roots)
    return problems


# YAML's escapes in a double-quoted value: `title: "\u202E"` is the character U+202E
_YAML_ESCAPE = re.compile(r"(?<!\\)\\(?:x(?P<x>[0-9a-fA-F]{2})|u(?P<u>[0-9a-fA-F]{4})|U(?P<U>[0-9a-fA-F]{8}))")


def _front_matter_escapes(text: str) -> str:
    """The text with each escape in its front matter replaced by the character it stands for,
    padded to the escape's length so columns stay: the title it gives prints as a heading."""
    if not text.startswith("---\n") or "\\" not in text:
        return text
    lines = text.split("\n")
    for k in range(1, len(lines)):
        if lines[k].rstrip() in ("---", "..."):
            break
        lines[k] = _YAML_ESCAPE.sub(lambda m: chr(min(int(m["x"] or m["u"] or m["U"], 16), 0x10FFFF))
                                    .ljust(len(m.group(0))), lines[k])
    return "\n".join(lines)


def _invisible(texts) -> list[Diagnostic]:
    problems = []
    for path, text, first in texts:
        # the characters to look for, from the text's distinct ones: most texts have none, and the
        # loop over every character is then left out
        invisible = {ch for ch in set(text) if ch not in "\t\n\ufeff" and unicodedata.category(ch) in ("Cc", "Cf")}
        if not invisible:
            continue
        for offset, line in enumerate(text.split("\n")):
            if invisible.isdisjoint(line):
                continue
            for column, ch in enumerate(line, start=1):
                if ch in invisible:
                    name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(ch, "a control character")
                    problems.append(finding(
                        "SG402", f"invisible character U+{ord(ch):04X} {name}", Location(path, first + offset, column),
                        _invisible_hint(ch)))
    return problems


# direction controls (bidi embeddings, overrides, isolates, marks) print as nothing themselves but
# change the order of the text around them: U+202E prints `abc` as `cba`
_DIRECTION = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _invisible_hint(ch: str) -> str:
    if ch in _DIRECTION:
        return "delete it: it is not printed, but it changes the order in which the text after it is printed"
    return "delete it unless you need it; it prints as nothing"


# control characters have no Unicode name; these are the ones that come from copying terminals
_CONTROL_NAMES = {"\x00": "NULL", "\x07": "BELL", "\x08": "BACKSPACE", "\x0b": "LINE TABULATION",
                  "\x0c": "FORM FEED", "\x1b": "ESCAPE", "\x7f": "DELETE"}

# tags people paste from web pages; `vector<int>` and `a<b>c` are left alone
_HTML_TAG = re.compile(
    r"<(?P<name>script|style|iframe|object|embed|form|input|link|meta|html|body|head|div|span|table|"
    r"tr|td|th|tbody|thead|p|br|hr|b|i|u|em|strong|font|center|img|a|ul|ol|li|h[1-6]|pre|code|sup|sub|"
    r"video|audio|svg|math)\b[^<>]*/?>", re.IGNORECASE)


def _html(texts) -> list[Diagnostic]:
    """A note for each line holding HTML tags: they are printed as they are, not interpreted."""
    problems = []
    for path, text, first in texts:
        cells: set[int] | None = None  # lines of the file's tables, found when first needed
        for offset, line in outside_fences(text.split("\n")):
            if "<" not in line:
                continue
            bare = strip_code(line)
            if "|" in bare and CELL_BREAK.search(bare):
                cells = _table_lines(text) if cells is None else cells
                if offset in cells:  # `<br>` breaks the line in a table cell
                    bare = CELL_BREAK.sub(lambda m: " " * len(m.group(0)), bare)
            tag = _HTML_TAG.search(bare)
            if tag:
                problems.append(finding(
                    "SG506", f"HTML `<{tag.group('name').lower()}>` is shown as text; HTML in the content is "
                    "never run or laid out", Location(path, first + offset, tag.start() + 1),
                    "write it in Markdown; to show HTML as code, put it in backticks"))
    return problems


def _table_lines(text: str) -> set[int]:
    tokens = structure_parser().parse(text)
    return {n for token in tokens if token.type == "table_open" and token.map for n in range(*token.map)}


def _links(guide: Guide, roots: list[Path]) -> list[Diagnostic]:
    """Links, images and maths in cards and chapter notes that will be shown as text."""
    images = ImageRules(roots)
    renderer = Renderer(resolve_image=images.resolve, math=_typeset)
    problems = []
    sources: dict[Path | None, list[str]] = {}
    for chapter in guide.chapters:
        images.chapter_dir = chapter.source.parent if chapter.source else None
        if chapter.source not in sources:
            sources[chapter.source] = _source_lines(chapter.source)
        lines = sources[chapter.source]
        pieces = [(card.question, card.location.line) for card in chapter.cards]
        pieces += [(card.answer, card.answer_line) for card in chapter.cards if card.answer]
        if chapter.notes:
            pieces.append((chapter.notes, chapter.location.line))
        for text, first_line in pieces:
            if "[" not in text and "$" not in text:
                continue  # no link, image or maths: nothing to parse for
            for rejected in renderer.check(text):
                needle = f"]({rejected.target}" if rejected.kind in ("link", "image", "svg") else rejected.target
                line, column = _find(lines, first_line + rejected.line, needle)
                if (line, column) == (first_line + rejected.line, 1) and rejected.kind in ("image", "svg"):
                    line, column = _find(lines, line, "![")  # `![alt][ref]`: its target is elsewhere
                location = Location(chapter.location.path, line, column)
                if rejected.kind == "brackets":
                    problems.append(finding(
                        "SG501", f"the rest of this paragraph's `[…]` is shown as text: {rejected.reason}", location,
                        "write a `[` that opens no link as `\\[`, or split the paragraph"))
                elif rejected.kind == "link":
                    problems.append(finding(
                        "SG501", f"`[…]({rejected.target})` is shown as text: {rejected.reason}", location))
                elif rejected.kind == "svg":
                    problems.append(finding(
                        "SG503", f"image `{_excerpt(rejected.target, 80)}`: {rejected.reason}", location,
                        "put what the SVG shows inside it, or beside it in the content folder"))
                elif rejected.kind == "math":
                    problems.append(finding(
                        "SG504", f"maths `{_excerpt(rejected.target)}` is shown as TeX: {rejected.reason}",
                        location, rejected.hint or "fix the TeX; a character outside the bundled fonts cannot be drawn"))
                else:
                    problems.append(finding(
                        "SG502", f"image `{_excerpt(rejected.target, 80)}` is shown as text: {rejected.reason}",
                        location, image_hint(rejected.reason)))
    return problems


def _typeset(tex: str, display: bool):
    """The formula typeset as a build would (see maths.py), or ValueError saying why it cannot be."""
    from .maths import typesetter  # loaded only when a guide has maths

    return typesetter(FONTS.resolve()).typeset(tex, display)


def _source_lines(path: Path | None) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines() if path else []
    except (OSError, UnicodeDecodeError):
        return []


def _find(lines: list[str], line: int, needle: str) -> tuple[int, int]:
    """Line and column of `needle` at or after `line` (1-based); (line, 1) if it is not there."""
    first = needle.split("\n", 1)[0].strip()
    for n in range(max(line, 1), min(len(lines), line + 200) + 1):
        column = lines[n - 1].find(first)
        if column >= 0:
            if first.startswith("]("):  # point at the `[` that opens it, or the `!` before it
                text = lines[n - 1]
                column = text.rfind("[", 0, column) if "[" in text[:column] else column
                column -= 1 if column > 0 and text[column - 1] == "!" else 0
            return n, column + 1
    return line, 1


def _excerpt(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


# -- what `check` prints -------------------------------------------------------------------------

def strictly(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """`check --strict`: every warning becomes an error; notes stay notes."""
    return [dataclasses.replace(d, severity=Severity.ERROR) if d.severity is Severity.WARNING else d
            for d in diagnostics]


def check_report(guide: Guide, diagnostics: list[Diagnostic], summary: str) -> dict:
    """`check --format json`: every finding, and the counts of the summary line."""
    counts = {str(severity) + "s": sum(1 for d in diagnostics if d.severity is severity) for severity in Severity}
    return {
        "chapters": len(guide.chapters),
        "cards": len(guide.cards),
        "findings": [{
            "file": str(d.location.path) if d.location else None,
            "line": d.location.line if d.location else None,
            "column": d.location.column if d.location else None,
            "severity": str(d.severity), "code": d.code, "message": d.message, "hint": d.hint,
        } for d in diagnostics],
        "summary": {"chapters": len(guide.chapters), "cards": len(guide.cards), "errors": counts["errors"],
                    "warnings": counts["warnings"], "notes": counts["notes"], "text": summary},
    }


def card_lines(guide: Guide, width: int = 60) -> list[str]:
    """`check --cards`: each card on one line, to see how a file was split without building:
    label, where it starts, the first line of each side, and the rule that read it."""
    lines = []
    for card in guide.cards:
        question = _first_line(card.question, width)
        answer = _first_line(card.answer, width) if card.answer.strip() else "(no answer)"
        lines.append(f"{card.label}  {card.location.path}:{card.location.line}  {question} → {answer}  "
                     f"[{card.rule or '?'}]")
    return lines


def reader_lines(guide: Guide) -> list[str]:
    """`check -v`: which reader read each chapter's sections."""
    return [f"{chapter.location.path}:{chapter.location.line}: chapter {chapter.number} {chapter.title}: "
            f"{len(chapter.cards)} cards, read as {', '.join(chapter.readers) or '?'}"
            for chapter in guide.chapters]


def card_report(guide: Guide) -> list[dict]:
    """`check --cards --format json`: every card with its full texts."""
    return [{"label": card.label, "chapter": card.chapter, "number": card.number, "section": card.section,
             "file": str(card.location.path), "line": card.location.line, "answer_line": card.answer_line,
             "rule": card.rule, "question": card.question, "answer": card.answer} for card in guide.cards]


def _first_line(text: str, width: int) -> str:
    line = next((line.strip() for line in text.split("\n") if line.strip()), "")
    return line if len(line) <= width else line[:width - 1] + "…"


_IMPORT = re.compile(r"@import\b", re.IGNORECASE)
# what makes a browser fetch or run something by itself: a script, or a remote address to load
_SCRIPT = re.compile(r"<script\b(?![^>]*\btype\s*=\s*[\"']?application/json)", re.IGNORECASE)
_REMOTE = re.compile(r"""\b(?:src|srcset|poster|data|href|action|background)\s*=\s*["']?\s*((?:https?:|ftp:|//)[^\s"'>]*)""",
                     re.IGNORECASE)
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""", re.IGNORECASE)
# `image-set("a.png" 1x)` takes bare strings as URLs
_IMAGE_SET = re.compile(r"""image-set\(([^)]*)\)""", re.IGNORECASE)
_STRING = re.compile(r"""(['"])([^'"]*)\1""")
# `@\69mport`, `u\72l(`: CSS reads an escaped letter as the letter
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")


def _unescaped(line: str) -> str:
    def letter(match: re.Match) -> str:
        if match[2] is not None:
            return match[2]
        code = int(match[1], 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return _CSS_ESCAPE.sub(letter, line) if "\\" in line else line


def _targets(line: str):
    """What a line of CSS asks the renderer to fetch: url(…) and image-set strings, with their column."""
    for match in _URL.finditer(line):
        yield match.group(2).strip(), match.start() + 1
    for match in _IMAGE_SET.finditer(line):
        for string in _STRING.finditer(match.group(1)):
            yield string.group(2).strip(), match.start() + 1


def _unrun(path: Path, number: int, line: str) -> list[Diagnostic]:
    """A script or a remote address in a guide's own template: left in the HTML pages, whose
    security policy keeps a browser from running or loading it."""
    found = [(m.start(), "a <script>") for m in _SCRIPT.finditer(line)]
    found += [(m.start(), f"the remote address {m.group(1)}") for m in _REMOTE.finditer(line)
              if not re.match(r"\s*<a\b", line[line.rfind("<", 0, m.start()):], re.IGNORECASE)]
    return [finding("SG507", f"{what} in a layout is never run or loaded: the HTML pages may load nothing "
                    "from outside and run no script but studyguide's own", Location(path, number, column + 1),
                    "remove it; put images and styles inside the layouts folder or inline")
            for column, what in found]


def where_written(url: str, folder: Path) -> tuple[Location, bool] | None:
    """Where in a guide's layouts a URL the renderer was refused is written, and whether it is
    there whole: else the line holding the most of it (its path, file name or host), since a
    template may build it from pieces and the renderer sees it resolved (`../x` as `file:///x`)."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    whole = list(dict.fromkeys([url, unquote(url)]))
    pieces = [*whole, parts.netloc + path if parts.netloc else path, path.rsplit("/", 1)[-1], parts.netloc]
    pieces = [piece for piece in dict.fromkeys(pieces) if len(piece) >= 3]
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".css", ".j2", ".html", ".svg"))
    texts = {}
    for file in files:
        try:
            if file.stat().st_size > LAYOUT_BYTES:
                continue
            texts[file] = file.read_text(encoding="utf-8", errors="replace").split("\n")
        except OSError:
            continue
    for piece in pieces:
        for file, lines in texts.items():
            for number, line in enumerate(lines, start=1):
                if (column := line.find(piece)) >= 0:
                    return Location(file, number, column + 1), piece in whole
    return None


def check_layouts(folder: Path) -> list[Diagnostic]:
    """A guide's own layouts may not pull in anything from outside: no @import, and no url() or
    image-set() but data: URLs and files in the guide, CSS escapes (`@\\69mport`) read as the
    letters they stand for. (The renderer refuses those too; this says where they are.)"""
    problems: list[Diagnostic] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".css", ".j2", ".html")):
        try:
            if (size := path.stat().st_size) > LAYOUT_BYTES:
                problems.append(finding("SG505", f"layout {path.name} is {size / (1 << 20):,.0f} MB, more than the "
                                        f"{LAYOUT_BYTES >> 20} MB a layout may be; it is not read", Location(path, 1),
                                        "a template is text of a few KB: start again from the built-in one"))
                continue
            lines = path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(finding("SG505", f"layout {path.name} cannot be read: {exc}", Location(path, 1)))
            continue
        for number, line in enumerate(lines, start=1):
            if path.suffix != ".css":
                problems += _unrun(path, number, line)
            line = _unescaped(line)
            for match in _IMPORT.finditer(line):
                problems.append(finding(
                    "SG503", "@import is not allowed in a layout: stylesheets are put inline, and nothing "
                    "is fetched", Location(path, number, match.start() + 1),
                    "copy the rules you need into this file"))
            for target, column in _targets(line):
                if target.lower().startswith("data:") or "{{" in target or not target or target.startswith("#"):
                    continue
                remote = ":" in target.split("/", 1)[0] or target.startswith("//")
                # a relative path may lead to the guide's content beside the layouts, not above them
                inside = not remote and Path(os.path.realpath(path.parent / target.split("#")[0].split("?")[0])
                                             ).is_relative_to(os.path.realpath(folder.parent))
                if remote or not inside:
                    problems.append(finding(
                        "SG503", f"url({target}) reaches outside the guide; a build never opens network "
                        "connections or reads other files",
                        Location(path, number, column),
                        "put the file in the layouts folder and refer to it by a relative path, or use a data: URL"))
    own = folder / "study.js"
    if own.is_file():
        from .resources import LAYOUTS

        try:
            builtin = LAYOUTS / "study.js"  # sizes first: a study.js of 2 GB is not read to learn it differs
            changed = own.stat().st_size != builtin.stat().st_size or own.read_bytes() != builtin.read_bytes()
        except OSError:
            changed = True
        if changed:
            problems.append(finding(
                "SG507", "this study.js is not run: the study page runs only studyguide's own script, "
                "so it works offline and runs nothing a guide brings", Location(own, 1),
                "remove layouts/study.js; the page's look is in study.css and study.html.j2"))
    return problems


# the settings that print: on the title page, in running heads, in the PDF's metadata
PRINTED_SETTINGS = ("title", "subtitle", "course", "author", "date", "keywords")


def check_settings(settings, fonts: Fonts, language: str) -> list[Diagnostic]:
    """The guide's title and the other [guide] settings that print, checked as the content's
    characters are (a font has them, none is invisible), at the setting's line: a title may be
    written with escapes (`"\\u202E"`, `"\\U00020000"`) that no check of the content sees."""
    from .config import _line_of

    if settings.source is None:
        return []
    try:
        text = settings.source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    lines = text.splitlines()
    shown, texts = _shown(settings.source), []
    for key in PRINTED_SETTINGS:
        value = getattr(settings.guide, key)
        value = " ".join(map(str, value)) if isinstance(value, list) else str(value)
        line = _line_of(text, "guide", key)
        if value and line:
            start = re.search(r"=\s*[\"']?", lines[line - 1])  # columns count from where the value starts
            texts.append((shown, " " * (start.end() if start else 0) + value, line))
    return check_coverage([(*item, language) for item in texts], fonts) + _invisible(texts)


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


# -- everything checked before rendering, for `build` and `check` alike -----------------------------

def language_of(settings: Settings, guide: Guide) -> str:
    return guide.language if settings.guide.language == "auto" else settings.guide.language


def chapter_language(settings: Settings, guide: Guide, chapter) -> str:
    """A chapter's own language: its file's front matter, else the guide's setting, else what its
    file's text looks like (so a Japanese file among Chinese ones gets Japanese forms)."""
    if chapter.language:
        return chapter.language
    if settings.guide.language != "auto":
        return settings.guide.language
    return chapter.detected or guide.language


def guide_fonts(settings: Settings, guide: Guide) -> Fonts:
    """The faces for the guide's language and every chapter's, the guide's own first."""
    languages = [language_of(settings, guide)]
    languages += [chapter_language(settings, guide, chapter) for chapter in guide.chapters]
    return choose(languages, settings.fonts_folder)


def content_roots(content: list[Path]) -> list[Path]:
    """The folders content may refer to (images): each content folder, or a file's own folder."""
    real = [Path(os.path.realpath(p)) for p in content]  # never raises, not even for a link loop
    return [p if p.is_dir() else p.parent for p in real]


def read_and_check(settings: Settings, content: list[Path], user_layouts: Path | None = None
                   ) -> tuple[Guide | None, Fonts | None, list[Diagnostic]]:
    """Everything checked before rendering, for `build` and `check` alike: the fonts, the
    content, its characters, links and images, and the guide's own layouts."""
    try:
        font_dir(settings.fonts_folder)
    except FontsMissing as exc:
        return None, None, [finding(
            "SG110", f"the fonts {'cannot be used' if exc.unusable else 'are missing'}: {exc}", Location(exc.folder, 0, 0),
            "put the font files themselves in that folder, as studyguide ships them" if exc.unusable else
            "set build.fonts to a folder holding them" if settings.fonts_folder else
            "restore the fonts/ folder (git checkout fonts)" if CHECKOUT else
            "reinstall studyguide (pip install --force-reinstall studyguide)")]
    guide = read_guide(content, reading=settings.read.reading(settings.source))
    diagnostics = list(guide.diagnostics)
    fonts = guide_fonts(settings, guide)
    diagnostics += [finding("SG404", note, None, "on Debian or Ubuntu: sudo apt-get install fonts-noto-cjk")
                    for note in fonts.notes]
    languages = {chapter.source: chapter_language(settings, guide, chapter) for chapter in guide.chapters}
    diagnostics += check_guide(guide, fonts, content_roots(content), languages)
    diagnostics += check_settings(settings, fonts, language_of(settings, guide))
    if user_layouts:
        diagnostics += check_layouts(user_layouts)
    if not guide.cards and not any(d.severity is Severity.ERROR for d in diagnostics):
        diagnostics.append(finding(
            "SG108", "there are no questions to build from", None,
            "write numbered questions, such as "
            + ("`1. 问题？`" if language_of(settings, guide).startswith("zh") else "`1. What is …?`")
            + " with the answer on the next line"))
    return guide, fonts, diagnostics
