"""One reader per input format behind a small base class.

Expected trouble (a 0-byte file, a corrupt archive, a PDF with no table) comes back
as a ReadResult with status "failed" and a reason a person can act on, never as an
exception, so a batch can go on past it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .._codes import ReadStatus
from .._grid import Grid
from .._settings import current


@dataclass
class ReadResult:
    file: Path
    status: ReadStatus = "ok"
    grids: list[Grid] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pages: int = 0
    # Paragraphs after the last table: a table that a conversion turned into plain text may sit there.
    tail: list[str] = field(default_factory=list)
    reader: str = ""  # which reader read it (docx, xlsx, pdf, scan …), for the record's stamp
    # Pages that gave no table, each with why (blank, no ruled table, could not be read or rectified):
    # no page of a file is lost in silence, whatever became of the others.
    page_notes: list[tuple[int, str]] = field(default_factory=list)

    def page_report(self) -> list[str]:
        return [f"page {n}: {why}" for n, why in sorted(self.page_notes)]

    @classmethod
    def failed(cls, file: Path, reason: str) -> ReadResult:
        return cls(file=file, status="failed", errors=[reason])


class Reader:
    """Turns one file into cell grids in reading order."""

    suffixes: tuple[str, ...] = ()

    def read(self, path: Path) -> ReadResult:
        raise NotImplementedError


def pdf_password() -> str | None:
    """The password for encrypted PDFs (`--password` or $JIXIAO_PDF_PASSWORD): the workers get it in their limits."""
    return current().pdf_password or None


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")


def folder_images(folder: Path) -> list[Path]:
    """The page images of a folder read as one document, in file-name order (kept here, free of OpenCV, so a
    batch can list them without loading the scan reader)."""
    return sorted(
        (p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES), key=lambda p: p.name
    )
