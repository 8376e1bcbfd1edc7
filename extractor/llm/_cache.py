"""The ledger: cached answers, every call with its tokens and cost, and the totals of a run (0002_llm.sql).

Written against the store's Database (SQLite or PostgreSQL): `?` placeholders, portable SQL.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from ..store import Database, now
from ._answer import ANSWER_SCHEMA
from ._cost import Usage


def cache_key(purpose: str, content: str, prompt_hash: str, model: str) -> str:
    """Same question, same prompt, same model, same answer schema: the same answer, so no second call."""
    return hashlib.sha256(
        json.dumps([purpose, content, prompt_hash, model, ANSWER_SCHEMA], ensure_ascii=False).encode()
    ).hexdigest()


@dataclass
class Hit:
    status: str  # ok | failed
    answer: str  # answer JSON, or the failure reason


class Ledger:
    def __init__(self, conn: Database, extractor: str, model: str, prompt_hash: str, max_cost: float | None) -> None:
        self.conn = conn
        self.model = model
        self._run = (extractor, model, prompt_hash, max_cost)
        self.run_id: int | None = None

    def _run_id(self) -> int:
        if self.run_id is None:
            with self.conn:
                self.run_id = self.conn.insert(
                    "INSERT INTO llm_runs (started_at, extractor, model, prompt_hash, max_cost) VALUES (?, ?, ?, ?, ?)",
                    (now(), *self._run),
                )
        return self.run_id

    def get(self, key: str) -> Hit | None:
        row = self.conn.execute("SELECT status, answer FROM llm_cache WHERE key = ?", (key,)).fetchone()
        return Hit(row[0], row[1]) if row else None

    def put(self, key: str, purpose: str, prompt_hash: str, status: str, answer: str, usage: Usage) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM llm_cache WHERE key = ?", (key,))
            self.conn.execute(
                "INSERT INTO llm_cache (key, purpose, model, prompt_hash, schema, status, answer,"
                " input_tokens, output_tokens, cost, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    purpose,
                    self.model,
                    prompt_hash,
                    ANSWER_SCHEMA,
                    status,
                    answer,
                    usage.input_tokens,
                    usage.output_tokens,
                    usage.cost,
                    now(),
                ),
            )

    def log(
        self,
        file: str,
        table: int,
        purpose: str,
        prompt_hash: str,
        key: str,
        status: str,
        usage: Usage,
        error: str = "",
    ) -> None:
        run_id = self._run_id()
        with self.conn:
            self.conn.execute(
                "INSERT INTO llm_calls (run_id, file, tbl, purpose, model, prompt_hash, schema, cache_key, status,"
                " requests, input_tokens, output_tokens, cost, error, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    file,
                    table,
                    purpose,
                    self.model,
                    prompt_hash,
                    ANSWER_SCHEMA,
                    key,
                    status,
                    usage.requests,
                    usage.input_tokens,
                    usage.output_tokens,
                    usage.cost,
                    error or None,
                    now(),
                ),
            )

    def total(self, usage: Usage, stopped: str = "") -> None:
        with self.conn:
            self.conn.execute(
                "UPDATE llm_runs SET calls = ?, requests = ?, input_tokens = ?, output_tokens = ?, cost = ?,"
                " cached = ?, failed = ?, stopped = COALESCE(?, stopped) WHERE id = ?",
                (
                    usage.calls,
                    usage.requests,
                    usage.input_tokens,
                    usage.output_tokens,
                    usage.cost,
                    usage.cached,
                    usage.failed,
                    stopped or None,
                    self._run_id(),
                ),
            )


def record_usage(conn: Database, file: str, table: int) -> Usage:
    """What one record cost over all runs: its extraction and semantic calls, retries included."""
    row = conn.execute(
        "SELECT SUM(CASE WHEN status = 'cached' THEN 0 ELSE 1 END), SUM(requests), SUM(input_tokens),"
        " SUM(output_tokens), SUM(cost), SUM(CASE WHEN status = 'cached' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) FROM llm_calls WHERE file = ? AND tbl = ?",
        (file, table),
    ).fetchone()
    calls, requests, tokens_in, tokens_out, cost, cached, failed = (v or 0 for v in row)
    return Usage(int(calls), int(requests), int(tokens_in), int(tokens_out), float(cost), int(cached), int(failed))
