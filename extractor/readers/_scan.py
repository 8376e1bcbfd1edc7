"""Scanned tables: images (PNG, JPEG, TIFF with its pages) and PDF pages with no text layer.

Each page is deskewed, its ruled tables found from their lines (_lattice), and
each cell's text lines read by OCR (_ocr) into the same cell grids the .docx
reader makes, so the chunker, the template reader and the checks run unchanged.
Every cell keeps where it sits on the page (a Box in PDF points; for an image,
in points at the image's dpi) and how sure the OCR was (Cell.confidence, the
least sure character's probability); what to do about doubt is the template
reader's business (a low_confidence issue for review).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from .._grid import Box, Cell, Grid
from ._base import Reader, ReadResult, pdf_password
from ._continue import continue_columns, join_split_row
from ._lattice import Page, Table, page_to_tables
from ._ocr import DASH, Line, is_dash, is_speck, paragraphs, recognizer, remove_specks, runs, text_lines

# Pages are read at about this resolution: finer costs time and reads no better.
_TARGET_DPI = 200
_MAX_SIDE = 2400  # pixels; a larger image is scaled down to this
_BLANK_INK = 0.0005  # share of inked pixels below which a page is blank


@dataclass(slots=True)
class PageImage:
    number: int  # 1-based
    gray: np.ndarray
    points_per_pixel: float
    left: float = 0.0  # where the image's corner sits on the page, in points
    top: float = 0.0


def _text_height(page: Page) -> float:
    """The page's typical text line height in pixels (median height of inked row runs in its cells)."""
    heights = []
    for t in page.tables:
        for c in t.cells:
            heights += [b - a for a, b in runs(page.ink[c.y0:c.y1, c.x0:c.x1].any(axis=1)) if b - a >= 4]
    return float(np.median(heights)) if heights else 20.0


def _region_lines(page: Page, x0: int, y0: int, x1: int, y1: int, text_h: float) -> list[Line]:
    ink = remove_specks(page.ink[y0:y1, x0:x1], max(3, int(text_h * text_h / 60)))
    lines = text_lines(ink, text_h)
    for ln in lines:
        ln.x0, ln.x1, ln.y0, ln.y1 = ln.x0 + x0, ln.x1 + x0, ln.y0 + y0, ln.y1 + y0
    return lines


def _crop(page: Page, ln: Line, bounds: tuple[int, int, int, int], text_h: float) -> np.ndarray:
    pad = max(2, round(0.2 * text_h))
    x0, y0, x1, y1 = bounds
    return page.gray[max(y0, ln.y0 - pad):min(y1, ln.y1 + pad), max(x0, ln.x0 - pad):min(x1, ln.x1 + pad)]


def _read_lines(page: Page, jobs: list[tuple[Line, tuple[int, int, int, int]]], text_h: float) -> None:
    """OCR every line of the page in one go (batched by width), dashes by their shape."""
    todo = []
    for ln, bounds in jobs:
        if is_speck(ln, text_h):
            ln.text = ""  # a dot of dirt, not a dash: nothing the model could read, so never sent to it
        elif is_dash(ln, text_h):
            ln.text, ln.confidence = DASH, 1.0
        else:
            todo.append((ln, _crop(page, ln, bounds, text_h)))
    for (ln, _), (text, conf) in zip(todo, recognizer().read([c for _, c in todo])):
        ln.text, ln.confidence = text.strip(), conf


def _free_lines(page: Page, top: int, bottom: int, text_h: float) -> list[list[Line]]:
    """Text outside the tables (a title above one): each line in pieces split where wide blank paper is."""
    w = page.ink.shape[1]
    out = []
    for ln in _region_lines(page, 0, top, w, bottom, text_h):
        edges = [(a + ln.x0, b + ln.x0) for a, b in runs(page.ink[ln.y0:ln.y1, ln.x0:ln.x1].any(axis=0))]
        pieces, start = [], edges[0][0]
        for (_, end), (nxt, _) in zip(edges, edges[1:]):
            if nxt - end > 3 * text_h:
                pieces.append(Line(start, ln.y0, end, ln.y1))
                start = nxt
        pieces.append(Line(start, ln.y0, edges[-1][1], ln.y1))
        out.append(pieces)
    return out


def _free_text(lines: list[list[Line]]) -> list[str]:
    texts = [" ".join(p.text for p in pieces if p.text) for pieces in lines]
    return [t for t in texts if t]


