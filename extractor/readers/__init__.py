"""Readers by input format, and `file_to_grids`, which picks one by the file's suffix."""

from __future__ import annotations

from pathlib import Path

from ._base import Reader, ReadResult
from ._docx import DocxReader
from ._pdf import PdfReader


class ScanOnDemand(Reader):
    """The scan reader, imported with its first image: OpenCV and onnxruntime take a second to load,
    which every other command (and every .docx-only batch) should not pay. A text PDF's scanned pages
    import it the same way, from the PDF reader."""

    suffixes = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")

    def read(self, path: Path) -> ReadResult:
        from ._scan import ScanReader

        return ScanReader().read(path)


_READERS: list[Reader] = [DocxReader(), PdfReader(), ScanOnDemand()]


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
                return ReadResult.failed(path, f"could not be read: {type(exc).__name__}: {exc}")
    return ReadResult.failed(path, f"unsupported file type {suffix or '(none)'}")


__all__ = ["Reader", "ReadResult", "file_to_grids", "register", "supported_suffixes"]
