"""A batch run: find the files, skip what is stored, read the rest, store each file as it finishes."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ._pipeline import Extractor, FileResult, TemplateExtractor, display_name, file_to_records
from .readers import supported_suffixes
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

    @property
    def file_ids(self) -> list[int]:
        return [o.file_id for o in self.outcomes if o.file_id is not None and o.status != "failed"]

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly are always tried (a wrong suffix gets its own message); folders are searched."""
    suffixes = supported_suffixes()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
        else:
            yield p


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def process(path: Path, store: Store, extractor: Extractor, registry: list[str] | None) -> FileOutcome:
    name = display_name(path)
    key = str(path.resolve()).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    try:
        digest, size = sha256(path), path.stat().st_size
    except OSError as exc:
        return FileOutcome(name, "failed", None, reason=f"cannot open: {exc.strerror or exc}")
    done = store.done(key, digest, extractor.name)
    if done is not None:
        return FileOutcome(name, "skipped", done)
    result: FileResult = file_to_records(path, extractor, registry)
    file_id = store.save(key, name, digest, size, extractor.name, result.status, result.reason,
                         result.records, [c.grid for c in result.chunks])
    queued = sum(1 for r in result.records for i in r.issues if i.severity == "error")
    return FileOutcome(name, result.status, file_id, len(result.records), queued, result.reason, result.warnings)


def run(paths: Iterable[Path], store: Store, extractor: Extractor | None = None,
        registry: list[str] | None = None, on_file: Callable[[FileOutcome], None] | None = None) -> RunSummary:
    extractor = extractor or TemplateExtractor()
    summary = RunSummary()
    for path in iter_files(paths):
        outcome = process(path, store, extractor, registry)
        summary.outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    return summary
