"""Scans as archives hold them: seals, pages the wrong way up, phone photos, EXIF-turned JPEGs, folders of
photos, searchable scans; and every page accounted for.

Pages come from the corpus (its scan, or its text PDF degraded by eval_sets/make_messy.py), so every value
asserted was printed on the page and read back; each test reads one or two pages to stay fast.
"""

from __future__ import annotations

import json
import random
import sys
from decimal import Decimal

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from conftest import CORPUS, EVAL, GOLD
from PIL import Image
from test_scan_reader import _page_image

from extractor import Box, Cell, file_to_grids, file_to_records, iter_files
from extractor._batch import sha256
from extractor._cells import SETTINGS
from extractor.readers._pdf_layout import Char
from extractor.readers._prep import separate
from extractor.readers._scan import _second_reading

sys.path.insert(0, str(EVAL))
import make_messy  # noqa: E402  (the generator of the messy sets: the same seals and photos)

CORPUS_SCAN = CORPUS / "songjiang-hrss-2020-scan.pdf"
CORPUS_PDF = CORPUS / "songjiang-hrss-2020.pdf"


def _scan_page(number: int) -> Image.Image:
    return _page_image(number).convert("RGB")


def _messy_page(number: int, look: make_messy.Look, seed: str) -> Image.Image:
    doc = pdfium.PdfDocument(CORPUS_PDF)
    try:
        return make_messy.degrade(doc[number - 1], look, 0, random.Random(seed))
    finally:
        doc.close()


def _gold(table: int) -> dict:
    return next(
        g for g in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines()) if g["source"]["table"] == table
    )


def _no_silent_error(record, gold: dict) -> None:
    """Every core value either equals the gold or is flagged for review."""
    flagged = {i.field for i in record.issues if i.severity == "error"}
    data = record.export()
    pairs = [
        ("project_name", data["project_name"], gold["project_name"]),
        ("total_score", data["total_score"], gold["total_score"]),
        ("funds.total.annual_budget", data["funds"]["total"]["annual_budget"], gold["funds"]["total"]["annual_budget"]),
    ]
    pairs += [
        (f"indicators[{k}].score", p["score"], g["score"])
        for k, (p, g) in enumerate(zip(data["indicators"], gold["indicators"]))
    ]
    for field, got, want in pairs:
        if str(got) != str(want):
            assert any(field.startswith(f) for f in flagged), f"{field}: {got!r} for {want!r}, not flagged"


def test_every_page_is_reported_blank_upside_down_and_a_photo_without_a_table(tmp_path):
    blank = Image.new("RGB", (1275, 1650), (250, 249, 245))
    upside_down = _scan_page(2).rotate(180)
    rng = np.random.default_rng(3)
    letter = np.full((1650, 1275, 3), 70, dtype=np.uint8)  # a photo of a letter lying on a dark desk
    letter[80:1570, 90:1190] = (236, 232, 222)
    for _ in range(500):
        y, x = rng.integers(200, 1400), rng.integers(150, 1100)
        letter[y : y + rng.integers(3, 20), x : x + rng.integers(3, 20)] = 40
    pdf = tmp_path / "mixed.pdf"
    blank.save(pdf, save_all=True, append_images=[upside_down, Image.fromarray(letter)], resolution=150)
    result = file_to_grids(pdf)
    assert result.status == "ok" and result.pages == 3
    assert {c.box.page for g in result.grids for c in g.cells} == {2}
    assert [n for n, _ in result.page_notes] == [1, 3]
    assert result.page_notes[0][1] == "blank" and "no ruled table" in result.page_notes[1][1]
    read = file_to_records(pdf)
    assert [r.project_name for r in read.records] == ["宣传与推广"]
    assert read.records[0].total_score == 88
    assert read.warnings[:2] == ["page 1: blank", f"page 3: {result.page_notes[1][1]}"]
    assert "page 1: blank" in read.reason  # stored with the file, not only printed


