"""Write synthetic 财政项目支出绩效自评表 evaluation sets (.docx + gold.jsonl); run: python eval_sets/generate.py

The gold is the generator's own ground truth, never an extractor's output, so the sets can judge the extractor.
Each file has its own seeded RNG (adding a file reshuffles nothing) and zip timestamps are pinned (reruns are
byte-identical)."""

import io
import json
import random
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

OUT = Path(__file__).resolve().parent
SEED = 20240601
TITLE = "财政项目支出绩效自评表"
FUND_ROWS = ("total", "current_appropriation", "carryover", "other")
AMOUNTS = ("initial_budget", "annual_budget", "executed")

# department -> (name, second implementing unit, projects as 名称：预期目标)
DEPTS = {
    "minhang-edu": (
        "上海市闵行区教育局",
        "上海市闵行区实验小学",
        [
            "教师培训：完成全区教师分层分类培训，提升教师专业能力",
            "校园安全设施改造：更新中小学安防设施，保障师生安全",
            "学生营养午餐补助：按标准发放营养午餐补助",
            "信息化教学设备更新：更新多媒体教学设备，推进智慧课堂建设",
            "课后服务：开展义务教育阶段课后服务，减轻家长负担",
        ],
    ),
    "xihu-health": (
        "杭州市西湖区卫生健康委员会",
        "杭州市西湖区疾病预防控制中心",
        [
            "基本公共卫生服务：落实基本公共卫生服务项目，提高居民健康水平",
            "疫苗接种管理：做好免疫规划疫苗接种",
            "家庭医生签约服务：推进家庭医生签约，重点人群签约率达标",
            "卫生监督执法：开展公共场所及医疗机构监督检查",
            "健康教育宣传：开展健康知识宣传活动，提升居民健康素养",
        ],
    ),
    "feixi-agri": (
        "肥西县农业农村局",
        "肥西县农业技术推广中心",
        [
            "高标准农田建设：新建高标准农田，提升耕地质量和粮食产能",
            "农业技术推广：推广主推技术，开展农户培训",
            "动物疫病防控：落实强制免疫，防止重大动物疫病发生",
            "农村人居环境整治：推进农村生活垃圾和污水治理",
            "耕地地力保护补贴：按时足额发放耕地地力保护补贴",
        ],
    ),
    "jiading-civil": (
        "上海市嘉定区民政局",
        "上海市嘉定区社会福利院",
        [
            "养老服务补贴：为符合条件的老年人提供养老服务补贴",
            "社区助餐点建设：新建社区长者食堂和助餐点",
            "困难群众救助：及时足额发放最低生活保障金和临时救助金",
            "社会组织培育：培育扶持社区社会组织",
            "殡葬设施维护：维护公益性殡葬设施，保障基本殡葬需求",
        ],
    ),
    "pujiang-culture": (
        "浦江县文化和广电旅游体育局",
        "浦江县图书馆",
        [
            "公共文化进村：开展送戏下乡、送书下乡活动",
            "全民健身设施更新：更新村社区健身路径，方便群众就近健身",
            "文物保护修缮：完成重点文物保护单位修缮，消除安全隐患",
            "图书馆免费开放：保障图书馆免费开放",
            "旅游宣传推广：开展旅游宣传推介，提升本地旅游知名度",
        ],
    ),
}
ACTUALS = [
    "已按计划完成年度目标",
    "基本完成预期目标，个别指标未达到年度目标值",
    "项目按期实施完毕，资金使用规范，达到预期效果",
    "受疫情影响部分工作延期，其余按计划完成",
]
NOTES = [
    "受疫情影响部分活动延期，下一年度加强进度管理",
    "采购流程较长导致进度滞后，下一年度提前谋划",
    "宣传覆盖面不足，将拓展线上宣传渠道",
    "调查样本偏少，下一年度扩大调查范围",
]

