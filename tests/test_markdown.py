"""Answers render as readers expect: Markdown, highlighted code, typeset maths, safe images."""

import base64
import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conftest import FIXTURES, ROOT
from studyguide.layout.content import ContentRenderer
from studyguide.maths import MathsError, typesetter
from studyguide.markdown import visible_text
from studyguide.model import Chapter, Location

RICH = FIXTURES / "rich"
FONTS = ROOT / "fonts"


@pytest.fixture(scope="module")
def chapter() -> Chapter:
    return Chapter(1, 1, "富文本", Location(Path("ch01.md")), source=(RICH / "ch01.md").resolve())


@pytest.fixture(scope="module")
def renderer() -> ContentRenderer:
    return ContentRenderer([RICH])


def svg_of(image_tag: str) -> str:
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', image_tag).group(1)
    return base64.b64decode(data).decode("utf-8")


def test_emphasis_code_lists_tables_quotes(renderer, chapter):
    html = renderer.html("**粗体**、*强调*、`code` 和 ~~删除~~\n\n- 一\n  - 二\n\n> 引用\n\n"
                         "| 层 | 作用 |\n| --- | --- |\n| 卷积 | 特征 |", chapter)
    for tag in ("<strong>粗体</strong>", "<em>强调</em>", "<code>code</code>", "<s>删除</s>",
                "<blockquote>", "<table>", "<td>卷积</td>"):
        assert tag in html
    assert re.search(r"<ul>\s*<li>一\s*<ul>\s*<li>二</li>", html)


def test_br_breaks_a_table_cell_and_stays_text_elsewhere(renderer, chapter):
    html = renderer.html("| 步骤 | 说明 |\n| --- | --- |\n| 一<br>二<BR/>三 | `<br>` 是标签 |\n\n"
                         "正文里的 <br> 不换行", chapter)
    cell = re.search(r"<td>(.*?)</td>", html, re.S).group(1)
    assert re.fullmatch(r"一<br />\s*二<br />\s*三", cell), cell
    assert "<code>&lt;br&gt;</code>" in html  # code in a cell stays code
    assert "正文里的 &lt;br&gt; 不换行" in html  # outside a table, raw HTML is text


def test_fenced_code_is_highlighted_by_pygments(renderer, chapter):
    html = renderer.html("```python\nimport torch  # 注释\n```", chapter)
    assert '<span class="hl-kn">import</span>' in html
    assert '<span class="hl-c1"># 注释</span>' in html
    plain = renderer.html("```\nimport torch\n```", chapter)
    assert "hl-" not in plain and "import torch" in plain


def test_maths_is_typeset_as_svg_not_shown_as_tex(renderer, chapter):
    html = renderer.html(r"均方误差 $\frac{1}{n}\sum x_i^2$ 很常用。", chapter)
    assert "\\frac" not in visible_text(html) and "$" not in visible_text(html)
    image = re.search(r'<img class="math"[^>]*>', html).group()
    assert 'alt="\\frac{1}{n}\\sum x_i^2"' in image  # the TeX stays as the image's text alternative
    svg = svg_of(image)
    assert svg.startswith("<svg") and svg.count("<path") >= 5 and "<text" not in svg
    width, height, depth = (float(v) for v in re.search(
        r"width: ([\d.]+)em; height: ([\d.]+)em; vertical-align: (-[\d.]+)em", image).groups())
    assert 1 < width < 8 and 1 < height < 4 and -1 < depth < 0


def test_display_maths_is_a_centred_block(renderer, chapter):
    html = renderer.html("$$\nE = mc^2\n$$", chapter)
    assert re.search(r'<div class="math-display"><img class="math"', html)


def test_chinese_in_maths_is_drawn_from_the_bundled_font():
    maths_font = TTFont(Path(__import__("ziamath").__file__).parent / "fonts" / "STIXTwoMath-Regular.ttf")
    assert ord("距") not in maths_font.getBestCmap()  # so the maths font alone could not draw it
    typeset = typesetter(FONTS.resolve()).typeset
    distance, time = typeset(r"\text{距离}", False), typeset(r"\text{时间}", False)
    assert distance.svg != time.svg and distance.svg.count("<path") == 2
    straight = typeset("速度 = v", False)  # Chinese outside \text is drawn the same way
    assert straight.svg.count("<path") == 4


def test_a_character_no_font_has_is_refused():
    with pytest.raises(MathsError, match=r"no bundled font can draw 😀 \(U\+1F600\)"):
        typesetter(FONTS.resolve()).typeset(r"x = 😀", False)


def test_a_formula_over_the_length_limit_is_refused_before_it_is_typeset(renderer, chapter, monkeypatch):
    import ziamath
    from studyguide.maths import MAX_TEX
    long_row = "+".join(["x_{i}"] * 400) + "+y"  # 2,002 characters: ziamath alone took half a minute
    matrix = r"\begin{matrix}" + r"\\".join(["&".join(["a"] * 30)] * 30) + r"\end{matrix}"
    assert len(long_row) > MAX_TEX and len(matrix) > MAX_TEX
    typeset = typesetter(FONTS.resolve()).typeset
    fine = typeset("+".join(["x"] * 100), True)  # a long formula that fits is typeset
    assert fine.width_em > 50
    monkeypatch.setattr(ziamath.Math, "fromlatex", lambda *a, **k: pytest.fail("ziamath was asked"))
    for tex in (long_row, matrix):
        with pytest.raises(MathsError, match=r"characters long, more than the 1,000 one formula may be") as refused:
            typeset(tex, True)
        assert "split it into several formulas" in refused.value.hint
    html = renderer.html(f"看：\n\n$${long_row}$$\n", chapter)
    assert f'<code class="tex">{long_row}</code>' in html
    [rejected] = renderer.check(f"看：\n\n$${long_row}$$\n", chapter)
    assert (rejected.kind, rejected.line) == ("math", 2) and "split it" in rejected.hint


