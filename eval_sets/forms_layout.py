"""Lay a gold record of forms_gold.py out as the rows of its form: (text, grid span) cells plus vertical merges."""

from itertools import groupby

from forms_data import ACTUAL_LABELS, CONCLUSIONS, FORM_NOTE, MEASURES, NOTE_LABELS, PROBLEMS
from forms_gold import FUND_BLOCKS
from generate import rate_text, txt

# each form family as its publishers print it; a file's flags change single labels or columns
FORMS = {
    "mof": {
        "title": "项目支出绩效自评表",
        "head": "mof",
        "fund": "mof",
        "weight": "分值",
        "actual": "实际完成值",
        "goal": ("年度总体目标", "预期目标", "实际完成情况"),
        "note": "偏差原因分析及改进措施",
        "total": "总分",
    },
    "yunnan": {
        "title": "项目支出绩效自评表",
        "head": "mof",
        "fund": "mof",
        "weight": "分值",
        "actual": "实际完成值",
        "goal": ("年度总体目标", "预期目标", "实际完成情况"),
        "note": "未完成原因和改进措施",
        "total": "总分",
    },
    "sichuan": {
        "title": "部门预算项目支出绩效自评表",
        "head": "mof",
        "fund": "sichuan",
        "weight": "权重",
        "actual": "实际完成值",
        "goal": ("年度目标", "项目年度目标", "年度目标完成情况"),
        "note": "偏差原因分析及改进措施",
        "total": "合计",
    },
    "transfer": {
        "title": "中央对地方转移支付项目绩效自评表",
        "head": "transfer",
        "fund": "transfer",
        "weight": "分值",
        "target": "指标值",
        "actual": "全年实际值",
        "goal": ("年度总体目标", "预期目标", "目标实际完成情况"),
        "note": "未完成原因和改进措施",
        "total": "总分",
    },
    "points": {
        "title": "项目支出绩效自评表",
        "head": "mof",
        "fund": "points",
        "weight": None,
        "actual": "实际完成值",
        "goal": ("年度总体目标", "预期目标", "实际完成情况"),
        "note": "偏差原因分析及改进措施",
        "total": "总分",
    },
}
PLACEHOLDERS = ("bare", "dots", "slash")
FULL = str.maketrans("0123456789%.", "０１２３４５６７８９％．")


def form_of(f: dict) -> dict:
    form = dict(FORMS[f["form"]])
    flags = f["flags"]
    form["fund"] = "noinit" if "noinit" in flags else form["fund"]
    form["weight"] = "权重" if "quanzhong" in flags else form["weight"]
    form["actual"] = next((ACTUAL_LABELS[k] for k in flags if k in ACTUAL_LABELS), form["actual"])
    form["note"] = (
        None if "nonote" in flags else next((NOTE_LABELS[k] for k in flags if k in NOTE_LABELS), form["note"])
    )
    if "goalB" in flags:
        form["goal"] = ("年度总体目标", "年初设定目标", "年度总体目标完成情况综述")
    form["total"] = "分总" if "misprint" in flags else "合计" if "heji" in flags else form["total"]
    return form


def columns(f: dict, form: dict) -> list[tuple[str, str, str | None]]:
    """Indicator columns as (key, header, group header above it or None)."""
    flags = f["flags"]
    grouped = "group" in flags
    target = [("target", form.get("target", "年度指标值"), None)]
    if "split" in flags:
        g = "年度指标值" if grouped else None
        target = [("t_op", "指标性质", g), ("t_val", "指标值", g), ("t_unit", "度量单位", g)]
    actual = [("actual", form["actual"], None)]
    if "splitact" in flags:
        actual = [("a_val", "完成值", form["actual"]), ("a_unit", "度量单位", form["actual"])]
    weight = [("weight", form["weight"], None)] if form["weight"] else []
    cols = [("level1", "一级指标", None), ("level2", "二级指标", None), ("name", "三级指标", None)]
    cols += weight + target + actual if "wfirst" in flags else target + actual + weight
    cols.append(("score", "得分", None))
    return cols + ([("note", form["note"], None)] if form["note"] else [])


class Printer:
    """Numbers as the file's clerk types them: thousands separators, a 万 suffix, full-width digits."""

    def __init__(self, f: dict, rng):
        self.flags, self.rng = f["flags"], rng

    def amount(self, cents: int | None) -> str:
        if cents is None:
            return "—" if "dash" in self.flags else ""
        v = cents / 100
        if "wan" in self.flags and self.rng.random() < 0.4:
            return f"{txt(v)}万"
        text = f"{v:,.2f}" if "comma" in self.flags else f"{v:.2f}"
        return self.full(text)

    def full(self, text: str) -> str:
        return text.translate(FULL) if "fullwidth" in self.flags and self.rng.random() < 0.4 else text


