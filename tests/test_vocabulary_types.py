"""The typed vocabulary: issue codes that stay plain strings outside, and one field-path format."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import EVAL

from extractor._codes import IssueCode
from extractor._fieldpath import FieldPath, field_path, leaves
from extractor._record import Issue


def test_every_code_the_gold_sets_expect_is_a_member() -> None:
    expected = {
        code
        for gold in EVAL.glob("*/gold.jsonl")
        for line in gold.read_text().splitlines()
        if line.strip()
        for issue in json.loads(line).get("expected_issues", [])
        for code in issue["codes"]
    }
    assert len(expected) >= 5
    assert expected <= {c.value for c in IssueCode}


@pytest.mark.parametrize("code", list(IssueCode))
def test_a_code_is_its_plain_string_in_text_json_and_sql(code: IssueCode) -> None:
    issue = Issue(code=code.value, field="year", message="m")
    assert issue.code is code
    assert f"{issue.code}" == str(issue.code) == code.value
    assert json.loads(issue.model_dump_json())["code"] == code.value
    assert json.dumps({"code": issue.code}) == json.dumps({"code": code.value})
    conn = sqlite3.connect(":memory:")
    assert conn.execute("SELECT ?, typeof(?)", (issue.code, issue.code)).fetchone() == (code.value, "text")


def test_a_code_outside_the_vocabulary_is_refused() -> None:
    with pytest.raises(ValueError):
        Issue(code="not_a_code", field="year", message="m")


@pytest.mark.parametrize(
    ("text", "parts", "indicator"),
    [
        ("indicators[3].score", ("indicators", 3, "score"), (3, "score")),
        ("indicators[12].level1", ("indicators", 12, "level1"), (12, "level1")),
        ("funds.total.executed", ("funds", "total", "executed"), None),
        ("extra_fund_rows[0].annual_budget", ("extra_fund_rows", 0, "annual_budget"), None),
        ("total_score", ("total_score",), None),
        ("indicators[2]", ("indicators", 2), None),
    ],
)
def test_a_path_parses_and_formats_back(text: str, parts: tuple, indicator: tuple | None) -> None:
    path = FieldPath.parse(text)
    assert path.parts == parts
    assert str(path) == field_path(*parts) == text
    assert path.indicator() == indicator


@pytest.mark.parametrize(
    "text", ["", "indicators[x].score", "indicators[3]score", ".score", "funds..total", "indicators[3].", "[3]"]
)
def test_a_malformed_path_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        FieldPath.parse(text)


def test_leaves_name_every_value_by_its_path() -> None:
    dumped = {"funds": {"total": {"executed": 5}}, "indicators": [{"score": 1}, {"score": None}], "year": 2020}
    assert leaves(dumped) == {
        "funds.total.executed": 5,
        "indicators[0].score": 1,
        "indicators[1].score": None,
        "year": 2020,
    }
    assert all(str(FieldPath.parse(p)) == p for p in leaves(dumped))
