"""Write a text PDF and a scanned PDF beside each generated .docx; run: python eval_sets/make_pdfs.py [SET ...]

Made like the corpus files, so the PDF and scan readers can be measured on more layouts than one:
- `<stem>.pdf`: the .docx printed to PDF by LibreOffice (text layer; numbers wrap in narrow cells; long tables
  run over a page break). Its creation date and /ID are pinned so reruns are byte-identical.
- `<stem>-scan.pdf`: that PDF as a scanner returns it: 150 dpi grey pages, each turned by 0.3–1.2° either way,
  paper tone and noise, JPEG quality 75 (the corpus scan's quantisation tables), no text layer. Seeded per file.
The scorer strips `-scan` from the stem, so both pair with the .docx's gold. After writing, every file is checked
(text layer holds each gold project name; scan has no text and the same page count) and the tables that run over
a page break are listed.

Needs: `soffice` (Debian: libreoffice-writer-nogui) with a CJK font (fonts-noto-cjk), and pypdfium2, pdfplumber,
Pillow and numpy in the venv. The .docx files and gold.jsonl come from generate.py; run it first.
"""

import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from generate import SEED
from PIL import Image, ImageFilter

OUT = Path(__file__).resolve().parent
SETS = (
    "inside-title",
    "title-above",
    "alt-grid",
    "long-tables",
    "forms-split-columns",
    "forms-column-sets",
    "forms-sichuan",
    "forms-debris",
    "forms-labels",
    "forms-unfilled",
    "forms-transfer",
    "forms-report",
)
# a table starts with its name and department rows (项目名称; 中央主管部门 where a wrapped 转移支付（项目）名称 is
# split in the text layer; not a report's budget summary, 序号 | 项目名称 …) and ends with its total row (总分, 合计,
# or the misprint 分总)
START = re.compile(r"(?<!序号)项目名称|主管部门")
END = re.compile(r"总分|合计|分总")
DPI = 150
QUALITY = 75
PINNED = datetime(2024, 6, 1, tzinfo=timezone.utc)
# only the fonts the PDFs were made with (DejaVu, Noto Sans CJK, LibreOffice's OpenSymbol), with the system's rules:
# another CJK font on the machine (fonts-wqy-zenhei) would otherwise win the fallback and change every PDF
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/libreoffice",
)


def fonts_conf(cache: Path) -> str:
    dirs = "".join(f"<dir>{d}</dir>" for d in FONT_DIRS)
    return (
        f'<?xml version="1.0"?><fontconfig>{dirs}<cachedir>{cache}</cachedir>'
        '<include ignore_missing="yes">/etc/fonts/conf.d</include></fontconfig>'
    )


def docx_to_pdfs(docxs: list[Path], profile: Path) -> None:
    """Print the .docx files to PDF beside them with one soffice run (its own profile: two runs sharing a profile
    make the second one silently write nothing)."""
    for docx in docxs:  # so a PDF left by an earlier run cannot pass for a new one
        docx.with_suffix(".pdf").unlink(missing_ok=True)
    fonts = profile.with_suffix(".fonts.conf")
    fonts.write_text(fonts_conf(profile.with_suffix(".fontcache")), encoding="utf-8")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docxs[0].parent),
            *map(str, docxs),
        ],
        check=True,
        capture_output=True,
        env=os.environ | {"FONTCONFIG_FILE": str(fonts)},
    )
    for docx in docxs:
        pdf = docx.with_suffix(".pdf")
        if not pdf.exists():
            raise SystemExit(f"{docx}: LibreOffice wrote no PDF")
        pin_pdf(pdf, hashlib.md5(docx.read_bytes()).hexdigest().upper().encode())


def pin_pdf(pdf: Path, file_id: bytes) -> None:
    """Replace the run-dependent creation date and the trailer's /ID and /DocChecksum with fixed values of the
    same length, so the xref offsets stay valid."""
    head, sep, trailer = pdf.read_bytes().rpartition(b"trailer")
    head, n_date = re.subn(
        rb"/CreationDate\(D:\d{14}", b"/CreationDate(D:" + PINNED.strftime("%Y%m%d%H%M%S").encode(), head
    )
    trailer, n_id = re.subn(rb"[0-9A-F]{32}", file_id, trailer)
    if (n_date, n_id) != (1, 3):
        raise SystemExit(f"{pdf}: unexpected trailer ({n_date} dates, {n_id} ids); cannot pin it")
    pdf.write_bytes(head + sep + trailer)


