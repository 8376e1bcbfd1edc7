"""Fingerprints of every grid the .docx reader makes from the bundled documents.

Taken with the reader before its one-pass rewrite; a reader change that moves a single
span, paragraph or title line changes a fingerprint. Refresh on purpose only:

    .venv/bin/python tests/docx_snapshot.py > tests/data/docx_grids.json
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from extractor import Grid, file_to_grids

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "eval_sets").rglob("*.docx"))


def fingerprint(grid: Grid) -> str:
    cells = [[c.row, c.col, c.paragraphs, c.rowspan, c.colspan, c.table, c.src_row, c.src_col] for c in grid.cells]
    dump = json.dumps([grid.index, grid.n_rows, grid.n_cols, grid.before, cells], ensure_ascii=False)
    return hashlib.sha256(dump.encode()).hexdigest()[:16]


def snapshot() -> dict[str, list[str]]:
    return {str(p.relative_to(ROOT)): [fingerprint(g) for g in file_to_grids(p).grids] for p in DOCS}


if __name__ == "__main__":
    print(json.dumps(snapshot(), ensure_ascii=False, indent=1))
