"""The stages chained in one obvious place: file_to_grids → grids_to_chunks → chunk_to_record → record_to_issues."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ._checks import record_to_issues
from ._chunk import Chunk, grids_to_chunks
from ._record import Record
from ._resolve import resolve
from ._template import ExtractResult, chunk_to_record
from .readers import file_to_grids
from .store import grid_to_json

# Issues from reading a cell, or from the batch-level name check: a re-check of one record keeps them.
READ_CODES = {"ambiguous_cell", "unparseable_value", "misplaced_text", "low_confidence", "extraction_failed",
              "name_mismatch", "value_not_in_cell", "goal_indicator_mismatch"}


class Extractor(Protocol):
    name: str

    def extract(self, chunk: Chunk) -> ExtractResult: ...


class TemplateExtractor:
    """The deterministic reader: no key, no network."""

    name = "template"

    def extract(self, chunk: Chunk) -> ExtractResult:
        return chunk_to_record(chunk)


@dataclass
class FileResult:
    path: Path
    status: str = "ok"  # ok | failed
    reason: str = ""
    records: list[Record] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # tables that could not be mapped
    grids_json: list[tuple[int, str]] = field(default_factory=list)
    records_json: list[str] = field(default_factory=list)

    def pack(self) -> FileResult:
        """Serialise for the store here, in the worker: the process that writes the store does only the writing."""
        self.grids_json = [(c.grid.index, grid_to_json(c.grid)) for c in self.chunks]
        self.records_json = [r.model_dump_json(by_alias=True) for r in self.records]
        self.chunks = []
        return self


def display_name(path: Path) -> str:
    """A file name that can always be printed and stored, whatever bytes the file system gave."""
    return printable(path.name)


def printable(text: str) -> str:
    """File-system text (undecodable bytes kept as surrogates) as text that prints and stores."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def recheck(record: Record) -> None:
    """Re-run the checks on a record, keeping what reading and resolving found."""
    kept = [i for i in record.issues if i.code in READ_CODES or i.resolved]
    read_errors = {i.field for i in kept if i.severity == "error" and i.code != "misplaced_text"}
    fresh = [i for i in record_to_issues(record) if not (i.code == "missing_value" and i.field in read_errors)]
    record.issues = kept + fresh


def file_to_records(path: Path, extractor: Extractor | None = None,
                    registry: list[str] | None = None) -> FileResult:
    extractor = extractor or TemplateExtractor()
    read = file_to_grids(path)
    if read.status != "ok":
        return FileResult(path, "failed", "; ".join(read.errors))
    for g in read.grids:
        g.file = display_name(path)
    chunks = grids_to_chunks(read.grids)
    pages = read.page_report()  # a file with a page that gave no table is never a plain "ok"
    if not chunks:
        return FileResult(path, "failed", "; ".join(["no self-evaluation table (项目名称 … 三级指标) found", *pages]))
    prepare = getattr(extractor, "prepare", None)
    # An extractor that calls a model reads a file's chunks at once (concurrently, within a budget);
    # a reason back means it left the file unread, so nothing of it is stored as done.
    refused = prepare(chunks) if prepare is not None else ""
    if refused:
        return FileResult(path, "failed", refused, chunks=chunks)
    result = FileResult(path, reason="; ".join(pages), chunks=chunks, warnings=list(pages))
    for chunk in chunks:
        extracted = extractor.extract(chunk)
        if extracted.record is None:
            result.warnings.append(f"table {chunk.index}: {extracted.reason}")
            continue
        if "extractor" not in extracted.record.model_fields_set:  # the LLM backend tags model and prompt itself
            extracted.record.extractor = extractor.name
        result.records.append(extracted.record)
    if not result.records:
        return FileResult(path, "failed", "; ".join(result.warnings), chunks=chunks)
    resolve(result.records, registry)
    for record in result.records:
        recheck(record)
    return result
