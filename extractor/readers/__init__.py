"""Readers by input format, and `file_to_grids`, which picks one by what the file is (its content, not its name)."""

from __future__ import annotations

import logging
from importlib import import_module
from pathlib import Path

from ._base import Reader, ReadResult
from ._convert import converting, read_converted
from ._sniff import LEGACY, convert_hint, sniff

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
    OnDemand("._xlsx", "XlsxReader", (".xlsx", ".xlsm")),
    OnDemand("._pdf", "PdfReader", (".pdf",)),
    _SCAN := OnDemand("._scan", "ScanReader", (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")),
]


def register(reader: Reader) -> None:
    """Read the reader's suffixes with it, before the built-in readers."""
    _READERS.insert(0, reader)


def unregister(reader: Reader) -> None:
    _READERS.remove(reader)


def supported_suffixes() -> set[str]:
    return {s for r in _READERS for s in r.suffixes}


def _reader(kind: str) -> Reader | None:
    return next((r for r in _READERS if kind in r.suffixes), None)


def _read(reader: Reader, path: Path) -> ReadResult:
    try:
        result = reader.read(path)
    except Exception as exc:  # a reader bug must not stop the batch; the reason is kept
        log.exception("%s: the %s reader failed", path, path.suffix.lower())
        return ReadResult.failed(path, f"could not be read: {type(exc).__name__}: {exc}")
    name = getattr(reader, "name", type(reader).__name__)
    result.reader = result.reader or name.removesuffix("Reader").lower()
    return result


def file_to_grids(path: Path) -> ReadResult:
    path = Path(path)
    if not path.exists():
        return ReadResult.failed(path, "file not found")
    if path.is_dir():  # a folder of page images: one document, pages in file-name order
        return _read(_SCAN, path)
    if path.stat().st_size == 0:
        return ReadResult.failed(path, "file is empty (0 bytes)")
    suffix = path.suffix.lower()
    kind = sniff(path) or suffix
    if kind in LEGACY:
        if not converting():
            return ReadResult.failed(path, convert_hint(path, kind))
        target = "." + LEGACY[kind]
        copy_reader = _reader(target)
        if copy_reader is None:
            return ReadResult.failed(path, f"no reader for the {target} files {kind} converts to")
        result = read_converted(path, kind, lambda copy: _read(copy_reader, copy))
        result.reader = f"{result.reader} (converted from {kind})"
        return result
    reader = _reader(kind)
    if reader is None:
        return ReadResult.failed(
            path, f"unsupported file type {suffix or '(none)'}: its content is not a .docx, .xlsx, PDF or image"
        )
    return _read(reader, path)


__all__ = [
    "LEGACY",
    "OnDemand",
    "Reader",
    "ReadResult",
    "file_to_grids",
    "register",
    "sniff",
    "supported_suffixes",
    "unregister",
]
