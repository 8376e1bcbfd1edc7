"""Throughput of the text-PDF reader on one core: pages/s and tables/s.

    python bench/bench_pdf.py [--copies 40]

The corpus PDF (25 pages, 23 project tables) is read N times (40 copies: 1,000 pages),
first by the reader alone (pages → grids), then through read + chunk + extract + check.
Target: at least 20 pages/s for the reader.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "eval_sets" / "songjiang-hrss-2020" / "songjiang-hrss-2020.pdf"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["JIXIAO_HOME"] = str(Path(tmp) / "home")
        from extractor import file_to_grids, file_to_records

        start, cpu = time.perf_counter(), time.process_time()
        pages = grids = 0
        for _ in range(args.copies):
            read = file_to_grids(CORPUS)
            pages += read.pages
            grids += len(read.grids)
        read_s, read_cpu = time.perf_counter() - start, time.process_time() - cpu
        start, cpu = time.perf_counter(), time.process_time()
        tables = sum(len(file_to_records(CORPUS).records) for _ in range(args.copies))
        full_s, full_cpu = time.perf_counter() - start, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"copies: {args.copies}  pages: {pages}  page grids: {grids}  project tables: {tables}")
        # CPU seconds too: on a busy machine the wall clock counts other processes' turns.
        print(
            f"reader:   {pages / read_s:.1f} pages/s  {grids / read_s:.1f} grids/s  ({read_s:.2f} s; "
            f"per CPU second: {pages / read_cpu:.1f} pages/s)"
        )
        print(
            f"pipeline: {pages / full_s:.1f} pages/s  {tables / full_s:.1f} tables/s  ({full_s:.2f} s; "
            f"per CPU second: {pages / full_cpu:.1f} pages/s, {tables / full_cpu:.1f} tables/s; "
            "read+chunk+extract+check)"
        )
        print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