def head_rows(rec: dict, shown: dict, f: dict, form: dict, nc: int) -> list:
    unit_label = "实施单位（盖章）" if "seal" in f["flags"] else "实施单位"
    unit = shown.get("unit", rec["implementing_unit"] or "")
    v = (nc - 3) // 2
    if form["head"] == "transfer":
        local = "市级主管部门" if "city" in f["flags"] else "地方主管部门"
        return [
            [("转移支付（项目）名称", 2), (rec["project_name"], nc - 2)],
            [("中央主管部门", 2), (shown["central"], v), (local, 1), (rec["department"], nc - 3 - v)],
            [("资金使用单位", 2), (unit, nc - 2)],
        ]
    return [
        [("项目名称", 2), (shown.get("project_name", rec["project_name"]), nc - 2)],
        [("主管部门", 2), (rec["department"], v), (unit_label, 1), (unit, nc - 3 - v)],
    ]


def fund_rows(rec: dict, shown: dict, f: dict, form: dict, nc: int, pr: Printer) -> tuple[list, int]:
    block = FUND_BLOCKS[form["fund"]]
    k = len(block["cols"])
    if form["fund"] == "points":
        first = [("预算执行情况（20分）", 1), (f"单位：{f['unit']}", nc - 1 - k)]
    else:
        label = "资金投入情况" if form["fund"] == "transfer" else "项目资金"
        first = [(f"{label}\n（{f['unit']}）", 1), ("", nc - 1 - k)]
    rows = [first + [(h, 1) for h, _ in block["cols"]]]
    amounts = {"initial_budget": 0, "annual_budget": 1, "executed": 2}
    total = rec["funds"]["total"]
    for r, (label, _) in enumerate(block["rows"]):
        v = shown["total"] if r == 0 else shown["parts"][r - 1]
        cells = []
        for _, key in block["cols"]:
            if key in amounts:
                blank = v is None or (key == "executed" and shown["noexec"])
                cells.append(pr.amount(None if blank else v[amounts[key]]))
            elif r == 0:
                cells.append(pr.full(txt(total[key])) if key != "execution_rate" else total[key] or "")
            elif key == "execution_rate" and block["part_rate"] and v and not shown["noexec"]:
                cells.append(rate_text(v[2], v[1]))
            else:
                cells.append("—" if form["fund"] in ("mof", "noinit") else "")
        name = label if r < 2 or form["fund"] != "mof" else "      " + label
        rows.append([("", 1), (name, nc - 1 - k)] + [(c, 1) for c in cells])
    return rows, len(rows)


def goal_rows(rec: dict, shown: dict, f: dict, form: dict, nc: int) -> list:
    outer, h1, h2 = form["goal"]
    actual = shown.get("goal_actual", rec["goal_actual"] or "")
    if "side" in f["flags"]:  # each goal label left of its text
        return [[(h1, 2), (rec["goal_expected"], nc - 2)], [(h2, 2), (actual, nc - 2)]]
    g1 = (nc - 1) // 2
    return [[(outer, 1), (h1, g1), (h2, nc - 1 - g1)], [("", 1), (rec["goal_expected"], g1), (actual, nc - 1 - g1)]]


def indicator_cells(d: dict, i: int, shown: dict, cols: list, pr: Printer) -> dict:
    t, a = shown["target"].get(i), shown["actual"].get(i)
    return {
        "name": d["name"],
        "target": d["target"],
        "actual": d["actual"] or "",
        "t_op": t and t[0],
        "t_val": t and t[1],
        "t_unit": t and t[2],
        "a_val": a[0] if a and d["actual"] else "",
        "a_unit": a[1] if a and d["actual"] else "",
        "weight": pr.full(txt(d["weight"])),
        "score": pr.full(txt(d["score"])),
        "note": shown["note"].get(i, d["note"] or ""),
    }


def placeholders(rng, kind: str, group_rows: int, cols: list) -> list[dict]:
    """Template rows the clerk left unfilled at the end of a 二级指标 group: `指标N：`, `……`, or a row of `/` or `—`."""
    if kind == "bare":
        return [{"name": f"指标{group_rows + 1}："}] + [{"name": f"指标{group_rows + 2}："}] * (rng.random() < 0.5)
    if kind == "dots":
        return [{"name": "……"}]
    mark = rng.choice("/—")
    return [{k: mark for k, _, _ in cols if k not in ("level1", "level2")}]


