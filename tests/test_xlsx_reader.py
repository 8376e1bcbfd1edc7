"""The .xlsx reader (a fourth reader) and what decides a file's kind: its content, not its name (issue 14)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS_DOCX, GOLD, load_scorer
from xlsx_forms import grids_to_xlsx

from cli import main
from extractor import file_to_grids, file_to_records
from extractor.readers import sniff
from extractor.readers._xlsx import shown


def _score(gold: Path, pred: Path) -> dict:
    score = load_scorer()
    return score.score(score.load(gold), score.load(pred))[0]


@pytest.mark.parametrize(
    "value, fmt, text",
    [
        (10, "General", "10"),
        (10.0, "General", "10"),
        (95435.8, "General", "95435.8"),
        (1e-05, "General", "0.00001"),
        (1.0, "0%", "100%"),
        (0.9793, "0.00%", "97.93%"),
        (0.85, "0.0%", "85.0%"),
        ("≥85%", "General", "≥85%"),
        (None, "General", ""),
        (True, "General", "TRUE"),
        (95435.8, "#,##0.00", "95435.80"),
        (7.0, "0.0", "7.0"),
    ],
)
def test_values_are_shown_as_the_sheet_shows_them(value, fmt, text):
    assert shown(value, fmt) == text


def test_the_corpus_as_a_workbook_reads_like_the_docx(tmp_path):
    docx = file_to_grids(CORPUS_DOCX)
    book = grids_to_xlsx(docx.grids, tmp_path / "songjiang-hrss-2020.xlsx")
    read = file_to_grids(book)
    assert read.status == "ok" and len(read.grids) == len(docx.grids)
    first = read.grids[0]
    spans = {(c.rowspan, c.colspan) for c in first.cells}
    assert any(r > 1 for r, _ in spans) and any(c > 1 for _, c in spans)  # merged ranges became spans
    assert {c.table for c in first.cells} == {1}  # provenance: the sheet, then its row and column
    as_docx = [r.export() for r in file_to_records(CORPUS_DOCX).records]
    as_book = [r.export() for r in file_to_records(book).records]
    assert {r.pop("stamp")["reader"] for r in as_book} == {"xlsx"}
    assert {r.pop("stamp")["reader"] for r in as_docx} == {"docx"}
    assert as_book == [{**r, "source": {**r["source"], "file": book.name}} for r in as_docx]


def test_the_corpus_as_a_workbook_scores_like_the_docx(tmp_path):
    book = grids_to_xlsx(file_to_grids(CORPUS_DOCX).grids, tmp_path / "songjiang-hrss-2020.xlsx")
    out = tmp_path / "p.jsonl"
    assert CliRunner().invoke(main, ["extract", str(book), "-o", str(out)]).exit_code == 0
    figures = _score(GOLD, out)
    assert figures["records"] == "23/23" and figures["field_accuracy"] == 1.0 and figures["silent_errors"] == 0.0


def test_a_formula_never_calculated_is_not_read_as_blank(tmp_path):
    from openpyxl import load_workbook

    book = grids_to_xlsx(file_to_grids(CORPUS_DOCX).grids[:1], tmp_path / "f.xlsx")
    wb = load_workbook(book)
    ws = wb.worksheets[0]
    target = [c for row in ws.iter_rows() for c in row if c.value == 86][-1]  # the 总分 row's score, at the foot
    target.value = "=SUM(H10:H20)"
    wb.save(book)
    record = file_to_records(book).records[0]
    assert record.total_score is None
    assert any(i.field == "total_score" and i.severity == "error" for i in record.issues)


def test_content_decides_what_a_file_is(tmp_path):
    disguised = tmp_path / "report.doc"
    shutil.copy(CORPUS_DOCX, disguised)  # a real .docx named .doc
    pdf_named_docx = tmp_path / "scan.docx"
    shutil.copy(CORPUS_DOCX.with_suffix(".pdf"), pdf_named_docx)
    assert sniff(disguised) == ".docx" and sniff(pdf_named_docx) == ".pdf"
    assert len(file_to_records(disguised).records) == 23
    assert len(file_to_records(pdf_named_docx).records) == 23


def _ole(path: Path, stream: str) -> Path:
    """The start of an OLE compound file with a directory entry naming its main stream (enough to sniff)."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + stream.encode("utf-16-le") + b"\0" * 64)
    return path


def test_legacy_files_in_a_folder_are_listed_with_the_way_to_convert_them(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    _ole(folder / "a.doc", "WordDocument")
    _ole(folder / "b.wps", "WordDocument")
    _ole(folder / "c.xls", "Workbook")
    (folder / "d.rtf").write_bytes(b"{\\rtf1 table}")
    out = CliRunner().invoke(main, ["ingest", str(folder)])
    assert out.exit_code == 1  # nothing could be read: not "0 files" and success
    lines = {line.split(":")[0].split()[-1]: line for line in out.output.splitlines() if line.startswith("FAILED")}
    assert set(lines) == {"a.doc", "b.wps", "c.xls", "d.rtf"}
    assert "soffice --headless --convert-to docx a.doc" in lines["a.doc"]
    assert "a .wps file" in lines["b.wps"] and "--convert-to docx" in lines["b.wps"]
    assert "--convert-to xlsx c.xls" in lines["c.xls"] and "--convert" in lines["c.xls"]
    assert "4 files: 0 read, 4 failed" in out.output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_convert_reads_a_legacy_word_file_with_libreoffice(tmp_path):
    import subprocess

    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(CORPUS_DOCX),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    legacy = tmp_path / "songjiang-hrss-2020.doc"
    assert sniff(legacy) == ".doc"
    out = tmp_path / "p.jsonl"
    res = CliRunner().invoke(main, ["extract", str(legacy), "--convert", "-o", str(out)])
    assert res.exit_code == 0, res.output
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    gold = [json.loads(line) for line in GOLD.read_text("utf-8").splitlines()]
    assert records[0]["source"]["file"] == "songjiang-hrss-2020.doc"
    assert [r["project_name"] for r in records[:22]] == [g["project_name"] for g in gold[:22]]
    # LibreOffice's .doc round trip runs the last table together into paragraphs: one review item, not lost.
    assert len(records) == 23 and records[22]["project_name"] == gold[22]["project_name"]
    assert [i["code"] for i in records[22]["issues"] if i["severity"] == "error"] == ["extraction_failed"]
