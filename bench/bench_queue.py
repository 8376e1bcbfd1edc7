"""Server time of the review desk's pages with a 10,000-item queue.

    python bench/bench_queue.py [--copies 250] [--rounds 20]

Reads the corpus .docx into a fresh data directory, then copies its files' records and issues in SQL until
the queue holds copies × 40 open items (10,000 by default), and times each page in the app (in process,
no network): the queue page (first page, a code filter, a file filter, a project filter, page 100), Start
(/next with a worklist), and an item page. Printed: median, p95 and max per page, and the response size.
Goal: < 200 ms server time for the queue page with 10,000 open items.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "eval_sets" / "songjiang-hrss-2020" / "songjiang-hrss-2020.docx"
PASSWORD = "bench password"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _copy_files(store, copies: int) -> None:
    """Each copy: a new current file row with the original's records and issues (one statement per table)."""
    conn = store.conn
    src = conn.execute("SELECT * FROM files WHERE current = 1").fetchone()
    with conn:
        for n in range(copies - 1):
            fid = conn.insert(
                "INSERT INTO files (path, name, sha256, size, status, reason, n_tables, extractor,"
                " read_at, current) SELECT path || ?, printf('copy-%05d-', ?) || name, sha256, size,"
                " status, reason, n_tables, extractor, read_at, 1 FROM files WHERE id = ?",
                (f"#{n}", n, src["id"]),
            )
            conn.execute(
                "INSERT INTO records (file_id, chunk_id, idx, data, reviewed, updated_at, version)"
                " SELECT ?, chunk_id, idx, data, reviewed, updated_at, version FROM records"
                " WHERE file_id = ?",
                (fid, src["id"]),
            )
            conn.execute(
                "INSERT INTO issues (record_id, code, field, severity, message, candidates, status,"
                " created_at, resolved) SELECT n.id, i.code, i.field, i.severity, i.message, i.candidates,"
                " i.status, i.created_at, i.resolved FROM issues i JOIN records o ON o.id = i.record_id"
                " JOIN records n ON n.file_id = ? AND n.idx = o.idx WHERE o.file_id = ?",
                (fid, src["id"]),
            )


def _time(client, path: str, rounds: int) -> tuple[list[float], int]:
    times, size = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        r = client.get(path, follow_redirects=False)
        times.append((time.perf_counter() - start) * 1000)
        assert r.status_code in (200, 303), (path, r.status_code)
        size = len(r.content)
    return times, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    os.environ["JIXIAO_HOME"] = tempfile.mkdtemp(prefix="jixiao-bench-queue-")
    from starlette.testclient import TestClient

    from extractor import Store, run
    from extractor.review import hash_password
    from extractor.review.app import create_app
    from extractor.store._worklist import Worklist

    store = Store()
    run([CORPUS], store)
    _copy_files(store, args.copies)
    store.add_user("clerk", hash_password(PASSWORD), "reviewer")
    total = store.count(Worklist())
    client = TestClient(create_app(), base_url="http://127.0.0.1")
    token = _CSRF.search(client.get("/login").text).group(1)
    client.post("/login", data={"name": "clerk", "password": PASSWORD, "csrf": token, "next": "/"})
    item = store.queue(limit=1)[0]["id"]
    pages = {
        "queue": "/",
        "queue ?code=unit_suspect": "/?code=unit_suspect",
        "queue ?file=": "/?file=copy-00100-songjiang-hrss-2020.docx",
        "queue ?project=疫情防控": "/?project=疫情防控",
        "queue ?page=100": "/?page=100",
        "start /next?code=": "/next?code=implausible_value",
        "item page": f"/items/{item}",
    }
    print(f"open items: {total:,}")
    print(f"{'page':28} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'bytes':>9}")
    for name, path in pages.items():
        times, size = _time(client, path, args.rounds)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        print(f"{name:28} {statistics.median(times):10.1f} {p95:8.1f} {max(times):8.1f} {size:9,}")


if __name__ == "__main__":
    main()
