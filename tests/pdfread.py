"""Reading PDFs back for tests: text with positions, fonts, outline and links, all through pypdf."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Run:
    """A piece of text as the PDF draws it: position in mm from the page's top-left corner."""

    text: str
    x_mm: float
    y_mm: float  # of the baseline
    size_pt: float


def squash(text: str) -> str:
    """Text without any whitespace, for comparing what a reader would see."""
    return re.sub(r"\s+", "", text)


def runs(page) -> list[Run]:
    height = float(page.mediabox.height)
    found: list[Run] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text or not text.strip():
            return
        # text space to device space: tm then cm
        a, b, c, d, e, f = tm
        A, B, C, D, E, F = cm
        x = e * A + f * C + E
        y = e * B + f * D + F
        scale = (b * C + d * D) if (b or d) else D
        found.append(Run(text, x / MM, (height - y) / MM, abs(font_size * scale)))

    page.extract_text(visitor_text=visit)
    return found


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def embedded_fonts(path: Path) -> set[str]:
    """Base names of every font any page uses, subset tag removed (ABCDEF+Name → Name)."""
    names = set()
    for page in PdfReader(path).pages:
        resources = page.get("/Resources") or {}
        fonts = resources.get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1])
            for descendant in font.get("/DescendantFonts", []) or []:
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
                        f"font {font.get('/BaseFont')} is not embedded"
    return names


def outline(path: Path) -> list[tuple[int, str, int]]:
    """(level, title, 0-based page) for every bookmark, in order."""
    reader = PdfReader(path)
    entries = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                entries.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return entries
