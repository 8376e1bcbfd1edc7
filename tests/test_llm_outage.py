"""A model server that cannot be reached or refuses the key stops the run at once, with one message, and
leaves nothing stored as done."""

from __future__ import annotations

import socket
import time

import pytest
from click.testing import CliRunner
from conftest import CORPUS_DOCX
from test_llm_offline import extractor_for, scripted  # noqa: F401 - the fixture

from cli import main
from extractor import Store, run
from extractor.llm import ModelUnavailable

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _done(store: Store) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM files WHERE status = 'ok'").fetchone()[0]


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_stops_the_run_after_the_first_answers(scripted, status):  # noqa: F811
    server = scripted([(status, None)] * 69)
    store = Store()
    with pytest.raises(ModelUnavailable, match=f"refuses the request \\(HTTP {status}\\)"):
        run([CORPUS_DOCX], store, extractor_for(server, store=store))
    assert len(server.requests) <= 4  # the calls already in flight (--concurrency), none retried
    assert _done(store) == 0 and list(store.records()) == []


def test_an_unreachable_server_is_one_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{_closed_port()}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    start = time.monotonic()
    out = CliRunner().invoke(
        main,
        ["extract", str(CORPUS_DOCX), "-o", str(tmp_path / "out.jsonl"), "--extractor", "llm", "--model", "any-model"],
    )
    assert time.monotonic() - start < 20
    assert out.exit_code == 1
    assert "stopped: the model server at http://127.0.0.1:" in out.output and "cannot be reached" in out.output
    assert "ok " not in out.output and not (tmp_path / "out.jsonl").exists()
    store = Store()
    assert _done(store) == 0
    requests = store.conn.execute("SELECT COALESCE(SUM(requests), 0) FROM llm_calls").fetchone()[0]
    assert 1 <= requests <= 4
