"""A scanned page made fit for the lattice: seal ink taken out by colour, small print enlarged, a photographed
page rectified, a page turned the wrong way put upright.

Each step keeps a 3 x 3 map from its pixels back to the page as scanned, so every cell's box still points at
the right place on the original image; and each says what it could not do (a page it could not rectify).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np


@dataclass(frozen=True)
class PrepSettings:
    # Coloured ink (a seal: red, blue, purple) differs from print by chroma once the paper is made white;
    # a coloured pixel lighter than `seal_light` (its brightest channel) is seal ink alone and becomes paper.
    seal_chroma: float = 0.12
    seal_area: int = 5  # pixels (a side) over which a seal's colour holds
    seal_light: float = 0.75  # print under seal ink, relative to the seal's own brightness, lighter than this is none
    seal_reach: int = 11  # pixels around a coloured pixel where the seal's own brightness is looked for
    seal_rim: float = 0.6  # next to seal ink, anything lighter than this is the seal's rim, not print
    # A text line under this much seal ink (share of its box) may hide strokes: its reading is doubtful.
    seal_doubt: float = 0.04
    # Print below this text height (pixels) is enlarged to `text_height` before anything else reads it.
    min_text_height: float = 14.0
    text_height: float = 20.0
    # A table frame whose corners are off a rectangle by more than this share of its side is warped straight.
    rectify_off: float = 0.006
    # Share of the page the outer frame of a photographed table must cover to be taken as the frame.
    frame_area: float = 0.08
    # Share of each side of a table frame that must be ruled for the frame to be trusted.
    frame_ruled: float = 0.85
    # A horizontal ruling this share of the page wide, bent off straight by more than `curl_min` pixels
    # (fitted in `curl_bins` pieces), shows a page curling towards the spine.
    curl_span: float = 0.4
    curl_min: float = 1.5
    curl_bins: int = 24
    # A dark region touching the image's edge and larger than this share of it is the desk, not the page.
    desk: float = 0.01
    desk_dark: float = 0.5
    desk_margin: int = 31  # pixels of the page's edge painted out with the desk (its shadow, its bevel)
    # Paper brighter in one place than another by more than this (grey levels) is lit unevenly: evened out.
    uneven_light: float = 40.0
    light_window: int = 30  # the paper's brightness is taken over this share of the page's short side


SETTINGS = PrepSettings()


@dataclass(slots=True)
class Prepared:
    gray: np.ndarray  # the page as scanned, in grey (seals and all): its ruling lines are found here
    seal: np.ndarray | None = None  # seal ink (uint8 mask) on the same pixels, or None for a page without
    print_only: np.ndarray | None = None  # the page with the seals taken out, for reading text
    to_source: np.ndarray = field(default_factory=lambda: np.eye(3))  # these pixels -> the image as scanned
    notes: list[str] = field(default_factory=list)

    def warp(self, m: np.ndarray, size: tuple[int, int]) -> None:
        """Apply the 3 x 3 map m (old pixels -> new) to the page and its masks, giving a (w, h) image."""
        self.gray = cv2.warpPerspective(self.gray, m, size, flags=cv2.INTER_LINEAR, borderValue=255)
        if self.print_only is not None:
            self.print_only = cv2.warpPerspective(self.print_only, m, size, flags=cv2.INTER_LINEAR, borderValue=255)
        if self.seal is not None:
            self.seal = cv2.warpPerspective(self.seal, m, size, flags=cv2.INTER_NEAREST, borderValue=0)
        self.to_source = self.to_source @ np.linalg.inv(m)


def separate(rgb: np.ndarray, s: PrepSettings = SETTINGS) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """The page in grey without its seals, where seal ink lies, and the page cleaned closer for reading text
    (both None: no seal). Colour is kept until now so that a seal comes apart from the print.

    The paper is made white first (its colour, per channel, is the bright end of the page), so yellowed
    paper is not mistaken for ink; print is dark in every channel, a seal only in some.
    """
    paper = np.percentile(rgb.reshape(-1, 3)[:: max(1, rgb.size // 60000)], 90, axis=0).clip(1, 255)
    norm = rgb.astype(np.float32) / paper.astype(np.float32)
    # Colour is judged against the paper nearby, so neither light that is warmer in one corner nor a grey
    # desk round a photo of yellowed paper passes for ink of a colour.
    local = rgb.astype(np.float32) / np.dstack([_paper_light(rgb[:, :, k], s) for k in range(3)]).clip(1, 255)
    # Colour must hold over a few pixels too: JPEG fringes the edges of black print with colour, a seal's
    # strokes are coloured through.
    spread = cv2.blur(local, (s.seal_area, s.seal_area))
    coloured = ((local.max(axis=2) - local.min(axis=2)) > s.seal_chroma) & (
        (spread.max(axis=2) - spread.min(axis=2)) > s.seal_chroma
    )
    gray = norm @ np.float32([0.299, 0.587, 0.114])
    if not coloured.any():
        return _grey(gray), None, None
    # Seal ink tints what lies under it: a pixel is print x tint, so under a seal the print is the pixel's
    # brightness over the seal's own nearby (the mean of the coloured pixels around it). JPEG keeps
    # brightness sharp but blurs colour, so a thin ruling under a seal shows by its brightness.
    k = (s.seal_reach, s.seal_reach)
    weight = cv2.blur(coloured.astype(np.float32), k)
    tint = cv2.blur(np.where(coloured, gray, 0).astype(np.float32), k) / np.maximum(weight, 1e-3)
    under = np.clip(gray / np.maximum(tint, 1e-3), 0, 1)
    seal = coloured & (under > s.seal_light)
    if not seal.any():
        return _grey(gray), None, None
    gray = np.where(seal, 1.0, np.where(coloured, under, gray))
    # For reading text, the seal's soft rim (ink thinning out, its colour blurred away by JPEG) is no print
    # either; a thin ruling as light as the rim is kept for finding the lines.
    rim = cv2.dilate(seal.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return _grey(gray), seal.astype(np.uint8), _grey(np.where(rim & (gray > s.seal_rim), 1.0, gray))


def _grey(img: np.ndarray) -> np.ndarray:
    return np.clip(img * 255, 0, 255).astype(np.uint8)


def upscale(prep: Prepared, text_h: float, s: PrepSettings = SETTINGS) -> bool:
    """Enlarge a page whose print is too small to read well; True if it was."""
    if text_h >= s.min_text_height:
        return False
    f = min(2.0, s.text_height / max(text_h, 1.0))
    h, w = prep.gray.shape
    prep.warp(np.diag([f, f, 1.0]), (round(w * f), round(h * f)))
    return True


def _desk(gray: np.ndarray, s: PrepSettings) -> np.ndarray | None:
    """What lies around a photographed page (a darker desk touching the image's edge), as a mask, or None."""
    small = cv2.GaussianBlur(cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA), (9, 9), 0)
    # Darker than a shadow on paper (by the brightest paper's measure): a page in shade is still a page.
    level = s.desk_dark * float(np.percentile(small, 98))
    n, labels, stats, _ = cv2.connectedComponentsWithStats((small < level).astype(np.uint8), connectivity=4)
    h, w = small.shape
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    desk = [i for i in edge if i and stats[i, cv2.CC_STAT_AREA] > s.desk * h * w]
    if not desk:
        return None
    mask = cv2.resize(np.isin(labels, desk).astype(np.uint8), gray.shape[::-1], interpolation=cv2.INTER_NEAREST)
    return cv2.dilate(mask, np.ones((s.desk_margin, s.desk_margin), np.uint8)) > 0


