"""A guide's own templates render in a sandbox: no Python internals, no command, and bounded work.

Each hostile template stops with SG505 at its own file and line, quickly and within a little memory;
nothing it asks for runs.
"""

from __future__ import annotations

import tracemalloc

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
    "a sum of lists": "{{ ([range(1000) | list] * 2000) | sum(start=[]) | length }}",
    "a power of a fraction": "{{ 2.0 ** 100000 }}",
}

# filters and methods whose result can be far bigger than what they are given: refused before it is made
GROWING = {
    "a join with a long separator": '{{ range(100000) | join("x" * 20000) }}',
    "replacing every gap": '{{ ("x" * 1000) | replace("", "y" * 1000) | replace("", "z" * 1500) | length }}',
    "a centring method": '{{ "a".center(1500000000) }}',
    "a padding method": '{{ "a".ljust(999999999) }}',
    "a wide format field": '{{ "{:>1500000000}".format("a") }}',
    "a format width as an argument": '{{ "{:>{}}".format("a", 1500000000) }}',
    "a repeated list printed": "{{ ([range(100000) | list] * 300) | string | length }}",
    "a join method": '{{ ("y" * 20000).join(range(100000) | map("string")) }}',
    "a replace method": '{{ ("x" * 10000).replace("", "y" * 10000) }}',
    "tabs expanded": '{{ ("\t" * 100000).expandtabs(1000) }}',
    "a power": "{{ 9 ** 999999 }}",
    "squaring over and over": "{% set n = 2 ** 60 %}" + "{% set n = n * n %}" * 30 + "{{ n }}",
    "a chain of products": "{{ " + " * ".join(["(2 ** 600)"] * 30) + " }}",
    "a repeated format": '{{ "%s" * 10 ** 9 }}',
    "a repeated list": "{{ [1] * 10 ** 9 }}",
    "a zero-padded format": '{{ "%0999999999d" % 1 }}',
    "many wide fields": '{{ ("%999999d" * 100) % ((1,) * 100) }}',
    "a value printed many times": '{{ ("%(a)s" * 1000) % {"a": "x" * 100000} }}',
    "a wide field by number": '{{ "{:>999999999}".format(1) }}',
    "many wide brace fields": '{{ ("{0:>999999}" * 100).format(1) }}',
    "a value formatted many times": '{{ ("{a}" * 1000).format_map({"a": "x" * 100000}) }}',
}
HOSTILE.update(GROWING)


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


def test_an_expression_too_deep_for_python_is_refused_not_a_traceback(tmp_path):
    """Jinja turns a template into Python, whose parser allows only so many nested brackets."""
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "title-page.html.j2").write_text("<p>\n{{ " + " * ".join(["(2 ** 6)"] * 300) + " }}\n</p>\n",
                                                encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        Layouts(layouts).render("title-page.html.j2")
    found = caught.value.diagnostic
    assert found.code == "SG505" and "nested too deeply" in found.message
    assert found.location.path == layouts / "title-page.html.j2"


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


@pytest.mark.parametrize("name", sorted(GROWING))
def test_a_value_too_big_is_refused_before_it_is_made(name, tmp_path):
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "title-page.html.j2").write_text(f"<p>\n{GROWING[name]}\n</p>\n", encoding="utf-8")
    environment = Layouts(layouts)
    tracemalloc.start()
    try:
        with pytest.raises(LayoutError) as caught:
            environment.render("title-page.html.j2")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "not allowed to do this" in caught.value.diagnostic.message
    assert peak < 60_000_000, f"{peak:,} bytes: the value was made before it was refused"


def test_all_of_a_builds_renders_share_one_budget(tmp_path):
    """A card's template renders once per card: each render is short, but together they stop."""
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "card-front.html.j2").write_text(
        "<p>\n{% for i in range(100000) %}{% endfor %}{{ view }}\n</p>\n", encoding="utf-8")
    environment = Layouts(layouts)
    environment.env.allow_for(0)
    environment.env.allowed = 0.3  # as if most of the build's allowance were spent
    rendered = 0
    with pytest.raises(LayoutError) as caught:
        for rendered in range(10_000):
            environment.render("card-front.html.j2", view=rendered)
    found = caught.value.diagnostic
    assert found.code == "SG505" and "ran for more than 0 s in all" in found.message
    # at the loop, or at the template's start when the time ran out between two renders
    assert found.location.path == layouts / "card-front.html.j2" and found.location.line in (1, 2)
    assert rendered > 0 and environment.env.spent >= 0.3


def test_the_allowance_grows_with_the_cards():
    """A page of every card renders once per build: with 11,300 cards it may take longer than
    the twenty seconds a render of the seed's size is given (it failed a big guide's build)."""
    from studyguide.layout.sandbox import BUILD_SECONDS, CARD_SECONDS, RENDER_CARD_SECONDS, SECONDS
    environment = Layouts()
    environment.env.allow_for(1000)
    assert environment.env.allowed == pytest.approx(BUILD_SECONDS + 1000 * CARD_SECONDS)
    environment.env.allow_for(11_300)
    assert environment.env.longest == pytest.approx(SECONDS + 11_300 * RENDER_CARD_SECONDS)
    # one render of a big guide may take minutes, yet less than all of them together
    assert 250 < environment.env.longest < environment.env.allowed


