"""layout/fit.py: which sides are measured, at which sizes, and the size chosen from what the
measuring pass reports. Worked through by hand on an A7 card (93 mm of text across)."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from studyguide.config import CardSettings
from studyguide.geometry.paper import PT_TO_MM
from studyguide.geometry.sheets import stock_for
from studyguide.layout.fit import (Area, Fit, Side, area, body_width_mm, choose, estimated_height_mm, head_height_mm,
                                   plan_measuring, sizes_to_measure, steps, surely_fits)
from studyguide.printing.pool import Anchor

A7 = stock_for(CardSettings())


def _side(key: str, html: str, weight: float, paragraphs: int = 1) -> Side:
    return Side(key, Markup(html), weight, paragraphs)


def test_the_a7_text_area():
    assert body_width_mm(A7) == 93.0  # 105 mm less 6 mm each side
    assert head_height_mm(2) == pytest.approx(2 * 7 * 1.25 * 25.4 / 72)
    space = area(A7, head_height_mm(1))
    assert space.top_mm == pytest.approx(6 + 7 * 1.25 * 25.4 / 72 + 1.5) and space.bottom_mm == 68.0
    assert space.middle_mm == pytest.approx((space.top_mm + 68) / 2)


def test_sizes_step_down_by_half_a_point():
    assert steps(14, 12) == [14, 13.5, 13, 12.5, 12]
    assert steps(9, 9) == [9]


def test_estimated_height_counts_lines_and_paragraph_gaps():
    em = 14 * PT_TO_MM  # 4.94 mm: 18 Chinese characters to a 93 mm line
    assert estimated_height_mm(36, 1, 93, 14) == pytest.approx(2 * em * 1.5)
    # pessimistic: 17 to a line, and each paragraph's last line counted whole
    assert estimated_height_mm(36, 2, 93, 14, pessimistic=True) == pytest.approx(4 * em * 1.5 + em * 0.5)
    assert estimated_height_mm(0, 1, 93, 14) == pytest.approx(em * 1.5)  # an empty side still takes a line


def test_only_short_plain_text_is_left_unmeasured():
    assert surely_fits(_side("f", "<p>短的答案</p>", 5), A7, 14)
    assert not surely_fits(_side("f", "<p>" + "长" * 200 + "</p>", 200), A7, 14)
    for html in ('<table><tr><td>1</td></tr></table>', '<p><img class="math" src="x"></p>', "<p>用 <code>x</code></p>",
                 "<ul><li>一</li></ul>"):
        assert not surely_fits(_side("f", html, 3), A7, 14), html  # wide, or not just paragraphs


def test_the_sizes_measured_bracket_the_estimate():
    medium = _side("b", "<p>" + "字" * 150 + "</p>", 150)
    sizes = sizes_to_measure(medium, A7, 14, 7)
    assert sizes[0] == 14 and sizes[-1] == 7
    middle = [size for size in sizes if size not in (14, 7)]
    assert middle and max(middle) - min(middle) <= 2.0  # within a point either side of the guess
    formula = _side("b", '<p>' + "字" * 150 + '<img class="math" src="x"></p>', 150)
    whole_points_below = [s for s in sizes_to_measure(formula, A7, 14, 7) if s == int(s) and s < min(middle)]
    assert whole_points_below and set(whole_points_below) >= {8.0, 9.0}
    assert sizes_to_measure(_side("b", "<p>" + "字" * 5000 + "</p>", 5000), A7, 14, 7) == [7]


def test_a_plan_sorts_sides_into_unmeasured_measured_and_hopeless():
    sides = [_side("f-1", "<p>短</p>", 1), _side("b-1", "<p>" + "中" * 150 + "</p>", 150),
             _side("b-2", "<p>" + "长" * 20000 + "</p>", 20000), _side("b-3", "<table></table>" + "表" * 20000, 20000)]
    plan = plan_measuring(sides, {1: ("1.12", "第一章"), 0: ("1.12", "")}, A7, 14, 7)
    assert plan.unmeasured == {"f-1"}
    assert plan.hopeless == {"b-2"}  # a table is laid out however long: its width may matter
    assert plan.items and {item.side.key for item in plan.items} == {"b-1", "b-3"}
    assert [item.id for item in plan.items] == [f"m{n}" for n in range(len(plan.items))]
    assert plan.heads[1].front and not plan.heads[0].front and plan.heads[1].title == "第一章"
    assert plan.ids[:2] == ("h1", "h0")


def _box(height_mm: float, width_mm: float = 80.0) -> Anchor:
    return Anchor(0, 10.0, 20.0, 10.0 + width_mm / PT_TO_MM, 20.0 + height_mm / PT_TO_MM)


def test_the_largest_size_that_fits_is_chosen_and_a_line_too_wide_steps_down():
    sides = [_side("f-1", "<p>短</p>", 1), _side("b-1", "<p>" + "中" * 150 + "</p>", 150),
             _side("b-2", "<p>" + "长" * 20000 + "</p>", 20000)]
    plan = plan_measuring(sides, {}, A7, 14, 7)
    items = plan.items
    assert [item.side.key for item in items] == ["b-1"] * len(items) and len(items) >= 3
    sizes = [item.size_pt for item in items]
    # measured heights: only the two smallest sizes fit 50 mm; the larger of them runs too wide
    heights = {size: 60.0 if size > sizes[-2] else 45.0 for size in sizes}
    anchors = {item.id: _box(heights[item.size_pt]) for item in items}
    anchors[f"w-{items[-2].id}"] = _box(45.0, width_mm=120.0)
    fits = choose(plan, anchors, {"b-1": Area(10, 60)}, 14, width_mm=93.0, minimum_pt=7)
    assert fits["f-1"] == Fit(14, True)  # unmeasured: the base size
    assert fits["b-2"] == Fit(7, False)  # hopeless: continued on another card
    assert fits["b-1"] == Fit(sizes[-1], True, pytest.approx(45.0))
    # nothing fits: the smallest size, said not to fit, with its height
    none_fit = choose(plan, {item.id: _box(70.0) for item in items}, {"b-1": Area(10, 60)}, 14, 93.0, 7)
    assert none_fit["b-1"] == Fit(sizes[-1], False, pytest.approx(70.0))
