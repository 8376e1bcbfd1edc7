"""The scan reader: images and PDF pages with no text layer, read by table lines and OCR into cell grids.

Pages come from the corpus scan (150 dpi grey JPEG, slightly rotated), so every value asserted
here was printed on paper and read back; a test runs on one or two pages to stay fast.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pypdfium2 as pdfium
import pytest
from conftest import CORPUS, CORPUS_DOCX
from PIL import Image

from extractor import Cell, Grid, chunk_to_record, file_to_grids, file_to_records, grids_to_chunks
from extractor._cells import SETTINGS
from extractor.readers._continue import continue_columns
from extractor.readers._scan import scan_pages_to_grids

LOW_CONFIDENCE = SETTINGS.low_confidence

CORPUS_SCAN = CORPUS / "songjiang-hrss-2020-scan.pdf"


def _page_image(number: int) -> Image.Image:
    doc = pdfium.PdfDocument(CORPUS_SCAN)
    try:
        return doc[number - 1].render(scale=150 / 72, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()


def _cell(grid, text: str):
    return next(c for c in grid.cells if c.text == text)


@pytest.fixture(scope="module")
def page2():
    result = scan_pages_to_grids(CORPUS_SCAN, [2])
    assert result.status == "ok", result.errors
    return result


def test_scanned_pdf_page_reads_into_a_grid_with_spans(page2):
    (grid,) = page2.grids
    assert grid.n_cols == 9
    name = _cell(grid, "项目名称")
    assert grid.at(name.row, name.col + name.colspan).text == "宣传与推广"
    # 一级指标 产出指标 is one merged cell over five indicator rows, as in the .docx.
    assert _cell(grid, "产出指标").rowspan == 5
    budget = grid.at(_cell(grid, "年度资金总额").row, _cell(grid, "全年预算数").col)
    # Printed as "95435.8" over "0" in a narrow cell: one value, not two.
    assert budget.paragraphs == ["95435.80"]


def test_blank_line_in_a_cell_keeps_two_paragraphs(page2):
    (grid,) = page2.grids
    first = _cell(grid, "宣传工作计划完成率")
    header = max((c for c in grid.cells if c.text == "得分"), key=lambda c: c.row)  # the indicators' 得分
    assert grid.at(first.row, header.col).paragraphs == ["10", "9"]


def test_cells_keep_box_in_points_and_confidence(page2):
    (grid,) = page2.grids
    total = _cell(grid, "总分")
    assert total.box.page == 2
    # Letter page 612 x 792 pt; the 总分 row sits in the lower half, the table's left border near 100 pt.
    assert 380 < total.box.top < total.box.bottom < 792
    assert 80 < total.box.x0 < 120
    assert total.confidence is not None and 0.9 < total.confidence <= 1.0
    assert all(c.confidence is None for c in grid.cells if not c.paragraphs)


def test_png_and_tiff_pages_go_through_the_pipeline(tmp_path):
    png = tmp_path / "table2.png"
    _page_image(2).save(png)
    records = file_to_records(png).records
    assert [r.project_name for r in records] == ["宣传与推广"]
    r = records[0]
    assert r.funds.total.annual_budget == Decimal("95435.80")
    assert r.total_score == 88
    assert r.indicators[0].score == 10  # 10 / 9 in one cell, settled by the total
    assert any(i.code == "ambiguous_cell" and i.field == "indicators[0].score" for i in r.issues)


def test_multi_page_tiff_reads_every_page_and_a_rotated_scan_is_straightened(tmp_path):
    tiff = tmp_path / "two.tiff"
    first, second = _page_image(1), _page_image(3).rotate(1.5, fillcolor=255, resample=Image.BICUBIC)
    first.save(tiff, save_all=True, append_images=[second], compression="tiff_deflate")
    result = file_to_grids(tiff)
    assert result.status == "ok" and result.pages == 2
    names = [r.project_name for r in file_to_records(tiff).records]
    assert names == ["招考实习", "网络信息系统开发、升级、建设"]


def test_low_confidence_cell_raises_an_error_issue():
    grids = file_to_grids(CORPUS_DOCX).grids[1:2]  # table 2 (宣传与推广), as if OCR doubted its 总分 score
    grid = grids[0]
    total = next(c for c in grid.cells if c.text == "总分")
    doubtful = next(c for c in grid.row(total.row) if c.text == "88")
    doubtful.confidence = LOW_CONFIDENCE / 2
    record = chunk_to_record(grids_to_chunks(grids)[0]).record
    issue = next(i for i in record.issues if i.code == "low_confidence")
    assert issue.field == "total_score" and issue.severity == "error"
    assert "88" in issue.message and "0.45" in issue.message
    assert record.provenance["total_score"].confidence == LOW_CONFIDENCE / 2


@pytest.mark.parametrize(
    "name, make, reason",
    [
        ("corrupt.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50), "not a readable image"),
        ("blank.png", lambda p: Image.new("L", (1200, 1600), 250).save(p), "blank"),
        ("no-table.jpg", lambda p: Image.fromarray(_text_like()).save(p), "no ruled table"),
    ],
)
def test_bad_images_fail_with_a_reason(tmp_path, name, make, reason):
    path = tmp_path / name
    make(path)
    result = file_to_grids(path)
    assert result.status == "failed"
    assert reason in "; ".join(result.errors)


def _text_like() -> np.ndarray:
    """A page of short dark strokes and blobs but no ruling lines: a letter, a photo of something else."""
    rng = np.random.default_rng(7)
    page = np.full((1400, 1000), 245, dtype=np.uint8)
    for _ in range(400):
        y, x = rng.integers(100, 1300), rng.integers(100, 900)
        page[y : y + rng.integers(2, 18), x : x + rng.integers(2, 18)] = 30
    return page


def test_row_cut_by_a_page_break_is_joined_back():
    result = scan_pages_to_grids(CORPUS_SCAN, [5, 6])  # table 5 runs over a page break inside a row
    chunks = grids_to_chunks(result.grids)
    assert len(chunks) == 1
    record = chunk_to_record(chunks[0]).record
    names = [i.name for i in record.indicators]
    assert "参加重点培训项目培训的增长率" in names
    assert "培训项目培训的增长率" not in names
    assert record.total_score == 84


def test_a_page_with_fewer_column_lines_is_numbered_like_the_page_before():
    # Page 1 has a line splitting 三级指标 in two (a 10-column grid); page 2 never shows it.
    a = Grid(
        "f",
        1,
        2,
        3,
        [
            Cell(0, 0, ["三级指标"], 1, 2),
            Cell(0, 2, ["分值"]),
            Cell(1, 0, ["x"]),
            Cell(1, 1, ["y"]),
            Cell(1, 2, ["10"]),
        ],
    )
    b = Grid("f", 2, 1, 2, [Cell(0, 0, ["覆盖率"]), Cell(0, 1, ["5"])])
    assert continue_columns(a, b, [100, 180, 300, 400], [310, 510, 610], tol=4)
    assert [(c.col, c.colspan) for c in b.cells] == [(0, 2), (2, 1)] and b.n_cols == 3
    assert b.at(0, 2).text == "5"
    c = Grid("f", 3, 1, 2, [Cell(0, 0, ["另一张表"]), Cell(0, 1, ["?"])])
    assert not continue_columns(a, c, [100, 180, 300, 400], [100, 250, 400], tol=4)
