"""What a file is, from its first bytes and (for zip and OLE files) its parts: content decides, not the suffix.

A real .docx named .doc is read as a .docx; a PDF named .docx as a PDF. Legacy Office and WPS files (.doc,
.wps, .xls, .et: OLE compound files) and RTF are named with the way to convert them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SNIFF_BYTES = 8
_IMAGES = {b"\x89PNG": ".png", b"\xff\xd8\xff": ".jpg", b"II*\x00": ".tif", b"MM\x00*": ".tif", b"BM": ".bmp"}
# Where an OLE file names its main stream (UTF-16 directory entries); searched within this many bytes.
OLE_SCAN_BYTES = 16 << 20
_OLE_STREAMS = {
    "WordDocument".encode("utf-16-le"): ".doc",
    "Workbook".encode("utf-16-le"): ".xls",
    "Book".encode("utf-16-le"): ".xls",
}
# Formats jixiao does not read but can name, with what to convert them to.
LEGACY = {".doc": "docx", ".wps": "docx", ".rtf": "docx", ".xls": "xlsx", ".et": "xlsx"}


def sniff(path: Path) -> str | None:
    """The suffix this file's content has (".docx", ".xlsx", ".pdf", ".png", ".doc", ".xls", ".rtf" …), or None."""
    with open(path, "rb") as f:
        head = f.read(1024)
    if b"%PDF-" in head:
        return ".pdf"
    for magic, suffix in _IMAGES.items():
        if head.startswith(magic):
            return suffix
    if head.startswith(b"{\\rtf"):
        return ".rtf"
    if head.startswith(OLE):
        return _ole_kind(path, path.suffix.lower())
    if head.startswith(b"PK") and zipfile.is_zipfile(path):
        return _zip_kind(path)
    return None


def _zip_kind(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile:
        return None
    if any(n.startswith("word/") for n in names):
        return ".docx"
    if any(n.startswith("xl/") for n in names):
        return ".xlsx"
    return None


def _ole_kind(path: Path, suffix: str) -> str:
    with open(path, "rb") as f:
        data = f.read(OLE_SCAN_BYTES)
    for stream, kind in _OLE_STREAMS.items():
        if stream in data:
            # WPS and ET files are OLE files with Word's and Excel's streams: their own suffix says it best.
            return suffix if suffix in LEGACY and LEGACY[suffix] == LEGACY[kind] else kind
    return suffix if suffix in LEGACY else ".doc"


def convert_hint(path: Path, kind: str) -> str:
    target = LEGACY[kind]
    return (
        f"a {kind} file, which jixiao does not read: convert it to .{target} with LibreOffice "
        f"(soffice --headless --convert-to {target} {path.name}), or pass --convert when soffice is installed"
    )
