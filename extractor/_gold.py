"""Corrections become test cases: the reviewed records written as a gold file in the corpus format.

`jixiao export --as-gold DIR` writes DIR/gold.jsonl (one record per reviewed table, the values as corrected,
`expected_issues` from the items people corrected or confirmed) next to copies of the source files under their
batch paths, so `jixiao extract DIR` and `score.py DIR/gold.jsonl` score the next release on the archive's own
corrections.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ._answers import ANSWER_ACTIONS
from .store import Store

GOLD_KEYS = (
    "schema",
    "source",
    "year",
    "project_name",
    "department",
    "implementing_unit",
    "amount_unit",
    "funds",
    "goal_expected",
    "goal_actual",
    "indicators",
    "total_weight",
    "total_score",
)
GOLD_NAME = "gold.jsonl"
# An item a person corrected is a check the next release must still raise (or settle to the corrected value);
# one they confirmed as printed asked about a right value: catching it again is welcome, not required.
TIER = {"set": "core", "accept": "core", "confirm": "stretch"}


@dataclass
class GoldCounts:
    records: int = 0
    expected_issues: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)


def expected_issues(answers: list) -> list[dict]:
    """One expected issue per item answered (the last answer that stands), in the order they were answered."""
    last: dict[tuple[str, str], dict] = {}
    for a in answers:
        if a["action"] in ANSWER_ACTIONS and a["undone_at"] is None:
            last.pop((a["code"], a["item_field"]), None)
            last[(a["code"], a["item_field"])] = a
    return [
        {"fields": [f], "codes": [code], "tier": TIER[a["action"]], "resolvable": True, "answer": a["action"]}
        for (code, f), a in last.items()
    ]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _target(out_dir: Path, name: str) -> Path:
    """Where a source file's copy goes: its batch path inside DIR, never outside it."""
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".", "..", "/")]
    return out_dir.joinpath(*parts) if parts else out_dir / "unnamed"


def write_gold(store: Store, out_dir: Path) -> GoldCounts:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = GoldCounts()
    files: dict[str, tuple[str, str]] = {}  # batch path → (sha256, record id of its first record)
    tmp = out_dir / f".{GOLD_NAME}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for rid, record, _ in store.records(only_reviewed=True):
            data = record.export()
            gold = {k: data[k] for k in GOLD_KEYS}
            gold["source"] = {"file": data["source"]["file"], "table": data["source"]["table"]}
            gold["expected_issues"] = expected_issues(store.answers([rid]).get(rid, []))
            counts.records += 1
            counts.expected_issues += len(gold["expected_issues"])
            files.setdefault(record.source.path or record.source.file, (record.source.sha256 or "", record.id or ""))
            f.write(json.dumps(gold, ensure_ascii=False) + "\n")
    os.replace(tmp, out_dir / GOLD_NAME)
    stems = Counter(PurePosixPath(name).stem for name in files)
    for name, (sha, _) in files.items():
        counts.files += _copy_source(store, out_dir, name, sha, counts.problems)
        if stems[PurePosixPath(name).stem] > 1:
            counts.problems.append(
                f"{name}: another file has the same name stem, and score.py pairs records by "
                "file stem: score those files apart"
            )
    return counts


def _copy_source(store: Store, out_dir: Path, name: str, sha: str, problems: list[str]) -> int:
    row = store.conn.execute(
        "SELECT path FROM files WHERE name = ? AND sha256 = ? AND current = 1", (name, sha)
    ).fetchone()
    source = Path(row["path"]) if row else None
    if source is None or not source.is_file():
        problems.append(f"{name}: the source file is no longer where it was read: not copied")
        return 0
    if _sha256(source) != sha:
        problems.append(f"{name}: the source file changed since it was read: not copied (read it again first)")
        return 0
    target = _target(out_dir, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return 1
