"""layout/split.py: a side too long for one card cut into runs, the page each run was laid out on
read back from a render's anchors and texts, and the pieces rebuilt from the side's own HTML."""

from __future__ import annotations

from studyguide.layout.split import GROUP_CLASS, Side, starts_from_pages
from studyguide.printing.pool import Anchor

HTML = ('<p>一二三</p><ol><li>甲乙</li><li>丙丁</li></ol>'
        '<table><thead><tr><th>项</th></tr></thead><tbody><tr><td>r1</td></tr><tr><td>r2</td></tr></tbody></table>'
        '<p><img src="x.png" alt="图"></p>')


def _on(page: int) -> Anchor:
    return Anchor(page, 0.0, 0.0, 10.0, 10.0)


def test_text_is_cut_into_characters_and_words_and_rows_and_images_stay_whole():
    side = Side(HTML)
    # 一 二 三 | 甲 乙 | 丙 丁 | the head | r1 | r2 | the image
    assert side.runs == 11
    assert side.marks("s") == ["s0", "s3", "s5", "s8", "s9", "s10"]  # the head is not marked: every page repeats it
    marked = str(side.marked("s"))
    assert f'<span class="{GROUP_CLASS}" id="s0">一二三</span>' in marked
    assert '<tr id="s9"><td>r2</td></tr>' in marked and '<img src="x.png" alt="图" id="s10">' in marked
    words = Side("<p>mutable default arguments</p>")
    assert words.runs == 3  # a word and the space after it make one run


def test_pieces_keep_their_runs_and_the_structure_around_them():
    first, second, third = Side(HTML).pieces([0, 5, 9])
    assert first == "<p>一二三</p><ol><li>甲乙</li></ol>"
    # the list keeps counting from its second item, and the table brings its head along
    assert second == ('<ol style="counter-reset: list-item 1"><li>丙丁</li></ol>'
                      '<table><thead><tr><th>项</th></tr></thead><tbody><tr><td>r1</td></tr></tbody></table>')
    assert third == ('<table><thead><tr><th>项</th></tr></thead><tbody><tr><td>r2</td></tr></tbody></table>'
                     '<p><img src="x.png" alt="图"></p>')


def test_a_list_item_cut_inside_goes_on_without_a_second_bullet():
    first, second = Side("<ul><li>甲乙丙</li></ul>").pieces([0, 2])
    assert first == "<ul><li>甲乙</li></ul>"
    assert second == '<ul><li class="continued">丙</li></ul>'


def test_each_run_gets_the_page_it_was_laid_out_on():
    side = Side(HTML)
    # the first group was cut by a page's end after 一二; the list's first item, the rows and the
    # image are found by their anchors
    anchors = {"s3": _on(1), "s5": _on(1), "s8": _on(2), "s9": _on(2), "s10": _on(3)}
    texts = {"s0": ((0, "一二"), (1, "三"))}
    pages = side.pages("s", anchors, texts)
    assert pages == [0, 0, 1, 1, 1, 1, 1, None, 2, 2, 3]
    assert starts_from_pages(pages) == [0, 2, 8, 10]


def test_a_group_whose_text_is_not_its_own_goes_whole_to_its_last_page():
    side = Side("<p>一二三四</p>")
    # a stylesheet that changes letters (text-transform) makes the texts unrecognisable
    assert side.pages("s", {}, {"s0": ((0, "ABC"), (1, "D"))}) == [1, 1, 1, 1]


def test_starts_from_pages():
    assert starts_from_pages([None, 0, 0, 1, None, 1, 2]) == [0, 3, 6]
    assert starts_from_pages([2, 2, 3]) == [0, 2]  # pages need not start at 0
    assert starts_from_pages([None, None]) == [0]
