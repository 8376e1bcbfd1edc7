"""The columns of the tabular exports (CSV, XLSX, database): keys, Chinese headers and what each holds.

Keys are RECORD.md's dotted paths (`total.initial_budget` is `funds.total.initial_budget`); the XLSX shows the
Chinese header a reviewer knows from the form, and its 说明 sheet lists both with the meaning.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ._record import FUND_COLUMN_LABELS, FUND_COLUMNS, FUND_ROW_LABELS, FUND_ROWS

# key: (header, meaning). The meaning says where the value comes from, for an importer who never saw the form.
COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("记录编号", "stable record key: the first 16 hex digits of the file's SHA-256, '-', the table number"),
    "file": ("文件名", "source.file: the file's name, no folders"),
    "path": ("文件路径", "source.path: the file's path relative to the batch root"),
    "table": ("表序号", "source.table: 1-based number of the table among the file's self-evaluation tables"),
    "year": ("年度", "the year in the title"),
    "project_name": ("项目名称", "项目名称"),
    "department": ("主管部门", "主管部门 (the local one on transfer-payment forms)"),
    "implementing_unit": ("实施单位", "实施单位; blank when blank"),
    "amount_unit": ("金额单位", "the unit printed in the 项目资金 header (万元, 元)"),
    **{
        f"{r}.{c}": (
            f"{FUND_ROW_LABELS[r]}·{FUND_COLUMN_LABELS[c]}",
            f"funds.{r}.{c}: row {FUND_ROW_LABELS[r]}, column {FUND_COLUMN_LABELS[c]}"
            + (" (text as printed)" if c == "execution_rate" else ""),
        )
        for r in FUND_ROWS
        for c in FUND_COLUMNS
    },
    "goal_expected": ("预期目标", "年度总体目标: 预期目标"),
    "goal_actual": ("实际完成情况", "年度总体目标: 实际完成情况"),
    "total_weight": ("总分值", "总分 row: the weight"),
    "total_score": ("总得分", "总分 row: the score"),
    "reviewed": ("已复核", "true when a person answered the record's review items and no error is left open"),
    "open_errors": ("待复核问题数", "issues of severity error still open (the review queue)"),
    "duplicate_of": ("重复于", "id of the primary record when the same table is in another file; blank on the primary"),
    "row": ("行序号", "1-based number of the indicator in the table"),
    "level1": ("一级指标", "一级指标"),
    "level2": ("二级指标", "二级指标"),
    "name": ("三级指标", "三级指标"),
    "target": ("年度指标值", "年度指标值, as printed"),
    "actual": ("实际完成值", "实际完成值, as printed"),
    "weight": ("分值", "分值"),
    "score": ("得分", "得分"),
    "note": ("偏差原因分析及改进措施", "偏差原因分析及改进措施"),
    "indicator": ("指标序号", "1-based number of the indicator in the table (one CSV row per indicator)"),
    "code": ("问题代码", "issue code (RECORD.md): amount_mismatch, missing_value, …"),
    "field": ("字段", "the record field the issue is about, as a path: indicators[3].score"),
    "severity": ("严重程度", "error: a person must answer it; warning: shown only"),
    "message": ("说明", "what was found, with the numbers"),
    "candidates": ("候选值", "values a reviewer can pick from, as JSON; blank when none"),
    "resolved": ("已解决", "true when the table itself or a reviewer settled it"),
    "original": ("原值", "the value as printed, before it was settled"),
    "value": ("现值", "the value in the record now"),
    "resolved_by": ("解决人", "who settled it: a reviewer, or jixiao for what the table itself settled"),
    "resolved_at": ("解决时间", "when a reviewer settled it (UTC)"),
    "item": ("复核项", "the review item the action answered"),
    "action": ("操作", "set | accept | confirm | skip | undo"),
    "old_value": ("原值", "the field before the action"),
    "new_value": ("新值", "the field after the action"),
    "who": ("复核人", "the reviewer"),
    "at": ("时间", "when (UTC)"),
    "undone_at": ("撤销时间", "when it was undone"),
    "comment": ("复核说明", "the reviewer's comment on the answer"),
    "record_id": ("记录编号", "the id of the record the row belongs to"),
}

RECORD_COLUMNS = [
    "id",
    "file",
    "path",
    "table",
    "year",
    "project_name",
    "department",
    "implementing_unit",
    "amount_unit",
    *[f"{r}.{c}" for r in FUND_ROWS for c in FUND_COLUMNS],
    "goal_expected",
    "goal_actual",
    "total_weight",
    "total_score",
    "reviewed",
    "open_errors",
    "duplicate_of",
]
_PLAIN = [
    "year",
    "project_name",
    "department",
    "implementing_unit",
    "amount_unit",
    "goal_expected",
    "goal_actual",
    "total_weight",
    "total_score",
    "duplicate_of",
]
INDICATOR_COLUMNS = ["level1", "level2", "name", "target", "actual", "weight", "score", "note"]
ISSUE_COLUMNS = [
    "code",
    "field",
    "severity",
    "message",
    "candidates",
    "resolved",
    "original",
    "value",
    "resolved_by",
    "resolved_at",
]
AUDIT_COLUMNS = [
    "record_id",
    "file",
    "table",
    "item",
    "action",
    "code",
    "field",
    "old_value",
    "new_value",
    "who",
    "at",
    "undone_at",
    "comment",
]


def record_row(data: dict[str, Any], reviewed: bool) -> dict[str, Any]:
    src = data["source"]
    row = {"id": data.get("id"), "file": src["file"], "path": src.get("path"), "table": src["table"]}
    row.update({key: data.get(key) for key in _PLAIN})
    for r in FUND_ROWS:
        for c in FUND_COLUMNS:
            row[f"{r}.{c}"] = data["funds"][r][c]
    row["reviewed"] = reviewed
    row["open_errors"] = sum(1 for i in data["issues"] if i["severity"] == "error")
    return row


def issue_row(issue: dict[str, Any]) -> dict[str, Any]:
    """An issue as a flat row: candidates and values as JSON text (a list or a number in one cell), None as blank."""
    row = {c: issue.get(c) for c in ISSUE_COLUMNS}
    for c in ("candidates", "original", "value"):
        if row[c] is not None and not isinstance(row[c], str):
            row[c] = json.dumps(row[c], ensure_ascii=False, default=str)
    return row


def audit_rows(actions: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    return ({c: a.get(c) for c in AUDIT_COLUMNS} for a in actions)


def dictionary(sheets: dict[str, list[str]]) -> Iterator[tuple[str, str, str, str]]:
    """The 说明 sheet's rows: sheet, header, key, meaning."""
    for sheet, columns in sheets.items():
        for key in columns:
            header, meaning = COLUMNS[key]
            yield sheet, header, key, meaning
