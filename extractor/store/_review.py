"""The review side of the store: the queue, claims, versioned record writes, the issues mirror, the audit trail."""

from __future__ import annotations

import json
from typing import Any

from .._record import Issue, Record
from ._db import Database, Row
from ._worklist import Worklist, WorklistStore, now

CLAIM_SECONDS = 600
MAX_ID = 2**63 - 1  # the largest key SQLite and PostgreSQL (BIGINT) hold
ANSWERS = ("set", "accept", "confirm")


def _candidates(issue: Issue) -> str | None:
    return json.dumps(issue.candidates, default=str, ensure_ascii=False) if issue.candidates else None


IssueRow = tuple[str, str, str, str, "str | None", int]  # code, field, severity, message, candidates, resolved


def issue_row(issue: Issue) -> IssueRow:
    """An issue as the columns of its row in the issues mirror."""
    return issue.code, issue.field, issue.severity, issue.message, _candidates(issue), int(issue.resolved)


class ReviewStore(WorklistStore):
    conn: Database

    def insert_issue(self, record_id: int, issue: Issue | IssueRow, at: str | None = None) -> int:
        row = issue if isinstance(issue, tuple) else issue_row(issue)
        return self.conn.insert(
            "INSERT INTO issues (record_id, code, field, severity, message, candidates, resolved, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (record_id, *row, at or now()),
        )

    def queue(
        self,
        code: str | None = None,
        file: str | None = None,
        project: str | None = None,
        *,
        work: Worklist | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Open review items (error issues) in reading order, with the project name and any live claim;
        `work` lists another worklist (its filters and kind), `limit`/`offset` one page of it."""
        return self.worklist(work or Worklist(code or "", file or "", project or ""), limit, offset)

    def item(self, issue_id: int) -> Row | None:
        if not 0 < issue_id <= MAX_ID:  # a number no key can hold names no item (and must not reach the driver)
            return None
        return self.conn.execute(
            "SELECT i.*, f.name AS file, f.path AS file_path, f.id AS file_id, f.current AS file_current,"
            " r.idx AS tbl, r.chunk_id, r.data, r.version, r.reviewed FROM issues i"
            " JOIN records r ON r.id = i.record_id JOIN files f ON f.id = r.file_id WHERE i.id = ?",
            (issue_id,),
        ).fetchone()

    def successor(self, item: Row) -> int | None:
        """The item that asks the same question (code, field, table) in the current read of an item's file."""
        row = self.conn.execute(
            "SELECT i.id FROM issues i JOIN records r ON r.id = i.record_id JOIN files f ON f.id = r.file_id"
            " WHERE f.path = ? AND f.current = 1 AND r.idx = ? AND i.code = ? AND i.field = ?"
            " ORDER BY i.status <> 'open', i.id LIMIT 1",
            (item["file_path"], item["tbl"], item["code"], item["field"]),
        ).fetchone()
        return row["id"] if row else None

    def renderable(self, file_id: int) -> str | None:
        """The path of a current file that has review items: the only files whose pages the web app draws."""
        if not 0 < file_id <= MAX_ID:
            return None
        row = self.conn.execute(
            "SELECT f.path FROM files f WHERE f.id = ? AND f.current = 1 AND EXISTS (SELECT 1 FROM records r"
            " JOIN issues i ON i.record_id = r.id WHERE r.file_id = f.id)",
            (file_id,),
        ).fetchone()
        return row["path"] if row else None

    def record_row(self, record_id: int) -> Row:
        return self.conn.execute(
            "SELECT id, data, version, chunk_id FROM records WHERE id = ?", (record_id,)
        ).fetchone()

    def file_path(self, file_id: int) -> str | None:
        row = self.conn.execute("SELECT path FROM files WHERE id = ?", (file_id,)).fetchone()
        return row["path"] if row else None

    def chunk_grid(self, chunk_id: int | None) -> dict | None:
        row = self.conn.execute("SELECT grid FROM chunks WHERE id = ?", (chunk_id,)).fetchone()
        return json.loads(row["grid"]) if row else None

    def confirmations(self, record_id: int) -> set[tuple[str, str, str]]:
        # A confirmation that a reviewer reopened afterwards no longer holds.
        rows = self.conn.execute(
            "SELECT code, field, message FROM review_actions a WHERE record_id = ? AND action = 'confirm'"
            " AND undone_at IS NULL AND NOT EXISTS (SELECT 1 FROM review_actions b WHERE b.issue_id = a.issue_id"
            " AND b.action IN ('reopen', 'overrule') AND b.id > a.id AND b.undone_at IS NULL)",
            (record_id,),
        ).fetchall()
        return {(r["code"], r["field"], r["message"]) for r in rows}

    def reopened(self, record_id: int) -> list[Row]:
        """Issues of a record whose latest action is a reopen: questions again until someone answers them."""
        return self.conn.execute(
            "SELECT i.id, i.code, i.field, i.message, i.candidates FROM issues i WHERE i.record_id = ? AND"
            " (SELECT a.action FROM review_actions a WHERE a.issue_id = i.id AND a.undone_at IS NULL"
            f"  AND a.action IN ('reopen', 'overrule', {','.join('?' * len(ANSWERS))}) ORDER BY a.id DESC LIMIT 1)"
            " IN ('reopen', 'overrule')",
            (record_id, *ANSWERS),
        ).fetchall()

    # Claims: the upsert only takes over a claim that is the caller's own or has lapsed.
    def claim(self, issue_id: int, who: str, seconds: float = CLAIM_SECONDS) -> tuple[str, str]:
        with self.conn:
            self.conn.execute(
                "INSERT INTO claims (issue_id, who, expires_at) VALUES (?, ?, ?) ON CONFLICT (issue_id) DO UPDATE"
                " SET who = excluded.who, expires_at = excluded.expires_at"
                " WHERE claims.who = excluded.who OR claims.expires_at <= ?",
                (issue_id, who, now(seconds), now()),
            )
            row = self.conn.execute("SELECT who, expires_at FROM claims WHERE issue_id = ?", (issue_id,)).fetchone()
        return row["who"], row["expires_at"]

    def release(self, issue_id: int, who: str | None) -> None:
        """Free an item: `who`'s own claim, or (who=None, an admin) anyone's."""
        with self.conn:
            if who is None:
                self.conn.execute("DELETE FROM claims WHERE issue_id = ?", (issue_id,))
            else:
                self.conn.execute("DELETE FROM claims WHERE issue_id = ? AND who = ?", (issue_id, who))

    def assign(self, issue_id: int, who: str, seconds: float = CLAIM_SECONDS) -> None:
        """An admin hands an item to a reviewer, over any claim on it."""
        with self.conn:
            self.conn.execute("DELETE FROM claims WHERE issue_id = ?", (issue_id,))
            self.conn.execute(
                "INSERT INTO claims (issue_id, who, expires_at) VALUES (?, ?, ?)", (issue_id, who, now(seconds))
            )

    def holder(self, issue_id: int) -> tuple[str | None, str | None]:
        """Who holds a live claim on an item, and until when."""
        row = self.conn.execute(
            "SELECT who, expires_at FROM claims WHERE issue_id = ? AND expires_at > ?", (issue_id, now())
        ).fetchone()
        return (row["who"], row["expires_at"]) if row else (None, None)

    def log_action(self, record_id: int, issue_id: int | None, action: str, who: str, **kw: Any) -> int:
        cols = ["record_id", "issue_id", "action", "who", "at", *kw]
        return self.conn.insert(
            f"INSERT INTO review_actions ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            (record_id, issue_id, action, who, now(), *kw.values()),
        )

    def commit_review(
        self, record_id: int, version: int, record: Record, action: dict[str, Any], undo_of: int | None = None
    ) -> tuple[list[Row], list[Row]] | None:
        """Write a corrected record, its action and its issues in one transaction.

        None when the record changed since it was read at `version`: the caller re-reads and re-applies.
        """
        with self.conn:
            cur = self.conn.execute(
                "UPDATE records SET data = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                (record.model_dump_json(by_alias=True), now(), record_id, version),
            )
            if cur.rowcount != 1:
                return None
            if undo_of is not None:
                self.conn.execute("UPDATE review_actions SET undone_at = ? WHERE id = ?", (now(), undo_of))
            self.log_action(record_id, **action)
            closed, opened = self.sync_issues(record_id, record)
            answered = self.conn.execute(
                f"SELECT COUNT(*) FROM review_actions WHERE record_id = ? AND undone_at IS NULL"
                f" AND action IN ({','.join('?' * len(ANSWERS))})",
                (record_id, *ANSWERS),
            ).fetchone()[0]
            reviewed = answered > 0 and not any(i.severity == "error" for i in record.issues)
            self.conn.execute("UPDATE records SET reviewed = ? WHERE id = ?", (int(reviewed), record_id))
            if action.get("issue_id"):
                self.conn.execute("DELETE FROM claims WHERE issue_id = ?", (action["issue_id"],))
        return closed, opened

    def sync_issues(self, record_id: int, record: Record) -> tuple[list[Row], list[Row]]:
        """Mirror record.issues into the issues table, keeping the id of an issue that is still there.

        Matched on (code, field). An error that became a warning was answered; one that is gone is closed.
        Returns the queue items closed and opened.
        """
        every = self.conn.execute(
            "SELECT id, code, field, severity, status FROM issues WHERE record_id = ? ORDER BY id", (record_id,)
        ).fetchall()
        rows = [r for r in every if r["status"] != "closed"]
        # An issue that comes back (an undo, a value set back) gets its old item id again.
        gone = {(r["code"], r["field"]): r for r in every if r["status"] == "closed"}
        by_key: dict[tuple[str, str], Row] = {}
        for row in rows:
            by_key.setdefault((row["code"], row["field"]), row)
        live = {row["id"] for row in by_key.values()}
        closed, opened, seen = [], [], set()
        for issue in record.issues:
            key = (issue.code, issue.field)
            if key in seen:
                continue
            seen.add(key)
            row = by_key.pop(key, None) or gone.get(key)
            if row is None:
                new_id = self.insert_issue(record_id, issue)
                if issue.severity == "error":
                    opened.append(self.conn.execute("SELECT * FROM issues WHERE id = ?", (new_id,)).fetchone())
                continue
            was_open = row["severity"] == "error" and row["status"] == "open"
            if issue.severity == "error":
                status = "open"
            else:
                status = "answered" if was_open or row["status"] == "answered" else "open"
            self.conn.execute(
                "UPDATE issues SET severity = ?, message = ?, candidates = ?, resolved = ?, status = ?,"
                " closed_at = NULL WHERE id = ?",
                (issue.severity, issue.message, _candidates(issue), int(issue.resolved), status, row["id"]),
            )
            if was_open and status != "open":
                closed.append(row)
            elif not was_open and issue.severity == "error":
                opened.append(row)
        for row in [*by_key.values(), *(r for r in rows if r["id"] not in live)]:
            self.conn.execute("UPDATE issues SET status = 'closed', closed_at = ? WHERE id = ?", (now(), row["id"]))
            if row["severity"] == "error" and row["status"] == "open":
                closed.append(row)
        return closed, opened

    def last_action(self, who: str) -> Row | None:
        return self.conn.execute(
            f"SELECT * FROM review_actions WHERE who = ? AND undone_at IS NULL AND action IN"
            f" ({','.join('?' * len(ANSWERS))}) ORDER BY id DESC LIMIT 1",
            (who, *ANSWERS),
        ).fetchone()

    def later_actions(self, action: Row) -> int:
        return self.conn.execute(
            f"SELECT COUNT(*) FROM review_actions WHERE record_id = ? AND id > ? AND undone_at IS NULL"
            f" AND action IN ({','.join('?' * len(ANSWERS))})",
            (action["record_id"], action["id"], *ANSWERS),
        ).fetchone()[0]

    def actions(self, record_id: int | None = None) -> list[dict[str, Any]]:
        """The audit trail, oldest first: who did what to which field of which table, and the issue it answered."""
        sql = (
            "SELECT a.id, a.issue_id AS item, a.record_id, f.name AS file, r.idx AS tbl, a.action, a.code, a.field,"
            " a.old_value, a.new_value, a.who, a.at, a.undone_at, a.message, a.comment"
            " FROM review_actions a JOIN records r ON r.id = a.record_id JOIN files f ON f.id = r.file_id"
            " WHERE f.current = 1"
        )
        params: tuple = ()
        if record_id is not None:
            sql += " AND a.record_id = ?"
            params = (record_id,)
        rows = self.conn.execute(sql + " ORDER BY a.id", params).fetchall()
        return [{("table" if k == "tbl" else k): row[k] for k in row.keys()} for row in rows]