def _box(page: Page, img: PageImage, x0: int, y0: int, x1: int, y1: int) -> Box:
    """A deskewed pixel rectangle as the bounding box of its corners on the page as scanned, in points."""
    h, w = page.gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -page.angle, 1.0)
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=float) @ m.T
    s, x, y = img.points_per_pixel, img.left, img.top
    return Box(img.number, round(x + corners[:, 0].min() * s, 2), round(y + corners[:, 1].min() * s, 2),
               round(x + corners[:, 0].max() * s, 2), round(y + corners[:, 1].max() * s, 2))


def _table_grid(page: Page, img: PageImage, table: Table, cell_lines: list[list[Line]], file: str,
                index: int, before: list[str], text_h: float) -> tuple[Grid, set[int]]:
    """The grid, and (by id) the cells of its last row whose text runs on to the right edge: cut off?"""
    cells, full = [], set()
    for tc, lines in zip(table.cells, cell_lines):
        read = [ln for ln in lines if ln.text]
        cell = Cell(tc.row, tc.col, paragraphs(read, text_h), tc.rowspan, tc.colspan, index, tc.row, tc.col,
                    _box(page, img, tc.x0, tc.y0, tc.x1, tc.y1), min((ln.confidence for ln in read), default=None))
        # A line of text (not a short value) that two more glyphs (a text height wide each: a word and the
        # comma that may not start a line) and the cell's margin would not fit after: it may go on.
        last = read[-1] if read else None
        pad = min(ln.x0 for ln in read) - tc.x0 if read else 0
        if last and tc.row + tc.rowspan == table.n_rows and last.x1 + 2.2 * text_h + pad > tc.x1 \
                and (len(read) > 1 or last.x1 - last.x0 > 0.5 * (tc.x1 - tc.x0 - 2 * pad)):
            full.add(id(cell))
        cells.append(cell)
    return Grid(file, index, table.n_rows, table.n_cols, cells, before), full


@dataclass(slots=True)
class PageGrids:
    grids: list[Grid]
    after: list[str]  # text below the last table, carried to the next table
    full: set[int]  # ids of the last table's last-row cells whose text may go on over the page break
    first_xs: list[int]  # column boundaries (pixels) of the first and the last table
    last_xs: list[int]


def page_to_grids(img: PageImage, file: str, first_index: int, pending: list[str]) -> PageGrids:
    """The tables of one scanned page as grids."""
    page = page_to_tables(img.gray)
    if not page.tables:
        return PageGrids([], pending, set(), [], [])
    text_h = _text_height(page)
    inset = max(2, round(text_h / 8))
    jobs: list[tuple[Line, tuple[int, int, int, int]]] = []
    per_table: list[list[list[Line]]] = []
    for t in page.tables:
        table_lines = []
        for c in t.cells:
            inner = (c.x0 + inset, c.y0 + inset, c.x1 - inset + 1, c.y1 - inset + 1)
            lines = _region_lines(page, *inner, text_h) if inner[2] > inner[0] and inner[3] > inner[1] else []
            jobs += [(ln, (c.x0 + 1, c.y0 + 1, c.x1, c.y1)) for ln in lines]
            table_lines.append(lines)
        per_table.append(table_lines)
    h, w = page.ink.shape
    edges = [0] + [y for t in page.tables for y in (t.top, t.bottom)] + [h]
    free = [_free_lines(page, a, b, text_h) for a, b in zip(edges[::2], edges[1::2])]
    jobs += [(p, (0, 0, w, h)) for lines in free for pieces in lines for p in pieces]
    _read_lines(page, jobs, text_h)
    grids, full = [], set()
    for k, (t, table_lines) in enumerate(zip(page.tables, per_table)):
        grid, full = _table_grid(page, img, t, table_lines, file, first_index + k, pending + _free_text(free[k]),
                                 text_h)
        grids.append(grid)
        pending = []
    return PageGrids(grids, _free_text(free[-1]), full, page.tables[0].xs, page.tables[-1].xs)


def _scanned_image(page) -> tuple[np.ndarray, float, float, float] | None:
    """The page's one upright full-page image as stored (grey, points per pixel, left, top): no resampling."""
    import pypdfium2.raw as pdfium_c

    images = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))
    if len(images) != 1 or page.get_rotation() != 0:
        return None
    obj = images[0]
    m = obj.get_matrix()
    left, bottom, right, top = obj.get_bounds()
    width, height = page.get_width(), page.get_height()
    if m.b != 0 or m.c != 0 or m.a <= 0 or m.d <= 0 or (right - left) * (top - bottom) < 0.5 * width * height:
        return None
    try:
        gray = np.asarray(obj.get_bitmap(render=False).to_pil().convert("L"))
    except Exception:  # an image filter pdfium cannot decode alone: render the page instead
        return None
    return gray, (right - left) / gray.shape[1], left, height - top


