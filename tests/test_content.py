"""content/ is the seed, split one chapter per file, with not a character changed."""

import re

from conftest import CONTENT


def chapters_of(text: str) -> list[str]:
    return [part.strip("\n") for part in re.split(r"(?m)^(?=# )", text) if part.strip()]


def test_chapter_files_joined_give_back_the_seed(seed_text):
    files = sorted(CONTENT.glob("*.md"))
    assert len(files) == 15
    joined = [f.read_text(encoding="utf-8").strip("\n") for f in files]
    assert joined == chapters_of(seed_text)
    # apart from the blank lines between chapters, the texts are the same
    assert "\n\n".join(joined) == seed_text.strip("\n")


def test_each_file_holds_exactly_one_chapter():
    paths = sorted(CONTENT.glob("*.md"))
    assert len(paths) == 15
    for path in paths:
        headings = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# ")]
        assert len(headings) == 1, path
