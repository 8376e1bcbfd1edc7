"""The .docx reader: grids of every bundled document unchanged (fingerprints), and hand-built
WordprocessingML for each construct it must read: spans, merges, paragraphs, breaks, content
controls, rows that start late, nested tables, text boxes inside a cell paragraph."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest
from docx_snapshot import ROOT, fingerprint

from extractor import file_to_grids

SNAPSHOT = json.loads((Path(__file__).parent / "data" / "docx_grids.json").read_text("utf-8"))
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.mark.parametrize("name", sorted(SNAPSHOT))
def test_bundled_documents_give_the_same_grids(name):
    assert [fingerprint(g) for g in file_to_grids(ROOT / name).grids] == SNAPSHOT[name]


def p(*runs: str) -> str:
    """A paragraph; in a run, \\t is a w:tab and \\n a w:br."""
    out = []
    for run in runs:
        pieces = []
        for k, part in enumerate(run.replace("\t", "\0t\0").replace("\n", "\0n\0").split("\0")):
            if k % 2 == 0:
                pieces.append(f"<w:t xml:space='preserve'>{part}</w:t>" if part else "")
            else:
                pieces.append("<w:tab/>" if part == "t" else "<w:br/>")
        out.append(f"<w:r>{''.join(pieces)}</w:r>")
    return f"<w:p>{''.join(out)}</w:p>"


def tc(*blocks: str, span: int = 1, vmerge: str | None = None) -> str:
    props = (f"<w:gridSpan w:val='{span}'/>" if span > 1 else "") + (
        "<w:vMerge/>" if vmerge == "continue" else f"<w:vMerge w:val='{vmerge}'/>" if vmerge else ""
    )
    return f"<w:tc><w:tcPr><w:tcW w:w='100'/>{props}</w:tcPr>{''.join(blocks) or p()}</w:tc>"


def tr(*cells: str, before: int = 0) -> str:
    props = f"<w:trPr><w:gridBefore w:val='{before}'/></w:trPr>" if before else ""
    return f"<w:tr>{props}{''.join(cells)}</w:tr>"


def tbl(*rows: str) -> str:
    return f"<w:tbl><w:tblPr/>{''.join(rows)}</w:tbl>"


def sdt(*blocks: str) -> str:
    return f"<w:sdt><w:sdtPr/><w:sdtContent>{''.join(blocks)}</w:sdtContent></w:sdt>"


def text_box(*blocks: str) -> str:
    """A run holding a text box (VML), whose paragraphs Word shows inside the paragraph around it."""
    return (
        f"<w:r><w:pict><v:shape xmlns:v='urn:schemas-microsoft-com:vml'><v:textbox><w:txbxContent>"
        f"{''.join(blocks)}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )


def write(path: Path, *blocks: str) -> Path:
    docx.Document().save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/document.xml"] = (
        f"<w:document xmlns:w='{W}'><w:body>{''.join(blocks)}<w:sectPr/></w:body></w:document>"
    ).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def cells(grid) -> list[tuple]:
    return [(c.row, c.col, c.rowspan, c.colspan, c.paragraphs) for c in grid.cells]


def test_spans_merges_paragraphs_and_breaks(tmp_path):
    doc = write(
        tmp_path / "a.docx",
        p("自评表"),
        p(""),
        p("（2021年度）"),
        tbl(
            tr(tc(p("一级"), vmerge="restart"), tc(p("名称"), span=2), tc(p("10"), p(""), p("9"))),
            tr(tc(vmerge="continue"), tc(p("a\tb")), tc(p("x\ny")), tc(p("1"), p("2"))),
            tr(tc(p("ignored"), vmerge="continue"), tc(p("c"), span=3)),
        ),
    )
    [grid] = file_to_grids(doc).grids
    assert (grid.n_rows, grid.n_cols, grid.before) == (3, 4, ["自评表", "（2021年度）"])
    assert cells(grid) == [
        (0, 0, 3, 1, ["一级"]),
        (0, 1, 1, 2, ["名称"]),
        (0, 3, 1, 1, ["10", "", "9"]),
        (1, 1, 1, 1, ["a\tb"]),
        (1, 2, 1, 1, ["x\ny"]),
        (1, 3, 1, 1, ["1", "2"]),
        (2, 1, 1, 3, ["c"]),
    ]


def test_a_merge_continued_with_another_width_starts_a_cell(tmp_path):
    doc = write(
        tmp_path / "a.docx",
        tbl(
            tr(tc(p("a"), span=2, vmerge="restart"), tc(p("b"))),
            tr(tc(p("c"), vmerge="continue"), tc(p("d")), tc(p("e"))),
        ),
    )
    [grid] = file_to_grids(doc).grids
    assert cells(grid) == [
        (0, 0, 1, 2, ["a"]),
        (0, 2, 1, 1, ["b"]),
        (1, 0, 1, 1, ["c"]),
        (1, 1, 1, 1, ["d"]),
        (1, 2, 1, 1, ["e"]),
    ]


def test_content_controls_late_rows_and_nested_tables(tmp_path):
    inner = tbl(tr(tc(p("项目名称")), tc(p("培训"))), tr(tc(p("总分"), span=2)))
    doc = write(
        tmp_path / "a.docx",
        p("标题"),
        sdt(
            p("控件里的标题"),
            tbl(
                tr(tc(p("左"), sdt(p("控件里的段落"))), tc(p("右"))),
                tr(tc(p("缩进")), before=1),
                tr(tc(p("外"), inner, p("后")), tc(p("旁"))),
            ),
        ),
        p("between"),
        tbl(tr(tc(p("second")))),
    )
    outer, nested, second = file_to_grids(doc).grids
    assert [g.index for g in (outer, nested, second)] == [1, 2, 3]
    assert outer.before == ["标题", "控件里的标题"] and nested.before == [] and second.before == ["between"]
    assert (outer.n_rows, outer.n_cols) == (3, 2)
    assert cells(outer) == [
        (0, 0, 1, 1, ["左", "控件里的段落"]),
        (0, 1, 1, 1, ["右"]),
        (1, 1, 1, 1, ["缩进"]),
        (2, 0, 1, 1, ["外", "后"]),
        (2, 1, 1, 1, ["旁"]),
    ]
    assert cells(nested) == [(0, 0, 1, 1, ["项目名称"]), (0, 1, 1, 1, ["培训"]), (1, 0, 1, 2, ["总分"])]
    assert {c.table for c in nested.cells} == {2}


def test_text_box_text_belongs_to_its_paragraph(tmp_path):
    doc = write(
        tmp_path / "a.docx",
        tbl(tr(tc(f"<w:p><w:r><w:t>前</w:t></w:r>{text_box(p('框'))}<w:r><w:t>后</w:t></w:r></w:p>", p("下一段")))),
    )
    [grid] = file_to_grids(doc).grids
    assert cells(grid) == [(0, 0, 1, 1, ["前框后", "下一段"])]
