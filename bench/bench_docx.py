"""Throughput of the .docx pipeline on one core: tables per second and peak memory.

    python bench/bench_docx.py [--copies 87]

The corpus file (23 tables) is copied N times into a temporary folder (87 copies:
2,001 tables) and run through the whole job in this one process: read, chunk,
extract, check (timed), then serialise and store (timed apart).
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
        from extractor import Store, file_to_records

        folder = Path(tmp) / "in"
        folder.mkdir()
        for k in range(args.copies):
            shutil.copy(CORPUS, folder / f"copy-{k:04d}.docx")
        store = Store()
        reading = packing = storing = 0.0
        tables = 0
        for k, path in enumerate(sorted(folder.iterdir())):
            t0 = time.perf_counter()
            result = file_to_records(path)
            t1 = time.perf_counter()
            result.pack()
            t2 = time.perf_counter()
            store.save(str(path), path.name, str(k), 0, "template", result.status, result.reason,
                       result.records, result.grids_json, result.records_json)
            reading, packing, storing = reading + t1 - t0, packing + t2 - t1, storing + time.perf_counter() - t2
            tables += len(result.records)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"files: {args.copies}  tables: {tables}")
        print(f"read + chunk + extract + check: {tables / reading:.0f} tables/s (one core)")
        print(f"with serialising and storing in SQLite: {tables / (reading + packing + storing):.0f} tables/s "
              f"(one core; serialising {packing:.1f} s, storing {storing:.1f} s, reading {reading:.1f} s)")
        print(f"peak RSS: {peak:.0f} MiB")

if __name__ == "__main__":
    main()