def test_unreadable_tex_is_shown_as_tex_and_reported(renderer, chapter):
    html = renderer.html(r"公式 $\frac{a}{$ 坏了", chapter)
    assert '<code class="tex">\\frac{a}{</code>' in html
    [rejected] = renderer.check("第一行\n公式 $\\frac{a}{$ 坏了", chapter)
    assert (rejected.kind, rejected.target, rejected.line) == ("math", "\\frac{a}{", 1)
    assert "cannot be read" in rejected.reason


def test_money_is_not_maths(renderer, chapter):
    html = renderer.html("价格从 $5 涨到 $10。", chapter)
    assert "<img" not in html and "$5" in html and "$10" in html


def test_images_resolve_next_to_the_chapter_file(renderer, chapter):
    html = renderer.html("![渐变](images/gradient.png)", chapter)
    assert f'src="{(RICH / "images" / "gradient.png").resolve().as_uri()}"' in html
    assert 'alt="渐变"' in html


@pytest.mark.parametrize("target, reason", [
    ("../forms/01-numbered.md", "outside the content folder"),
    ("images/missing.png", "does not exist"),
    ("https://example.com/a.png", "remote"),
    ("file:///etc/passwd", "remote and file: URLs"),
    ("ch01.md", "not an image type"),
])
def test_images_that_cannot_be_used_stay_text(renderer, chapter, target, reason):
    html = renderer.html(f"看图 ![图]({target})", chapter)
    assert "<img" not in html and f"({target})" in visible_text(html)
    [rejected] = renderer.check(f"看图 ![图]({target})", chapter)
    assert rejected.kind == "image" and reason in rejected.reason


def test_an_image_that_is_a_pipe_or_a_folder_is_named_so(tmp_path):
    """A FIFO is never opened (it would wait for ever), and the finding says what it is rather
    than that it does not exist."""
    import os

    os.mkfifo(tmp_path / "pipe.png")
    (tmp_path / "folder.png").mkdir()
    here = Chapter(1, 1, "图", Location(Path("ch01.md")), source=tmp_path / "ch01.md")
    found = ContentRenderer([tmp_path]).check("![管道](pipe.png) ![目录](folder.png)", here)
    assert [r.target for r in found] == ["pipe.png", "folder.png"]
    assert all(r.kind == "image" and r.reason == "the image is a folder, a pipe or a device, not a file" for r in found)


def test_link_like_text_whose_target_is_not_a_url_stays_text(renderer, chapter):
    html = renderer.html("加速-[-1，0，1](刹车，不加速，加速)，详见 [PyTorch](https://pytorch.org)。", chapter)
    assert "(刹车，不加速，加速)" in visible_text(html)
    assert '<a href="https://pytorch.org">PyTorch</a>' in html
    [rejected] = renderer.check("加速-[-1，0，1](刹车，不加速，加速)", chapter)
    assert (rejected.kind, rejected.target) == ("link", "刹车，不加速，加速")


def _counting_skips(monkeypatch) -> list[int]:
    """Counts markdown-it's skips over a token while it looks for the `]` of a `[`."""
    from markdown_it.parser_inline import ParserInline
    calls = [0]
    skip = ParserInline.skipToken

    def counted(self, state):
        calls[0] += 1
        skip(self, state)
    monkeypatch.setattr(ParserInline, "skipToken", counted)
    return calls


def test_a_paragraph_of_unclosed_brackets_is_read_within_a_budget(renderer, chapter, monkeypatch):
    from studyguide.markdown import SKIP_BUDGET
    calls = _counting_skips(monkeypatch)
    text = "第一行\n看这些：" + "![" * 20_000 + "[" * 5_000 + "](" * 2_000 + " 以及 [PyTorch](https://pytorch.org)。"
    rejected = renderer.check(text, chapter)
    assert [(r.kind, r.line) for r in rejected] == [("brackets", 1)]
    assert "over 100,000 steps" in rejected[0].reason
    # each `[` would scan the rest of the line: 25,000 of them, the line's length each
    assert calls[0] == SKIP_BUDGET
    shown = visible_text(renderer.html(text, chapter))
    assert shown.count("![") == 20_000 and shown.count("](") == 2_001  # nothing lost, all text
    assert "以及 [PyTorch](https://pytorch.org)。" in shown


def test_a_paragraph_of_many_links_stays_within_the_budget(renderer, chapter, monkeypatch):
    calls = _counting_skips(monkeypatch)
    text = "，".join(f"[第 {n} 节](https://example.com/{n}) 和 [{n}, {n + 1}) 区间" for n in range(300))
    assert renderer.check(text, chapter) == []
    html = renderer.html(text, chapter)
    assert html.count('<a href="https://example.com/') == 300
    assert calls[0] < 100_000
