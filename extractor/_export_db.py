"""The database target: `jixiao export --to postgresql://… | sqlite:///…` writes normalised tables.

Tables (documented in README "For importers"): jx_records (one row per table, keyed by the stable record id),
jx_fund_rows, jx_indicators and jx_issues (keyed by record id and position, foreign keys to jx_records),
jx_file_paths (every path of a file's content) and jx_audit (keyed by the store's action id). A re-export
updates: a record's row is upserted and its child rows replaced, so row counts never grow from repeating an
export. The whole export is one transaction: an importer sees the previous export or this one, never half.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ._export_columns import AUDIT_COLUMNS, FUND_COLUMNS, INDICATOR_COLUMNS, ISSUE_COLUMNS, issue_row, record_row
from ._record import FUND_ROWS, Record
from .store._db import Database, is_postgres

SCHEMA_VERSION = 1
_RECORD_COLS = [
    "id",
    "file",
    "path",
    "sha256",
    "tbl",
    "year",
    "project_name",
    "department",
    "implementing_unit",
    "amount_unit",
    "goal_expected",
    "goal_actual",
    "total_weight",
    "total_score",
    "reviewed",
    "open_errors",
    "duplicate_of",
    "reader",
    "extractor",
    "jixiao_version",
    "stamp_config",
    "model",
    "prompt_hash",
    "schema_hash",
]
DDL = [
    "CREATE TABLE IF NOT EXISTS jx_schema (version INTEGER PRIMARY KEY)",
    """CREATE TABLE IF NOT EXISTS jx_records (
        id TEXT PRIMARY KEY, file TEXT NOT NULL, path TEXT, sha256 TEXT, tbl INTEGER NOT NULL, year INTEGER,
        project_name TEXT, department TEXT, implementing_unit TEXT, amount_unit TEXT, goal_expected TEXT,
        goal_actual TEXT, total_weight NUMERIC, total_score NUMERIC, reviewed BOOLEAN NOT NULL,
        open_errors INTEGER NOT NULL, duplicate_of TEXT, reader TEXT, extractor TEXT, jixiao_version TEXT,
        stamp_config TEXT, model TEXT, prompt_hash TEXT, schema_hash TEXT)""",
    """CREATE TABLE IF NOT EXISTS jx_fund_rows (
        record_id TEXT NOT NULL REFERENCES jx_records(id), row_key TEXT NOT NULL, label TEXT,
        initial_budget NUMERIC, annual_budget NUMERIC, executed NUMERIC, weight NUMERIC, execution_rate TEXT,
        score NUMERIC, PRIMARY KEY (record_id, row_key))""",
    """CREATE TABLE IF NOT EXISTS jx_indicators (
        record_id TEXT NOT NULL REFERENCES jx_records(id), n INTEGER NOT NULL, level1 TEXT, level2 TEXT, name TEXT,
        target TEXT, actual TEXT, weight NUMERIC, score NUMERIC, note TEXT, PRIMARY KEY (record_id, n))""",
    """CREATE TABLE IF NOT EXISTS jx_issues (
        record_id TEXT NOT NULL REFERENCES jx_records(id), n INTEGER NOT NULL, code TEXT NOT NULL,
        field TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, candidates TEXT, resolved BOOLEAN NOT NULL,
        original TEXT, value TEXT, resolved_by TEXT, resolved_at TEXT, PRIMARY KEY (record_id, n))""",
    """CREATE TABLE IF NOT EXISTS jx_file_paths (
        sha256 TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY (sha256, path))""",
    """CREATE TABLE IF NOT EXISTS jx_audit (
        action_id INTEGER PRIMARY KEY, record_id TEXT REFERENCES jx_records(id), file TEXT, tbl INTEGER,
        item INTEGER, action TEXT NOT NULL, code TEXT, field TEXT, old_value TEXT, new_value TEXT, who TEXT,
        at TEXT, undone_at TEXT, comment TEXT)""",
]
_CHILDREN = ("jx_fund_rows", "jx_indicators", "jx_issues")


@dataclass
class DbCounts:
    records: int = 0
    fund_rows: int = 0
    indicators: int = 0
    issues: int = 0
    audit: int = 0


def connect(url: str) -> Database:
    """A postgresql:// URL, or sqlite:///relative.db / sqlite:////absolute.db (SQLAlchemy's spelling)."""
    if is_postgres(url):
        return Database(url)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        if not path.parent.is_dir():
            raise ValueError(f"the folder {path.parent} does not exist")
        return Database(path)
    raise ValueError(f"--to takes postgresql://… or sqlite:///FILE, not {url.split(':', 1)[0]}:…")


