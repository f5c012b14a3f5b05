import pytest

from studyguide.read.numerals import parse_chinese, parse_number


@pytest.mark.parametrize("text, value", [
    ("一", 1), ("五", 5), ("九", 9), ("十", 10), ("十一", 11), ("十六", 16), ("二十", 20),
    ("二十一", 21), ("三十五", 35), ("九十九", 99), ("一百", 100), ("一百零五", 105),
    ("二〇", 20), ("两", 2),
])
def test_chinese_numerals(text, value):
    assert parse_chinese(text) == value


@pytest.mark.parametrize("text", ["", "十十", "十百", "x", "五x"])
def test_malformed_numerals_are_refused(text):
    with pytest.raises(ValueError):
        parse_chinese(text)


@pytest.mark.parametrize("text, value", [("16", 16), ("１６", 16), ("十六", 16), (" 7 ", 7)])
def test_numbers_arabic_full_width_or_chinese(text, value):
    assert parse_number(text) == value
