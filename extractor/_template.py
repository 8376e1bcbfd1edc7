"""chunk_to_record, template backend: finds each block by its printed label, not by row number.

Labels are matched on their normalised text (no whitespace, NFKC), by prefix, so
"年度\\n指标值", "其中：本年财政拨款" and a header with text glued on ("执行率上海市…")
are all found. What a cell holds that is not what its column expects is kept as an
issue on the record for the checks and the reviewer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ._chunk import Chunk
from ._grid import Cell, Grid
from ._record import CellRef, FundRow, Funds, Indicator, Issue, Record, Source
from ._values import clean, is_blank, parse_number, parse_text

FUND_HEADERS = (
    ("年初预算", "initial_budget"), ("全年预算", "annual_budget"), ("全年执行", "executed"),
    ("执行数", "executed"), ("预算数", "annual_budget"), ("分值", "weight"), ("执行率", "execution_rate"),
    ("得分", "score"),
)
FUND_ROW_LABELS = (
    ("资金总额", "total"), ("财政拨款", "current_appropriation"), ("财政资金", "current_appropriation"),
    ("上年结转", "carryover"), ("结转", "carryover"), ("结余", "carryover"), ("其他资金", "other"),
)
INDICATOR_HEADERS = (
    ("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "name"), ("年度指标值", "target"),
    ("指标值", "target"), ("目标值", "target"), ("实际完成值", "actual"), ("实际值", "actual"),
    ("完成值", "actual"), ("分值", "weight"), ("权重", "weight"), ("得分", "score"),
    ("偏差原因", "note"), ("原因分析", "note"), ("改进措施", "note"),
)
TOTAL_LABELS = ("总分", "合计", "总计")
# Below this OCR confidence (the least sure character's probability) a cell's reading goes to review.
LOW_CONFIDENCE = 0.9
_YEAR = re.compile(r"[(（]\s*(\d{4})\s*年")
_YEAR_LOOSE = re.compile(r"(19|20)\d{2}(?=\s*年)")
_BRACKETED = re.compile(r"[(（][^)）]*[)）]")  # 全年预算数（A）, 执行率（B/A）: a label's own note
_UNIT = re.compile(r"[(（]\s*(亿元|万元|千元|元)\s*[)）]|单位[:：]\s*(亿元|万元|千元|元)")


@dataclass
class ExtractResult:
    record: Record | None
    status: str = "ok"  # "ok" | "failed"
    reason: str = ""


class _Reader:
    """One chunk being read: the grid, the record under construction and its issues."""

    def __init__(self, chunk: Chunk) -> None:
        self.g: Grid = chunk.grid
        self.issues: list[Issue] = []
        self.prov: dict[str, CellRef] = {}

    def find(self, pred: Callable[[str], bool], rows: range | None = None) -> Cell | None:
        for r in rows if rows is not None else range(self.g.n_rows):
            for c in self.g.row(r):
                if c.row == r and pred(c.key):
                    return c
        return None

    def right_of(self, cell: Cell) -> Cell | None:
        return self.g.at(cell.row, cell.col + cell.colspan)

    def note(self, path: str, cell: Cell | None) -> None:
        if cell is not None:
            b = cell.box
            self.prov[path] = CellRef(
                table=cell.table, row=cell.src_row, col=cell.src_col, page=b.page if b else None,
                box=(b.x0, b.top, b.x1, b.bottom) if b else None, confidence=cell.confidence,
            )
            if cell.confidence is not None and cell.confidence < LOW_CONFIDENCE:
                # An OCR doubt is for a person to settle, never a silent guess.
                # Long free text is compared loosely downstream: one unsure character there is shown, not queued.
                severity = "warning" if path.startswith("goal_") else "error"
                self.issues.append(Issue(code="low_confidence", field=path, original=cell.text, severity=severity,
                                         message=f"OCR read {cell.text!r} with confidence {cell.confidence:.2f}: "
                                                 "check it against the scan"))

    def text(self, path: str, cell: Cell | None, sep: str = "") -> str | None:
        self.note(path, cell)
        return parse_text(cell.paragraphs, sep) if cell is not None else None

    def number(self, path: str, cell: Cell | None):
        if cell is None:
            return None
        self.note(path, cell)
        p = parse_number(cell.paragraphs)
        if p.ambiguous:
            shown = " / ".join(str(c) for c in p.candidates)
            self.issues.append(Issue(code="ambiguous_cell", field=path, candidates=p.candidates,
                                     message=f"cell holds {len(p.candidates)} values: {shown}"))
        elif not p.ok:
            self.issues.append(Issue(code="unparseable_value", field=path, original=p.raw,
                                     message=f"expected a number, the cell reads {p.raw!r}"))
        return p.value

    def labelled(self, label: str, path: str) -> str | None:
        """The value next to a label: the cell to its right, or text after the label in the same cell."""
        cell = self.find(lambda k: k.startswith(label))
        if cell is None:
            return None
        rest = re.sub(r"^[:：\s]+", "", clean(cell.text)[len(label):]) if len(cell.key) > len(label) else ""
        if rest:
            self.note(path, cell)
            return rest
        return self.text(path, self.right_of(cell))

    def columns(self, row: int, headers) -> dict[str, Cell]:
        cols: dict[str, Cell] = {}
        for c in self.g.row(row):
            for label, name in headers:
                # Indicator headers may carry a prefix (指标分值, 预期指标值); fund headers are matched from the
                # start so that text glued after them can be told apart.
                hit = c.key.startswith(label) if headers is FUND_HEADERS else label in c.key
                if hit and name not in cols:
                    cols[name] = c
                    if headers is FUND_HEADERS and len(_BRACKETED.sub("", c.key)) > len(label) + 2:
                        self.issues.append(Issue(
                            code="misplaced_text", field="funds", severity="warning",
                            message=f"header {label} carries other text: {c.text!r}"))
                    break
        return cols


def _year(r: _Reader, first_row: int, before: list[str]) -> int | None:
    # The file name is the last resort: archives are often named 2020年度…自评表.docx.
    texts = [c.text for row in range(first_row) for c in r.g.row(row)] + before + [r.g.file]
    for pattern in (_YEAR, _YEAR_LOOSE):
        for t in texts:
            m = pattern.search(clean(t))
            if m:
                return int(m.group(1) if pattern is _YEAR else m.group(0))
    return None


def _unit(r: _Reader, before: list[str]) -> str | None:
    cell = r.find(lambda k: "项目资金" in k or "资金情况" in k)
    texts = ([cell.text] if cell else []) + [c.text for c in r.g.cells] + before
    for t in texts:
        m = _UNIT.search(clean(t))
        if m:
            return m.group(1) or m.group(2)
    return None


def _funds(r: _Reader, stop: int) -> Funds:
    funds = Funds()
    head = r.find(lambda k: k.startswith(("年初预算", "全年预算")), range(stop))
    if head is None:
        return funds
    cols = r.columns(head.row, FUND_HEADERS)
    first_value_col = min(c.col for c in cols.values())
    seen: set[str] = set()
    for row in range(head.row + 1, stop):
        label = "".join(c.key for c in r.g.row(row) if c.col < first_value_col and c.row + c.rowspan > row)
        name = next((n for lab, n in FUND_ROW_LABELS if lab in label and n not in seen), None)
        if name is None:
            continue
        seen.add(name)
        fr = FundRow()
        for col_name, hcell in cols.items():
            path = f"funds.{name}.{col_name}"
            cell = r.g.at(row, hcell.col)
            if cell is None or cell.row + cell.rowspan <= row or cell is hcell:
                continue
            if col_name == "execution_rate":
                fr.execution_rate = r.text(path, cell)
            else:
                setattr(fr, col_name, r.number(path, cell))
        setattr(funds, name, fr)
    return funds


def _goals(r: _Reader, stop: int) -> tuple[str | None, str | None]:
    label = r.find(lambda k: k.startswith(("年度总体目标", "总体目标", "年度目标", "绩效目标")), range(stop))
    if label is None:
        return None, None
    exp_h = r.find(lambda k: k.startswith("预期目标"), range(label.row, label.row + 1))
    act_h = r.find(lambda k: k.startswith(("实际完成", "完成情况")), range(label.row, label.row + 1))
    if exp_h is None:
        cell = r.right_of(label)
        return r.text("goal_expected", cell, "\n"), None
    below = exp_h.row + exp_h.rowspan
    exp_v = r.g.at(below, exp_h.col)
    act_v = r.g.at(below, act_h.col) if act_h else None
    slots = [("goal_expected", exp_v), ("goal_actual", act_v)]
    texts = [(path, r.text(path, c, "\n")) for path, c in slots]
    glued = []
    for h, lab in ((exp_h, "预期目标"), (act_h, "实际完成情况")):
        if h is not None and len(h.key) > len(lab):
            glued.append(clean(h.text)[len(lab):].strip())
    if not glued:
        return texts[0][1], texts[1][1]
    # Text sits in a header cell: values follow reading order, header text first.
    found = [t for t in glued if t] + [t for _, t in texts if t]
    r.issues.append(Issue(code="misplaced_text", field="goal_expected", severity="warning",
                          message="goal text found in a header cell; goals re-read in reading order"))
    return (found[0] if found else None), (found[1] if len(found) > 1 else None)


def _indicators(r: _Reader, cols: dict[str, Cell], head: Cell) -> tuple[list[Indicator], Cell | None]:
    out: list[Indicator] = []
    total_row = None
    carry = {"level1": None, "level2": None}
    for row in range(head.row + 1, r.g.n_rows):
        cells = r.g.row(row)
        if any(c.key in TOTAL_LABELS or c.key.startswith(TOTAL_LABELS) for c in cells if c.row == row):
            total_row = next(c for c in cells if c.key.startswith(TOTAL_LABELS))
            break
        name_cell = r.g.at(row, cols["name"].col)
        if name_cell is None or name_cell.row != row:
            continue
        i = len(out)
        ind = Indicator()
        for field_name, hcell in cols.items():
            cell = r.g.at(row, hcell.col)
            path = f"indicators[{i}].{field_name}"
            if field_name in ("weight", "score"):
                setattr(ind, field_name, r.number(path, cell))
            else:
                value = r.text(path, cell)
                if field_name in carry:
                    # Forms without real merges leave the label blank under the first row.
                    value = value or carry[field_name]
                    carry[field_name] = value
                setattr(ind, field_name, value)
        if ind.name is None and ind.weight is None and ind.score is None:
            continue
        out.append(ind)
    return out, total_row


def _totals(r: _Reader, total: Cell, cols: dict[str, Cell]) -> tuple:
    at_w = r.g.at(total.row, cols["weight"].col) if "weight" in cols else None
    at_s = r.g.at(total.row, cols["score"].col) if "score" in cols else None
    if at_w is None or at_w is total or at_s is None or at_s is total:
        # The 总分 label spans the value columns: take the numbers to its right in order.
        nums = [c for c in r.g.row(total.row) if c.col > total.col and not is_blank(c.text)]
        at_w, at_s = (nums + [None, None])[:2]
    return r.number("total_weight", at_w), r.number("total_score", at_s)


def chunk_to_record(chunk: Chunk) -> ExtractResult:
    r = _Reader(chunk)
    name_cell = r.find(lambda k: k.startswith("项目名称"))
    head = r.find(lambda k: k.startswith("三级指标"))
    if name_cell is None or head is None:
        missing = "项目名称" if name_cell is None else "三级指标 header row"
        return ExtractResult(None, "failed", f"unknown layout: no {missing} found")
    cols = r.columns(head.row, INDICATOR_HEADERS)
    if "name" not in cols:
        return ExtractResult(None, "failed", "unknown layout: 三级指标 column not found")
    indicators, total = _indicators(r, cols, head)
    weight, score = _totals(r, total, cols) if total is not None else (None, None)
    expected, actual = _goals(r, head.row)
    record = Record(
        source=Source(file=chunk.file, table=chunk.index),
        year=_year(r, name_cell.row, chunk.before),
        project_name=r.labelled("项目名称", "project_name"),
        department=r.labelled("主管部门", "department"),
        implementing_unit=r.labelled("实施单位", "implementing_unit"),
        amount_unit=_unit(r, chunk.before),
        funds=_funds(r, head.row),
        goal_expected=expected,
        goal_actual=actual,
        indicators=indicators,
        total_weight=weight,
        total_score=score,
    )
    record.issues = r.issues
    record.provenance = r.prov
    return ExtractResult(record)
