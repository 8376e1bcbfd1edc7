"""The LLM backend without a model: the grid prompt, the cell check, costs, and faults from a scripted server.

The scripted server (127.0.0.1 only) exists for what a real server will not do on demand:
429, 500, a request that never answers in time. Its good answers are what a careful model
would return for corpus table 2: built from the template reader's cells, so the LLM path
must give the very record the template path gives.
"""

from __future__ import annotations

import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import CORPUS_DOCX
from pydantic import ValidationError

from extractor import Store, chunk_to_record, file_to_grids, grids_to_chunks, recheck, resolve, run
from extractor._values import fmt
from extractor.llm import (
    Budget,
    LLMConfig,
    LLMExtractor,
    Price,
    TableAnswer,
    Usage,
    chunk_to_grid_text,
    price_for,
    record_usage,
)
from extractor.llm._grid_prompt import citable

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


@pytest.fixture(scope="module")
def chunks():
    return grids_to_chunks(file_to_grids(CORPUS_DOCX).grids)


def ideal_answer(chunk) -> dict:
    """Every value the template reads, cited from the cell it read it from: a perfect model's answer."""
    rec = chunk_to_record(chunk).record
    by_src = {(c.table, c.src_row, c.src_col): c for c in chunk.grid.cells}

    def cite(path, value):
        ref = rec.provenance.get(path)
        if value is None or ref is None:
            return None
        shown = fmt(value) if isinstance(value, Decimal) else str(value)
        return f"{by_src[(ref.table, ref.row, ref.col)].ref}|{shown}"

    title = next(c for c in chunk.grid.cells if str(rec.year) in c.text)
    unit = next(c for c in chunk.grid.cells if rec.amount_unit in c.text and "项目资金" in c.text)
    answer = {
        "year": f"{title.ref}|{rec.year}",
        "amount_unit": f"{unit.ref}|{rec.amount_unit}",
        "funds": {},
        "indicators": [],
    }
    for f in (
        "project_name",
        "department",
        "implementing_unit",
        "goal_expected",
        "goal_actual",
        "total_weight",
        "total_score",
    ):
        answer[f] = cite(f, getattr(rec, f))
    for row in ("total", "current_appropriation", "carryover", "other"):
        fr = getattr(rec.funds, row)
        answer["funds"][row] = {c: cite(f"funds.{row}.{c}", getattr(fr, c)) for c in type(fr).model_fields}
    for i, ind in enumerate(rec.indicators):
        answer["indicators"].append({k: cite(f"indicators[{i}].{k}", v) for k, v in ind.model_dump().items()})
    return answer


def completion(
    arguments: dict | str,
    prompt_tokens: int = 1800,
    completion_tokens: int = 900,
    finish: str = "tool_calls",
    tool: str = "record_table",
) -> dict:
    args = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": 0,
        "model": "scripted",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [{"id": "call_0", "type": "function", "function": {"name": tool, "arguments": args}}],
                },
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


class Scripted(ThreadingHTTPServer):
    """Answers each POST with the next scripted step: (status, body) or ("sleep", seconds, body); or, when
    `steps` is a function, with what it returns for the request body (answers that depend on the question)."""

    def __init__(self, steps):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.steps = steps if callable(steps) else list(steps)
        self.requests: list[dict] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - the http.server name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.lock:
            self.server.requests.append(body)
            if callable(self.server.steps):
                step = self.server.steps(body)
            else:
                step = self.server.steps.pop(0) if self.server.steps else (599, {"error": "script ran out"})
        if step[0] == "sleep":
            time.sleep(step[1])
            step = (200, step[2])
        status, payload = step
        data = json.dumps(payload if status == 200 else {"error": {"message": f"scripted {status}"}}).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out and left, as the test wanted


@pytest.fixture
def scripted():
    servers = []

    def start(steps):
        server = Scripted(steps)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def extractor_for(server, mode: str = "llm", store: Store | None = None, **kw) -> LLMExtractor:
    config = LLMConfig(
        model="scripted-model",
        base_url=server.url,
        api_key="sk-test",
        price=Price(1.0, 2.0),
        backoff=0.01,
        backoff_max=0.02,
        timeout=kw.pop("timeout", 5.0),
        **kw,
    )
    return LLMExtractor(config, mode, store=store or Store())


def finished(extractor, chunk):
    """The record the pipeline would keep: extracted, resolved, re-checked."""
    result = extractor.extract(chunk)
    resolve([result.record])
    recheck(result.record)
    return result.record


# -- the grid prompt -------------------------------------------------------------------------------------------


