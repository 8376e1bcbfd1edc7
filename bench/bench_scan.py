"""Seconds per scanned page on one core: table lines, OCR of every cell, grids.

    .venv/bin/python bench/bench_scan.py [SCAN.pdf] [--pages N]

Prints wall and CPU seconds per page (the OCR runs on one thread; CPU time is what one core spends,
wall time also counts whatever else the machine is doing) and how the time splits. Target: <= 3 s/page.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "eval_sets" / "songjiang-hrss-2020" / "songjiang-hrss-2020-scan.pdf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--pages", type=int, default=0, help="read only the first N pages (0: all)")
    args = parser.parse_args()

    import cv2

    from extractor.readers import _ocr

    cv2.setNumThreads(1)
    from extractor.readers._scan import _page_count, scan_pages_to_grids

    t0 = time.perf_counter()
    rec = _ocr.recognizer()  # model load is once per process, not per page
    load = time.perf_counter() - t0

    ocr_cpu = 0.0
    read = rec.read

    def timed(crops):
        nonlocal ocr_cpu
        c = time.process_time()
        try:
            return read(crops)
        finally:
            ocr_cpu += time.process_time() - c

    rec.read = timed
    total = _page_count(args.pdf)
    pages = list(range(1, (min(args.pages, total) if args.pages else total) + 1))
    wall, cpu = time.perf_counter(), time.process_time()
    result = scan_pages_to_grids(args.pdf, pages)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = len(pages)
    cells = sum(len(g.cells) for g in result.grids)
    print(f"{args.pdf.name}: {n} pages, {len(result.grids)} grids, {cells} cells, status {result.status}")
    print(f"model load        {load:6.2f} s (once)")
    print(f"wall per page     {wall / n:6.2f} s")
    print(f"cpu per page      {cpu / n:6.2f} s   (one core; target <= 3)")
    print(f"  ocr             {ocr_cpu / n:6.2f} s")
    print(f"  lines, grids    {(cpu - ocr_cpu) / n:6.2f} s")


if __name__ == "__main__":
    main()
