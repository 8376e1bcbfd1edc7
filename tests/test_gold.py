"""Corrections become test cases: `export --as-gold` after answering the corpus's review items through the CLI;
a fresh extract scored against that gold differs exactly in the answered fields (issue 14 acceptance)."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from conftest import CORPUS_DOCX, load_scorer

from cli import main


# How the test's reviewer answers each kind of item: a new value where the check asks for one, else confirm.
def _answer(item: dict) -> tuple[list[str], object]:
    """CLI arguments for an item, and the value the record then holds (None: unchanged)."""
    code, field, table = item["code"], item["field"], item["tbl"]
    if code == "unit_suspect":
        return ["--set", "元"], "元"
    if code == "ambiguous_cell":
        return ["--accept", "2"], 9
    if code == "implausible_value" and table == 3 and field == "indicators[0].target":
        return ["--set", "20%"], "20%"
    if code == "missing_value" and field == "implementing_unit":
        return ["--set", "上海市松江区就业促进中心"], "上海市松江区就业促进中心"
    return ["--confirm"], None


def _queue(runner: CliRunner) -> list[dict]:
    out = runner.invoke(main, ["queue"]).output
    items = []
    for m in re.finditer(r"^#(\d+)\s+(\S+) table (\d+) .*?  (\w+)  (\S+?)(?:  \(being|$)", out, re.M):
        items.append({"id": int(m[1]), "file": m[2], "tbl": int(m[3]), "code": m[4], "field": m[5]})
    return items


def test_answered_corpus_as_gold_scores_a_fresh_extract_with_exactly_the_answered_fields(tmp_path, monkeypatch):
    score = load_scorer()
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / CORPUS_DOCX.name).write_bytes(CORPUS_DOCX.read_bytes())
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(archive)]).exit_code == 0
    first = _queue(runner)
    assert len(first) == 40
    changed: set[tuple[int, str]] = set()
    answered = 0
    while items := _queue(runner):  # an answer can open an item (a new score that no longer adds up)
        item = items[0]
        args, value = _answer(item)
        res = runner.invoke(main, ["review", str(item["id"]), *args, "--who", "clerk"])
        assert res.exit_code == 0, res.output
        answered += 1
        if value is not None:
            changed.add((item["tbl"], item["field"]))
        assert answered < 80
    gold_dir = tmp_path / "regression"
    res = runner.invoke(main, ["export", "--as-gold", str(gold_dir)])
    assert res.exit_code == 0, res.output
    assert "wrote 23 reviewed records" in res.output and "1 source files" in res.output
    assert (gold_dir / CORPUS_DOCX.name).read_bytes() == CORPUS_DOCX.read_bytes()
    gold = [json.loads(line) for line in (gold_dir / "gold.jsonl").read_text("utf-8").splitlines()]
    assert len(gold) == 23 and all(g["expected_issues"] for g in gold)
    codes = {(g["source"]["table"], e["codes"][0], e["fields"][0]) for g in gold for e in g["expected_issues"]}
    assert {(i["tbl"], i["code"], i["field"]) for i in first} <= codes

    # the next release: a fresh store reads the regression folder and is scored against its gold
    monkeypatch.setenv("JIXIAO_HOME", str(tmp_path / "fresh"))
    pred = tmp_path / "fresh.jsonl"
    assert runner.invoke(main, ["extract", str(gold_dir), "-o", str(pred)]).exit_code == 0
    golds, preds = score.load(gold_dir / "gold.jsonl"), score.load(pred)
    figures, misses = score.score(golds, preds)
    by_key = {(p["source"]["file"], p["source"]["table"]): p for p in preds}
    differences = set()
    for g in golds:
        p = score.align_indicators(g, by_key[(g["source"]["file"], g["source"]["table"])])
        for path, gv in score.leaves(g):
            if not score.same(path, gv, score.get(p, path)):
                differences.add((g["source"]["table"], path))
    assert differences == changed and len(changed) == 26  # 23 units, a score, a target, an implementing unit
    assert figures["records"] == "23/23" and figures["silent_errors"] == 0.0 and misses == []
    assert figures["field_accuracy"] == round(1 - len(changed) / figures["fields"], 4)
    assert figures["core_recall"] == 1.0
