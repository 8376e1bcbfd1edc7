"""The gold record of one table of generate_forms.py, and what the table prints where that differs from the gold.

The record follows RECORD.md's "Other forms of the same table": split target/actual columns joined as printed,
fund rows with no record key left out of `funds`, no indicator weight where the form has no 分值 column."""

import re
from decimal import ROUND_HALF_UP, Decimal

from forms_data import DEPTS, INSTRUCTIONS, OP_VARIANTS, REGION, TRANSFER
from generate import ACTUALS, AMOUNTS, FUND_ROWS, gen_funds, gen_indicators, issue, num, rate_text

# fund blocks: column heads with their record keys; row labels with their `funds` key (None: printed, not in funds);
# weight = points of the funds row (printed in the 分值 column, or only in a header when `weight` is not a column);
# part_rate = the form prints an execution rate on every part row
FUND_BLOCKS = {
    "mof": {
        "cols": [
            ("年初预算数", "initial_budget"),
            ("全年预算数", "annual_budget"),
            ("全年执行数", "executed"),
            ("分值", "weight"),
            ("执行率", "execution_rate"),
            ("得分", "score"),
        ],
        "rows": [
            ("年度资金总额", "total"),
            ("其中：当年财政拨款", "current_appropriation"),
            ("上年结转资金", "carryover"),
            ("其他资金", "other"),
        ],
        "weight": 10,
        "part_rate": False,
    },
    "noinit": {
        "cols": [
            ("全年预算数", "annual_budget"),
            ("全年执行数", "executed"),
            ("分值", "weight"),
            ("执行率", "execution_rate"),
            ("得分", "score"),
        ],
        "rows": [
            ("年度资金总额", "total"),
            ("其中：财政拨款", "current_appropriation"),
            ("上年结转资金", "carryover"),
            ("其他资金", "other"),
        ],
        "weight": 10,
        "part_rate": False,
    },
    "sichuan": {
        "cols": [
            ("年初预算", "initial_budget"),
            ("调整后预算数", "annual_budget"),
            ("预算执行数", "executed"),
            ("预算执行率", "execution_rate"),
            ("权重", "weight"),
            ("得分", "score"),
        ],
        "rows": [
            ("总额", "total"),
            ("其中：财政资金", "current_appropriation"),
            ("财政专户管理资金", None),
            ("单位资金", None),
        ],
        "weight": 10,
        "part_rate": True,
    },
    "transfer": {
        "cols": [
            ("全年预算数（A）", "annual_budget"),
            ("全年执行数（B）", "executed"),
            ("分值", "weight"),
            ("执行率（B/A）", "execution_rate"),
            ("得分", "score"),
        ],
        "rows": [("年度资金总额", "total"), ("其中：中央补助", None), ("地方资金", None), ("其他资金", "other")],
        "weight": 10,
        "part_rate": True,
    },
    "points": {
        "cols": [
            ("预算数(A)", "annual_budget"),
            ("执行数(B)", "executed"),
            ("执行率(B/A)", "execution_rate"),
            ("得分(20分*执行率)", "score"),
        ],
        "rows": [
            ("年度财政资金总额", "total"),
            ("其中：中央资金", None),
            ("省级资金", None),
            ("市级资金", None),
            ("县级资金", None),
        ],
        "weight": 20,
        "part_rate": True,
    },
}
NUMBER = re.compile(r"(\d+(?:\.\d+)?)(.*)")


def split_target(text: str) -> list[str]:
    """指标性质 | 指标值 | 度量单位 as the Yunnan form prints them: ≥/≤/= or 定性 for a qualitative target."""
    m = re.fullmatch(r"([≥≤]?)" + NUMBER.pattern, text)
    return [m[1] or "=", m[2], m[3]] if m else ["定性", text, ""]


def split_actual(text: str) -> list[str]:
    m = NUMBER.fullmatch(text)
    return [m[1], m[2]] if m else [text, ""]


def gen_parts(rng, block: str, unit: str, carry: bool) -> list:
    """Amount triples (年初, 全年, 执行; cents) of the part rows, None for a blank row."""
    if block in ("mof", "noinit", "sichuan"):
        cols = gen_funds(rng, unit, carry)
        return [cols.get(k) for k in ("current_appropriation", "carryover", "other")]
    total = gen_funds(rng, unit, False)["total"][1]
    n = len(FUND_BLOCKS[block]["rows"]) - 1
    shares = [rng.random() if k == 0 or rng.random() < 0.6 else 0 for k in range(n)]
    annual = [round(total * s / sum(shares)) for s in shares]
    annual[0] += total - sum(annual)
    return [None if not a else [a, a, a if rng.random() < 0.6 else round(a * rng.uniform(0.85, 1))] for a in annual]


