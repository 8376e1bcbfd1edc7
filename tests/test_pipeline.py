"""The .docx pipeline end to end: reader, chunker, store, re-runs, bad input, CLI, export."""

from __future__ import annotations

import csv
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import docx
from click.testing import CliRunner
from conftest import CORPUS_DOCX, GOLD, load_scorer
from tables import build

from cli import main
from extractor import Chunk, Grid, Store, chunk_to_record, file_to_grids, file_to_records, grids_to_chunks, run
from extractor._grid import slice_rows


def test_docx_reader_keeps_merges_and_paragraphs():
    result = file_to_grids(CORPUS_DOCX)
    assert result.status == "ok" and len(result.grids) == 23
    g = result.grids[1]
    level1 = g.at(12, 1)
    assert level1.text == "产出指标" and level1.rowspan == 5 and g.at(16, 1) is level1
    assert g.at(12, 7).paragraphs == ["10", "", "9"]
    assert g.at(20, 0).colspan == 6 and g.at(20, 0).text == "总分"
    assert (g.at(12, 7).table, g.at(12, 7).src_row, g.at(12, 7).src_col) == (2, 12, 7)


def test_chunker_splits_two_projects_in_one_table_and_joins_continuations():
    grids = file_to_grids(CORPUS_DOCX).grids[:2]
    first, second = grids
    head = slice_rows(second, 0, 12, 2)
    tail = slice_rows(second, 12, second.n_rows, 3)
    chunks = grids_to_chunks([first, head, tail])
    assert len(chunks) == 2
    assert chunks[1].grid.n_rows == second.n_rows
    assert chunks[1].grid.at(20, 0).text == "总分"


def test_corpus_docx_records():
    result = file_to_records(CORPUS_DOCX)
    assert len(result.records) == 23
    t2 = result.records[1]
    assert t2.project_name == "宣传与推广" and t2.funds.total.annual_budget == Decimal("95435.80")
    assert t2.indicators[0].score == 10 and t2.total_score == 88
    assert t2.provenance["indicators[0].score"].row == 12
    t21 = result.records[20]
    assert t21.department == "上海市松江区人力资源和社会保障局"
    assert [i.level1 for i in t21.indicators][6:8] == ["效益指标", "效益指标"]


def test_extract_cli_scores_on_corpus(tmp_path):
    out = tmp_path / "p.jsonl"
    res = CliRunner().invoke(main, ["extract", str(CORPUS_DOCX), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "23 tables" in res.output
    score = load_scorer()
    figures, _ = score.score(score.load(GOLD), score.load(out))
    assert figures["records"] == "23/23"
    assert figures["field_accuracy"] >= 0.998 and figures["silent_errors"] == 0.0
    assert figures["core_recall"] == 1.0 and figures["false_alarms"] <= 2


def _bad_files(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    files = {
        "empty": folder / "empty.docx",
        "corrupt": folder / "corrupt.docx",
        "no_table": folder / "no-table.docx",
        "staff": folder / "staff.docx",
    }
    files["empty"].write_bytes(b"")
    files["corrupt"].write_bytes(b"PK\x03\x04 this is not really a zip archive")
    d = docx.Document()
    d.add_paragraph("关于2020年度项目支出绩效自评工作的说明")
    d.save(files["no_table"])
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    for k, v in enumerate(["姓名", "职务", "电话"]):
        t.cell(0, k).text = v
    d.save(files["staff"])
    weird = os.fsencode(folder) + b"/\xff\xfe-report.docx"
    shutil.copy(CORPUS_DOCX, weird)
    return files


def test_bad_input_is_reported_and_batch_goes_on(tmp_path):
    files = _bad_files(tmp_path / "in")
    res = CliRunner().invoke(main, ["extract", str(tmp_path / "in"), "-o", str(tmp_path / "p.jsonl")])
    assert res.exit_code == 0, res.output
    assert "empty.docx: file is empty (0 bytes)" in res.output
    assert "corrupt.docx: not a valid .docx" in res.output
    assert "no-table.docx: no table in the document" in res.output
    assert "staff.docx: no self-evaluation table" in res.output
    assert "\ufffd\ufffd-report.docx: 23 tables" in res.output
    lines = (tmp_path / "p.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 23
    only_bad = CliRunner().invoke(
        main, ["extract", str(files["empty"]), str(files["corrupt"]), "-o", str(tmp_path / "q.jsonl")]
    )
    assert only_bad.exit_code == 1


def test_rerun_skips_done_and_rereads_changed(tmp_path):
    src = tmp_path / "a.docx"
    shutil.copy(CORPUS_DOCX, src)
    store = Store()
    first = run([src], store)
    assert [o.status for o in first.outcomes] == ["ok"]
    again = run([src], store)
    assert [o.status for o in again.outcomes] == ["skipped"]
    assert len(list(store.records())) == 23
    src.write_bytes(b"broken now")
    broken = run([src], store)
    assert broken.outcomes[0].status == "failed"
    assert len(list(store.records())) == 23  # a failed re-read loses nothing stored
    d = docx.Document(str(CORPUS_DOCX))
    d.element.body.remove(d.tables[0]._tbl)
    d.save(src)
    changed = run([src], store)
    assert changed.outcomes[0].status == "ok" and changed.outcomes[0].tables == 22
    assert len(list(store.records())) == 22


def test_queue_and_exports(tmp_path):
    runner = CliRunner()
    runner.invoke(main, ["ingest", str(CORPUS_DOCX)])
    queue = runner.invoke(main, ["queue", "--code", "ambiguous_cell"])
    assert "indicators[0].score" in queue.output and "1 open items" in queue.output
    out = tmp_path / "r.csv"
    assert runner.invoke(main, ["export", "--format", "csv", "-o", str(out)]).exit_code == 0
    rows = list(csv.DictReader(open(out, encoding="utf-8-sig")))
    assert rows[0]["project_name"] == "招考实习" and rows[0]["indicator.name"] == "补贴计划完成率"
    assert len({(r["file"], r["table"]) for r in rows}) == 23
    xlsx = tmp_path / "r.xlsx"
    assert runner.invoke(main, ["export", "--format", "xlsx", "-o", str(xlsx)]).exit_code == 0
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    assert wb["records"].max_row == 24 and wb["indicators"]["E2"].value == "产出指标"
    jsonl = tmp_path / "r.jsonl"
    runner.invoke(main, ["export", "-o", str(jsonl)])
    first = json.loads(jsonl.read_text("utf-8").splitlines()[1])
    assert first["schema"] == "perf-self-eval/1" and first["funds"]["total"]["annual_budget"] == 95435.8


def test_template_reports_unknown_layout():
    g = build().grid
    g = Grid(g.file, g.index, g.n_rows, g.n_cols, [c for c in g.cells if c.key != "三级指标"])
    result = chunk_to_record(Chunk(g.file, 1, g))
    assert result.status == "failed" and "三级指标" in result.reason


def test_form_nested_in_a_layout_table(tmp_path):
    import copy

    src = docx.Document(str(CORPUS_DOCX))
    d = docx.Document()
    outer = d.add_table(rows=1, cols=1)
    tc = outer.cell(0, 0)._tc
    tc.insert(0, copy.deepcopy(src.tables[1]._tbl))
    path = tmp_path / "nested.docx"
    d.save(path)
    result = file_to_records(path)
    assert [r.project_name for r in result.records] == ["宣传与推广"]
    assert result.records[0].indicators[0].score == 10
