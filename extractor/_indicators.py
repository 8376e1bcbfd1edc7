"""The indicator block: its header row(s) mapped to fields by meaning, then every row classified.

A column is named by the lowest header cell above it that the vocabulary knows; sub-columns of a split
年度指标值 (指标性质 | 指标值 | 度量单位) belong to the value their parent header names and are joined in
column order. Each row below is an indicator, a repeated header, a placeholder (dropped, with a
warning), the total row, or a trailing note; anything else is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ._cells import CellReader, shown
from ._codes import IssueCode
from ._fieldpath import field_path
from ._grid import Cell
from ._record import Indicator, Issue
from ._taxonomy import parent_of
from ._values import is_blank

TEXT_FIELDS = ("level1", "level2", "name", "target", "actual", "note")
NUMBER_FIELDS = ("weight", "score")
VALUE_FIELDS = ("target", "actual", "weight", "score", "note")
_POINTS_NOTE = re.compile(r"[(（][^)）]*\d+(\.\d+)?\s*分[^)）]*[)）]")


@dataclass
class Columns:
    """Grid columns by record field, in column order, and the header rows they were read from."""

    fields: dict[str, list[int]] = field(default_factory=dict)
    rows: range = range(0)
    # Columns read and not stored: known ones (序号, 评分标准) and unknown ones (reported once, at the header).
    ignored: set[int] = field(default_factory=set)

    def first(self, name: str) -> int | None:
        cols = self.fields.get(name)
        return cols[0] if cols else None


def is_indicator_header(r: CellReader, row: int) -> bool:
    found = {m.field for c in r.origins(row) if (m := r.vocab.match("indicator_columns", c.text, inside=True))}
    return "name" in found and len(found) >= 2


def _header_rows(r: CellReader, head: int) -> range:
    """The header row and the sub-header rows under it: rows of labels only. Header cells merged down make
    the header that deep (a block label beside it does not), unless the row they reach holds values: a
    ruling a scan did not show merges a header cell with the first indicator row."""

    def labels_only(row: int) -> bool:
        cells = [c for c in r.origins(row) if not is_blank(c.text)]
        return bool(cells) and all(
            r.vocab.field("indicator_parts", c.text) or r.vocab.field("indicator_columns", c.text) for c in cells
        )

    deepest = max(c.row + c.rowspan for c in r.origins(head) if r.vocab.match("indicator_columns", c.text, inside=True))
    row = head + 1
    while row < r.g.n_rows:
        inked = [c for c in r.origins(row) if not is_blank(c.text)]
        if not (labels_only(row) or (row < deepest and not inked)):
            break
        row += 1
    return range(head, row)


def map_columns(r: CellReader, head: int) -> Columns:
    cols = Columns(rows=_header_rows(r, head))
    roles: list[tuple[str, str | None] | None] = []  # per grid column: (field or part, parent field)
    for k in range(r.g.n_cols):
        stack: list[Cell] = []
        for row in cols.rows:
            c = r.g.at(row, k)
            if c is not None and (not stack or stack[-1] is not c):
                stack.append(c)
        roles.append(_role(r, stack))
    for k, role in enumerate(roles):
        if role is None:
            continue
        name, parent = role
        if name == "ignore":
            cols.ignored.add(k)
            continue
        if name.startswith("part:"):
            parent = parent or _attach(roles, k, name)
            if parent is None:
                continue
            name = parent
        cols.fields.setdefault(name, []).append(k)
    return cols


def _role(r: CellReader, stack: list[Cell]) -> tuple[str, str | None] | None:
    """What one column's header cells (top to bottom) make it: a field, a part of a field, or nothing."""
    for depth in range(len(stack) - 1, -1, -1):
        c = stack[depth]
        if is_blank(c.text):
            continue
        part = r.vocab.field("indicator_parts", c.text)
        parents = [p for p in stack[:depth] if r.vocab.match("indicator_columns", p.text, inside=True)]
        above = r.vocab.match("indicator_columns", parents[-1].text, inside=True) if parents else None
        parent = above.field if above is not None else None
        if part is not None and (parent in ("target", "actual") or not r.vocab.field("indicator_columns", c.text)):
            r.place(c, *parents)  # a parent printed once per sub-column is header text as well
            return f"part:{part}", parent if parent in ("target", "actual") else None
        m = r.vocab.match("indicator_columns", c.text, inside=True)
        if m is not None:
            r.place(c, *parents)
            return m.field, None
        if r.vocab.field("rows", c.text) == "indicator_block" or r.vocab.field("goals", c.text) == "block":
            r.place(c)
            return None
        if not r.is_placed(c):  # a header over several columns is reported once
            r.unmapped(
                c,
                "indicators",
                "error",
                "a column header the reader does not know; its column is not "
                "read (this one issue stands for all its cells)",
                "indicator_columns",
            )
        return "ignore", None
    return None


