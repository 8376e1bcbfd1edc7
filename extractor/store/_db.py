"""One small connection type over SQLite and PostgreSQL, so the store's SQL is written once.

Queries use `?` placeholders and read rows by column name; `insert` returns the new id
on both, and `with db:` is one transaction on both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def is_postgres(url: str | None) -> bool:
    return url is not None and url.startswith(("postgresql://", "postgres://"))


class Row(tuple):
    """A row read by position or by column name, as sqlite3.Row is."""

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key):
        return super().__getitem__(self._names[key] if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        return list(self._names)


def _pg_rows(cursor):
    names = {c.name: i for i, c in enumerate(cursor.description or [])}
    return lambda values: Row(values, names)


def _pg_sql(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class Database:
    def __init__(self, target: str | Path) -> None:
        self.dialect = "postgres" if is_postgres(str(target)) else "sqlite"
        self._tx = []
        if self.dialect == "postgres":
            import psycopg

            self.raw = psycopg.connect(str(target), autocommit=True, row_factory=_pg_rows)
        else:
            # Reviewers write from several requests at once: wait for a lock rather than fail.
            self.raw = sqlite3.connect(target, timeout=30)
            self.raw.row_factory = sqlite3.Row
            self.raw.execute("PRAGMA foreign_keys = ON")
            self.raw.execute("PRAGMA journal_mode = WAL")
            # WAL with NORMAL sync survives a killed process (every committed file stays); only a power
            # cut can lose the last commits, which a re-run then reads again.
            self.raw.execute("PRAGMA synchronous = NORMAL")

    def execute(self, sql: str, params: Sequence[Any] = ()):
        if self.dialect == "postgres":
            return self.raw.execute(_pg_sql(sql), params)
        return self.raw.execute(sql, params)

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an INSERT into a table with an `id` key and return the new id."""
        if self.dialect == "postgres":
            return self.raw.execute(_pg_sql(sql) + " RETURNING id", params).fetchone()[0]
        return self.raw.execute(sql, params).lastrowid

    def __enter__(self) -> Database:
        tx = self.raw.transaction() if self.dialect == "postgres" else self.raw
        tx.__enter__()
        self._tx.append(tx)
        return self

    def __exit__(self, *exc) -> None:
        self._tx.pop().__exit__(*exc)

    def close(self) -> None:
        self.raw.close()
