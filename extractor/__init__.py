"""jixiao: performance self-evaluation tables (财政项目支出绩效自评表) into checked records.

The public API, re-exported in one place; the modules behind it are private.
"""

from ._batch import FileOutcome, RunSummary, batch_root, iter_files, run
from ._checks import record_to_issues
from ._chunk import Chunk, grids_to_chunks
from ._export import export
from ._grid import Box, Cell, Grid
from ._guard import Limits
from ._pipeline import Extractor, FileResult, TemplateExtractor, file_to_records, recheck
from ._record import SCHEMA, CellRef, FundRow, Funds, Indicator, Issue, Record, Source
from ._resolve import resolve
from ._template import ExtractResult, chunk_to_record
from .readers import ReadResult, file_to_grids
from .store import Store, data_dir

__all__ = [
    "SCHEMA",
    "Box",
    "Cell",
    "CellRef",
    "Chunk",
    "ExtractResult",
    "Extractor",
    "FileOutcome",
    "FileResult",
    "FundRow",
    "Funds",
    "Grid",
    "Indicator",
    "Issue",
    "Limits",
    "ReadResult",
    "Record",
    "RunSummary",
    "Source",
    "Store",
    "TemplateExtractor",
    "batch_root",
    "chunk_to_record",
    "data_dir",
    "export",
    "file_to_grids",
    "file_to_records",
    "grids_to_chunks",
    "iter_files",
    "recheck",
    "record_to_issues",
    "resolve",
    "run",
]
