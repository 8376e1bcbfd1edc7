"""Table-driven unit tests of the small rules every reading goes through: numbers, rates, labels, cell spans."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractor._grid import Cell, Grid, cover_map
from extractor._text import normalize
from extractor._values import clean, is_blank, parse_number, parse_rate
from extractor._vocab import flatten

D = Decimal


@pytest.mark.parametrize(
    ("paragraphs", "value", "candidates", "ok"),
    [
        (["95435.80"], D("95435.80"), [D("95435.80")], True),
        (["95,435.80"], D("95435.80"), [D("95435.80")], True),
        (["９５４３５．８０"], D("95435.80"), [D("95435.80")], True),  # full-width digits
        (["150万元"], D("150"), [D("150")], True),  # the unit printed after the amount
        (["10分"], D("10"), [D("10")], True),
        (["95435.", "80"], D("95435.80"), [D("95435.80")], True),  # a number wrapped by a narrow cell
        (["10", "9"], D("10"), [D("10"), D("9")], True),  # two values in one cell: ambiguous
        (["10", "10"], D("10"), [D("10")], True),  # the same value twice is one value
        (["—"], None, [], True),  # blank marks
        (["／"], None, [], True),
        ([" ", ""], None, [], True),
        (["约100"], None, [], False),  # text that is not a number
        (["-5"], D("-5"), [D("-5")], True),
        ([".5"], D("0.5"), [D("0.5")], True),
        (["2369·24"], D("2369.24"), [D("2369.24")], True),  # a decimal point read off a scan as a middle dot
        (["12·5·3"], None, [], False),  # not one number
    ],
)
def test_parse_number(paragraphs: list[str], value: Decimal | None, candidates: list[Decimal], ok: bool) -> None:
    parsed = parse_number(paragraphs)
    assert (parsed.value, parsed.candidates, parsed.ok) == (value, candidates, ok)
    assert parsed.ambiguous == (len(candidates) > 1)


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("100%", D("1")),
        ("98.5%", D("0.985")),
        ("98.5％", D("0.985")),  # full-width percent sign
        ("0.985", D("0.985")),  # already a fraction
        ("98.5", D("0.985")),  # a bare number above 1 is a percentage
        ("1", D("1")),
        ("", None),
        (None, None),
        ("未执行", None),
    ],
)
def test_parse_rate(text: str | None, rate: Decimal | None) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize(
    ("text", "label", "value", "flat"),
    [
        ("社会效益\n指标", "社会效益指标", "社会效益\n指标", "社会效益指标"),
        ("  项目名称：  ", "项目名称:", "项目名称:", "项目名称"),  # full-width colon becomes ASCII under NFKC
        ("其中：当年财政拨款", "其中:当年财政拨款", "其中:当年财政拨款", "当年财政拨款"),
        ("产出指标（50分）", "产出指标(50分)", "产出指标(50分)", "产出指标"),
        ("年度绩效目标1", "年度绩效目标1", "年度绩效目标1", "年度绩效目标"),
        ("１００％", "100%", "100%", "100%"),
        ("分\u3000值", "分值", "分\u3000值".replace("\u3000", " "), "分值"),  # ideographic space
        (None, "", "", ""),
    ],
)
def test_label_normalisation(text: str | None, label: str, value: str, flat: str) -> None:
    assert normalize(text) == label
    assert clean(text) == value == normalize(text, keep_spaces=True)
    assert flatten(text) == flat


@pytest.mark.parametrize(
    ("text", "blank"),
    [("", True), (" — ", True), ("／", True), ("无", True), ("0", False), ("- -", True), ("n/a", False)],
)
def test_blank_marks(text: str, blank: bool) -> None:
    assert is_blank(text) is blank


def _cell(row: int, col: int, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(row, col, [f"{row},{col}"], rowspan, colspan)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ([_cell(0, 0), _cell(0, 1)], {(0, 0): 0, (0, 1): 1}),
        (
            [_cell(0, 0, rowspan=3), _cell(0, 1), _cell(1, 1), _cell(2, 1)],
            {(0, 0): 0, (1, 0): 0, (2, 0): 0, (0, 1): 1, (1, 1): 2, (2, 1): 3},
        ),
        (
            [_cell(0, 0, rowspan=2, colspan=2), _cell(2, 0), _cell(2, 1)],
            {(0, 0): 0, (0, 1): 0, (1, 0): 0, (1, 1): 0, (2, 0): 1, (2, 1): 2},
        ),
        ([], {}),
    ],
)
def test_the_covering_cell_of_every_position(cells: list[Cell], expected: dict) -> None:
    assert cover_map(cells) == expected
    grid = Grid("f", 1, 3, 2, cells)
    assert all(grid.at(r, k) is cells[i] for (r, k), i in expected.items())
    assert grid.at(5, 5) is None
