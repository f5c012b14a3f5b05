"""outputs/flashcards.py: a deck's passes (measure → fit → split → sheets, then the backs placed),
each a function of the previous pass's renders that returns its jobs, its findings and a new state."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from studyguide.config import Settings
from studyguide.model import Severity
from studyguide.outputs import flashcards
from studyguide.printing.pool import Anchor, Pool, Rendered

SHORT = "1. 梯度下降沿着哪个方向更新权重？\n   沿着损失函数梯度的反方向。\n"
# an answer of many short paragraphs: longer than an A7 card at the smallest size, and easy to cut
LONG = "2. 请列举训练中常见的问题。\n" + "".join(
    f"\n   第 {n} 条：学习率过大时损失会来回震荡，过小时又几乎不下降，需要反复调整。\n" for n in range(1, 41))


def _context(tmp_path: Path, monkeypatch, text: str, cache: bool = False, **cards):
    """The context a build of `text` hands its outputs (the build stops there)."""
    from studyguide import build as build_module

    captured = {}

    def stop(settings, context, result, *rest):
        captured["context"] = context
        return result

    monkeypatch.setattr(build_module, "_render_and_write", stop)
    folder = tmp_path / "guide"
    folder.mkdir()
    (folder / "ch01.md").write_text("# 第 1 章 训练\n\n" + text, encoding="utf-8")
    settings = Settings()
    settings = dataclasses.replace(settings, build=dataclasses.replace(settings.build, outputs=["flashcards"], jobs=1),
                                   cards=dataclasses.replace(settings.cards, **cards))
    result = build_module.build(settings, [folder], tmp_path / "out", work_dir=tmp_path / "work",
                                fingerprint="test" if cache else "")
    assert not result.failed, [str(d) for d in result.diagnostics]
    return captured["context"]


def _run(plan) -> tuple[dict[str, Rendered], list[tuple[str, object]]]:
    """Every job of the plan rendered, and each step its `then` made, by the job it was given."""
    steps = []

    def then(rendered):
        step = plan.then(rendered)
        steps.append((rendered.key, step))
        return step.jobs

    with Pool(1) as pool:
        return pool.run(plan.jobs, then), steps


def test_a_pass_returns_a_new_state_and_leaves_the_one_it_was_given():
    box = Anchor(0, 1.0, 2.0, 3.0, 4.0)
    before = flashcards._Measure(frozenset({"flashcards:measure:0", "flashcards:measure:1"}), {})
    after = flashcards._measured(None, before, Rendered("flashcards:measure:0", anchors={"m0": box}))
    assert after.jobs == () and after.findings == ()  # the other half is not back yet
    assert after.state.pending == {"flashcards:measure:1"} and after.state.anchors == {"m0": box}
    assert before.pending == {"flashcards:measure:0", "flashcards:measure:1"} and before.anchors == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        after.state.pending = frozenset()


def test_a_side_too_long_is_the_fitting_pass_s_finding(tmp_path, monkeypatch):
    context = _context(tmp_path, monkeypatch, SHORT + LONG, overflow="error")
    plan = flashcards.plan(context)
    assert plan.findings == ()  # no table too wide: nothing found before measuring
    assert plan.jobs and all(job.key.startswith("flashcards:measure:") for job in plan.jobs)
    assert {job.label for job in plan.jobs} == {"flashcards, fitting the text"}
    rendered, steps = _run(plan)
    assert [key for key, _ in steps] == [job.key for job in plan.jobs]
    last = steps[-1][1]
    assert last.jobs == ()  # an error: no sheets are laid out
    [found] = last.findings
    assert found.code == "SG601" and found.severity is Severity.ERROR
    assert "card 1.2: the answer does not fit" in found.message and found.location.line == 7  # where the answer starts


def test_long_sides_are_measured_then_split_then_laid_out_in_sheets(tmp_path, monkeypatch):
    context = _context(tmp_path, monkeypatch, SHORT + LONG)
    plan = flashcards.plan(context)
    rendered, steps = _run(plan)
    keys = [key for key, _ in steps]
    assert keys == ["flashcards:measure:0", "flashcards:split", "flashcards:sheets:0"]
    measured, split, sheets = (step for _, step in steps)
    assert [job.key for job in measured.jobs] == ["flashcards:split"] and measured.findings == ()
    assert [job.key for job in split.jobs] == ["flashcards:sheets:0"]
    [found] = split.findings  # said once, where the answer is cut
    assert found.severity is Severity.WARNING and "continues over" in found.message
    cards = int(found.message.split("continues over ")[1].split()[0])
    assert cards > 1
    assert sheets.jobs == () and sheets.findings == ()
    [data] = plan.files(rendered).values()
    reader = PdfReader(io.BytesIO(data))
    assert plan.pages(rendered) == {"flashcards.pdf": len(reader.pages)} == {"flashcards.pdf": 2}
    text = "".join(page.extract_text() for page in reader.pages)
    assert "第 1 条" in text and "第 40 条" in text  # the first piece and the last both printed


def test_backs_rendered_once_are_moved_to_the_flip_asked_for(tmp_path, monkeypatch):
    context = _context(tmp_path, monkeypatch, SHORT, cache=True, flip="short")
    plan = flashcards.plan(context)
    rendered, steps = _run(plan)
    assert [key for key, _ in steps] == ["flashcards:measure:0", "flashcards:sheets:0"]
    placing = steps[-1][1]
    assert placing.jobs == ()  # moved on the rendered backs: nothing rendered in place
    state = plan.then.__self__.state
    assert isinstance(state, flashcards._Sheets)
    moved = state.made["flashcards:sheets:0"]
    assert moved.pages == rendered["flashcards:sheets:0"].pages == 2
    assert moved.pdf != rendered["flashcards:sheets:0"].pdf
    [data] = plan.files(rendered).values()
    back = PdfReader(io.BytesIO(data)).pages[1]
    assert "沿着损失函数梯度的反方向" in back.extract_text()


def test_backs_that_cannot_be_moved_are_rendered_in_place(tmp_path, monkeypatch):
    from studyguide.printing import backs

    monkeypatch.setattr(backs, "move_cards", lambda pdf, moves: None)  # as for a page not drawn as expected
    context = _context(tmp_path, monkeypatch, SHORT, cache=True, flip="short")
    plan = flashcards.plan(context)
    rendered, steps = _run(plan)
    assert [key for key, _ in steps] == ["flashcards:measure:0", "flashcards:sheets:0", "flashcards:sheets:0:placed"]
    [placing] = steps[1][1].jobs
    assert placing.key == "flashcards:sheets:0:placed" and placing.label == "flashcards, sheets in place"
    state = plan.then.__self__.state
    assert state.placing == {"flashcards:sheets:0:placed": "flashcards:sheets:0"}
    assert state.made["flashcards:sheets:0"] is rendered["flashcards:sheets:0:placed"]
    [data] = plan.files(rendered).values()
    written, placed, laid_out = (_answer_at(pdf) for pdf in (data, rendered["flashcards:sheets:0:placed"].pdf,
                                                             rendered["flashcards:sheets:0"].pdf))
    assert written == placed != laid_out  # the file has the back where the short-edge flip puts it


def _answer_at(pdf: bytes) -> tuple[float, float]:
    """Where the answer's first character is drawn on the back page."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        [char] = [c for c in document.pages[1].chars if c["text"] == "沿"]
        return round(char["x0"], 1), round(char["top"], 1)
