"""Messy scans as archives hold them, one condition per set: python eval_sets/make_messy.py [CONDITION ...]

Pages of the text PDFs beside the generated .docx files (and the first pages of the corpus PDF) are rendered
by pdfium in colour and degraded one way at a time, then all ways together, into `messy-<condition>/`:

- `seal`: red, blue or purple official seals (公章) stamped over cells, among them the 得分 column and the unit name
- `photo`: a phone photo: the page's corners moved by up to 2.5% of its side, a darker desk around it, soft light
- `curl`: a book scan: lines bent by the page's curl towards the spine, the far side a little compressed
- `turned`: pages turned by 90°, 180° or 270° (every page but the first of a file)
- `exif`: each page a JPEG photo stored sideways or upside down with the EXIF orientation that puts it right
  (one folder of JPEGs per document, pages in file-name order)
- `lowres`: 120 and 100 dpi
- `light`: uneven light (a shadow across the page, a bright spot)
- `paper`: yellowed colour paper, colour JPEG
- `all`: every condition above together (EXIF photos excepted: a PDF has no EXIF)

The gold of each file is the source file's own gold (eval_sets/<set>/gold.jsonl), so it comes from the
generator of the tables, never from an extractor; the scorer strips `-scan` from `<stem>-scan.pdf` and pairs
a folder by its name. Each condition uses two sources in turn (four layouts over the sets; `all` uses every
source), a few pages each, so every set scores in a minute or two and the files stay small in git.
Seeded per file and condition: reruns are byte-identical.
"""

from __future__ import annotations

import json
import math
import random
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent
SEED = 20260101
PINNED = datetime(2024, 6, 1, tzinfo=timezone.utc)
QUALITY = 55
SEAL_FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")


@dataclass(frozen=True)
class Source:
    set: str
    stem: str
    pages: int  # the first N pages; every table on them ends there
    tables: int  # how many of the file's tables (from the first) those pages hold


SOURCES = (
    Source("title-above", "pujiang-culture-2021", 3, 3),
    Source("alt-grid", "xihu-health-2019", 3, 3),
    Source("inside-title", "jiading-civil-2020", 4, 2),
    Source("songjiang-hrss-2020", "songjiang-hrss-2020", 4, 4),
)
CONDITIONS = ("seal", "photo", "curl", "turned", "exif", "lowres", "light", "paper", "all")


@dataclass(frozen=True)
class Look:
    """What happens to each page of a set."""

    dpi: int = 150
    seals: bool = False
    photo: bool = False
    curl: bool = False
    turned: bool = False
    light: bool = False
    paper: bool = False
    colour: bool = False  # kept in colour (seals, coloured paper); grey otherwise, as most scanners store


LOOKS = {
    "seal": Look(seals=True, colour=True),
    "photo": Look(photo=True, light=True, colour=True),
    "curl": Look(curl=True),
    "turned": Look(turned=True),
    "exif": Look(colour=True),
    "lowres": Look(dpi=120),
    "light": Look(light=True),
    "paper": Look(paper=True, colour=True),
    "all": Look(dpi=120, seals=True, photo=True, curl=True, turned=True, light=True, paper=True, colour=True),
}
SEAL_INKS = ((200, 30, 40), (190, 25, 60), (40, 60, 170), (120, 40, 140))  # red, crimson, blue, purple


def _find(page: pdfium.PdfPage, word: str) -> list[tuple[float, float, float, float]]:
    """Boxes (left, top, right, bottom in points from the top) of each place the text layer holds `word`."""
    text = page.get_textpage()
    height = page.get_height()
    boxes = []
    try:
        search = text.search(word)
        while (hit := search.get_next()) is not None:
            first, count = hit
            rects = [text.get_charbox(i) for i in range(first, first + count)]
            boxes.append(
                (
                    min(r[0] for r in rects),
                    height - max(r[3] for r in rects),
                    max(r[2] for r in rects),
                    height - min(r[1] for r in rects),
                )
            )
    finally:
        text.close()
    return boxes


