"""Legacy files (.doc, .wps, .xls, .et, .rtf) converted with LibreOffice when asked (`--convert`).

soffice runs headless with a profile of its own per call (two conversions at once would otherwise fight over
the user's profile), the file passed by absolute path (a name starting with `-` is never an option), and a
time limit; the converted copy lives in a temporary folder that is removed after reading.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .._settings import current
from ._base import ReadResult
from ._sniff import LEGACY


@dataclass(frozen=True)
class ConvertSettings:
    command: str = "soffice"
    seconds: float = 120.0


def converting() -> bool:
    return current().convert


def soffice(settings: ConvertSettings | None = None) -> str | None:
    return shutil.which((settings or ConvertSettings()).command)


def read_converted(
    path: Path, kind: str, read: Callable[[Path], ReadResult], settings: ConvertSettings | None = None
) -> ReadResult:
    """Convert `path` to .docx/.xlsx and read the copy with `read`; the result speaks of the original file."""
    settings = settings or ConvertSettings()
    exe = soffice(settings)
    if exe is None:
        return ReadResult.failed(path, f"a {kind} file: --convert needs LibreOffice (soffice) on PATH")
    target = LEGACY[kind]
    with tempfile.TemporaryDirectory(prefix="jixiao-convert-") as tmp:
        src = Path(tmp) / f"in{kind}"  # a plain name: soffice names its output after its input
        shutil.copyfile(path, src)
        try:
            subprocess.run(
                [
                    exe,
                    f"-env:UserInstallation=file://{tmp}/profile",
                    "--headless",
                    "--convert-to",
                    target,
                    "--outdir",
                    tmp,
                    str(src),
                ],
                capture_output=True,
                timeout=settings.seconds,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return ReadResult.failed(path, f"converting the {kind} file took longer than {settings.seconds:.0f} s")
        out = Path(tmp) / f"in.{target}"
        if not out.exists():
            return ReadResult.failed(path, f"LibreOffice could not convert the {kind} file")
        result = read(out)
    result.file = path
    return result
