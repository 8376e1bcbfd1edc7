"""Readers by input format, and `file_to_grids`, which picks one by the file's suffix."""

from __future__ import annotations

import logging
from importlib import import_module
from pathlib import Path

from ._base import Reader, ReadResult

log = logging.getLogger(__name__)


class OnDemand(Reader):
    """A reader imported with the first file it reads. OpenCV and onnxruntime (scans) take a second to
    load, lxml and pdfium a twentieth: a command that reads nothing, like `jixiao queue`, pays for none,
    and a .docx batch never loads the OCR. (A text PDF's scanned pages import the scan reader the same way.)"""

    def __init__(self, module: str, name: str, suffixes: tuple[str, ...]) -> None:
        self.module, self.name, self.suffixes = module, name, suffixes
        self._reader: Reader | None = None

    def load(self) -> Reader:
        if self._reader is None:
            self._reader = getattr(import_module(self.module, __name__), self.name)()
        return self._reader

    def read(self, path: Path) -> ReadResult:
        return self.load().read(path)


_READERS: list[Reader] = [
    OnDemand("._docx", "DocxReader", (".docx",)),
    OnDemand("._pdf", "PdfReader", (".pdf",)),
    OnDemand("._scan", "ScanReader", (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")),
]


def register(reader: Reader) -> None:
    _READERS.insert(0, reader)


def supported_suffixes() -> set[str]:
    return {s for r in _READERS for s in r.suffixes}


def file_to_grids(path: Path) -> ReadResult:
    path = Path(path)
    if not path.exists():
        return ReadResult.failed(path, "file not found")
    if path.stat().st_size == 0:
        return ReadResult.failed(path, "file is empty (0 bytes)")
    suffix = path.suffix.lower()
    for reader in _READERS:
        if suffix in reader.suffixes:
            try:
                return reader.read(path)
            except Exception as exc:  # a reader bug must not stop the batch; the reason is kept
                log.exception("%s: the %s reader failed", path, suffix)
                return ReadResult.failed(path, f"could not be read: {type(exc).__name__}: {exc}")
    return ReadResult.failed(path, f"unsupported file type {suffix or '(none)'}")


__all__ = ["OnDemand", "Reader", "ReadResult", "file_to_grids", "register", "supported_suffixes"]
