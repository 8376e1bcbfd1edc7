"""The source in front of the reviewer: the cells behind an issue, outlined on the page image where the
reader knows where each cell sits (PDF), or highlighted in the cell grid where it does not (.docx)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._checks import totals_add_up
from .._record import FUND_ROWS, CellRef, Record
from .._values import fmt

_INDICATOR = re.compile(r"^indicators\[(\d+)\]\.(\w+)$")
_FUNDS = re.compile(r"^funds\.(\w+)\.(\w+)$")
RENDER_DPI = 110


def _under(path: str, field_path: str) -> bool:
    return path == field_path or path.startswith((field_path + ".", field_path + "["))


def related_fields(record: Record, field_path: str) -> list[str]:
    """Fields whose cells a reviewer needs beside the one in question: the parts of a total, the other copy
    of a duplicate, the amounts a unit applies to."""
    m_total = re.match(r"^total_(weight|score)$", field_path)
    if m_total:
        return [f"indicators[{i}].{m_total.group(1)}" for i in range(len(record.indicators))]
    m = _FUNDS.match(field_path)
    if m:
        return [f"funds.{row}.{m.group(2)}" for row in FUND_ROWS if row != m.group(1)]
    if field_path.startswith("funds.") or field_path == "amount_unit":
        return ["funds.total"]
    m = _INDICATOR.match(field_path)
    if m and m.group(2) == "name" and int(m.group(1)) < len(record.indicators):
        name = record.indicators[int(m.group(1))].name
        return [f"indicators[{i}].name" for i, ind in enumerate(record.indicators)
                if ind.name == name and i != int(m.group(1))]
    return []


def refs_for(record: Record, paths: list[str]) -> list[CellRef]:
    return [ref for path, ref in record.provenance.items() if any(_under(path, p) for p in paths)]


def _key(ref: CellRef) -> tuple[int, int, int]:
    return ref.table, ref.row, ref.col


@dataclass
class GridView:
    rows: list[list[dict[str, Any]]] = field(default_factory=list)


def grid_view(grid: dict | None, primary: list[CellRef], related: list[CellRef]) -> GridView:
    """The chunk's cell grid as table rows, each cell marked primary/related; gaps filled so columns line up."""
    if not grid:
        return GridView()
    hot, warm = {_key(r) for r in primary}, {_key(r) for r in related}
    covered: set[tuple[int, int]] = set()
    by_row: dict[int, list[dict]] = {}
    for cell in grid["cells"]:
        for r in range(cell["r"], cell["r"] + cell["rs"]):
            for c in range(cell["c"], cell["c"] + cell["cs"]):
                covered.add((r, c))
        key = (cell["table"], *cell["src"])
        mark = "primary" if key in hot else "related" if key in warm else ""
        by_row.setdefault(cell["r"], []).append({**cell, "mark": mark})
    rows = []
    for r in range(grid["rows"]):
        cells = by_row.get(r, []) + [{"r": r, "c": c, "rs": 1, "cs": 1, "text": "", "mark": ""}
                                     for c in range(grid["cols"]) if (r, c) not in covered]
        rows.append(sorted(cells, key=lambda x: x["c"]))
    return GridView(rows)


def page_views(file_path: str, primary: list[CellRef], related: list[CellRef]) -> list[dict[str, Any]]:
    """One entry per page that holds a primary cell: its number and the outlines, in % of the page size."""
    if Path(file_path).suffix.lower() != ".pdf" or not Path(file_path).exists():
        return []
    pages = sorted({r.page for r in primary if r.page is not None and r.box is not None})
    if not pages:
        return []
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(file_path)
    try:
        out = []
        for page in pages:
            if not 1 <= page <= len(pdf):
                continue
            width, height = pdf[page - 1].get_size()
            boxes = [{"mark": mark, "left": x0 / width * 100, "top": top / height * 100,
                      "width": (x1 - x0) / width * 100, "height": (bottom - top) / height * 100}
                     for mark, refs in (("related", related), ("primary", primary))
                     for ref in refs if ref.page == page and ref.box
                     for x0, top, x1, bottom in [ref.box]]
            out.append({"page": page, "boxes": boxes})
        return out
    finally:
        pdf.close()


def render_page(file_path: str, page: int) -> bytes | None:
    """A PDF page as PNG (pages count from 1, as pdfplumber numbers them)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(file_path)
    try:
        if not 1 <= page <= len(pdf):
            return None
        image = pdf[page - 1].render(scale=RENDER_DPI / 72).to_pil()
        buf = io.BytesIO()
        image.save(buf, "PNG")
        return buf.getvalue()
    finally:
        pdf.close()


def total_checks(record: Record) -> list[dict[str, Any]]:
    """The 总分 checks as a reviewer reads them: the indicators' sum, the printed total, pass or fail."""
    out = []
    for column, label in (("weight", "weights"), ("score", "scores")):
        values = [getattr(i, column) for i in record.indicators if getattr(i, column) is not None]
        out.append({"label": label, "sum": fmt(sum(values)) if values else "blank",
                    "printed": fmt(getattr(record, f"total_{column}")), "ok": totals_add_up(record, column)})
    return out
