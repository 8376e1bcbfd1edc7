"""Shared fixtures: every test gets its own data directory, and the corpus paths."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval_sets"
CORPUS = EVAL / "songjiang-hrss-2020"
CORPUS_DOCX = CORPUS / "songjiang-hrss-2020.docx"
GOLD = CORPUS / "gold.jsonl"


@pytest.fixture(autouse=True)
def jixiao_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("JIXIAO_HOME", str(home))
    # The desk speaks Chinese by default; most tests assert on the English catalog's wording, and the tests of
    # the Chinese desk set JIXIAO_LANG=zh themselves.
    monkeypatch.setenv("JIXIAO_LANG", "en")
    return home
