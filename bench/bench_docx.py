"""Throughput of the .docx pipeline on one core: tables per second and peak memory.

    python bench/bench_docx.py [--copies 87]

The corpus file (23 tables) is copied N times into a temporary folder (87 copies:
2,001 tables) and run through the whole job: read, chunk, extract, check, store.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "eval_sets" / "songjiang-hrss-2020" / "songjiang-hrss-2020.docx"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=87)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["JIXIAO_HOME"] = str(Path(tmp) / "home")
        from extractor import Store, run

        folder = Path(tmp) / "in"
        folder.mkdir()
        for k in range(args.copies):
            shutil.copy(CORPUS, folder / f"copy-{k:04d}.docx")
        store = Store()
        start = time.perf_counter()
        summary = run([folder], store)
        elapsed = time.perf_counter() - start
        tables = sum(o.tables for o in summary.outcomes)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"files: {len(summary.outcomes)}  tables: {tables}  seconds: {elapsed:.2f}")
        print(f"tables/s (one core, read+extract+check+store): {tables / elapsed:.0f}")
        print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
