"""Self-evaluation tables built in memory, in the corpus's 9-column layout, for check tests.

Each test states the values it needs; everything else is a clean table whose
weights and scores add up, so a check that fires was tripped by that test's values.
"""

from __future__ import annotations

from extractor import Cell, Chunk, Grid

INDICATORS = [
    ("产出指标", "数量指标", "计划完成率", "100%", "100%", "30", "30"),
    ("产出指标", "时效指标", "完成及时性", "及时", "及时", "20", "18"),
    ("效益指标", "社会效益指标", "政策知晓率", "≥90%", "92%", "30", "27"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥85%", "88%", "20", "17"),
]


def build(
    *,
    title: str = "财政项目支出绩效自评表（2021年度）",
    name: str = "职业技能培训",
    department: str = "某区人力资源和社会保障局",
    unit: str = "某区人力资源和社会保障局（本级）",
    money_unit: str = "万元",
    total=("120.50", "120.50", "118.00", "100", "97.93%", "92"),
    current=("120.50", "120.50", "118.00", "—", "97.93%", "—"),
    carryover=("", "", "", "—", "", "—"),
    other=("", "", "", "—", "", "—"),
    appropriation_label: str = "其中：当年财政拨款",
    indicators=INDICATORS,
    totals=("100", "92"),
    file: str = "test.docx",
    index: int = 1,
) -> Chunk:
    cells: list[Cell] = []
    row = 0

    def put(texts, spans=None, height=1):
        nonlocal row
        col = 0
        for k, text in enumerate(texts):
            span = spans[k] if spans else 1
            if text is not None:
                paragraphs = list(text) if isinstance(text, (list, tuple)) else [text]
                cells.append(Cell(row, col, paragraphs, height if k == 0 and height > 1 else 1, span, index, row, col))
            col += span
        row += 1

    put([title], [9])
    put(["项目名称", name], [2, 7])
    put(["主管部门", department, "实施单位", unit], [2, 3, 1, 3])
    put(
        [f"项目资金\n（{money_unit}）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [1, 2, 1, 1, 1, 1, 1, 1],
        height=5,
    )
    for label, values in (
        ("年度资金总额", total),
        (appropriation_label, current),
        ("上年结转资金", carryover),
        ("其他资金", other),
    ):
        put([None, label, *values], [1, 2, 1, 1, 1, 1, 1, 1])
    put(["年度总体目标", "预期目标", "实际完成情况"], [1, 4, 4], height=2)
    put([None, "完成年度培训计划", "已完成"], [1, 4, 4])
    header = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    put([*header, "偏差原因分析及改进措施"], height=len(indicators) + 1)
    for ind in indicators:
        put([None, *ind, ""])
    put(["总分", *totals, ""], [6, 1, 1, 1])
    grid = Grid(file, index, row, 9, cells)
    return Chunk(file, index, grid)
