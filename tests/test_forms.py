"""Forms of other provinces and years, read by what their headers mean (one sketch per kind of form).

Each sketch is a generated example of a variant that published tables print; the assertions are the values
RECORD.md's "Other forms" says the record holds, and the issues that must be raised for what is not understood.
"""

from __future__ import annotations

from decimal import Decimal

from sketch import chunk, grid

from extractor import Record, chunk_to_record, recheck, resolve
from extractor._chunk import sort_tables

HEAD = """
项目支出绩效自评表（2021年度）*9
项目名称*2 | 乡村道路养护*7
主管部门*2 | 某县交通运输局*3 | 实施单位 | 某县公路管理站*3
项目资金/（万元）^5 | ~*2 | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
< | 年度资金总额*2 | 100 | 100 | 95 | 10 | 95% | 9.5
< | 其中：当年财政拨款*2 | 100 | 100 | 95 | — | 95% | —
< | 上年结转资金*2 | ~ | ~ | ~ | — | ~ | —
< | 其他资金*2 | ~ | ~ | ~ | — | ~ | —
年度总体目标^2 | 预期目标*4 | 实际完成情况*4
< | 完成道路养护80公里*4 | 完成82公里*4
"""


def read(*chunks) -> list[Record]:
    records = [chunk_to_record(c).record for c in chunks]
    resolve(records, file_name=chunks[0].file)
    for r in records:
        recheck(r)
    return records


def errors(record: Record, code: str | None = None) -> list[str]:
    return [i.field for i in record.issues if i.severity == "error" and (code is None or i.code == code)]


def test_split_target_columns_are_joined_as_printed():
    (record,) = read(
        chunk(
            HEAD.replace("*9", "*11").replace("*7", "*9")
            + """
    绩效指标^4 | 一级指标^2 | 二级指标^2 | 三级指标^2 | 年度指标值*3 | 实际完成值^2 | 分值^2 | 得分^2 | 偏差原因^2
    < | < | < | < | 指标性质 | 指标值 | 度量单位 | < | < | < | <
    < | 产出指标^2 | 数量指标 | 养护里程 | ≧ | 80 | 公里 | 82公里 | 50 | 50 | ~
    < | < | 质量指标 | 路况优良率 | ＞ | 85 | % | 88% | 40 | 35 | 个别路段未达标
    总分*8 | 90 | 85 | ~
    """
        )
    )
    assert [(i.target, i.actual) for i in record.indicators] == [("≧80公里", "82公里"), ("＞85%", "88%")]
    assert record.indicators[1].note == "个别路段未达标"
    assert (record.total_weight, record.total_score) == (90, 85)
    assert errors(record, "unmapped_cell") == []


def test_split_columns_without_a_parent_header_attach_to_their_value():
    (record,) = read(
        chunk(
            HEAD
            + """
    绩效指标^2 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 全年实际值 | 权重 | 得分 | 原因分析
    < | 服务人次 | 不少于 | 735 | 人次 | 800人次 | 90 | 85 | ~
    合计*6 | 90 | 85 | ~
    """
        )
    )
    ind = record.indicators[0]
    assert (ind.name, ind.target, ind.actual, ind.weight, ind.score) == ("服务人次", "不少于735人次", "800人次", 90, 85)


def test_columns_found_wherever_they_stand():
    (record,) = read(
        chunk(
            HEAD
            + """
    绩效指标^3 | 一级指标 | 二级指标 | 三级指标 | 分值 | 年度指标值 | 实际完成情况 | 得分 | 未完成原因分析
    < | 产出指标 | 时效指标 | 按期完成率 | 45 | ≥95% | 100% | 45 | ~
    < | 满意度指标 | 服务对象满意度指标 | 群众满意度 | 45 | ≥85% | 80% | 40 | 调查样本偏少
    总分*4 | 90 | ~*2 | 85 | ~
    """
        )
    )
    assert [(i.weight, i.target, i.actual, i.score) for i in record.indicators] == [
        (45, "≥95%", "100%", 45),
        (45, "≥85%", "80%", 40),
    ]
    assert record.indicators[1].note == "调查样本偏少"
    assert (record.total_weight, record.total_score) == (90, 85)


SICHUAN = """
部门预算项目支出绩效自评表（2022年度）*9
项目名称*2 | 学生资助*7
主管部门*2 | 成都市某区教育局*3 | 实施单位（盖章） | 成都市某中学*3
项目资金/（万元）^5 | ~*2 | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分
< | 总额*2 | 300 | 320 | 310 | 96.88% | 10 | 9.69
< | 其中：财政资金*2 | 200 | 220 | 210 | 95.45% | ~ | ~
< | 财政专户管理资金*2 | 100 | 100 | 100 | 100% | ~ | ~
< | 单位资金*2 | ~ | ~ | ~ | ~ | ~ | ~
年初设定目标*2 | 资助家庭经济困难学生*7
年度总体目标完成情况综述*2 | 已按政策足额资助*7
绩效指标^3 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 权重 | 得分 | 偏差原因分析及改进措施
< | 产出指标 | 数量指标 | 资助人数 | ≥500人 | 520人 | 45 | 45 | ~
< | 满意度指标 | 服务对象满意度指标 | 学生满意度 | ≥90% | 95% | 45 | 45 | ~
合计*6 | 90 | 99.69 | ~
评价结论*2 | 优*7
存在问题*2 | 无*7
改进措施*2 | 继续做好资助工作*7
"""


