"""A clerk's answers beyond one item: one decision for many items (a file's unit, a code's suggested
candidates), reopening an answered item or overruling an automatic correction, correcting any field of
a record, and taking, releasing or assigning items. Each change is audited like a single answer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .._record import Record
from ..store import Store
from ..store._worklist import Worklist
from ._actions import RETRIES, Outcome, _refusal, _refused, _rows, answer, review_recheck
from ._fields import choices, field_kind, get_field, parse_value, set_field, shown


@dataclass
class BulkPlan:
    """What a bulk answer would do, shown before it is done: each item and the value it would get."""

    items: list[dict[str, Any]]


def bulk_plan(store: Store, file: str, code: str) -> BulkPlan:
    """Every open item of `code` in `file` that has a suggestion (its first candidate)."""
    out = []
    for item in store.worklist(Worklist(code=code, file=file)):
        picks = choices(item["field"], _json(item["candidates"]))
        if picks and item["field"] != "amount_unit":  # a unit is one decision for the file, not a suggestion
            out.append({**item, "suggestion": picks[0]})
    return BulkPlan(out)


def _json(text: str | None) -> list[Any]:
    return json.loads(text) if text else []


def bulk_answer(
    store: Store, who: str, file: str, code: str, *, value: str | None = None, comment: str | None = None
) -> Outcome:
    """Answer every open `code` item of `file` at once: with `value` (the file's unit for `unit_suspect`),
    else each item's first candidate. Each item is its own audited answer; items others hold are left."""
    items = store.worklist(Worklist(code=code, file=file))
    if value is None:
        items = [i for i in items if i["id"] in {p["id"] for p in bulk_plan(store, file, code).items}]
    done, closed, opened, refused = 0, [], [], None
    for item in items:
        out = (
            answer(store, item["id"], who, value=value, comment=comment)
            if value is not None
            else answer(store, item["id"], who, candidate=1, comment=comment)
        )
        if out.ok:
            done += 1
            closed += out.closed
            opened += out.opened
        elif refused is None:
            refused = out
    if not done:
        return refused or Outcome(False, "bulk_none")
    return Outcome(True, "bulk_done", {"n": done}, closed=closed, opened=opened)


def reopen(store: Store, issue_id: int, who: str, comment: str | None = None, restore: bool = False) -> Outcome:
    """Make an answered item, or an automatic correction, a question again. `restore` (overrule) puts the
    printed value back first, where the correction kept it."""
    item = store.item(issue_id)
    refused = _refusal(store, item, issue_id)
    if refused is not None:
        return refused
    if item["status"] == "open" and item["severity"] == "error":
        return Outcome(False, "out.not_answered", {"id": issue_id}, issue_id, item["record_id"])
    for _ in range(RETRIES):
        row = store.record_row(item["record_id"])
        record = Record.model_validate_json(row["data"])
        issue = next((i for i in record.issues if (i.code, i.field) == (item["code"], item["field"])), None)
        old = new = None
        leaf = field_kind(record, item["field"]) is not None if issue else False
        if restore and issue is not None and issue.original is not None and leaf:
            old = get_field(record, item["field"])
            try:
                new = parse_value(record, item["field"], issue.original)
            except ValueError as exc:
                return _refused(exc, issue_id, item["record_id"])
            set_field(record, item["field"], new)
        review_recheck(record, store.confirmations(item["record_id"]), [*store.reopened(item["record_id"]), item])
        action = {
            "issue_id": issue_id,
            "action": "overrule" if restore else "reopen",
            "who": who,
            "field": item["field"],
            "code": item["code"],
            "message": item["message"],
            "old_value": shown(old) if leaf and restore else None,
            "new_value": shown(new) if leaf and restore else None,
            "before_data": row["data"],
            "comment": (comment or "").strip() or None,
        }
        result = store.commit_review(item["record_id"], row["version"], record, action)
        if result is None:
            continue
        return Outcome(
            True, "out.reopened", {"id": issue_id}, issue_id, item["record_id"], _rows(result[0]), _rows(result[1])
        )
    return Outcome(False, "out.busy", {"id": issue_id}, issue_id)


def edit(store: Store, issue_id: int, who: str, field: str, value: str, comment: str | None = None) -> Outcome:
    """Correct any field of the item's record (the indicator score behind a total that does not add up):
    audited with the item it was made from, and the record re-checked."""
    item = store.item(issue_id)
    refused = _refusal(store, item, issue_id)
    if refused is not None:
        return refused
    for _ in range(RETRIES):
        row = store.record_row(item["record_id"])
        record = Record.model_validate_json(row["data"])
        try:
            old, new = get_field(record, field), parse_value(record, field, value)
        except ValueError as exc:
            return _refused(exc, issue_id, item["record_id"])
        set_field(record, field, new)
        review_recheck(record, store.confirmations(item["record_id"]), store.reopened(item["record_id"]))
        action = {
            "issue_id": None,
            "action": "set",
            "who": who,
            "field": field,
            "old_value": shown(old),
            "new_value": shown(new),
            "code": item["code"],
            "message": f"#{issue_id}",
            "before_data": row["data"],
            "comment": (comment or "").strip() or None,
        }
        result = store.commit_review(item["record_id"], row["version"], record, action)
        if result is None:
            continue
        return Outcome(
            True,
            "out.done.set",
            {"id": issue_id, "field": field, "value": shown(new)},
            issue_id,
            item["record_id"],
            _rows(result[0]),
            _rows(result[1]),
        )
    return Outcome(False, "out.busy", {"id": issue_id}, issue_id)


def take(store: Store, issue_id: int, who: str) -> Outcome:
    holder, until = store.claim(issue_id, who)
    if holder != who:
        return Outcome(False, "out.held", {"id": issue_id, "who": holder, "until": until}, issue_id)
    return Outcome(True, "out.taken", {"id": issue_id}, issue_id)


def release(store: Store, issue_id: int, who: str, admin: bool) -> Outcome:
    """A reviewer frees their own claim; an admin frees anyone's."""
    store.release(issue_id, None if admin else who)
    return Outcome(True, "out.released", {"id": issue_id}, issue_id)


def assign(store: Store, issue_id: int, to: str) -> Outcome:
    if store.user(to) is None:
        return Outcome(False, "out.no_user", {"who": to}, issue_id)
    store.assign(issue_id, to)
    return Outcome(True, "out.assigned", {"id": issue_id, "who": to}, issue_id)
