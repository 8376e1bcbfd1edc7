"""The source in front of the reviewer: the cells behind an issue, outlined on the page image where the
reader knows where each cell sits (PDF), or highlighted in the cell grid where it does not (.docx)."""

from __future__ import annotations

import io
import math
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._checks import totals_add_up
from .._record import FUND_ROWS, CellRef, Record
from .._values import fmt
from ._fields import under

_INDICATOR = re.compile(r"^indicators\[(\d+)\]\.(\w+)$")
_FUNDS = re.compile(r"^funds\.(\w+)\.(\w+)$")


@dataclass(frozen=True)
class RenderSettings:
    dpi: float = 110
    # A page's image is never larger than this (a 14,400 pt page at 110 dpi would be 480 megapixels).
    max_pixels: int = 4_000_000
    cache_bytes: int = 64 << 20


RENDER = RenderSettings()
# pdfium is not thread-safe, and the web app runs pages in a thread pool: every pdfium call holds this.
PDFIUM = threading.Lock()


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
        return [
            f"indicators[{i}].name"
            for i, ind in enumerate(record.indicators)
            if ind.name == name and i != int(m.group(1))
        ]
    return []


def refs_for(record: Record, paths: list[str]) -> list[CellRef]:
    return [ref for path, ref in record.provenance.items() if any(under(path, p) for p in paths)]


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
        cells = by_row.get(r, []) + [
            {"r": r, "c": c, "rs": 1, "cs": 1, "text": "", "mark": ""}
            for c in range(grid["cols"])
            if (r, c) not in covered
        ]
        rows.append(sorted(cells, key=lambda x: x["c"]))
    return GridView(rows)


def page_views(file_path: str, primary: list[CellRef], related: list[CellRef]) -> list[dict[str, Any]]:
    """One entry per page that holds a primary cell: its number and the outlines, in % of the page size."""
    if Path(file_path).suffix.lower() != ".pdf" or not Path(file_path).exists():
        return []
    pages = sorted({r.page for r in primary if r.page is not None and r.box is not None})
    if not pages:
        return []
    with PDFIUM, _open(file_path) as pdf:
        out = []
        for page in pages:
            if not 1 <= page <= len(pdf):
                continue
            width, height = pdf[page - 1].get_size()
            boxes = [
                {
                    "mark": mark,
                    "left": x0 / width * 100,
                    "top": top / height * 100,
                    "width": (x1 - x0) / width * 100,
                    "height": (bottom - top) / height * 100,
                }
                for mark, refs in (("related", related), ("primary", primary))
                for ref in refs
                if ref.page == page and ref.box
                for x0, top, x1, bottom in [ref.box]
            ]
            out.append({"page": page, "boxes": boxes})
        return out


@contextmanager
def _open(file_path: str) -> Iterator[Any]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(file_path)
    try:
        yield pdf
    finally:
        pdf.close()


def render_scale(width: float, height: float, settings: RenderSettings = RENDER) -> float:
    """The settings' resolution, lowered for a page so large that its image would pass the pixel cap."""
    scale = settings.dpi / 72
    pixels = width * height * scale * scale
    return scale if pixels <= settings.max_pixels else scale * math.sqrt(settings.max_pixels / pixels)


class _PngCache:
    """Rendered pages by (file, its size and time, page), within a byte budget, least recently used out first."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.used = max_bytes, 0
        self.items: OrderedDict[tuple, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
            return self.items.get(key)

    def put(self, key: tuple, png: bytes) -> None:
        with self.lock:
            self.items[key] = png
            self.used += len(png)
            while self.used > self.max_bytes and self.items:
                self.used -= len(self.items.popitem(last=False)[1])


_CACHE = _PngCache(RENDER.cache_bytes)


def render_page(file_path: str, page: int, settings: RenderSettings = RENDER) -> bytes | None:
    """A PDF page as PNG (pages count from 1, as pdfplumber numbers them), at most settings.max_pixels big."""
    try:
        st = os.stat(file_path)
    except OSError:
        return None
    key = (file_path, st.st_size, st.st_mtime_ns, page, settings)
    png = _CACHE.get(key)
    if png is not None:
        return png
    with PDFIUM:  # one render at a time: a second request for the same page then finds it cached
        png = _CACHE.get(key)
        if png is not None:
            return png
        with _open(file_path) as pdf:
            if not 1 <= page <= len(pdf):
                return None
            pdf_page = pdf[page - 1]
            image = pdf_page.render(scale=render_scale(*pdf_page.get_size(), settings)).to_pil()
        buf = io.BytesIO()
        image.save(buf, "PNG")
        png = buf.getvalue()
    _CACHE.put(key, png)
    return png


def total_checks(record: Record) -> list[dict[str, Any]]:
    """The 总分 checks as a reviewer reads them: the indicators' sum, the printed total, pass or fail."""
    out = []
    for column, label in (("weight", "weights"), ("score", "scores")):
        values = [getattr(i, column) for i in record.indicators if getattr(i, column) is not None]
        out.append(
            {
                "label": label,
                "sum": fmt(sum(values)) if values else "blank",
                "printed": fmt(getattr(record, f"total_{column}")),
                "ok": totals_add_up(record, column),
            }
        )
    return out
