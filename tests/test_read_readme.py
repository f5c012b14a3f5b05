"""The README's "Writing content" examples read as it says, and its code table is the real one."""

import re
from pathlib import Path

import pytest

from conftest import ROOT
from lossless import unaccounted
from studyguide.diagnostics import CODES, readme_table
from studyguide.read import read_guide

README = (ROOT / "README.md").read_text(encoding="utf-8")
WRITING = README[README.index("## Writing content"):README.index("## Diagnostics")]
EXAMPLES = [m.group(2) for m in re.finditer(r"^(`{3,4})markdown\n(.*?)^\1$", WRITING, re.S | re.M)]


def test_there_is_an_example_for_every_form():
    assert len(EXAMPLES) == 17


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"example-{n}" for n in range(1, len(EXAMPLES) + 1)])
def test_each_example_reads_cleanly(tmp_path, example):
    path = tmp_path / "example.md"
    path.write_text(example, encoding="utf-8")
    guide = read_guide([path], base=tmp_path)
    only_front_matter = example.startswith("---") and example.rstrip().endswith("---")
    assert len(guide.cards) >= (0 if only_front_matter else 1)
    assert all(card.answer for card in guide.cards)
    allowed = {"SG201"} if only_front_matter else set()
    assert [str(d) for d in guide.diagnostics if d.severity.name != "NOTE" and d.code not in allowed] == []
    assert unaccounted(guide, path, Path(path.name)) == []


def test_the_code_table_is_the_registered_one():
    assert readme_table() in README
    assert all(f"| {code} |" in README for code in CODES)


SETTINGS = [m.group(1) for m in re.finditer(r"^```toml\n(.*?)^```$", WRITING, re.S | re.M)]
CARD_LINES = [m.group(1) for m in re.finditer(r"^```text\n(.*?)^```$", WRITING, re.S | re.M)]


def test_the_read_settings_shown_are_valid_and_reach_the_reader():
    import tomllib

    from studyguide.config import from_mapping
    from studyguide.read.settings import Markers, ReadSettings

    [text] = SETTINGS
    reading = from_mapping(tomllib.loads(text), Path("studyguide.toml"), text).read.reading()
    assert reading == ReadSettings("auto", (("flashcards/*.md", "separator"), ("ch0[1-3].md", "numbered")),
                                   Markers("**Q.**", "**A.**"))


def test_the_card_list_shown_has_the_form_check_prints(tmp_path):
    from studyguide.check import card_lines

    [shown] = CARD_LINES
    lines = shown.strip("\n").split("\n")
    assert lines
    # the first README example, as `check --cards` prints it: the same fields, in the same order
    path = tmp_path / "example.md"
    path.write_text(EXAMPLES[0], encoding="utf-8")
    printed = card_lines(read_guide([path], base=tmp_path))
    form = re.compile(r"^\d+\.\d+  \S+:\d+  \S.* → \S.*  \[[a-z]+\]$")
    assert printed and all(form.match(line) for line in printed + lines), printed + lines
