"""Numbered SQL migrations, applied once each, in order."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from importlib import resources


def migrations() -> list[tuple[int, str]]:
    folder = resources.files("extractor.store").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text("utf-8")))
    return sorted(found)


def migrate(conn: sqlite3.Connection) -> int:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)")
    done = {v for (v,) in conn.execute("SELECT version FROM schema_migrations")}
    applied = 0
    for version, sql in migrations():
        if version in done:
            continue
        with conn:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?)",
                         (version, datetime.now(timezone.utc).isoformat()))
        applied += 1
    return applied


def _statements(sql: str) -> list[str]:
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