def test_grid_keeps_spans_ids_and_drops_blank_cells(chunks):
    text = chunk_to_grid_text(chunks[1]).splitlines()
    assert "r2c0→2 项目名称 | r2c2→7 宣传与推广" in text
    assert text[4].startswith("r4c0↓5 项目资金\\n（万元） | r4c3 年初预算数")
    assert "r12c7 10\\n9" in text[12]  # two numbers in one cell stay visible as two paragraphs
    assert text[7] == "r7c1→2 上年结转资金"  # its blank amount cells are left out
    assert "r7c3" not in citable(chunks[1])


def test_prompt_stays_small(chunks):
    from extractor.llm import estimate_tokens, load_prompt

    prompt = load_prompt("extract")
    sizes = [
        estimate_tokens(
            "".join(m["content"] for m in prompt.messages(grid=chunk_to_grid_text(c), index=str(c.index), file=c.file))
        )
        for c in chunks
    ]
    assert max(sizes) < 2500, sizes  # chars ÷ 1.5 errs high; bench/bench_llm_prompt.py prints the figures


# -- checking the answer against the cells ---------------------------------------------------------------------


def test_ideal_answer_gives_the_template_record(chunks, scripted):
    chunk = chunks[1]
    server = scripted([(200, completion(ideal_answer(chunk)))])
    record = finished(extractor_for(server), chunk)
    template = chunk_to_record(chunk).record
    resolve([template])
    recheck(template)
    assert record.project_name == "宣传与推广"
    assert record.funds.total.executed == Decimal("95435.80")
    assert record.indicators[0].score == 10  # the 10 / 9 cell, settled by the printed total 88 as before
    assert record.export() == template.export()
    assert record.provenance["funds.total.executed"].row == 5
    assert record.extractor.startswith("llm:scripted-model:prompt=")


def test_a_value_not_in_its_cell_becomes_a_review_item(chunks, scripted):
    chunk = chunks[1]
    answer = ideal_answer(chunk)
    answer["total_score"] = "r20c7|98"  # the 总分 cell says 88
    answer["project_name"] = "r2c2|宣传推广活动"
    server = scripted([(200, completion(answer))])
    record = finished(extractor_for(server), chunk)
    invented = {i.field: i for i in record.issues if i.code == "value_not_in_cell"}
    assert set(invented) == {"total_score", "project_name"}
    assert record.total_score is None and record.project_name is None
    assert "'98'" in invented["total_score"].message and "'88'" in invented["total_score"].message
    assert not any(i.code == "missing_value" and i.field == "total_score" for i in record.issues)


def test_unknown_cell_is_a_validation_error(chunks):
    ids = set(citable(chunks[1]))
    with pytest.raises(ValidationError, match="r99c1 is not a cell"):
        TableAnswer.model_validate({"project_name": "r99c1|宣传与推广"}, context={"ids": ids})
    with pytest.raises(ValidationError, match='is not "<cell id>|<text>"'):
        TableAnswer.model_validate({"total_score": "88"}, context={"ids": ids})


def test_invalid_answer_then_corrected_reask(chunks, scripted):
    chunk = chunks[1]
    wrong = dict(ideal_answer(chunk), total_score="r99c9|88")
    server = scripted([(200, completion(wrong)), (200, completion(ideal_answer(chunk)))])
    extractor = extractor_for(server)
    record = finished(extractor, chunk)
    assert record.total_score == 88
    assert len(server.requests) == 2
    reask = server.requests[1]["messages"][-1]
    assert reask["role"] == "tool" and "r99c9 is not a cell" in reask["content"]
    assert extractor.usage.requests == 2 and extractor.usage.input_tokens == 3600


# -- faults ----------------------------------------------------------------------------------------------------


def test_429_then_success(chunks, scripted):
    chunk = chunks[1]
    server = scripted([(429, None), (200, completion(ideal_answer(chunk)))])
    extractor = extractor_for(server)
    record = finished(extractor, chunk)
    assert record.project_name == "宣传与推广"
    assert extractor.usage.requests == 2 and extractor.usage.calls == 1
    assert extractor.usage.cost == pytest.approx((1800 * 1.0 + 900 * 2.0) / 1e6)


def test_timeout_then_success(chunks, scripted):
    chunk = chunks[1]
    good = completion(ideal_answer(chunk))
    server = scripted([("sleep", 1.0, good), (200, good)])
    record = finished(extractor_for(server, timeout=0.3), chunk)
    assert record.total_score == 88
    assert len(server.requests) == 2


