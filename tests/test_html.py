"""out/questions.html and out/answers.html: every card, offline, with the bundled fonts inside."""

import hashlib
import re

import pytest

from conftest import CONTENT
from pdfread import squash
from studyguide.layout.content import ContentRenderer
from studyguide.markdown import visible_text


@pytest.fixture(scope="module")
def pages(built):
    return {side: (built / f"{side}.html").read_text(encoding="utf-8") for side in ("questions", "answers")}


def test_question_page_holds_every_question_and_no_answer(pages, guide):
    renderer = ContentRenderer([CONTENT])
    text = squash(visible_text(pages["questions"]))
    for chapter in guide.chapters:
        for card in chapter.cards:
            assert squash(visible_text(renderer.html(card.question, chapter))) in text
    long_answers = [c.answer for c in guide.cards if len(c.answer) > 15 and "`" not in c.answer]
    assert not any(squash(answer) in text for answer in long_answers)


def test_answer_page_holds_every_answer(pages, guide):
    renderer = ContentRenderer([CONTENT])
    text = squash(visible_text(pages["answers"]))
    assert len(guide.chapters) == 15 and len(guide.cards) == 113
    for chapter in guide.chapters:
        for card in chapter.cards:
            assert squash(visible_text(renderer.html(card.answer, chapter))) in text, card.label


def test_pages_are_self_contained(pages):
    for html in pages.values():
        assert '<html lang="zh-CN">' in html
        fonts = re.findall(r'src: url\("([^"]+)"\)', html)
        assert len(fonts) >= 4 and all(url.startswith("data:font/woff;base64,") for url in fonts)
        assert not re.search(r'(?:src|href)="(?:https?:|file:|/)', html)


def test_each_label_links_to_the_other_side(pages, guide):
    assert len(guide.cards) == 113
    for card in guide.cards:
        assert f'href="answers.html#{card.anchor}"' in pages["questions"]
        assert f'href="questions.html#{card.anchor}"' in pages["answers"]


def test_the_pages_fonts_are_encoded_once_and_a_planted_record_is_not_used(tmp_path, monkeypatch):
    """The WOFF of a cut face is kept in the cache by the cut's digest: the next build takes it
    from there (fontTools is not asked again), and a record that holds anything but a WOFF data
    URL (damaged, or planted to break out of the stylesheet) is a miss, encoded afresh."""
    import studyguide.fonts as fonts_module
    from studyguide.cache import JobCache
    from studyguide.fonts import bundled, subset, woff_data_uri

    fonts = bundled()
    face = fonts.faces[0]
    cut = subset(fonts.path(face), set("问答 Qa1"), face.index)
    cache = JobCache(tmp_path)
    fresh = woff_data_uri(cut)
    assert fresh.startswith("data:font/woff;base64,") and len(fresh) > 1000
    assert woff_data_uri(cut, cache) == fresh
    monkeypatch.setattr(fonts_module, "woff", lambda font: pytest.fail("encoded again"))
    assert woff_data_uri(cut, cache) == fresh
    monkeypatch.undo()
    records = [path for path in (tmp_path / "jobs").rglob("*.entry")]
    assert len(records) == 1
    planted = b'{"woff":"data:font/woff;base64,AAAA\\");}</style><script>alert(1)</script>"}'
    records[0].write_bytes(b"studyguide-record-1 " + hashlib.sha256(planted).hexdigest().encode() + b"\n" + planted)
    assert woff_data_uri(cut, cache) == fresh
