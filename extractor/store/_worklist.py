"""The queue as a worklist: filters, counts, pages and the next item, all computed in the database
(a 10,000-item queue is never read whole into Python)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from ._db import Database

KINDS = ("open", "auto", "answered")
# What each kind of list holds: open questions, automatic corrections still in force, answered items.
_KIND_SQL = {
    "open": "i.status = 'open' AND i.severity = 'error'",
    "auto": "i.resolved = 1 AND i.status = 'open' AND i.severity <> 'error'",
    "answered": "i.status = 'answered'",
    # every question this worklist asked: still open, answered, or closed by an answer
    "asked": "(i.severity = 'error' OR i.status = 'answered')",
}


def now(delta: float = 0) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=delta)).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Worklist:
    """The filters a reviewer works through: Start/Next follow them, and "n of N left" counts within them."""

    code: str = ""
    file: str = ""
    project: str = ""
    kind: str = "open"

    @classmethod
    def of(cls, params: Any) -> Worklist:
        values = {f.name: str(params.get(f.name) or "").strip() for f in fields(cls)}
        values["kind"] = values["kind"] if values["kind"] in KINDS else "open"
        return cls(**values)

    def query(self) -> str:
        """The filters as a URL query string (empty when none are set)."""
        return urlencode(
            {
                f.name: getattr(self, f.name)
                for f in fields(self)
                if getattr(self, f.name) and not (f.name == "kind" and self.kind == "open")
            }
        )

    def but(self, **changes: str) -> Worklist:
        return Worklist(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})


@dataclass(frozen=True)
class PageSettings:
    size: int = 50
    max_size: int = 500
    project_cache: int = 64  # project filters remembered (their record ids), oldest out first


PAGES = PageSettings()
_PROJECTS: dict[tuple, list[int]] = {}
_PROJECTS_LOCK = threading.Lock()


class WorklistStore:
    conn: Database

    def _project_sql(self) -> str:
        return (
            "(r.data::json ->> 'project_name')"
            if self.conn.dialect == "postgres"
            else "json_extract(r.data, '$.project_name')"
        )

    def _project_records(self, project: str) -> list[int]:
        """Current records whose project name contains `project`, read once while the records stand still
        (shared by the requests of one server): taking the name out of each record's JSON is what a project
        filter costs."""
        # A new record or a corrected one (a project name set by a reviewer) makes a new key.
        stamp = tuple(self.conn.execute("SELECT MAX(id), MAX(updated_at) FROM records").fetchone())
        key = (str(getattr(self, "path", "")), project, stamp)
        with _PROJECTS_LOCK:
            if key in _PROJECTS:
                return _PROJECTS[key]
        find = "strpos" if self.conn.dialect == "postgres" else "instr"
        ids = [
            r["id"]
            for r in self.conn.execute(
                f"SELECT r.id FROM records r JOIN files f ON f.id = r.file_id WHERE f.current = 1"
                f" AND {find}(COALESCE({self._project_sql()}, ''), ?) > 0",
                (project,),
            ).fetchall()
        ]
        with _PROJECTS_LOCK:
            _PROJECTS[key] = ids
            while len(_PROJECTS) > PAGES.project_cache:
                _PROJECTS.pop(next(iter(_PROJECTS)))
        return ids

    def _where(self, work: Worklist, kind: str | None = None) -> tuple[str, list[Any]]:
        sql = (
            "FROM issues i JOIN records r ON r.id = i.record_id JOIN files f ON f.id = r.file_id"
            " LEFT JOIN claims c ON c.issue_id = i.id AND c.expires_at > ?"
            f" WHERE f.current = 1 AND {_KIND_SQL[kind or work.kind]}"
        )
        params: list[Any] = [now()]
        for column, value in (("i.code", work.code), ("f.name", work.file)):
            if value:
                sql += f" AND {column} = ?"
                params.append(value)
        if work.project:
            ids = self._project_records(work.project)
            sql += f" AND r.id IN ({','.join('?' * len(ids)) or 'NULL'})"
            params += ids
        return sql, params

    def worklist(self, work: Worklist, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Items of a worklist in reading order (file, table, item), with the project name and any live claim."""
        where, params = self._where(work)
        sql = (
            f"SELECT i.id, i.code, i.field, i.message, i.candidates, i.status, f.name AS file, r.idx AS tbl,"
            f" r.id AS record_id, c.who AS claimed_by, c.expires_at AS until {where} ORDER BY f.name, r.idx, i.id"
        )
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [min(limit, PAGES.max_size), max(offset, 0)]
        items = [{k: row[k] for k in row.keys()} for row in self.conn.execute(sql, params).fetchall()]
        # The project names of the listed records only, read after the page is cut.
        ids = sorted({i["record_id"] for i in items})
        names: dict[int, str] = {}
        for start in range(0, len(ids), PAGES.max_size):
            chunk = ids[start : start + PAGES.max_size]
            rows = self.conn.execute(
                f"SELECT r.id, {self._project_sql()} AS project FROM records r"
                f" WHERE r.id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            names.update({r["id"]: r["project"] or "" for r in rows})
        for item in items:
            item["project"] = names.get(item["record_id"], "")
        return items

    def count(self, work: Worklist, kind: str | None = None) -> int:
        where, params = self._where(work, kind)
        return self.conn.execute(f"SELECT COUNT(*) {where}", params).fetchone()[0]

    def counts_by(self, column: str, work: Worklist) -> list[tuple[str, int]]:
        """Items per code or per file within the other filters, most first."""
        expr = {"code": "i.code", "file": "f.name"}[column]
        where, params = self._where(work.but(**{column: ""}))
        rows = self.conn.execute(
            f"SELECT {expr} AS k, COUNT(*) AS n {where} GROUP BY {expr} ORDER BY n DESC, k", params
        ).fetchall()
        return [(r["k"], r["n"]) for r in rows]

    def next_in(self, work: Worklist, who: str, after: int | None = None) -> int | None:
        """The next item of the worklist after `after` that nobody else holds, wrapping round to the start."""
        where, params = self._where(work)
        free = " AND (c.who IS NULL OR c.who = ?)"
        base = f"SELECT i.id {where}{free}"
        params = [*params, who]
        if after is not None:
            at = self.conn.execute(
                "SELECT f.name, r.idx FROM issues i JOIN records r ON r.id = i.record_id"
                " JOIN files f ON f.id = r.file_id WHERE i.id = ?",
                (after,),
            ).fetchone()
            if at is not None:
                row = self.conn.execute(
                    f"{base} AND (f.name > ? OR (f.name = ? AND (r.idx > ? OR (r.idx = ? AND i.id > ?))))"
                    " ORDER BY f.name, r.idx, i.id LIMIT 1",
                    [*params, at["name"], at["name"], at["idx"], at["idx"], after],
                ).fetchone()
                if row is not None:
                    return row["id"]
            row = self.conn.execute(
                f"{base} AND i.id <> ? ORDER BY f.name, r.idx, i.id LIMIT 1", [*params, after]
            ).fetchone()
            return row["id"] if row else None
        row = self.conn.execute(f"{base} ORDER BY f.name, r.idx, i.id LIMIT 1", params).fetchone()
        return row["id"] if row else None
