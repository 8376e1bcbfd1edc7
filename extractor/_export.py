"""Export: JSONL (the exchange record of RECORD.md), CSV (one row per indicator) and XLSX."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._record import FUND_COLUMNS, FUND_ROWS, Record

RECORD_COLUMNS = ["file", "table", "year", "project_name", "department", "implementing_unit", "amount_unit",
                  *[f"{r}.{c}" for r in FUND_ROWS for c in FUND_COLUMNS],
                  "goal_expected", "goal_actual", "total_weight", "total_score", "reviewed", "open_errors"]
INDICATOR_COLUMNS = ["level1", "level2", "name", "target", "actual", "weight", "score", "note"]


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


def write_jsonl(items: Iterable[tuple[Record, bool]], out: Path, provenance: bool = False) -> None:
    with open(out, "w", encoding="utf-8") as f:
        for record, reviewed in items:
            data = record.export(provenance)
            data["reviewed"] = reviewed
            f.write(json.dumps(data, ensure_ascii=False) + "\n")


def write_csv(items: Iterable[tuple[Record, bool]], out: Path) -> None:
    columns = RECORD_COLUMNS + ["indicator"] + [f"indicator.{c}" for c in INDICATOR_COLUMNS]
    with open(out, "w", encoding="utf-8-sig", newline="") as f:  # BOM: Excel opens Chinese CSV correctly
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        for record, reviewed in items:
            data = record.export()
            base = record_row(data, reviewed)
            for n, ind in enumerate(data["indicators"] or [{}], 1):
                writer.writerow({**base, "indicator": n if ind else None,
                                 **{f"indicator.{k}": ind.get(k) for k in INDICATOR_COLUMNS}})


def write_xlsx(items: Iterable[tuple[Record, bool]], out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)  # rows stream to disk: an archive-sized export stays small in memory
    sheets = {"records": RECORD_COLUMNS, "indicators": ["file", "table", "row", *INDICATOR_COLUMNS],
              "issues": ["file", "table", "code", "field", "severity", "message", "candidates"]}
    ws = {}
    for title, columns in sheets.items():
        ws[title] = wb.create_sheet(title)
        ws[title].append(columns)
    for record, reviewed in items:
        data = record.export()
        src = (data["source"]["file"], data["source"]["table"])
        ws["records"].append([record_row(data, reviewed)[c] for c in RECORD_COLUMNS])
        for n, ind in enumerate(data["indicators"], 1):
            ws["indicators"].append([*src, n, *[ind[k] for k in INDICATOR_COLUMNS]])
        for issue in data["issues"]:
            ws["issues"].append([*src, issue["code"], issue["field"], issue["severity"], issue["message"],
                                 json.dumps(issue.get("candidates"), ensure_ascii=False, default=str)])
    wb.save(out)


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "xlsx": write_xlsx}
AUDIT_COLUMNS = ["file", "table", "item", "action", "code", "field", "old_value", "new_value", "who", "at",
                 "undone_at"]


def audit_path(out: Path) -> Path:
    """Where the audit trail goes beside an export: out.jsonl → out.audit.jsonl (XLSX keeps it in a sheet)."""
    return out.with_name(f"{out.stem}.audit{out.suffix}")


def write_audit(actions: list[dict[str, Any]], out: Path, fmt: str) -> Path:
    """Every review action (who, when, old and new value, the issue it answered), beside the records."""
    rows = [{c: a.get(c) for c in AUDIT_COLUMNS} for a in actions]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(out)
        ws = wb.create_sheet("audit")
        ws.append(AUDIT_COLUMNS)
        for row in rows:
            ws.append([row[c] for c in AUDIT_COLUMNS])
        wb.save(out)
        return out
    path = audit_path(out)
    with open(path, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as f:
        if fmt == "csv":
            writer = csv.DictWriter(f, AUDIT_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        else:
            f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return path


@dataclass
class ExportCounts:
    records: int = 0
    reviewed: int = 0
    errors: int = 0


def _counted(items: Iterable[tuple[Record, bool]], counts: ExportCounts) -> Iterator[tuple[Record, bool]]:
    for record, reviewed in items:
        counts.records += 1
        counts.reviewed += reviewed
        counts.errors += sum(1 for i in record.issues if i.severity == "error")
        yield record, reviewed


def export(items: Iterable[tuple[Record, bool]], out: Path, fmt: str = "jsonl",
           audit: list[dict[str, Any]] | None = None) -> ExportCounts:
    """Write the records (corrected values as stored, each marked reviewed or not) and, given one, the audit trail.
    Records stream through: nothing holds the whole archive."""
    counts = ExportCounts()
    WRITERS[fmt](_counted(items, counts), out)
    if audit is not None:
        write_audit(audit, out, fmt)
    return counts
