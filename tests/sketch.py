"""Tables sketched as text, for tests of forms other than the corpus's.

One line a row, cells split by `|`. A cell `text*3` spans three columns, `text^2` two rows (both: `text*3^2`);
`<` stands for a position covered by a cell merged down from above; `~` is a blank cell. Paragraphs of one
cell are split by `/`.
"""

from __future__ import annotations

import re

from extractor import Cell, Chunk, Grid

_SPAN = re.compile(r"^(.*?)(?:\*(\d+))?(?:\^(\d+))?$")


def grid(sketch: str, file: str = "form-2021.docx", index: int = 1, before: list[str] | None = None) -> Grid:
    cells: list[Cell] = []
    covered: set[tuple[int, int]] = set()
    rows = [line.strip() for line in sketch.strip().splitlines() if line.strip()]
    n_cols = 0
    for r, line in enumerate(rows):
        col = 0
        for part in (p.strip() for p in line.split("|")):
            while (r, col) in covered:
                col += 1
            if part == "<":
                continue
            m = _SPAN.match(part)
            text, colspan, rowspan = m.group(1), int(m.group(2) or 1), int(m.group(3) or 1)
            paragraphs = [] if text == "~" else text.split("/")
            cells.append(Cell(r, col, paragraphs or [""], rowspan, colspan, index, r, col))
            for dr in range(rowspan):
                for dc in range(colspan):
                    covered.add((r + dr, col + dc))
            col += colspan
        n_cols = max(n_cols, col)
    return Grid(file, index, len(rows), n_cols, cells, before or [])


def chunk(sketch: str, **kw) -> Chunk:
    g = grid(sketch, **kw)
    return Chunk(g.file, g.index, g)