def points_of(rate: str, weight: int) -> Decimal:
    return (weight * Decimal(rate[:-1]) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def gen_blocks(rng, n: int, total: int, has_note: bool, blocks: int) -> list[list[dict]]:
    """Indicators of one or two 年度绩效目标 blocks; no (二级, 三级) pair repeats across blocks."""
    out = []
    for b in range(blocks):
        while True:
            inds = gen_indicators(rng, n if blocks == 1 else max(3, n // 2 + b), total // blocks, False, has_note)
            seen = {(d["level2"], d["name"]) for block in out for d in block}
            if not seen & {(d["level2"], d["name"]) for d in inds}:
                break
        out.append(inds)
    return out


def operators(rng, text: str) -> str:
    """The labels set writes ≥ ≤ = as published forms do: ≧, >=, 不低于, ═, 达到 …"""
    if text[:1] in "≥≤":
        return rng.choice(OP_VARIANTS[text[0]]) + text[1:] if rng.random() < 0.8 else text
    if NUMBER.fullmatch(text) and rng.random() < 0.6:
        return rng.choice(OP_VARIANTS["="]) + text
    return text


def make_record(rng, f: dict, form: dict, t_no: int, project: str, probs: list[str]) -> tuple[dict, dict]:
    """Return (gold record, what the table prints where it differs from the gold)."""
    flags, unit = f["flags"], f["unit"]
    block = FUND_BLOCKS[form["fund"]]
    weighted, has_note = form["weight"] is not None, form["note"] is not None
    n = max(rng.choice([3, 4, 5, 5, 6, 6, 7, 8]), 5 if {"dup", "over", "l1only"} & set(probs) else 0)
    blocks = gen_blocks(rng, n, 100 - block["weight"], has_note, 2 if "blocks2" in flags else 1)
    inds = [d for b in blocks for d in b]
    shown = {k: {} for k in ("level1", "level2", "target", "actual", "note", "score", "name")}
    shown["blocks"] = [len(b) for b in blocks]
    exp = []
    for i, d in enumerate(inds):
        if "ops" in flags:
            d["target"] = operators(rng, d["target"])
        if "split" in flags:
            shown["target"][i] = split_target(d["target"])
            d["target"] = "".join(shown["target"][i])
        if "splitact" in flags:
            shown["actual"][i] = split_actual(d["actual"])
            d["actual"] = "".join(shown["actual"][i])
        if "l2suffix" in flags and d["level2"] == "服务对象满意度指标":
            shown["level2"][i] = "服务对象满意度指标等"  # the template's own wording; the record keeps the label
    if "prefix" in flags:  # the template's 指标1：/指标2： kept before real names: part of the printed name
        group = [i for i, d in enumerate(inds) if d["level2"] == inds[0]["level2"]]
        for k, i in enumerate(group, 1):
            inds[i]["name"] = f"指标{k}：{inds[i]['name']}"
    if "dup" in probs:  # a row pasted twice
        i, j = sorted(rng.sample(range(len(inds)), 2))
        inds[j]["name"], inds[j]["level2"], inds[j]["level1"] = inds[i]["name"], inds[i]["level2"], inds[i]["level1"]
        exp.append(
            issue(
                [f"indicators[{j}].name", f"indicators[{i}].name", f"indicators[{j}]", f"indicators[{i}]"],
                ["duplicate_indicator"],
            )
        )
    if "over" in probs:  # a score typed above its weight
        i, j = rng.sample(range(len(inds)), 2)
        inds[i]["score"] = inds[i]["weight"] + 2
        inds[j]["score"] = min(inds[j]["score"], inds[j]["weight"] - 3)
        exp.append(issue([f"indicators[{i}].score"], ["score_exceeds_weight"]))
    total_weight = 100 if weighted else None
    if "wsum" in probs:  # one weight edited without rebalancing the others
        inds[rng.randrange(len(inds))]["weight"] += 1
        exp.append(issue(["total_weight"], ["weight_total_mismatch"]))
    if "l1note" in flags:  # 产出指标(50分): the weight note printed with each level-1 label
        ascii_parens = rng.random() < 0.5
        for lo, hi in ((0, len(blocks[0])), (len(blocks[0]), len(inds))):
            for l1 in {inds[i]["level1"] for i in range(lo, hi)}:
                rows = [i for i in range(lo, hi) if inds[i]["level1"] == l1]
                note = f"{sum(inds[i]['weight'] for i in rows)}分"
                shown["level1"].update(dict.fromkeys(rows, f"{l1}({note})" if ascii_parens else f"{l1}（{note}）"))
    if "l1only" in probs:  # a level-1 cell printing only its weight note; the level 2 settles the label
        l1 = inds[0]["level1"]
        rows = [i for i, d in enumerate(inds) if d["level1"] == l1 and i < shown["blocks"][0]]
        shown["level1"].update(dict.fromkeys(rows, f"（{sum(inds[i]['weight'] for i in rows)}分）"))
        exp.append(issue([f"indicators[{i}].level1" for i in rows], ["taxonomy_mismatch", "unmapped_cell"], True))

    carry = "parts" in probs or ("carry" in flags and "nocur" not in probs and rng.random() < 0.75)
    parts = gen_parts(rng, form["fund"], unit, carry)
    total = [sum(p[j] for p in parts if p) for j in range(3)]
    if "parts" in probs:  # a one-digit typo in the 当年/财政资金 budget: parts no longer add up to the total
        v = parts[0][1]
        parts[0][1] = v + 10 ** (len(str(v)) - 2) * (1 if str(v)[1] != "9" else -1)
        exp.append(issue(["funds.total", "funds.current_appropriation"], ["amount_mismatch"]))
    if "nocur" in probs:  # the total is filled in, the part rows are not
        parts = [None] * len(parts)
        exp.append(issue(["funds.current_appropriation"], ["missing_value", "amount_mismatch"]))
    rate = rate_text(total[2], total[1])
    if "rate" in probs:  # a rate copied from a draft: off by a few points
        rate = f"{(Decimal(rate[:-1]) - Decimal(rng.randint(100, 500)) / 100).quantize(Decimal('0.01'))}%"
        exp.append(issue(["funds.total.execution_rate"], ["amount_mismatch"]))
    fund_score = points_of(rate, block["weight"])
    rows = {"total": total} | {k: p for (_, k), p in zip(block["rows"][1:], parts, strict=True) if k}
    heads = {k for _, k in block["cols"]}
    funds = {}
    for k in FUND_ROWS:
        v = rows.get(k)
        funds[k] = {a: None if v is None or a not in heads else v[j] / 100 for j, a in enumerate(AMOUNTS)}
        funds[k].update(
            weight=None, execution_rate=rate_text(v[2], v[1]) if v and block["part_rate"] else None, score=None
        )
    funds["total"].update(
        weight=block["weight"] if "weight" in heads else None, execution_rate=rate, score=num(fund_score)
    )
    if "noexec" in probs:  # 执行数, 执行率 and 得分 never filled in
        for k in ("total", "current_appropriation"):
            if funds[k]["annual_budget"] is not None:
                funds[k].update(executed=None, execution_rate=None, score=None)
                exp.append(issue([f"funds.{k}.executed"], ["missing_value"]))
        exp += [issue([f"funds.total.{a}"], ["missing_value"]) for a in ("execution_rate", "score")]
    if "noact" in probs:
        for i, d in enumerate(inds):
            d["actual"] = d["note"] = None  # a form left unfilled has no reasons either
            exp.append(issue([f"indicators[{i}].actual"], ["missing_value"]))
    total_score = sum(Decimal(d["score"]) for d in inds) + (0 if "noexec" in probs else fund_score)
    if "ssum" in probs:  # a total typed by hand, not recomputed after a score was changed
        total_score += rng.choice([-3, -2, 2, 3])
        exp.append(issue(["total_score"], ["score_total_mismatch"]))
    if "noscore" in probs:
        for i, d in enumerate(inds):
            d["score"] = None
            exp.append(issue([f"indicators[{i}].score"], ["missing_value"]))
    if "nototal" in probs:
        total_score = None
        exp.append(issue(["total_score"], ["missing_value"]))
    for i, d in enumerate(inds):
        if "instrnote" in probs and d["note"] is None and has_note and i == len(inds) - 1:
            shown["note"][i] = INSTRUCTIONS["note"]  # the form's guidance left in a cell: not a note
            exp.append(issue([f"indicators[{i}].note"], ["unmapped_cell"], True))
        if not weighted:
            d["weight"] = None

    if form["head"] == "transfer":
        central, dname, unit2, _ = TRANSFER[f["dept"]]
        shown["central"] = central
        unit_name = unit2
    else:
        dname, unit2, _ = DEPTS[f["dept"]]
        unit_name = dname + "（本级）" if rng.random() < 0.5 else unit2
    if "nounit" in probs:
        unit_name = None
        exp.append(issue(["implementing_unit"], ["missing_value"]))
    if "instrunit" in probs:
        unit_name, shown["unit"] = None, INSTRUCTIONS["implementing_unit"]
        exp.append(issue(["implementing_unit"], ["missing_value", "unmapped_cell"]))
    if "spacedyear" in flags or "noyear" in probs:  # the title does not give the year; the file name does
        exp.append(issue(["year"], ["missing_value", "unparseable_value"], True))
    name, aim = project.split("：")
    if "code" in flags:  # the budget system's project code glued to the name; the record keeps the name
        shown["project_name"] = f"{REGION[f['dept']]}{f['year'] % 100:02d}T{rng.randint(1, 10**6):012d}{name}"
    goal_actual = rng.choice(ACTUALS)
    if "instrgoal" in probs:
        goal_actual, shown["goal_actual"] = None, INSTRUCTIONS["goal_actual"]
        exp.append(issue(["goal_actual"], ["missing_value", "unmapped_cell"]))
    goal = aim if rng.random() < 0.5 else f"1、{aim}；\n2、严格执行项目资金管理办法，确保资金使用规范。"
    rec = {
        "source": {"file": f["file"], "table": t_no},
        "year": f["year"],
        "project_name": name,
        "department": dname,
        "implementing_unit": unit_name,
        "amount_unit": unit,
        "goal_expected": goal,
        "goal_actual": goal_actual,
        "total_weight": total_weight,
        "total_score": num(total_score),
        "funds": funds,
        "indicators": inds,
        "expected_issues": exp,
        "schema": "perf-self-eval/1",
    }
    shown.update(parts=parts, total=total, noexec="noexec" in probs)
    return rec, shown