OUT2 = ["数量指标", "质量指标", "时效指标", "成本指标"]
BEN2 = ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]
LEVEL1 = {**dict.fromkeys(OUT2, "产出指标"), **dict.fromkeys(BEN2, "效益指标"), "服务对象满意度指标": "满意度指标"}
# 三级指标, 年度指标值, 实际完成值 when met, 实际完成值 when missed
POOL = {
    k: [tuple(e.split()) for e in v]
    for k, v in {
        "数量指标": [
            "培训人次 ≥150 162 138",
            "开展活动场次 ≥6场 8场 5场",
            "覆盖单位数 12个 12个 10个",
            "计划完成率 100% 100% 92%",
            "受益人数 ≥500人 536人 471人",
        ],
        "质量指标": [
            "验收合格率 100% 100% 96%",
            "资金使用合规率 100% 100% 98%",
            "培训合格率 ≥90% 93% 86%",
            "数据准确率 ≥98% 99% 95%",
            "档案资料完整性 完整 完整 基本完整",
        ],
        "时效指标": [
            "项目完成及时性 及时 及时 基本及时",
            "资金拨付及时率 100% 100% 90%",
            "按期完成率 ≥95% 100% 88%",
            "问题整改及时率 100% 100% 85%",
            "信息报送及时性 及时 及时 较及时",
        ],
        "成本指标": [
            "成本控制率 ≤100% 98% 103%",
            "人均培训成本 ≤800元 760元 845元",
            "预算执行偏差率 ≤5% 3% 8%",
            "单位面积造价 ≤120元/㎡ 115元/㎡ 126元/㎡",
            "采购节约率 ≥3% 4.5% 2%",
        ],
        "经济效益指标": [
            "带动农户增收 ≥5% 6.2% 3.1%",
            "节约运行成本 ≥10万元 12万元 7万元",
            "产值增长率 ≥3% 4% 1.5%",
            "带动社会投资 ≥50万元 64万元 38万元",
            "降低群众支出 有所降低 有所降低 未明显降低",
        ],
        "社会效益指标": [
            "政策知晓率 ≥85% 88% 79%",
            "服务覆盖率 提高 提高 基本持平",
            "安全事故发生数 0 0 1",
            "群众办事便利度 明显提升 明显提升 有所提升",
            "社会关注度 提高 提高 一般",
        ],
        "生态效益指标": [
            "废弃物无害化处理率 ≥95% 96% 91%",
            "节能减排 达标 达标 基本达标",
            "绿化覆盖率 ≥35% 36% 32%",
            "环境投诉数 ≤2起 1起 4起",
            "农药使用量 零增长 零增长 略有增长",
        ],
        "可持续影响指标": [
            "长效管理制度健全性 健全 健全 基本健全",
            "信息共享机制 完善 完善 基本完善",
            "设施持续使用年限 ≥5年 5年 4年",
            "沟通机制健全性 健全 健全 基本健全",
            "队伍稳定性 稳定 稳定 基本稳定",
        ],
        "服务对象满意度指标": [
            "服务对象满意度 ≥90% 93% 86%",
            "群众满意度 ≥85% 88% 82%",
            "参训人员满意度 ≥90% 95% 87%",
            "社会公众满意度 ≥80% 85% 78%",
            "受益对象满意度 ≥90% 91% 84%",
        ],
    }.items()
}

