"""Copies of a corpus file with the same tables but other bytes: a batch of distinct files (identical files are
stored once)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path


def distinct_copy(src: Path, dest: Path) -> Path:
    """A .docx gets its path as zip comment, a PDF as a comment line after its end: readers see the same tables."""
    shutil.copy(src, dest)
    if dest.suffix.lower() == ".docx":
        with zipfile.ZipFile(dest, "a") as z:
            z.comment = str(dest).encode()
    else:
        with open(dest, "ab") as f:
            f.write(f"\n%{dest}\n".encode())
    return dest
