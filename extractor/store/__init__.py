"""SQLite storage under the data directory ($JIXIAO_HOME): files, chunks, records, issues, review actions."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from .._grid import Grid
from .._record import Record
from ._migrate import migrate


def data_dir() -> Path:
    home = os.environ.get("JIXIAO_HOME")
    path = Path(home) if home else Path.home() / ".local" / "share" / "jixiao"
    path.mkdir(parents=True, exist_ok=True)
    return path


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def grid_to_json(grid: Grid) -> str:
    cells = [{"r": c.row, "c": c.col, "rs": c.rowspan, "cs": c.colspan, "text": c.text, "table": c.table,
              "src": [c.src_row, c.src_col], "page": c.box.page if c.box else None,
              "box": [c.box.x0, c.box.top, c.box.x1, c.box.bottom] if c.box else None,
              "conf": c.confidence} for c in grid.cells]
    return json.dumps({"rows": grid.n_rows, "cols": grid.n_cols, "cells": cells}, ensure_ascii=False)


class Store:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "jixiao.db"
        self.conn = sqlite3.connect(self.path)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA journal_mode = WAL")
        migrate(self.conn)

    def close(self) -> None:
        self.conn.close()

    def done(self, path: str, sha256: str, extractor: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM files WHERE path = ? AND sha256 = ? AND extractor = ? AND status = 'ok' AND current = 1",
            (path, sha256, extractor)).fetchone()
        return row["id"] if row else None

    def save(self, path: str, name: str, sha256: str, size: int, extractor: str, status: str, reason: str,
             records: list[Record], grids: list[Grid]) -> int:
        """Store one file's outcome in one transaction; a failure never replaces stored records."""
        with self.conn:
            if status == "ok":
                self.conn.execute("UPDATE files SET current = 0 WHERE path = ?", (path,))
            cur = self.conn.execute(
                "INSERT INTO files (path, name, sha256, size, status, reason, n_tables, extractor, read_at, current)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (path, name, sha256, size, status, reason, len(records), extractor, now(), int(status == "ok")))
            file_id = cur.lastrowid
            chunk_ids = {}
            for grid in grids:
                chunk_ids[grid.index] = self.conn.execute(
                    "INSERT INTO chunks (file_id, idx, grid) VALUES (?, ?, ?)",
                    (file_id, grid.index, grid_to_json(grid))).lastrowid
            for record in records:
                rid = self.conn.execute(
                    "INSERT INTO records (file_id, chunk_id, idx, data, updated_at) VALUES (?, ?, ?, ?, ?)",
                    (file_id, chunk_ids.get(record.source.table), record.source.table,
                     record.model_dump_json(by_alias=True), now())).lastrowid
                self._insert_issues(rid, record)
        return file_id

    def _insert_issues(self, record_id: int, record: Record) -> None:
        for issue in record.issues:
            self.conn.execute(
                "INSERT INTO issues (record_id, code, field, severity, message, candidates, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (record_id, issue.code, issue.field, issue.severity, issue.message,
                 json.dumps(issue.candidates, default=str) if issue.candidates else None, now()))

    def records(self, file_ids: list[int] | None = None) -> list[tuple[int, Record, bool]]:
        sql = ("SELECT r.id, r.data, r.reviewed FROM records r JOIN files f ON f.id = r.file_id"
               " WHERE f.current = 1")
        params: tuple = ()
        if file_ids is not None:
            sql += f" AND f.id IN ({','.join('?' * len(file_ids))})"
            params = tuple(file_ids)
        rows = self.conn.execute(sql + " ORDER BY f.name, f.id, r.idx", params).fetchall()
        return [(r["id"], Record.model_validate_json(r["data"]), bool(r["reviewed"])) for r in rows]

    def queue(self, code: str | None = None, file: str | None = None) -> list[sqlite3.Row]:
        sql = ("SELECT i.id, i.code, i.field, i.message, i.candidates, f.name AS file, r.idx AS tbl, r.id AS record_id"
               " FROM issues i JOIN records r ON r.id = i.record_id JOIN files f ON f.id = r.file_id"
               " WHERE f.current = 1 AND i.status = 'open' AND i.severity = 'error'")
        params: list = []
        if code:
            sql += " AND i.code = ?"
            params.append(code)
        if file:
            sql += " AND f.name = ?"
            params.append(file)
        return self.conn.execute(sql + " ORDER BY f.name, r.idx, i.id", params).fetchall()

    def failures(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT name, reason, read_at FROM files WHERE status = 'failed' ORDER BY id").fetchall()


__all__ = ["Store", "data_dir", "grid_to_json"]
