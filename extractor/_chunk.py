"""grids_to_chunks: one chunk per project table.

A project starts at its 项目名称 row (any label the vocabulary gives for the project name, with the title
rows just above it); a grid with no such row continues the project before it while that project has not
reached its total row (a table that runs over a page break arrives as two grids). A table with a
项目名称 column that is not a self-evaluation table (a budget summary in a report) is set aside, not
numbered: `source.table` counts self-evaluation tables only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._grid import Grid, slice_rows, stack
from ._vocab import Section, Vocabulary, flatten, vocabulary

_TITLE = re.compile(r"自评表|[(（]\s*\d{4}\s*年")
# Labels only a self-evaluation table prints: its indicator headers and its goal block.
_SELF_EVALUATION: tuple[Section, ...] = ("indicator_columns", "goals")


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


def _starts(keys: list[list[str]], vocab: Vocabulary) -> list[int]:
    starts: list[int] = []
    for r, row in enumerate(keys):
        if any(
            (m := vocab.match("header", k)) is not None and m.field == "project_name" and m.how != "inside" for k in row
        ):
            s = r
            while s > 0 and (not starts or s - 1 > starts[-1]) and any(_TITLE.search(k) for k in keys[s - 1]):
                s -= 1
            starts.append(s)
    return starts


def _has_total(keys: list[list[str]], vocab: Vocabulary) -> bool:
    return any(vocab.field("rows", k) == "total" for row in keys for k in row)


def is_self_evaluation(grid: Grid, vocab: Vocabulary | None = None) -> bool:
    """Whether a table prints what only a self-evaluation table prints (三级指标, 年度总体目标 …), or its title."""
    vocab = vocab or vocabulary()
    hits = {vocab.field(s, c.text) for c in grid.cells for s in _SELF_EVALUATION}
    if {"name", "level1", "level2", "block", "goal_expected", "goal_actual"} & hits:
        return True
    return any("自评表" in c.key for c in grid.cells) or any("自评表" in t for t in grid.before[-3:])


def grids_to_chunks(grids: list[Grid], vocab: Vocabulary | None = None) -> list[Chunk]:
    """Self-evaluation tables in reading order, numbered from 1."""
    return sort_tables(grids, vocab)[0]


def sort_tables(grids: list[Grid], vocab: Vocabulary | None = None) -> tuple[list[Chunk], list[Chunk]]:
    """Self-evaluation tables (numbered from 1), and the tables with a 项目名称 column that are not (index 0)."""
    vocab = vocab or vocabulary()
    groups: list[list[Grid]] = []
    open_group = False  # the last project has not reached its total row yet
    for g in grids:
        keys = _row_keys(g)
        bounds = _starts(keys, vocab)
        if not bounds:
            if groups and open_group:
                groups[-1].append(g)
                open_group = not _has_total(keys, vocab)
            continue
        if bounds[0] > 0 and groups and open_group:
            groups[-1].append(slice_rows(g, 0, bounds[0], 0))
        ends = bounds[1:] + [g.n_rows]
        for start, end in zip(bounds, ends):
            part = g if (start, end) == (0, g.n_rows) else slice_rows(g, start, end, g.index)
            if start == bounds[0] and start > 0 and not groups:
                part.before = list(g.before)
            groups.append([part])
        open_group = not _has_total(keys[bounds[-1] :], vocab)
    chunks: list[Chunk] = []
    others: list[Chunk] = []
    for gs in groups:
        grid = stack(gs, gs[0].index)
        if is_self_evaluation(grid, vocab):
            grid.index = len(chunks) + 1
            chunks.append(Chunk(gs[0].file, grid.index, grid))
        else:
            others.append(Chunk(gs[0].file, 0, grid))
    return chunks, others


def reads_like_table(paragraphs: list[str], vocab: Vocabulary | None = None) -> str | None:
    """The project name (or "?"), when plain paragraphs read like a self-evaluation table: a project-name label
    followed by an indicator header (三级指标 …). A conversion may keep each cell a paragraph or run a whole
    table together into a few, so the text is searched as one."""
    vocab = vocab or vocabulary()
    text = flatten("".join(paragraphs))
    labels = sorted(vocab.labels_of("header"), key=len, reverse=True)
    starts = [(text.find(k), k) for k, f in labels if f == "project_name" and k in text]
    if not starts:
        return None
    at, label = min(starts)
    rest = text[at + len(label) :]
    if not any(k in rest for k, f in vocab.labels_of("indicator_columns") if f in ("name", "level1", "level2")):
        return None
    # The name runs up to the next label a form prints after it (主管部门, 实施单位 …).
    ends = [rest.find(k) for k, _ in labels if k in rest[1:]] + [len(rest)]
    return rest[: min(min(e for e in ends if e > 0), 40)] or "?"
