"""Reading files in worker processes, each file under a time and a memory limit.

A reader that hangs on a malformed PDF or swells on a huge image is killed and its
file recorded as failed with the reason; the worker is replaced and the batch goes on.
The parent alone writes to the store, so a kill at any moment loses at most the
files still being read.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from ._pipeline import Extractor, FileResult, file_to_records

POLL_SECONDS = 0.2


@dataclass
class Limits:
    seconds: float = 300.0
    memory_mb: int = 4096


def _serve(conn: Connection, extractor: Extractor, registry: list[str] | None) -> None:
    while True:
        path = conn.recv()
        if path is None:
            return
        conn.send(file_to_records(path, extractor, registry).pack())


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class _Worker:
    def __init__(self, ctx, extractor: Extractor, registry: list[str] | None) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, extractor, registry), daemon=True)
        self.proc.start()
        child.close()
        self.task = None
        self.started = 0.0

    def give(self, task) -> None:
        self.task, self.started = task, time.monotonic()
        self.conn.send(task.path)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


def read_in_workers(tasks: Iterator, workers: int, extractor: Extractor, registry: list[str] | None,
                    limits: Limits, done: Callable[[object, FileResult], None]) -> None:
    """Read each task's .path in a worker; call done(task, result) in this process as each finishes."""
    ctx = mp.get_context("fork")
    pool = [_Worker(ctx, extractor, registry) for _ in range(max(1, workers))]
    exhausted = False
    try:
        while True:
            for w in pool:
                if w.task is None and not exhausted:
                    task = next(tasks, None)
                    if task is None:
                        exhausted = True
                    else:
                        w.give(task)
            busy = [w for w in pool if w.task is not None]
            if not busy:
                return
            ready = wait([w.conn for w in busy], timeout=POLL_SECONDS)
            for k, w in enumerate(pool):
                if w.task is None:
                    continue
                failure = None
                if w.conn in ready:
                    try:
                        result = w.conn.recv()
                    except (EOFError, OSError):
                        failure = f"reader crashed (worker exit code {w.proc.exitcode})"
                    else:
                        task, w.task = w.task, None
                        done(task, result)
                        continue
                elif time.monotonic() - w.started > limits.seconds:
                    failure = f"stopped: reading took longer than the {limits.seconds:g} s limit"
                elif _rss_mb(w.proc.pid) > limits.memory_mb:
                    failure = f"stopped: reading used more than the {limits.memory_mb} MiB memory limit"
                if failure:
                    task = w.task
                    w.stop(kill=True)
                    pool[k] = _Worker(ctx, extractor, registry)
                    done(task, FileResult(task.path, "failed", failure))
    finally:
        for w in pool:
            w.stop(kill=w.task is not None)
