"""A batch run: find the files, skip what is stored, read the rest, store each file as it finishes.

Files are streamed, never all held at once; each file's outcome is committed in its own
transaction, so a run killed at any moment is finished by the next one, which skips
every file already stored (same path, same content).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ._pipeline import Extractor, FileResult, TemplateExtractor, display_name, file_to_records, printable
from ._workers import Limits, read_in_workers
from .readers import supported_suffixes
from .readers._pages import IMAGE_SUFFIXES, folder_images
from .store import Store


@dataclass
class FileOutcome:
    name: str
    status: str  # ok | skipped | failed
    file_id: int | None
    tables: int = 0
    queued: int = 0
    reason: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class RunSummary:
    outcomes: list[FileOutcome] = field(default_factory=list)
    issues: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def file_ids(self) -> list[int]:
        return [o.file_id for o in self.outcomes if o.file_id is not None and o.status != "failed"]

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def tables(self) -> int:
        return sum(o.tables for o in self.outcomes)


@dataclass
class Task:
    path: Path
    key: str
    name: str
    digest: str
    size: int


def iter_files(paths: Iterable[Path], pages_as_document: bool = False) -> Iterator[Path]:
    """Files named directly are always tried (a wrong suffix gets its own message); folders are searched.
    With pages_as_document, the page images of a folder are one document (the folder), pages by file name."""
    suffixes = supported_suffixes()
    for p in paths:
        p = Path(p)
        if p.is_dir() and not (pages_as_document and folder_images(p)):
            files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
            if pages_as_document:
                pages = {f.parent for f in files if f.suffix.lower() in IMAGE_SUFFIXES}
                files = sorted([f for f in files if f.parent not in pages] + list(pages))
            yield from files
        else:
            yield p


def sha256(path: Path) -> str:
    """The content's hash; a folder that is one document hashes its page images in order."""
    h = hashlib.sha256()
    for part in folder_images(path) if path.is_dir() else [path]:
        with open(part, "rb") as f:
            for block in iter(lambda f=f: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


class _Run:
    def __init__(self, store: Store, extractor: Extractor, summary: RunSummary,
                 on_file: Callable[[FileOutcome], None] | None) -> None:
        self.store, self.extractor, self.summary, self.on_file = store, extractor, summary, on_file

    def emit(self, outcome: FileOutcome) -> None:
        self.summary.outcomes.append(outcome)
        if self.on_file:
            self.on_file(outcome)

    def tasks(self, files: Iterable[Path]) -> Iterator[Task]:
        """The files still to read; stored ones are reported as skipped on the way."""
        for path in files:
            name = display_name(path)
            key = printable(str(path.resolve()))
            try:
                parts = folder_images(path) if path.is_dir() else [path]
                digest, size = sha256(path), sum(p.stat().st_size for p in parts)
            except OSError as exc:
                self.emit(FileOutcome(name, "failed", None, reason=f"cannot open: {exc.strerror or exc}"))
                continue
            done = self.store.done(key, digest, self.extractor.name)
            if done is not None:
                self.emit(FileOutcome(name, "skipped", done))
                continue
            yield Task(path, key, name, digest, size)

    def save(self, task: Task, result: FileResult) -> None:
        file_id = self.store.save(task.key, task.name, task.digest, task.size, self.extractor.name, result.status,
                                  result.reason, result.records, result.grids_json, result.records_json)
        queued = 0
        for record in result.records:
            for issue in record.issues:
                self.summary.issues[issue.code] += 1
                queued += issue.severity == "error"
        self.emit(FileOutcome(task.name, result.status, file_id, len(result.records), queued, result.reason,
                              result.warnings))


def run(paths: Iterable[Path], store: Store, extractor: Extractor | None = None,
        registry: list[str] | None = None, on_file: Callable[[FileOutcome], None] | None = None,
        workers: int = 0, limits: Limits | None = None, engine: str = "local",
        address: str | None = None, pages_as_document: bool = False) -> RunSummary:
    """Read every file not yet stored. workers=0 reads in this process (no limits); N > 0 uses N
    worker processes, each file under `limits`; engine="ray" runs the same stages as Ray tasks."""
    extractor = extractor or TemplateExtractor()
    summary = RunSummary()
    job = _Run(store, extractor, summary, on_file)
    start = time.perf_counter()
    tasks = job.tasks(iter_files(paths, pages_as_document))
    if engine == "ray":
        from ._ray import read_with_ray

        read_with_ray(tasks, extractor, registry, limits or Limits(), job.save, address)
    elif workers > 0:
        read_in_workers(tasks, workers, extractor, registry, limits or Limits(), job.save)
    else:
        for task in tasks:
            job.save(task, file_to_records(task.path, extractor, registry).pack())
    summary.seconds = time.perf_counter() - start
    return summary
