"""Each check with a table that trips it and one that does not."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tables import INDICATORS, build

from extractor import Record, chunk_to_record, recheck, resolve


def read(*chunks, registry=None) -> list[Record]:
    records = [chunk_to_record(c).record for c in chunks]
    resolve(records, registry)
    for r in records:
        recheck(r)
    return records


def codes(record: Record, severity: str = "error") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for i in record.issues:
        if i.severity == severity:
            out.setdefault(i.code, []).append(i.field)
    return out


def test_clean_table_raises_nothing():
    (record,) = read(build())
    assert record.project_name == "职业技能培训"
    assert record.funds.total.executed == Decimal("118.00")
    assert [i.score for i in record.indicators] == [30, 18, 27, 17]
    assert codes(record) == {}


def test_ambiguous_cell_resolved_by_total():
    rows = list(INDICATORS)
    rows[1] = (*rows[1][:6], ["18", "", "81"])
    (record,) = read(build(indicators=rows))
    issue = next(i for i in record.issues if i.code == "ambiguous_cell")
    assert issue.field == "indicators[1].score" and issue.severity == "error"
    assert issue.candidates == [18, 81] and issue.resolved
    assert record.indicators[1].score == 18
    assert "score_total_mismatch" not in codes(record)


def test_ambiguous_cell_left_open_when_no_candidate_fits():
    rows = list(INDICATORS)
    rows[1] = (*rows[1][:6], ["15", "", "16"])
    (record,) = read(build(indicators=rows))
    issue = next(i for i in record.issues if i.code == "ambiguous_cell")
    assert not issue.resolved and record.indicators[1].score is None


def test_unparseable_value():
    rows = list(INDICATORS)
    rows[0] = (*rows[0][:5], "三十", "30")
    (record,) = read(build(indicators=rows))
    assert codes(record)["unparseable_value"] == ["indicators[0].weight"]
    assert "unparseable_value" not in codes(read(build())[0])


def test_missing_implementing_unit():
    (record,) = read(build(unit=""))
    assert record.implementing_unit is None
    assert codes(record)["missing_value"] == ["implementing_unit"]


def test_missing_current_appropriation_when_total_present():
    (record,) = read(build(current=("", "", "", "—", "", "—")))
    assert "funds.current_appropriation" in codes(record)["missing_value"]


def test_parts_must_add_up_to_total():
    ok = build(current=("100.50", "100.50", "98.00", "—", "", "—"), carryover=("20", "20", "20", "—", "", "—"))
    assert "amount_mismatch" not in codes(read(ok)[0])
    bad = build(current=("100.50", "100.50", "98.00", "—", "", "—"), carryover=("2", "20", "20", "—", "", "—"))
    assert codes(read(bad)[0])["amount_mismatch"] == ["funds.total.initial_budget"]


def test_printed_execution_rate_must_match():
    bad = build(total=("120.50", "120.50", "118.00", "100", "99.10%", "92"))
    assert codes(read(bad)[0])["amount_mismatch"] == ["funds.total.execution_rate"]
    rounded = build(
        total=("120.50", "120.50", "118.00", "100", "98%", "92"), current=("120.50", "120.50", "118.00", "—", "", "—")
    )
    assert "amount_mismatch" not in codes(read(rounded)[0])


@pytest.mark.parametrize("column,code", [(5, "weight_total_mismatch"), (6, "score_total_mismatch")])
def test_totals_must_add_up(column, code):
    rows = list(INDICATORS)
    row = list(rows[3])
    row[column] = "15"
    rows[3] = tuple(row)
    assert codes(read(build(indicators=rows))[0])[code] == [f"total_{code.split('_')[0]}"]


def test_budget_row_points_count_towards_total():
    rows = [(*r[:5], str(int(r[5]) - 3 if k < 2 else int(r[5]) - 2), r[6]) for k, r in enumerate(INDICATORS)]
    rows = [(*r[:6], str(min(int(r[5]), int(r[6])))) for r in rows]
    weights = sum(int(r[5]) for r in rows)
    scores = sum(int(r[6]) for r in rows)
    chunk = build(
        indicators=rows,
        total=("120.50", "120.50", "118.00", str(100 - weights), "97.93%", "9"),
        totals=("100", str(scores + 9)),
    )
    assert codes(read(chunk)[0]) == {}


def test_score_exceeds_weight():
    rows = list(INDICATORS)
    rows[0] = (*rows[0][:5], "20", "30")
    rows[1] = (*rows[1][:5], "30", "18")
    assert codes(read(build(indicators=rows))[0])["score_exceeds_weight"] == ["indicators[0].score"]


def test_duplicate_indicator():
    rows = [*INDICATORS[:3], (*INDICATORS[3][:2], "政策知晓率", *INDICATORS[3][3:])]
    assert codes(read(build(indicators=rows))[0])["duplicate_indicator"] == ["indicators[3].name"]


def test_taxonomy_resolved_to_framework_parent():
    rows = list(INDICATORS)
    rows[2] = ("产出指标", *rows[2][1:])
    (record,) = read(build(indicators=rows))
    assert record.indicators[2].level1 == "效益指标"
    issue = next(i for i in record.issues if i.code == "taxonomy_mismatch")
    assert issue.original == "产出指标" and issue.resolved and issue.field == "indicators[2].level1"
    assert not any(i.code == "taxonomy_mismatch" for i in read(build())[0].issues)


def test_name_resolved_to_batch_spelling():
    good = [build(index=i) for i in (1, 2, 3)]
    typo = build(index=4, department="区人力资源和社会保障局")
    records = read(*good, typo)
    assert records[3].department == "某区人力资源和社会保障局"
    issue = next(i for i in records[3].issues if i.code == "name_mismatch")
    assert issue.original == "区人力资源和社会保障局" and issue.field == "department"
    assert not any(i.code == "name_mismatch" for r in records[:3] for i in r.issues)


def test_name_checked_against_registry():
    official = ["某区人力资源和社会保障局", "某区人力资源和社会保障局（本级）"]
    (unknown,) = read(build(department="另一个委员会"), registry=official)
    assert codes(unknown)["name_mismatch"] == ["department"]
    (close,) = read(build(department="某区人力资源社会保障局"), registry=official)
    assert close.department == "某区人力资源和社会保障局"
    (exact,) = read(build(), registry=official)
    assert "name_mismatch" not in codes(exact)


def test_unit_suspect_for_yuan_amounts_under_wanyuan():
    big = build(
        total=("6094844.00", "6094844.00", "6094844.00", "100", "100%", "92"),
        current=("6094844.00", "6094844.00", "6094844.00", "—", "", "—"),
    )
    assert codes(read(big)[0])["unit_suspect"] == ["amount_unit"]
    yuan = build(
        money_unit="元",
        total=("1205000", "1205000", "1180000", "100", "97.93%", "92"),
        current=("1205000", "1205000", "1180000", "—", "", "—"),
    )
    (record,) = read(yuan)
    assert record.amount_unit == "元" and "unit_suspect" not in codes(record)


def test_implausible_value_for_rate_without_percent():
    rows = list(INDICATORS)
    rows[0] = (rows[0][0], rows[0][1], "验收通过率", "20", "15", *rows[0][5:])
    assert codes(read(build(indicators=rows))[0])["implausible_value"] == [
        "indicators[0].target",
        "indicators[0].actual",
    ]


def test_benyear_wording_and_title_outside_table():
    chunk = build(appropriation_label="其中：本年财政拨款", title="")
    chunk.grid.before[:] = ["财政项目支出绩效自评表", "（2019年度）"]
    (record,) = read(chunk)
    assert record.year == 2019
    assert record.funds.current_appropriation.annual_budget == Decimal("120.50")


def test_total_mismatch_points_at_a_doubtful_ocr_digit():
    from extractor import Issue

    rows = list(INDICATORS)
    rows[1] = (*rows[1][:6], "13")  # printed 18, read as 13
    chunk = build(indicators=rows)
    next(c for c in chunk.grid.cells if c.text == "13").confidence = 0.55
    (record,) = read(chunk)
    pointed = [i for i in record.issues if i.code == "score_total_mismatch" and i.field == "indicators[1].score"]
    assert len(pointed) == 1 and pointed[0].candidates == [13, 18]
    assert any(isinstance(i, Issue) and i.code == "low_confidence" for i in record.issues)
    assert not any(i.field == "indicators[0].score" for i in record.issues)
