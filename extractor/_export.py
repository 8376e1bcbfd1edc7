"""Export: JSONL (the exchange record of RECORD.md), CSV (one row per indicator) and XLSX."""

from __future__ import annotations

import csv
import json
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


def write_jsonl(items: list[tuple[Record, bool]], out: Path, provenance: bool = False) -> int:
    with open(out, "w", encoding="utf-8") as f:
        for record, reviewed in items:
            data = record.export(provenance)
            data["reviewed"] = reviewed
            f.write(json.dumps(data, ensure_ascii=False) + "\n")
    return len(items)


def write_csv(items: list[tuple[Record, bool]], out: Path) -> int:
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
    return len(items)


def write_xlsx(items: list[tuple[Record, bool]], out: Path) -> int:
    from openpyxl import Workbook

    wb = Workbook()
    sheets = {"records": RECORD_COLUMNS, "indicators": ["file", "table", "row", *INDICATOR_COLUMNS],
              "issues": ["file", "table", "code", "field", "severity", "message", "candidates"]}
    ws = {}
    for i, (title, columns) in enumerate(sheets.items()):
        ws[title] = wb.active if i == 0 else wb.create_sheet()
        ws[title].title = title
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
    return len(items)


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "xlsx": write_xlsx}


def export(items: list[tuple[Record, bool]], out: Path, fmt: str = "jsonl") -> int:
    return WRITERS[fmt](items, out)