def indicator_rows(rec: dict, shown: dict, f: dict, form: dict, cols: list, rng, pr: Printer) -> tuple[list, list]:
    """Header row(s) and indicator rows of each block; placeholder rows carry their group's labels."""
    lab_text = ["绩效指标"] if f["form"] != "points" else ["年度绩效目标（80分）"]
    if len(shown["blocks"]) == 2:
        lab_text = [f"年度绩效目标{b + 1}（{40}分）" for b in range(2)]
    grouped = any(g for _, _, g in cols)
    rows, merges, start = [], [], 0
    for b, size in enumerate(shown["blocks"]):
        top = len(rows)
        if grouped:  # a group header (年度指标值) spans its split columns; the others span both header rows
            heads = [
                (run[0][2] or run[0][1], len(run))
                for _, run in ((g, list(r)) for g, r in groupby(cols, key=lambda c: c[2] or c[0]))
            ]
            rows.append([(lab_text[b], 1)] + heads)
            rows.append([("", 1)] + [(h if g else "", 1) for _, h, g in cols])
            merges += [(top, top + 1, c + 1) for c, (_, _, g) in enumerate(cols) if not g]
        else:
            rows.append([(lab_text[b], 1)] + [(h, 1) for _, h, _ in cols])
        entries = []  # (level1 shown, level2 shown, cells)
        inds = list(enumerate(rec["indicators"]))[start : start + size]
        for (l1, l2), run in groupby(inds, key=lambda e: (e[1]["level1"], e[1]["level2"])):
            run = list(run)
            for i, d in run:
                entries.append(
                    (shown["level1"].get(i, l1), shown["level2"].get(i, l2), indicator_cells(d, i, shown, cols, pr))
                )
            if "ph" in f["flags"] and rng.random() < 0.35:  # the kinds take turns, so each file has them all
                kind = PLACEHOLDERS[(rec["source"]["table"] + len(entries)) % 3]
                entries += [(entries[-1][0], entries[-1][1], c) for c in placeholders(rng, kind, len(run), cols)]
        body = len(rows)
        for c, key in ((1, lambda e: e[0]), (2, lambda e: e[:2])):  # merged 一级/二级 cells
            r = body
            for _, run in groupby(entries, key=key):
                n = len(list(run))
                merges.append((r, r + n - 1, c))
                r += n
        for e, prev in zip(entries, [None] + entries[:-1], strict=True):
            new1, new2 = prev is None or prev[0] != e[0], prev is None or prev[:2] != e[:2]
            text = {"level1": e[0] if new1 else "", "level2": e[1] if new2 else ""} | e[2]
            rows.append([("", 1)] + [(text.get(k) or "", 1) for k, _, _ in cols])
        merges.append((top, len(rows) - 1, 0))
        start += size
    return rows, merges


def total_rows(rec: dict, f: dict, form: dict, cols: list, nc: int, pr: Printer) -> list:
    score = pr.full(txt(rec["total_score"]))
    if form["weight"] is None:  # one number, spanning the rest of the row
        rows = [[(form["total"], 4), (score, nc - 4)]]
    else:
        keys = [k for k, _, _ in cols]
        first = min(keys.index("weight"), keys.index("score")) + 1
        cells = {"weight": pr.full(txt(rec["total_weight"])), "score": score}
        rows = [[(form["total"], first)] + [(cells.get(k, ""), 1) for k in keys[first - 1 :]]]
    if "tail" in f["flags"]:  # the Sichuan form's closing rows: not record fields
        rows += [
            [(label, 2), (pr.rng.choice(texts), nc - 2)]
            for label, texts in (("评价结论", CONCLUSIONS), ("存在问题", PROBLEMS), ("改进措施", MEASURES))
        ]
    if "fnote" in f["flags"]:
        rows.append([(FORM_NOTE, nc)])
    return rows


def build_rows(rec: dict, shown: dict, f: dict, rng) -> tuple[list, list, int]:
    form = form_of(f)
    cols = columns(f, form)
    nc = 1 + len(cols)
    pr = Printer(f, rng)
    rows = []
    if f["title"] == "rows2":
        rows += [[(form["title"], nc)], [(f"（{f['year']}年度）", nc)]]
    rows += head_rows(rec, shown, f, form, nc)
    top = len(rows)
    block, n = fund_rows(rec, shown, f, form, nc, pr)
    rows += block
    merges = [(top, top + n - 1, 0)]
    goals = goal_rows(rec, shown, f, form, nc)
    if "side" not in f["flags"]:
        merges.append((len(rows), len(rows) + 1, 0))
    rows += goals
    body, body_merges = indicator_rows(rec, shown, f, form, cols, rng, pr)
    merges += [(a + len(rows), b + len(rows), c) for a, b, c in body_merges]
    rows += body
    rows += total_rows(rec, f, form, cols, nc, pr)
    return rows, merges, nc
