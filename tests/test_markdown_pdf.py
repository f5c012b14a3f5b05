"""Rich answers in the printed PDF: maths drawn, code and tables kept, only the bundled fonts."""

import pytest
from pypdf import PdfReader

from conftest import FIXTURES, run_cli
from pdfread import embedded_fonts, runs, squash

RICH = FIXTURES / "rich"
BUNDLED = {"SG-Sans-SC", "SG-Serif-SC", "SG-Mono"}  # and the bold/oblique styles of each


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    out = tmp_path_factory.mktemp("rich")
    result = run_cli(str(RICH), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out / "workbook.pdf"


def key_page(path):
    reader = PdfReader(path)
    return next(page for page in reader.pages if "1.3" in (page.extract_text() or "")
                and "其中" in (page.extract_text() or ""))


def test_the_pdf_embeds_only_the_bundled_fonts(workbook):
    fonts = embedded_fonts(workbook)
    assert fonts and all(name.split("-Bold")[0].split("-Oblique")[0] in BUNDLED for name in fonts), fonts


def test_maths_is_drawn_not_printed_as_tex(workbook):
    page = key_page(workbook)
    text = page.extract_text()
    for tex in ("\\frac", "\\sum", "\\text", "$", "\\mathrm"):
        assert tex not in text
    assert "距离" not in text  # drawn as outlines inside the formula, not set as text
    # the formula takes room on its line: the text after it starts well to the right of the label
    label = next(r for r in runs(page) if r.text.strip() == "1.3")
    after = next(r for r in runs(page) if "其中" in r.text)
    assert abs(after.y_mm - label.y_mm) < 3
    assert after.x_mm - label.x_mm > 25


def test_code_tables_and_text_survive(workbook):
    text = squash(key_page(workbook).extract_text())
    for piece in ("importtorch.nnasnn", "layer=nn.Linear(3,4)#3个输入，4个输出", "层作用", "卷积提取特征",
                  "引用：好的模型需要好的数据。", "加速-[-1，0，1](刹车，不加速，加速)"):
        assert piece in text


def test_the_image_is_in_the_pdf(workbook):
    page = key_page(workbook)
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    # (the bars beside wrapped code lines are drawn as forms, not images)
    assert [(im["/Subtype"], im["/Width"], im["/Height"]) for im in images
            if im["/Subtype"] == "/Image"] == [("/Image", 60, 30)]
