"""The XLSX export: one sheet per table (records, indicators, issues, audit) and a 说明 sheet (data dictionary).

Headers are the Chinese labels of the form; every sheet has its header frozen, an autofilter and column widths.
Text cells are explicit string cells: never a formula (`=…`) nor an error code (`#N/A`), whatever they say.
Rows stream to disk (openpyxl write-only), so an archive-sized export stays small in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._export_columns import (
    AUDIT_COLUMNS,
    COLUMNS,
    INDICATOR_COLUMNS,
    ISSUE_COLUMNS,
    RECORD_COLUMNS,
    audit_rows,
    dictionary,
    issue_row,
)
from ._record import Record

SHEETS = {
    "records": RECORD_COLUMNS,
    "indicators": ["id", "path", "table", "row", *INDICATOR_COLUMNS],
    "issues": ["id", "path", "table", *ISSUE_COLUMNS],
}
DICTIONARY_SHEET = "说明"
# Control characters an XLSX cannot hold: shown as \xNN rather than refused (openpyxl would raise).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class XlsxSettings:
    """Column widths in characters: wide for text a reader scans, narrow for numbers and codes."""

    default_width: float = 14
    wide: float = 40
    narrow: float = 8
    wide_columns: frozenset[str] = frozenset(
        {
            "project_name",
            "department",
            "implementing_unit",
            "goal_expected",
            "goal_actual",
            "name",
            "message",
            "note",
            "path",
            "target",
            "actual",
            "meaning",
        }
    )
    narrow_columns: frozenset[str] = frozenset(
        {"table", "row", "year", "reviewed", "severity", "resolved", "indicator", "weight", "score", "amount_unit"}
    )


def _cells(ws, values: Iterable[Any]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(ws, _XLSX_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", value))
            cell.data_type = "s"
            value = cell
        row.append(value)
    return row


class _Sheet:
    def __init__(self, wb, title: str, keys: list[str], headers: list[str], settings: XlsxSettings) -> None:
        from openpyxl.utils import get_column_letter

        self.ws, self.rows, self.width = wb.create_sheet(title), 1, len(keys)
        for n, key in enumerate(keys, 1):  # widths and the frozen header must be set before any row is written
            width = (
                settings.wide
                if key in settings.wide_columns
                else settings.narrow
                if key in settings.narrow_columns
                else settings.default_width
            )
            self.ws.column_dimensions[get_column_letter(n)].width = width
        self.ws.freeze_panes = "A2"
        self.ws.append(_cells(self.ws, headers))

    def append(self, values: Iterable[Any]) -> None:
        self.ws.append(_cells(self.ws, values))
        self.rows += 1

    def close(self) -> None:
        from openpyxl.utils import get_column_letter

        self.ws.auto_filter.ref = f"A1:{get_column_letter(self.width)}{self.rows}"


def write_xlsx(
    items: Iterable[tuple[Record, bool]],
    path: Path,
    audit: list[dict[str, Any]] | None,
    row_of,
    settings: XlsxSettings | None = None,
) -> None:
    """`row_of(data, reviewed)` makes a record's row (passed in so that it is computed once per record)."""
    from openpyxl import Workbook

    settings = settings or XlsxSettings()
    wb = Workbook(write_only=True)
    sheets = {**SHEETS, **({"audit": AUDIT_COLUMNS} if audit is not None else {})}
    ws = {title: _Sheet(wb, title, keys, [COLUMNS[k][0] for k in keys], settings) for title, keys in sheets.items()}
    info = _Sheet(
        wb, DICTIONARY_SHEET, ["sheet", "header", "key", "meaning"], ["工作表", "列名", "键", "含义"], settings
    )
    try:
        for record, reviewed in items:
            data = record.export()
            src = [data.get("id"), data["source"].get("path"), data["source"]["table"]]
            row = row_of(data, reviewed)
            ws["records"].append(row[c] for c in RECORD_COLUMNS)
            for n, ind in enumerate(data["indicators"], 1):
                ws["indicators"].append([*src, n, *[ind[k] for k in INDICATOR_COLUMNS]])
            for issue in data["issues"]:
                flat = issue_row(issue)
                ws["issues"].append([*src, *[flat[c] for c in ISSUE_COLUMNS]])
        for row in audit_rows(audit or []):
            ws["audit"].append(row[c] for c in AUDIT_COLUMNS)
        for entry in dictionary(sheets):
            info.append(entry)
        for sheet in [*ws.values(), info]:
            sheet.close()
    finally:
        # Saving is also how openpyxl removes its per-sheet temporary files; a failed export's file is discarded.
        wb.save(path)
