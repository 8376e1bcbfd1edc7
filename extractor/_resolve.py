"""Corrections the table itself settles, each recorded as an issue with the printed value, and the
checks that need the whole batch (the tables of one file).

- an ambiguous cell: the one candidate that makes the printed totals add up;
- a level 1 carried by a merged cell onto a level 2 of another level 1, or printed only as its points
  (（50分）): the framework's parent;
- a name that differs by a character or two from the rest of the batch (or a registry);
- a year missing from the title: the file name's, or the one every other table of the file prints;
- amounts implausible in their printed unit, judged against the file's other tables.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter
from decimal import Decimal

from ._checks import totals_add_up
from ._codes import IssueCode
from ._fieldpath import FieldPath, field_path
from ._record import Issue, Record
from ._taxonomy import canonical_level1, parent_of
from ._text import normalize
from ._values import fmt

MAX_COMBINATIONS = 256
# One project budget above 1亿元 printed in 万元, or below 1000 printed in 元, is usually the other unit,
# unless the file's other tables are as large.
UNIT_LIMITS = {"万元": (Decimal("0.01"), Decimal("10000")), "元": (Decimal("1000"), None)}
# How far one table's amount must stand from the file's median to be the file's odd one out.
UNIT_OUTLIER_RATIO = 100
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
NAME_SIMILARITY = 0.85


def _number_cell(issue: Issue) -> tuple[int, str] | None:
    """(index, column) of an open ambiguous indicator weight or score: the cells the totals can settle."""
    if issue.code != IssueCode.AMBIGUOUS_CELL or issue.resolved:
        return None
    at = FieldPath.parse(issue.field).indicator()
    return at if at is not None and at[1] in ("weight", "score") else None


def _resolve_ambiguous(record: Record) -> None:
    open_cells = [(i, at) for i in record.issues if (at := _number_cell(i)) is not None]
    if not open_cells:
        return
    choices = [issue.candidates or [] for issue, _ in open_cells]
    if 0 in (len(c) for c in choices):
        return
    fitting = []
    for combo in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS):
        for (_, (row, column)), value in zip(open_cells, combo):
            setattr(record.indicators[row], column, value)
        if all(totals_add_up(record, col) is not False for col in ("weight", "score")):
            fitting.append(combo)
    for k, (issue, (row, column)) in enumerate(open_cells):
        ind = record.indicators[row]
        values = {combo[k] for combo in fitting}
        candidates = issue.candidates or []
        shown = " / ".join(fmt(c) for c in candidates)
        issue.original = shown
        if len(values) == 1:
            value = values.pop()
            setattr(ind, column, value)
            issue.resolved = True
            total = fmt(getattr(record, f"total_{column}"))
            issue.message = (
                f"cell holds {len(candidates)} values: {shown}; {fmt(value)} makes the "
                f"{column}s add up to the printed total {total}"
            )
        else:
            setattr(ind, column, None)
            why = "none" if not values else "more than one"
            issue.message = f"cell holds {len(candidates)} values: {shown}; {why} of them makes the totals add up"


def _resolve_taxonomy(record: Record) -> list[Issue]:
    out = []
    for i, ind in enumerate(record.indicators):
        level1 = field_path("indicators", i, "level1")
        canonical = canonical_level1(ind.level1)
        parent = parent_of(ind.level2)
        target = parent or canonical
        if ind.level1 is None:
            # Printed only as its points (（50分）): the reader left it open; the level 2 settles it, if known.
            for issue in record.issues:
                if issue.field == level1 and issue.code == IssueCode.TAXONOMY_MISMATCH and parent:
                    issue.severity, issue.resolved = "warning", True
                    issue.message = f"level 1 printed only as {issue.original!r}; {ind.level2} belongs under {parent}"
                    ind.level1 = parent
            continue
        if target and ind.level1 != target and normalize(ind.level1) != target:
            why = (
                f"{ind.level2} belongs under {parent}"
                if parent and parent != canonical
                else f"label printed as {ind.level1!r}"
            )
            out.append(
                Issue.settled(IssueCode.TAXONOMY_MISMATCH, level1, f"{why}; level 1 set to {target}", ind.level1)
            )
            ind.level1 = target
    return out


def _closest(value: str, names: list[str]) -> str | None:
    best = max(names, key=lambda n: difflib.SequenceMatcher(None, value, n).ratio(), default=None)
    if best and difflib.SequenceMatcher(None, value, best).ratio() >= NAME_SIMILARITY:
        return best
    return None


def _resolve_names(records: list[Record], registry: list[str]) -> None:
    for field in ("department", "implementing_unit"):
        counts = Counter(getattr(r, field) for r in records if getattr(r, field))
        for record in records:
            value = getattr(record, field)
            if not value or (registry and value in registry):
                continue
            if registry:
                better = _closest(value, registry)
                source = "the registry"
            else:
                peers = [n for n, c in counts.items() if n != value and c > counts[value]]
                better = _closest(value, peers)
                source = f"{counts[better]} other tables of the batch" if better else ""
            if better:
                record.issues.append(
                    Issue.settled(
                        IssueCode.NAME_MISMATCH,
                        field,
                        f"{field} printed as {value!r}; {source} spell it {better!r}, which is used",
                        value,
                    )
                )
                setattr(record, field, better)
            elif registry:
                record.issues.append(
                    Issue(
                        code=IssueCode.NAME_MISMATCH,
                        field=field,
                        severity="error",
                        message=f"{field} {value!r} is not in the registry of official names",
                    )
                )


def _resolve_years(records: list[Record], file_name: str) -> None:
    m = _YEAR_IN_NAME.search(file_name)
    years = Counter(r.year for r in records if r.year is not None)
    for record in records:
        if record.year is not None:
            continue
        if m:
            record.year, source = int(m.group(1)), f"the file name {file_name!r}"
        elif len(years) == 1:
            year = next(iter(years))
            record.year, source = year, f"the {years[year]} other tables of the file, which all print it"
        else:
            continue
        record.issues.append(
            Issue.settled(IssueCode.MISSING_VALUE, "year", f"no year in the title; {record.year} taken from {source}")
        )


def _amount(record: Record) -> Decimal | None:
    t = record.funds.total
    return t.annual_budget or t.initial_budget or t.executed


def _resolve_units(records: list[Record]) -> None:
    """unit_suspect, judged per file: one table out of step with the rest is the suspect; a file whose every
    table is implausible says so on each, as one story."""
    judged = [
        (r, a, UNIT_LIMITS[r.amount_unit])
        for r in records
        if r.amount_unit in UNIT_LIMITS and (a := _amount(r)) is not None and a > 0
    ]
    off = [(r, a) for r, a, (low, high) in judged if a < low or (high is not None and a >= high)]
    if not off:
        return
    median = sorted(a for _, a, _ in judged)[len(judged) // 2]
    most = len(off) * 2 > len(judged)
    for record, amount in off:
        ratio = max(amount / median, median / amount)
        if len(judged) > 1 and not most and ratio < UNIT_OUTLIER_RATIO:
            continue  # a large project among large ones: the unit is the file's, not a misprint
        scope = f" (so are {len(off) - 1} other tables of this file)" if most and len(off) > 1 else ""
        record.issues.append(
            Issue(
                code=IssueCode.UNIT_SUSPECT,
                field="amount_unit",
                severity="error",
                message=(f"年度资金总额 {fmt(amount)} is implausible in {record.amount_unit}{scope}: check the unit"),
            )
        )


def resolve(records: list[Record], registry: list[str] | None = None, file_name: str = "") -> None:
    """Apply what the tables settle, and the checks that need the batch (the tables of one file)."""
    for record in records:
        _resolve_ambiguous(record)
        record.issues.extend(_resolve_taxonomy(record))
    _resolve_names(records, registry or [])
    _resolve_years(records, file_name)
    _resolve_units(records)
