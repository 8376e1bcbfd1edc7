"""Record keys for importers: a stable id, the path within the batch, duplicate files stored once, the same
table in two files linked (issue 14)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from conftest import CORPUS, CORPUS_DOCX

from extractor import Store, export, run
from extractor._duplicates import link_duplicates

GOAL = "在被疫情影响的情况下，基本能完成预期目标，达到预定效果"


def edited_docx(src: Path, dest: Path, old: str, new: str) -> Path:
    """A copy of a .docx with one text run changed: another file holding the same table, read differently."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode(), 1)
            zout.writestr(item, data)
    return dest


def _exported(store: Store, tmp_path: Path) -> list[dict]:
    out = tmp_path / "out.jsonl"
    export(((r, rv) for _, r, rv in store.records()), out, "jsonl", audit=store.actions())
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def offices_archive(tmp_path: Path) -> Path:
    """Two offices' 自评表.docx (one goal differs) and a byte-identical backup of the first."""
    root = tmp_path / "archive"
    for folder in ("区人社局", "区财政局", "备份"):
        (root / folder).mkdir(parents=True)
    shutil.copy(CORPUS_DOCX, root / "区人社局" / "自评表.docx")
    edited_docx(CORPUS_DOCX, root / "区财政局" / "自评表.docx", GOAL, GOAL + "（区财政局）")
    shutil.copy(CORPUS_DOCX, root / "备份" / "自评表.docx")  # the same content again: stored once
    return root


def test_same_named_files_in_two_folders_keep_two_keys_and_copies_are_stored_once(tmp_path):
    root = offices_archive(tmp_path)
    store = Store()
    summary = run([root], store)
    statuses = sorted((o.name, o.status) for o in summary.outcomes)
    assert statuses == [
        ("区人社局/自评表.docx", "ok"),
        ("区财政局/自评表.docx", "ok"),
        ("备份/自评表.docx", "duplicate"),
    ]
    rows = _exported(store, tmp_path)
    assert len(rows) == 46
    assert len({r["id"] for r in rows}) == 46
    assert {r["source"]["file"] for r in rows} == {"自评表.docx"}  # RECORD.md: the bare name stays
    by_path = {r["source"]["path"] for r in rows}
    assert by_path == {"区人社局/自评表.docx", "区财政局/自评表.docx"}
    original = [r for r in rows if r["source"]["path"] == "区人社局/自评表.docx"]
    assert all(r["source"]["also"] == ["备份/自评表.docx"] for r in original)
    assert all(r["id"].endswith(f"-{r['source']['table']}") for r in rows)
    # the queue and the audit tell the two files apart too
    assert {i["file"] for i in store.queue()} == by_path


def test_the_same_table_in_two_files_is_linked_and_every_disagreement_is_an_item(tmp_path):
    root = tmp_path / "archive"
    root.mkdir()
    shutil.copy(CORPUS_DOCX, root / "report.docx")
    shutil.copy(CORPUS / "songjiang-hrss-2020.pdf", root / "report.pdf")
    edited_docx(CORPUS_DOCX, root / "appendix.docx", GOAL, "基本完成")
    store = Store()
    run([root], store)
    rows = _exported(store, tmp_path)
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["project_name"] + str(r["funds"]["total"]["executed"]), []).append(r)
    assert all(len(g) == 3 for g in groups.values())
    for group in groups.values():
        primary = [r for r in group if r["duplicate_of"] is None]
        assert len(primary) == 1 and primary[0]["source"]["path"] == "appendix.docx"  # .docx first, then by name
        assert all(r["duplicate_of"] == primary[0]["id"] for r in group if r is not primary[0])
        for r in group:
            link = [i for i in r["issues"] if i["code"] == "duplicate_record"]
            assert len(link) == 1 and link[0]["severity"] == "warning"
    # table 1 says 基本完成 in the appendix only: a review item on each reading, both values offered
    table1 = [r for r in rows if r["source"]["table"] == 1]
    items = {r["source"]["path"]: [i for i in r["issues"] if i["code"] == "readings_disagree"] for r in table1}
    assert [i["field"] for i in items["appendix.docx"]] == ["goal_actual"]
    assert items["appendix.docx"][0]["severity"] == "error"
    assert set(items["appendix.docx"][0]["candidates"]) == {"基本完成", GOAL}
    assert [i["field"] for i in items["report.pdf"]] == ["goal_actual"]
    other_tables = [
        i for r in rows if r["source"]["table"] != 1 for i in r["issues"] if i["code"] == "readings_disagree"
    ]
    assert other_tables == []
    # linking again (as after a file is read again) links the same way: nothing doubled
    assert link_duplicates(store) == 69
    again = _exported(store, tmp_path)
    assert [len(r["issues"]) for r in again] == [len(r["issues"]) for r in rows]