def test_500_three_times_leaves_the_file_unread_and_the_next_run_asks_again(chunks, scripted):
    server = scripted([(500, None)] * 3 * 23)
    store = Store()
    extractor = extractor_for(server, store=store)
    summary = run([CORPUS_DOCX], store, extractor)
    assert summary.outcomes[0].status == "failed"
    assert "HTTP 500 from the model server after 3 attempts" in summary.outcomes[0].reason
    assert "the next run asks again" in summary.outcomes[0].reason
    assert list(store.records()) == [] and store.queue() == []  # an outage is not a result
    assert len(server.requests) == 69
    assert extractor.usage.failed == 23 and extractor.usage.requests == 69
    assert record_usage(store.conn, "songjiang-hrss-2020.docx", 5) == Usage(calls=1, requests=3, failed=1)
    # A fault of the transport is not cached: the next run asks again, and reads the file.
    assert store.conn.execute("SELECT COUNT(*) FROM llm_cache").fetchone()[0] == 0
    back = scripted([(200, completion(ideal_answer(chunks[1])))])
    again = run([CORPUS_DOCX], store, extractor_for(back, store=store, concurrency=1))
    assert again.outcomes[0].status == "failed"  # not "skipped (already done)": every table is asked again
    assert len(back.requests) >= 23


# -- cache, cost cap, prices, auto -----------------------------------------------------------------------------


def test_cache_hit_makes_no_request(chunks, scripted):
    chunk = chunks[1]
    server = scripted([(200, completion(ideal_answer(chunk)))])
    first = finished(extractor_for(server), chunk)
    again = extractor_for(server)  # a new run on the same store
    second = finished(again, chunk)
    assert len(server.requests) == 1
    assert again.usage.calls == 0 and again.usage.cached == 1 and again.usage.cost == 0
    assert second.export() == first.export()


def test_cost_cap_stops_before_the_budget_is_passed(chunks, scripted):
    server = scripted([(200, completion(ideal_answer(c), 1000, 500)) for c in chunks[:2]])
    probe = extractor_for(server)
    first, second = (probe._worst_cost(probe._extract_ask(c)) for c in chunks[:2])
    paid = (1000 * 1.0 + 500 * 2.0) / 1e6
    cap = second + paid / 2  # room for the first call's worst case, not for the second's after paying the first
    assert first <= cap
    extractor = extractor_for(server, max_cost=cap, concurrency=1)
    refused = extractor.prepare(chunks[:2])
    assert len(server.requests) == 1  # the second call could have passed the cap: never sent
    assert refused.startswith("not read: the next LLM call could pass --max-cost")
    assert extractor.budget.spent == pytest.approx(paid)
    assert extractor.ledger.get(extractor._extract_ask(chunks[0]).key).status == "ok"  # paid for, kept


def test_prices():
    assert price_for("gpt-4o-mini-2024-07-18") == Price(0.15, 0.60)
    assert price_for("some-local-model").known is False
    assert price_for("some-local-model").cost(10_000, 10_000) == 0
    assert price_for("gpt-4o", "1,2") == Price(1.0, 2.0)
    budget = Budget(1.0)
    assert budget.reserve(0.6) and not budget.reserve(0.5)
    budget.settle(0.6, 0.2)
    assert budget.reserve(0.5)


def test_auto_asks_nothing_where_the_template_is_sure(chunks, scripted):
    assert all(not chunk_to_record(c).unknown_labels for c in chunks)
    server = scripted([])
    extractor = extractor_for(server, mode="auto")
    assert extractor.prepare(chunks) == ""
    assert server.requests == [] and extractor.usage.calls == 0
    # The rest of `auto` (labels first, then the whole table, compared) is in test_llm_labels.py.


def test_semantic_check_on_template_records(chunks, scripted):
    judge = "judge_goal_and_indicators"
    server = scripted(
        [
            (
                200,
                completion({"same_project": False, "reason": "目标写招考与培训，指标写补贴发放"}, 300, 40, tool=judge),
            ),
            (200, completion({"same_project": True, "reason": "一致"}, 300, 20, tool=judge)),
        ]
    )
    config = LLMConfig(model="scripted-model", base_url=server.url, api_key="sk-test", concurrency=1)
    extractor = LLMExtractor(config, "template", semantic=True, store=Store())
    assert extractor.name.startswith("template+semantic:scripted-model:")
    assert extractor.prepare(chunks[:2]) == ""
    first, second = (finished(extractor, c) for c in chunks[:2])
    mismatch = [i for i in first.issues if i.code == "goal_indicator_mismatch"]
    assert len(mismatch) == 1 and "补贴发放" in mismatch[0].message and mismatch[0].severity == "error"
    assert not any(i.code == "goal_indicator_mismatch" for i in second.issues)
    assert "招考实习" in server.requests[0]["messages"][1]["content"]  # table 1's name, goals and indicators
    assert "补贴计划完成率" in server.requests[0]["messages"][1]["content"]
    assert first.extractor == "template" and extractor.usage.calls == 2
