"""Resolved issues kept on the exported record: what was printed, the value now, who settled it and when.

A reviewer's answer that fixes a check (a weight set so the weights add up) makes the check's issue disappear
from the record as stored; the export puts it back from the audit trail as `resolved: true`, so the export
alone tells the story without a join on the audit file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ._record import Issue, Record

ANSWER_ACTIONS = ("set", "accept", "confirm")
SETTLED_BY_TABLE = "jixiao"  # resolved_by of what the table itself settled (a resolution, not a person)


class ActionRow(Protocol):
    """A stored review action, read by column name (a database row)."""

    def __getitem__(self, key: str) -> Any: ...


def _value(record: Record, path: str) -> Any:
    from .review._fields import get_field, shown  # the review package imports the store: not at import time

    try:
        return shown(get_field(record, path))
    except ValueError:
        return None  # a group of fields (funds.total) or the whole record: no one value


def with_answers(record: Record, actions: Sequence[ActionRow]) -> Record:
    """The record's resolved issues with their story; `actions` are the record's answers, oldest first."""
    last: dict[tuple[str, str], ActionRow] = {}
    for action in actions:
        if action["action"] in ANSWER_ACTIONS and action["undone_at"] is None:
            last[(action["code"], action["item_field"])] = action
    for issue in record.issues:
        a = last.pop((issue.code, issue.field), None)
        if a is not None:
            issue.resolved = True
            issue.original = issue.original if issue.original is not None else a["old_value"]
            issue.resolved_by, issue.resolved_at = a["who"], a["at"]
        elif issue.resolved:
            issue.resolved_by = SETTLED_BY_TABLE
        if issue.resolved:
            # An answer on a group's item names the one field it set (funds.current_appropriation.executed).
            issue.value = _value(record, a["field"] if a is not None else issue.field)
    for (code, field), a in last.items():  # answered, and the check no longer fires: gone from the stored record
        record.issues.append(
            Issue(
                code=code,
                field=field,
                severity="warning",
                message=a["message"] or "",
                original=a["old_value"],
                resolved=True,
                value=_value(record, a["field"]),
                resolved_by=a["who"],
                resolved_at=a["at"],
            )
        )
    return record
