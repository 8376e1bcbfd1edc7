"""Write evaluation sets of other provinces' and years' forms (issue 9); run: python eval_sets/generate_forms.py

One `forms-*` set per family of real forms (split target columns, other column sets, the Sichuan 部门预算 form,
template debris, label variants, unfilled forms, transfer-payment forms, a published report), plus one file in
bad/. As in generate.py, the gold is the generator's own truth, each file has its own seeded RNG and reruns are
byte-identical. The records follow RECORD.md's "Other forms of the same table"."""

import random
from pathlib import Path

from docx import Document
from forms_data import DEPTS, TRANSFER
from forms_gold import make_record
from forms_layout import build_rows, form_of
from generate import SEED, centered, parse_files, put_table, save, write_sets

OUT = Path(__file__).resolve().parent

# set, file stem (department-year), form family, title placement, unit, flags, tables, planted problems
# (table:problem+problem).  Flags: see README "Forms sets"; problems are listed in each record's expected_issues.
FILES = """
forms-split-columns  dali-water-2021        yunnan   above 万元 split,group,carry       4 2:ssum
forms-split-columns  kunming-edu-2022       yunnan   rows2 万元 split,group,splitact    3 3:nounit
forms-split-columns  qujing-transport-2020  yunnan   above 元   split                   4 1:rate
forms-split-columns  xiangyang-water-2023   yunnan   above 万元 split,nonote,carry      3 2:over
forms-column-sets    yichang-drc-2021       mof      above 万元 wfirst,quanzhong        4 2:wsum
forms-column-sets    lujiang-agri-2022      mof      rows2 万元 noinit,act1,noteA       3 3:over
forms-column-sets    wuhu-transport-2023    mof      above 元   act2,nonote,carry       3 1:ssum
forms-column-sets    hefei-edu-2019         mof      above 万元 wfirst,noinit,noteB,act1 3 -
forms-sichuan        mianyang-agri-2021     sichuan  line  万元 tail,carry              4 2:parts
forms-sichuan        chengdu-edu-2022       sichuan  line  万元 goalB,side,tail         3 3:ssum
forms-sichuan        leshan-health-2020     sichuan  line  万元 carry                   3 1:nocur
forms-sichuan        guangyuan-transport-2024 sichuan line 万元 goalB,tail,carry        3 -
forms-debris         yuxi-agri-2022         mof      above 万元 ph,code,seal            4 2:instrgoal 4:instrnote
forms-debris         leshan-health-2023     sichuan  line  万元 ph,code,fnote,tail      3 3:instrunit
forms-debris         hefei-edu-2021         mof      above 万元 ph,prefix,seal          3 1:dup
forms-labels         enshi-forest-2020      mof      above 万元 l1note,l2suffix,ops     4 3:l1only
forms-labels         wuhu-transport-2021    mof      rows2 万元 ops,fullwidth,wan       3 2:l1only
forms-labels         mianyang-agri-2023     sichuan  line  元   comma,ops,l2suffix,misprint 3 1:wsum
forms-labels         kunming-edu-2024       yunnan   above 万元 split,ops,fullwidth     3 -
forms-labels         hefei-edu-2020         mof      above 万元 spacedyear              3 2:noyear
forms-unfilled       xiangyang-water-2020   mof      above 万元 carry                   4 2:noact 3:noscore+nototal
forms-unfilled       chengdu-edu-2020       sichuan  line  万元 tail                    3 1:noexec+nototal
forms-unfilled       dali-water-2024        yunnan   above 万元 split                   3 3:noact+noscore+nototal
forms-transfer       enshi-forest-2022      transfer above 万元 carry                   3 2:rate
forms-transfer       guangyuan-transport-2021 transfer above 万元 city,carry            3 -
forms-transfer       lujiang-agri-2023      points   above 万元 -                       3 3:ssum
forms-transfer       dali-water-2022        points   above 万元 blocks2,misprint        3 1:nounit
forms-report         yichang-drc-2023       mof      above 万元 report                  3 2:ssum
forms-report         leshan-health-2022     sichuan  line  万元 report,tail             2 -
"""