def test_sichuan_form_funds_goals_and_trailing_rows():
    (record,) = read(chunk(SICHUAN))
    f = record.funds
    assert (f.total.initial_budget, f.total.annual_budget, f.total.executed) == (300, 320, 310)
    assert (f.total.execution_rate, f.total.weight, f.total.score) == ("96.88%", 10, Decimal("9.69"))
    assert f.current_appropriation.annual_budget == 220 and f.carryover.annual_budget is None
    # 财政专户管理资金 is no key of the record: kept apart, never added into another row, counted in the parts check.
    extras = [(x.label, x.annual_budget) for x in record.extra_fund_rows]
    assert extras == [("财政专户管理资金", 100), ("单位资金", None)]
    assert errors(record, "amount_mismatch") == []
    assert (record.goal_expected, record.goal_actual) == ("资助家庭经济困难学生", "已按政策足额资助")
    assert record.implementing_unit == "成都市某中学"
    assert (record.total_weight, record.total_score) == (90, Decimal("99.69"))
    assert errors(record) == []  # 评价结论, 存在问题, 改进措施 are not record fields and not unknown


TRANSFER = """
中央对地方转移支付项目绩效自评表（2022年度）*8
转移支付（项目）名称*2 | 林业草原防灾减灾资金*6
中央主管部门*2 | 国家林业和草原局*2 | 地方主管部门 | 某市林业局*3
资金使用单位*2 | 某市国有林场*6
预算执行情况（20分）^4 | 单位：万元*3 | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分(20分*执行率)
< | 年度财政资金总额*3 | 200 | 190 | 95% | 19
< | 其中：中央资金*3 | 150 | 140 | 93.33% | ~
< | 市级资金*3 | 50 | 50 | 100% | ~
年度总体目标^2 | 预期目标*3 | 实际完成情况*4
< | 完成森林防火*3 | 已完成*4
年度绩效目标1（80分）^3 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 全年实际值 | 得分 | 未完成原因和改进措施
< | 产出指标 | 数量指标 | 巡护面积 | ≥1万亩 | 1.2万亩 | 40 | ~
< | 效益指标 | 生态效益指标 | 火灾受害率 | ≤0.9‰ | 0.5‰ | 39.5 | ~
分总*4 | 98.5*4
"""


def test_transfer_form_without_a_weight_column():
    (record,) = read(chunk(TRANSFER))
    assert (record.project_name, record.department, record.implementing_unit) == (
        "林业草原防灾减灾资金",
        "某市林业局",
        "某市国有林场",
    )
    t = record.funds.total
    assert (t.annual_budget, t.executed, t.execution_rate, t.score, t.initial_budget) == (200, 190, "95%", 19, None)
    assert record.funds.current_appropriation.annual_budget is None  # 中央资金 is not 当年财政拨款
    assert [i.weight for i in record.indicators] == [None, None]
    # One number in a total row with no 分值 column: the total score; no weight is asked for.
    assert (record.total_weight, record.total_score) == (None, Decimal("98.5"))
    assert errors(record) == []


def test_template_debris_is_dropped_with_a_warning_or_reported():
    (record,) = read(
        chunk(
            HEAD.replace("乡村道路养护", "2021-520101-003 乡村道路养护")
            + """
    绩效指标^5 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
    < | 产出指标 | 数量指标 | 养护里程 | ≥80公里 | 82公里 | 90 | 85 | （请填写偏差原因）
    < | ~ | ~ | 指标2： | ~ | ~ | ~ | ~ | ~
    < | …… | …… | …… | ~ | ~ | ~ | ~ | ~
    < | ／ | ／ | ／ | ／ | ／ | ／ | ／ | ／
    总分*6 | 90 | 85 | ~
    """
        )
    )
    assert record.project_name == "乡村道路养护"
    assert [i.name for i in record.indicators] == ["养护里程"]
    assert record.indicators[0].note is None
    assert "indicators[0].note" in errors(record, "unmapped_cell")  # instruction text: said, not stored
    dropped = [i for i in record.issues if i.code == "unmapped_cell" and i.severity == "warning"]
    assert len(dropped) == 3


