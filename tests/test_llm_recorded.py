"""The LLM backend against a real model, replayed: HTTP recorded with vcrpy from SmolLM2-135M-Instruct served
by llama-cpp-python (tests/cassettes/test_llm_recorded/README.md says how, and how to re-record).

A 135M model is weak at Chinese, so these tests assert on what our code must do with whatever it
answers (every kept value occurs in its cell, every table comes out, usage adds up), never on how
well it reads. No figure from these answers says anything about a capable model.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from conftest import CORPUS_DOCX
from copies import distinct_copy
from local_model import MODEL_ALIAS

from cli import main
from extractor import Store, file_to_grids, grids_to_chunks, recheck, resolve
from extractor.llm import LLMConfig, LLMExtractor, Price
from extractor.llm._grid_prompt import citable
from extractor.llm._verify import _norm

pytestmark = pytest.mark.block_network  # replay needs no socket at all (recording lifts the block)

# Where the cassettes were recorded; replay ignores the host, so any value works when replaying.
BASE_URL = os.environ.get("OPENAI_BASE_URL", "http://127.0.0.1:8765/v1")
MODEL = os.environ.get("JIXIAO_LLM_MODEL", MODEL_ALIAS)


@pytest.fixture(scope="module")
def vcr_config():
    return {
        "match_on": ["method", "path", "body"],
        "filter_headers": ["authorization", "api-key", "x-api-key"],
        "allow_playback_repeats": False,
    }


@pytest.fixture(autouse=True)
def fully_played(vcr, record_mode):
    """A test fails if its cassette is not fully played (pytest-recording replays with record mode none)."""
    yield
    if vcr is not None and record_mode == "none":
        assert vcr.all_played, f"{len(vcr) - vcr.play_count} recorded requests were never made"


def replayed_every_request(extractor: LLMExtractor, cassette, record_mode: str) -> bool:
    """Each request the backend made was answered from the cassette (an unmatched one is counted but not played)."""
    return record_mode != "none" or extractor.usage.requests == cassette.play_count


def kept_values_occur_in_their_cells(record, chunk) -> list[str]:
    """Paths whose value is not in the cell the record says it came from (must be none)."""
    by_src = {(c.table, c.src_row, c.src_col): c for c in chunk.grid.cells}
    bad = []
    for path, ref in record.provenance.items():
        cell = by_src[(ref.table, ref.row, ref.col)]
        node = record
        for part in path.replace("[", ".").replace("]", "").split("."):
            node = node[int(part)] if part.isdigit() else getattr(node, part)
        if node is not None and _norm(str(node)).rstrip("0").rstrip(".") not in _norm(cell.text):
            bad.append(path)
    return bad


@pytest.mark.vcr
def test_a_real_model_answer_goes_through_the_cell_check(vcr, record_mode):
    chunk = grids_to_chunks(file_to_grids(CORPUS_DOCX).grids)[1]
    config = LLMConfig(
        model=MODEL, base_url=BASE_URL, api_key="sk-test", price=Price(1.0, 2.0), max_tokens=1024, reasks=1, timeout=600
    )
    extractor = LLMExtractor(config, "llm", store=Store())
    record = extractor.extract(chunk).record
    resolve([record])
    recheck(record)
    assert replayed_every_request(extractor, vcr, record_mode)
    assert record.source.table == 2 and record.extractor.startswith(f"llm:{MODEL}:prompt=")
    assert kept_values_occur_in_their_cells(record, chunk) == []
    ids = citable(chunk)
    for issue in record.issues:
        if issue.code == "value_not_in_cell":
            cell_id = issue.message.split(" from ")[1].split(",")[0]
            assert cell_id in ids and _norm(issue.original) not in _norm(ids[cell_id].text)
    u = extractor.usage
    assert u.calls == 1 and u.requests >= 1 and u.input_tokens > 1000 and u.output_tokens > 0
    assert u.cost == pytest.approx((u.input_tokens * 1.0 + u.output_tokens * 2.0) / 1e6)
    failed = [i for i in record.issues if i.code == "extraction_failed"]
    assert bool(failed) == (u.failed == 1)


@pytest.mark.vcr
def test_cli_extract_llm_on_the_corpus_replayed_then_cached(vcr, tmp_path, monkeypatch):
    """Acceptance: `jixiao extract --extractor llm` on the 23 tables, every record checked and exported,
    calls, tokens and cost printed; a second run (same content, another path) makes no request."""
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    # Short answers, no re-ask: 23 tables on a CPU stay within minutes when re-recording.
    monkeypatch.setenv("JIXIAO_LLM_MAX_TOKENS", "160")
    monkeypatch.setenv("JIXIAO_LLM_REASKS", "0")
    monkeypatch.setenv("JIXIAO_LLM_TIMEOUT", "900")
    args = ["extract", "--extractor", "llm", "--model", MODEL, "--price", "1,2", "--concurrency", "1"]
    first = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "first.jsonl"), str(CORPUS_DOCX)])
    assert first.exit_code == 0, first.output
    records = [json.loads(line) for line in (tmp_path / "first.jsonl").read_text("utf-8").splitlines()]
    assert [r["source"]["table"] for r in records] == list(range(1, 24))  # no table lost
    assert all(r["issues"] for r in records)  # each went through the checks
    requests = vcr.play_count if vcr is not None else None
    assert "llm (" in first.output and "23 calls" in first.output and "input +" in first.output
    assert "$" in first.output and "0 answers from the cache" in first.output

    copy = distinct_copy(CORPUS_DOCX, tmp_path / "again.docx")  # other bytes (a byte-identical file is stored once)
    second = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "second.jsonl"), str(copy)])
    assert second.exit_code == 0, second.output
    assert "0 calls (0 requests" in second.output and "23 answers from the cache" in second.output
    assert vcr is None or vcr.play_count == requests  # no new request
    again = [json.loads(line) for line in (tmp_path / "second.jsonl").read_text("utf-8").splitlines()]
    assert [r["indicators"] for r in again] == [r["indicators"] for r in records]
    runs = Store().conn.execute("SELECT calls, cached FROM llm_runs ORDER BY id").fetchall()
    assert [tuple(r) for r in runs] == [(23, 0), (0, 23)]
