"""Storage under the data directory ($JIXIAO_HOME): files, chunks, records, issues, review actions.

SQLite by default; PostgreSQL when JIXIAO_DB holds a postgresql:// URL. Both run the same migrations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .._answers import with_answers
from .._grid import Grid
from .._record import Record
from .._settings import current
from ._db import Database, is_postgres
from ._keys import KeyStore, keyed
from ._migrate import migrate
from ._review import IssueRow, ReviewStore, issue_row, now
from ._users import UserStore


def data_dir() -> Path:
    path = current().home
    path.mkdir(parents=True, exist_ok=True)
    return path


def grid_to_json(grid: Grid) -> str:
    cells = [
        {
            "r": c.row,
            "c": c.col,
            "rs": c.rowspan,
            "cs": c.colspan,
            "text": c.text,
            "table": c.table,
            "src": [c.src_row, c.src_col],
            "page": c.box.page if c.box else None,
            "box": [c.box.x0, c.box.top, c.box.x1, c.box.bottom] if c.box else None,
            "conf": c.confidence,
        }
        for c in grid.cells
    ]
    return json.dumps({"rows": grid.n_rows, "cols": grid.n_cols, "cells": cells}, ensure_ascii=False)


@dataclass(frozen=True)
class PackedRecord:
    """A record as the store writes it, made where it was read (a worker process): the process that
    writes the store neither serialises records nor receives them as objects, which cost more to
    pickle across the pipe than to read."""

    table: int
    data: str  # the record's JSON, as stored and exported
    issues: list[IssueRow]


def pack_record(record: Record) -> PackedRecord:
    issues = [issue_row(i) for i in record.issues]
    return PackedRecord(record.source.table, record.model_dump_json(by_alias=True), issues)


def db_target(path: Path | str | None = None) -> str | Path:
    """Where the store lives: an explicit path, else $JIXIAO_DB (a postgresql:// URL or a file), else the data dir."""
    if path is not None:
        return str(path) if is_postgres(str(path)) else Path(path)
    url = current().db
    if url:
        return url if is_postgres(url) else Path(url)
    return data_dir() / "jixiao.db"


class Store(ReviewStore, UserStore, KeyStore):
    def __init__(self, path: Path | str | None = None, migrate_schema: bool = True) -> None:
        """`migrate_schema=False` for a connection per web request: the app migrated once when it started."""
        self.path = db_target(path)
        self.conn = Database(self.path)
        if migrate_schema:
            migrate(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def done(self, path: str, sha256: str, extractor: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM files WHERE path = ? AND sha256 = ? AND extractor = ? AND status = 'ok' AND current = 1",
            (path, sha256, extractor),
        ).fetchone()
        return row["id"] if row else None

    def save(
        self,
        path: str,
        name: str,
        sha256: str,
        size: int,
        extractor: str,
        status: str,
        reason: str,
        grids: list[tuple[int, str]],
        records: list[PackedRecord],
    ) -> int:
        """Store one file's outcome in one transaction; a failure never replaces stored records.
        Grids and records come serialised (FileResult.pack) so that workers, not this process, pay for it."""
        at = now()
        with self.conn:
            if status == "ok":
                self.conn.execute("UPDATE files SET current = 0 WHERE path = ?", (path,))
            file_id = self.conn.insert(
                "INSERT INTO files (path, name, sha256, size, status, reason, n_tables, extractor, read_at, current)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (path, name, sha256, size, status, reason, len(records), extractor, at, int(status == "ok")),
            )
            chunk_ids = {}
            for index, grid_json in grids:
                chunk_ids[index] = self.conn.insert(
                    "INSERT INTO chunks (file_id, idx, grid) VALUES (?, ?, ?)", (file_id, index, grid_json)
                )
            for record in records:
                rid = self.conn.insert(
                    "INSERT INTO records (file_id, chunk_id, idx, data, updated_at) VALUES (?, ?, ?, ?, ?)",
                    (file_id, chunk_ids.get(record.table), record.table, record.data, at),
                )
                for issue in record.issues:
                    self.insert_issue(rid, issue, at)
        return file_id

    def records(
        self, file_ids: list[int] | None = None, only_reviewed: bool = False, batch: int = 500
    ) -> Iterator[tuple[int, Record, bool]]:
        """Current records in export order, read a batch of files at a time (an archive never sits in memory)."""
        if file_ids is None:
            file_ids = [
                r["id"]
                for r in self.conn.execute("SELECT id FROM files WHERE current = 1 ORDER BY name, id").fetchall()
            ]
        file_ids = list(dict.fromkeys(file_ids))  # a duplicate file names the file its content is stored under
        reviewed = " AND r.reviewed = 1" if only_reviewed else ""
        for start in range(0, len(file_ids), batch):
            ids = file_ids[start : start + batch]
            sql = (
                "SELECT r.id, r.data, r.reviewed, f.id AS file_id, f.name, f.sha256 FROM records r"
                f" JOIN files f ON f.id = r.file_id WHERE f.current = 1 AND f.id IN ({','.join('?' * len(ids))})"
                f"{reviewed} ORDER BY f.name, f.id, r.idx"
            )
            rows = self.conn.execute(sql, tuple(ids)).fetchall()
            also = self.aliases({r["file_id"] for r in rows})
            answers = self.answers(r["id"] for r in rows)
            for r in rows:
                record = keyed(
                    Record.model_validate_json(r["data"]), r["name"], r["sha256"], also.get(r["file_id"], [])
                )
                yield r["id"], with_answers(record, answers.get(r["id"], [])), bool(r["reviewed"])


__all__ = ["Database", "PackedRecord", "Store", "data_dir", "db_target", "grid_to_json", "pack_record"]
