"""Accuracy, calls, tokens and cost of the configured model on every eval set, for --extractor llm and auto.

    OPENAI_BASE_URL=... OPENAI_API_KEY=... .venv/bin/python bench/bench_llm_accuracy.py --model NAME
        [--extractor llm --extractor auto] [--set alt-grid ...] [--price IN,OUT] [--max-cost USD]

Reads the .docx files of each eval set (eval_sets/*/gold.jsonl), scores the export with score.py
(../shared/eval/score.py, or $JIXIAO_SCORE) and prints, per set and backend: field accuracy, silent
errors, core recall, false alarms, and calls, tokens and cost per table. Each backend starts from an
empty store, so the figures are those of a first run over the archive (labels learned in one set are
cached for the next, as in a real archive). A user measures their own model with this before trusting
it; these are the only accuracy figures the project states for a model, and only from a run of this.
Exits with a message when no model is configured or reachable.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor import Store, export, run  # noqa: E402
from extractor._settings import current  # noqa: E402
from extractor.llm import ConfigError, LLMConfig, LLMExtractor, Usage  # noqa: E402


@dataclass(frozen=True)
class BenchSettings:
    probe_timeout: float = 10.0  # seconds to wait for the server's model list
    score: Path = Path(os.environ.get("JIXIAO_SCORE") or ROOT.parent / "shared" / "eval" / "score.py")


SETTINGS = BenchSettings()


def reachable(config: LLMConfig, settings: BenchSettings) -> str:
    """'' when the server answers; else why not, for the person running the bench."""
    url = (config.base_url or "https://api.openai.com/v1").rstrip("/") + "/models"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {config.api_key or 'none'}"})
    try:
        with urllib.request.urlopen(request, timeout=settings.probe_timeout):
            return ""
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            return f"{url} refused the key (HTTP {exc.code})"
        return ""  # a server without a model list still serves completions
    except (OSError, ValueError) as exc:
        return f"no model server answers at {url}: {exc}"


def score(gold: Path, pred: Path, settings: BenchSettings) -> dict:
    out = subprocess.run(
        [sys.executable, str(settings.score), str(gold), str(pred), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def bench_set(folder: Path, extractor: LLMExtractor, store: Store, out: Path, settings: BenchSettings) -> dict:
    files = sorted(folder.glob("*.docx"))
    before = Usage(**vars(extractor.usage))
    summary = run(files, store, extractor)
    pred = out / f"{folder.name}-{extractor.mode}.jsonl"
    export(((r, reviewed) for _, r, reviewed in store.records(summary.file_ids)), pred)
    figures = score(folder / "gold.jsonl", pred, settings)
    spent = Usage(**{k: v - getattr(before, k) for k, v in vars(extractor.usage).items()})
    tables = max(summary.tables, 1)
    return {
        **figures,
        "tables": summary.tables,
        "failed_files": len(summary.failed),
        "calls": spent.calls / tables,
        "tokens": (spent.input_tokens + spent.output_tokens) / tables,
        "cost": spent.cost / tables,
        "cached": spent.cached,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model")
    parser.add_argument("--extractor", action="append", choices=["llm", "auto"])
    parser.add_argument("--set", action="append", help="an eval set's folder name (default: every set)")
    parser.add_argument("--price", help="USD per 1M input,output tokens (default: prices.json)")
    parser.add_argument("--max-cost", type=float, help="stop before a backend's calls cost more (USD)")
    args = parser.parse_args()
    settings = SETTINGS
    try:
        options = current().with_options(llm_model=args.model, llm_price=args.price)
        config = LLMConfig.from_settings(options, max_cost=args.max_cost)
    except ConfigError as exc:
        sys.exit(f"no model configured: {exc}")
    why = reachable(config, settings)
    if why:
        sys.exit(f"no model reachable: {why}")
    if not settings.score.exists():
        sys.exit(f"score.py not found at {settings.score}: set JIXIAO_SCORE")
    sets = sorted(
        p.parent for p in (ROOT / "eval_sets").glob("*/gold.jsonl") if not args.set or p.parent.name in args.set
    )
    print(f"model {config.model} at {config.base_url or 'api.openai.com'}; per table: calls, tokens (in+out), cost")
    print(
        f"{'set':<22} {'backend':<5} {'tables':>6} {'field_acc':>9} {'silent':>7} {'core':>5} {'alarms':>6} "
        f"{'calls':>6} {'tokens':>7} {'cost $':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for mode in args.extractor or ["llm", "auto"]:
            store = Store(Path(tmp) / f"{mode}.db")
            extractor = LLMExtractor(config, mode, store=store)
            for folder in sets:
                f = bench_set(folder, extractor, store, Path(tmp), settings)
                print(
                    f"{folder.name:<22} {mode:<5} {f['tables']:>6} {f['field_accuracy']!s:>9} "
                    f"{f['silent_errors']!s:>7} {f['core_recall']!s:>5} {f['false_alarms']:>6} {f['calls']:>6.2f} "
                    f"{f['tokens']:>7.0f} {f['cost']:>9.5f}"
                    + (f"  ({f['failed_files']} files failed)" if f["failed_files"] else "")
                )
            print(f"  {mode}: {extractor.summary()}")
            extractor.close()
            store.close()


if __name__ == "__main__":
    main()