def scan_page(page: Image.Image, rng: random.Random) -> Image.Image:
    """One page as a flatbed scanner returns it: a little askew, soft strokes, paper tone, sensor noise."""
    angle = rng.uniform(0.3, 1.2) * rng.choice((-1, 1))
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255).filter(ImageFilter.GaussianBlur(0.6))
    noise = np.random.default_rng(rng.getrandbits(64)).normal(0, 5, (page.height, page.width))
    grey = np.asarray(page, dtype=np.float64) * 0.98 + noise
    return Image.fromarray(np.clip(grey, 0, 255).round().astype(np.uint8), "L")


def pdf_to_scan(pdf: Path) -> Path:
    """Render the PDF at 150 dpi grey and write the scanned pages as an image-only PDF."""
    rng = random.Random(f"{SEED}-{pdf.stem}-scan")
    pages = []
    doc = pdfium.PdfDocument(pdf)
    try:
        for page in doc:
            # pdfium rounds the bitmap size up (1651 rows for 11 in); a scanner gives exactly 150 per inch
            size = tuple(round(v * DPI / 72) for v in page.get_size())
            bitmap = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L").crop((0, 0, *size))
            pages.append(scan_page(bitmap, rng))
    finally:
        doc.close()
    out = pdf.with_name(f"{pdf.stem}-scan.pdf")
    pages[0].save(
        out,
        save_all=True,
        append_images=pages[1:],
        resolution=DPI,
        quality=QUALITY,
        title=pdf.stem,
        creationDate=PINNED.timetuple(),
        modDate=PINNED.timetuple(),
    )
    return out


def table_pages(pdf: Path) -> list[tuple[int, int]]:
    """(first page, page of the total row) per table, 1-based. Every table starts a page (page breaks between
    them), so a page with a name row starts the next table."""
    spans: list[list[int]] = []
    with pdfplumber.open(pdf) as doc:
        for no, page in enumerate(doc.pages, 1):
            text = re.sub(r"\s", "", page.extract_text() or "")
            if START.search(text):
                spans.append([no, 0])
            if END.search(text) and spans:
                spans[-1][1] = no
    return [(a, b) for a, b in spans]


def check(pdf: Path, scan: Path, names: list[str]) -> str:
    """Fail loudly if the text layer lacks a table's Chinese text or the scan has text or lost pages."""
    with pdfplumber.open(pdf) as doc:
        text = re.sub(r"\s", "", "".join(p.extract_text() or "" for p in doc.pages))
        n_pages = len(doc.pages)
    with pdfplumber.open(scan) as doc:
        scan_chars = sum(len(p.chars) for p in doc.pages)
        n_scan = len(doc.pages)
    missing = [n for n in names if re.sub(r"\s", "", n) not in text]
    if missing or scan_chars or n_scan != n_pages:
        raise SystemExit(
            f"{pdf.stem}: missing from text layer {missing}, {scan_chars} chars in the scan, "
            f"{n_scan} scan pages for {n_pages}"
        )
    spans = table_pages(pdf)
    if len(spans) != len(names) or any(b == 0 for _, b in spans):
        raise SystemExit(f"{pdf.stem}: found table spans {spans} for {len(names)} tables")
    over = [f"{i} (p{a}–{b})" for i, (a, b) in enumerate(spans, 1) if b > a]
    return (
        f"{pdf.stem}: {n_pages} pages, {pdf.stat().st_size // 1024} KB + scan {scan.stat().st_size // 1024} KB; "
        f"over a page break: {', '.join(over) or 'none'}"
    )


def make_set(name: str, profile: Path) -> list[str]:
    folder = OUT / name
    docxs = sorted(folder.glob("*.docx"))
    docx_to_pdfs(docxs, profile)
    names: dict[str, list[str]] = {}
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        names.setdefault(Path(rec["source"]["file"]).stem, []).append(rec["project_name"])
    return [check(d.with_suffix(".pdf"), pdf_to_scan(d.with_suffix(".pdf")), names[d.stem]) for d in docxs]


def main() -> None:
    sets = sys.argv[1:] or SETS
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(2) as pool:
        reports = pool.map(lambda job: make_set(job[1], Path(tmp) / f"lo_{job[0]}"), enumerate(sets))
        for name, lines in zip(sets, reports):
            print(f"{name}:", *lines, sep="\n  ")


if __name__ == "__main__":
    main()