def _seal(size: int, ink: tuple[int, int, int], rng: random.Random) -> Image.Image:
    """A round official seal: a ring, a star and a ring of characters, as RGBA with uneven ink."""
    seal = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(seal)
    ring = max(3, size // 28)
    draw.ellipse((ring, ring, size - ring, size - ring), outline=255, width=ring)
    c, r = size / 2, size * 0.13
    star = [
        (
            c + (r if k % 2 == 0 else r * 0.4) * math.sin(k * math.pi / 5),
            c - (r if k % 2 == 0 else r * 0.4) * math.cos(k * math.pi / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=255)
    font = ImageFont.truetype(str(SEAL_FONT), max(10, size // 9))
    name = "松江区人力资源和社会保障局财务专用章"
    for k, ch in enumerate(name[: rng.randint(11, len(name))]):
        a = math.radians(-120 + 240 * k / 16)
        x, y = c + size * 0.36 * math.sin(a), c - size * 0.36 * math.cos(a)
        glyph = Image.new("L", (size // 8, size // 8), 0)
        ImageDraw.Draw(glyph).text((0, 0), ch, fill=255, font=font)
        glyph = glyph.rotate(-math.degrees(a), resample=Image.Resampling.BICUBIC)
        seal.paste(255, (int(x - size / 16), int(y - size / 16)), glyph)
    # Stamp ink is never even: a blotchy coverage between 55% and 95%.
    blotch = np.random.default_rng(rng.getrandbits(32)).uniform(0.55, 0.95, (size // 16 + 1, size // 16 + 1))
    cover = cv2.resize(blotch, (size, size), interpolation=cv2.INTER_CUBIC)
    alpha = (np.asarray(seal, dtype=np.float64) * np.clip(cover, 0, 1)).astype(np.uint8)
    out = Image.new("RGBA", (size, size), (*ink, 0))
    out.putalpha(Image.fromarray(alpha))
    return out.rotate(rng.uniform(-40, 40), resample=Image.Resampling.BICUBIC)


def _stamp(img: np.ndarray, seal: Image.Image, x: float, y: float) -> None:
    """Multiply the seal's ink into the page at (x, y), its centre: black print under it stays black."""
    rgba = np.asarray(seal, dtype=np.float64) / 255
    s = rgba.shape[0]
    x0, y0 = int(x - s / 2), int(y - s / 2)
    ax0, ay0 = max(0, x0), max(0, y0)
    ax1, ay1 = min(img.shape[1], x0 + s), min(img.shape[0], y0 + s)
    if ax1 <= ax0 or ay1 <= ay0:
        return
    part = rgba[ay0 - y0 : ay1 - y0, ax0 - x0 : ax1 - x0]
    tint = 1 - part[..., 3:] * (1 - part[..., :3])
    img[ay0:ay1, ax0:ax1] = img[ay0:ay1, ax0:ax1] * tint


def _seals(img: np.ndarray, page: pdfium.PdfPage, scale: float, rng: random.Random) -> None:
    """Seals where archives have them: over the unit name, over the 得分 column, and one somewhere else."""
    size = int(rng.uniform(1.5, 1.9) * 72 * scale)
    spots = []
    for word in ("实施单位", "主管部门"):
        for _x0, top, x1, bottom in _find(page, word)[:1]:
            spots.append((x1 * scale + size * 0.6, (top + bottom) / 2 * scale))
    for x0, _top, x1, bottom in _find(page, "得分")[-1:]:
        spots.append(((x0 + x1) / 2 * scale, bottom * scale + size * rng.uniform(0.5, 1.5)))
    spots.append((rng.uniform(0.3, 0.7) * img.shape[1], rng.uniform(0.5, 0.85) * img.shape[0]))
    for x, y in spots[:3]:
        _stamp(img, _seal(size, rng.choice(SEAL_INKS), rng), x + rng.uniform(-0.1, 0.1) * size, y)


def _light(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """A shadow falling across the page from one side and a brighter spot: light that is not even."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    a = rng.uniform(0, 2 * math.pi)
    ramp = np.cos(a) * xx / w + np.sin(a) * yy / h
    ramp = (ramp - ramp.min()) / (np.ptp(ramp) or 1)
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
    spot = np.exp(-(((xx - cx) / w) ** 2 + ((yy - cy) / h) ** 2) * 4)
    gain = 0.62 + 0.3 * ramp + 0.12 * spot
    return img * np.clip(gain, 0, 1.05)[..., None]


def _warp(img: np.ndarray, look: Look, rng: random.Random) -> np.ndarray:
    """Perspective (corners moved by up to 2.5%), curl towards the spine, and a slight skew, on a darker desk."""
    h, w = img.shape[:2]
    desk = np.array([rng.uniform(60, 110)] * 3)
    border = int(0.04 * max(h, w)) if look.photo else 0
    canvas = np.empty((h + 2 * border, w + 2 * border, 3))
    canvas[:] = desk if look.photo else 255
    canvas[border : border + h, border : border + w] = img
    H, W = canvas.shape[:2]
    src = np.float32([[border, border], [border + w, border], [border + w, border + h], [border, border + h]])
    move = 0.025 if look.photo else 0.0
    dst = src + np.float32([[rng.uniform(-move, move) * w, rng.uniform(-move, move) * h] for _ in range(4)])
    angle = math.radians(rng.uniform(0.3, 1.2) * rng.choice((-1, 1)))
    centre = np.float32([W / 2, H / 2])
    rot = np.float32([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    dst = (dst - centre) @ rot.T + centre
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    out = cv2.warpPerspective(
        canvas,
        m,
        (W, H),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=tuple(float(v) for v in (desk if look.photo else [255] * 3)),
    )
    if look.curl:
        # The spine side (left or right) bends: rows sag by up to 1.2% of the height near it, columns squeeze.
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        side = rng.choice((0, 1))
        t = (xx / W) if side else (1 - xx / W)
        bend = np.clip(t - 0.55, 0, None) / 0.45
        sag = rng.uniform(0.008, 0.012) * H * bend**2
        squeeze = 0.015 * W * bend**3 * (1 if side else -1)
        out = cv2.remap(
            out.astype(np.float32),
            xx + squeeze,
            yy - sag * (yy / H - 0.5) * 2,
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )
    return out


def degrade(page: pdfium.PdfPage, look: Look, turn: int, rng: random.Random) -> Image.Image:
    """One page rendered and degraded as `look` says, turned by `turn` degrees counter-clockwise."""
    scale = look.dpi / 72
    size = tuple(round(v * scale) for v in page.get_size())
    img = np.asarray(page.render(scale=scale).to_pil().convert("RGB").crop((0, 0, *size)), dtype=np.float64)
    if look.paper:
        img = img * (np.array([rng.uniform(0.93, 0.97), rng.uniform(0.86, 0.91), rng.uniform(0.66, 0.76)]))
    if look.seals:
        _seals(img, page, scale, rng)
    if look.light:
        img = _light(img, rng)
    img = _warp(img, look, rng)
    img = cv2.GaussianBlur(img, (0, 0), 0.6)
    img = img + np.random.default_rng(rng.getrandbits(64)).normal(0, 2.5, img.shape[:2])[..., None]
    img = np.clip(img, 0, 255).round().astype(np.uint8)
    out = Image.fromarray(img, "RGB") if look.colour else Image.fromarray(img, "RGB").convert("L")
    return out.rotate(turn, expand=True) if turn else out


def _gold(source: Source) -> list[str]:
    lines = (OUT / source.set / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [
        ln
        for ln in lines
        if Path(json.loads(ln)["source"]["file"]).stem == source.stem
        and json.loads(ln)["source"]["table"] <= source.tables
    ]


def _pages(source: Source, look: Look, name: str) -> list[Image.Image]:
    rng = random.Random(f"{SEED}-{source.stem}-{name}")
    doc = pdfium.PdfDocument(OUT / source.set / f"{source.stem}.pdf")
    try:
        turns = [0] + [rng.choice((90, 180, 270)) if look.turned else 0 for _ in range(source.pages - 1)]
        return [degrade(doc[k], look, turns[k], rng) for k in range(source.pages)]
    finally:
        doc.close()


def _write_exif(folder: Path, pages: list[Image.Image], rng: random.Random) -> None:
    """Each page a JPEG stored turned, with the EXIF orientation (3, 6 or 8) that a viewer turns back."""
    folder.mkdir(parents=True, exist_ok=True)
    for k, img in enumerate(pages, 1):
        orientation, turn = rng.choice(((3, 180), (6, 90), (8, 270)))
        exif = Image.Exif()
        exif[0x0112] = orientation
        img.rotate(turn, expand=True).save(
            folder / f"page-{k:02d}.jpg", quality=QUALITY, exif=exif, dpi=(LOOKS["exif"].dpi,) * 2
        )


def make(name: str) -> list[str]:
    look = LOOKS[name]
    folder = OUT / f"messy-{name}"
    folder.mkdir(exist_ok=True)
    k = CONDITIONS.index(name)
    sources = SOURCES if name == "all" else (SOURCES[k % 4], SOURCES[(k + 1) % 4])
    gold, report = [], []
    for source in sources:
        pages = _pages(source, look, name)
        if name == "exif":
            _write_exif(folder / source.stem, pages, random.Random(f"{SEED}-{source.stem}-exif-files"))
            out = folder / source.stem
        else:
            out = folder / f"{source.stem}-scan.pdf"
            pages[0].save(
                out,
                save_all=True,
                append_images=pages[1:],
                resolution=look.dpi,
                quality=QUALITY,
                title=source.stem,
                creationDate=PINNED.timetuple(),
                modDate=PINNED.timetuple(),
            )
        gold += _gold(source)
        size = sum(f.stat().st_size for f in ([out] if out.is_file() else out.iterdir()))
        report.append(f"{out.name}: {len(pages)} pages, {source.tables} tables, {size // 1024} KB")
    (folder / "gold.jsonl").write_text("\n".join(gold) + "\n", encoding="utf-8")
    return report


def searchable(text_pdf: Path, scan_pdf: Path, out: Path, pages: list[int] | None = None) -> None:
    """A searchable scan, as scanner software writes one: each page of `scan_pdf` as the picture, with the
    characters of the same page of `text_pdf` over it as an invisible text layer (its rulings dropped: the
    table is in the picture). Pages are 1-based; all if None."""
    import io

    import pypdfium2.raw as raw

    doc, scan = pdfium.PdfDocument(text_pdf), pdfium.PdfDocument(scan_pdf)
    try:
        keep = pages or list(range(1, len(doc) + 1))
        for n in range(len(doc), 0, -1):
            if n not in keep:
                doc.del_page(n - 1)
        for i, n in enumerate(keep):
            page = doc[i]
            for obj in list(page.get_objects(max_depth=1)):
                if obj.type == raw.FPDF_PAGEOBJ_TEXT:
                    raw.FPDFTextObj_SetTextRenderMode(obj.raw, raw.FPDF_TEXTRENDERMODE_INVISIBLE)
                else:
                    page.remove_obj(obj)
                    obj.close()
            (picture,) = scan[n - 1].get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,))
            data = io.BytesIO()
            picture.get_bitmap(render=False).to_pil().save(data, "JPEG", quality=QUALITY)
            image = pdfium.PdfImage.new(doc)
            image.load_jpeg(data, inline=False)
            w, h = page.get_size()
            image.set_matrix(pdfium.PdfMatrix().scale(w, h))
            page.insert_obj(image)
            page.gen_content()
        doc.save(out)
    finally:
        doc.close()
        scan.close()


def main() -> None:
    for name in sys.argv[1:] or CONDITIONS:
        print(f"messy-{name}:", *make(name), sep="\n  ")


if __name__ == "__main__":
    main()
