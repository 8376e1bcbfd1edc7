"""The database target (issue 14): normalised tables with keys, idempotent re-export, one transaction; on SQLite,
and on PostgreSQL when JIXIAO_TEST_PG is set (.ci/run)."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from conftest import CORPUS_DOCX, pg_schema
from test_keys import offices_archive

from cli import main
from extractor import Store, run
from extractor._export_db import export_db
from extractor.review import answer

TABLES = ("jx_records", "jx_fund_rows", "jx_indicators", "jx_issues", "jx_file_paths", "jx_audit")


@pytest.fixture(params=["sqlite", "postgres"])
def target(request, tmp_path):
    """A database URL for the export, and a function that runs one query on it."""
    if request.param == "sqlite":
        path = tmp_path / "warehouse.db"

        def query(sql, params=()):
            with sqlite3.connect(path) as conn:
                return conn.execute(sql, params).fetchall()

        yield f"sqlite:///{path}", query
        return
    with pg_schema("x") as url:
        import psycopg

        def query(sql, params=()):
            with psycopg.connect(url) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()

        yield url, query


def _counts(query) -> dict[str, int]:
    return {t: query(f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES}


def test_two_same_named_files_export_twice_to_the_same_rows(tmp_path, target):
    url, query = target
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(offices_archive(tmp_path))]).exit_code == 0
    store = Store()
    item = next(i["id"] for i in store.queue("ambiguous_cell") if i["file"] == "区人社局/自评表.docx")
    assert answer(store, item, "alice", candidate=2).ok
    first = runner.invoke(main, ["export", "--to", url])
    assert first.exit_code == 0, first.output
    counts = _counts(query)
    assert counts["jx_records"] == 46 and counts["jx_fund_rows"] == 46 * 4 and counts["jx_audit"] == 1
    assert counts["jx_file_paths"] == 3  # the copy is a path of the first file's content
    paths = {p for (p,) in query("SELECT DISTINCT path FROM jx_records")}
    assert paths == {"区人社局/自评表.docx", "区财政局/自评表.docx"}
    assert query("SELECT COUNT(DISTINCT id) FROM jx_records")[0][0] == 46
    # values keep their types: exact amounts, booleans, issues with their story
    [(executed,)] = query(
        "SELECT executed FROM jx_fund_rows f JOIN jx_records r ON r.id = f.record_id"
        " WHERE r.path = ? AND r.tbl = 2 AND f.row_key = 'total'",
        ("区人社局/自评表.docx",),
    )
    assert str(executed).rstrip("0").rstrip(".") == "95435.8"
    [(resolved, by, value)] = query(
        "SELECT i.resolved, i.resolved_by, i.value FROM jx_issues i JOIN jx_records r ON r.id = i.record_id"
        " WHERE r.path = ? AND r.tbl = 2 AND i.code = 'ambiguous_cell'",
        ("区人社局/自评表.docx",),
    )
    assert bool(resolved) and by == "alice" and value == "9"
    [(audit_record,)] = query("SELECT record_id FROM jx_audit")
    assert audit_record in {i for (i,) in query("SELECT id FROM jx_records WHERE path = ?", ("区人社局/自评表.docx",))}
    linked = query("SELECT COUNT(*) FROM jx_records WHERE duplicate_of IS NOT NULL")[0][0]
    assert linked == 23  # the same tables in the two offices' files: one of each pair is the primary

    # a second export, after another answer: rows updated, none added
    item = next(i["id"] for i in store.queue("unit_suspect") if i["file"] == "区财政局/自评表.docx")
    assert answer(store, item, "bob", value="元").ok
    assert runner.invoke(main, ["export", "--to", url]).exit_code == 0
    assert _counts(query) == {**counts, "jx_audit": 2}
    units = {
        u for (u,) in query("SELECT amount_unit FROM jx_records WHERE path = ? AND tbl = 1", ("区财政局/自评表.docx",))
    }
    assert units == {"元"}


def test_an_export_that_fails_midway_leaves_the_database_as_it_was(tmp_path, target):
    url, query = target
    store = Store()
    run([CORPUS_DOCX], store)
    export_db(((r, rv) for _, r, rv in store.records()), url, [])
    before = _counts(query)

    def dying():
        for n, (_, r, rv) in enumerate(store.records()):
            if n == 5:
                raise KeyboardInterrupt
            r.project_name = "changed"
            yield r, rv

    with pytest.raises(KeyboardInterrupt):
        export_db(dying(), url, [])
    assert _counts(query) == before
    assert query("SELECT COUNT(*) FROM jx_records WHERE project_name = 'changed'")[0][0] == 0


def test_bad_targets_are_messages(tmp_path):
    runner = CliRunner()
    for url, words in (
        ("mysql://x/y", "--to takes postgresql://"),
        (f"sqlite:///{tmp_path}/no/such/x.db", "does not exist"),
    ):
        out = runner.invoke(main, ["export", "--to", url])
        assert out.exit_code == 2 and words in out.output and "Traceback" not in out.output, out.output
    refused = runner.invoke(main, ["export", "--to", "postgresql://u:secret@127.0.0.1:9/none"])
    assert refused.exit_code == 1 and "cannot export to 127.0.0.1:9/none" in refused.output
    assert "secret" not in refused.output
