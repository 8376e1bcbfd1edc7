"""A batch run: find the files, skip what is stored, read the rest, store each file as it finishes.

Files are streamed, never all held at once; each file's outcome is committed in its own
transaction, so a run killed at any moment is finished by the next one, which skips
every file already stored (same path, same content).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ._codes import FileStatus
from ._duplicates import link_duplicates
from ._guard import Limits, Refused, sha256
from ._pipeline import Extractor, FileResult, TemplateExtractor, display_name, printable
from ._workers import read_file, read_in_workers
from .readers import LEGACY, supported_suffixes
from .readers._base import IMAGE_SUFFIXES, folder_images
from .store import Store


@dataclass
class FileOutcome:
    name: str
    status: FileStatus
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
    linked: int = 0  # records in the store that are readings of a table also in another file

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


def batch_root(paths: Iterable[Path]) -> Path | None:
    """The folder that file keys are relative to: the deepest one holding every folder and file named; None when
    that is only the file-system root (files named from unrelated places)."""
    places = [os.path.abspath(p if Path(p).is_dir() else Path(p).parent) for p in paths]
    if not places:
        return None
    common = Path(os.path.commonpath(places))
    return None if common == Path(common.anchor) else common


def relative_name(path: Path, root: Path | None) -> str:
    """The path a person knows the file by within the batch: 区人社局/自评表.docx, not only 自评表.docx.
    Without a root, or outside it, the file's name."""
    if root is None:
        return display_name(path)
    rel = os.path.relpath(os.path.abspath(path), root)
    return display_name(path) if rel.startswith("..") else printable(Path(rel).as_posix())


class OutsideLink(type(Path())):  # type: ignore[misc]  # the concrete PosixPath/WindowsPath
    """A link found in a folder that leads out of it: reported, not read (unless links are followed)."""


def iter_files(paths: Iterable[Path], follow_links: bool = False, pages_as_document: bool = False) -> Iterator[Path]:
    """Files named directly are always tried (a wrong suffix gets its own message); folders are searched.
    A link inside a folder to a file outside it comes back as an OutsideLink unless `follow_links`.
    With `pages_as_document`, the page images of a folder are one document (the folder), pages by file name."""
    suffixes = supported_suffixes() | set(LEGACY)  # legacy files are listed with how to convert them
    for p in paths:
        p = p if isinstance(p, Path) else Path(p)
        if not p.is_dir() or (pages_as_document and folder_images(p)):
            yield p
            continue
        root = p.resolve()
        files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
        if pages_as_document:
            pages = {f.parent for f in files if f.suffix.lower() in IMAGE_SUFFIXES}
            files = sorted([f for f in files if f.parent not in pages] + list(pages))
        for f in files:
            if not follow_links and f.is_symlink() and not f.resolve().is_relative_to(root):
                yield OutsideLink(f)
            else:
                yield f


class _Run:
    def __init__(
        self,
        store: Store,
        extractor: Extractor,
        summary: RunSummary,
        on_file: Callable[[FileOutcome], None] | None,
        limits: Limits,
        root: Path | None,
    ) -> None:
        self.store, self.extractor, self.summary, self.on_file = store, extractor, summary, on_file
        self.limits, self.root = limits, root
        # Content being read in this run: the (key, name) of later files with the same content, stored as its aliases.
        self.reading: dict[str, tuple[str, list[tuple[str, str]]]] = {}

    def emit(self, outcome: FileOutcome) -> None:
        self.summary.outcomes.append(outcome)
        if self.on_file:
            self.on_file(outcome)

    def tasks(self, files: Iterable[Path]) -> Iterator[Task]:
        """The files still to read; stored ones are reported as skipped on the way."""
        for path in files:
            name = relative_name(path, self.root)
            if isinstance(path, OutsideLink):
                self.emit(
                    FileOutcome(
                        name,
                        "failed",
                        None,
                        reason=f"a link out of the folder (to "
                        f"{printable(str(path.resolve()))}): not followed without --follow-links",
                    )
                )
                continue
            key = printable(str(path.resolve()))
            try:
                digest, size = sha256(path, self.limits)
            except Refused as exc:
                self.emit(FileOutcome(name, "failed", None, reason=str(exc)))
                continue
            except OSError as exc:
                self.emit(FileOutcome(name, "failed", None, reason=f"cannot open: {exc.strerror or exc}"))
                continue
            done = self.store.done(key, digest, self.extractor.name)
            if done is not None:
                self.emit(FileOutcome(name, "skipped", done))
                continue
            if self.duplicate(key, name, digest):
                continue
            self.reading[digest] = (name, [])
            yield Task(path, key, name, digest, size)

    def duplicate(self, key: str, name: str, digest: str) -> bool:
        """A file with the content of one stored or being read: kept as another path of that file, not read again."""
        same = self.store.same_content(digest, self.extractor.name, key)
        if same is not None:
            self.store.add_alias(same["id"], key, name)
            self.emit(FileOutcome(name, "duplicate", same["id"], reason=f"same content as {same['name']}: stored once"))
            return True
        if digest in self.reading:
            first, aliases = self.reading[digest]
            aliases.append((key, name))
            self.emit(FileOutcome(name, "duplicate", None, reason=f"same content as {first}: stored once"))
            return True
        return False

    def save(self, task: Task, result: FileResult) -> None:
        file_id = self.store.save(
            task.key,
            task.name,
            task.digest,
            task.size,
            self.extractor.name,
            result.status,
            result.reason,
            result.grids_json,
            result.packed,
        )
        for key, name in self.reading.pop(task.digest, ("", []))[1]:
            self.store.add_alias(file_id, key, name)
        queued = 0
        for record in result.packed:
            for code, _, severity, *_ in record.issues:
                self.summary.issues[code] += 1
                queued += severity == "error"
        self.emit(
            FileOutcome(task.name, result.status, file_id, len(result.packed), queued, result.reason, result.warnings)
        )


def run(
    paths: Iterable[Path],
    store: Store,
    extractor: Extractor | None = None,
    registry: list[str] | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    workers: int = 0,
    limits: Limits | None = None,
    engine: str = "local",
    address: str | None = None,
    root: Path | None = None,
    pages_as_document: bool = False,
) -> RunSummary:
    """Read every file not yet stored. workers=0 reads in this process (no time or memory limit; the file,
    zip and page limits hold); N > 0 uses N worker processes, each file under `limits`; engine="ray" runs
    the same stages as Ray tasks. Files are known by their path relative to `root` (default: the folder
    holding every path named)."""
    if root is None:
        paths = list(paths)
        root = batch_root(paths)
    extractor = extractor or TemplateExtractor()
    limits = limits or Limits()
    summary = RunSummary()
    job = _Run(store, extractor, summary, on_file, limits, root)
    start = time.perf_counter()
    tasks = job.tasks(iter_files(paths, pages_as_document=pages_as_document))
    if engine == "ray":
        from ._ray import read_with_ray

        read_with_ray(tasks, extractor, registry, limits, job.save, address)
    elif workers > 0:
        read_in_workers(tasks, workers, extractor, registry, limits, job.save)
    else:
        for task in tasks:
            job.save(task, read_file(task.path, extractor, registry, limits))
    if any(o.status == "ok" for o in summary.outcomes):  # nothing read, nothing to link afresh
        summary.linked = link_duplicates(store)
    summary.seconds = time.perf_counter() - start
    return summary