def _num(value: Any, db: Database) -> Any:
    # SQLite cannot bind a Decimal; its NUMERIC column takes the text and keeps the number.
    if isinstance(value, Decimal):
        return value if db.dialect == "postgres" else str(value)
    return value


def _upsert(db: Database, table: str, cols: list[str], keys: list[str], values: list[Any]) -> None:
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in keys)
    db.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
        [_num(v, db) for v in values],
    )


def _insert(db: Database, table: str, cols: list[str], values: list[Any]) -> None:
    db.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", [_num(v, db) for v in values]
    )


def _write_record(db: Database, record: Record, reviewed: bool, counts: DbCounts) -> None:
    data = record.export()
    row = record_row(data, reviewed)
    s = record.stamp
    stamp = [s.reader, s.extractor, s.jixiao, s.config, s.model, s.prompt_hash, s.schema_hash] if s else [None] * 7
    # Amounts from the record itself (Decimals), not from its JSON form (floats): NUMERIC keeps them exact.
    row.update(
        total_weight=record.total_weight, total_score=record.total_score, sha256=record.source.sha256, tbl=row["table"]
    )
    values = [row[c] for c in _RECORD_COLS[:17]] + stamp
    rid = row["id"]
    _upsert(db, "jx_records", _RECORD_COLS, ["id"], values)
    for table in _CHILDREN:
        db.execute(f"DELETE FROM {table} WHERE record_id = ?", (rid,))
    fund_cols = ["record_id", "row_key", "label", *FUND_COLUMNS]
    for key in FUND_ROWS:
        _insert(
            db,
            "jx_fund_rows",
            fund_cols,
            [rid, key, None, *[getattr(getattr(record.funds, key), c) for c in FUND_COLUMNS]],
        )
    for n, extra in enumerate(record.extra_fund_rows, 1):
        _insert(
            db, "jx_fund_rows", fund_cols, [rid, f"extra{n}", extra.label, *[getattr(extra, c) for c in FUND_COLUMNS]]
        )
    for n, ind in enumerate(record.indicators, 1):
        _insert(
            db,
            "jx_indicators",
            ["record_id", "n", *INDICATOR_COLUMNS],
            [rid, n, *[getattr(ind, c) for c in INDICATOR_COLUMNS]],
        )
    for n, issue in enumerate(data["issues"], 1):
        flat = issue_row(issue)
        _insert(db, "jx_issues", ["record_id", "n", *ISSUE_COLUMNS], [rid, n, *[flat[c] for c in ISSUE_COLUMNS]])
    for path in [record.source.path, *record.source.also]:
        if path and record.source.sha256:
            db.execute(
                "INSERT INTO jx_file_paths (sha256, path) VALUES (?, ?) ON CONFLICT (sha256, path) DO NOTHING",
                (record.source.sha256, path),
            )
    counts.records += 1
    counts.fund_rows += len(FUND_ROWS) + len(record.extra_fund_rows)
    counts.indicators += len(record.indicators)
    counts.issues += len(data["issues"])


def export_db(items: Iterable[tuple[Record, bool]], url: str, audit: list[dict[str, Any]]) -> DbCounts:
    """Write the records and the audit trail into the database at `url`, in one transaction."""
    db = connect(url)
    counts = DbCounts()
    try:
        with db:
            for statement in DDL:
                db.execute(statement)
            db.execute("INSERT INTO jx_schema (version) VALUES (?) ON CONFLICT (version) DO NOTHING", (SCHEMA_VERSION,))
            for record, reviewed in items:
                _write_record(db, record, reviewed, counts)
            cols = ["action_id", *[c if c != "table" else "tbl" for c in AUDIT_COLUMNS]]
            for action in audit:
                values = [action["id"], *[action.get(c) for c in AUDIT_COLUMNS]]
                values[1] = values[1] if _exists(db, values[1]) else None  # an action on a record not exported
                _upsert(db, "jx_audit", cols, ["action_id"], values)
                counts.audit += 1
    finally:
        db.close()
    return counts


def _exists(db: Database, record_id: str | None) -> bool:
    return record_id is not None and db.execute("SELECT 1 FROM jx_records WHERE id = ?", (record_id,)).fetchone()
