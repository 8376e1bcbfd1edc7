"""Text PDFs: tables rebuilt from each page's ruling lines and characters.

Characters and path segments come from pdfium (pypdfium2, the engine pdfplumber itself
ships with): pdfplumber's pdfminer parses content streams in Python at about 6 pages/s,
too slow for archives of thousands of pages. The geometry is in _pdf_layout.

Each page's part of a table is its own grid (the chunker joins the parts of a project);
the parts share column boundaries, and a row cut in two by the page break is joined back.
Pages with no text layer (scans) are handed to the OCR reader (_scan) and its grids join
the others in page order.
"""

from __future__ import annotations

import ctypes
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from .._grid import Cell, Grid
from ._base import Reader, ReadResult, pdf_password
from ._continue import join_split_row
from ._pdf_layout import (
    Char,
    Rule,
    Table,
    ends_short,
    find_tables,
    line_text,
    lines,
    paragraphs,
    pitch,
    share_columns,
    snap,
    table_cells,
)

MIN_RULE = 3.0  # points: shorter segments are the ends of thin filled rectangles, not rules
_SCAN_COVER = 0.5  # share of the page an image must cover to be a scanned page
_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_LOAD_ERRORS = {
    raw.FPDF_ERR_PASSWORD: "encrypted PDF: it needs a password to open (none or a wrong one was given)",
    raw.FPDF_ERR_SECURITY: "encrypted PDF with an unsupported security handler",
    raw.FPDF_ERR_FORMAT: "not a valid PDF (corrupt or another format)",
    raw.FPDF_ERR_FILE: "cannot open the file",
}


@dataclass
class _Page:
    number: int
    chars: list[Char]
    tables: list[Table]
    images: int
    image_cover: float = 0.0  # share of the page under its largest image

    @property
    def scanned(self) -> bool:
        """An image of a page: nothing but images, or a page-sized image and no ruled table drawn (a searchable
        scan's text layer is invisible OCR text over the picture; the table is in the picture)."""
        return bool(self.images) and (not self.chars or (self.image_cover >= _SCAN_COVER and not self.tables))


def _compose(outer: _Matrix, inner: _Matrix) -> _Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (A * a + C * b, B * a + D * b, A * c + C * d, B * c + D * d, A * e + C * f + E, B * e + D * f + F)


def _matrix(obj) -> _Matrix:
    m = raw.FS_MATRIX()
    return (m.a, m.b, m.c, m.d, m.e, m.f) if raw.FPDFPageObj_GetMatrix(obj, m) else _IDENTITY


def _path_rules(obj, m: _Matrix, left: float, top: float, hs: list[Rule], vs: list[Rule]) -> None:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if raw.FPDFPath_GetDrawMode(obj, fill, stroke) and not fill.value and not stroke.value:
        return  # a clipping path draws nothing
    x, y = ctypes.c_float(), ctypes.c_float()
    a, b, c, d, e, f = m
    start = cur = None
    for i in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        pt = (a * x.value + c * y.value + e - left, top - (b * x.value + d * y.value + f))
        kind = raw.FPDFPathSegment_GetType(seg)
        edges = [(cur, pt)] if kind == raw.FPDF_SEGMENT_LINETO and cur is not None else []
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = pt
        elif raw.FPDFPathSegment_GetClose(seg) and start is not None:
            edges.append((pt, start))
        cur = pt
        for (x1, y1), (x2, y2) in edges:
            if abs(y1 - y2) <= 0.5 and abs(x1 - x2) >= MIN_RULE:
                hs.append(Rule((y1 + y2) / 2, min(x1, x2), max(x1, x2)))
            elif abs(x1 - x2) <= 0.5 and abs(y1 - y2) >= MIN_RULE:
                vs.append(Rule((x1 + x2) / 2, min(y1, y2), max(y1, y2)))


