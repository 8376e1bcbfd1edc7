"""Readers by input format, and `file_to_grids`, which picks one by what the file is (its content, not its name)."""

from __future__ import annotations

from pathlib import Path

from ._base import Reader, ReadResult
from ._convert import converting, read_converted
from ._docx import DocxReader
from ._pdf import PdfReader
from ._scan import ScanReader
from ._sniff import LEGACY, convert_hint, sniff
from ._xlsx import XlsxReader

_READERS: list[Reader] = [DocxReader(), XlsxReader(), PdfReader(), ScanReader()]


def register(reader: Reader) -> None:
    _READERS.insert(0, reader)


def supported_suffixes() -> set[str]:
    return {s for r in _READERS for s in r.suffixes}


def _reader(kind: str) -> Reader | None:
    return next((r for r in _READERS if kind in r.suffixes), None)


def _read(reader: Reader, path: Path) -> ReadResult:
    try:
        result = reader.read(path)
    except Exception as exc:  # a reader bug must not stop the batch; the reason is kept
        return ReadResult.failed(path, f"could not be read: {type(exc).__name__}: {exc}")
    result.reader = result.reader or type(reader).__name__.removesuffix("Reader").lower()
    return result


def file_to_grids(path: Path) -> ReadResult:
    path = Path(path)
    if not path.exists():
        return ReadResult.failed(path, "file not found")
    if path.stat().st_size == 0:
        return ReadResult.failed(path, "file is empty (0 bytes)")
    suffix = path.suffix.lower()
    kind = sniff(path) or suffix
    if kind in LEGACY:
        if not converting():
            return ReadResult.failed(path, convert_hint(path, kind))
        target = "." + LEGACY[kind]
        result = read_converted(path, kind, lambda copy: _read(_reader(target), copy))
        result.reader = f"{result.reader} (converted from {kind})"
        return result
    reader = _reader(kind)
    if reader is None:
        return ReadResult.failed(path, f"unsupported file type {suffix or '(none)'}: its content is not a .docx, "
                                       ".xlsx, PDF or image")
    return _read(reader, path)


__all__ = ["LEGACY", "Reader", "ReadResult", "file_to_grids", "register", "sniff", "supported_suffixes"]
