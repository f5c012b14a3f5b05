"""Reading PDFs back for tests: text with positions, fonts, outline and links through pypdf, and
glyph places through pdfplumber."""

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


def _to_unicode(font) -> dict[bytes, str]:
    """Code → text from a font's ToUnicode CMap (the bfchar and bfrange forms WeasyPrint writes)."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}
    data = stream.get_object().get_data().decode("latin-1")
    mapping = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for start, end, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            first, last, value = int(start, 16), int(end, 16), int(text, 16)
            for offset in range(last - first + 1):
                mapping[(first + offset).to_bytes(len(start) // 2, "big")] = chr(value + offset)
    return mapping


def pieces(page) -> list[tuple[str, float, float]]:
    """(text, x, size) in points for each text-showing operator, positioned by its own Tm.

    Finer than `runs`: pypdf's text extraction joins neighbouring pieces, which hides the small
    gaps this is for measuring.
    """
    fonts = {name: ref.get_object() for name, ref in (page["/Resources"].get("/Font") or {}).items()}
    maps = {name: _to_unicode(font) for name, font in fonts.items()}
    found = []
    state = {"font": None, "size": 0.0, "x": 0.0, "scale": 1.0}

    def before(operator, operands, cm, tm):
        if operator == b"Tf":
            state["font"], state["size"] = operands[0], float(operands[1])
        elif operator == b"Tm":
            state["x"] = float(operands[4])
            state["scale"] = float(cm[0])
        elif operator in (b"TJ", b"Tj"):
            items = operands[0] if operator == b"TJ" else [operands[0]]
            mapping = maps.get(state["font"], {})
            text = ""
            for item in items:
                if isinstance(item, (bytes, str)):
                    raw = item if isinstance(item, bytes) else item.encode("latin-1")
                    raw = bytes(raw)
                    text += "".join(mapping.get(raw[i:i + 2], "") for i in range(0, len(raw), 2))
            x = state["x"] * state["scale"] + float(cm[4])
            found.append((text, x, state["size"] * state["scale"]))

    page.extract_text(visitor_operand_before=before)
    return found


def horizontal_rules(path: Path, page: int, x_from_mm: float, x_to_mm: float, dpi: int = 100) -> list[float]:
    """y (mm from the top) of every horizontal line drawn across [x_from, x_to] on a 1-based page,
    found by rendering the page with pdftoppm: the lines a reader actually sees, however drawn."""
    import subprocess

    data = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(path)],
                          capture_output=True, check=True).stdout
    header, rest = data.split(b"\n", 1)
    assert header == b"P5"
    size, rest = rest.split(b"\n", 1)
    width, height = map(int, size.split())
    _, pixels = rest.split(b"\n", 1)  # the maximum value line
    per_mm = dpi / 25.4
    left, right = int(x_from_mm * per_mm), int(x_to_mm * per_mm)
    rows = []
    for y in range(height):
        row = pixels[y * width + left:y * width + right]
        if sum(1 for value in row if value < 215) > 0.9 * len(row):
            rows.append(y)
    lines: list[float] = []
    for y in rows:  # neighbouring rows are one line
        if lines and y - lines[-1][-1] <= 1:
            lines[-1].append(y)
        else:
            lines.append([y])
    return [sum(group) / len(group) / per_mm for group in lines]


def assert_same_pages(pdf: Path, cold: Path) -> None:
    """Two PDFs show the same glyphs at the same places (within 0.01 pt) on the same pages, under
    the same bookmarks, with the same links: a file joined from pages of several renders against
    one rendered whole. A page left blank (to start on the right) must be blank in both."""
    ours, theirs = glyphs_by_page(pdf), glyphs_by_page(cold)
    assert len(ours) == len(theirs) >= 2, pdf.name
    assert sum(1 for page in ours if page) >= 2, f"{pdf.name}: fewer than two pages have text"
    for number, (mine, other) in enumerate(zip(ours, theirs)):
        assert [c[0] for c in mine] == [c[0] for c in other], (pdf.name, number)
        for (text, x, y), (_, x2, y2) in zip(mine, other):
            assert abs(x - x2) <= 0.01 and abs(y - y2) <= 0.01, (pdf.name, number, text, x, x2, y, y2)

    def marks(path):
        reader = PdfReader(path)

        def walk(items):
            for item in items:
                if isinstance(item, list):
                    yield from walk(item)
                else:
                    yield item.title, reader.get_destination_page_number(item)
        links = [(number, annotation.get_object().get("/Dest")) for number, page in enumerate(reader.pages)
                 for annotation in page.get("/Annots") or []]
        return list(walk(reader.outline)), links

    assert marks(pdf) == marks(cold), pdf.name


def glyphs_by_page(pdf: Path) -> list[list[tuple[str, float, float]]]:
    """Each page's glyphs as (text, left, top), sorted."""
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        return [sorted((c["text"], c["x0"], c["top"]) for c in page.chars) for page in document.pages]
