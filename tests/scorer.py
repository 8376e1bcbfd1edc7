"""The shared scorer (../shared/eval/score.py beside the checkout) as a module, for tests and benches."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCORER = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "score.py"


def load_scorer():
    spec = importlib.util.spec_from_file_location("score", SCORER)
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    return score