def _paper_light(gray: np.ndarray, s: PrepSettings) -> np.ndarray:
    """How bright the paper is at each pixel: the brightest nearby (print removed), smoothed."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    k = max(9, min(small.shape) // s.light_window) | 1
    light = cv2.GaussianBlur(cv2.dilate(small, np.ones((k, k), np.uint8)), (0, 0), k / 2)
    return cv2.resize(light, gray.shape[::-1], interpolation=cv2.INTER_LINEAR).astype(np.float32)


def even_out(prep: Prepared, s: PrepSettings = SETTINGS) -> bool:
    """Uneven light made even (the page divided by its paper's brightness) and a desk round a photographed
    page painted out, so neither the shadow nor the page's edge is taken for ink. True if anything changed."""
    desk = _desk(prep.gray, s)
    light = _paper_light(prep.gray, s)
    paper = light if desk is None else light[~desk]
    uneven = float(np.percentile(paper, 95) - np.percentile(paper, 5)) > s.uneven_light
    if not uneven and desk is None:
        return False
    for name in ("gray", "print_only"):
        img = getattr(prep, name)
        if img is None:
            continue
        if uneven:
            img = np.clip(img.astype(np.float32) / np.maximum(light, 1) * 250, 0, 255).astype(np.uint8)
        if desk is not None:
            img = np.where(desk, np.uint8(250), img)
        setattr(prep, name, img)
    return True


def frame_lines(gray: np.ndarray) -> np.ndarray:
    """Long straight strokes either way, with kernels short enough that a line tilted by a photo stays whole."""
    from ._lattice import binarize

    ink = binarize(gray)
    h, w = ink.shape
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 60 + 1, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, h // 60 + 1)))
    return cv2.dilate(horiz | vert, np.ones((3, 3), np.uint8))


def _bent(lines: np.ndarray, s: PrepSettings) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each long horizontal ruling as (x, how far it bends off its straight fit there), sampled in bins."""
    h, w = lines.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    out = []
    for i in np.flatnonzero(stats[:, cv2.CC_STAT_WIDTH] > s.curl_span * w):
        if i == 0:
            continue
        x, y, bw, bh = stats[i, :4]
        ys, xs = np.nonzero(labels[y : y + bh, x : x + bw] == i)
        edges = np.linspace(0, bw, s.curl_bins + 1)
        which = np.digitize(xs, edges[1:-1])
        bins = [k for k in range(s.curl_bins) if (which == k).any()]
        cx = np.array([xs[which == k].mean() for k in bins]) + x
        cy = np.array([np.median(ys[which == k]) for k in bins]) + y
        straight = np.polyval(np.polyfit(cx, cy, 1), cx)
        out.append((cx, cy - straight, straight))
    return out


def uncurl(prep: Prepared, s: PrepSettings = SETTINGS) -> bool:
    """Straighten the rulings of a page that curls towards a book's spine; True if it did.

    Each long ruling is fitted in pieces, not by one straight line, so it may bend; the page is then shifted
    up or down at each point by the bend of the rulings above and below it. Straight rulings (a flat scan,
    a photo's perspective) leave the page as it is. Cell boxes keep the straight page's positions."""
    from ._lattice import binarize

    ink = binarize(prep.gray)
    h, w = ink.shape
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 60 + 1, 1)))
    bent = _bent(lines, s)
    if len(bent) < 2 or max(float(np.abs(d).max()) for _, d, _ in bent) < s.curl_min:
        return False
    cols = np.arange(w, dtype=np.float32)
    at = np.array([np.interp(cols, cx, at_y) for cx, _, at_y in bent])  # where each ruling runs, straightened
    off = np.array([np.interp(cols, cx, d) for cx, d, _ in bent])
    order = np.argsort(at.mean(axis=1))
    at, off = at[order], off[order]
    rows = np.arange(h, dtype=np.float32)
    dy = np.stack([np.interp(rows, at[:, x], off[:, x]) for x in range(w)], axis=1).astype(np.float32)
    map_x = np.broadcast_to(cols, (h, w)).astype(np.float32)
    map_y = rows[:, None] + dy
    for name in ("gray", "print_only", "seal"):
        img = getattr(prep, name)
        if img is not None:
            fill = 0 if name == "seal" else 255
            setattr(prep, name, cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderValue=fill))
    return True


def _corners(hull: np.ndarray) -> np.ndarray | None:
    """The four corners (top-left, top-right, bottom-right, bottom-left) of an outline that is a quadrilateral."""
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float64)
    if len(quad) != 4:
        return None
    s, d = quad.sum(axis=1), quad[:, 0] - quad[:, 1]
    corners = np.array([quad[s.argmin()], quad[d.argmax()], quad[s.argmax()], quad[d.argmin()]], dtype=np.float32)
    return corners if len({tuple(c) for c in corners.tolist()}) == 4 else None


def _ruled(lines: np.ndarray, a: np.ndarray, b: np.ndarray, s: PrepSettings) -> bool:
    """A ruling line runs along the side from a to b (most points of it have line ink within a few pixels)."""
    t = np.linspace(0.05, 0.95, 60)[:, None]
    pts = np.rint(a + (b - a) * t).astype(int)
    h, w = lines.shape
    r = 4
    hits = [lines[max(0, y - r) : min(h, y + r + 1), max(0, x - r) : min(w, x + r + 1)].any() for x, y in pts]
    return float(np.mean(hits)) >= s.frame_ruled


def rectify(prep: Prepared, lines: np.ndarray, s: PrepSettings = SETTINGS) -> bool:
    """Warp a photographed table (its frame a quadrilateral, not a rectangle) to a rectangle; True if it was.

    `lines` is the page's ruling-line mask. The frame must be ruled along all four sides. A frame that is a
    turned rectangle (a scan fed askew) is left to the deskew, so a flatbed scan comes out exactly as before.
    """
    h, w = lines.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    if n < 2:
        return False
    big = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    bx, by, bw, bh = stats[big, :4]
    if bw * bh < s.frame_area * w * h:
        return False
    ys, xs = np.nonzero(labels[by : by + bh, bx : bx + bw] == big)
    corners = _corners(cv2.convexHull(np.stack([xs + bx, ys + by], axis=1).astype(np.int32)))
    if corners is None or not all(_ruled(lines, corners[k], corners[(k + 1) % 4], s) for k in range(4)):
        return False
    tl, tr, br, bl = corners
    top, bottom = np.linalg.norm(tr - tl), np.linalg.norm(br - bl)
    left, right = np.linalg.norm(bl - tl), np.linalg.norm(br - tr)
    diag1, diag2 = np.linalg.norm(br - tl), np.linalg.norm(tr - bl)
    off = max(
        abs(top - bottom) / max(top, bottom),
        abs(left - right) / max(left, right),
        abs(diag1 - diag2) / max(diag1, diag2),
    )
    if off <= s.rectify_off:
        return False
    width, height = (top + bottom) / 2, (left + right) / 2
    x0, y0 = float(tl[0] + bl[0]) / 2, float(tl[1] + tr[1]) / 2
    dst = np.float32([[x0, y0], [x0 + width, y0], [x0 + width, y0 + height], [x0, y0 + height]])
    prep.warp(cv2.getPerspectiveTransform(corners, dst), (w, h))
    return True


def turn(prep: Prepared, quarters: int) -> None:
    """Turn the page counter-clockwise by quarter turns."""
    if quarters % 4 == 0:
        return
    h, w = prep.gray.shape
    size = (h, w) if quarters % 2 else (w, h)
    c, s = [(1, 0), (0, 1), (-1, 0), (0, -1)][quarters % 4]
    m = np.array([[c, s, 0], [-s, c, 0], [0, 0, 1]], dtype=np.float64)
    corners = np.array([[0, 0, 1], [w - 1, 0, 1], [0, h - 1, 1], [w - 1, h - 1, 1]], dtype=np.float64) @ m.T
    m[0, 2], m[1, 2] = -corners[:, 0].min(), -corners[:, 1].min()
    prep.warp(m, size)
