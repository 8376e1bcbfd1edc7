"""Cell text and label key: kept once worked out, worked out again when the paragraphs are replaced."""

from __future__ import annotations

from extractor import Cell, Grid
from extractor._grid import slice_rows, stack


def test_text_and_key_follow_a_replaced_paragraph_list():
    cell = Cell(0, 0, ["社会效益", "指标 "])
    assert (cell.text, cell.key) == ("社会效益\n指标", "社会效益指标")
    assert cell.text is cell.text  # kept, not joined again
    cell.paragraphs = ["满意度\t指标"]
    assert (cell.key, cell.text) == ("满意度指标", "满意度\t指标")


def test_joined_and_sliced_grids_keep_what_was_worked_out():
    a = Grid("f", 1, 2, 1, [Cell(0, 0, ["项目", "名称"]), Cell(1, 0, ["培训"])])
    b = Grid("f", 2, 1, 1, [Cell(0, 0, ["总分"])])
    texts = [c.text for g in (a, b) for c in g.cells]
    joined = stack([a, b], 1)
    assert [c.text for c in joined.cells] == texts == ["项目\n名称", "培训", "总分"]
    assert all(new.text is old.text for new, old in zip(joined.cells, a.cells + b.cells, strict=True))
    part = slice_rows(joined, 1, 3, 2)
    assert [(c.row, c.key) for c in part.cells] == [(0, "培训"), (1, "总分")]
