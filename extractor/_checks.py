"""record_to_issues: the deterministic checks. They read a record and never change it."""

from __future__ import annotations

import re
from decimal import Decimal

from ._codes import IssueCode
from ._fieldpath import field_path
from ._record import AMOUNT_COLUMNS, FUND_COLUMN_LABELS, FUND_ROW_LABELS, Issue, Record
from ._taxonomy import level1_key, parent_of
from ._text import normalize
from ._values import fmt, parse_rate
from ._vocab import vocabulary

MONEY_TOLERANCE = Decimal("0.01")
_BARE_NUMBER = re.compile(r"^\s*[≥≤><=]*\s*\d+(\.\d+)?\s*$")


def _error(code: IssueCode, field: str, message: str, **kw) -> Issue:
    return Issue(code=code, field=field, severity="error", message=message, **kw)


def _sum(values) -> Decimal | None:
    vals = [v for v in values if v is not None]
    return sum(vals, Decimal(0)) if vals else None


def totals_add_up(record: Record, column: str) -> bool | None:
    """Indicators alone add up to 总分, or indicators plus the 年度资金总额 row's points do."""
    printed = getattr(record, f"total_{column}")
    parts = _sum(getattr(i, column) for i in record.indicators)
    if printed is None or parts is None:
        return None
    funds = getattr(record.funds.total, column)
    return parts == printed or (funds is not None and funds != printed and parts + funds == printed)


# Indicator fields a form needs filled in, when it prints their column; a record read without knowing
# the columns (the LLM backend) needs the three every form prints.
REQUIRED_INDICATOR_FIELDS = ("name", "target", "actual", "weight", "score")
DEFAULT_PRINTED = ("name", "weight", "score")
LEVEL_LABELS = {"name": "三级指标", "target": "年度指标值", "actual": "实际完成值", "weight": "分值", "score": "得分"}


def _missing(record: Record) -> list[Issue]:
    out = []
    printed = set(record.printed_columns if record.printed_columns is not None else DEFAULT_PRINTED)
    totals = [("total_weight", "总分 分值")] if "weight" in printed else []
    totals += [("total_score", "总分 得分")] if "score" in printed else []
    for field, label in (
        ("project_name", "项目名称"),
        ("department", "主管部门"),
        ("implementing_unit", "实施单位"),
        *totals,
    ):
        if getattr(record, field) is None:
            out.append(_error(IssueCode.MISSING_VALUE, field, f"{label} is blank"))
    if not record.indicators:
        out.append(_error(IssueCode.MISSING_VALUE, "indicators", "no indicator rows were found"))
    elif record.total_weight is None and record.total_score is None:
        # No total row was read: the table may go on past what was read (a page break, a page not read), and
        # its last row with it.
        last = len(record.indicators) - 1
        out.append(
            _error(
                IssueCode.MISSING_VALUE,
                f"indicators[{last}]",
                f"no 总分 row was read after indicator row "
                f"{last + 1}: that row may go on past what was read; check it against the source",
            )
        )
    needed = [f for f in REQUIRED_INDICATOR_FIELDS if f in printed or f == "name"]
    for i, ind in enumerate(record.indicators):
        for field in needed:
            if getattr(ind, field) is None:
                out.append(
                    _error(
                        IssueCode.MISSING_VALUE,
                        field_path("indicators", i, field),
                        f"indicator row {i + 1} ({ind.name or '?'}) has no {LEVEL_LABELS[field]}",
                    )
                )
        if ind.level1 is None and ind.level2 and "level1" in printed:
            out.append(
                _error(
                    IssueCode.MISSING_VALUE,
                    field_path("indicators", i, "level1"),
                    f"indicator row {i + 1} ({ind.name or '?'}) has no 一级指标",
                )
            )
    return out