def _page_rules(page, left: float, top: float) -> tuple[list[Rule], list[Rule], int, float]:
    """Horizontal and vertical rules drawn on the page (inside forms too), its number of images and the
    largest image's area in square points."""
    hs: list[Rule] = []
    vs: list[Rule] = []
    images = 0
    largest = 0.0
    box = [ctypes.c_float() for _ in range(4)]

    def walk(parent, count, get, m: _Matrix) -> None:
        nonlocal images, largest
        for i in range(count(parent)):
            obj = get(parent, i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_PATH:
                _path_rules(obj, _compose(m, _matrix(obj)), left, top, hs, vs)
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                walk(obj, raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject, _compose(m, _matrix(obj)))
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
                if raw.FPDFPageObj_GetBounds(obj, *box):
                    x0, y0, x1, y1 = (v.value for v in box)
                    largest = max(largest, (x1 - x0) * (y1 - y0))

    walk(page, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, _IDENTITY)
    return hs, vs, images, largest


def _page_chars(textpage, left: float, top: float) -> list[Char]:
    out: list[Char] = []
    rect = raw.FS_RECTF()
    x, y = ctypes.c_double(), ctypes.c_double()
    for i in range(raw.FPDFText_CountChars(textpage)):
        if raw.FPDFText_IsGenerated(textpage, i) == 1:
            continue  # spaces and line ends pdfium made up: the layout is read from positions
        text = chr(raw.FPDFText_GetUnicode(textpage, i))
        if text in "\r\n\x00" or not raw.FPDFText_GetLooseCharBox(textpage, i, rect):
            continue
        raw.FPDFText_GetCharOrigin(textpage, i, x, y)
        out.append(
            Char(text, rect.left - left, rect.right - left, top - y.value, raw.FPDFText_GetFontSize(textpage, i) or 1.0)
        )
    return out


def _read_page(doc: pdfium.PdfDocument, index: int) -> _Page:
    page = doc[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        hs, vs, images, largest = _page_rules(page.raw, left, top)
        textpage = page.get_textpage()
        try:
            chars = _page_chars(textpage.raw, left, top)
        finally:
            textpage.close()
    finally:
        page.close()
    area = max((right - left) * (top - bottom), 1.0)
    return _Page(index + 1, chars, find_tables(index + 1, hs, vs), images, largest / area)


@dataclass
class _Part:
    """A table on one page: its cells and, aligned with them, each cell's lines of text."""

    table: Table
    ys: list[float]
    cells: list[Cell]
    lines: list[list[list[Char]]]
    pad: float = 0.0  # the cells' inner margin, from the text nearest a left border
    grid: Grid | None = None


def _page_parts(page: _Page) -> tuple[list[_Part], list[list[Char]]]:
    """The page's tables with each cell's lines, and the lines outside every table."""
    parts: list[_Part] = []
    covers: list[dict[tuple[int, int], int]] = []
    for t in page.tables:
        ys = snap([h.pos for h in t.hs])
        cells = table_cells(t, ys)
        parts.append(_Part(t, ys, cells, [[] for _ in cells]))
        covers.append(
            {
                (r, j): k
                for k, c in enumerate(cells)
                for r in range(c.row, c.row + c.rowspan)
                for j in range(c.col, c.col + c.colspan)
            }
        )
    buckets: list[dict[int, list[Char]]] = [{} for _ in parts]
    free: list[Char] = []
    for ch in page.chars:
        cx, cy = (ch.x0 + ch.x1) / 2, ch.base - 0.3 * ch.size
        for part, cover, bucket in zip(parts, covers, buckets):
            t = part.table
            if t.x0 < cx < t.x1 and t.top < cy < t.bottom:
                k = cover.get((bisect_right(part.ys, cy) - 1, bisect_right(t.xs, cx) - 1))
                if k is not None:
                    bucket.setdefault(k, []).append(ch)
                break
        else:
            free.append(ch)
    for part, bucket in zip(parts, buckets):
        for k, chars in bucket.items():
            part.lines[k] = lines(chars)
        part.pad = max(
            0.0, min((ls[0][0].x0 - part.cells[k].box.x0 for k, ls in enumerate(part.lines) if ls), default=0.0)
        )
    return parts, lines(free)


def _unit(parts: list[_Part]) -> float:
    """The document's normal line pitch in font sizes: the tightest pitch between two lines of a cell."""
    pitches = [pitch(ls[k - 1], ls[k]) for p in parts for ls in p.lines for k in range(1, len(ls))]
    return min((q for q in pitches if q >= 0.8), default=1.2)


def _pages_to_grids(file: str, pages: list[_Page]) -> list[Grid]:
    share_columns([p.tables for p in pages])
    laid = [_page_parts(p) for p in pages]
    unit = _unit([part for parts, _ in laid for part in parts])
    lines_of: dict[int, list[list[Char]]] = {}
    previous: _Part | None = None
    for parts, _ in laid:
        for part in parts:
            for cell, ls in zip(part.cells, part.lines):
                cell.paragraphs = paragraphs(ls, unit, cell.box.x1 - part.pad)
                lines_of[id(cell)] = ls
            part.grid = Grid(file, 0, len(part.ys) - 1, len(part.table.xs) - 1, part.cells)
            if previous is not None and part.table.xs is previous.table.xs:
                pad = previous.pad
                # A line that stops short where the next piece's start would have fitted ended its paragraph.
                join_split_row(
                    previous.grid,
                    part.grid,
                    lambda up, down, pad=pad: (
                        not ends_short(lines_of[id(up)][-1], lines_of[id(down)][0], up.box.x1 - pad)
                    ),
                )
            previous = part
    grids: list[Grid] = []
    pending: list[str] = []  # text above the next table: titles, the unit line, carried over a page break
    for parts, free in laid:
        for part in parts:
            pending += [line_text(ln) for ln in free if ln[0].base < part.table.top]
            free = [ln for ln in free if ln[0].base >= part.table.top]
            grid = part.grid
            if grid.n_rows < 1:
                continue  # all of it was the rest of a row from the page before
            grid.index = len(grids) + 1
            grid.before = pending
            for cell in grid.cells:
                cell.table = grid.index
            grids.append(grid)
            pending = []
        pending += [line_text(ln) for ln in free]
    return grids


def _ocr(path: Path, pages: list[_Page]) -> ReadResult:
    from ._scan import scan_pages_to_grids  # the OCR models load only for a PDF that needs them

    return scan_pages_to_grids(path, [p.number for p in pages], {p.number: p.chars for p in pages if p.chars})


def _add_scans(path: Path, result: ReadResult, scanned: list[_Page]) -> None:
    """Scanned pages go to the OCR reader (their text layer, if any, as a second reading); its grids join the
    others in page order."""
    ocr = _ocr(path, scanned)
    result.grids = sorted(result.grids + ocr.grids, key=lambda g: min(c.box.page for c in g.cells))
    for index, g in enumerate(result.grids, 1):
        g.index = index
        for c in g.cells:
            c.table = index
    result.page_notes += ocr.page_notes
    shown = ", ".join(str(p.number) for p in scanned)
    kind = "scanned" if any(p.chars for p in scanned) else "with no text layer (scanned)"
    result.errors += [f"page{'s' * (len(scanned) > 1)} {shown} {kind}: {e}" for e in ocr.errors]


def _pages_to_result(path: Path, pages: list[_Page]) -> ReadResult:
    scanned = [p for p in pages if p.scanned]
    printed = [p for p in pages if not p.scanned]
    if not pages:
        return ReadResult.failed(path, "the PDF has no pages")
    if not any(p.chars for p in printed):
        return _ocr(path, scanned) if scanned else ReadResult.failed(path, f"all {len(pages)} pages are blank")
    result = ReadResult(file=path, grids=_pages_to_grids(path.name, printed), pages=len(pages))
    if scanned:
        _add_scans(path, result, scanned)
    if not result.grids:
        result.status = "failed"
        result.errors.insert(0, f"no ruled table on any of its {len(pages)} pages")
    return result


def _open_pdf(path: Path) -> pdfium.PdfDocument | str:
    try:
        return pdfium.PdfDocument(path.read_bytes(), password=pdf_password())
    except pdfium.PdfiumError as exc:
        return _LOAD_ERRORS.get(exc.err_code, f"cannot open the PDF ({exc})")


def _read_pages(path: Path) -> list[_Page] | str:
    doc = _open_pdf(path)
    if isinstance(doc, str):
        return doc
    try:
        return [_read_page(doc, i) for i in range(len(doc))]
    finally:
        doc.close()


class PdfReader(Reader):
    suffixes = (".pdf",)

    def read(self, path: Path) -> ReadResult:
        pages = _read_pages(path)
        if isinstance(pages, str):
            return ReadResult.failed(path, pages)
        return _pages_to_result(path, pages)
