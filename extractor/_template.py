"""chunk_to_record, template backend: reads a table by what its labels mean, never by row or column number.

The blocks of the form (header labels, funds, goals, indicators, total, trailing notes) are found through
the label vocabulary (data/vocabulary.toml), wherever they stand. Every non-blank cell ends up placed
(read into a field, or recognised as a label, a placeholder, a note) or reported as `unmapped_cell`:
`error` where it could hold a record value, `warning` where it cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._cells import SETTINGS, CellReader, TemplateSettings
from ._chunk import Chunk
from ._codes import IssueCode, Severity
from ._funds_goals import fund_header, read_funds, read_goals
from ._grid import Cell
from ._indicators import is_indicator_header, read_indicators, read_totals
from ._record import ExtraFundRow, Issue, Record, Source
from ._text import normalize
from ._values import clean, is_blank
from ._vocab import Section, Vocabulary

HEADER_FIELDS = ("project_name", "department", "implementing_unit")
_SECTIONS: tuple[Section, ...] = (
    "header",
    "fund_columns",
    "fund_rows",
    "goals",
    "indicator_columns",
    "indicator_parts",
    "rows",
)
_YEAR = re.compile(r"[(（](19|20)(\d{2})\s*年")
_YEAR_LOOSE = re.compile(r"(19|20)\d{2}(?=年)")
_TITLE_WORDS = re.compile(r"自评|绩效|年度")
_UNIT = re.compile(r"[(（](亿元|万元|千元|元)[)）]|单位[:：](亿元|万元|千元|元)")
# A code printed before a name is not part of it: a project code (51000021R000000019951-工资性支出,
# 2021-510101-003 教师培训) or a unit code (219001-池州市…).
_CODES = {
    "project_name": re.compile(
        r"^([A-Za-z]{0,4}\d[0-9A-Za-z]{7,})\s*[-－—_:：、]?\s*(?=\S)"
        r"|^(\d[0-9A-Za-z]*(?:[-－][0-9A-Za-z]+)+)\s+(?=\S)"
        r"|^(\d{3,})\s*[-－—]\s*(?=[^\x00-\x7f])"
    ),
    "department": re.compile(r"^(\d{3,})\s*[-－—]\s*(?=[^\x00-\x7f])"),
    "implementing_unit": re.compile(r"^(\d{3,})\s*[-－—]\s*(?=[^\x00-\x7f])"),
}


@dataclass
class ExtractResult:
    record: Record | None
    status: str = "ok"  # "ok" | "failed"
    reason: str = ""
    # Labels the vocabulary did not know, as (section, printed text): what `auto` may ask a model to map.
    unknown_labels: list[tuple[Section, str]] = field(default_factory=list)


def _year(r: CellReader, title_rows: range, before: list[str]) -> int | None:
    """The year printed in the title (inside the table or just above it): （2020年度）, 2020年度…自评表."""
    texts = [c.text for row in title_rows for c in r.origins(row)] + list(reversed(before))
    for t in texts:
        m = _YEAR.search(normalize(t))  # digits spaced out as 2 0 2 0 are still the title's year
        if m:
            return int(m.group(1) + m.group(2))
    for t in texts:
        flat = normalize(t)
        m = _YEAR_LOOSE.search(flat)
        if m and _TITLE_WORDS.search(flat) and len(flat) <= 60:
            return int(m.group(0))
    return None


def _amount_unit(r: CellReader, fund_label: Cell | None, before: list[str]) -> str | None:
    texts = ([fund_label.text] if fund_label else []) + [c.text for c in r.g.cells] + before
    for t in texts:
        m = _UNIT.search(normalize(t))
        if m:
            return m.group(1) or m.group(2)
    return None


def _header_value(r: CellReader, cell: Cell, label: str, path: str) -> str | None:
    """The value of a header label: text after the label in its own cell, else the cell to its right."""
    rest = clean(cell.text)
    rest = re.sub(r"^[\s:：]+", "", rest[len(label) :]) if normalize(rest).startswith(label) else ""
    rest = re.sub(r"^[(（][^)）]*[)）][\s:：]*", "", rest)  # 实施单位（盖章）：…
    if rest:
        r.note(path, cell)
        return rest
    value = r.right_of(cell)
    if value is None or r.vocab.match("header", value.text) is not None:
        return None
    return r.text(path, value)


def _header(r: CellReader, rows: range) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for row in rows:
        for c in r.origins(row):
            if r.is_placed(c):
                continue
            m = r.vocab.match("header", c.text)
            if m is None or m.how == "inside":
                continue
            r.place(c)
            if m.field == "ignore":
                right = r.right_of(c)
                if right is not None and r.vocab.match("header", right.text) is None:
                    r.place(right)
            elif m.field not in values:
                values[m.field] = _header_value(r, c, m.label, m.field)
    for name, pattern in _CODES.items():
        value = values.get(name)
        code = pattern.match(value or "")
        if code and value and value[code.end() :]:
            values[name] = value[code.end() :]
            r.issues.append(
                Issue.settled(
                    IssueCode.MISPLACED_TEXT,
                    name,
                    f"code {code.group(0).strip()} printed before the name; kept without it",
                    value,
                )
            )
    return values


def _report_left_over(
    r: CellReader, rows: range, field: str, severity: Severity, why: str, section: Section | None = None
) -> None:
    for c in r.left_over(rows):
        r.unmapped(c, field, severity, why, section)


def _trailing(r: CellReader, start: int) -> None:
    """Rows after the indicators: known notes (评价结论, 存在问题 …) are not record fields; others are reported."""
    for row in range(start, r.g.n_rows):
        cells = [c for c in r.origins(row) if not is_blank(c.text)]
        if cells and r.vocab.match("rows", cells[0].text) is not None:
            r.place(*cells)
        elif cells and r.vocab.match("header", cells[0].text) is not None:
            r.place(cells[0], r.right_of(cells[0]))
    _report_left_over(r, range(start, r.g.n_rows), "record", "warning", "text after the indicators, not read")


def _unknown_cells(r: CellReader) -> list[tuple[Section, str]]:
    """Short texts no section of the vocabulary knows: in a table the reader cannot map, any may be a label."""
    out: dict[tuple[Section, str], None] = {}
    for c in r.g.cells:
        text = clean(c.text)
        if (
            text
            and len(text) <= r.settings.label_max_chars
            and not is_blank(text)
            and not any(r.vocab.match(s, text) for s in _SECTIONS)
            and not re.search(r"\d", text)
        ):
            out[("unknown", text)] = None
    return list(out)


@dataclass(frozen=True)
class _Rows:
    """Where the form's blocks start and end in the chunk's grid."""

    name: int  # the 项目名称 row: the header block starts here
    funds: int | None  # the fund block's header row
    funds_end: int | None  # the first row after the fund block
    head: int  # the indicator header row
    end: int  # the first row after the total row


def _report_unread(r: CellReader, rows: _Rows, header: dict[str, str | None], goals: dict[str, str | None]) -> None:
    """Every non-blank cell nothing placed, as an issue: an error on the field it could hold, else a warning."""
    values = header | goals

    def report(span: range, fields: list[str], field: str, why: str, section: Section | None = None) -> None:
        # Near fields that were all read, a stray cell is a note; near a blank one, it may be that value.
        missing = [f for f in fields if values.get(f) is None]
        severity: Severity = "error" if missing or not fields else "warning"
        _report_left_over(r, span, missing[0] if missing else field, severity, why, section)

    header_end = rows.funds if rows.funds is not None else rows.head
    report(
        range(rows.name, header_end),
        list(HEADER_FIELDS),
        "record",
        "a label or value the reader does not know",
        "header",
    )
    if rows.funds is not None and rows.funds_end is not None:
        report(
            range(rows.funds, rows.funds + 1),
            [],
            "funds",
            "a fund column header the reader does not know; its column is not read",
            "fund_columns",
        )
        report(range(rows.funds, rows.funds_end), [], "funds", "in the fund block, not read")
    goals_start = rows.funds_end if rows.funds_end is not None else rows.name
    report(range(goals_start, rows.head), list(goals), "record", "text near the goals, not read", "goals")
    report(range(rows.head, rows.end), [], "indicators", "in the indicator block, not read")


def _first_row(r: CellReader, pred, rows: range) -> int | None:
    return next((row for row in rows if pred(row)), None)


def chunk_to_record(
    chunk: Chunk, vocab: Vocabulary | None = None, settings: TemplateSettings = SETTINGS
) -> ExtractResult:
    r = CellReader(chunk, vocab, settings)
    rows = range(r.g.n_rows)
    name_row = _first_row(
        r,
        lambda row: any(
            (m := r.vocab.match("header", c.text)) is not None and m.field == "project_name" and m.how != "inside"
            for c in r.origins(row)
        ),
        rows,
    )
    head = _first_row(r, lambda row: is_indicator_header(r, row), range(name_row or 0, r.g.n_rows))
    if name_row is None or head is None:
        missing = "no 项目名称 label" if name_row is None else "no indicator header row (三级指标 …)"
        return ExtractResult(None, "failed", f"unknown layout: {missing} found", _unknown_cells(r))
    for row in range(name_row):
        r.place(*r.origins(row))  # the title
    for row in range(name_row, head):
        r.place(*(c for c in r.origins(row) if r.vocab.field("rows", c.text) == "indicator_block"))
    fund_row = _first_row(r, lambda row: fund_header(r, row) is not None, range(name_row, head))
    extras: list[ExtraFundRow] = []
    funds, fund_label, funds_end, fund_cols = None, None, fund_row, {}
    if fund_row is not None:
        fund_cols = fund_header(r, fund_row) or {}
        fund_label = next(
            (c for c in r.g.row(fund_row) if c.col < min(h.col for h in fund_cols.values()) and not is_blank(c.text)),
            None,
        )
        funds, extras, funds_end = read_funds(r, fund_row, fund_cols, head, _amount_unit(r, fund_label, chunk.before))
    expected, actual = read_goals(r, range(name_row, head))
    header = _header(r, range(name_row, head))
    block = read_indicators(r, head)
    total_weight = total_score = None
    if block.total_row is not None:
        total_weight, total_score = read_totals(r, block.total_row, block.columns)
    end = block.total_row + 1 if block.total_row is not None else r.g.n_rows
    _trailing(r, end)
    _report_unread(
        r, _Rows(name_row, fund_row, funds_end, head, end), header, {"goal_expected": expected, "goal_actual": actual}
    )
    record = Record(
        source=Source(file=chunk.file, table=chunk.index),
        year=_year(r, range(name_row), chunk.before),
        project_name=header.get("project_name"),
        department=header.get("department"),
        implementing_unit=header.get("implementing_unit"),
        amount_unit=_amount_unit(r, fund_label, chunk.before),
        extra_fund_rows=extras,
        goal_expected=expected,
        goal_actual=actual,
        indicators=block.indicators,
        total_weight=total_weight,
        total_score=total_score,
        printed_columns=sorted(block.columns.fields) + sorted(f"funds.{c}" for c in fund_cols),
        issues=r.issues,
        provenance=r.prov,
        **({"funds": funds} if funds is not None else {}),
    )
    return ExtractResult(record, unknown_labels=list(r.unknown))


def unread_record(chunk: Chunk, reason: str) -> Record:
    """A table that could not be read at all: an empty record whose one issue puts it in front of a person."""
    return Record(
        source=Source(file=chunk.file, table=chunk.index),
        issues=[
            Issue(code=IssueCode.EXTRACTION_FAILED, field="record", message=f"this table could not be read: {reason}")
        ],
    )