def _fund_blanks(record: Record) -> list[Issue]:
    """Blank cells of the fund block that the form prints a column for: the total row's, and a part row's
    amounts when the row has some amounts but not all (a part row left blank whole is the next check's)."""
    printed = [c.removeprefix("funds.") for c in record.printed_columns or () if c.startswith("funds.")]
    out = []
    f = record.funds
    if any(getattr(f.total, c) is not None for c in AMOUNT_COLUMNS):
        for col in printed:
            if getattr(f.total, col) is None:
                out.append(
                    _error(
                        IssueCode.MISSING_VALUE,
                        field_path("funds", "total", col),
                        f"年度资金总额 has no {FUND_COLUMN_LABELS[col]}",
                    )
                )
    for row in ("current_appropriation", "carryover", "other"):
        fr = getattr(f, row)
        amounts = [c for c in AMOUNT_COLUMNS if c in printed]
        if any(getattr(fr, c) is not None for c in amounts):
            out += [
                _error(
                    IssueCode.MISSING_VALUE,
                    field_path("funds", row, c),
                    f"{FUND_ROW_LABELS[row]} has no {FUND_COLUMN_LABELS[c]}",
                )
                for c in amounts
                if getattr(fr, c) is None
            ]
    return out


def _amounts(record: Record) -> list[Issue]:
    out = _fund_blanks(record)
    f = record.funds
    parts_blank = all(
        getattr(getattr(f, row), col) is None
        for row in ("current_appropriation", "carryover", "other")
        for col in AMOUNT_COLUMNS
    )
    extras = [x for x in record.extra_fund_rows if any(getattr(x, c) is not None for c in AMOUNT_COLUMNS)]
    if parts_blank and not extras and any(getattr(f.total, c) is not None for c in AMOUNT_COLUMNS):
        out.append(
            _error(
                IssueCode.MISSING_VALUE,
                "funds.current_appropriation",
                f"年度资金总额 is {fmt(f.total.annual_budget)} but 当年财政拨款, 上年结转资金 and 其他资金 "
                "are all blank",
            )
        )
    elif not parts_blank or extras:
        for col in AMOUNT_COLUMNS:
            total = getattr(f.total, col)
            parts = _sum(getattr(getattr(f, row), col) for row in ("current_appropriation", "carryover", "other"))
            # Rows the record has no key for (财政专户管理资金, 中央资金 …) split the total too.
            with_extras = _sum([parts, *(getattr(x, col) for x in extras)])
            if (
                total is None
                or with_extras is None
                or any(s is not None and abs(total - s) <= MONEY_TOLERANCE for s in (parts, with_extras))
            ):
                continue
            out.append(
                _error(
                    IssueCode.AMOUNT_MISMATCH,
                    field_path("funds", "total", col),
                    f"funding parts add up to {fmt(with_extras)}, the total row says {fmt(total)}",
                )
            )
    for row in ("total", "current_appropriation"):
        fr = getattr(f, row)
        printed = parse_rate(fr.execution_rate)
        if printed is None or fr.executed is None or not fr.annual_budget:
            continue
        actual = fr.executed / fr.annual_budget
        decimals = len(fr.execution_rate.split(".")[1].rstrip("%％")) if "." in fr.execution_rate else 0
        # One unit of the last printed digit: forms round or cut the rate, and either is a fair print.
        tolerance = Decimal(1) / Decimal(10) ** (decimals + 2) + Decimal("0.00001")
        if abs(actual - printed) > tolerance:
            out.append(
                _error(
                    IssueCode.AMOUNT_MISMATCH,
                    field_path("funds", row, "execution_rate"),
                    f"printed execution rate {fr.execution_rate} but executed ÷ budget = "
                    f"{fmt(fr.executed)} ÷ {fmt(fr.annual_budget)} = {actual:.2%}",
                )
            )
    return out


def _totals(record: Record) -> list[Issue]:
    out = []
    for column, code, label in (
        ("weight", IssueCode.WEIGHT_TOTAL_MISMATCH, "weights"),
        ("score", IssueCode.SCORE_TOTAL_MISMATCH, "scores"),
    ):
        if totals_add_up(record, column) is False:
            parts = _sum(getattr(i, column) for i in record.indicators)
            funds = getattr(record.funds.total, column)
            extra = f" (with the 年度资金总额 row's {fmt(funds)}: {fmt(parts + funds)})" if funds is not None else ""
            out.append(
                _error(
                    code,
                    f"total_{column}",
                    f"indicator {label} add up to {fmt(parts)}{extra}, "
                    f"the 总分 row says {fmt(getattr(record, f'total_{column}'))}",
                )
            )
            out.extend(_doubtful_digit(record, column, code, getattr(record, f"total_{column}") - parts))
    t = record.funds.total
    if (
        t.weight is not None
        and t.weight == record.total_weight
        and t.score is not None
        and record.total_score is not None
        and t.score != record.total_score
    ):
        out.append(
            _error(
                IssueCode.SCORE_TOTAL_MISMATCH,
                "funds.total.score",
                f"the 年度资金总额 row carries all {fmt(t.weight)} points but scores {fmt(t.score)}, "
                f"the 总分 row says {fmt(record.total_score)}",
            )
        )
    return out


