"""Chinese typography on paper: line breaking (kinsoku), the gap between scripts, copied text."""

import shutil
import subprocess

import pytest
from pypdf import PdfReader

from pdfread import pieces
from studyguide.build import build
from studyguide.config import Settings, override

CLOSING = "，。、；：？！）」』》”’"
OPENING = "（「『《“‘"
# Every kind of punctuation, often, with Latin words and digits between: breaking it at many
# widths puts each of them at a line's start or end sooner or later, unless kinsoku holds.
PARAGRAPH = ("神经网络（neural network）由层组成：输入层、隐藏层和输出层。“前向传播”计算预测，"
             "《深度学习》一书说：反向传播用链式法则！是吗？是的；梯度「下降」更新权重『W』，"
             "学习率约为1e-3，批量为64，共训练10个epoch。") * 3

MIXED = "在GPU上训练3个epoch，调用nn.Linear层"


def _build(tmp_path, markdown: str, **changes) -> PdfReader:
    chapter = tmp_path / "ch1.md"
    chapter.write_text(markdown, encoding="utf-8")
    settings = override(Settings(), {"build.outputs": ["workbook"], "workbook.editions": ["teacher"],
                                     "build.jobs": 1, **changes})
    out = tmp_path / "out"
    result = build(settings, [chapter], out)
    assert not result.failed, [str(d) for d in result.diagnostics]
    return PdfReader(out / "teacher.pdf")


@pytest.mark.parametrize("width_mm", range(90, 211, 15))
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(tmp_path, width_mm):
    reader = _build(tmp_path, f"# 第 1 章-排版\n\n1.  下面这段话怎么断行？\n    {PARAGRAPH}\n",
                    **{"workbook.paper": f"{width_mm}x250mm"})
    lines = [line.strip() for page in reader.pages[2:] for line in page.extract_text().splitlines()]
    body = [line for line in lines if line and not line.startswith(("第 ", "1."))]
    assert len(body) >= 4  # the paragraph really was broken into lines
    for line in body:
        assert line[0] not in CLOSING, (width_mm, line)
        assert line[-1] not in OPENING, (width_mm, line)


def test_thin_gap_between_chinese_and_latin_without_changing_the_text(tmp_path):
    reader = _build(tmp_path, f"# 第 1 章-排版\n\n1.  混排的答案是什么？\n    {MIXED}\n")
    page = reader.pages[2]
    # the copied text is the source, character for character: no space was added
    assert MIXED in page.extract_text().replace("\n", "")
    if shutil.which("pdftotext"):
        copied = subprocess.run(["pdftotext", "-f", "3", "-l", "3", "-", "-"], input=_bytes(reader),
                                capture_output=True, check=True).stdout.decode()
        assert MIXED in copied.replace("\n", "")
    # but on paper there is a gap of about 1/12 em between 在 and GPU, and GPU and 上
    drawn = pieces(page)
    texts = [text for text, _, _ in drawn]
    zai = drawn[texts.index("在")]
    gpu = drawn[texts.index("GPU")]
    shang = drawn[texts.index("上训练")]
    em = zai[2]
    assert 0.05 * em < gpu[1] - (zai[1] + em) < 0.12 * em
    gpu_width = shang[1] - gpu[1]
    assert gpu_width > 1.2 * em  # three Latin letters, then the gap, then 上


def _bytes(reader: PdfReader) -> bytes:
    import io

    from pypdf import PdfWriter
    out = io.BytesIO()
    PdfWriter(clone_from=reader).write(out)
    return out.getvalue()


def test_inline_code_is_set_in_the_mono_face_with_chinese_falling_back(tmp_path):
    reader = _build(tmp_path, "# 第 1 章-代码\n\n1.  怎么打印？\n    调用 `print(模型)` 即可\n")
    fonts_by_text = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            fonts_by_text.setdefault(text.strip(), str(font.get("/BaseFont", "")).split("+")[-1])

    reader.pages[2].extract_text(visitor_text=visit)
    assert fonts_by_text.get("print(") == "SG-Mono"
    assert any(font == "SG-Sans-SC" and "模型" in text for text, font in fonts_by_text.items())