def _pdf_pages(path: Path, numbers: list[int]) -> Iterator[PageImage]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path, password=pdf_password())
    try:
        for n in numbers:
            page = doc[n - 1]
            stored = _scanned_image(page)
            if stored is None:
                gray = page.render(scale=_TARGET_DPI / 72, grayscale=True).to_numpy()
                stored = (gray if gray.ndim == 2 else gray[:, :, 0], 72 / _TARGET_DPI, 0.0, 0.0)
            gray, factor = _fit(np.ascontiguousarray(stored[0]))
            yield PageImage(n, gray, stored[1] / factor, stored[2], stored[3])
    finally:
        doc.close()


def _fit(gray: np.ndarray) -> tuple[np.ndarray, float]:
    side = max(gray.shape)
    if side <= _MAX_SIDE:
        return gray, 1.0
    f = _MAX_SIDE / side
    return cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), f


def _image_pages(path: Path) -> Iterator[PageImage]:
    with Image.open(path) as im:
        for n, frame in enumerate(ImageSequence.Iterator(im), start=1):
            dpi = frame.info.get("dpi", (72, 72))[0] or 72
            gray = np.asarray(frame.convert("L"))
            if dpi > _TARGET_DPI * 1.5:
                f = _TARGET_DPI / dpi
                gray = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
                dpi = _TARGET_DPI
            gray, factor = _fit(gray)
            yield PageImage(n, gray, 72 / (dpi * factor))


def pages_to_result(path: Path, pages: Iterator[PageImage]) -> ReadResult:
    result = ReadResult(file=path)
    pending: list[str] = []
    blank, without = [], []
    full: set[int] = set()
    xs: list[int] = []  # column boundaries of the last table so far, as its grid numbers them
    for img in pages:
        result.pages += 1
        if (img.gray < 128).mean() < _BLANK_INK:
            blank.append(img.number)
            continue
        got = page_to_grids(img, path.name, len(result.grids) + 1, pending)
        if not got.grids:
            without.append(img.number)
            continue
        joined = bool(result.grids) and continue_columns(result.grids[-1], got.grids[0], xs, got.first_xs,
                                                         max(4, img.gray.shape[1] // 200))
        if joined:
            join_split_row(result.grids[-1], got.grids[0], lambda up, _, full=full: id(up) in full)
        pending, full = got.after, got.full
        xs = xs if joined and len(got.grids) == 1 else got.last_xs
        result.grids += got.grids
    if not result.grids:
        result.status = "failed"
        if result.pages == 0:
            result.errors.append("no pages in the file")
        elif len(blank) == result.pages:
            result.errors.append("blank: nothing is printed on " + _pages(blank, result.pages))
        else:
            result.errors.append(f"no ruled table found on {_pages(without + blank, result.pages)} "
                                 "(a scan is read from its table lines)")
    return result


def _pages(numbers: list[int], total: int) -> str:
    if total == 1:
        return "the page"
    if len(numbers) == total:
        return f"any of its {total} pages"
    return "pages " + ", ".join(map(str, numbers))


def _page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path, password=pdf_password())
    try:
        return len(doc)
    finally:
        doc.close()


def scan_pages_to_grids(path: Path, page_numbers: list[int] | None = None) -> ReadResult:
    """OCR the given 1-based pages of a PDF (all pages if None)."""
    path = Path(path)
    if page_numbers is None:
        page_numbers = list(range(1, _page_count(path) + 1))
    return pages_to_result(path, _pdf_pages(path, page_numbers))


class ScanReader(Reader):
    """Images of tables: PNG, JPEG, TIFF (every page of a multi-page TIFF), BMP."""

    suffixes = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")

    def read(self, path: Path) -> ReadResult:
        try:
            return pages_to_result(path, _image_pages(path))
        except UnidentifiedImageError:
            return ReadResult.failed(path, "not a readable image (corrupt, or not the format its name says)")
        except (OSError, SyntaxError, ValueError) as exc:  # how PIL reports truncated and damaged data
            return ReadResult.failed(path, f"not a readable image: damaged or truncated ({exc})")
