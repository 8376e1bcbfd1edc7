"""Export memory: peak RSS of an export of 1,000 and of 10,000 records in each format (flat means streaming).

    python bench/bench_export.py [--records 1000 10000]

Each export runs in its own process: the corpus .docx is read once (23 records), and its records are
streamed again and again, one table number up each time, into `export()` with an audit trail of one
action per ten records. Printed: format, records, seconds, the output's size, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS_DOCX = ROOT / "eval_sets" / "songjiang-hrss-2020" / "songjiang-hrss-2020.docx"


def child(fmt: str, n: int, out: Path) -> None:
    from extractor import export, file_to_records

    records = file_to_records(CORPUS_DOCX).records

    def items():
        for k in range(n):
            record = records[k % len(records)].model_copy(deep=True)
            record.source.table = k + 1
            yield record, k % 3 == 0

    audit = [
        {
            "file": "f.docx",
            "table": k,
            "item": k,
            "action": "set",
            "code": "missing_value",
            "field": "department",
            "old_value": "",
            "new_value": "某局",
            "who": "alice",
            "at": "2026-01-01T00:00:00+00:00",
            "undone_at": None,
        }
        for k in range(n // 10)
    ]
    start = time.perf_counter()
    export(items(), out, fmt, audit=audit)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{fmt:<6} {n:>7} records  {seconds:6.1f} s  {out.stat().st_size / 2**20:7.1f} MiB out  "
        f"peak RSS {peak:6.0f} MiB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.records[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="jixiao-export-") as tmp:
        for fmt in ("jsonl", "csv", "xlsx"):
            for n in args.records:
                out = Path(tmp) / f"all.{fmt}"
                subprocess.run([sys.executable, __file__, "--records", str(n), "--child", fmt, str(out)], check=True)


if __name__ == "__main__":
    main()
