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
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import UnidentifiedImageError

from .._grid import Box, Cell, Grid
from .._text import normalize
from ._base import IMAGE_SUFFIXES, Reader, ReadResult, folder_images
from ._continue import continue_columns, join_split_row
from ._lattice import Page, Table, page_to_tables, rotate
from ._ocr import DASH, Line, is_dash, is_speck, paragraphs, recognizer, remove_specks, runs, text_lines
from ._pages import PageImage, image_pages, page_count, pdf_pages
from ._pdf_layout import Char, line_text
from ._pdf_layout import lines as layer_lines
from ._prep import SETTINGS, Prepared, even_out, frame_lines, rectify, turn, uncurl, upscale

_BLANK_INK = 0.0005  # share of inked pixels below which a page is blank


@dataclass(frozen=True)
class ScanSettings:
    # A doubtful cell's confidence is set to this, under the template reader's low_confidence (0.9), so
    # it goes to review whatever the OCR's own figure was.
    doubtful: float = 0.85
    # A text layer that reads a cell as the OCR does backs it: the cell's confidence rises to this.
    agreed: float = 0.97
    # Which way up: the median confidence of a few of the page's widest text lines; at or above `upright`
    # the page is read as it lies, and a page no way of turning reads above `unreadable` is not read.
    upright: float = 0.9
    unreadable: float = 0.5
    sample: int = 6
    sample_width: float = 5.0  # text heights of each sample line read (a line's start)
    # Glyphs are joined along a line of text across gaps this share of the text height: less than the gap
    # between two lines, or a narrow cell's stack of short wrapped lines would pass for text running down.
    smear: float = 0.2


SCAN = ScanSettings()


def _text_height(page: Page) -> float:
    """The page's typical text line height in pixels (median height of inked row runs in its cells)."""
    heights = []
    for t in page.tables:
        for c in t.cells:
            heights += [b - a for a, b in runs(page.ink[c.y0 : c.y1, c.x0 : c.x1].any(axis=1)) if b - a >= 4]
    return float(np.median(heights)) if heights else 20.0


def _region_lines(page: Page, x0: int, y0: int, x1: int, y1: int, text_h: float) -> list[Line]:
    x0, y0 = max(0, x0), max(0, y0)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return []  # nothing between two tables that overlap (OpenCV crashes on an empty region)
    ink = remove_specks(np.ascontiguousarray(page.ink[y0:y1, x0:x1]), max(3, int(text_h * text_h / 60)))
    lines = text_lines(ink, text_h)
    for ln in lines:
        ln.x0, ln.x1, ln.y0, ln.y1 = ln.x0 + x0, ln.x1 + x0, ln.y0 + y0, ln.y1 + y0
    return lines


def _crop(page: Page, ln: Line, bounds: tuple[int, int, int, int], text_h: float) -> np.ndarray:
    pad = max(2, round(0.2 * text_h))
    x0, y0, x1, y1 = bounds
    return page.gray[max(y0, ln.y0 - pad) : min(y1, ln.y1 + pad), max(x0, ln.x0 - pad) : min(x1, ln.x1 + pad)]


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
        edges = [(a + ln.x0, b + ln.x0) for a, b in runs(page.ink[ln.y0 : ln.y1, ln.x0 : ln.x1].any(axis=0))]
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


def _box(page: Page, img: PageImage, to_source: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> Box:
    """A deskewed pixel rectangle as the bounding box of its corners on the page as scanned, in points."""
    h, w = page.gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -page.angle, 1.0)
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=float) @ m.T
    src = np.c_[corners, np.ones(4)] @ to_source.T
    src = src[:, :2] / src[:, 2:]
    s, x, y = img.points_per_pixel, img.left, img.top
    return Box(
        img.number,
        round(x + src[:, 0].min() * s, 2),
        round(y + src[:, 1].min() * s, 2),
        round(x + src[:, 0].max() * s, 2),
        round(y + src[:, 1].max() * s, 2),
    )


