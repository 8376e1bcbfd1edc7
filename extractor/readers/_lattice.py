"""Table structure of a scanned page from its ruling lines (a "lattice").

The page is deskewed and the long ruling lines found by morphology give the
table's outline and its main row boundaries. Within each band between two
boundaries, a ruling line is a run of ink that crosses the band from one
boundary to the other without a break, which no text stroke does; so short
lines (a column split in one low row) are found too, and two neighbouring cells
with no such line between them are one merged cell with a span, as in a .docx.

Sizes are fractions of the page, not pixels, so 150 dpi and 300 dpi scans are
read alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Ruling lines are longer than any text stroke (page side / this). Text runs chain across touching
# glyphs along a line of text, never down across the gap between lines, so the horizontal kernel is longer.
_H_FRACTION, _V_FRACTION = 25, 40
# Share of a cell side the line mask must cover to count as a ruling line there (noise breaks lines).
_LINE_COVER = 0.6
# Largest skew corrected; a page turned further is another problem (a page scanned sideways).
_MAX_SKEW_DEG = 5.0


@dataclass(slots=True)
class TableCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    x0: int
    y0: int
    x1: int
    y1: int


@dataclass(slots=True)
class Table:
    n_rows: int
    n_cols: int
    cells: list[TableCell]
    top: int
    bottom: int
    xs: list[int]  # column boundaries, left to right


@dataclass(slots=True)
class Page:
    """A deskewed page: grey image with ruling lines painted white, its text ink, and its tables."""

    gray: np.ndarray
    ink: np.ndarray
    tables: list[Table]
    angle: float  # degrees the page was turned to straighten it


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0: a local threshold copes with uneven lighting, Otsu's keeps paper noise out."""
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    block = max(15, (min(gray.shape) // 40) | 1)
    local = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)
    return cv2.bitwise_and(local, (gray < min(otsu + 20, 235)).astype(np.uint8) * 255)


def _kernels(shape: tuple[int, int]) -> tuple[int, int]:
    h, w = shape
    return max(15, w // _H_FRACTION), max(15, h // _V_FRACTION)


def _line_masks(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    kh, kv = _kernels(ink.shape)
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (kh, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, kv)))
    return horiz, vert


def skew_angle(ink: np.ndarray) -> float:
    """The page's skew in degrees, from the slope of its long near-horizontal lines (length-weighted median)."""
    w = ink.shape[1]
    # A short kernel keeps a tilted line whole (it steps one pixel every few dozen).
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 60 + 1, 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    angles, weights = [], []
    for i in np.flatnonzero(stats[:, cv2.CC_STAT_WIDTH] > w // 4):
        if i == 0:
            continue
        x, y, bw, bh = stats[i, :4]
        ys, xs = np.nonzero(labels[y : y + bh, x : x + bw] == i)
        slope = np.polyfit(xs, ys, 1)[0]
        a = float(np.degrees(np.arctan(slope)))
        if abs(a) <= _MAX_SKEW_DEG:
            angles.append(a)
            weights.append(bw)
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights, dtype=float)[order])
    return float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])


def rotate(img: np.ndarray, angle: float, fill: int) -> np.ndarray:
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def _cluster(values: list[tuple[float, float]], tol: float) -> list[int]:
    """Positions (pos, weight) within tol of the previous one join its group; each group's weighted centre."""
    groups: list[list[float]] = []
    for pos, weight in sorted(values):
        if groups and pos - groups[-1][2] <= tol:
            g = groups[-1]
            g[0] += pos * weight
            g[1] += weight
            g[2] = pos
        else:
            groups.append([pos * weight, weight, pos])
    return [int(round(s / n)) for s, n, _ in groups]


def _crosses(
    lines: np.ndarray, ink: np.ndarray, pos: int, a: int, b: int, vertical: bool, tol: int, kernel: int
) -> bool:
    """A ruling line at `pos` runs from boundary a to boundary b (both across the line's direction)."""
    a, b = a + tol, b - tol + 1
    if b - a < 2:
        return True
    lo, hi = max(0, pos - tol), pos + tol + 1
    axis = 1 if vertical else 0
    band = lines[a:b, lo:hi] if vertical else lines[lo:hi, a:b]
    if band.any(axis=axis).mean() >= _LINE_COVER:
        return True
    if b - a >= kernel:
        return False
    # A piece shorter than the kernel (a line across one low row): the raw ink must run unbroken.
    lo, hi = max(0, pos - 1), pos + 2
    raw = ink[a:b, lo:hi] if vertical else ink[lo:hi, a:b]
    return bool(raw.any(axis=axis).all())


