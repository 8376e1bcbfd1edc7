"""Cell grids: the one shape every reader produces and every later stage consumes.

A grid keeps merged cells as one origin cell with a row/column span, so a label
that spans four rows is read once and can still be found from any row it covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from ._text import normalize


@dataclass(frozen=True, slots=True)
class Box:
    """Where a cell sits on a rendered page, in PDF points from the top-left corner."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(slots=True)
class Cell:
    """One origin cell. The text and the label key are worked out on first use and kept (a file's
    chunking and checks ask for them hundreds of thousands of times), also by a grid joined or sliced
    from this one; they are worked out again when `paragraphs` is given a new list. A reader that edits
    the list in place does so before anything reads the text."""

    row: int
    col: int
    paragraphs: list[str]
    rowspan: int = 1
    colspan: int = 1
    # Provenance: the source table in the file and the cell's position there, which
    # survive when a chunk re-numbers rows after joining a table split over pages.
    table: int = 0
    src_row: int = 0
    src_col: int = 0
    box: Box | None = None
    confidence: float | None = None
    # Why the reading is doubtful, for a reviewer ("under a seal"), and a second reading that disagrees
    # (the scan's own text layer); a cell with a doubt has its confidence under the review threshold.
    doubt: str | None = None
    alt: str | None = None
    _text_of: list[str] | None = field(default=None, repr=False, compare=False)  # the list _text was made from
    _text: str = field(default="", repr=False, compare=False)
    _key: str | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        if self._text_of is not self.paragraphs:
            self._text, self._key, self._text_of = "\n".join(self.paragraphs).strip(), None, self.paragraphs
        return self._text

    @property
    def key(self) -> str:
        """The text as a label: NFKC, no whitespace, so 社会效益\\n指标 matches 社会效益指标."""
        if self._key is None or self._text_of is not self.paragraphs:
            self._key = normalize(self.text)
        return self._key

    @property
    def ref(self) -> str:
        """A cell id that is stable within a chunk: used by the LLM backend and the review page."""
        return f"r{self.row}c{self.col}"


class Spanning(Protocol):
    row: int
    col: int
    rowspan: int
    colspan: int


def cover_map(cells: Sequence[Spanning]) -> dict[tuple[int, int], int]:
    """(row, col) → index of the cell covering it: a merged cell answers for every position it spans."""
    return {
        (r, k): i
        for i, c in enumerate(cells)
        for r in range(c.row, c.row + c.rowspan)
        for k in range(c.col, c.col + c.colspan)
    }


@dataclass(slots=True)
class Grid:
    file: str
    index: int
    n_rows: int
    n_cols: int
    cells: list[Cell]
    # Paragraphs between the previous table and this one: a title may sit outside the table.
    before: list[str] = field(default_factory=list)
    _cover: dict[tuple[int, int], Cell] | None = field(default=None, repr=False)
    _rows: dict[int, list[Cell]] = field(default_factory=dict, repr=False)

    def forget_layout(self) -> None:
        """Cells were moved or renumbered: the lookups built from the old layout are stale."""
        self._cover, self._rows = None, {}

    def at(self, row: int, col: int) -> Cell | None:
        """The origin cell covering (row, col): merged cells answer for every position they span."""
        if self._cover is None:
            self._cover = {pos: self.cells[i] for pos, i in cover_map(self.cells).items()}
        return self._cover.get((row, col))

    def row(self, row: int) -> list[Cell]:
        """Distinct cells covering a row, left to right (a cell merged down appears in each row it covers)."""
        cached = self._rows.get(row)
        if cached is not None:
            return cached
        out: list[Cell] = []
        for col in range(self.n_cols):
            c = self.at(row, col)
            if c is not None and (not out or out[-1] is not c):
                out.append(c)
        self._rows[row] = out
        return out


def stack(grids: list[Grid], index: int) -> Grid:
    """Join grids top to bottom (a table that runs over a page break) into one grid."""
    if len(grids) == 1 and grids[0].index == index:
        return grids[0]
    cells: list[Cell] = []
    offset = 0
    for g in grids:
        cells += [replace(c, row=c.row + offset) for c in g.cells]
        offset += g.n_rows
    return Grid(grids[0].file, index, offset, max(g.n_cols for g in grids), cells, list(grids[0].before))


def slice_rows(grid: Grid, start: int, stop: int, index: int) -> Grid:
    """Rows [start, stop) of a grid as a grid of their own (a file with two projects in one table)."""
    cells = [
        replace(c, row=c.row - start, rowspan=min(c.rowspan, stop - c.row)) for c in grid.cells if start <= c.row < stop
    ]
    return Grid(grid.file, index, stop - start, grid.n_cols, cells, list(grid.before) if start == 0 else [])
