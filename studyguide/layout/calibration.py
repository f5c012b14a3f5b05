"""The calibration sheet: one duplex sheet whose marks tell which back offset a printer needs.

The front has crosses; the back, behind each cross (after the flip, with the offset in use), a
millimetre grid whose numbers are offsets. A pin pushed through a cross comes out on the back
where the printer really put the back's grid: the grid's numbers at the hole are the offset to
enter. Derivation: a printer that shifts the back by (a, b) prints the grid's zero at
(c + a, d + b) from where the pin comes out, c and d being the offset in use; the hole is at
-(c + a) on the grid, and the offset that cancels the shift is -a = c + (-(c + a)). So the
number printed at grid position p is the offset in use plus p.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..geometry.sheets import Backs, Rect, Stock
from . import Layouts

GRID_MM = 6  # each grid runs from -6 to +6 mm around its centre, a line every mm
LABEL_EVERY_MM = 3  # numbered, and drawn darker, every 3 mm
TARGET_INSET_MM = 40.0  # corner crosses sit this far from the paper's edges

WORDS = {
    "en": {
        "title": "Flashcard printer calibration",
        "setup": "Paper {paper} · flip on the {flip} edge · back offset in use: {x}, {y} mm",
        "long": "long", "short": "short",
        "steps": [
            "Print this file on both sides of one sheet, at 100 % ('actual size'), with the duplex "
            "setting you use for flashcards.",
            "Check the bar below: it must be exactly 100 mm long. If it is shorter, the page was "
            "scaled: turn off 'fit to page'.",
            "Turn the sheet over about its {flip} edge. The back must read the right way up; if it is "
            "upside down, your printer flips on the other edge: build with --flip {other}.",
            "Push a pin through the centre of each cross (or hold the sheet against a window), then "
            "look at the grid on the back where the pin came through.",
            "The numbers on the grid's top edge at the hole give X, those on its left edge give Y. "
            "Build with --back-offset=X,Y (the average of the five grids, to the nearest half millimetre).",
        ],
        "scale": "100 mm",
        "top": "↑ top of the sheet",
        "back": "Back: read X on the top edge and Y on the left edge of each grid, where the pin came through",
    },
    "zh-CN": {
        "title": "卡片打印校准页",
        "setup": "纸张 {paper} · 沿{flip}边翻转 · 当前背面偏移：{x}, {y} 毫米",
        "long": "长", "short": "短",
        "steps": [
            "用打印卡片时的双面设置，把本文件按 100%（“实际大小”）打印在一张纸的两面。",
            "检查下面的线段：它必须正好 100 毫米长。如果较短，说明页面被缩放了：请关闭“适合页面大小”。",
            "沿{flip}边把纸翻过来。背面的字应当是正的；如果是倒的，说明打印机沿另一条边翻转：请用 --flip {other} 生成。",
            "用大头针穿过每个十字的中心（或对着窗户看），再看背面网格上针孔的位置。",
            "针孔处网格上边的数字是 X，左边的数字是 Y。用 --back-offset=X,Y 生成卡片"
            "（取五个网格的平均值，精确到半毫米）。",
        ],
        "scale": "100 毫米",
        "top": "↑ 纸的上边",
        "back": "背面：在针孔处读出每个网格上边的 X 和左边的 Y",
    },
    "zh-TW": {
        "title": "卡片列印校準頁",
        "setup": "紙張 {paper} · 沿{flip}邊翻轉 · 目前背面偏移：{x}, {y} 公釐",
        "long": "長", "short": "短",
        "steps": [
            "用列印卡片時的雙面設定，把本檔案按 100%（「實際大小」）列印在一張紙的兩面。",
            "檢查下面的線段：它必須正好 100 公釐長。如果較短，表示頁面被縮放了：請關閉「符合頁面大小」。",
            "沿{flip}邊把紙翻過來。背面的字應當是正的；如果是倒的，表示印表機沿另一條邊翻轉：請用 --flip {other} 產生。",
            "用大頭針穿過每個十字的中心（或對著窗戶看），再看背面網格上針孔的位置。",
            "針孔處網格上邊的數字是 X，左邊的數字是 Y。用 --back-offset=X,Y 產生卡片"
            "（取五個網格的平均值，精確到半公釐）。",
        ],
        "scale": "100 公釐",
        "top": "↑ 紙的上邊",
        "back": "背面：在針孔處讀出每個網格上邊的 X 和左邊的 Y",
    },
}


def words_for(language: str) -> dict:
    if language in WORDS:
        return WORDS[language]
    if language.lower().startswith(("zh-tw", "zh-hk", "zh-hant")):
        return WORDS["zh-TW"]
    return WORDS["zh-CN"] if language.lower().startswith("zh") else WORDS["en"]


@dataclass(frozen=True)
class Tick:
    position_mm: float  # on the page, along the axis
    value: str  # the offset it stands for


@dataclass(frozen=True)
class Target:
    """A cross on the front and the grid behind it on the back."""

    front_x_mm: float
    front_y_mm: float
    back_x_mm: float  # the grid's zero on the back page, offset in use included
    back_y_mm: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]


def _number(value: float) -> str:
    """`-1.5` as `−1.5`, `2.0` as `2`: short, so the grid's numbers do not run together."""
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text.replace("-", "−")


def targets(stock: Stock, backs: Backs) -> list[Target]:
    width, height = stock.paper.width_mm, stock.paper.height_mm
    inset = min(TARGET_INSET_MM, width / 4, height / 4)
    points = [(width / 2, height / 2), (inset, inset), (width - inset, inset), (inset, height - inset),
              (width - inset, height - inset)]
    found = []
    offset_mm = backs.offset_mm
    for x, y in points:
        behind = stock.behind(Rect(x, y, 0, 0), backs.flip)
        bx, by = behind.x_mm + offset_mm[0], behind.y_mm + offset_mm[1]
        x_ticks = tuple(Tick(bx + p, _number(offset_mm[0] + p)) for p in range(-GRID_MM, GRID_MM + 1, LABEL_EVERY_MM))
        y_ticks = tuple(Tick(by + p, _number(offset_mm[1] + p)) for p in range(-GRID_MM, GRID_MM + 1, LABEL_EVERY_MM))
        found.append(Target(x, y, bx, by, x_ticks, y_ticks))
    return found


def calibration_html(layouts: Layouts, stock: Stock, backs: Backs, language: str,
                     meta, font_url: Callable[[str], str]) -> str:
    words = words_for(language)
    steps = [step.format(flip=words[backs.flip], other=backs.other_flip) for step in words["steps"]]
    setup = words["setup"].format(paper=f"{stock.paper.name.upper()} ({stock.paper.width_mm:g} × "
                                  f"{stock.paper.height_mm:g} mm)", flip=words[backs.flip],
                                  x=_number(backs.offset_mm[0]), y=_number(backs.offset_mm[1]))
    stylesheet = layouts.stylesheet("fonts.css.j2", "calibration.css.j2", font_url=font_url, paper=stock.paper)
    # the front's top edge lies at the back's bottom when the flip swaps the rows
    back_top_below = stock.behind(Rect(0, 0, 0, 0), backs.flip).y_mm > stock.paper.height_mm / 2
    words = dict(words, top_below=words["top"].replace("↑", "↓"))
    return layouts.render("calibration.html.j2", language=language, meta=meta, words=words, steps=steps,
                          setup=setup, paper=stock.paper, targets=targets(stock, backs), grid_mm=GRID_MM, label_every_mm=LABEL_EVERY_MM,
                          stylesheet=stylesheet, back_top_below=back_top_below)
