"""Chinese and Arabic numerals as they appear in chapter headings: 五, 十六, 二十, 九十九, 一百零五, 16, １６."""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)


def parse_chinese(text: str) -> int:
    """Value of a Chinese numeral such as 十六 (16), 二十 (20), 一百零五 (105), or 二〇 (20).

    Raises ValueError for anything that is not a well-formed numeral.
    """
    if not text or any(ch not in DIGITS and ch not in UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if not any(ch in UNITS for ch in text):  # digit by digit: 二〇 = 20
        return int("".join(str(DIGITS[ch]) for ch in text))
    total, digit, last_unit = 0, None, 10_000
    for ch in text:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0:
                raise ValueError(f"two digits in a row in {text!r}")
            digit = DIGITS[ch] if DIGITS[ch] else None
        else:
            unit = UNITS[ch]
            if unit >= last_unit:
                raise ValueError(f"units out of order in {text!r}")
            # 十 alone at the front means 一十
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    return total + (digit or 0)


def parse_number(text: str) -> int:
    """An int from Arabic (including full-width) or Chinese numerals."""
    text = text.strip()
    if text.isdecimal():
        return int(text)  # int() understands full-width digits too
    return parse_chinese(text)
