"""OCR of text lines: a line's reading depends on the line alone, and blank cells never reach the model."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from conftest import CORPUS

from extractor.readers import _ocr
from extractor.readers._scan import PageImage, page_to_grids, scan_pages_to_grids

CORPUS_SCAN = CORPUS / "songjiang-hrss-2020-scan.pdf"


@pytest.fixture(scope="module")
def page_crops():
    """Every line image the scan reader sends to the model for corpus page 2 (the last call: the first
    reads a few lines to see which way up the page is)."""
    rec = _ocr.recognizer()
    sent: list[list[np.ndarray]] = []
    read = rec.read
    rec.read = lambda crops: sent.append(crops) or read(crops)
    try:
        result = scan_pages_to_grids(CORPUS_SCAN, [2])
    finally:
        rec.read = read
    return result, sent


def test_a_line_reads_the_same_alone_and_among_the_lines_of_its_page(page_crops):
    _, sent = page_crops
    crops = sent[-1]
    together = _ocr.recognizer().read(crops)
    # Lines of every width: before the padding followed the widest line of a batch, about a third differed.
    sample = sorted(range(len(crops)), key=lambda i: crops[i].shape[1])[::6]
    assert len(sample) >= 20
    for i in sample:
        assert _ocr.recognizer().read([crops[i]]) == [together[i]], i


def test_runs_pad_each_line_to_its_own_bucket_under_the_column_cap():
    widths = [70, 64, 700, 95, 1500, 96, 97, 2400] + [100] * 30
    runs = _ocr._runs(widths)
    assert sorted(i for _, ids in runs for i in ids) == list(range(len(widths)))
    for width, ids in runs:
        assert all(_ocr.bucket(widths[i]) == width for i in ids)
        assert len(ids) == 1 or len(ids) * width <= _ocr._RUN_COLUMNS
    assert [_ocr.bucket(w) for w in (10, 64, 65, 96, 97)] == [64, 64, 72, 96, 104]


def _ruled_page(cells: dict[tuple[int, int], str], specks: set[tuple[int, int]]) -> np.ndarray:
    """A 3 x 3 ruled table at 200 dpi with digits in some cells and a dot of dirt in others."""
    page = np.full((1600, 1200), 250, dtype=np.uint8)
    xs, ys = [200, 500, 800, 1100], [300, 420, 540, 660]
    for x in xs:
        cv2.line(page, (x, ys[0]), (x, ys[-1]), 0, 3)
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 3)
    for (r, c), text in cells.items():
        cv2.putText(page, text, (xs[c] + 30, ys[r] + 80), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    for r, c in specks:
        page[ys[r] + 60 : ys[r] + 67, xs[c] + 100 : xs[c] + 107] = 0
    return page


def test_blank_cells_and_specks_never_reach_the_model():
    cells = {(0, 0): "2021", (1, 1): "95.5", (2, 2): "100"}
    img = PageImage(1, _ruled_page(cells, {(0, 1), (2, 0)}), 72 / 200)
    rec = _ocr.recognizer()
    sent: list[list[np.ndarray]] = []
    read = rec.read
    rec.read = lambda crops: sent.append(crops) or read(crops)
    try:
        (grid,) = page_to_grids(img, "t.png", 1, []).grids
    finally:
        rec.read = read
    assert len(sent[-1]) == len(cells)
    assert {(c.row, c.col): c.text for c in grid.cells if c.text} == cells
    assert all(c.confidence is None for c in grid.cells if not c.text)
