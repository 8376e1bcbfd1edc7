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
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ._record import FUND_COLUMNS, FUND_ROWS, Record

RECORD_COLUMNS = ["file", "table", "year", "project_name", "department", "implementing_unit", "amount_unit",
                  *[f"{r}.{c}" for r in FUND_ROWS for c in FUND_COLUMNS],
                  "goal_expected", "goal_actual", "total_weight", "total_score", "reviewed", "open_errors"]
INDICATOR_COLUMNS = ["level1", "level2", "name", "target", "actual", "weight", "score", "note"]
AUDIT_COLUMNS = ["file", "table", "item", "action", "code", "field", "old_value", "new_value", "who", "at",
                 "undone_at"]
XLSX_SHEETS = {"records": RECORD_COLUMNS, "indicators": ["file", "table", "row", *INDICATOR_COLUMNS],
               "issues": ["file", "table", "code", "field", "severity", "message", "candidates"]}

# What spreadsheets treat as the start of a formula (OWASP's list), at the start or after leading blanks.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters an XLSX cannot hold: shown as \xNN rather than refused (openpyxl would raise).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Items = Iterable[tuple[Record, bool]]


def neutralise(value: Any) -> Any:
    """A CSV value that no spreadsheet runs: text starting like a formula gets a leading `'`; numbers stay numbers."""
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS)):
        return "'" + value
    return value


def record_row(data: dict[str, Any], reviewed: bool) -> dict[str, Any]:
    row = {"file": data["source"]["file"], "table": data["source"]["table"]}
    for key in RECORD_COLUMNS[2:7] + ["goal_expected", "goal_actual", "total_weight", "total_score"]:
        row[key] = data.get(key)
    for r in FUND_ROWS:
        for c in FUND_COLUMNS:
            row[f"{r}.{c}"] = data["funds"][r][c]
    row["reviewed"] = reviewed
    row["open_errors"] = sum(1 for i in data["issues"] if i["severity"] == "error")
    return row


def audit_rows(actions: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    return ({c: a.get(c) for c in AUDIT_COLUMNS} for a in actions)


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
            writer.writerow({**base, "indicator": n if ind else None,
                             **{f"indicator.{k}": neutralise(ind.get(k)) for k in INDICATOR_COLUMNS}})


def write_csv_audit(actions: list[dict[str, Any]], f: IO[str]) -> None:
    writer = csv.DictWriter(f, AUDIT_COLUMNS)
    writer.writeheader()
    writer.writerows({k: neutralise(v) for k, v in row.items()} for row in audit_rows(actions))


def write_jsonl_audit(actions: list[dict[str, Any]], f: IO[str]) -> None:
    f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in audit_rows(actions))


def _xlsx_row(ws, values: Iterable[Any]) -> list[Any]:
    """Text as explicit string cells: never a formula (`=…`) nor an error code (`#N/A`), whatever it says."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(ws, _XLSX_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", value))
            cell.data_type = "s"
            value = cell
        row.append(value)
    return row


def write_xlsx(items: Items, path: Path, audit: list[dict[str, Any]] | None = None) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)  # rows stream to disk: an archive-sized export stays small in memory
    ws = {}
    for title, columns in {**XLSX_SHEETS, **({"audit": AUDIT_COLUMNS} if audit is not None else {})}.items():
        ws[title] = wb.create_sheet(title)
        ws[title].append(columns)
    try:
        for record, reviewed in items:
            data = record.export()
            src = (data["source"]["file"], data["source"]["table"])
            row = record_row(data, reviewed)
            ws["records"].append(_xlsx_row(ws["records"], (row[c] for c in RECORD_COLUMNS)))
            for n, ind in enumerate(data["indicators"], 1):
                ws["indicators"].append(_xlsx_row(ws["indicators"], [*src, n, *[ind[k] for k in INDICATOR_COLUMNS]]))
            for issue in data["issues"]:
                ws["issues"].append(_xlsx_row(ws["issues"], [
                    *src, issue["code"], issue["field"], issue["severity"], issue["message"],
                    json.dumps(issue.get("candidates"), ensure_ascii=False, default=str)]))
        for row in audit_rows(audit or []):
            ws["audit"].append(_xlsx_row(ws["audit"], (row[c] for c in AUDIT_COLUMNS)))
    finally:
        # Saving is also how openpyxl removes its per-sheet temporary files; a failed export's file is discarded.
        wb.save(path)


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
        return stack.enter_context(open(self.path(target), "w", encoding="utf-8-sig" if bom else "utf-8",
                                        newline=""))

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
TEXT_WRITERS: dict[str, tuple[TextWriter, AuditWriter]] = {"jsonl": (write_jsonl, write_jsonl_audit),
                                                            "csv": (write_csv, write_csv_audit)}


def export(items: Items, out: Path, fmt: str = "jsonl", audit: list[dict[str, Any]] | None = None) -> ExportCounts:
    """Write the records (corrected values as stored, each marked reviewed or not) and, given one, the audit trail.
    Records stream through: nothing holds the whole archive."""
    out = Path(out)
    counts = ExportCounts()
    staged = _Staged()
    try:
        if fmt == "xlsx":
            write_xlsx(_counted(items, counts), staged.path(out), audit)
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