def _layer_text(layer: list[Char], box: Box) -> str:
    """What an invisible text layer holds inside a cell's box (characters by their centre)."""
    inside = [c for c in layer if box.x0 < (c.x0 + c.x1) / 2 < box.x1 and box.top < c.base - 0.3 * c.size < box.bottom]
    return "\n".join(line_text(ln) for ln in layer_lines(inside))


def _second_reading(cell: Cell, layer: list[Char]) -> None:
    """The text layer of a searchable scan as a second reading: agreement backs the OCR, a difference is a doubt."""
    other = _layer_text(layer, cell.box)
    if normalize(other) == cell.key:
        if cell.confidence is not None:
            cell.confidence, cell.doubt = max(cell.confidence, SCAN.agreed), None
        return
    cell.doubt, cell.alt = f"the text layer reads {other!r}", other
    cell.confidence = min(cell.confidence if cell.confidence is not None else 1.0, SCAN.doubtful)


def _table_grid(
    page: Page,
    img: PageImage,
    to_source: np.ndarray,
    table: Table,
    cell_lines: list[list[Line]],
    file: str,
    index: int,
    before: list[str],
    text_h: float,
) -> tuple[Grid, set[int]]:
    """The grid, and (by id) the cells of its last row whose text runs on to the right edge: cut off?"""
    cells, full = [], set()
    for tc, lines in zip(table.cells, cell_lines):
        read = [ln for ln in lines if ln.text]
        cell = Cell(
            tc.row,
            tc.col,
            paragraphs(read, text_h),
            tc.rowspan,
            tc.colspan,
            index,
            tc.row,
            tc.col,
            _box(page, img, to_source, tc.x0, tc.y0, tc.x1, tc.y1),
            min((ln.confidence for ln in read), default=None),
        )
        doubt = next((ln.doubt for ln in read if ln.doubt), None)
        if doubt:
            cell.doubt, cell.confidence = doubt, min(cell.confidence, SCAN.doubtful)
        if img.layer:
            _second_reading(cell, img.layer)
        # A line of text (not a short value) that two more glyphs (a text height wide each: a word and the
        # comma that may not start a line) and the cell's margin would not fit after: it may go on.
        last = read[-1] if read else None
        pad = min(ln.x0 for ln in read) - tc.x0 if read else 0
        if (
            last
            and tc.row + tc.rowspan == table.n_rows
            and last.x1 + 2.2 * text_h + pad > tc.x1
            and (len(read) > 1 or last.x1 - last.x0 > 0.5 * (tc.x1 - tc.x0 - 2 * pad))
        ):
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
    note: str = ""  # why the page gave no table
    fixed: list[str] = field(default_factory=list)  # what was done to read it (turned, rectified, enlarged)


def _sample(page: Page, text_h: float) -> list[np.ndarray]:
    """A few of the widest text lines inside the tables: enough glyphs to tell which way up the page is."""
    found = []
    for t in page.tables:
        for c in t.cells:
            if c.x1 - c.x0 > 3 * text_h and c.y1 - c.y0 > text_h:
                for ln in _region_lines(page, c.x0 + 3, c.y0 + 3, c.x1 - 2, c.y1 - 2, text_h):
                    if ln.x1 - ln.x0 > 2.5 * (ln.y1 - ln.y0):
                        ln.x1 = min(ln.x1, ln.x0 + round(SCAN.sample_width * text_h))  # a few glyphs will do
                        found.append((ln.x1 - ln.x0, _crop(page, ln, (c.x0 + 1, c.y0 + 1, c.x1, c.y1), text_h)))
    found.sort(key=lambda f: -f[0])
    return [crop for _, crop in found[: SCAN.sample]]


def _how_sure(crops: list[np.ndarray]) -> float:
    return float(np.median([conf for _, conf in recognizer().quick(crops)])) if crops else 0.0


