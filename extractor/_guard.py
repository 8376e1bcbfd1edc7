"""What a file must pass before a reader opens it, and the per-file limits it is read under.

Only regular files are read: a device (/dev/zero) or a FIFO named on the command line would
otherwise be hashed, or read, forever. Hashing reads at most the size the file had when it was
looked at, within the file limits. Inside the worker, before the reader runs, a zip-based file
(.docx) must declare no more unpacked bytes than allowed (Python's zipfile never inflates past a
member's declared size, so the declaration bounds the work) and a PDF must have no more pages
than the page budget.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ._settings import Settings

_KINDS = {
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}
MIB = 1 << 20


@dataclass
class Limits:
    seconds: float = 300.0  # per file, reading included
    memory_mb: int = 4096  # per worker process
    file_mb: int = 2048  # the file itself
    unpacked_mb: int = 1024  # what a .docx (zip) says its parts inflate to
    pages: int = 1000  # pages of one PDF
    # What the CLI was given (the PDF password, --convert …): installed in the worker that reads the file.
    settings: Settings | None = None


class Refused(Exception):
    """A file that is not read, with the reason a person can act on."""


def open_regular(path: Path) -> tuple[int, os.stat_result]:
    """An open descriptor of a regular file; a FIFO is opened without waiting for a writer, then refused."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise Refused(f"not a regular file ({_KINDS.get(stat.S_IFMT(st.st_mode), 'special')}): not read")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    st = os.fstat(fd)  # what was opened, which may not be what was looked at
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise Refused("not a regular file (replaced while being opened): not read")
    return fd, st


def sha256(path: Path, limits: Limits | None = None) -> tuple[str, int]:
    """The content hash and size of a regular file within the file limits (Refused otherwise); a folder of
    page images read as one document hashes its pages in order."""
    limits = limits or Limits()
    if path.is_dir():
        from .readers._base import folder_images

        parts = folder_images(path)
    else:
        parts = [path]
    h, total, deadline = hashlib.sha256(), 0, time.monotonic() + limits.seconds
    for part in parts:
        fd, st = open_regular(part)
        total += st.st_size
        if total > limits.file_mb * MIB:
            os.close(fd)
            raise Refused(f"{total / MIB:.0f} MiB is over the {limits.file_mb} MiB file limit: not read")
        left = st.st_size
        with os.fdopen(fd, "rb") as f:
            while left > 0:
                block = f.read(min(left, MIB))
                if not block:
                    break
                h.update(block)
                left -= len(block)
                if time.monotonic() > deadline:
                    raise Refused(f"hashing took longer than the {limits.seconds:g} s limit: not read")
    return h.hexdigest(), total


def check_contents(path: Path, limits: Limits) -> str:
    """Why a file's contents are refused before reading (a zip bomb, a PDF over the page budget), or ''."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                declared = sum(info.file_size for info in z.infolist())
            if declared > limits.unpacked_mb * MIB:
                return (
                    f"its parts declare {declared / MIB:.0f} MiB unpacked, over the {limits.unpacked_mb} MiB "
                    "limit (a zip bomb?): not read"
                )
        elif path.suffix.lower() == ".pdf" or _is_pdf(path):
            pages = _pdf_pages(path)
            if pages > limits.pages:
                return f"{pages} pages is over the {limits.pages}-page budget per file: not read"
    except (OSError, zipfile.BadZipFile):
        return ""  # the reader says what is wrong with it, in its own words
    return ""


def _is_pdf(path: Path) -> bool:
    from .readers._sniff import sniff  # what the reader will take it for, whatever its name

    return sniff(path) == ".pdf"


def _pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    from .readers._base import pdf_password

    try:
        pdf = pdfium.PdfDocument(path, password=pdf_password())
    except pdfium.PdfiumError:
        return 0  # encrypted or broken: the reader reports it
    try:
        return len(pdf)
    finally:
        pdf.close()
