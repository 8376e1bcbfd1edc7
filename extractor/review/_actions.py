"""What a reviewer does to an item: accept a candidate, set a value, confirm, skip, undo.

Every answer re-checks the record at once and is stored with who, when, the old and new value and
the issue it answered. The same functions serve the web page and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .._pipeline import READ_CODES, recheck
from .._record import Issue, Record
from ..store import Store
from ._fields import field_kind, get_field, parse_value, set_field, shown, under

RETRIES = 5


@dataclass
class Outcome:
    ok: bool
    message: str
    issue_id: int | None = None
    record_id: int | None = None
    closed: list[dict[str, Any]] = field(default_factory=list)
    opened: list[dict[str, Any]] = field(default_factory=list)


def _key(issue: Issue) -> tuple[str, str, str]:
    return issue.code, issue.field, issue.message


def review_recheck(record: Record, confirmed: set[tuple[str, str, str]]) -> None:
    """Re-run the checks; a check a reviewer confirmed stays answered while it reports exactly the same numbers."""
    record.issues = [i for i in record.issues if i.code in READ_CODES or _key(i) not in confirmed]
    recheck(record)
    for issue in record.issues:
        if issue.severity == "error" and _key(issue) in confirmed:
            issue.severity, issue.resolved = "warning", True


def _rows(rows) -> list[dict[str, Any]]:
    return [{"id": r["id"], "code": r["code"], "field": r["field"]} for r in rows]


def answer(store: Store, issue_id: int, who: str, *, value: str | None = None, candidate: int | None = None,
           field: str | None = None) -> Outcome:
    """Answer a queue item: `candidate` (1-based) accepts a candidate, `value` sets the field, neither confirms
    the value as it stands. `field` picks a single field under a group path (`funds.current_appropriation`)."""
    item = store.item(issue_id)
    refused = _refusal(store, item, issue_id)
    if refused is not None:
        return refused
    if item["status"] != "open" or item["severity"] != "error":
        return Outcome(False, f"item #{issue_id} is {item['status']}: nothing to answer", issue_id, item["record_id"])
    if field and not under(field, item["field"]):
        # Another field is its own audited edit, never a side door through this item's answer.
        return Outcome(False, f"item #{issue_id} is about {item['field']}: an answer here cannot change {field}",
                       issue_id, item["record_id"])
    holder, until = store.claim(issue_id, who)
    if holder != who:
        return Outcome(False, f"item #{issue_id} is being reviewed by {holder} until {until}", issue_id)
    for _ in range(RETRIES):
        row = store.record_row(item["record_id"])
        record = Record.model_validate_json(row["data"])
        confirmed = store.confirmations(item["record_id"])
        # Messages as the checks word them now (numbers read back from JSON print as the export prints them).
        review_recheck(record, confirmed)
        issue = next((i for i in record.issues if (i.code, i.field, i.severity) == (item["code"], item["field"],
                                                                                     "error")), None)
        if issue is None:
            return Outcome(False, f"item #{issue_id} was answered meanwhile", issue_id, item["record_id"])
        target = field or issue.field
        try:
            old, kind, new = get_field(record, target), "confirm", None
            if candidate is not None:
                choices = issue.candidates or []
                if not 1 <= candidate <= len(choices):
                    return Outcome(False, f"item #{issue_id} has {len(choices)} candidates, not {candidate}", issue_id)
                kind, new = "accept", parse_value(record, target, choices[candidate - 1])
            elif value is not None:
                kind, new = "set", parse_value(record, target, value)
        except ValueError as exc:
            return Outcome(False, str(exc), issue_id, item["record_id"])
        if kind == "set" and new == old:
            kind = "confirm"  # typing the value that is there confirms it
        if kind != "confirm":
            set_field(record, target, new)
        if issue.code in READ_CODES or issue.resolved:
            issue.severity, issue.resolved = "warning", True
        elif kind == "confirm":
            confirmed.add(_key(issue))
        review_recheck(record, confirmed)
        leaf = field_kind(record, target) is not None
        action = {"issue_id": issue_id, "action": kind, "who": who, "field": target,
                  "old_value": shown(old) if leaf else None,
                  "new_value": shown(new if kind != "confirm" else old) if leaf else None,
                  "code": issue.code, "message": issue.message, "before_data": row["data"]}
        result = store.commit_review(item["record_id"], row["version"], record, action)
        if result is None:
            continue  # another reviewer wrote this record first: re-read it and apply the answer again
        closed, opened = result
        said = {"confirm": "confirmed", "accept": "accepted", "set": "set"}[kind]
        value_note = f" {target} = {action['new_value'] or 'blank'}" if leaf else f" {target}"
        return Outcome(True, f"#{issue_id} {said}{value_note}", issue_id, item["record_id"],
                       _rows(closed), _rows(opened))
    return Outcome(False, f"record of item #{issue_id} kept changing; try again", issue_id)


def _refusal(store: Store, item, issue_id: int) -> Outcome | None:
    """Why an item cannot be answered at all: unknown, or asked of a read of its file that was replaced."""
    if item is None:
        return Outcome(False, f"no item #{issue_id}")
    if item["file_current"]:
        return None
    newer = store.successor(item)
    where = f"answer #{newer} instead" if newer else "the new read does not ask this question"
    return Outcome(False, f"item #{issue_id} belongs to an older read of {item['file']}, which was read again: "
                          f"{where}", issue_id, item["record_id"])


def skip(store: Store, issue_id: int, who: str) -> Outcome:
    item = store.item(issue_id)
    refused = _refusal(store, item, issue_id)
    if refused is not None:
        return refused
    holder, until = store.claim(issue_id, who)
    if holder != who:
        return Outcome(False, f"item #{issue_id} is being reviewed by {holder} until {until}", issue_id)
    with store.conn:
        store.log_action(item["record_id"], issue_id, "skip", who, field=item["field"], code=item["code"])
    store.release(issue_id, who)
    return Outcome(True, f"#{issue_id} skipped", issue_id, item["record_id"])


def undo(store: Store, who: str) -> Outcome:
    """Undo `who`'s latest answer, if nobody has answered anything on that record since."""
    for _ in range(RETRIES):
        action = store.last_action(who)
        if action is None:
            return Outcome(False, f"{who} has nothing to undo")
        if store.later_actions(action):
            return Outcome(False, f"the record of item #{action['issue_id']} was changed after your action: "
                                  "undo the later answers first", action["issue_id"], action["record_id"])
        row = store.record_row(action["record_id"])
        record = Record.model_validate_json(action["before_data"])
        entry = {"issue_id": action["issue_id"], "action": "undo", "who": who, "field": action["field"],
                 "old_value": action["new_value"], "new_value": action["old_value"], "code": action["code"],
                 "message": action["message"]}
        result = store.commit_review(action["record_id"], row["version"], record, entry, undo_of=action["id"])
        if result is None:
            continue
        closed, opened = result
        return Outcome(True, f"undid {action['action']} on #{action['issue_id']} ({action['field']})",
                       action["issue_id"], action["record_id"], _rows(closed), _rows(opened))
    return Outcome(False, "the record kept changing; try again")


def next_item(store: Store, who: str, after: int | None = None) -> int | None:
    """The next open item in queue order that nobody else is working on (wrapping round to the start)."""
    items = [i for i in store.queue() if i["claimed_by"] in (None, who)]
    if not items:
        return None
    if after is not None:
        current = store.item(after)
        if current is not None:
            key = (current["file"], current["tbl"], after)
            later = [i for i in items if (i["file"], i["tbl"], i["id"]) > key]
            rest = [i for i in items if i["id"] != after]
            return (later or rest or [{"id": None}])[0]["id"]
    return items[0]["id"]