def _sideways(page: Page, text_h: float) -> bool:
    """Text running down the page, not across: glyphs smeared along each axis join into long runs along the
    lines of text only (CJK glyphs alone read as some character whichever way they lie, so OCR cannot tell)."""
    k = max(3, round(SCAN.smear * text_h))
    along = [0, 0]
    for t in page.tables:
        ink = page.ink[t.top : t.bottom, t.xs[0] : t.xs[-1]]
        for way, kernel in enumerate(((k, 1), (1, k))):
            smeared = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
            n, _, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
            w, h = stats[1:n, cv2.CC_STAT_WIDTH], stats[1:n, cv2.CC_STAT_HEIGHT]
            long_side, short_side = (w, h) if way == 0 else (h, w)
            along[way] += int(((long_side > 3 * short_side) & (long_side > 2 * text_h)).sum())
    return along[1] > 2 * along[0] + 3


def _upright(prep: Prepared) -> tuple[Page, float]:
    """The page's tables read the right way up: as it lies, upside down, or turned a quarter either way.

    Returns the page and how sure the best way up reads (the median confidence of its sample lines)."""
    page = page_to_tables(prep.gray, prep.print_only)
    if not page.tables:
        turn(prep, 1)  # a table's lines are found whichever way it lies, but a page may be too wide for it
        page = page_to_tables(prep.gray, prep.print_only)
        if not page.tables:
            turn(prep, -1)
            return page_to_tables(prep.gray, prep.print_only), 0.0
    elif _sideways(page, _text_height(page)):
        turn(prep, 1)
        page = page_to_tables(prep.gray, prep.print_only)
    sample = _sample(page, _text_height(page)) if page.tables else []
    if not sample:
        return page, 1.0  # tables with nothing wide enough to judge: read as they lie
    up = _how_sure(sample)
    if up >= SCAN.upright:
        return page, up
    down = _how_sure([c[::-1, ::-1] for c in sample])
    if down <= up:
        return page, up
    turn(prep, 2)
    return page_to_tables(prep.gray, prep.print_only), down


def _prepare(img: PageImage) -> tuple[Prepared, Page, float]:
    prep = Prepared(img.gray, img.seal, img.print_only)
    if even_out(prep):
        prep.notes.append("light evened out")
    if uncurl(prep):  # a curled page's frame is no quadrilateral: rectifying it would bend it back
        prep.notes.append("uncurled")
    elif rectify(prep, frame_lines(prep.gray)):
        prep.notes.append("rectified")
    page, sure = _upright(prep)
    if page.tables and upscale(prep, _text_height(page)):
        page = page_to_tables(prep.gray, prep.print_only)
    return prep, page, sure


def _seal_doubts(page: Page, prep: Prepared, lines_: list[Line]) -> None:
    """A line with seal ink over it may hide strokes the colour separation could not give back."""
    if prep.seal is None:
        return
    seal = rotate(prep.seal, page.angle, 0) if abs(page.angle) > 0.05 else prep.seal
    for ln in lines_:
        if seal[ln.y0 : ln.y1, ln.x0 : ln.x1].mean() >= SETTINGS.seal_doubt:
            ln.doubt = "under a seal"


