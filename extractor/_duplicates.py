"""The same project table in two files of an archive (a .docx and its PDF, a report and its appendix).

Found by year, department, project name and amounts; the records are linked as one project: each gets a
`duplicate_record` warning naming the others, the export marks one primary (`duplicate_of` is null on it and
holds its id on the others), and every field on which a record disagrees with another reading of the same
table is a `readings_disagree` review item with both values as candidates. A re-run links afresh and keeps
what reviewers answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from typing import Any

from ._codes import IssueCode
from ._fieldpath import leaves
from ._record import Issue, Record, record_id
from ._text import normalize
from .store import Store

# Which reading of one table is the primary: the most faithful source first (a .docx or .xlsx holds the
# typed text, a PDF its print, a scan only OCR), then the path, so the choice is the same on every run.
SOURCE_RANK = {".docx": 0, ".xlsx": 0, ".pdf": 1}
LINK_NOTE = "the same table in "  # how a disagreement found by linking is told from other readings_disagree
_KEY_PATHS = {
    "year": "year",
    "department": "department",
    "project": "project_name",
    "budget": "funds.total.annual_budget",
    "executed": "funds.total.executed",
}
_NOT_COMPARED = {"schema", "id", "source", "issues", "duplicate_of", "provenance", "stamp"}
NAMED_IN_MESSAGE = 3  # other files a duplicate_record warning names before "and N more"


def _norm(value: Any) -> Any:
    if value is None:
        return None
    text = normalize(str(value))
    try:
        return Decimal(text.replace(",", "")).normalize()
    except InvalidOperation:
        return text or None


@dataclass
class _Reading:
    record_id: int
    name: str
    key: str  # the record's stable id


def _candidates(store: Store) -> dict[tuple, list[_Reading]]:
    """Current records grouped by what identifies a project table, read from the JSON in SQL (no whole records)."""
    if store.conn.dialect == "postgres":
        fields = ", ".join(f"(r.data::json #>> '{{{p.replace('.', ',')}}}') AS {k}" for k, p in _KEY_PATHS.items())
    else:
        fields = ", ".join(f"json_extract(r.data, '$.{p}') AS {k}" for k, p in _KEY_PATHS.items())
    rows = store.conn.execute(
        f"SELECT r.id, r.idx, f.name, f.sha256, {fields} FROM records r JOIN files f"
        " ON f.id = r.file_id WHERE f.current = 1 AND f.status = 'ok'"
    ).fetchall()
    groups: dict[tuple, list[_Reading]] = {}
    for r in rows:
        key = tuple(_norm(r[k]) for k in _KEY_PATHS)
        if key[2] is None or (key[3] is None and key[4] is None):
            continue  # a table without a name or amounts identifies no project
        groups.setdefault(key, []).append(_Reading(r["id"], r["name"], record_id(r["sha256"], r["idx"])))
    return {
        k: sorted(v, key=lambda x: (SOURCE_RANK.get(PurePosixPath(x.name).suffix.lower(), 2), x.name))
        for k, v in groups.items()
        if len({x.name for x in v}) > 1
    }


def _values(record: Record) -> dict[str, Any]:
    return leaves({k: v for k, v in record.export().items() if k not in _NOT_COMPARED})


def _disagreements(record: Record, others: list[tuple[_Reading, Record]]) -> list[Issue]:
    mine = _values(record)
    out: dict[str, Issue] = {}
    for reading, other in others:
        theirs = _values(other)
        for path in sorted(mine.keys() | theirs.keys()):
            a, b = mine.get(path), theirs.get(path)
            if path not in out and _norm(a) != _norm(b):
                out[path] = Issue(
                    code=IssueCode.READINGS_DISAGREE,
                    field=path,
                    candidates=[a, b],
                    message=(
                        f"{LINK_NOTE}{reading.name} (record {reading.key}) reads {b!r} here, this file {a!r}: "
                        "which does the table say?"
                    ),
                )
    return list(out.values())


def _is_link(issue: Issue) -> bool:
    return issue.code == IssueCode.DUPLICATE_RECORD or (
        issue.code == IssueCode.READINGS_DISAGREE and issue.message.startswith(LINK_NOTE)
    )


def _relink(record: Record, issues: list[Issue], primary: str | None) -> bool:
    """Replace the link issues, keeping an answered one while its question still stands; True if anything changed."""
    old = [i for i in record.issues if _is_link(i)]
    kept = {(i.code, i.field): i for i in old}
    new = [
        kept[(i.code, i.field)] if (i.code, i.field) in kept and kept[(i.code, i.field)].resolved else i for i in issues
    ]
    if new == old and record.duplicate_of == primary:
        return False
    record.issues = [i for i in record.issues if not _is_link(i)] + new
    record.duplicate_of = primary
    return True


def _load(store: Store, rid: int) -> tuple[Record, int]:
    row = store.record_row(rid)
    return Record.model_validate_json(row["data"]), row["version"]


def link_duplicates(store: Store) -> int:
    """Link every group of readings of one table in the store; returns the records that are part of a group."""
    groups = list(_candidates(store).values())
    linked = {r.record_id for g in groups for r in g}
    stale = [
        r["id"]
        for r in store.conn.execute(
            "SELECT r.id FROM records r JOIN files f ON f.id = r.file_id WHERE f.current = 1 AND r.data LIKE ?",
            ('%"duplicate_record"%',),
        ).fetchall()
        if r["id"] not in linked
    ]
    for rid in stale:  # linked on an earlier run, no longer: the links go
        record, version = _load(store, rid)
        if _relink(record, [], None):
            _write(store, rid, version, record)
    for group in groups:
        loaded = {r.record_id: _load(store, r.record_id) for r in group}
        primary = group[0].key
        for reading in group:
            record, version = loaded[reading.record_id]
            others = [(o, loaded[o.record_id][0]) for o in group if o is not reading]
            names = ", ".join(f"{o.name} (record {o.key})" for o, _ in others[:NAMED_IN_MESSAGE])
            if len(others) > NAMED_IN_MESSAGE:
                names += f" and {len(others) - NAMED_IN_MESSAGE} more"
            # Each reading is compared with the primary, the primary with every reading: linear in the group.
            compared = others if reading.key == primary else others[:1]
            role = "it is the primary" if reading.key == primary else f"the primary is {primary}"
            issues = [
                Issue(
                    code=IssueCode.DUPLICATE_RECORD,
                    field="record",
                    severity="warning",
                    message=f"the same project table is also in {names}: {role}",
                ),
                *_disagreements(record, compared),
            ]
            if _relink(record, issues, None if reading.key == primary else primary):
                _write(store, reading.record_id, version, record)
    return len(linked)


def _write(store: Store, rid: int, version: int, record: Record) -> None:
    with store.conn:
        cur = store.conn.execute(
            "UPDATE records SET data = ?, version = version + 1 WHERE id = ? AND version = ?",
            (record.model_dump_json(by_alias=True), rid, version),
        )
        if cur.rowcount == 1:  # else a reviewer wrote it meanwhile: the next run links it
            store.sync_issues(rid, record)
