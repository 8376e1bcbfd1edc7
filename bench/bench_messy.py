"""Messy scans, one condition at a time: tables found, accuracy, silent errors and seconds per page.

    .venv/bin/python bench/bench_messy.py [SET_DIR ...] [--misses N]   # default: every eval_sets/messy-*/

Each set (made by eval_sets/make_messy.py) is read in this process on one core, scored against its
gold by ../shared/eval/score.py, and printed as one row; CPU seconds (time.process_time) stand beside
wall seconds, so a figure holds on a loaded machine. A folder inside a set is one document of page images.
Targets (issue 10): each condition alone every table found, field_accuracy >= 0.98, silent_errors
<= 0.002; `all` >= 0.95 and <= 0.003.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_checks_value import ROOT, _scorer  # noqa: E402


def _documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() or p.suffix.lower() in (".pdf", ".jpg", ".png", ".tif"))


def _pages(doc: Path) -> int:
    if doc.is_dir():
        return sum(1 for _ in doc.iterdir())
    if doc.suffix.lower() != ".pdf":
        return 1
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(doc)
    try:
        return len(pdf)
    finally:
        pdf.close()


def _run(folder: Path) -> tuple[list[dict], int, float, float, list[str]]:
    from extractor import file_to_records

    records, notes = [], []
    wall, cpu = time.perf_counter(), time.process_time()
    for doc in _documents(folder):
        result = file_to_records(doc)
        records += [r.export() for r in result.records]
        notes += [f"{doc.name}: {m}" for m in ([] if result.records else [result.reason]) + result.warnings]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return records, sum(_pages(d) for d in _documents(folder)), wall, cpu, notes


def main(folders: list[Path], misses: int = 0) -> None:
    import cv2

    cv2.setNumThreads(1)
    score = _scorer()
    folders = folders or sorted(p for p in (ROOT / "eval_sets").glob("messy-*") if p.is_dir())
    print(
        f"{'set':<16} {'tables':>7} {'field_acc':>9} {'silent':>7} {'alarms':>6} {'pages':>5} "
        f"{'cpu s/page':>10} {'wall s/page':>11}"
    )
    for folder in folders:
        records, pages, wall, cpu, notes = _run(folder)
        figures, missed = score.score(score.load(folder / "gold.jsonl"), records)
        print(
            f"{folder.name:<16} {figures['records']:>7} {figures['field_accuracy']!s:>9} "
            f"{figures['silent_errors']!s:>7} {figures['false_alarms']:>6} {pages:>5} "
            f"{cpu / max(pages, 1):>10.2f} {wall / max(pages, 1):>11.2f}"
        )
        for note in notes + missed[:misses]:
            print(f"    {note}")


if __name__ == "__main__":
    args = sys.argv[1:]
    shown = int(args.pop(args.index("--misses") + 1)) if "--misses" in args else 0
    main([Path(p) for p in args if p != "--misses"], shown)
