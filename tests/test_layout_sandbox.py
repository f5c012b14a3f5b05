"""A guide's own templates render in a sandbox: no Python internals, no command, and bounded work.

Each hostile template stops with SG505 at its own file and line, quickly and within a little memory;
nothing it asks for runs.
"""

from __future__ import annotations

import pytest

from studyguide.layout import LayoutError, Layouts

HOSTILE = {
    "command": '{{ lipsum.__globals__["os"].popen("touch ran").read() }}',
    "class walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "function globals": "{{ cycler.__init__.__globals__ }}",
    "a value's internals": "{{ meta.__class__.__init__.__globals__ }}",
    "changing a value given": "{{ words.update({'x': 1}) }}",
    "a huge repeat": '{{ "x" * 1000000000 }}',
    "a huge power": "{{ (10 ** 60) ** 60 ** 60 }}",
    "a wide format": '{{ "%999999999d" % 1 }}',
    "a starred format": '{{ "%*d" % (999999999, 1) }}',
    "doubling by recursion": '{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% endif %}{% endmacro %}'
                             '{{ d("abcdefgh", 64) }}',
    "a huge range": "{{ range(1000000000) | list | length }}",
    "a padding filter": '{{ "x" | center(1000000000) }}',
    "a division by zero": "{{ 1 / 0 }}",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_template_is_refused_at_its_line(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "title-page.html.j2").write_text(f"<section>\n  <p>harmless</p>\n  {HOSTILE[name]}\n</section>\n",
                                                encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        Layouts(layouts).render("title-page.html.j2", meta=object(), words={"a": "b"})
    found = caught.value.diagnostic
    assert found.code == "SG505"
    assert found.location.path == layouts / "title-page.html.j2" and found.location.line == 3, found
    assert "title-page.html.j2" in found.message
    assert not (tmp_path / "ran").exists()


def test_the_built_in_templates_need_nothing_the_sandbox_refuses():
    html = Layouts().render("title-page.html.j2", meta=type("M", (), {"course": "课", "title": "标题",
                                                                       "subtitle": "", "author": "", "date": ""})(),
                            words={"edition_teacher": "教师版", "questions_count": "{chapters} 章 {cards} 题"},
                            edition="teacher", chapter_count=2, card_count=7, count_line="2 章 7 题")
    assert "标题" in html and "2 章 7 题" in html


def test_a_template_linked_from_outside_the_layouts_folder_is_not_read(tmp_path):
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (tmp_path / "secret.txt").write_text("the secret", encoding="utf-8")
    (layouts / "secret.html.j2").symlink_to(tmp_path / "secret.txt")
    (layouts / "title-page.html.j2").write_text('<p>\n{% include "secret.html.j2" %}\n</p>\n', encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        Layouts(layouts).render("title-page.html.j2")
    found = caught.value.diagnostic
    assert found.code == "SG505" and "outside the layouts folder" in found.message
    assert found.location.line == 2
