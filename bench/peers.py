"""The same cards set by other means, to measure studyguide against.

- `weasyprint`: a minimal WeasyPrint document of the deck's cards: one plain grid per sheet side
  (fronts, then backs with the columns mirrored), the bundled font, no fitting, no measuring, no
  joining. This is what the engine itself costs for these pages: studyguide's floor.
- `typst`: the same sheets typeset by Typst (the `typst` package from PyPI, installed for the
  benchmark only; it is not a dependency of studyguide). This is the tool a user would pick instead.

`write_inputs(content, folder)` writes both documents for a deck (outside the timing); then

    python bench/peers.py weasyprint deck.html out.pdf
    python bench/peers.py typst deck.typ out.pdf

renders one of them, as a whole process, like a build of studyguide.
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
COLUMNS, ROWS = 2, 4  # A7 cards on A4, as studyguide's default stock
CARD_MM = (105, 74)


def cards_of(content: Path) -> list[tuple[str, str]]:
    """(question, answer) of every card, as plain text."""
    sys.path.insert(0, str(ROOT))
    from studyguide.read import read_guide

    guide = read_guide([content])
    return [(card.question.strip(), card.answer.strip()) for card in guide.cards]


def _sheets(cards: list[tuple[str, str]]) -> list[tuple[list[str], list[str]]]:
    """(fronts, backs) of each sheet, the backs' columns mirrored for a long-edge flip."""
    per = COLUMNS * ROWS
    result = []
    for start in range(0, len(cards), per):
        batch = cards[start:start + per] + [("", "")] * (per - len(cards[start:start + per]))
        fronts = [question for question, _ in batch]
        backs = []
        for row in range(ROWS):
            backs += [batch[row * COLUMNS + column][1] for column in reversed(range(COLUMNS))]
        result.append((fronts, backs))
    return result


def weasyprint_html(cards: list[tuple[str, str]]) -> str:
    font = (FONTS / "NotoSansSC-Regular.otf").as_uri()
    style = f"""@font-face {{ font-family: Deck; src: url("{font}"); }}
@page {{ size: A4; margin: 0; }}
body {{ margin: 0; font-family: Deck; font-size: 10pt; line-height: 1.4; }}
.sheet {{ display: grid; grid-template-columns: repeat({COLUMNS}, {CARD_MM[0]}mm);
          grid-template-rows: repeat({ROWS}, {CARD_MM[1]}mm); break-after: page; }}
.card {{ box-sizing: border-box; padding: 5mm; border: 0.5pt dashed #999; overflow: hidden; }}"""
    pages = []
    for fronts, backs in _sheets(cards):
        for side in (fronts, backs):
            pages.append('<div class="sheet">' + "".join(
                f'<div class="card">{html.escape(text)}</div>' for text in side) + "</div>")
    return f"<!doctype html><html lang=zh><meta charset=utf-8><style>{style}</style>{''.join(pages)}</html>"


def typst_source(cards: list[tuple[str, str]]) -> str:
    lines = ['#set page(paper: "a4", margin: 0pt)',
             '#set text(font: "Noto Sans CJK SC", size: 10pt, lang: "zh")',
             "#let card(body) = box(width: %dmm, height: %dmm, inset: 5mm, clip: true, "
             "stroke: (paint: gray, thickness: 0.5pt, dash: \"dashed\"), body)" % CARD_MM,
             "#let sheet(..items) = grid(columns: %d, ..items.pos().map(card))" % COLUMNS]
    sides = [side for fronts, backs in _sheets(cards) for side in (fronts, backs)]
    for number, side in enumerate(sides):
        texts = ", ".join(json.dumps(text, ensure_ascii=False) for text in side)  # Typst strings, as JSON's
        lines.append(f"#sheet({texts})")
        if number < len(sides) - 1:
            lines.append("#pagebreak()")
    return "\n".join(lines) + "\n"


def write_inputs(content: Path, folder: Path) -> tuple[Path, Path]:
    cards = cards_of(content)
    folder.mkdir(parents=True, exist_ok=True)
    page, source = folder / "deck.html", folder / "deck.typ"
    page.write_text(weasyprint_html(cards), encoding="utf-8")
    source.write_text(typst_source(cards), encoding="utf-8")
    return page, source


def main() -> None:
    engine, source, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if engine == "weasyprint":
        from weasyprint import HTML

        HTML(filename=str(source)).write_pdf(str(out))
    elif engine == "typst":
        import typst

        typst.compile(str(source), output=str(out), font_paths=[str(FONTS)])
    else:
        raise SystemExit(f"unknown engine {engine!r}: weasyprint or typst")


if __name__ == "__main__":
    main()
