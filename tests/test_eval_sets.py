"""Every generated evaluation set, .docx and text PDF, scored against its gold with the shared scorer.

The sets are generated examples of each kind of form (eval_sets/README.md); the gold is the generator's own
truth. Each must read exactly: every field right, nothing wrong unflagged, every planted problem caught,
no false alarm.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import EVAL, load_scorer

from cli import main

SETS = sorted(
    p.parent.name
    for p in EVAL.glob("*/gold.jsonl")
    if p.parent.name != "bad" and not p.parent.name.startswith("messy-")
)


def _score(gold, pred) -> dict:
    score = load_scorer()
    return score.score(score.load(gold), score.load(pred))[0]


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
@pytest.mark.parametrize("name", SETS)
def test_eval_set_reads_exactly(name, suffix, tmp_path):
    files = sorted(str(p) for p in (EVAL / name).glob(f"*{suffix}") if not p.stem.endswith("-scan"))
    if not files:
        pytest.skip(f"{name} has no {suffix} files")
    out = tmp_path / "p.jsonl"
    res = CliRunner().invoke(main, ["extract", *files, "-o", str(out)])
    assert res.exit_code == 0, res.output
    figures = _score(EVAL / name / "gold.jsonl", out)
    assert figures["recall_records"] == 1.0
    assert figures["silent_errors"] == 0.0
    assert figures["field_accuracy"] == 1.0
    assert figures["core_recall"] == 1.0
    assert figures["false_alarms"] == 0


def test_paragraphs_that_read_like_a_table_are_one_review_item(tmp_path):
    out = tmp_path / "p.jsonl"
    res = CliRunner().invoke(main, ["extract", str(EVAL / "bad" / "converted-doc-2020.docx"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "the paragraphs after the last table read like a self-evaluation table" in res.output
    queue = CliRunner().invoke(main, ["queue", "--code", "extraction_failed"])
    assert "converted-doc-2020.docx" in queue.output
    figures = _score(EVAL / "bad" / "gold.jsonl", out)
    assert figures["silent_errors"] == 0.0 and figures["false_alarms"] == 0
