"""Excel workbooks (.xlsx): each sheet's used range as one grid, merged ranges as row/column spans.

Many bureaus fill the form in Excel. Values are shown as the sheet shows them: a whole number without `.0`,
a column formatted 0.00 with its decimals, a percentage as `100%`, a date as ISO; thousands separators are
left out so numbers stay parseable. A formula with no value saved (a workbook written by a program that never
calculated it) is kept as its formula text, so a number column reports it rather than reading it as blank.
Provenance: the sheet's number is the cell's source table (as a page), with its row and column in the sheet.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from .._grid import Cell, Grid
from ._base import Reader, ReadResult

_DECIMALS = re.compile(r"\.(0+)")


def shown(value: object, number_format: str = "General") -> str:
    """A cell value as text, the way the sheet shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if "%" in number_format:
            m = _DECIMALS.search(number_format.split("%")[0])
            return f"{Decimal(repr(value)) * 100:.{len(m.group(1)) if m else 0}f}%"
        number = Decimal(repr(value))
        fixed = _DECIMALS.search(number_format) if "0" in number_format else None
        if fixed:  # a column formatted 0.00 shows 95435.80, as printed
            return f"{number:.{len(fixed.group(1))}f}"
        return str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")
    return str(value)


def sheet_to_grid(values_ws, formulas_ws, file: str, index: int) -> Grid | None:
    """One sheet as a grid, or None when it holds nothing."""
    top, left = values_ws.min_row, values_ws.min_column
    n_rows, n_cols = values_ws.max_row - top + 1, values_ws.max_column - left + 1
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for rng in values_ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
        covered |= {
            (r, c) for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)
        } - {(rng.min_row, rng.min_col)}
    cells, filled = [], False
    for r in range(top, top + n_rows):
        for c in range(left, left + n_cols):
            if (r, c) in covered:
                continue
            cell = values_ws.cell(r, c)
            value = cell.value
            if value is None:
                value = formulas_ws.cell(r, c).value  # a formula never calculated: its text, never a blank
            text = shown(value, cell.number_format)
            filled = filled or bool(text.strip())
            rowspan, colspan = spans.get((r, c), (1, 1))
            cells.append(Cell(r - top, c - left, text.split("\n"), rowspan, colspan, index, r - 1, c - 1))
    if not filled:
        return None
    return Grid(file, index, n_rows, n_cols, cells)


class XlsxReader(Reader):
    suffixes = (".xlsx", ".xlsm")

    def read(self, path: Path) -> ReadResult:
        from openpyxl import load_workbook

        if not zipfile.is_zipfile(path):
            return ReadResult.failed(path, "not a valid .xlsx (not a zip archive: corrupt or another format)")
        try:
            values = load_workbook(path, data_only=True)
            formulas = load_workbook(path, data_only=False)
        except (KeyError, zipfile.BadZipFile, OSError, ValueError) as exc:
            return ReadResult.failed(path, f"not a valid .xlsx ({type(exc).__name__}: {exc})")
        grids: list[Grid] = []
        for ws in values.worksheets:
            grid = sheet_to_grid(ws, formulas[ws.title], path.name, len(grids) + 1)
            if grid is not None:
                grids.append(grid)
        result = ReadResult(file=path, grids=grids, pages=len(values.worksheets))
        if not grids:
            result.status = "failed"
            result.errors.append("no filled sheet in the workbook")
        return result
