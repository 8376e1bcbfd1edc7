"""What a reviewer does to an item: accept a candidate, set a value, confirm, skip, undo.

Every answer re-checks the record at once and is stored with who, when, the old and new value and
the issue it answered. The same functions serve the web page and the CLI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .._pipeline import READ_CODES, recheck
from .._record import Issue, Record
from ..store import Store
from ..store._worklist import Worklist
from ._fields import FieldError, choices, field_kind, get_field, parse_value, set_field, shown, under
from ._i18n import field_label, server_lang, t, when

RETRIES = 5


@dataclass
class Outcome:
    """What an action did, worded from the catalog in the reader's language (`text`)."""

    ok: bool
    key: str
    args: dict[str, Any] = field(default_factory=dict)
    issue_id: int | None = None
    record_id: int | None = None
    closed: list[dict[str, Any]] = field(default_factory=list)
    opened: list[dict[str, Any]] = field(default_factory=list)

    def text(self, lang: str, record: Record | None = None) -> str:
        args = {k: t(lang, v[0], **v[1]) if isinstance(v, tuple) else v for k, v in self.args.items()}
        if lang != "en":  # a clerk reads fields by the form's labels; the English desk keeps the paths
            for name in ("field", "other"):
                if isinstance(args.get(name), str):
                    args[name] = field_label(lang, args[name], record)
            if "action" in args:
                args["action"] = t(lang, f"action.{args['action']}")
        if args.get("value") == "":
            args["value"] = t(lang, "blank")
        if args.get("until"):
            args["until"] = when(lang, args["until"])
        return t(lang, self.key, **args)

    @property
    def message(self) -> str:
        return self.text(server_lang())


def _refused(exc: ValueError, issue_id: int, record_id: int | None) -> Outcome:
    if isinstance(exc, FieldError):
        return Outcome(False, exc.key, exc.args_, issue_id, record_id)
    return Outcome(False, "out.raw", {"text": str(exc)}, issue_id, record_id)


Key = tuple[str, str, str]


def _key(issue: Issue) -> Key:
    return issue.code, issue.field, issue.message


def review_recheck(record: Record, confirmed: set[Key], reopened: list | None = None) -> None:
    """Re-run the checks; a check a reviewer confirmed stays answered while it reports exactly the same numbers,
    and an item a reviewer reopened stays a question (whatever the checks say) until it is answered again."""
    record.issues = [i for i in record.issues if i.code in READ_CODES or _key(i) not in confirmed]
    recheck(record)
    for issue in record.issues:
        if issue.severity == "error" and _key(issue) in confirmed:
            issue.severity, issue.resolved = "warning", True
    for row in reopened or []:
        issue = next((i for i in record.issues if (i.code, i.field) == (row["code"], row["field"])), None)
        if issue is None:
            issue = Issue(
                code=row["code"],
                field=row["field"],
                message=row["message"],
                candidates=json.loads(row["candidates"]) if row["candidates"] else None,
            )
            record.issues.append(issue)
        issue.severity, issue.resolved = "error", False


def _rows(rows) -> list[dict[str, Any]]:
    return [{"id": r["id"], "code": r["code"], "field": r["field"]} for r in rows]


def _reopened_but(store: Store, record_id: int, issue_id: int) -> list:
    """The record's reopened items other than the one being answered now."""
    return [r for r in store.reopened(record_id) if r["id"] != issue_id]


