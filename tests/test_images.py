"""studyguide/images.py: which images a guide may show, checked before anything is rendered."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyguide.images import ImageRules, image_hint


def _rules(folder: Path) -> ImageRules:
    rules = ImageRules([folder.resolve()])
    rules.chapter_dir = folder.resolve()
    return rules


def test_an_svg_nested_thousands_deep_is_refused_not_a_crash(tmp_path):
    """2,000 nested groups are 14 KB; counting what they draw recursed once per level."""
    depth = 2000
    (tmp_path / "deep.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                                       + "<g>" * depth + '<rect width="1" height="1"/>' + "</g>" * depth + "</svg>",
                                       encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        _rules(tmp_path).resolve("deep.svg")
    assert "nest too deeply" in str(caught.value)
    assert "PNG" in image_hint(str(caught.value))


def test_a_plain_svg_and_a_png_are_shown(tmp_path):
    from PIL import Image

    (tmp_path / "ok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                                     '<g><g><rect width="1" height="1"/></g></g></svg>', encoding="utf-8")
    Image.new("RGB", (20, 10), "white").save(tmp_path / "ok.png")
    rules = _rules(tmp_path)
    assert rules.resolve("ok.svg") == (tmp_path / "ok.svg").resolve().as_uri()
    assert rules.resolve("ok.png") == (tmp_path / "ok.png").resolve().as_uri()
