"""Start-up: commands that read nothing load no reader, and the scan reader's models load with the first scan."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import CORPUS_DOCX

from extractor import readers

PROBE = """
import sys
from click.testing import CliRunner
from extractor.cli import main
CliRunner().invoke(main, {argv!r}, catch_exceptions=False)
print(" ".join(sorted(m for m in ("cv2", "onnxruntime", "lxml", "pypdfium2") if m in sys.modules)))
"""


@pytest.mark.parametrize("argv", [["--help"], ["queue"]])
def test_a_command_that_reads_nothing_loads_no_reader(argv):
    out = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


def test_a_docx_is_read_without_loading_the_ocr():
    probe = (
        "import sys\nfrom pathlib import Path\nfrom extractor import file_to_records\n"
        f"print(len(file_to_records(Path({str(CORPUS_DOCX)!r})).records), 'cv2' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["23", "False"]


def test_each_reader_loaded_on_demand_reads_the_suffixes_it_is_listed_for():
    for entry in readers._READERS:
        assert isinstance(entry, readers.OnDemand)
        assert type(entry.load()).suffixes == entry.suffixes
