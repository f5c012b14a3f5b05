"""Regenerate the pictures in docs/ from a build in out/ (needs pdftoppm from poppler-utils).

    python tools/docs_images.py [OUT_DIR]
    python tools/docs_images.py --cjk     # a page of each guide in tests/fixtures/cjk
    python tools/docs_images.py --gallery OUT_DIR   # docs/gallery/, from a build of tests/gallery
                                                    # (the HTML pages need chromium)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def first_page(path: Path, text: str) -> int:
    """1-based number of the first page after the contents whose text starts with `text`."""
    for number, page in enumerate(PdfReader(path).pages, start=1):
        if number > 2 and (page.extract_text() or "").strip().startswith(text):
            return number
    raise SystemExit(f"no page of {path.name} starts with {text!r}")


def picture(pdf: Path, page: int, name: str, resolution: int = 50) -> None:
    subprocess.run(["pdftoppm", "-r", str(resolution), "-png", "-singlefile", "-f", str(page), "-l", str(page),
                    str(pdf), str(DOCS / name)], check=True)
    print(f"docs/{name}.png  ← {pdf.name} page {page}")


def cjk() -> None:
    """The first chapter page of the teacher's edition of each small guide in another language."""
    for name in ("zh-TW", "ja", "ko", "mixed"):
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([sys.executable, str(ROOT / "compile.py"), "build", "--quiet", "--edition", "teacher",
                            "--out", out, str(ROOT / "tests" / "fixtures" / "cjk" / name)], check=True)
            picture(Path(out) / "teacher.pdf", 3, f"cjk-{name}", resolution=60)


def page_with(pdf: Path, text: str) -> int:
    """1-based number of the first page whose text holds `text`."""
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        if text in (page.extract_text() or ""):
            return number
    raise SystemExit(f"no page of {pdf.name} holds {text!r}")


def screenshot(page: Path, name: str, width: int, height: int) -> None:
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--hide-scrollbars", f"--screenshot={DOCS / name}.png", f"--window-size={width},{height}",
                    page.resolve().as_uri()], check=True, capture_output=True)
    from PIL import Image  # a screenshot in 64 colours is a quarter of the size, and reads the same

    with Image.open(DOCS / f"{name}.png") as shot:
        shot.convert("RGB").quantize(64).save(DOCS / f"{name}.png", optimize=True)
    print(f"docs/{name}.png  ← {page.name}")


def gallery(out: Path) -> None:
    """One picture per output of the gallery guide, at 60–70 dpi."""
    (DOCS / "gallery").mkdir(exist_ok=True)
    picture(out / "handout.pdf", page_with(out / "handout.pdf", "#include"), "gallery/handout", 60)
    picture(out / "workbook.pdf", page_with(out / "workbook.pdf", "Switching protocols"), "gallery/workbook", 60)
    picture(out / "teacher.pdf", page_with(out / "teacher.pdf", "均方误差"), "gallery/teacher", 60)
    front = page_with(out / "flashcards.pdf", "Compare the common")
    picture(out / "flashcards.pdf", front, "gallery/flashcards-front", 60)
    picture(out / "flashcards.pdf", front + 1, "gallery/flashcards-back", 60)
    screenshot(out / "answers.html", "gallery/answers", 800, 1000)
    screenshot(out / "study.html", "gallery/study", 390, 760)


def main() -> None:
    if sys.argv[1:] == ["--cjk"]:
        return cjk()
    if sys.argv[1:2] == ["--gallery"]:
        gallery(Path(sys.argv[2]))
        return
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "out"
    DOCS.mkdir(exist_ok=True)
    for edition in ("handout", "workbook", "teacher"):
        pdf = out / f"{edition}.pdf"
        picture(pdf, 1, f"{edition}-title")
        picture(pdf, first_page(pdf, "第 1 章"), f"{edition}-chapter")
    picture(out / "workbook.pdf", first_page(out / "workbook.pdf", "参考答案"), "workbook-key")
    picture(out / "flashcards.pdf", 1, "flashcards-front")
    picture(out / "flashcards.pdf", 2, "flashcards-back")


if __name__ == "__main__":
    main()