def _positions(mask: np.ndarray, box: tuple[int, int, int, int], vertical: bool, tol: int) -> list[int]:
    x, y, w, h = box
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask[y : y + h, x : x + w], connectivity=8)
    if vertical:
        found = [(x + sx + sw / 2, float(sh)) for sx, _, sw, sh, _ in stats[1:n]]
        edges = [(x, 1.0), (x + w - 1, 1.0)]
    else:
        found = [(y + sy + sh / 2, float(sw)) for _, sy, sw, sh, _ in stats[1:n]]
        edges = [(y, 1.0), (y + h - 1, 1.0)]
    # An open table (no outer border) still ends where its lines end.
    return _cluster(found + edges, 4 * tol)


def _table(
    ink: np.ndarray, horiz: np.ndarray, vert: np.ndarray, box: tuple[int, int, int, int], tol: int
) -> Table | None:
    ys = _positions(horiz, box, False, tol)
    xs = _positions(vert, box, True, tol)
    kh, kv = _kernels(ink.shape)
    vsep = np.array([[_crosses(vert, ink, x, a, b, True, tol, kv) for x in xs] for a, b in zip(ys, ys[1:])])
    hsep = np.array([[_crosses(horiz, ink, y, a, b, False, tol, kh) for a, b in zip(xs, xs[1:])] for y in ys])
    # A boundary that separates nothing anywhere (a stub, a stray stroke) is dropped.
    keep_x = [k for k in range(len(xs)) if k in (0, len(xs) - 1) or vsep[:, k].any()]
    keep_y = [k for k in range(len(ys)) if k in (0, len(ys) - 1) or hsep[k, :].any()]
    vsep = np.array([vsep[a:b].any(axis=0) for a, b in zip(keep_y, keep_y[1:])])[:, keep_x]
    hsep = np.array([hsep[:, a:b].any(axis=1) for a, b in zip(keep_x, keep_x[1:])]).T[keep_y, :]
    xs, ys = [xs[k] for k in keep_x], [ys[k] for k in keep_y]
    if len(ys) < 3 or len(xs) < 2:
        return None
    return Table(len(ys) - 1, len(xs) - 1, _spans(vsep, hsep, xs, ys), ys[0], ys[-1], xs)


def _spans(vsep: np.ndarray, hsep: np.ndarray, xs: list[int], ys: list[int]) -> list[TableCell]:
    nr, nc = len(ys) - 1, len(xs) - 1
    taken = np.zeros((nr, nc), dtype=bool)
    cells = []
    for r in range(nr):
        for c in range(nc):
            if taken[r, c]:
                continue
            cs = 1
            while c + cs < nc and not vsep[r, c + cs] and not taken[r, c + cs]:
                cs += 1
            rs = 1
            while r + rs < nr and not hsep[r + rs, c : c + cs].any() and not taken[r + rs, c : c + cs].any():
                rs += 1
            taken[r : r + rs, c : c + cs] = True
            cells.append(TableCell(r, c, rs, cs, xs[c], ys[r], xs[c + cs], ys[r + rs]))
    return cells


def _inside(inner: Table, outer: Table) -> bool:
    return (
        outer.top <= inner.top
        and inner.bottom <= outer.bottom
        and outer.xs[0] <= inner.xs[0]
        and inner.xs[-1] <= outer.xs[-1]
    )


def page_to_tables(gray: np.ndarray, print_only: np.ndarray | None = None) -> Page:
    """Deskew a grey page, find its ruled tables and paint the ruling lines out of the image.

    `print_only` is the same page with seal ink taken out, for reading the text: the lines are found on
    `gray`, where a thin ruling under a seal is still whole."""
    ink = binarize(gray)
    angle = skew_angle(ink)
    if abs(angle) > 0.05:
        gray = rotate(gray, angle, 255)
        ink = binarize(gray)
        print_only = None if print_only is None else rotate(print_only, angle, 255)
    horiz, vert = _line_masks(ink)
    lines = cv2.bitwise_or(horiz, vert)
    h, w = ink.shape
    tol = max(2, min(h, w) // 500)
    n, _, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(lines, np.ones((5, 5), np.uint8)), connectivity=8)
    tables = []
    for bx, by, bw, bh, _ in sorted(stats[1:n].tolist(), key=lambda s: s[1]):
        if bw < w // 5 or bh < h // 30:
            continue
        t = _table(ink, horiz, vert, (bx, by, bw, bh), tol)
        if t is not None:
            tables.append(t)
    # A frame round another table is the edge of a photographed page (or a border drawn round the form).
    tables = [t for t in tables if not any(o is not t and _inside(o, t) for o in tables)]
    ruled = np.zeros_like(ink)
    for t in tables:
        for c in t.cells:
            cv2.rectangle(ruled, (c.x0, c.y0), (c.x1, c.y1), 255, 3)
    lines = cv2.bitwise_and(lines | ruled, ink)
    if print_only is not None:
        gray, ink = print_only, binarize(print_only)
    clean = gray.copy()
    clean[lines > 0] = 255
    # Finding text lines needs no trace of a ruling line; the glyph tops it cuts are padded back by the crop.
    text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(lines, np.ones((3, 3), np.uint8))))
    return Page(clean, text_ink, tables, angle)
