"""Two readings of one table, field by field: the template reader's and the model's.

The template's record stays what the export carries. Where the model read the same value, it stands;
where the model read another value, or one the template did not read at all, the field becomes a
`readings_disagree` review item with the values as candidates. A field the model left out is no
second opinion and raises nothing (a weak model's empty answer must not flood the queue).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._cells import shown
from .._codes import IssueCode
from .._fieldpath import FieldPath, field_path, leaves
from .._record import Indicator, Issue, Record
from .._text import normalize

# Not values of the table: where the record came from, what was doubtful, how it was read.
_NOT_VALUES = {"source", "schema_", "issues", "provenance", "extractor", "printed_columns"}


def record_leaves(record: Record) -> dict[str, Any]:
    """Every value of a record by its path, without what is not a value of the table."""
    return leaves(record.model_dump(exclude=_NOT_VALUES))


def changed(first: Record, second: Record) -> list[str]:
    """Paths where `first` holds a value that `second` no longer holds: a re-read may add values, never change them."""
    after = record_leaves(second)
    return [p for p, v in record_leaves(first).items() if v is not None and not same(v, after.get(p))]


def same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(str(a)) == Decimal(str(b))
    return normalize(str(a)) == normalize(str(b)) if a is not None and b is not None else a is b


def _where(llm: Record, path: str) -> str:
    ref = llm.provenance.get(path)
    return f" from row {ref.row + 1}, column {ref.col + 1}" if ref else ""


def _pairs(template: Record, llm: Record) -> tuple[list[tuple[int, int]], list[int]]:
    """Indicators paired by name (the model may skip or add rows), and the model's indicators left unpaired."""
    free = {j: normalize(i.name or "") for j, i in enumerate(llm.indicators)}
    pairs = []
    for i, ind in enumerate(template.indicators):
        j = next((j for j, name in free.items() if name and name == normalize(ind.name or "")), None)
        if j is not None:
            del free[j]
            pairs.append((i, j))
    return pairs, sorted(free)


def compare(template: Record, llm: Record, model: str) -> list[Issue]:
    """Review items for every field where the model's reading differs from the template's."""
    mine, theirs = record_leaves(template), record_leaves(llm)
    pairs, unpaired = _pairs(template, llm)
    paths = [(p, p) for p in mine if FieldPath.parse(p).parts[0] not in ("indicators", "extra_fund_rows")]
    paths += [
        (field_path("indicators", i, f), field_path("indicators", j, f))
        for i, j in pairs
        for f in Indicator.model_fields
    ]
    issues = []
    for path, their_path in paths:
        t, m = mine.get(path), theirs.get(their_path)
        if m is None or same(t, m):
            continue
        if t is None:
            issues.append(
                Issue(
                    code=IssueCode.READINGS_DISAGREE,
                    field=path,
                    candidates=[m],
                    message=(
                        f"the template reader did not read this field; {model} read {shown(str(m))}"
                        f"{_where(llm, their_path)}: is that the value?"
                    ),
                )
            )
        else:
            issues.append(
                Issue(
                    code=IssueCode.READINGS_DISAGREE,
                    field=path,
                    candidates=[t, m],
                    original=t,
                    message=(
                        f"the template reader read {shown(str(t))}, {model} read {shown(str(m))}"
                        f"{_where(llm, their_path)}: which is right?"
                    ),
                )
            )
    for j in unpaired:
        ind = llm.indicators[j]
        issues.append(
            Issue(
                code=IssueCode.READINGS_DISAGREE,
                field="indicators",
                candidates=[ind.model_dump(mode="json")],
                message=f"{model} read an indicator the template reader did not: "
                f"{shown(ind.name or '(no name)')}"
                f"{_where(llm, field_path('indicators', j, 'name'))}",
            )
        )
    return issues
