"""Seconds per scanned page on one core: preprocessing, table lines, OCR of every cell, grids.

    .venv/bin/python bench/bench_scan.py [SCAN.pdf] [--pages N]

Prints wall and CPU seconds per page (time.process_time: what one core spends, so the figure holds on a
loaded machine; wall time also counts whatever else the machine is doing) and how the CPU time splits.
Preprocessing is what a messy scan needs and a clean one pays for too: colour separation of seals, evening
out the light, looking for curl and perspective, telling which way up the page is (a few lines read), and
any lattice run beyond the first. Targets: <= 1.0 s/page in all (issue 15); preprocessing <= 0.15 s/page.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "eval_sets" / "songjiang-hrss-2020" / "songjiang-hrss-2020-scan.pdf"
# Functions of the scan reader that are preprocessing, by module.
PREP = {
    "_pages": ("_grey_and_seal",),
    "_scan": ("even_out", "uncurl", "rectify", "frame_lines", "_sideways", "_how_sure"),
}


def _timed(module, name: str, spent: dict[str, float], calls: dict[str, int]) -> None:
    fn = getattr(module, name)

    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - start
            calls[name] += 1

    setattr(module, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--pages", type=int, default=0, help="read only the first N pages (0: all)")
    args = parser.parse_args()

    import cv2

    from extractor.readers import _ocr, _pages, _scan

    cv2.setNumThreads(1)
    t0 = time.perf_counter()
    rec = _ocr.recognizer()  # model load is once per process, not per page
    load = time.perf_counter() - t0

    spent: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    for module, names in ((_pages, PREP["_pages"]), (_scan, PREP["_scan"])):
        for name in names:
            _timed(module, name, spent, calls)
    _timed(_scan, "page_to_tables", spent, calls)
    _timed(rec, "read", spent, calls)

    total = _pages.page_count(args.pdf)
    pages = list(range(1, (min(args.pages, total) if args.pages else total) + 1))
    wall, cpu = time.perf_counter(), time.process_time()
    result = _scan.scan_pages_to_grids(args.pdf, pages)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = len(pages)
    lattice = spent["page_to_tables"] / max(calls["page_to_tables"], 1)
    extra_lattice = lattice * (calls["page_to_tables"] - (n - len(result.page_notes)))
    prep = sum(spent[name] for names in PREP.values() for name in names) + extra_lattice
    ocr = spent["read"] - spent["_how_sure"]
    cells = sum(len(g.cells) for g in result.grids)
    print(f"{args.pdf.name}: {n} pages, {len(result.grids)} grids, {cells} cells, status {result.status}")
    print(f"model load        {load:6.2f} s (once)")
    print(f"wall per page     {wall / n:6.2f} s")
    print(f"cpu per page      {cpu / n:6.2f} s   (one core)")
    print(f"  preprocessing   {prep / n:6.2f} s   (target <= 0.15; extra lattice runs {extra_lattice / n:.2f})")
    print(f"  lattice         {(spent['page_to_tables'] - extra_lattice) / n:6.2f} s")
    print(f"  ocr             {ocr / n:6.2f} s")
    print(f"  lines, grids    {(cpu - prep - ocr - spent['page_to_tables'] + extra_lattice) / n:6.2f} s")


if __name__ == "__main__":
    main()
