"""Resolved issues stay on the exported record with who, when, the printed and the final value (issue 14)."""

from __future__ import annotations

import json

from conftest import CORPUS_DOCX

from extractor import Store, export, run
from extractor.review import answer, undo


def _item(store: Store, code: str, table: int) -> int:
    return next(i["id"] for i in store.queue(code) if i["tbl"] == table)


def _export(store: Store, tmp_path) -> dict[int, dict]:
    out = tmp_path / "out.jsonl"
    export(((r, rv) for _, r, rv in store.records()), out)
    return {r["source"]["table"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}


def test_an_answer_that_ends_a_check_stays_on_the_record_as_resolved(tmp_path):
    store = Store()
    run([CORPUS_DOCX], store)
    weights = _item(store, "weight_total_mismatch", 10)
    assert answer(store, weights, "alice", value="90").ok  # the weights add up now: the check is silent
    assert answer(store, _item(store, "ambiguous_cell", 2), "bob", candidate=2).ok
    assert answer(store, _item(store, "implausible_value", 3), "carol").ok  # confirmed as printed
    assert answer(
        store, _item(store, "missing_value", 8), "dan", value="1", field="funds.current_appropriation.executed"
    ).ok
    records = _export(store, tmp_path)
    [m] = [i for i in records[8]["issues"] if i["field"] == "funds.current_appropriation"]
    assert (m["resolved"], m["field"], m["value"], m["resolved_by"]) == (
        True,
        "funds.current_appropriation",
        "1",
        "dan",
    )
    assert undo(store, "dan").ok  # an undone answer is no part of the story
    records = _export(store, tmp_path)

    [w] = [i for i in records[10]["issues"] if i["code"] == "weight_total_mismatch"]
    assert (w["resolved"], w["severity"], w["original"], w["value"], w["resolved_by"]) == (
        True,
        "warning",
        "100",
        "90",
        "alice",
    )
    assert w["resolved_at"] and "90" in w["message"]
    assert records[10]["total_weight"] == 90
    [a] = [i for i in records[2]["issues"] if i["code"] == "ambiguous_cell"]
    assert (a["resolved"], a["value"], a["resolved_by"]) == (True, "9", "bob")
    assert records[2]["indicators"][0]["score"] == 9
    [c] = [i for i in records[3]["issues"] if i["field"] == "indicators[0].target" and i["code"] == "implausible_value"]
    assert (c["resolved"], c["original"], c["value"], c["resolved_by"]) == (True, "20", "20", "carol")
    [m] = [i for i in records[8]["issues"] if i["field"] == "funds.current_appropriation"]
    assert (m["resolved"], m["severity"], m["resolved_by"]) == (False, "error", None)
    # what the table itself settled says so, with the printed and the final value
    settled = [i for r in records.values() for i in r["issues"] if i["resolved"] and i["resolved_by"] == "jixiao"]
    assert settled and all(i["original"] is not None for i in settled)
