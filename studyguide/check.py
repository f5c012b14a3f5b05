"""Checks on what was read, before anything is rendered: characters, fonts, links and images."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .diagnostics import finding
from .fonts import check_coverage
from .layout.content import ContentRenderer
from .model import Diagnostic, Guide, Location


def check_guide(guide: Guide, fonts: Path, content_roots: list[Path]) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    texts = []
    shown = {chapter.source: chapter.location.path for chapter in guide.chapters}
    for path in guide.sources:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # already reported when reading
        texts.append((shown.get(path.resolve(), path), text.replace("\r\n", "\n").replace("\r", "\n"), 1))
    problems += check_coverage(texts, fonts)
    problems += _invisible(texts)
    problems += _links(guide, content_roots)
    return problems


def _invisible(texts) -> list[Diagnostic]:
    problems = []
    for path, text, first in texts:
        for offset, line in enumerate(text.split("\n")):
            for column, ch in enumerate(line, start=1):
                if ch != "\t" and unicodedata.category(ch) in ("Cc", "Cf") and ch != "\ufeff":
                    name = unicodedata.name(ch, f"U+{ord(ch):04X}")
                    problems.append(finding(
                        "SG402", f"invisible character U+{ord(ch):04X} {name}", Location(path, first + offset, column),
                        "delete it unless you need it; it prints as nothing"))
    return problems


def _links(guide: Guide, roots: list[Path]) -> list[Diagnostic]:
    renderer = ContentRenderer(roots)
    problems = []
    for chapter in guide.chapters:
        for card in chapter.cards:
            for text, first_line in ((card.question, card.location.line), (card.answer, card.answer_line)):
                for rejected in renderer.check(text, chapter):
                    location = Location(card.location.path, first_line + rejected.line)
                    if rejected.kind == "link":
                        problems.append(finding(
                            "SG501", f"`[…]({rejected.target})` is shown as text: {rejected.reason}", location))
                    else:
                        problems.append(finding(
                            "SG502", f"image `{rejected.target}` is shown as text: {rejected.reason}", location,
                            "put the image file inside the content folder and link it by a relative path"))
    return problems


_IMPORT = re.compile(r"@import\b", re.IGNORECASE)
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""", re.IGNORECASE)


def check_layouts(folder: Path) -> list[Diagnostic]:
    """A guide's own layouts may not pull in anything from outside: no @import, and no url() but
    data: URLs and files beside them. (The renderer refuses those too; this says where they are.)"""
    problems: list[Diagnostic] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".css", ".j2", ".html")):
        try:
            lines = path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(finding("SG504", f"layout {path.name} cannot be read: {exc}", Location(path, 1)))
            continue
        for number, line in enumerate(lines, start=1):
            for match in _IMPORT.finditer(line):
                problems.append(finding(
                    "SG503", "@import is not allowed in a layout: stylesheets are put inline, and nothing "
                    "is fetched", Location(path, number, match.start() + 1),
                    "copy the rules you need into this file"))
            for match in _URL.finditer(line):
                target = match.group(2).strip()
                if target.lower().startswith("data:") or "{{" in target or not target:
                    continue
                if ":" in target.split("/", 1)[0] or target.startswith("//"):
                    problems.append(finding(
                        "SG503", f"url({target}) reaches outside the guide; a build never opens network "
                        "connections or reads other files", Location(path, number, match.start() + 1),
                        "put the file in the layouts folder and refer to it by a relative path, or use a data: URL"))
    return problems