def test_seal_ink_comes_apart_from_the_print_it_covers():
    page = np.full((300, 400, 3), 245, dtype=np.float64)
    page[140:160, 20:380] = 20  # a black bar of print
    ring = np.zeros((300, 400), dtype=np.uint8)
    cv2.circle(ring, (200, 150), 100, 1, 8)  # a seal's red ring, crossing the bar at x = 100 and 300
    page[ring > 0] *= np.array([0.85, 0.15, 0.2])
    gray, mask, text = separate(page.astype(np.uint8))
    away = (ring > 0) & (np.abs(np.arange(300) - 150) > 30)[:, None]
    assert mask is not None and mask[away].mean() > 0.9 and not mask[:100, :90].any()
    for img in (gray, text):
        assert (img[143:157, 20:380] < 80).all()  # print kept, under the seal too
        assert (img[away] > 200).mean() > 0.9  # the seal alone is paper


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    png = tmp_path_factory.mktemp("seal") / "sealed.png"
    _messy_page(2, make_messy.Look(seals=True, colour=True), "seal-test").save(png)
    return png


def test_a_sealed_page_reads_its_values_and_flags_what_the_seal_covers(sealed):
    (grid,) = file_to_grids(sealed).grids
    covered = [c for c in grid.cells if c.doubt == "under a seal"]
    assert covered and all(c.confidence < SETTINGS.low_confidence for c in covered)
    total = next(c for c in grid.cells if c.key.startswith("年度") and c.key.endswith("总额"))
    row = [c.text for c in grid.row(total.row) if c.col > total.col]
    assert row[:3] == ["95435.80"] * 3 and row[-1] == "88"  # budget, executed and score, under seals too
    assert total.key == "年度资金总额" or total.doubt == "under a seal"


def test_a_sealed_page_has_no_silent_error(sealed):
    (record,) = file_to_records(sealed).records
    _no_silent_error(record, _gold(2))


def test_a_phone_photo_is_rectified_and_read(tmp_path):
    jpg = tmp_path / "photo.jpg"
    _messy_page(2, make_messy.Look(photo=True, light=True, colour=True), "photo-test").save(jpg, quality=80)
    (record,) = file_to_records(jpg).records
    assert record.funds.total.annual_budget == Decimal("95435.80")
    _no_silent_error(record, _gold(2))


def test_sideways_pages_and_exif_turned_photos_in_a_folder_are_one_document(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned; a viewer turns it 270° back
    _scan_page(1).rotate(90, expand=True).save(folder / "p1.jpg", quality=85, exif=exif, dpi=(150, 150))
    _scan_page(3).rotate(270, expand=True).save(folder / "p2.png", dpi=(150, 150))
    result = file_to_grids(folder)
    assert result.status == "ok" and result.pages == 2 and not result.page_notes
    assert [r.project_name for r in file_to_records(folder).records] == ["招考实习", "网络信息系统开发、升级、建设"]


@pytest.mark.parametrize("layer, agrees", [("88", True), ("86", False)])
def test_a_text_layer_is_a_second_reading(layer, agrees):
    cell = Cell(3, 4, ["88"], box=Box(1, 100, 200, 140, 220), confidence=0.93)
    _second_reading(cell, [Char(ch, 110 + 8 * k, 117 + 8 * k, 214, 10) for k, ch in enumerate(layer)])
    if agrees:
        assert cell.confidence >= 0.97 and cell.doubt is None
    else:
        assert cell.confidence < SETTINGS.low_confidence and cell.alt == "86" and "86" in cell.doubt


def test_a_searchable_scan_goes_to_the_scan_reader(tmp_path):
    pdf = tmp_path / "searchable.pdf"
    make_messy.searchable(CORPUS_PDF, CORPUS_SCAN, pdf, [2])
    (record,) = file_to_records(pdf).records
    assert record.project_name == "宣传与推广" and record.total_score == 88
    _no_silent_error(record, _gold(2))


def test_pages_as_document_makes_each_folder_of_images_one_document(tmp_path):
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    for folder, names in (("box1", ["p2.jpg", "p1.jpg"]), ("box2/scans", ["a.png"])):
        (tmp_path / folder).mkdir(parents=True)
        for name in names:
            (tmp_path / folder / name).write_bytes(name.encode())
    assert list(iter_files([tmp_path], pages_as_document=True)) == [
        tmp_path / "box1",
        tmp_path / "box2" / "scans",
        tmp_path / "report.pdf",
    ]
    assert len(list(iter_files([tmp_path]))) == 4
    assert list(iter_files([tmp_path / "box1"], pages_as_document=True)) == [tmp_path / "box1"]
    # A folder's hash covers its pages in file-name order: a changed page is a changed document.
    before = sha256(tmp_path / "box1")
    (tmp_path / "box1" / "p2.jpg").write_bytes(b"other")
    assert sha256(tmp_path / "box1") != before
