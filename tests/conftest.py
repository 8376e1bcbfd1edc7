"""Shared fixtures: every test gets its own data directory, and the corpus paths."""

from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval_sets"
CORPUS = EVAL / "songjiang-hrss-2020"
CORPUS_DOCX = CORPUS / "songjiang-hrss-2020.docx"
GOLD = CORPUS / "gold.jsonl"
# The shared scorer: $JIXIAO_SCORE, else ../shared/eval/score.py beside the checkout.
SCORER = Path(os.environ.get("JIXIAO_SCORE") or ROOT.parent / "shared" / "eval" / "score.py")


def load_scorer() -> ModuleType:
    """score.py as a module; without it the accuracy tests skip on a laptop and fail in CI (CI=true)."""
    if not SCORER.exists():
        reason = f"the scorer is not at {SCORER}: set JIXIAO_SCORE"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    spec = importlib.util.spec_from_file_location("score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def add_reader() -> Iterator[Callable[[Any], None]]:
    """Registers readers for one test (readers.register) and removes them after it."""
    from extractor import readers  # not at collection: a test may set $JIXIAO_HOME before the package loads

    added: list[readers.Reader] = []

    def add(reader: readers.Reader) -> None:
        readers.register(reader)
        added.append(reader)

    yield add
    for reader in added:
        readers.unregister(reader)


@contextmanager
def pg_schema(prefix: str) -> Iterator[str]:
    """A URL to a schema of its own in the test PostgreSQL (JIXIAO_TEST_PG), dropped afterwards; skips without
    one (fails on CI, where .ci/run sets it)."""
    base = os.environ.get("JIXIAO_TEST_PG")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL tests: .ci/run sets JIXIAO_TEST_PG")
        pytest.skip("JIXIAO_TEST_PG is not set")
    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(autouse=True)
def jixiao_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("JIXIAO_HOME", str(home))
    # The desk speaks Chinese by default; most tests assert on the English catalog's wording, and the tests of
    # the Chinese desk remove it.
    monkeypatch.setenv("JIXIAO_LANG", "en")
    return home
