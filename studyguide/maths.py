"""TeX maths to SVG with ziamath: every glyph drawn as an outline, so a PDF embeds no extra font.

ziamath sets maths in STIX Two Math. Characters that font lacks, such as Chinese in `\\text{速度}`
or straight in `$速度 = v$`, are drawn from the bundled Noto Sans SC outlines instead (read with
fontTools: ziafont cannot read CID-keyed CFF fonts). A character neither font has, or TeX that
cannot be read, raises MathsError: the check reports it, and the formula is shown as its TeX.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import warnings

from fontTools.pens.basePen import BasePen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

with warnings.catch_warnings():  # ziamath finds its font with a deprecated importlib call
    warnings.simplefilter("ignore", DeprecationWarning)
    import ziamath
    from ziafont.fonttypes import BBox
    from ziafont.glyph import SimpleGlyph
    from ziafont.svgpath import Cubic, Lineto, Moveto, Point, Quad
    from ziamath import zmath
    from ziamath.mathfont import MathFont

TEXT_FONT = "NotoSansSC-Regular.otf"
SIZE_PX = 20  # ziamath draws at this size; the HTML scales it to 1em of the text around it


# characters of TeX in one formula. ziamath's time grows faster than a formula's length (each
# term of a row measures every term before it): a 4 KB row took 30 s, a 60 × 60 matrix 20 s,
# while 1,000 characters, far more than a card's formula needs, take a second or two.
MAX_TEX = 1_000


class MathsError(ValueError):
    """TeX that cannot be typeset, and why; `hint` says how to fix it, when that is not the TeX."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(reason)
        self.hint = hint


@dataclass(frozen=True)
class Formula:
    """A typeset formula: SVG, and its size relative to the text around it."""

    svg: str
    width_em: float
    height_em: float
    depth_em: float  # how far it reaches below the baseline

    @property
    def data_url(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


class _OutlinePen(BasePen):
    """Collects a glyph's outline as ziafont path operators."""

    def __init__(self, glyphset) -> None:
        super().__init__(glyphset)
        self.operators: list = []

    def _moveTo(self, p):
        self.operators.append(Moveto(Point(*p)))

    def _lineTo(self, p):
        self.operators.append(Lineto(Point(*p)))

    def _curveToOne(self, a, b, c):
        self.operators.append(Cubic(Point(*a), Point(*b), Point(*c)))

    def _qCurveToOne(self, a, b):
        self.operators.append(Quad(Point(*a), Point(*b)))


class _Outlines:
    """Glyphs of any OpenType font in the shape ziamath places: just enough of ziafont's Font."""

    def __init__(self, path: Path) -> None:
        self._font = TTFont(path, lazy=True)
        self._cmap = self._font.getBestCmap()
        self._glyphset = self._font.getGlyphSet()
        self._widths = self._font["hmtx"]
        self._order = self._font.getGlyphOrder()
        self._glyphs: dict[str, SimpleGlyph] = {}
        head, hhea = self._font["head"], self._font["hhea"]
        self.info = SimpleNamespace(filename=str(path), layout=SimpleNamespace(
            unitsperem=head.unitsPerEm, ymax=hhea.ascent, ymin=hhea.descent))

    def has(self, char: str) -> bool:
        return ord(char) in self._cmap

    def glyph(self, char: str) -> SimpleGlyph:
        name = self._cmap[ord(char)]
        if name not in self._glyphs:
            pen, bounds = _OutlinePen(self._glyphset), BoundsPen(self._glyphset)
            self._glyphset[name].draw(pen)
            self._glyphset[name].draw(bounds)
            xmin, ymin, xmax, ymax = bounds.bounds or (0, 0, 0, 0)
            self._glyphs[name] = SimpleGlyph(self._font.getGlyphID(name), pen.operators,
                                             BBox(xmin, xmax, ymin, ymax), self)
        return self._glyphs[name]

    def advance(self, index: int, following: int | None = None) -> int:
        return self._widths[self._order[index]][0]


class Typesetter:
    """Typesets TeX with the maths font, falling back to the bundled CJK outlines."""

    def __init__(self, fonts: Path) -> None:
        ziamath.config.svg2 = False  # plain paths: no <use>/<symbol> ids to clash between formulas
        outlines = _Outlines(fonts / TEXT_FONT)
        missing: set[str] = set()

        class FallbackFont(MathFont):
            def findglyph(self, char, variant):
                glyph = super().findglyph(char, variant)
                if glyph.index == 0 and not char.isspace():
                    if outlines.has(char):
                        return outlines.glyph(char)
                    missing.add(char)
                return glyph

        maths_font = Path(ziamath.__file__).parent / "fonts" / "STIXTwoMath-Regular.ttf"
        self._key = f"studyguide:{fonts}"
        zmath.loadedfonts[self._key] = FallbackFont(str(maths_font), SIZE_PX)
        self._missing = missing
        self._math = ziamath.Math
        self.typeset = lru_cache(maxsize=4096)(self._typeset)

    def _typeset(self, tex: str, display: bool) -> Formula:
        if len(tex) > MAX_TEX:  # refused before ziamath reads it
            raise MathsError(f"the formula is {len(tex):,} characters long, more than the {MAX_TEX:,} one formula "
                             "may be", "split it into several formulas, or show a large table or matrix as a "
                             "Markdown table or an image")
        self._missing.clear()
        try:
            svg = self._math.fromlatex(tex, size=SIZE_PX, font=self._key, inline=not display).svg()
        except Exception as exc:  # latex2mathml raises many kinds, all meaning "cannot read this TeX"
            reason = str(exc) or type(exc).__name__
            raise MathsError(f"the TeX cannot be read ({reason})") from None
        if self._missing:
            shown = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in sorted(self._missing))
            raise MathsError(f"no bundled font can draw {shown}")
        x, y, width, height = (float(v) for v in re.search(r'viewBox="([^"]+)"', svg).group(1).split())
        return Formula(svg, width / SIZE_PX, height / SIZE_PX, (height + y) / SIZE_PX)


@lru_cache(maxsize=4)
def typesetter(fonts: Path) -> Typesetter:
    """One typesetter per fonts folder and process: loading the fonts is the slow part."""
    return Typesetter(fonts)