def _attach(roles: list, k: int, part: str) -> str | None:
    """A sub-column with no parent header: an operator belongs to the value after it, a unit to the one before."""
    step = 1 if part == "part:operator" else -1
    j = k + step
    while 0 <= j < len(roles):
        role = roles[j]
        if role is not None and role[0] in ("target", "actual"):
            return role[0]
        if role is not None and not role[0].startswith("part:"):
            return None
        j += step
    return None


@dataclass
class IndicatorBlock:
    indicators: list[Indicator] = field(default_factory=list)
    total_row: int | None = None
    columns: Columns = field(default_factory=Columns)


def read_indicators(r: CellReader, head: int) -> IndicatorBlock:
    block = IndicatorBlock(columns=map_columns(r, head))
    cols = block.columns
    carry: dict[str, str | None] = {"level1": None, "level2": None}
    row = cols.rows.stop
    while row < r.g.n_rows:
        cells = r.origins(row)
        inked = [c for c in cells if not is_blank(c.text)]
        if not inked:
            if any(c.text.strip() for c in cells):
                _dropped(r, cells, row, "a row of placeholders")
            row += 1
            continue
        first = inked[0]
        kind = r.vocab.match("rows", first.text)
        if kind is not None and kind.field == "total" and kind.how != "inside":
            block.total_row = row
            break
        if is_indicator_header(r, row):
            cols = map_columns(r, row)  # a repeated or a second block's header row
            block.columns.fields = {**cols.fields, **block.columns.fields}
            block.columns.ignored |= cols.ignored
            row = cols.rows.stop
            continue
        if kind is not None and kind.field == "trailing":
            return block
        if len(inked) == 1 and (kind is not None or r.vocab.field("goals", first.text) == "block"):
            r.place(first)  # a block label row (绩效指标, 年度绩效目标1(80分))
            row += 1
            continue
        _indicator_row(r, row, cols, carry, block.indicators)
        row += 1
    return block


def _dropped(r: CellReader, cells: list[Cell], row: int, what: str) -> None:
    r.place(*cells)
    text = " | ".join(c.text.strip() for c in cells if c.text.strip())
    r.issues.append(
        Issue(
            code=IssueCode.UNMAPPED_CELL,
            field="indicators",
            severity="warning",
            original=text,
            message=f"row {cells[0].src_row + 1}: {what} ({shown(text)}), not an indicator; dropped",
        )
    )


def _cells(r: CellReader, row: int, cols: list[int]) -> list[Cell]:
    out: list[Cell] = []
    for k in cols:
        c = r.g.at(row, k)
        if c is not None and all(c is not o for o in out):
            out.append(c)
    return out


