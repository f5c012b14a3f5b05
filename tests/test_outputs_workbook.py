"""The workbook's pieces plan as passes (outputs/workbook.py): each takes what was rendered and
returns jobs and where the plan stands, as a new value; the value before is left as it was."""

import dataclasses
from types import MappingProxyType

import pytest

from studyguide.outputs.workbook import PLACEHOLDER_KEY, _Edition, _layout_of, _numbered, _Progress
from studyguide.printing.pool import Anchor, Rendered


def _rendered(key: str, pages: int, *anchors: tuple[str, int]) -> Rendered:
    return Rendered(key, b"%PDF", pages, {name: Anchor(page, 0, 0, 10, 10) for name, page in anchors})


def _start() -> _Progress:
    editions = (_Edition("handout", ("workbook:questions:body:0",)),
                _Edition("workbook", ("workbook:questions:body:0", "workbook:key:0")))
    return _Progress(editions, MappingProxyType({}))


def _front(edition: _Edition, progress: _Progress) -> str:
    return f"{edition.final_front} after {sorted(progress.done)}"


def test_each_edition_is_numbered_once_its_pieces_and_the_placeholder_are_in():
    progress = _start()
    progress, jobs = _numbered(progress, _rendered("workbook:questions:body:0", 5, ("ch1", 0), ("ch2", 3)), _front)
    assert jobs == []  # the contents' length is not known yet
    progress, jobs = _numbered(progress, _rendered(PLACEHOLDER_KEY, 2), _front)
    # the handout has all it needs; the workbook waits for its key
    assert jobs == ["workbook:handout:front:0 after ['workbook:front:placeholder', 'workbook:questions:body:0']"]
    assert progress.edition("handout").final_front == "workbook:handout:front:0"
    assert progress.edition("workbook").final_front == "" and progress.edition("workbook").front_pages == 2
    progress, jobs = _numbered(progress, _rendered("workbook:key:0", 3, ("answer-key", 0)), _front)
    assert [job.split()[0] for job in jobs] == ["workbook:workbook:front:0"]


def test_a_contents_that_grew_with_its_numbers_is_numbered_again():
    progress = _start()
    for result in (_rendered("workbook:questions:body:0", 5), _rendered("workbook:key:0", 3), _rendered(PLACEHOLDER_KEY, 2)):
        progress, jobs = _numbered(progress, result, _front)
    assert len(jobs) == 2
    progress, again = _numbered(progress, _rendered("workbook:handout:front:0", 2), _front)
    assert again == []  # as long as the placeholder said
    progress, again = _numbered(progress, _rendered("workbook:workbook:front:0", 3), _front)
    assert [job.split()[0] for job in again] == ["workbook:workbook:front:1"]
    assert progress.edition("workbook").front_pages == 3


def test_a_pass_leaves_the_state_it_was_given_as_it_was():
    before = _start()
    after, _ = _numbered(before, _rendered(PLACEHOLDER_KEY, 2), _front)
    assert dict(before.done) == {} and before.edition("workbook").front_pages == 0
    assert after.edition("workbook").front_pages == 2 and PLACEHOLDER_KEY in after.done
    with pytest.raises(dataclasses.FrozenInstanceError):
        after.editions = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        after.done["x"] = None  # type: ignore[index]


def test_double_sided_pieces_start_on_right_hand_pages():
    edition = _Edition("workbook", ("a", "b"), front_pages=2)
    done = {"a": _rendered("a", 3), "b": _rendered("b", 2)}
    # front 1–2, a 3–5, a blank 6, b 7–8
    assert _layout_of(edition, done, duplex=True) == ([0, 0, 1], [1, 3, 7])
    assert _layout_of(edition, done, duplex=False) == ([0, 0, 0], [1, 3, 6])


def test_an_edition_complete_only_with_its_pieces_glyphs_and_a_contents_that_keeps_its_length():
    from studyguide.outputs.workbook import GLYPHS_KEY, _complete

    edition = _Edition("handout", ("workbook:questions:body:0",), final_front="workbook:handout:front:0",
                       front_pages=2)
    done = {"workbook:questions:body:0": _rendered("workbook:questions:body:0", 5),
            "workbook:handout:front:0": _rendered("workbook:handout:front:0", 2)}
    assert not _complete(edition, done)  # no page-number glyphs yet
    done[GLYPHS_KEY] = _rendered(GLYPHS_KEY, 1)
    assert _complete(edition, done)
    assert not _complete(dataclasses.replace(edition, front_pages=3), done)  # to be numbered again
    assert not _complete(dataclasses.replace(edition, pieces=("workbook:questions:body:0", "workbook:key:0")), done)
    assert not _complete(dataclasses.replace(edition, final_front=""), done)


@pytest.mark.parametrize("spare", [True, False])
def test_editions_joined_while_others_render_are_the_files_joined_at_the_end(tmp_path, monkeypatch, spare):
    """With a core no worker uses (an edit's one worker), an edition whose pages are all in is
    joined at once, while the others render; the files are those of joining every edition at the end."""
    import shutil

    from conftest import CONTENT
    from studyguide import cli
    from studyguide.outputs import workbook
    from studyguide.printing.pool import Pool

    (tmp_path / "content").mkdir()
    for name in ("ch01.md", "ch02.md"):
        shutil.copy(CONTENT / name, tmp_path / "content" / name)
    # pieces of 8 cards: the editions are joined from pieces, as a guide of 150 cards or more is
    (tmp_path / "studyguide.toml").write_text('[build]\noutputs = ["workbook"]\nchunk_cards = 8\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    seen, joins = [], []
    real, join = workbook._edition_files, workbook._edition_file
    monkeypatch.setattr(workbook, "_edition_file", lambda *args: joins.append(args[1].name) or join(*args))

    def files(context, progress, rendered, paper, joined=MappingProxyType({})):
        seen.append(sorted(joined))
        return real(context, progress, rendered, paper, joined)

    monkeypatch.setattr(workbook, "_edition_files", files)
    assert cli.main(["-q", "--jobs", "1", "--out", "end"]) == 0
    assert seen == [[]]  # rendered in this process: no core is spare
    monkeypatch.setattr(Pool, "spare_core", lambda self: spare)
    assert cli.main(["-q", "--jobs", "1", "--force", "--out", "early"]) == 0
    assert seen[1] == (["handout", "teacher", "workbook"] if spare else [])
    assert sorted(joins) == ["handout"] * 2 + ["teacher"] * 2 + ["workbook"] * 2  # each joined once a build
    for name in ("handout.pdf", "workbook.pdf", "teacher.pdf"):
        assert (tmp_path / "early" / name).read_bytes() == (tmp_path / "end" / name).read_bytes(), name
