"""Content markup never collides with a layout's classes: highlighted code keeps its own names.

Pygments names its token classes `n`, `k`, `c1`…, short enough that a layout's own classes (the
workbook's hanging number `.n`, the answer key's `.k`) once styled highlighted code and scrambled it.
"""

from __future__ import annotations

import io
import re

from pygments.token import STANDARD_TYPES

from conftest import ROOT
from studyguide.layout.content import CLASS_PREFIX, _FORMATTER, highlight, highlight_css

LAYOUTS = ROOT / "layouts"
# typography.css styles what Markdown produces (the content's own classes live there)
CONTENT_STYLESHEET = "typography.css"


def _content_classes() -> set[str]:
    """Every class Pygments can put on a token, from a stream holding every token type."""
    out = io.StringIO()
    _FORMATTER.format([(kind, f"x{n}\n") for n, kind in enumerate(STANDARD_TYPES)], out)
    classes = set(re.findall(r'class="([^"]+)"', out.getvalue()))
    return {name for names in classes for name in names.split()}


def _layout_classes() -> set[str]:
    found = set()
    for path in LAYOUTS.iterdir():
        if path.name == CONTENT_STYLESHEET or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if ".css" in path.name:
            text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
            text = re.sub(r'url\("[^"]*"\)|\{\{.*?\}\}|\{%.*?%\}', "", text)
            found |= set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", text))
        else:
            for value in re.findall(r'class="([^"]*)"', text):
                found |= {name for name in re.sub(r"\{.*?\}", " ", value).split()}
    return found


def test_every_token_class_is_prefixed():
    classes = _content_classes()
    assert len(classes) >= 60  # every standard token type, each with its own short name
    assert all(name.startswith(CLASS_PREFIX) for name in classes), sorted(classes)[:10]


def test_no_layout_class_is_a_token_class():
    layout = _layout_classes()
    assert {"n", "k", "q", "c", "b", "m"} & layout  # the short names the layouts really use
    assert not (layout & _content_classes())
    assert not [name for name in layout if name.startswith(CLASS_PREFIX)]


def test_highlighting_styles_only_prefixed_classes():
    css = highlight_css()
    selectors = set(re.findall(r"\.([a-zA-Z][\w-]*)", re.sub(r"/\*.*?\*/", "", css)))
    assert selectors and all(name.startswith(CLASS_PREFIX) for name in selectors)
    assert "line-height" not in css  # the layouts' own code blocks keep their spacing
    assert '<span class="hl-k">def</span>' in highlight("def f(): pass\n", "python")