def _indicator_row(r: CellReader, row: int, cols: Columns, carry: dict, out: list[Indicator]) -> None:
    name_col = cols.first("name")
    name_cell = r.g.at(row, name_col) if name_col is not None else None
    by_field = {f: _cells(r, row, ks) for f, ks in cols.fields.items()}
    own = {f: [c for c in cs if c.row == row] for f, cs in by_field.items()}
    values_blank = all(is_blank(c.text) or r.vocab.is_placeholder(c.text) for f in VALUE_FIELDS for c in own.get(f, []))
    name_text = name_cell.text if name_cell is not None and name_cell.row == row else ""
    if values_blank and (is_blank(name_text) or r.vocab.is_placeholder(name_text)):
        if name_text.strip() or any(c.text.strip() for cs in own.values() for c in cs):
            _dropped(r, r.origins(row), row, "a template's empty indicator row")
        for c in r.origins(row):
            if r.g.at(row, c.col) is c and c.col in (cols.fields.get("level1", []) + cols.fields.get("level2", [])):
                r.place(c)
        return
    if name_cell is not None and name_cell.row != row:
        # The name cell runs on from the row above, yet this row has values of its own.
        for c in r.origins(row):
            if not is_blank(c.text):
                r.unmapped(
                    c,
                    field_path("indicators", len(out) - 1) if out else "indicators",
                    "error",
                    "a value on a row whose 三级指标 cell belongs to the row above",
                )
        return
    i = len(out)
    values: dict[str, object] = {}
    for f, cells in by_field.items():
        path = field_path("indicators", i, f)
        if f in NUMBER_FIELDS:
            values[f] = _number(r, path, cells)
        elif f in carry:
            values[f] = _level(r, path, cells[0] if cells else None, carry, f)
        else:
            parts = [r.text(path, c) for c in cells if c.row == row or f != "name"]
            values[f] = "".join(p for p in parts if p) or None
    for c in r.origins(row):
        if c.col in cols.ignored:
            r.place(c)
        elif not r.is_placed(c) and not is_blank(c.text):
            r.unmapped(c, field_path("indicators", i), "error", "a cell under no known column")
    out.append(Indicator(**values))


def _number(r: CellReader, path: str, cells: list[Cell]) -> Decimal | None:
    inked = [c for c in cells if not is_blank(c.text)]
    for extra in inked[1:]:
        r.unmapped(extra, path, "error", "a second number under one column")
    return r.number(path, inked[0] if inked else (cells[0] if cells else None))


def _level(r: CellReader, path: str, cell: Cell | None, carry: dict, f: str) -> str | None:
    """Level 1/2 labels: merged cells cover their rows; forms without merges leave them blank below the first."""
    value = r.text(path, cell)
    if value is not None and f == "level1":
        bare = _POINTS_NOTE.sub("", value).strip()
        if not bare:
            # Only the block's points are printed (（50分）): the level 1 comes from the level 2, if anyone's.
            r.issues.append(
                Issue(
                    code=IssueCode.TAXONOMY_MISMATCH,
                    field=path,
                    original=value,
                    message=f"level 1 printed only as {shown(value)}: which level 1 is it?",
                )
            )
            carry[f] = None
            return None
        value = bare
    if value is not None and f == "level2" and value.endswith("等") and parent_of(value[:-1]):
        # 服务对象满意度指标等: the template's "and so on" after a framework label.
        r.issues.append(
            Issue.settled(
                IssueCode.MISPLACED_TEXT, path, f"level 2 printed as {shown(value)}; read as {value[:-1]}", value
            )
        )
        value = value[:-1]
    if value is None and carry[f] is not None and (cell is None or is_blank(cell.text)):
        value = carry[f]
    carry[f] = value
    return value


def read_totals(r: CellReader, row: int, cols: Columns) -> tuple[Decimal | None, Decimal | None]:
    """The total row: numbers under the 分值 and 得分 columns, or, where the label spans them, by position."""
    label = next(c for c in r.origins(row) if not is_blank(c.text))
    r.place(label)
    weight_cols, score_cols = set(cols.fields.get("weight", [])), set(cols.fields.get("score", []))
    found: dict[str, Cell] = {}
    loose: list[Cell] = []
    for c in r.g.row(row):
        if c is label or c.row != row or is_blank(c.text):
            continue
        span = set(range(c.col, c.col + c.colspan))
        under = [f for f, ks in (("total_weight", weight_cols), ("total_score", score_cols)) if span & ks]
        if len(under) == 1 and under[0] not in found:
            found[under[0]] = c
        else:
            loose.append(c)
    if loose and not found:
        if len(loose) == 2 and weight_cols:
            found = {"total_weight": loose[0], "total_score": loose[1]}
            loose = []
        elif len(loose) == 1:
            found = {"total_score": loose[0]}
            loose = []
            if weight_cols:
                r.issues.append(
                    Issue(
                        code=IssueCode.UNMAPPED_CELL,
                        field="total_score",
                        original=found["total_score"].text,
                        message="the total row has one number, under neither 分值 nor 得分: read as the total score",
                    )
                )
    for c in loose:
        r.unmapped(c, "total_score", "error", "a number in the total row under no known column")
    return r.number("total_weight", found.get("total_weight")), r.number("total_score", found.get("total_score"))