# One file per line.  grid = 绩效指标 label column, columns spanned by 三级指标, 偏差原因 column;
# fund = weight of the 年度资金总额 row (100: corpus style, 10: funds worth 10 of the 100 points);
# problems = table:code+code, planted on purpose and listed in that record's expected_issues.
FILES = """
inside-title  minhang-edu-2021      rows2  111 万元 100 -                     5 2:ambig 4:nounit
inside-title  xihu-health-2022      cell1  111 万元 10  carry                 4 1:tax 3:rate
inside-title  feixi-agri-2019       rows2  111 元   100 benian,dash           3 3:dept
inside-title  jiading-civil-2020    line1  111 万元 10  nl                    2
title-above   minhang-edu-2023      above  111 元   10  comma,carry,benian,intro 4 2:parts 4:ssum
title-above   pujiang-culture-2021  above  111 万元 100 dash,partrate         3 1:nocur 2:over
title-above   xihu-health-2020      above  111 万元 10  nl,intro              6 3:dup 5:dept
title-above   feixi-agri-2022       above  111 元   100 carry                 2
alt-grid      jiading-civil-2022    rows2  121 万元 100 -                     4 2:wsum
alt-grid      minhang-edu-2020      above  011 元   10  benian,carry          3 1:ambig 3:rate
alt-grid      pujiang-culture-2023  cell1  110 万元 10  dash                  4 4:tax+nounit
alt-grid      xihu-health-2019      above  120 元   100 comma                 3 2:wdrop
long-tables   feixi-agri-2020       rows2  111 万元 100 long,nl               3 2:dup+ssum
long-tables   jiading-civil-2021    above  011 元   10  long,carry            3 1:over 3:parts
long-tables   pujiang-culture-2022  cell1  121 万元 10  long,nl,benian        2 1:wsum 2:nocur
long-tables   minhang-edu-2019      rows2  111 万元 100 long                  4 1:ambig 3:dept
"""


def parse_files(text):
    for line in text.strip().splitlines():
        set_name, stem, title, grid, unit, fund, flags, tables, *probs = line.split()
        yield {
            "set": set_name,
            "stem": stem,
            "dept": stem[:-5],
            "year": int(stem[-4:]),
            "file": f"{stem}.docx",
            "title": title,
            "grid": tuple(map(int, grid)),
            "unit": unit,
            "fund_w": int(fund),
            "flags": flags.split(","),
            "tables": int(tables),
            "problems": {int(k): v.split("+") for k, v in (p.split(":") for p in probs)},
        }


def dec(x):
    return Decimal(str(x))


def num(d):
    """Gold number: int when whole, so the JSON reads like the corpus gold."""
    return None if d is None else int(d) if d == int(d) else float(d)


def txt(d):
    return "" if d is None else format(dec(d).normalize(), "f")


def issue(fields, codes, resolvable=False):
    return {"fields": fields, "codes": codes, "tier": "core", "resolvable": resolvable}


