"""A table that goes on over a page break: one column numbering, and the row cut in two joined.

Each page's part of a table is its own grid (the chunker joins the parts of a project), but
the parts must number their columns alike: a page whose rows never show a column split that
the header rows have (a 三级指标 two columns wide) has fewer column lines, so its columns are
renumbered onto the earlier page's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .._grid import Cell, Grid
from .._values import parse_number
from ._pdf_layout import join_wrap


def continue_columns(a: Grid, b: Grid, a_xs: list[int], b_xs: list[int], tol: int) -> bool:
    """Renumber b's columns onto a's when b's column lines are a's (tables aligned at their left border).

    False when b is not a's table going on (its columns are not a's): b is then left as it is.
    """
    if not a_xs or not b_xs:
        return False
    a_rel = [x - a_xs[0] for x in a_xs]
    index = []
    for x in b_xs:
        near = [j for j, ax in enumerate(a_rel) if abs(ax - (x - b_xs[0])) <= tol]
        if not near:
            return False
        index.append(near[0])
    if index[-1] != len(a_rel) - 1:
        return False
    for c in b.cells:
        start, stop = index[c.col], index[c.col + c.colspan]
        c.col, c.colspan = start, stop - start
    b.n_cols = a.n_cols
    b.forget_layout()
    return True


def _whole_numbers(up: Cell, down: Cell) -> bool:
    """Both cells hold a number that fitted its line: a weight or score under another is a new row, never
    the rest of one (a number that runs on over the break is a wrap, which the caller has seen)."""
    return all(parse_number(c.paragraphs).ok and parse_number(c.paragraphs).value is not None for c in (up, down))


def join_split_row(a: Grid, b: Grid, wrapped: Callable[[Cell, Cell], bool]) -> None:
    """A row cut by the page break: b's first row holds only the rest of the text of a's last row, some
    piece going on from a line of text that filled its cell above (`wrapped(upper, lower)`, which each
    reader answers from what it knows of its lines), and is empty under a cell whose text fitted on a's
    page. Its text goes back up to a's cells (a wrapped line joins, anything else is a paragraph of its
    own); a complete new row stays a row."""
    bottom = {(c.col, c.colspan): c for c in a.cells if c.row + c.rowspan == a.n_rows}
    pairs, fitted = [], False
    for c in b.cells:
        up = bottom.get((c.col, c.colspan)) if c.row == 0 else None
        if c.row == 0 and c.paragraphs:
            if up is None or not up.paragraphs:
                return
            pairs.append((up, c))
        elif up is not None and up.paragraphs and up.rowspan == c.rowspan == 1:
            fitted = True  # (an empty cell under a merged label is only the merge going on)
    cut = [wrapped(up, c) for up, c in pairs]
    if not (pairs and fitted and any(cut)) or any(
        _whole_numbers(up, c) and not joins for (up, c), joins in zip(pairs, cut)
    ):
        return
    for (up, c), joins in zip(pairs, cut):
        if joins:
            # New lists, not edits in place: a cell's cached text follows its paragraphs list.
            up.paragraphs = [*up.paragraphs[:-1], join_wrap(up.paragraphs[-1], c.paragraphs[0]), *c.paragraphs[1:]]
        else:
            up.paragraphs = up.paragraphs + c.paragraphs
        if up.confidence is not None or c.confidence is not None:
            up.confidence = min(v for v in (up.confidence, c.confidence) if v is not None)
    dropped = [c for c in b.cells if c.row == 0 and c.rowspan == 1]
    new_top = max((c.box.bottom for c in dropped if c.box), default=None)
    kept = []
    for c in b.cells:
        if c.row == 0 and c.rowspan == 1:
            continue
        if c.row == 0:
            c.rowspan -= 1
            c.paragraphs = [] if any(c is d for _, d in pairs) else c.paragraphs
            if c.box is not None and new_top is not None:
                c.box = replace(c.box, top=new_top)
        else:
            c.row = c.src_row = c.row - 1
        kept.append(c)
    b.cells, b.n_rows = kept, b.n_rows - 1
    b.forget_layout()
