"""Reading files in worker processes, each file under a time and a memory limit.

A reader that hangs on a malformed PDF or swells on a huge image is killed and its
file recorded as failed with the reason; the worker is replaced and the batch goes on.
The parent alone writes to the store, so a kill at any moment loses at most the
files still being read. A worker never outlives its batch: the kernel kills it when
the parent dies (Linux), and it holds no copy of the parent's end of any pipe, so a
worker blocked on its pipe sees the parent gone and stops.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from ._guard import Limits, check_contents
from ._pipeline import Extractor, FileResult, file_to_records
from ._settings import use

POLL_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1


def read_file(path: Path, extractor: Extractor, registry: list[str] | None, limits: Limits) -> FileResult:
    """One file through the pipeline, serialised for the store; refused first if its contents are a bomb."""
    with use(limits.settings):
        refused = check_contents(path, limits)
        if refused:
            return FileResult(path, "failed", refused)
        return file_to_records(path, extractor, registry).pack()


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _serve(
    conn: Connection,
    inherited: list[Connection],
    parent: int,
    extractor: Extractor,
    registry: list[str] | None,
    limits: Limits,
) -> None:
    _die_with_parent(parent)
    for end in inherited:  # the parent's ends of this and the other workers' pipes
        end.close()
    # The parent stops the batch (Ctrl-C reaches the whole process group); a worker just gets killed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        if path is None:
            return
        conn.send(read_file(path, extractor, registry, limits))


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
    def __init__(
        self, ctx, extractor: Extractor, registry: list[str] | None, limits: Limits, others: list[_Worker]
    ) -> None:
        self.conn, child = ctx.Pipe()
        inherited = [self.conn, *(w.conn for w in others)]
        self.proc = ctx.Process(
            target=_serve, args=(child, inherited, os.getpid(), extractor, registry, limits), daemon=True
        )
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


def read_in_workers(
    tasks: Iterator,
    workers: int,
    extractor: Extractor,
    registry: list[str] | None,
    limits: Limits,
    done: Callable[[Any, FileResult], None],
) -> None:
    """Read each task's .path in a worker; call done(task, result) in this process as each finishes."""
    ctx = mp.get_context("fork")
    pool: list[_Worker] = []
    for _ in range(max(1, workers)):
        pool.append(_Worker(ctx, extractor, registry, limits, pool))
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
                    pool[k] = _Worker(ctx, extractor, registry, limits, [o for o in pool if o is not w])
                    done(task, FileResult(task.path, "failed", failure))
    finally:
        for w in pool:
            w.stop(kill=w.task is not None)