def answer(
    store: Store,
    issue_id: int,
    who: str,
    *,
    value: str | None = None,
    candidate: int | None = None,
    field: str | None = None,
    comment: str | None = None,
) -> Outcome:
    """Answer a queue item: `candidate` (1-based) accepts a candidate, `value` sets the field, neither confirms
    the value as it stands. `field` picks a single field under a group path (`funds.current_appropriation`).
    `comment` is kept with the answer in the audit."""
    item = store.item(issue_id)
    refused = _refusal(store, item, issue_id)
    if refused is not None:
        return refused
    if item["status"] != "open" or item["severity"] != "error":
        return Outcome(False, "out.not_open", {"id": issue_id, "status": item["status"]}, issue_id, item["record_id"])
    if field and not under(field, item["field"]):
        # Another field is its own audited edit, never a side door through this item's answer.
        return Outcome(
            False,
            "out.other_field",
            {"id": issue_id, "field": item["field"], "other": field},
            issue_id,
            item["record_id"],
        )
    holder, until = store.claim(issue_id, who)
    if holder != who:
        return Outcome(False, "out.held", {"id": issue_id, "who": holder, "until": until}, issue_id)
    for _ in range(RETRIES):
        row = store.record_row(item["record_id"])
        record = Record.model_validate_json(row["data"])
        confirmed = store.confirmations(item["record_id"])
        reopened = _reopened_but(store, item["record_id"], issue_id)
        # Messages as the checks word them now (numbers read back from JSON print as the export prints them).
        review_recheck(record, confirmed, store.reopened(item["record_id"]))
        issue = next(
            (i for i in record.issues if (i.code, i.field, i.severity) == (item["code"], item["field"], "error")), None
        )
        if issue is None:
            return Outcome(False, "out.answered_meanwhile", {"id": issue_id}, issue_id, item["record_id"])
        target, kind, new = field or issue.field, "confirm", None
        try:
            old = get_field(record, target)
            if candidate is not None:
                picks = choices(target, issue.candidates)
                if not 1 <= candidate <= len(picks):
                    return Outcome(
                        False, "out.no_candidate", {"id": issue_id, "n": len(picks), "k": candidate}, issue_id
                    )
                kind, new = "accept", parse_value(record, target, picks[candidate - 1])
            elif value is not None:
                kind, new = "set", parse_value(record, target, value)
            elif issue.code == "ambiguous_cell" and issue.original is not None and target == issue.field:
                # "As printed" for a two-value cell is the cell's text, never the candidate the reader chose;
                # a number field cannot hold two values, so that answer is refused, not guessed.
                kind, new = "keep", parse_value(record, target, issue.original)
        except ValueError as exc:
            if issue.code == "ambiguous_cell" and kind == "confirm" and value is None and candidate is None:
                return Outcome(
                    False, "out.keep_two", {"id": issue_id, "value": str(issue.original)}, issue_id, item["record_id"]
                )
            return _refused(exc, issue_id, item["record_id"])
        if kind in ("set", "keep") and new == old:
            kind = "confirm"  # typing the value that is there confirms it
        elif kind == "keep":
            kind = "set"
        if kind != "confirm":
            set_field(record, target, new)
        if issue.code in READ_CODES or issue.resolved:
            issue.severity, issue.resolved = "warning", True
        elif kind == "confirm":
            confirmed.add(_key(issue))
        review_recheck(record, confirmed, reopened)
        leaf = field_kind(record, target) is not None
        action = {
            "issue_id": issue_id,
            "action": kind,
            "who": who,
            "field": target,
            "old_value": shown(old) if leaf else None,
            "new_value": shown(new if kind != "confirm" else old) if leaf else None,
            "code": issue.code,
            "message": issue.message,
            "before_data": row["data"],
            "comment": (comment or "").strip() or None,
        }
        result = store.commit_review(item["record_id"], row["version"], record, action)
        if result is None:
            continue  # another reviewer wrote this record first: re-read it and apply the answer again
        closed, opened = result
        key = f"out.done.{kind}" if leaf else "out.done.group"
        return Outcome(
            True,
            key,
            {"id": issue_id, "field": target, "value": action["new_value"] or ""},
            issue_id,
            item["record_id"],
            _rows(closed),
            _rows(opened),
        )
    return Outcome(False, "out.busy", {"id": issue_id}, issue_id)


def _refusal(store: Store, item, issue_id: int) -> Outcome | None:
    """Why an item cannot be answered at all: unknown, or asked of a read of its file that was replaced."""
    if item is None:
        return Outcome(False, "out.no_item", {"id": issue_id})
    if item["file_current"]:
        return None
    newer = store.successor(item)
    where = ("out.old_read_to", {"id": newer}) if newer else ("out.old_read_none", {})
    return Outcome(
        False, "out.old_read", {"id": issue_id, "file": item["file"], "where": where}, issue_id, item["record_id"]
    )


def skip(store: Store, issue_id: int, who: str, comment: str | None = None) -> Outcome:
    item = store.item(issue_id)
    refused = _refusal(store, item, issue_id)
    if refused is not None:
        return refused
    holder, until = store.claim(issue_id, who)
    if holder != who:
        return Outcome(False, "out.held", {"id": issue_id, "who": holder, "until": until}, issue_id)
    with store.conn:
        store.log_action(
            item["record_id"],
            issue_id,
            "skip",
            who,
            field=item["field"],
            code=item["code"],
            comment=(comment or "").strip() or None,
        )
    store.release(issue_id, who)
    return Outcome(True, "out.skipped", {"id": issue_id}, issue_id, item["record_id"])


def undo(store: Store, who: str) -> Outcome:
    """Undo `who`'s latest answer, if nobody has answered anything on that record since."""
    for _ in range(RETRIES):
        action = store.last_action(who)
        if action is None:
            return Outcome(False, "out.nothing_to_undo", {"who": who})
        if store.later_actions(action):
            return Outcome(False, "out.undo_later", {"id": action["issue_id"]}, action["issue_id"], action["record_id"])
        row = store.record_row(action["record_id"])
        record = Record.model_validate_json(action["before_data"])
        entry = {
            "issue_id": action["issue_id"],
            "action": "undo",
            "who": who,
            "field": action["field"],
            "old_value": action["new_value"],
            "new_value": action["old_value"],
            "code": action["code"],
            "message": action["message"],
        }
        result = store.commit_review(action["record_id"], row["version"], record, entry, undo_of=action["id"])
        if result is None:
            continue
        closed, opened = result
        return Outcome(
            True,
            "out.undone",
            {"action": action["action"], "id": action["issue_id"], "field": action["field"]},
            action["issue_id"],
            action["record_id"],
            _rows(closed),
            _rows(opened),
        )
    return Outcome(False, "out.undo_busy")


def next_item(store: Store, who: str, after: int | None = None, work: Worklist | None = None) -> int | None:
    """The next item of the worklist (all open items by default) that nobody else is working on."""
    return store.next_in(work or Worklist(), who, after)
