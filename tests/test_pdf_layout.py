"""Table-driven tests of the text-PDF page geometry: rules into tables and cells, characters into lines."""

from __future__ import annotations

import pytest

from extractor.readers._pdf_layout import (
    Char,
    LayoutSettings,
    Rule,
    find_tables,
    line_text,
    lines,
    paragraphs,
    snap,
    table_cells,
)


def _h(y: float, x0: float = 0, x1: float = 100) -> Rule:
    return Rule(y, x0, x1)


def _v(x: float, y0: float = 0, y1: float = 40) -> Rule:
    return Rule(x, y0, y1)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([10.0, 11.0, 30.0], [10.5, 30.0]),  # within 2 pt: one position, their mean
        ([30.0, 10.0], [10.0, 30.0]),  # sorted
        ([0.0, 2.0, 4.0], [2.0]),  # a chain of near positions is one
        ([0.0, 2.5], [0.0, 2.5]),
        ([], []),
    ],
)
def test_snap(values: list[float], expected: list[float]) -> None:
    assert snap(values) == pytest.approx(expected)


# Each case: horizontal rules, vertical rules, and the expected cells as (row, col, rowspan, colspan).
GRIDS = {
    "two by two": (
        [_h(0), _h(20), _h(40)],
        [_v(0), _v(50), _v(100)],
        [(0, 0, 1, 1), (0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 1, 1)],
    ),
    "a header across both columns": (
        [_h(0), _h(20), _h(40)],
        [_v(0), _v(50, 20, 40), _v(100)],
        [(0, 0, 1, 2), (1, 0, 1, 1), (1, 1, 1, 1)],
    ),
    "a label down both rows": (
        [_h(0), _h(20, 50, 100), _h(40)],
        [_v(0), _v(50), _v(100)],
        [(0, 0, 2, 1), (0, 1, 1, 1), (1, 1, 1, 1)],
    ),
    "a border drawn cell by cell": (
        [_h(0, 0, 50), _h(0.5, 50, 100), _h(20), _h(40)],
        [_v(0, 0, 20), _v(0, 20, 40), _v(50), _v(100)],
        [(0, 0, 1, 1), (0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 1, 1)],
    ),
}


@pytest.mark.parametrize("name", list(GRIDS))
def test_rules_make_a_table_and_its_cells(name: str) -> None:
    hs, vs, expected = GRIDS[name]
    (table,) = find_tables(1, hs, vs)
    cells = table_cells(table, snap([h.pos for h in table.hs]))
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in cells] == expected
    assert (table.x0, table.x1) == (0, 100)
    assert cells[0].box is not None and cells[0].box.page == 1


def test_an_underline_alone_is_no_table_and_two_tables_come_top_to_bottom() -> None:
    lower = [_h(100), _h(140)], [_v(0, 100, 140), _v(100, 100, 140)]
    found = find_tables(1, [_h(0), _h(40), _h(70, 10, 60), *lower[0]], [_v(0), _v(100), *lower[1]])
    assert [(t.top, t.bottom) for t in found] == [(0, 40), (100, 140)]


def test_the_snap_tolerance_is_a_setting() -> None:
    hs, vs = [_h(0, 0, 50), _h(3, 50, 100), _h(40)], [_v(0), _v(100)]
    (loose,) = find_tables(1, hs, vs, LayoutSettings(snap=4.0))
    (strict,) = find_tables(1, hs, vs, LayoutSettings(snap=1.0))
    assert len(loose.hs) == 2 and len(strict.hs) == 3  # the step of 3 pt joins only under the loose tolerance


def _word(text: str, x: float, base: float, size: float = 10, pitch: float = 10) -> list[Char]:
    return [Char(ch, x + pitch * k, x + pitch * k + size, base, size) for k, ch in enumerate(text)]


@pytest.mark.parametrize(
    ("chars", "expected"),
    [
        (_word("项目", 0, 20) + _word("名称", 20, 21), ["项目名称"]),  # a baseline 1 pt lower: the same line
        (_word("项目", 0, 20) + _word("名称", 0, 32), ["项目", "名称"]),
        (_word("ab", 0, 20) + _word("cd", 26, 20), ["ab cd"]),  # a 6 pt gap between Latin letters is a space
        (_word("项目", 0, 20) + _word("名称", 26, 20), ["项目名称"]),  # the same gap beside Chinese is justification
        (_word("项目", 0, 20) + _word("名称", 32, 20), ["项目 名称"]),  # wider than a character: a space
    ],
)
def test_characters_into_lines(chars: list[Char], expected: list[str]) -> None:
    assert [line_text(line) for line in lines(chars)] == expected


@pytest.mark.parametrize(
    ("rows", "right", "expected"),
    [
        ([("完成率达到", 20), ("百分之百", 32)], 150, ["完成率达到", "百分之百"]),  # stops short: a new paragraph
        ([("完成率达到", 20), ("百分之百", 32)], 60, ["完成率达到百分之百"]),  # fills the cell: a wrap
        ([("完成率达到", 20), ("百分之百", 50)], 60, ["完成率达到", "百分之百"]),  # a blank line between: a break
        ([("95435.", 20), ("80", 32)], 60, ["95435.80"]),
    ],
)
def test_lines_into_paragraphs(rows: list[tuple[str, float]], right: float, expected: list[str]) -> None:
    cell_lines = [_word(text, 10, base) for text, base in rows]
    assert paragraphs(cell_lines, unit=1.2, right=right) == expected  # unit: the normal pitch, in font sizes
