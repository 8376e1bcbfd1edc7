"""grids_to_chunks: one chunk per project table.

A project starts at its 项目名称 row (with the title rows just above it); a grid with
no 项目名称 continues the project before it while that project has not reached its
总分 row (a table that runs over a page break arrives as two grids).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._grid import Grid, slice_rows, stack

_TITLE = re.compile(r"自评表|[(（]\s*\d{4}\s*年")


@dataclass
class Chunk:
    file: str
    index: int
    grid: Grid

    @property
    def before(self) -> list[str]:
        return self.grid.before


def _row_keys(grid: Grid) -> list[list[str]]:
    return [[c.key for c in grid.row(r)] for r in range(grid.n_rows)]


def _starts(keys: list[list[str]]) -> list[int]:
    starts = []
    for r, row in enumerate(keys):
        if any(k.startswith("项目名称") for k in row):
            s = r
            while s > 0 and (not starts or s - 1 > starts[-1]) and any(_TITLE.search(k) for k in keys[s - 1]):
                s -= 1
            starts.append(s)
    return starts


def _has_total(keys: list[list[str]]) -> bool:
    return any(k in ("总分", "合计", "总计") for row in keys for k in row)


def grids_to_chunks(grids: list[Grid]) -> list[Chunk]:
    groups: list[list[Grid]] = []
    open_group = False  # the last project has not reached its 总分 row yet
    for g in grids:
        keys = _row_keys(g)
        bounds = _starts(keys)
        if not bounds:
            if groups and open_group:
                groups[-1].append(g)
                open_group = not _has_total(keys)
            continue
        if bounds[0] > 0 and groups and open_group:
            groups[-1].append(slice_rows(g, 0, bounds[0], 0))
        ends = bounds[1:] + [g.n_rows]
        for start, end in zip(bounds, ends):
            part = g if (start, end) == (0, g.n_rows) else slice_rows(g, start, end, g.index)
            if start == bounds[0] and start > 0 and not groups:
                part.before = list(g.before)
            groups.append([part])
        open_group = not _has_total(keys[bounds[-1]:])
    return [Chunk(gs[0].file, i, stack(gs, i)) for i, gs in enumerate(groups, 1)]
