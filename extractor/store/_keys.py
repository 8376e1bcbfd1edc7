"""Record keys in the store: files stored once by content, their other paths, and the keys set on read-back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .._record import Record, record_id
from ._db import Database, Row


class KeyStore:
    conn: Database
    actions: Callable[[], list[Any]]  # the review store's, beside which this mixin is used

    def same_content(self, sha256: str, extractor: str, path: str) -> Row | None:
        """A current file read by `extractor` with this content under another path: a duplicate is not read again."""
        return self.conn.execute(
            "SELECT id, name FROM files WHERE sha256 = ? AND extractor = ? AND status = 'ok' AND current = 1"
            " AND path <> ? ORDER BY id LIMIT 1",
            (sha256, extractor, path),
        ).fetchone()

    def add_alias(self, file_id: int, path: str, name: str) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO file_aliases (file_id, path, name) VALUES (?, ?, ?)"
                " ON CONFLICT (path) DO UPDATE SET file_id = excluded.file_id, name = excluded.name",
                (file_id, path, name),
            )

    def aliases(self, file_ids: Iterable[int]) -> dict[int, list[str]]:
        ids = list(file_ids)
        out: dict[int, list[str]] = {}
        if not ids:
            return out
        rows = self.conn.execute(
            f"SELECT file_id, name FROM file_aliases WHERE file_id IN ({','.join('?' * len(ids))}) ORDER BY name",
            tuple(ids),
        ).fetchall()
        for r in rows:
            out.setdefault(r["file_id"], []).append(r["name"])
        return out

    def answers(self, record_ids: Iterable[int]) -> dict[int, list[Row]]:
        """The review answers on these records, oldest first (undone ones included: the caller skips them)."""
        ids = list(record_ids)
        out: dict[int, list[Row]] = {}
        if not ids:
            return out
        rows = self.conn.execute(
            "SELECT a.record_id, a.action, a.code, a.field, COALESCE(i.field, a.field) AS item_field, a.old_value,"
            " a.new_value, a.who, a.at, a.undone_at, a.message FROM review_actions a LEFT JOIN issues i"
            f" ON i.id = a.issue_id WHERE a.record_id IN ({','.join('?' * len(ids))}) ORDER BY a.id",
            tuple(ids),
        ).fetchall()
        for r in rows:
            out.setdefault(r["record_id"], []).append(r)
        return out

    def audit(self) -> list[dict]:
        """The audit trail with each action's record named by its stable id and its file by its batch path."""
        keys = {
            r["id"]: record_id(r["sha256"], r["idx"])
            for r in self.conn.execute(
                "SELECT r.id, r.idx, f.sha256 FROM records r JOIN files f ON f.id = r.file_id WHERE f.current = 1"
                " AND EXISTS (SELECT 1 FROM review_actions a WHERE a.record_id = r.id)"
            ).fetchall()
        }
        return [{**a, "record_id": keys.get(a["record_id"])} for a in self.actions()]


def keyed(record: Record, name: str, sha256: str, also: list[str]) -> Record:
    """The record with its stable id and where its file lies (relative path, hash, other paths of that content)."""
    record.id = record_id(sha256, record.source.table)
    record.source.path, record.source.sha256, record.source.also = name, sha256, also
    return record