def _one_digit_apart(a: Decimal, b: Decimal) -> bool:
    x, y = fmt(a), fmt(b)
    return len(x) == len(y) and sum(p != q for p, q in zip(x, y)) == 1


def _doubtful_digit(record: Record, column: str, code: IssueCode, gap: Decimal) -> list[Issue]:
    """Point a total mismatch at the OCR-doubtful cell whose other reading of one digit makes it add up."""
    doubtful = {i.field for i in record.issues if i.code == IssueCode.LOW_CONFIDENCE}
    out = []
    for k, ind in enumerate(record.indicators):
        field = field_path("indicators", k, column)
        value = getattr(ind, column)
        if field in doubtful and value is not None and _one_digit_apart(value, value + gap):
            out.append(
                _error(
                    code,
                    field,
                    f"the {column}s add up if {ind.name}'s {column} reads "
                    f"{fmt(value + gap)} instead of {fmt(value)}: check that digit on the scan",
                    candidates=[value, value + gap],
                )
            )
    return out


def _indicator_rows(record: Record) -> list[Issue]:
    out = []
    seen: dict[tuple[str, str], int] = {}
    for i, ind in enumerate(record.indicators):
        if ind.score is not None and ind.weight is not None and ind.score > ind.weight:
            out.append(
                _error(
                    IssueCode.SCORE_EXCEEDS_WEIGHT,
                    field_path("indicators", i, "score"),
                    f"{ind.name}: score {fmt(ind.score)} is above its weight {fmt(ind.weight)}",
                )
            )
        # 其他指标 under two level-2 labels is two indicators; any other name must not repeat in a table.
        key = (normalize(ind.level2) if vocabulary().is_generic(ind.name) else "", normalize(ind.name))
        if key[1] and key in seen:
            out.append(
                _error(
                    IssueCode.DUPLICATE_INDICATOR,
                    field_path("indicators", i, "name"),
                    f"{ind.name} appears twice: rows {seen[key] + 1} and {i + 1}",
                )
            )
        elif key[1]:
            seen[key] = i
        out.extend(_implausible(i, ind))
        parent = parent_of(ind.level2)
        if parent and ind.level1 and level1_key(ind.level1) != level1_key(parent):
            out.append(
                _error(
                    IssueCode.TAXONOMY_MISMATCH,
                    field_path("indicators", i, "level1"),
                    f"{ind.level2} belongs under {parent}, the table puts it under {ind.level1}",
                )
            )
    return out


def _implausible(i: int, ind) -> list[Issue]:
    """A bare number where a percentage belongs: a rate, or an actual whose target is printed with %."""
    out = []
    percent_target = "%" in (ind.target or "").replace("％", "%")
    for field in ("target", "actual"):
        v = getattr(ind, field)
        expects_percent = "率" in (ind.name or "") or (field == "actual" and percent_target)
        if expects_percent and v and _BARE_NUMBER.match(v) and Decimal(re.sub(r"[^\d.]", "", v)) > 1:
            out.append(
                _error(
                    IssueCode.IMPLAUSIBLE_VALUE,
                    field_path("indicators", i, field),
                    f"{ind.name}: {field} reads {v!r}, a bare number where a percentage is expected",
                )
            )
    return out


def record_to_issues(record: Record) -> list[Issue]:
    """Every deterministic check on one record (batch-level checks, names and units, live in _resolve)."""
    extra = []
    if record.year is None:
        extra.append(
            _error(IssueCode.MISSING_VALUE, "year", "no year in the title, the file name or the file's other tables")
        )
    return _missing(record) + _amounts(record) + _totals(record) + _indicator_rows(record) + extra