def test_an_unknown_column_and_a_label_in_a_value_cell_are_errors_never_values():
    (record,) = read(
        chunk(
            HEAD.replace("完成道路养护80公里", "年初设定目标")
            + """
    绩效指标^2 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 考核方式 | 分值 | 得分 | 偏差原因分析及改进措施
    < | 产出指标 | 数量指标 | 养护里程 | ≥80公里 | 现场核查 | 90 | 85 | ~
    总分*6 | 90 | 85 | ~
    """
        )
    )
    assert record.goal_expected is None and "goal_expected" in errors(record, "unmapped_cell")
    assert record.indicators[0].actual is None
    assert "indicators" in errors(record, "unmapped_cell")  # the 考核方式 column
    exported = record.export()
    exported.pop("issues")
    assert "现场核查" not in str(exported) and "年初设定目标" not in str(exported)


def test_level_labels_with_notes_and_suffixes():
    (record,) = read(
        chunk(
            HEAD
            + """
    绩效指标^4 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
    < | 产出指标(50分) | 数量指标 | 养护里程 | >=80公里 | 82公里 | 50 | 50 | ~
    < | （40分）^2 | 社会效益指标 | 通行时间 | 缩短 | 缩短 | 20 | 20 | ~
    < | < | 服务对象满意度指标等 | 群众满意度 | 不低于85% | 90% | 20 | 15 | ~
    总分*6 | 90 | 85 | ~
    """
        )
    )
    assert [i.level1 for i in record.indicators] == ["产出指标", "效益指标", "满意度指标"]
    assert record.indicators[2].level2 == "服务对象满意度指标"
    assert errors(record) == []
    assert {i.code for i in record.issues if i.resolved} >= {"taxonomy_mismatch"}


def test_blanks_an_unfilled_form_needs_are_missing_values():
    (record,) = read(
        chunk(
            HEAD.replace("| 95 | 10 | 95% | 9.5", "| ~ | 10 | ~ | ~")
            + """
    绩效指标^2 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
    < | 产出指标 | 数量指标 | 养护里程 | ≥80公里 | ~ | 90 | ~ | ~
    总分*6 | 90 | ~ | ~
    """
        )
    )
    assert set(errors(record, "missing_value")) >= {
        "indicators[0].actual",
        "indicators[0].score",
        "total_score",
        "funds.total.executed",
        "funds.total.execution_rate",
        "funds.total.score",
    }


def test_generic_names_repeat_under_two_groups_specific_ones_do_not():
    (record,) = read(
        chunk(
            HEAD
            + """
    绩效指标^4 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
    < | 产出指标^2 | 数量指标 | 其他指标 | 完成 | 完成 | 30 | 30 | ~
    < | < | 质量指标 | 其他指标 | 合格 | 合格 | 30 | 30 | ~
    < | 满意度指标 | 服务对象满意度指标 | 其他指标 | ≥85% | 90% | 30 | 25 | ~
    总分*6 | 90 | 85 | ~
    """
        )
    )
    assert errors(record, "duplicate_indicator") == []


ONE_INDICATOR = """
绩效指标^2 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
< | 产出指标 | 数量指标 | 养护里程 | ≥80公里 | 82公里 | 90 | 85 | ~
总分*6 | 90 | 85 | ~
"""


def test_year_from_spaced_title_file_name_or_the_file():
    spaced = chunk(HEAD.replace("（2021年度）", "（2 0 2 1 年度）") + ONE_INDICATOR)
    assert chunk_to_record(spaced).record.year == 2021
    no_year = HEAD.replace("（2021年度）", "") + ONE_INDICATOR
    (named,) = read(chunk(no_year, file="交通局2019年度项目自评表.docx"))
    assert named.year == 2019 and "year" not in errors(named)
    assert any(i.field == "year" and i.resolved and "file name" in i.message for i in named.issues)
    (unknown,) = read(chunk(no_year, file="自评表.docx"))
    assert unknown.year is None and "year" in errors(unknown, "missing_value")


def test_a_budget_summary_with_a_project_column_is_not_numbered():
    summary = grid(
        """
    序号 | 项目名称 | 预算数（万元） | 执行数（万元） | 自评得分
    1 | 乡村道路养护 | 100 | 95 | 85
    """,
        index=1,
        before=["二、项目资金情况"],
    )
    form = grid(
        HEAD
        + """
    绩效指标^2 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
    < | 产出指标 | 数量指标 | 养护里程 | ≥80公里 | 82公里 | 90 | 85 | ~
    总分*6 | 90 | 85 | ~
    """,
        index=2,
    )
    chunks, others = sort_tables([summary, form])
    assert [c.index for c in chunks] == [1] and chunks[0].grid.row(1)[1].text == "乡村道路养护"
    assert len(others) == 1


