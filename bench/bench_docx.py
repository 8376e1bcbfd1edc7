"""Throughput of the .docx pipeline on one core: tables per second and peak memory.

    python bench/bench_docx.py [--copies 87]

The corpus file (23 tables) is copied N times into a temporary folder (87 copies:
2,001 tables). First the reader alone (file → grids), then the whole job in this one
process: read, chunk, extract, check (timed), then serialise and store (timed apart).
Each figure is given per CPU second (time.process_time: holds on a loaded machine)
and per wall second. Targets (issue 15): reader alone and read→check ≥ 1,000 tables
per CPU second, ≥ 600 with storing.
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


class Clock:
    """Wall and CPU seconds of the phases of a run, added up."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._mark = (time.perf_counter(), time.process_time())

    def start(self) -> None:
        self._mark = (time.perf_counter(), time.process_time())

    def lap(self, phase: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.wall[phase] = self.wall.get(phase, 0.0) + wall - self._mark[0]
        self.cpu[phase] = self.cpu.get(phase, 0.0) + cpu - self._mark[1]
        self._mark = (wall, cpu)

    def rate(self, n: int, *phases: str) -> str:
        cpu, wall = sum(self.cpu[p] for p in phases), sum(self.wall[p] for p in phases)
        return f"{n / cpu:,.0f} tables/s per CPU second, {n / wall:,.0f} per wall second ({cpu:.2f} CPU s)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=87)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["JIXIAO_HOME"] = str(Path(tmp) / "home")
        from extractor import Store, file_to_grids, file_to_records

        folder = Path(tmp) / "in"
        folder.mkdir()
        for k in range(args.copies):
            shutil.copy(CORPUS, folder / f"copy-{k:04d}.docx")
        files = sorted(folder.iterdir())
        store = Store()
        clock = Clock()
        grids = sum(len(file_to_grids(path).grids) for path in files)
        clock.lap("reader")
        tables = 0
        for k, path in enumerate(files):
            clock.start()
            result = file_to_records(path)
            clock.lap("read→check")
            result.pack()
            clock.lap("serialise")
            store.save(
                str(path),
                path.name,
                str(k),
                0,
                "template",
                result.status,
                result.reason,
                result.grids_json,
                result.packed,
            )
            clock.lap("store")
            tables += len(result.packed)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"files: {args.copies}  tables: {tables}  (grids read: {grids})")
        print(f"reader alone (file → grids):    {clock.rate(grids, 'reader')}")
        print(f"read + chunk + extract + check: {clock.rate(tables, 'read→check')}")
        print(
            f"with serialising and storing:   {clock.rate(tables, 'read→check', 'serialise', 'store')}; "
            f"serialising {clock.cpu['serialise']:.2f}, storing {clock.cpu['store']:.2f} CPU s"
        )
        print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
