"""Import path at scale: linking the same tables across files, and the database export twice (issue 14).

    python bench/bench_import.py [--copies 20]

An archive of --copies distinct copies of the corpus .docx and as many of its text PDF (23 tables each,
the same projects in every file: the worst case for linking, every table a group of 2 × copies readings)
is read in one process. Printed: reading time, the time of a second linking pass over the stored archive
(what every later run pays), and two exports to SQLite with their row counts (equal: re-exports update).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "eval_sets" / "songjiang-hrss-2020"
sys.path.insert(0, str(ROOT / "tests"))
from copies import distinct_copy  # noqa: E402  (identical files would be stored once: each copy differs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["JIXIAO_HOME"] = str(Path(tmp) / "home")
        from extractor import Store, run
        from extractor._duplicates import link_duplicates
        from extractor._export_db import export_db

        folder = Path(tmp) / "archive"
        folder.mkdir()
        for k in range(args.copies):
            for src in (CORPUS / "songjiang-hrss-2020.docx", CORPUS / "songjiang-hrss-2020.pdf"):
                distinct_copy(src, folder / f"{k:04d}{src.suffix}")
        store = Store()
        t0 = time.perf_counter()
        summary = run([folder], store)
        read = time.perf_counter() - t0
        t0 = time.perf_counter()
        linked = link_duplicates(store)
        relink = time.perf_counter() - t0
        print(
            f"read {summary.tables} tables in {read:.1f} s (linking included); {linked} records linked; "
            f"a second linking pass {relink:.2f} s"
        )
        db = Path(tmp) / "warehouse.db"
        for n in (1, 2):
            t0 = time.perf_counter()
            counts = export_db(((r, rv) for _, r, rv in store.records()), f"sqlite:///{db}", store.audit())
            seconds = time.perf_counter() - t0
            with sqlite3.connect(db) as conn:
                rows = {
                    t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                    for t in ("jx_records", "jx_fund_rows", "jx_indicators", "jx_issues")
                }
            print(
                f"export {n} to SQLite: {counts.records} records in {seconds:.1f} s "
                f"({counts.records / seconds:.0f} records/s); rows {rows}"
            )


if __name__ == "__main__":
    main()
