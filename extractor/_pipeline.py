"""The stages chained in one obvious place: file_to_grids → grids_to_chunks → chunk_to_record → record_to_issues."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ._checks import record_to_issues
from ._chunk import Chunk, reads_like_table, sort_tables
from ._codes import READ_CODES, IssueCode, ReadStatus
from ._record import Issue, Record, Source
from ._resolve import resolve
from ._stamp import reader_name, stamp
from ._template import ExtractResult, chunk_to_record, unread_record
from .readers import ReadResult, file_to_grids
from .store import PackedRecord, grid_to_json, pack_record


class Extractor(Protocol):
    """Turns a file's chunks into records: `prepare` once with all of them, then `extract` each."""

    name: str

    def prepare(self, chunks: list[Chunk]) -> str:
        """Read ahead (an extractor that calls a model asks for a file's chunks at once, within a budget);
        a reason back means the file is left unread, so nothing of it is stored as done."""
        ...

    def extract(self, chunk: Chunk) -> ExtractResult: ...

    def summary(self) -> str:
        """One line for the end of a run (calls, tokens, cost); '' when there is nothing to say."""
        ...

    def close(self) -> None: ...


class TemplateExtractor:
    """The deterministic reader: no key, no network."""

    name = "template"

    def prepare(self, chunks: list[Chunk]) -> str:
        return ""

    def extract(self, chunk: Chunk) -> ExtractResult:
        return chunk_to_record(chunk)

    def summary(self) -> str:
        return ""

    def close(self) -> None:
        pass


@dataclass
class FileResult:
    path: Path
    status: ReadStatus = "ok"
    reason: str = ""
    records: list[Record] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # tables that could not be mapped
    grids_json: list[tuple[int, str]] = field(default_factory=list)
    packed: list[PackedRecord] = field(default_factory=list)

    def pack(self) -> FileResult:
        """Serialise for the store here, in the worker: the process that writes the store does only the
        writing, and receives text, not chunks and records to unpickle."""
        self.grids_json = [(c.grid.index, grid_to_json(c.grid)) for c in self.chunks]
        self.packed = [pack_record(r) for r in self.records]
        self.chunks, self.records = [], []
        return self


def _first_words(chunk: Chunk) -> str:
    heads = [c.text.replace("\n", "") for c in chunk.grid.row(0) if c.text.strip()][:3]
    return printable(" | ".join(heads))[:60]


def display_name(path: Path) -> str:
    """A file name that can always be printed and stored, whatever bytes the file system gave."""
    return printable(path.name)


def printable(text: str) -> str:
    """File-system text (undecodable bytes kept as surrogates) as text that prints and stores."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def loose_tables(read: ReadResult, numbered: int) -> list[Record]:
    """Paragraphs that read like a self-evaluation table but are not a table (a converted .doc): one review
    item each, numbered after the file's tables, never skipped in silence."""
    places = [(f"before table {g.index}", g.before) for g in read.grids] + [("after the last table", read.tail)]
    out: list[Record] = []
    for where, paragraphs in places:
        name = reads_like_table(paragraphs)
        if name is None:
            continue
        out.append(
            Record(
                source=Source(file=display_name(read.file), table=numbered + len(out) + 1),
                project_name=name,
                issues=[
                    Issue(
                        code=IssueCode.EXTRACTION_FAILED,
                        field="record",
                        message=(
                            f"the paragraphs {where} read like a self-evaluation table (项目名称 {name[:30]} …) "
                            "but are not a table: enter it by hand or convert it to a table"
                        ),
                    )
                ],
            )
        )
    return out


def recheck(record: Record) -> None:
    """Re-run the checks on a record, keeping what reading and resolving found."""
    kept = [i for i in record.issues if i.code in READ_CODES or i.resolved]
    if any(i.code == IssueCode.EXTRACTION_FAILED and i.field == "record" and i.severity == "error" for i in kept):
        record.issues = kept  # an unread table is one item: its blanks are not questions of their own
        return
    read_errors = {i.field for i in kept if i.severity == "error" and i.code != IssueCode.MISPLACED_TEXT}
    fresh = [i for i in record_to_issues(record) if not (i.code == IssueCode.MISSING_VALUE and i.field in read_errors)]
    # The file-level judgement of units comes after the table's own questions.
    units = [i for i in kept if i.code == IssueCode.UNIT_SUSPECT]
    record.issues = [i for i in kept if i.code != IssueCode.UNIT_SUSPECT] + fresh + units


def file_to_records(path: Path, extractor: Extractor | None = None, registry: list[str] | None = None) -> FileResult:
    extractor = extractor or TemplateExtractor()
    read = file_to_grids(path)
    if read.status != "ok":
        return FileResult(path, "failed", "; ".join(read.errors))
    for g in read.grids:
        g.file = display_name(path)
    chunks, others = sort_tables(read.grids)
    pages = read.page_report()  # a file with a page that gave no table is never a plain "ok"
    if not chunks:
        return FileResult(path, "failed", "; ".join(["no self-evaluation table (项目名称 … 三级指标) found", *pages]))
    # An extractor that calls a model reads a file's chunks at once (concurrently, within a budget);
    # a reason back means it left the file unread, so nothing of it is stored as done.
    refused = extractor.prepare(chunks)
    if refused:
        return FileResult(path, "failed", refused, chunks=chunks)
    result = FileResult(path, reason="; ".join(pages), chunks=chunks, warnings=list(pages))
    result.warnings += [f"a table with {_first_words(o)} is not a self-evaluation table: not read" for o in others]
    for chunk in chunks:
        extracted = extractor.extract(chunk)
        record = extracted.record
        if record is None:
            # A self-evaluation table the reader cannot map is one review item with the reason, never dropped.
            result.warnings.append(f"table {chunk.index}: {extracted.reason}")
            record = unread_record(chunk, extracted.reason)
        if "extractor" not in record.model_fields_set:  # the LLM backend tags model and prompt itself
            record.extractor = extractor.name
        record.stamp = stamp(reader_name(read.reader, chunk), record.extractor)
        result.records.append(record)
    for loose in loose_tables(read, len(chunks)):
        loose.stamp = stamp(read.reader, extractor.name)
        result.records.append(loose)
    result.warnings += [i.message for r in result.records[len(chunks) :] for i in r.issues]
    resolve(result.records, registry, display_name(path))
    for record in result.records:
        recheck(record)
    return result
