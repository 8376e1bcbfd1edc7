"""Workbooks built from the cell grids of another reader: the same forms as Excel files, numbers as number cells."""

from __future__ import annotations

import re
from pathlib import Path

from extractor import Grid

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_PERCENT = re.compile(r"(\d+(?:\.(\d+))?)%")


def typed(text: str) -> tuple[object, str]:
    """The cell value Excel would hold for this text, and its number format."""
    if _NUMBER.fullmatch(text):
        if "." not in text:
            return int(text), "General"
        return float(text), "#,##0." + "0" * len(text.split(".")[1])
    m = _PERCENT.fullmatch(text)
    if m:
        decimals = len(m.group(2) or "")
        return round(float(m.group(1)) / 100, decimals + 2), "0" + ("." + "0" * decimals if decimals else "") + "%"
    return text, "General"


def grids_to_xlsx(grids: list[Grid], path: Path, title_inside: bool = True) -> Path:
    """One sheet per grid; the text before a table (its title) as a merged row above it; spans as merged ranges."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for g in grids:
        ws = wb.create_sheet(f"表{g.index}")
        top = 1
        if title_inside:
            for line in g.before:
                ws.cell(top, 1, line)
                ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=g.n_cols)
                top += 1
        for c in g.cells:
            value, fmt = typed(c.text)
            cell = ws.cell(top + c.row, c.col + 1, value if c.text else None)
            cell.number_format = fmt
            if c.rowspan > 1 or c.colspan > 1:
                ws.merge_cells(
                    start_row=top + c.row,
                    start_column=c.col + 1,
                    end_row=top + c.row + c.rowspan - 1,
                    end_column=c.col + c.colspan,
                )
    wb.save(path)
    return path