def page_to_grids(img: PageImage, file: str, first_index: int, pending: list[str]) -> PageGrids:
    """The tables of one scanned page as grids."""
    prep, page, sure = _prepare(img)
    if not page.tables:
        return PageGrids([], pending, set(), [], [], "no ruled table (a scan is read from its table lines)")
    if sure < SCAN.unreadable:
        return PageGrids([], pending, set(), [], [], f"unreadable: no way up reads it (OCR confidence {sure:.2f})")
    text_h = _text_height(page)
    inset = max(2, round(text_h / 8))
    jobs: list[tuple[Line, tuple[int, int, int, int]]] = []
    per_table: list[list[list[Line]]] = []
    for t in page.tables:
        table_lines = []
        for c in t.cells:
            inner = (c.x0 + inset, c.y0 + inset, c.x1 - inset + 1, c.y1 - inset + 1)
            cell_lines = _region_lines(page, *inner, text_h) if inner[2] > inner[0] and inner[3] > inner[1] else []
            jobs += [(ln, (c.x0 + 1, c.y0 + 1, c.x1, c.y1)) for ln in cell_lines]
            table_lines.append(cell_lines)
        per_table.append(table_lines)
    h, w = page.ink.shape
    edges = [0] + [y for t in page.tables for y in (t.top, t.bottom)] + [h]
    free = [_free_lines(page, a, b, text_h) for a, b in zip(edges[::2], edges[1::2])]
    jobs += [(p, (0, 0, w, h)) for found in free for pieces in found for p in pieces]
    _read_lines(page, jobs, text_h)
    _seal_doubts(page, prep, [ln for ln, _ in jobs])
    grids, full = [], set()
    for k, (t, table_lines) in enumerate(zip(page.tables, per_table)):
        grid, full = _table_grid(
            page, img, prep.to_source, t, table_lines, file, first_index + k, pending + _free_text(free[k]), text_h
        )
        grids.append(grid)
        pending = []
    return PageGrids(grids, _free_text(free[-1]), full, page.tables[0].xs, page.tables[-1].xs, fixed=prep.notes)


def pages_to_result(path: Path, pages: Iterator[PageImage]) -> ReadResult:
    result = ReadResult(file=path)
    pending: list[str] = []
    full: set[int] = set()
    xs: list[int] = []  # column boundaries of the last table so far, as its grid numbers them
    for img in pages:
        result.pages += 1
        if (img.gray < 128).mean() < _BLANK_INK:
            result.page_notes.append((img.number, "blank"))
            continue
        got = page_to_grids(img, path.name, len(result.grids) + 1, pending)
        if not got.grids:
            result.page_notes.append((img.number, got.note))
            continue
        joined = bool(result.grids) and continue_columns(
            result.grids[-1], got.grids[0], xs, got.first_xs, max(4, img.gray.shape[1] // 200)
        )
        if joined:
            join_split_row(result.grids[-1], got.grids[0], lambda up, _, full=full: id(up) in full)
        pending, full = got.after, got.full
        xs = xs if joined and len(got.grids) == 1 else got.last_xs
        result.grids += got.grids
    if not result.grids:
        result.status = "failed"
        if result.pages == 0:
            result.errors.append("no pages in the file")
        elif all(why == "blank" for _, why in result.page_notes):
            result.errors.append("blank: nothing is printed on " + _pages(result.pages))
        else:
            result.errors.append(f"no table read on {_pages(result.pages)}: " + "; ".join(result.page_report()))
    return result


def _pages(total: int) -> str:
    return "the page" if total == 1 else f"any of its {total} pages"


def scan_pages_to_grids(
    path: Path, page_numbers: list[int] | None = None, layers: dict[int, list[Char]] | None = None
) -> ReadResult:
    """OCR the given 1-based pages of a PDF (all pages if None); `layers` holds a searchable scan's text per page."""
    path = Path(path)
    if page_numbers is None:
        page_numbers = list(range(1, page_count(path) + 1))
    return pages_to_result(path, pdf_pages(path, page_numbers, layers))


class ScanReader(Reader):
    """Images of tables: PNG, JPEG, TIFF (every page of a multi-page TIFF), BMP; a folder of them is one document."""

    suffixes = IMAGE_SUFFIXES

    def read(self, path: Path) -> ReadResult:
        files = folder_images(path) if path.is_dir() else [path]
        if not files:
            return ReadResult.failed(path, "no page images (PNG, JPEG, TIFF, BMP) in the folder")
        try:
            return pages_to_result(path, image_pages(files))
        except UnidentifiedImageError:
            return ReadResult.failed(path, "not a readable image (corrupt, or not the format its name says)")
        except (OSError, SyntaxError, ValueError) as exc:  # how PIL reports truncated and damaged data
            return ReadResult.failed(path, f"not a readable image: damaged or truncated ({exc})")
