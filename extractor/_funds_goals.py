"""The fund block (项目资金 … 年度资金总额 …) and the goal block (年度总体目标: 预期目标 / 实际完成情况).

Both are found by their labels through the vocabulary, wherever they stand above the indicators.
A fund row the record has no key for (财政专户管理资金, 中央资金 …) is placed and left out, never
added into another row; a fund row the vocabulary does not know is reported.
"""

from __future__ import annotations

from ._cells import CellReader, shown
from ._codes import IssueCode
from ._fieldpath import field_path
from ._grid import Cell
from ._record import AMOUNT_COLUMNS, ExtraFundRow, FundRow, Funds, Issue
from ._values import clean
from ._vocab import Section, label_key

_AMOUNTS = set(AMOUNT_COLUMNS)
# More characters than this after a goal header are goal text printed in the header cell.
_GLUED_TEXT = 6
_NEXT_BLOCKS: tuple[Section, ...] = ("goals", "indicator_columns", "header", "rows")


def fund_header(r: CellReader, row: int) -> dict[str, Cell] | None:
    """The fund columns named on this row, when it is the fund block's header row."""
    cols: dict[str, Cell] = {}
    for c in r.origins(row):
        m = r.vocab.match("fund_columns", c.text)
        if m is not None and m.field != "ignore" and m.field not in cols:
            cols[m.field] = c
    if len(cols) >= 2 and _AMOUNTS & set(cols):
        return cols
    return None


def _ignored_columns(r: CellReader, row: int) -> list[Cell]:
    """Header cells of fund columns that are no record fields (原因, 备注)."""
    return [c for c in r.origins(row) if r.vocab.field("fund_columns", c.text) == "ignore"]


def read_funds(
    r: CellReader, head_row: int, cols: dict[str, Cell], stop: int, unit: str | None
) -> tuple[Funds, list[ExtraFundRow], int]:
    """Fund rows below the header row, until a row that is not a fund row: the funds, the rows the record has no
    key for, and the row where the block ends."""
    funds = Funds()
    extras: list[ExtraFundRow] = []
    for c in cols.values():
        r.place(c)
        m = r.vocab.match("fund_columns", c.text)
        if m is not None and m.how == "glued":
            r.issues.append(
                Issue(
                    code=IssueCode.MISPLACED_TEXT,
                    field="funds",
                    severity="warning",
                    message=f"header {m.label} carries other text: {shown(c.text)}",
                )
            )
    first_value_col = min(c.col for c in cols.values())
    ignored = _ignored_columns(r, head_row)
    r.place(*ignored)
    for c in r.g.row(head_row):
        if c.col < first_value_col:
            r.place(c)  # the block's label: 项目资金（万元）
    seen: set[str] = set()
    row = head_row + 1
    while row < stop:
        label_cells = [c for c in r.g.row(row) if c.col < first_value_col]
        own = [c for c in label_cells if c.row == row]
        value_cells = [c for c in r.origins(row) if c.col >= first_value_col]
        if not own and not value_cells:
            row += 1
            continue
        label = "".join(c.text for c in label_cells if c.row == row or c.rowspan == 1) or "".join(c.text for c in own)
        m = r.vocab.match("fund_rows", label)
        if m is None and _leaves_block(r, row):
            break
        r.place(*label_cells)
        r.place(*(r.g.at(row, h.col) for h in ignored))
        if m is None:
            if any(not r.blank(c) for c in value_cells):
                r.unknown[("fund_rows", clean(label))] = None
                for c in value_cells:
                    if not r.blank(c):
                        r.unmapped(c, "funds", "error", f"a fund row the reader does not know ({shown(label)})")
            row += 1
            continue
        if m.field == "extra" or m.field in seen:
            # A row by level of government, or a second row of a kind already read: kept apart, never added in.
            r.place(*value_cells)
            extra = _fund_row(r, row, field_path("extra_fund_rows", len(extras)), cols, unit)
            extras.append(ExtraFundRow(label=label_key(label), **extra.model_dump()))
            row += 1
            continue
        seen.add(m.field)
        setattr(funds, m.field, _fund_row(r, row, f"funds.{m.field}", cols, unit))
        row += 1
    return funds, extras, row


def _leaves_block(r: CellReader, row: int) -> bool:
    """The row belongs to the next block (goals, indicators, header labels), not to the funds."""
    for c in r.origins(row):
        if any(r.vocab.field(s, c.text) for s in ("goals", "indicator_columns", "header", "rows")):
            return True
    return False


def _fund_row(r: CellReader, row: int, where: str, cols: dict[str, Cell], unit: str | None) -> FundRow:
    values: dict[str, object] = {}
    for col_name, hcell in cols.items():
        cell = r.g.at(row, hcell.col)
        if cell is None or cell.row + cell.rowspan <= row or cell is hcell:
            continue
        path = f"{where}.{col_name}"
        if col_name == "execution_rate":
            values[col_name] = r.text(path, cell)
        else:
            values[col_name] = r.number(path, cell, unit if col_name in _AMOUNTS else None)
    return FundRow(**values)


# -- goals ------------------------------------------------------------------------------------------


def read_goals(r: CellReader, rows: range) -> tuple[str | None, str | None]:
    exp_h = act_h = block = None
    for row in rows:
        for c in r.origins(row):
            if r.is_placed(c):
                continue
            kind = r.vocab.match("goals", c.text)
            if kind is None:
                continue
            exact = r.vocab.field("goals", c.text)
            # Goal text glued onto its header cell counts; a longer label that merely starts like one does not.
            header = exact or (kind.how == "glued" and len(label_key(c.text)) - len(kind.label) > _GLUED_TEXT)
            if kind.field == "goal_expected" and exp_h is None and header:
                exp_h = c
            elif kind.field == "goal_actual" and act_h is None and header:
                act_h = c
            elif kind.field == "block" and block is None and exact:
                block = c
            elif kind.field == "ignore" and exact:
                # 项目实施内容及过程概述: a known label whose prose is no record field.
                r.place(c, r.right_of(c))
    r.place(block, exp_h, act_h)
    if exp_h is None and act_h is None:
        if block is None:
            return None, None
        return r.text("goal_expected", r.right_of(block), "\n"), None
    same_row = exp_h is not None and act_h is not None and exp_h.row == act_h.row
    slots = []
    for path, h in (("goal_expected", exp_h), ("goal_actual", act_h)):
        if h is None:
            continue
        below = r.below(h)
        # A header with its value under it (the MoF form), or a label with its value beside it (label-left forms).
        use_below = (
            same_row
            or (exp_h is None or act_h is None)
            and (below is not None and not r.blank(below) and not r.vocab.is_label(below.text, _NEXT_BLOCKS))
        )
        slots.append((path, h, below if use_below else r.right_of(h)))
    texts = {path: r.text(path, cell, "\n") for path, _, cell in slots}
    glued = [
        clean(h.text)[len(m.label) :].strip(" :：")
        for _, h, _ in slots
        if (m := r.vocab.match("goals", h.text)) is not None and m.how == "glued"
    ]
    if not glued:
        return texts.get("goal_expected"), texts.get("goal_actual")
    # Text sits in a header cell: values follow reading order, header text first.
    found = [t for t in glued if t] + [t for t in texts.values() if t]
    r.issues.append(
        Issue(
            code=IssueCode.MISPLACED_TEXT,
            field="goal_expected",
            severity="warning",
            message="goal text found in a header cell; goals re-read in reading order",
        )
    )
    return (found[0] if found else None), (found[1] if len(found) > 1 else None)
