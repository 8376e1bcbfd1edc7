"""Latency of a reviewer's queue page while the review server takes a hostile burst.

    python bench/bench_burst.py [--port 0]

Sets up a fresh data directory with the corpus .docx and text PDF read in, one watching reviewer and 20
answering reviewers, starts `jixiao serve` on 127.0.0.1, and logs everyone in. Then, all at once and
bounded: a page render of a PDF with a 14,400 pt page (the corpus PDF, once read, is replaced on disk by
one giant page), 50 wrong logins from 7 threads, and 20 concurrent answers (one item each). Meanwhile the
watcher loads the queue page again and again. Printed: the queue page's latency (median, p95, max)
before and during the burst, what the burst got back, and the server's peak RSS. Goal: p95 < 300 ms on
2 cores. The server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "eval_sets" / "songjiang-hrss-2020"
PASSWORD = "bench password"
ANSWERERS = 20
WRONG_LOGINS = 50
LOGIN_THREADS = 7
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _giant_page(path: Path, points: float = 14_400) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(points, points)
    pdf.save(str(path))
    pdf.close()


def prepare(home: Path) -> tuple[int, list[int]]:
    """The store: corpus read in, accounts made; returns the hostile file's id and 20 open items."""
    os.environ["JIXIAO_HOME"] = str(home)
    from extractor import Store, run
    from extractor.review import hash_password

    pdf = home / "hostile.pdf"
    shutil.copy(CORPUS / "songjiang-hrss-2020.pdf", pdf)
    store = Store()
    run([CORPUS / "songjiang-hrss-2020.docx", pdf], store)
    _giant_page(pdf)
    hashed = hash_password(PASSWORD)
    for name in ["watcher", *(f"r{k}" for k in range(ANSWERERS))]:
        store.add_user(name, hashed, "reviewer")
    file_id = store.conn.execute("SELECT id FROM files WHERE name = 'hostile.pdf'").fetchone()[0]
    items = [i["id"] for i in store.queue()][:ANSWERERS]
    store.close()
    return file_id, items


def login(base: str, name: str, password: str = PASSWORD) -> tuple[httpx.Client, int]:
    client = httpx.Client(base_url=base, timeout=60)
    token = _CSRF.search(client.get("/login").text).group(1)
    r = client.post("/login", data={"name": name, "password": password, "csrf": token, "next": "/"})
    return client, r.status_code


def timed_get(client: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    r = client.get(path)
    r.raise_for_status()
    return (time.perf_counter() - start) * 1000


def figures(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"n={len(ms):3d}  median {statistics.median(ms):6.0f} ms  p95 {p95:6.0f} ms  max {ms[-1]:6.0f} ms"


def burst(base: str, file_id: int, items: list[int], answerers: list[httpx.Client]) -> Counter:
    got: Counter = Counter()
    lock = threading.Lock()

    def note(what: str) -> None:
        with lock:
            got[what] += 1

    def render() -> None:
        with httpx.Client(base_url=base, cookies=answerers[0].cookies, timeout=120) as c:
            r = c.get(f"/files/{file_id}/pages/1.png")
            note(f"page render {r.status_code} ({len(r.content) // 1024} KiB)")

    def wrong_logins(n: int) -> None:
        for _ in range(n):
            _, status = login(base, "watcher", "not the password")
            note(f"wrong login {status}")

    def answer(client: httpx.Client, item: int) -> None:
        token = _CSRF.search(client.get(f"/items/{item}").text).group(1)
        r = client.post(f"/items/{item}", data={"csrf": token, "action": "confirm"})
        note(f"answer {r.status_code}")

    per_thread = [WRONG_LOGINS // LOGIN_THREADS + (k < WRONG_LOGINS % LOGIN_THREADS) for k in range(LOGIN_THREADS)]
    threads = [threading.Thread(target=render)]
    threads += [threading.Thread(target=wrong_logins, args=(n,)) for n in per_thread]
    threads += [threading.Thread(target=answer, args=(c, i)) for c, i in zip(answerers, items)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return got


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()
    port = args.port or _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="jixiao-burst-") as tmp:
        home = Path(tmp)
        file_id, items = prepare(home)
        env = {**os.environ, "JIXIAO_HOME": str(home)}
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "cli.py"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(f"{base}/login", timeout=2)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.2)
            watcher, _ = login(base, "watcher")
            answerers = [login(base, f"r{k}")[0] for k in range(ANSWERERS)]
            quiet = [timed_get(watcher, "/") for _ in range(30)]
            during: list[float] = []
            done = threading.Event()
            got: Counter = Counter()

            def run_burst() -> None:
                got.update(burst(base, file_id, items, answerers))
                done.set()

            attack = threading.Thread(target=run_burst)
            attack.start()
            while not done.is_set():
                during.append(timed_get(watcher, "/"))
            attack.join()
            print(f"queue page, quiet:       {figures(quiet)}")
            print(f"queue page, under burst: {figures(during)}")
            print("burst: " + ", ".join(f"{k} ×{n}" for k, n in sorted(got.items())))
            print(f"server peak RSS {peak_rss_mb(server.pid):.0f} MiB; {os.cpu_count()} cores")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
