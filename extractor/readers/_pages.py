"""Scanned pages as images: from a PDF (the stored page image, or the page rendered), an image file (every
frame of a TIFF, turned as its EXIF says), or a folder of images that is one document (pages by file name).

Colour is kept until the seals are taken out (_prep.separate); the reader sees grey print and a seal mask.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, ImageSequence

from ._base import pdf_password
from ._pdf_layout import Char
from ._prep import separate

# Pages are read at about this resolution: finer costs time and reads no better.
TARGET_DPI = 200
MAX_SIDE = 2400  # pixels; a larger image is scaled down to this


@dataclass(slots=True)
class PageImage:
    number: int  # 1-based
    gray: np.ndarray
    points_per_pixel: float
    left: float = 0.0  # where the image's corner sits on the page, in points
    top: float = 0.0
    seal: np.ndarray | None = None  # seal ink on the page (a mask on its pixels), if any
    print_only: np.ndarray | None = None  # `gray` cleaned closer round the seals, for reading text
    layer: list[Char] = field(default_factory=list)  # an invisible text layer (a searchable scan), in points


def _grey_and_seal(img: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """The page in grey, where seal ink lies and the page cleaned for reading text (both None: no seal)."""
    if img.ndim == 2:
        return img, None, None
    img = np.ascontiguousarray(img[:, :, :3])
    spread = img.max(axis=2).astype(np.int16) - img.min(axis=2)
    if np.percentile(spread, 99.5) < 30:  # a grey page stored in colour
        return cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), None, None
    return separate(img)


def _scanned_image(page) -> tuple[np.ndarray, float, float, float] | None:
    """The page's one upright full-page image as stored (pixels, points per pixel, left, top): no resampling."""
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
        pil = obj.get_bitmap(render=False).to_pil()
    except Exception:  # an image filter pdfium cannot decode alone: render the page instead
        return None
    pixels = np.asarray(pil.convert("RGB" if pil.mode not in ("L", "1", "I;16") else "L"))
    return pixels, (right - left) / pixels.shape[1], left, height - top


def _fit(pixels: np.ndarray) -> tuple[np.ndarray, float]:
    side = max(pixels.shape[:2])
    if side <= MAX_SIDE:
        return pixels, 1.0
    f = MAX_SIDE / side
    return cv2.resize(pixels, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), f


def _page(
    number: int,
    pixels: np.ndarray,
    points_per_pixel: float,
    left: float = 0.0,
    top: float = 0.0,
    layer: list[Char] | None = None,
) -> PageImage:
    pixels, factor = _fit(np.ascontiguousarray(pixels))
    gray, seal, print_only = _grey_and_seal(pixels)
    return PageImage(number, gray, points_per_pixel / factor, left, top, seal, print_only, layer or [])


def pdf_pages(path: Path, numbers: list[int], layers: dict[int, list[Char]] | None = None) -> Iterator[PageImage]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path, password=pdf_password())
    try:
        for n in numbers:
            page = doc[n - 1]
            stored = _scanned_image(page)
            if stored is None:
                pixels = page.render(scale=TARGET_DPI / 72).to_numpy()[:, :, :3][:, :, ::-1]
                stored = (pixels, 72 / TARGET_DPI, 0.0, 0.0)
            yield _page(n, *stored, layer=(layers or {}).get(n))
    finally:
        doc.close()


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path, password=pdf_password())
    try:
        return len(doc)
    finally:
        doc.close()


def _frames(path: Path) -> Iterator[tuple[np.ndarray, float]]:
    """Each frame of an image file, turned upright as its EXIF orientation says, with its dpi."""
    with Image.open(path) as im:
        for frame in ImageSequence.Iterator(im):
            dpi = frame.info.get("dpi", (72, 72))[0] or 72
            upright = ImageOps.exif_transpose(frame) if frame.getexif().get(0x0112, 1) != 1 else frame
            yield np.asarray(upright.convert("L" if upright.mode in ("L", "1", "I;16", "I") else "RGB")), float(dpi)


def image_pages(paths: list[Path]) -> Iterator[PageImage]:
    """The pages of one image file, or of a folder's images in file-name order (one document)."""
    n = 0
    for path in paths:
        for pixels, dpi in _frames(path):
            n += 1
            if dpi > TARGET_DPI * 1.5:
                f = TARGET_DPI / dpi
                pixels = cv2.resize(pixels, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
                dpi = TARGET_DPI
            yield _page(n, pixels, 72 / dpi)