def gen_indicators(rng, n, weight_sum, tax, has_note):
    k_out = rng.randint(1, min(4, max(1, n - 2)))
    k_ben = 0 if n - k_out < 2 else rng.randint(1, min(2, n - k_out - 1))
    if tax:  # the planted case needs a 效益 group right after the 产出 groups
        k_out, k_ben = min(k_out, n - 2), max(k_ben, 1)
    groups = sorted(rng.sample(OUT2, k_out), key=OUT2.index) + sorted(rng.sample(BEN2, k_ben), key=BEN2.index)
    groups.append("服务对象满意度指标")
    counts = [1] * len(groups)
    for _ in range(n - len(groups)):
        counts[rng.choice([g for g, c in enumerate(counts) if c < len(POOL[groups[g]])])] += 1
    units = [1] * n  # weights in steps of 5, as clerks usually assign them
    for _ in range(weight_sum // 5 - n):
        units[rng.randrange(n)] += 1
    inds = []
    for l2, c in zip(groups, counts, strict=True):
        for name, target, ok, bad in rng.sample(POOL[l2], c):
            w = 5 * units[len(inds)]
            met = rng.random() < 0.7
            inds.append(
                {
                    "level1": LEVEL1[l2],
                    "level2": l2,
                    "name": name,
                    "target": target,
                    "actual": ok if met else bad,
                    "weight": w,
                    "score": w if met else w - rng.randint(1, 3),
                    "note": None if met or not has_note else rng.choice(NOTES),
                }
            )
    return inds


def gen_funds(rng, unit, carry):
    lo, hi = (500, 300000) if unit == "万元" else (5_000_000, 3_000_000_000)  # cents
    total = rng.randint(lo, hi)
    annual = {
        "carryover": round(total * rng.uniform(0.05, 0.3)) if carry else 0,
        "other": round(total * rng.uniform(0.03, 0.15)) if carry and rng.random() < 0.6 else 0,
    }
    annual["current_appropriation"] = total - annual["carryover"] - annual["other"]
    cols = {}
    for k, a in annual.items():
        if a:
            cols[k] = [
                a if rng.random() < 0.6 else round(a * rng.uniform(0.85, 1)),
                a,
                a if rng.random() < 0.5 else round(a * rng.uniform(0.85, 1)),
            ]
    cols["total"] = [sum(v[j] for v in cols.values()) for j in range(3)]
    return cols


def rate_text(executed, annual):
    exact = executed == annual  # clerks print a full execution as 100%, not 100.00%
    return "100%" if exact else f"{(dec(executed) * 100 / annual).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def make_table(rng, f, t_no, project, probs):
    """Return (gold record, what the table prints where it differs from the gold)."""
    unit, fund_w, flags, has_note = f["unit"], f["fund_w"], f["flags"], f["grid"][2]
    dname, unit2, _ = DEPTS[f["dept"]]
    n = rng.randint(12, 14) if "long" in flags else rng.choice([2, 3, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 10])
    n = max(n, 5) if {"dup", "tax", "wdrop", "over"} & set(probs) else n  # room for the planted rows
    inds = gen_indicators(rng, n, 100 - fund_w % 100, "tax" in probs, has_note)
    shown, exp = {"level1": {}, "score": {}}, []
    if "wdrop" in probs:  # a row lost in copying: weights add to 90, scores still add up
        k = next(i for i, d in enumerate(inds) if d["weight"] >= 10)
        w = inds.pop(k)["weight"]
        inds[max(k - 1, 0)]["weight"] += w - 10  # the lost row then weighs exactly 10
        exp.append(issue(["total_weight"], ["weight_total_mismatch"]))
    if "dup" in probs:  # a row pasted twice, as happens when tables are assembled from templates
        i, j = sorted(rng.sample(range(len(inds)), 2))
        inds[j]["name"] = inds[i]["name"]
        exp.append(
            issue(
                [f"indicators[{j}].name", f"indicators[{i}].name", f"indicators[{j}]", f"indicators[{i}]"],
                ["duplicate_indicator"],
            )
        )
    if "over" in probs:  # a score typed above its weight
        i, j = rng.sample(range(len(inds)), 2)
        inds[i]["score"] = inds[i]["weight"] + 2
        inds[j]["score"] = min(inds[j]["score"], inds[j]["weight"] - 3)  # keeps the total under 100
        exp.append(issue([f"indicators[{i}].score"], ["score_exceeds_weight"]))
    if "wsum" in probs:  # one weight edited without rebalancing the others
        inds[rng.randrange(len(inds))]["weight"] += 1
        exp.append(issue(["total_weight"], ["weight_total_mismatch"]))
    carry = "parts" in probs or ("carry" in flags and "nocur" not in probs and rng.random() < 0.75)
    cols = gen_funds(rng, unit, carry)
    rate = rate_text(cols["total"][2], cols["total"][1])
    if "rate" in probs:  # a rate copied from a draft: off by a few points
        rate = f"{(dec(rate[:-1]) - dec(rng.randint(100, 500)) / 100).quantize(Decimal('0.01'))}%"
        exp.append(issue(["funds.total.execution_rate"], ["amount_mismatch"]))
    fund_score = (fund_w * dec(rate[:-1]) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP) if fund_w == 10 else 0
    total_score = sum(dec(d["score"]) for d in inds) + fund_score
    if "ssum" in probs:  # a total typed by hand, not recomputed after a score was changed
        total_score += rng.choice([-3, -2, 2, 3])
        exp.append(issue(["total_score"], ["score_total_mismatch"]))
    if "parts" in probs:  # a typo in one digit of the carryover budget
        v = cols["carryover"][1]
        cols["carryover"][1] = v + 10 ** (len(str(v)) - 2) * (1 if str(v)[1] != "9" else -1)
        exp.append(issue(["funds.total", "funds.carryover"], ["amount_mismatch"]))
    if "nocur" in probs:
        cols = {"total": cols["total"]}
        exp.append(issue(["funds.current_appropriation"], ["missing_value", "amount_mismatch"]))
    funds = {}
    for k in FUND_ROWS:
        v = cols.get(k)
        part_rate = rate_text(v[2], v[1]) if v and k == "current_appropriation" and "partrate" in flags else None
        funds[k] = {a: None if v is None else v[j] / 100 for j, a in enumerate(AMOUNTS)}
        funds[k].update(weight=None, execution_rate=part_rate, score=None)
    funds["total"].update(weight=fund_w, execution_rate=rate, score=num(fund_score if fund_w == 10 else total_score))
    if "ambig" in probs:  # two candidates in one cell; only the gold one makes the total add up
        i = rng.randrange(len(inds))
        s, w = inds[i]["score"], inds[i]["weight"]
        shown["score"][i] = "\n\n".join(map(str, rng.sample([s, s - 1 if s == w else s + 1], 2)))
        exp.append(issue([f"indicators[{i}].score"], ["ambiguous_cell"], True))
    if "tax" in probs:  # the merged 产出指标 cell runs on over the first 效益 group
        first = next(i for i, d in enumerate(inds) if d["level1"] == "效益指标")
        rows = [i for i, d in enumerate(inds) if d["level2"] == inds[first]["level2"]]
        shown["level1"] = dict.fromkeys(rows, "产出指标")
        exp.append(issue([f"indicators[{i}].level1" for i in rows], ["taxonomy_mismatch"], True))
    if "dept" in probs:  # a character lost in retyping; the file's other tables settle the spelling
        shown["department"] = dname[1:]
        exp.append(issue(["department"], ["name_mismatch"], True))
    unit_name = None if "nounit" in probs else dname + "（本级）" if rng.random() < 0.6 else unit2
    if "nounit" in probs:
        exp.append(issue(["implementing_unit"], ["missing_value"]))
    project, aim = project.split("：")
    goal = aim if rng.random() < 0.5 else f"1、{aim}；\n2、严格执行项目资金管理办法，确保资金使用规范。"
    rec = {
        "source": {"file": f["file"], "table": t_no},
        "year": f["year"],
        "project_name": project,
        "department": dname,
        "implementing_unit": unit_name,
        "amount_unit": unit,
        "goal_expected": goal,
        "goal_actual": rng.choice(ACTUALS),
        "total_weight": 100,
        "total_score": num(total_score),
        "funds": funds,
        "indicators": inds,
        "expected_issues": exp,
        "schema": "perf-self-eval/1",
    }
    return rec, shown


def build_rows(rec, shown, f, rng):
    """Lay the record out as rows of (text, grid span) plus vertical merges (first row, last row, column)."""
    year, title, unit, flags, (lab, name_span, note) = f["year"], f["title"], f["unit"], f["flags"], f["grid"]
    nl, blank, yr = "nl" in flags, "—" if "dash" in flags else "", f"（{year}年度）"
    nc = lab + 2 + name_span + 4 + note
    rows, merges = [], []
    if title == "rows2":
        rows += [[(TITLE, nc)], [(yr, nc)]]
    elif title in ("cell1", "line1"):
        rows.append([(TITLE + ("\n" if title == "cell1" else "") + yr, nc)])
    rows.append([("项目名称", 2), (rec["project_name"], nc - 2)])
    v = (nc - 3) // 2
    rows.append(
        [
            ("主管部门", 2),
            (shown.get("department", rec["department"]), v),
            ("实施单位", 1),
            (rec["implementing_unit"] or "", nc - 3 - v),
        ]
    )
    top = len(rows)
    label = f"项目资金\n（{unit}）" if nl or rng.random() < 0.5 else f"项目资金（{unit}）"
    heads = "年初预算数 全年预算数 全年执行数 分值 执行率 得分".split()
    rows.append([(label, 1), ("", nc - 7)] + [(h, 1) for h in heads])
    names = (
        "年度资金总额",
        "其中：本年财政拨款" if "benian" in flags else "其中：当年财政拨款",
        "      上年结转资金",
        "  其他资金",
    )
    for k, name in zip(FUND_ROWS, names, strict=True):
        r = rec["funds"][k]
        money = [blank if r[a] is None else f"{r[a]:,.2f}" if "comma" in flags else f"{r[a]:.2f}" for a in AMOUNTS]
        tail = [txt(r["weight"]) or "—", r["execution_rate"] or blank, txt(r["score"]) or "—"]
        rows.append([("", 1), (name, nc - 7)] + [(c, 1) for c in money + tail])
    merges.append((top, len(rows) - 1, 0))
    g1 = (nc - 1) // 2
    rows += [
        [("年度总体目标", 1), ("预期目标", g1), ("实际完成情况", nc - 1 - g1)],
        [("", 1), (rec["goal_expected"], g1), (rec["goal_actual"], nc - 1 - g1)],
    ]
    merges.append((len(rows) - 2, len(rows) - 1, 0))
    head = (
        [("绩\n效\n指\n标" if nl else "绩效指标", 1)] * lab
        + [
            ("一级指标", 1),
            ("二级指标", 1),
            ("三级指标", name_span),
            ("年度\n指标值" if nl else "年度指标值", 1),
            ("实际\n完成值" if nl else "实际完成值", 1),
            ("分值", 1),
            ("得分", 1),
        ]
        + [("偏差原因分析及改进措施", 1)] * note
    )
    top = len(rows)
    rows.append(head)
    keys = [(shown["level1"].get(i, d["level1"]), d["level2"]) for i, d in enumerate(rec["indicators"])]
    for col, part in ((lab, lambda k: k[0]), (lab + 1, lambda k: k)):  # merged 一级/二级 cells
        r = top + 1
        for _, run in groupby(keys, key=part):
            size = len(list(run))
            merges.append((r, r + size - 1, col))
            r += size
    for i, d in enumerate(rec["indicators"]):
        new1, new2 = i == 0 or keys[i][0] != keys[i - 1][0], i == 0 or keys[i] != keys[i - 1]
        l2 = d["level2"][:-2] + "\n指标" if nl and len(d["level2"]) > 4 else d["level2"]
        rows.append(
            [("", 1)] * lab
            + [
                (keys[i][0] if new1 else "", 1),
                (l2 if new2 else "", 1),
                (d["name"], name_span),
                (d["target"], 1),
                (d["actual"], 1),
                (txt(d["weight"]), 1),
                (shown["score"].get(i, txt(d["score"])), 1),
            ]
            + [(d["note"] or "", 1)] * note
        )
    if lab:
        merges.append((top, len(rows) - 1, 0))
    rows.append(
        [("总分", nc - 2 - note), (txt(rec["total_weight"]), 1), (txt(rec["total_score"]), 1)] + [("", 1)] * note
    )
    return rows, merges, nc


def put_table(doc, rows, merges, nc):
    t = doc.add_table(rows=len(rows), cols=nc)
    t.style = "Table Grid"
    for r, cells in enumerate(rows):
        c = 0
        for text, span in cells:
            # an empty cell keeps its lone run-less paragraph, so a vertical merge does not drag it in
            for k, para in enumerate(text.split("\n") if text else []):
                (t.cell(r, c).paragraphs[0] if k == 0 else t.cell(r, c).add_paragraph()).text = para
            if span > 1:
                t.cell(r, c).merge(t.cell(r, c + span - 1))
            c += span
        assert c == nc, (r, cells)
    for r0, r1, col in merges:
        if r1 > r0:
            t.cell(r0, col).merge(t.cell(r1, col))


def centered(doc, text):
    doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER


def save(doc, path):
    # python-docx's template pins the core-properties dates; only the zip timestamps vary from run to run
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            zout.writestr(zipfile.ZipInfo(info.filename, (2024, 6, 1, 0, 0, 0)), zin.read(info), zipfile.ZIP_DEFLATED)


def write_file(f, folder):
    dept, year, n_tables = f["dept"], f["year"], f["tables"]
    rng = random.Random(f"{SEED}-{f['stem']}")
    projects = rng.sample(DEPTS[dept][2], min(n_tables, 5)) + [rng.choice(DEPTS[dept][2])] * (n_tables > 5)
    doc = Document()
    if "intro" in f["flags"]:
        centered(doc, f"附件：{DEPTS[dept][0]}{year}年度项目支出绩效自评结果")
    records = []
    for t_no in range(1, n_tables + 1):
        rec, shown = make_table(rng, f, t_no, projects[t_no - 1], f["problems"].get(t_no, []))
        if t_no > 1:
            doc.add_page_break()
        if f["title"] == "above":
            centered(doc, TITLE)
            centered(doc, f"（{year}年度）")
        put_table(doc, *build_rows(rec, shown, f, rng))
        records.append(rec)
    save(doc, folder / f["file"])
    return records


def write_bad(folder):
    (folder / "empty.docx").write_bytes(b"")
    doc = Document()
    centered(doc, "部门整体支出绩效自评报告")
    for line in (
        "一、部门基本情况",
        "本部门主要职责是负责全区教育事业的统筹规划和管理。",
        "二、绩效目标完成情况",
        "全年各项工作任务基本完成，详见项目支出绩效自评表（另附）。",
    ):
        doc.add_paragraph(line)
    save(doc, folder / "no-table.docx")
    good = (folder / "no-table.docx").read_bytes()
    noise = random.Random(SEED).randbytes(3000)
    (folder / "corrupt.docx").write_bytes(good[: len(good) // 3] + noise)  # looks like a zip, is not one
    doc = Document()
    centered(doc, "项目组人员名单")
    t = doc.add_table(rows=0, cols=4)
    t.style = "Table Grid"
    for row in (
        ("序号", "姓名", "职务", "联系电话"),
        ("1", "张伟", "科长", "021-64120001"),
        ("2", "李娜", "副科长", "021-64120002"),
        ("3", "王磊", "科员", "021-64120003"),
    ):
        for cell, text in zip(t.add_row().cells, row, strict=True):
            cell.text = text
    save(doc, folder / "unknown-layout.docx")
    f = next(parse_files("bad copy-of-table-2021 rows2 111 万元 100 - 1"))
    return write_file(f | {"dept": "jiading-civil", "file": "自评表 (副本).docx"}, folder)


def write_gold(path: Path, records: list[dict]) -> None:
    """Write the records, keeping the lines of files another generator owns (bad/ is shared with
    generate_forms.py); merged lines are sorted by file and table, so the order of the two runs does not matter."""
    mine = {r["source"]["file"] for r in records}
    old = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    kept = [json.loads(line) for line in old if json.loads(line)["source"]["file"] not in mine]
    merged = sorted(kept + records, key=lambda r: (r["source"]["file"], r["source"]["table"])) if kept else records
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in merged), encoding="utf-8")


def write_sets(sets: dict[str, list[dict]]) -> None:
    """Each set's gold.jsonl, and a line per set saying what was written."""
    for name, records in sets.items():
        write_gold(OUT / name / "gold.jsonl", records)
        planted = sum(bool(r["expected_issues"]) for r in records)
        print(
            f"{name}: {len({r['source']['file'] for r in records})} files, {len(records)} tables, "
            f"{planted} with planted problems"
        )


def main():
    sets = {}
    for f in parse_files(FILES):
        folder = OUT / f["set"]
        folder.mkdir(exist_ok=True)
        sets.setdefault(f["set"], []).extend(write_file(f, folder))
    (OUT / "bad").mkdir(exist_ok=True)
    sets["bad"] = write_bad(OUT / "bad")
    write_sets(sets)


if __name__ == "__main__":
    main()
