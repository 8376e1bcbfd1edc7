"""The same stages as Ray tasks, for archives larger than one machine.

Each file travels as bytes, so workers need no shared file system; the driver alone
writes to the store (PostgreSQL when several drivers share one). Started with
`--engine ray [--address ray://host:10001]`; without an address a local Ray is started.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ._guard import Limits
from ._pipeline import Extractor, FileResult
from ._workers import POLL_SECONDS, read_file


def _read_bytes(name: str, data: bytes, extractor: Extractor, registry: list[str] | None, limits: Limits) -> FileResult:
    with tempfile.TemporaryDirectory(prefix="jixiao-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        result = read_file(path, extractor, registry, limits)
    result.path = Path(name)
    return result


def read_with_ray(
    tasks: Iterator,
    extractor: Extractor,
    registry: list[str] | None,
    limits: Limits,
    done: Callable[[Any, FileResult], None],
    address: str | None = None,
) -> None:
    import ray

    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
    remote = ray.remote(max_retries=0)(_read_bytes)
    window = max(2, 2 * int(ray.available_resources().get("CPU", 1)))
    in_flight: dict = {}
    try:
        exhausted = False
        while True:
            while not exhausted and len(in_flight) < window:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                ref = remote.remote(task.name, task.path.read_bytes(), extractor, registry, limits)
                in_flight[ref] = (task, time.monotonic())
            if not in_flight:
                return
            ready, _ = ray.wait(list(in_flight), num_returns=1, timeout=POLL_SECONDS)
            for ref in ready:
                task, _ = in_flight.pop(ref)
                try:
                    result = ray.get(ref)
                except Exception as exc:  # a task that died: its file fails with the reason, the run goes on
                    result = FileResult(task.path, "failed", f"reader crashed in Ray: {type(exc).__name__}")
                done(task, result)
            now = time.monotonic()
            for ref, (task, started) in list(in_flight.items()):
                if now - started > limits.seconds:
                    ray.cancel(ref, force=True)
                    in_flight.pop(ref)
                    done(
                        task,
                        FileResult(
                            task.path, "failed", f"stopped: reading took longer than the {limits.seconds:g} s limit"
                        ),
                    )
    finally:
        for ref in in_flight:
            ray.cancel(ref, force=True)
        if started_here:
            ray.shutdown()