def parse(text: str):
    for line in text.strip().splitlines():
        set_name, stem, form, title, unit, flags, tables, *probs = line.split()
        probs = [p for p in probs if p != "-"]
        f = next(parse_files(f"{set_name} {stem} {title} 111 {unit} 10 {flags} {tables} {' '.join(probs)}"))
        yield f | {"form": form}


def projects_of(f: dict, rng) -> list[str]:
    pool = TRANSFER[f["dept"]][3] if f["form"] == "transfer" else DEPTS[f["dept"]][2]
    return rng.sample(pool, f["tables"])


def title_paragraphs(doc, f: dict, form: dict, probs: list[str]) -> None:
    if f["title"] == "above":
        centered(doc, form["title"])
        if "noyear" not in probs:  # spaced-out digits (`2 0 2 0`) as some typesetters print them
            centered(doc, f"（{' '.join(str(f['year'])) if 'spacedyear' in f['flags'] else f['year']}年度）")
    elif f["title"] == "line":
        centered(doc, f"{f['year']}年度{form['title']}")


def report_intro(doc, f: dict, records: list[dict]) -> None:
    """A published self-evaluation report: prose, then a budget summary with a 项目名称 column (not a
    self-evaluation table), then the tables."""
    dname = DEPTS[f["dept"]][0]
    centered(doc, f"{dname}{f['year']}年度项目支出绩效自评报告")
    for line in (
        "一、基本情况",
        f"{f['year']}年度我单位共对{len(records)}个项目开展绩效自评，自评结果如下。",
        "二、项目资金情况",
    ):
        doc.add_paragraph(line)
    t = doc.add_table(rows=1, cols=5)
    t.style = "Table Grid"
    for cell, text in zip(
        t.rows[0].cells, ("序号", "项目名称", "预算数（万元）", "执行数（万元）", "自评得分"), strict=True
    ):
        cell.text = text
    for k, rec in enumerate(records, 1):
        total = rec["funds"]["total"]
        row = (
            str(k),
            rec["project_name"],
            f"{total['annual_budget']:.2f}",
            f"{total['executed']:.2f}",
            str(rec["total_score"]),
        )
        for cell, text in zip(t.add_row().cells, row, strict=True):
            cell.text = text
    for line in ("三、绩效目标完成情况", "各项目绩效自评表附后。"):
        doc.add_paragraph(line)
    doc.add_page_break()


def as_paragraphs(doc, rows: list) -> None:
    """The table as LibreOffice leaves it when a .doc's table is lost in conversion: one paragraph per cell."""
    for cells in rows:
        for text, _ in cells:
            if text:
                doc.add_paragraph(text)


def write_file(f: dict, folder: Path, flat_last: bool = False) -> list[dict]:
    rng = random.Random(f"{SEED}-forms-{f['stem']}")
    form = form_of(f)
    projects = projects_of(f, rng)
    tables = []
    for t_no, project in enumerate(projects, 1):
        rec, shown = make_record(rng, f, form, t_no, project, f["problems"].get(t_no, []))
        tables.append((rec, build_rows(rec, shown, f, rng)))
    doc = Document()
    if "report" in f["flags"]:
        report_intro(doc, f, [r for r, _ in tables])
    for k, (_, rows) in enumerate(tables):
        if k:
            doc.add_page_break()
        title_paragraphs(doc, f, form, f["problems"].get(k + 1, []))
        if flat_last and k == len(tables) - 1:
            as_paragraphs(doc, rows[0])
        else:
            put_table(doc, *rows)
    save(doc, folder / f["file"])
    return [r for r, _ in tables][: len(tables) - flat_last]


def main() -> None:
    sets: dict[str, list[dict]] = {}
    for f in parse(FILES):
        folder = OUT / f["set"]
        folder.mkdir(exist_ok=True)
        sets.setdefault(f["set"], []).extend(write_file(f, folder))
    bad = next(parse("bad converted-doc-2020 mof above 万元 - 3"))
    sets["bad"] = write_file(bad | {"dept": "hefei-edu"}, OUT / "bad", flat_last=True)
    write_sets(sets)


if __name__ == "__main__":
    main()
