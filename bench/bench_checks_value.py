"""What the reconciliation is worth, in the scorer's own figures.

    python bench/bench_checks_value.py [GOLD FILE]...

A generic table extractor (docling, unstructured, a vendor OCR suite) hands over the
cells as printed; mapping them onto the record gives, at best, what our reader gives
with the resolutions and checks switched off. This prints both, scored by
../shared/eval/score.py, for each gold set given (default: every eval set).
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT.parent / "shared" / "eval" / "score.py"


def _scorer():
    spec = importlib.util.spec_from_file_location("score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _records(docs: list[Path], checks: bool) -> list[dict]:
    from extractor import chunk_to_record, file_to_grids, grids_to_chunks, recheck, resolve

    out = []
    for doc in docs:
        records = [chunk_to_record(c).record for c in grids_to_chunks(file_to_grids(doc).grids)]
        records = [r for r in records if r is not None]
        if checks:
            resolve(records)
            for r in records:
                recheck(r)
        else:
            for r in records:
                r.issues = []
        out += [r.export() for r in records]
    return out


def main(golds: list[Path]) -> None:
    score = _scorer()
    golds = golds or sorted(ROOT.glob("eval_sets/*/gold.jsonl"))
    keys = ("field_accuracy", "silent_errors", "review_load", "core_recall", "false_alarms")
    print(f"{'set':<24} {'mode':<26} " + " ".join(f"{k:>14}" for k in keys))
    for gold in golds:
        docs = sorted(gold.parent.glob("*.docx"))
        for checks in (False, True):
            with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
                for rec in _records(docs, checks):
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            figures, _ = score.score(score.load(gold), score.load(f.name))
            mode = "jixiao (checks on)" if checks else "cells as printed, no checks"
            print(f"{gold.parent.name:<24} {mode:<26} " + " ".join(f"{figures[k]!s:>14}" for k in keys))


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]])
