"""Export: JSONL (the exchange record of RECORD.md), CSV (one row per indicator) and XLSX.

Cell text and file names come from untrusted documents. A spreadsheet runs text that starts with
`=` (and, in a CSV, `+ - @`, tab or CR) as a formula, so XLSX cells holding text are written as
explicit string cells and CSV text that a spreadsheet would run is prefixed with `'`. JSONL is not
opened by spreadsheets and keeps every value exactly as read.

Every file is written beside its target under a temporary name and renamed into place only when
complete, the export and its audit file together: a run killed mid-write leaves the previous export.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ._export_columns import AUDIT_COLUMNS, INDICATOR_COLUMNS, RECORD_COLUMNS, audit_rows, record_row
from ._export_xlsx import write_xlsx
from ._record import Record

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}
# What spreadsheets treat as the start of a formula (OWASP's list), at the start or after leading blanks.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Items = Iterable[tuple[Record, bool]]


class ExportError(Exception):
    """An export that cannot be written, with the reason a person can act on."""


def format_for(out: Path, fmt: str | None = None) -> str:
    """The format an export path asks for by its extension; a --format that contradicts it, or an unknown
    extension, is refused rather than written in a format the name does not promise."""
    by_name = FORMATS.get(Path(out).suffix.lower())
    if fmt is None and by_name is None:
        known = ", ".join(FORMATS)
        raise ExportError(f"cannot tell the export format of {Path(out).name}: name it {known}, or pass --format")
    if fmt is not None and by_name is not None and fmt != by_name:
        raise ExportError(f"--format {fmt} does not match the name {Path(out).name} ({by_name})")
    return fmt or by_name or ""  # one of them is set: checked above


def neutralise(value: Any) -> Any:
    """A CSV value that no spreadsheet runs: text starting like a formula gets a leading `'`; numbers stay numbers;
    booleans as true/false, as importers read them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS)):
        return "'" + value
    return value


def audit_path(out: Path) -> Path:
    """Where the audit trail goes beside an export: out.jsonl → out.audit.jsonl (XLSX keeps it in a sheet)."""
    return out.with_name(f"{out.stem}.audit{out.suffix}")


def write_jsonl(items: Items, f: IO[str], provenance: bool = False) -> None:
    for record, reviewed in items:
        data = record.export(provenance)
        data["reviewed"] = reviewed
        f.write(json.dumps(data, ensure_ascii=False) + "\n")


def write_csv(items: Items, f: IO[str]) -> None:
    columns = RECORD_COLUMNS + ["indicator"] + [f"indicator.{c}" for c in INDICATOR_COLUMNS]
    writer = csv.DictWriter(f, columns)
    writer.writeheader()
    for record, reviewed in items:
        data = record.export()
        base = {k: neutralise(v) for k, v in record_row(data, reviewed).items()}
        for n, ind in enumerate(data["indicators"] or [{}], 1):
            writer.writerow(
                {
                    **base,
                    "indicator": n if ind else None,
                    **{f"indicator.{k}": neutralise(ind.get(k)) for k in INDICATOR_COLUMNS},
                }
            )


def write_csv_audit(actions: list[dict[str, Any]], f: IO[str]) -> None:
    writer = csv.DictWriter(f, AUDIT_COLUMNS)
    writer.writeheader()
    writer.writerows({k: neutralise(v) for k, v in row.items()} for row in audit_rows(actions))


def write_jsonl_audit(actions: list[dict[str, Any]], f: IO[str]) -> None:
    f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in audit_rows(actions))


@dataclass
class ExportCounts:
    records: int = 0
    reviewed: int = 0
    errors: int = 0


def _counted(items: Items, counts: ExportCounts) -> Iterator[tuple[Record, bool]]:
    for record, reviewed in items:
        counts.records += 1
        counts.reviewed += reviewed
        counts.errors += sum(1 for i in record.issues if i.severity == "error")
        yield record, reviewed


class _Staged:
    """Temporary files beside their targets, renamed into place together by commit(); removed otherwise."""

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []

    def path(self, target: Path) -> Path:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))  # the umask applies, as to the target
        self.pending.append((tmp, target))
        return tmp

    def text(self, target: Path, stack: ExitStack, bom: bool = False) -> IO[str]:
        # BOM: Excel opens a Chinese CSV correctly only with it.
        return stack.enter_context(open(self.path(target), "w", encoding="utf-8-sig" if bom else "utf-8", newline=""))

    def commit(self) -> None:
        for tmp, _ in self.pending:
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
        for tmp, target in self.pending:
            os.replace(tmp, target)
        self.pending = []

    def discard(self) -> None:
        for tmp, _ in self.pending:
            tmp.unlink(missing_ok=True)


TextWriter = Callable[[Items, IO[str]], None]
AuditWriter = Callable[[list[dict[str, Any]], IO[str]], None]
TEXT_WRITERS: dict[str, tuple[TextWriter, AuditWriter]] = {
    "jsonl": (write_jsonl, write_jsonl_audit),
    "csv": (write_csv, write_csv_audit),
}


def export(items: Items, out: Path, fmt: str = "jsonl", audit: list[dict[str, Any]] | None = None) -> ExportCounts:
    """Write the records (corrected values as stored, each marked reviewed or not) and, given one, the audit trail.
    Records stream through: nothing holds the whole archive."""
    out = Path(out)
    if not out.parent.is_dir():
        raise ExportError(f"cannot write {out}: the folder {out.parent} does not exist")
    if fmt not in ("jsonl", "csv", "xlsx"):
        raise ExportError(f"unknown export format {fmt!r}: jsonl, csv or xlsx")
    counts = ExportCounts()
    staged = _Staged()
    try:
        if fmt == "xlsx":
            write_xlsx(_counted(items, counts), staged.path(out), audit, lambda d, r: record_row(d, r))
        else:
            write, write_audit = TEXT_WRITERS[fmt]
            with ExitStack() as stack:
                write(_counted(items, counts), staged.text(out, stack, bom=fmt == "csv"))
                if audit is not None:
                    write_audit(audit, staged.text(audit_path(out), stack, bom=fmt == "csv"))
        staged.commit()
    finally:
        staged.discard()
    return counts