def test_unit_suspect_judges_a_file_together():
    def table(budget: str):
        return chunk(
            HEAD.replace("| 100 | 100 | 95 |", f"| {budget} | {budget} | {budget} |", 2)
            .replace("95% | 9.5", "100% | 10")
            .replace("95% | —", "100% | —")
            + """
        绩效指标^2 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
        < | 产出指标 | 数量指标 | 养护里程 | ≥80公里 | 82公里 | 90 | 85 | ~
        总分*6 | 90 | 95 | ~
        """
        )

    big_but_plausible = read(table("500"), table("12000"), table("800"))
    assert [errors(r, "unit_suspect") for r in big_but_plausible] == [[], [], []]
    odd_one = read(table("500"), table("6500000"), table("800"))
    assert [errors(r, "unit_suspect") for r in odd_one] == [[], ["amount_unit"], []]
    all_off = read(table("95435.80"), table("6500000"))
    assert [errors(r, "unit_suspect") for r in all_off] == [["amount_unit"], ["amount_unit"]]


SICHUAN_2023 = """
部门预算项目支出绩效自评表（2023年度）*11
项目名称*2 | 51000021R000000019951-工资性支出*9
主管部门*2 | 219-某县发展和改革局*4 | 实施单位（盖章）*2 | 219001-某县发展和改革局*3
项目基本情况^3 | 1.项目年度目标完成情况^2 | 项目年度目标*4 | 年度目标完成情况*5
< | < | 保障工资及时足额发放*4 | 对照年度目标，说明相关任务目标的完成情况（100字以内）*5
< | 2.项目实施内容及过程概述 | 按月发放工资*9
预算执行情况（10分）^5 | 年度预算数（万元） | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分 | 原因*3
< | 总额 | 238.93 | 251.89 | 251.89 | 100.00% | 10 | 10 | 1.预算执行率=预算执行数/调整后预算数（100字以内）*3
< | 其中：财政资金 | 238.93 | 251.89 | 251.89 | 100.00% | ／ | ／ | ~*3
< | 财政专户管理资金 | 0.00 | 0.00 | 0.00 | 0.00% | ／ | ／ | ~*3
< | 单位资金 | 0.00 | 0.00 | 0.00 | 0.00% | ／ | ／ | ~*3
绩效指标（90分）^3 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 原因分析
< | 产出指标 | 数量指标 | 发放覆盖率 | = | 100 | % | 100% | 60 | 60 | ~
< | 效益指标 | 社会效益指标 | 足额保障率 | ≥ | 98 | % | 100% | 30 | 28 | ~
合计*8 | 90 | 88 | ~
评价结论*2 | 结合自评情况，说明项目自评总分（200字以内）*9
项目负责人：张三*5 | 财务负责人：李四*6
"""


def test_sichuan_2023_form_with_codes_instructions_and_a_reason_column():
    (record,) = read(chunk(SICHUAN_2023))
    assert (record.project_name, record.department, record.implementing_unit) == (
        "工资性支出",
        "某县发展和改革局",
        "某县发展和改革局",
    )
    assert record.goal_expected == "保障工资及时足额发放"
    assert record.goal_actual is None and "goal_actual" in errors(record, "unmapped_cell")  # the form's instruction
    assert (record.funds.total.annual_budget, record.funds.total.score) == (Decimal("251.89"), 10)
    assert [(i.target, i.actual) for i in record.indicators] == [("=100%", "100%"), ("≥98%", "100%")]
    assert (record.total_weight, record.total_score) == (90, 88)
    assert record.amount_unit == "万元"
    assert set(errors(record)) == {"goal_actual"}


def test_a_table_read_without_its_total_row_puts_its_last_row_in_question():
    (record,) = read(
        chunk(
            HEAD
            + """
    绩效指标^3 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
    < | 产出指标 | 数量指标 | 养护里程 | ≥80公里 | 82公里 | 50 | 50 | ~
    < | 效益指标 | 社会效益指标 | 通行时间 | 缩短 | 缩短 | 40 | 35 | 宣传覆盖面不足，将拓展线上宣传
    """
        )
    )
    assert "indicators[1]" in errors(record, "missing_value")  # the note may go on onto a page not read


def test_a_header_cell_merged_into_the_first_indicator_row_does_not_make_it_a_header():
    # A scan whose ruling under the last header cell was not seen: that cell runs down over the first row.
    (record,) = read(
        chunk(
            HEAD
            + """
    绩效指标^3 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施^2
    < | 产出指标 | 数量指标 | 养护里程 | ≥80公里 | 82公里 | 50 | 50 | <
    < | 效益指标 | 社会效益指标 | 通行时间 | 缩短 | 缩短 | 40 | 35 | ~
    总分*6 | 90 | 85 | ~
    """
        )
    )
    assert [i.name for i in record.indicators] == ["养护里程", "通行时间"]
    assert record.indicators[0].note is None and "indicators[0].note" in errors(record, "unmapped_cell")