def test_one_render_of_a_big_guide_has_its_own_limit(tmp_path, monkeypatch):
    """With the build's allowance far from spent, one render that runs past its own limit is
    stopped, and the finding says it was this render, not all of them."""
    from studyguide.layout import sandbox

    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "answers.html.j2").write_text("{% for i in range(100000) %}{{ i }}{% endfor %}\n", encoding="utf-8")
    environment = Layouts(layouts)
    environment.env.allow_for(11_300)
    clock = iter(range(0, 10_000_000, 400))  # each look at the clock: 400 s more of CPU
    monkeypatch.setattr(sandbox.time, "process_time", lambda: float(next(clock)))
    with pytest.raises(LayoutError) as caught:
        environment.render("answers.html.j2")
    assert caught.value.diagnostic.code == "SG505"
    assert "the template ran for more than 302 s" in caught.value.diagnostic.message


def test_the_clock_is_the_processs_own_time(monkeypatch):
    """A machine busy with other work stretches wall-clock time, not this process's CPU time: a
    render that waits for the CPU is not a render that works too long."""
    import time

    from studyguide.layout import sandbox

    environment = Layouts()
    environment.env.allow_for(10)
    clock = iter([0.0, 0.5, 1.0])
    monkeypatch.setattr(time, "monotonic", lambda: 10_000.0)  # as if an hour passed in the wall clock
    monkeypatch.setattr(sandbox.time, "process_time", lambda: next(clock))
    environment.env.start()
    environment.env.tick()  # half a second of CPU: well within
    environment.env.stop()
    assert environment.env.spent == pytest.approx(1.0)


def test_watch_keeps_compiled_templates_until_a_layout_file_changes(tmp_path):
    """Builds in one process (`watch`) share their compiled templates while no file of the layouts
    folders changes; a changed, added or removed file gives a fresh set, which compiles it."""
    import os

    mine = tmp_path / "layouts"
    mine.mkdir()
    first = Layouts.for_build(mine)
    first.env.spent = 5.0
    again = Layouts.for_build(mine)
    assert again is first and again.env.spent == 0.0  # each build has its own time budget
    page = first.render("page-number-glyphs.html.j2", language="en", characters="1 2", stylesheet="")
    assert "my own" not in page
    own = mine / "page-number-glyphs.html.j2"
    own.write_text("<p>my own {{ characters }}</p>", encoding="utf-8")
    added = Layouts.for_build(mine)
    assert added is not first
    assert added.render("page-number-glyphs.html.j2", characters="1 2") == "<p>my own 1 2</p>"
    stamp = own.stat().st_mtime_ns
    own.write_text("<p>edited {{ characters }}</p>", encoding="utf-8")  # as long, and at the same time
    os.utime(own, ns=(stamp, stamp))
    edited = Layouts.for_build(mine)
    assert edited is not added and edited.render("page-number-glyphs.html.j2", characters="3") == "<p>edited 3</p>"
    own.unlink()
    assert "my own" not in Layouts.for_build(mine).render("page-number-glyphs.html.j2", language="en",
                                                           characters="1 2", stylesheet="")


@pytest.mark.parametrize("name, source, line, words", [
    ("blocks nested 3,000 deep", "<p>\nfine\n" + "{% if 1 %}\n" * 3000 + "x" + "{% endif %}" * 3000, 102,
     "nests blocks or brackets too deeply"),
    ("brackets nested 5,000 deep", "<p>\n{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}\n", 2,
     "nests blocks or brackets too deeply"),
    # under the 1 MB a layout file may be on disk (a bigger one is refused unread: test_confinement),
    # over the characters one may compile: 300,000 such tags took minutes
    ("149,000 tags", "<p>\n" + "{{ 1 }}" * 149_000 + "\n", 1, "more than the 1,000,000 a layout may be"),
])
def test_a_template_too_deep_or_big_to_compile_is_refused_at_its_own_file(name, source, line, words, tmp_path):
    """Jinja reads a template by recursion, and Python compiles it at a cost growing with its size:
    either is SG505 at the included template itself, not at the built-in one including it."""
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "answer.html.j2").write_text(source, encoding="utf-8")
    (layouts / "title-page.html.j2").write_text('<section>\n{% include "answer.html.j2" %}\n</section>\n',
                                                encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        Layouts(layouts).render("title-page.html.j2")
    found = caught.value.diagnostic
    assert found.code == "SG505" and words in found.message, found
    assert found.location.path == layouts / "answer.html.j2" and found.location.line == line, found
    assert "layout `answer.html.j2` cannot be read" in found.message


def test_a_render_begun_once_the_builds_time_is_spent_is_found_at_its_file(tmp_path):
    """The time can run out between two renders: the next one stops at its first part, with no
    line of the template running, and the finding still names the template's file."""
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "card-front.html.j2").write_text("<p>{{ view }}</p>\n", encoding="utf-8")
    environment = Layouts(layouts)
    environment.env.allow_for(0)
    environment.env.allowed = 0.0  # as if every other render had spent it all
    with pytest.raises(LayoutError) as caught:
        environment.render("card-front.html.j2", view=1)
    found = caught.value.diagnostic
    assert found.code == "SG505" and "ran for more than 0 s in all" in found.message
    assert found.location.path == layouts / "card-front.html.j2" and found.location.line == 1
