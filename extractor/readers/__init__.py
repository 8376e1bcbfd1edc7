"""Readers by input format, and `file_to_grids`, which picks one by the file's suffix."""

from __future__ import annotations

from pathlib import Path

from ._base import Reader, ReadResult
from ._docx import DocxReader
from ._pdf import PdfReader
from ._scan import ScanReader

_READERS: list[Reader] = [DocxReader(), PdfReader(), ScanReader()]


def register(reader: Reader) -> None:
    _READERS.insert(0, reader)


def supported_suffixes() -> set[str]:
    return {s for r in _READERS for s in r.suffixes}


def file_to_grids(path: Path) -> ReadResult:
    path = Path(path)
    if not path.exists():
        return ReadResult.failed(path, "file not found")
    if path.is_dir():  # a folder of page images: one document, pages in file-name order
        return ScanReader().read(path)
    if path.stat().st_size == 0:
        return ReadResult.failed(path, "file is empty (0 bytes)")
    suffix = path.suffix.lower()
    for reader in _READERS:
        if suffix in reader.suffixes:
            try:
                return reader.read(path)
            except Exception as exc:  # a reader bug must not stop the batch; the reason is kept
                return ReadResult.failed(path, f"could not be read: {type(exc).__name__}: {exc}")
    return ReadResult.failed(path, f"unsupported file type {suffix or '(none)'}")


__all__ = ["Reader", "ReadResult", "file_to_grids", "register", "supported_suffixes"]
