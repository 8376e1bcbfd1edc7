"""The label vocabulary, table-driven: what each printed label stands for, and what must stay unknown."""

from __future__ import annotations

import pytest

from extractor._vocab import label_key, vocabulary

CASES = [
    # section, printed label, field (None: the vocabulary must not know it)
    ("header", "项目名称", "project_name"),
    ("header", "转移支付（项目）名称", "project_name"),
    ("header", "地方主管部门", "department"),
    ("header", "中央主管部门", "ignore"),
    ("header", "实施单位（盖章）", "implementing_unit"),
    ("header", "资金使用单位", "implementing_unit"),
    ("header", "项目负责人及电话", "ignore"),
    ("fund_columns", "全年预算数（A）", "annual_budget"),
    ("fund_columns", "调整后预算数", "annual_budget"),
    ("fund_columns", "执行率(B/A)", "execution_rate"),
    ("fund_columns", "得分(20分*执行率)", "score"),
    ("fund_columns", "权重", "weight"),
    ("fund_rows", "其中：本年财政拨款", "current_appropriation"),
    ("fund_rows", "其中：财政资金", "current_appropriation"),
    ("fund_rows", "总额", "total"),
    ("fund_rows", "年度财政资金总额", "total"),
    ("fund_rows", "财政专户管理资金", "extra"),
    ("fund_rows", "其中：中央补助", "extra"),
    ("goals", "年初设定目标", "goal_expected"),
    ("goals", "年度总体目标完成情况综述", "goal_actual"),
    ("goals", "年度绩效目标2（40分）", "block"),
    ("indicator_columns", "年度\n指标值", "target"),
    ("indicator_columns", "全年实际值", "actual"),
    ("indicator_columns", "实际完成情况", "actual"),
    ("indicator_columns", "未完成原因和改进措施", "note"),
    ("indicator_columns", "指标分值", "weight"),
    ("indicator_parts", "度量单位", "unit"),
    ("indicator_parts", "指标性质", "operator"),
    ("rows", "分总", "total"),
    ("rows", "评价结论", "trailing"),
    ("indicator_columns", "考核方式", None),
    ("fund_rows", "部门自有资金结余", None),
    ("header", "预算执行率", None),
]


@pytest.mark.parametrize(("section", "label", "field"), CASES)
def test_label_maps_to_its_field(section, label, field):
    m = vocabulary().match(section, label, inside=section == "indicator_columns")
    assert (m.field if m else None) == field


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("其中：当年财政拨款", "当年财政拨款"),
        ("年 度 指 标 值", "年度指标值"),
        ("实施单位（盖章）", "实施单位"),
        ("年度绩效目标1（80分）", "年度绩效目标"),
        ("项目资金：", "项目资金"),
    ],
)
def test_label_key(text, key):
    assert label_key(text) == key


@pytest.mark.parametrize(
    ("text", "placeholder", "instruction"),
    [
        ("……", True, False),
        ("指标1：", True, False),
        ("///", True, False),
        ("指标1：培训人次", False, False),
        ("（填写实施单位全称）", False, True),
        ("请根据实际情况填写", False, True),
        ("≥95%", False, False),
        ("不少于100人", False, False),
    ],
)
def test_placeholders_and_instructions(text, placeholder, instruction):
    v = vocabulary()
    assert (v.is_placeholder(text), v.is_instruction(text)) == (placeholder, instruction)


def test_a_learned_label_extends_a_copy_only():
    base = vocabulary()
    learned = base.with_labels({("indicator_columns", "全年完成情况"): "actual"})
    assert learned.field("indicator_columns", "全年完成情况") == "actual"
    assert base.field("indicator_columns", "全年完成情况") is None
