"""Batch scale: tables per second with 1 and 2 workers, peak memory, and a resumed run.

    python bench/bench_batch.py [--tables 10000] [--pdf-share 0.33]

The corpus .docx and text .pdf (23 tables each) and the generated eval documents are
copied until the archive holds at least --tables tables. Each run goes through the CLI
(`jixiao ingest DIR --workers N`) in a fresh data directory. Then the same archive is
ingested again, killed with SIGKILL about half way, and resumed; the record count and
the export must equal those of the uninterrupted run.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval_sets"
CORPUS = EVAL / "songjiang-hrss-2020"
sys.path.insert(0, str(ROOT / "tests"))
from copies import distinct_copy  # noqa: E402  (identical files would be stored once: each copy differs)


def build_archive(folder: Path, tables: int, pdf_share: float) -> tuple[int, int]:
    sources = [(CORPUS / "songjiang-hrss-2020.docx", 23)]
    if (CORPUS / "songjiang-hrss-2020.pdf").exists() and pdf_share > 0:
        sources.append((CORPUS / "songjiang-hrss-2020.pdf", 23))
    folder.mkdir(parents=True)
    total = files = 0
    while total < tables:
        use_pdf = len(sources) > 1 and (files % round(1 / pdf_share) == 0)
        src, n = sources[1] if use_pdf else sources[0]
        distinct_copy(src, folder / f"{files:05d}{src.suffix}")
        total += n
        files += 1
    return files, total


def cli(*args: str, home: Path) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "JIXIAO_HOME": str(home)}
    return [sys.executable, str(ROOT / "cli.py"), *args], env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the CLI and its workers, once they have ended
    return usage.ru_utime + usage.ru_stime


def timed_ingest(folder: Path, home: Path, workers: int) -> tuple[float, float]:
    """Wall seconds and CPU seconds (all processes of the run) of one ingest."""
    cmd, env = cli("ingest", str(folder), "--workers", str(workers), home=home)
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, _children_cpu() - cpu


def export_digest(home: Path, out: Path) -> tuple[int, str]:
    cmd, env = cli("export", "-o", str(out), home=home)
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    lines = sorted(out.read_text("utf-8").splitlines())
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def killed_and_resumed(folder: Path, home: Path, files: int, workers: int) -> tuple[float, int]:
    cmd, env = cli("ingest", str(folder), "--workers", str(workers), home=home)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = 0
    while proc.poll() is None and stored < files // 2:
        time.sleep(0.2)
        try:
            stored = sqlite3.connect(home / "jixiao.db").execute("SELECT count(*) FROM files").fetchone()[0]
        except sqlite3.Error:
            pass
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, stored


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=10_000)
    parser.add_argument("--pdf-share", type=float, default=0.33)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files, tables = build_archive(tmp / "archive", args.tables, args.pdf_share)
        print(f"archive: {files} files, {tables} tables (.docx and text .pdf)")
        seconds = {}
        for workers in (1, 2):
            seconds[workers], cpu = timed_ingest(tmp / "archive", tmp / f"home{workers}", workers)
            print(
                f"{workers} worker(s): {seconds[workers]:.1f} s, {tables / seconds[workers]:.0f} tables/s; "
                f"{cpu:.1f} CPU s in all processes, {tables / cpu:.0f} tables per CPU second"
            )
        print(f"speed-up 2 vs 1 workers: {seconds[1] / seconds[2]:.2f}x")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS of any one process (CLI or worker): {peak:.0f} MiB")
        whole = export_digest(tmp / "home2", tmp / "whole.jsonl")
        total, stored = killed_and_resumed(tmp / "archive", tmp / "resumed", files, 2)
        resumed = export_digest(tmp / "resumed", tmp / "resumed.jsonl")
        print(f"killed after {stored}/{files} files, resumed: {total:.1f} s in all")
        print(f"records uninterrupted {whole[0]} vs resumed {resumed[0]}; export identical: {whole == resumed}")


if __name__ == "__main__":
    main()
