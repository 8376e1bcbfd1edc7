"""The text-PDF reader: the corpus PDF gives the .docx's records; hand-made PDFs pin merges, wraps,
paragraph breaks, tables over a page break and the messages for bad input."""

from __future__ import annotations

import json
import os
from decimal import Decimal

from conftest import CORPUS, GOLD

from extractor import file_to_grids, file_to_records
from extractor._grid import Box

CORPUS_PDF = CORPUS / "songjiang-hrss-2020.pdf"
H = 300  # page height of the hand-made PDFs; positions below are measured from the top


def _gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def _rule(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"{x0} {H - y0} m {x1} {H - y1} l S\n"


def _text(x: float, base: float, s: str) -> str:
    # Helvetica for ASCII; STSong-Light (a standard CJK font, not embedded) takes UCS-2 codes.
    shown = f"({s})" if s.isascii() else f"<{s.encode('utf-16-be').hex()}>"
    return f"BT /F{1 if s.isascii() else 2} 10 Tf {x} {H - base} Td {shown} Tj ET\n"


_IMAGE = "q 200 0 0 200 50 50 cm /Im1 Do Q\n"


def _pdf(pages: list[str], encrypt: bool = False) -> bytes:
    """A minimal PDF written by hand: one content stream per page."""
    objs = [
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [2 0 R] >>",
        "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        "/Length 1 >>\nstream\n\x80\nendstream",
        "",  # the page tree, once the pages are numbered
    ]
    kids = []
    for content in pages:
        objs.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
        objs.append(
            f"<< /Type /Page /Parent 5 0 R /MediaBox [0 0 {H} {H}] /Contents {len(objs)} 0 R "
            "/Resources << /Font << /F1 1 0 R /F2 3 0 R >> /XObject << /Im1 4 0 R >> >> >>"
        )
        kids.append(f"{len(objs)} 0 R")
    objs[4] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    objs.append("<< /Type /Catalog /Pages 5 0 R >>")
    trailer = f"/Size {len(objs) + 1} /Root {len(objs)} 0 R"
    if encrypt:  # a standard security handler whose user password is not empty
        objs.append(f"<< /Filter /Standard /V 1 /R 2 /O <{'11' * 32}> /U <{'22' * 32}> /P -4 >>")
        trailer += f" /Size {len(objs) + 1} /Encrypt {len(objs)} 0 R /ID [<{'33' * 16}> <{'33' * 16}>]"
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    return out + f"trailer\n<< {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# A table with a merged header, a label merged down two rows, wrapped text and a cell of two values.
MERGES = (
    _text(20, 20, "Title 2020")
    + _rule(20, 40, 140, 40)
    + _rule(20, 60, 140, 60)
    + _rule(60, 100, 140, 100)
    + _rule(20, 150, 140, 150)
    + _rule(20, 40, 20, 150)
    + _rule(60, 60, 60, 150)
    + _rule(100, 60, 100, 150)
    + _rule(140, 40, 140, 150)
    + _text(24, 55, "Header")
    + _text(24, 75, "Left")
    + _text(64, 75, "满意度")
    + _text(64, 87, "指标")  # 30 of 32 points used: a CJK label wrapped
    + _text(104, 75, "95435.")
    + _text(104, 87, "80")  # a number broken by a narrow cell
    + _text(64, 115, "10")
    + _text(64, 139, "9")  # a blank line between: two values
    + _text(104, 115, "满意度")
    + _text(104, 139, "指标")  # full lines, yet a blank line between
)


def test_merges_wraps_and_paragraphs(tmp_path):
    result = file_to_grids(_write(tmp_path, "merges.pdf", _pdf([MERGES])))
    assert result.status == "ok" and result.pages == 1 and len(result.grids) == 1
    g = result.grids[0]
    assert (g.n_rows, g.n_cols, g.before) == (3, 3, ["Title 2020"])
    header, left = g.at(0, 2), g.at(2, 0)
    assert (header.text, header.col, header.colspan) == ("Header", 0, 3)
    assert (left.text, left.row, left.rowspan) == ("Left", 1, 2)
    assert g.at(1, 1).paragraphs == ["满意度指标"]
    assert g.at(1, 2).paragraphs == ["95435.80"]
    assert g.at(2, 1).paragraphs == ["10", "9"]
    assert g.at(2, 2).paragraphs == ["满意度", "指标"]
    cell = g.at(1, 2)
    assert (cell.table, cell.src_row, cell.src_col) == (1, 1, 2)
    assert cell.box == Box(1, 100.0, 60.0, 140.0, 100.0)


def _four_columns(rows: list[list[str]], top: float, title: str = "") -> str:
    """A ruled table 40 points a column, 20 a row; None in a row merges that cell into the one on its left."""
    xs = [20, 60, 100, 140, 180]
    out = _text(20, top - 10, title) if title else ""
    for r, row in enumerate(rows):
        y0 = top + 20 * r
        out += _rule(20, y0, 180, y0) + _rule(20, y0, 20, y0 + 20)
        for k, text in enumerate(row):
            if k + 1 == len(row) or row[k + 1] is not None:
                out += _rule(xs[k + 1], y0, xs[k + 1], y0 + 20)
            if text:
                out += _text(xs[k] + 4, y0 + 15, text)
    return out + _rule(20, top + 20 * len(rows), 180, top + 20 * len(rows))


def test_table_over_a_page_break_keeps_the_columns_of_its_first_page(tmp_path):
    page1 = _four_columns([["A", "B", "C", "D"], ["1", "2", "3", "4"]], 40, "Table")
    # Page 2 alone has no rule at x=100; its columns must still be page 1's.
    page2 = _four_columns([["9", "1011", None, "12"]], 40)
    first, second = file_to_grids(_write(tmp_path, "split.pdf", _pdf([page1, page2]))).grids
    assert (first.n_cols, second.n_rows, second.n_cols) == (4, 1, 4)
    merged, last = second.at(0, 1), second.at(0, 3)
    assert (merged.text, merged.col, merged.colspan) == ("1011", 1, 2)
    assert last.text == "12" and last.box.x0 == first.at(0, 3).box.x0 == 140.0
    assert (last.box.page, last.src_row, last.src_col, last.table) == (2, 0, 3, 2)


def test_a_row_cut_by_the_page_break_is_joined(tmp_path):
    page1 = _four_columns([["A", "B", "C", "D"], ["长名称", "1", "2", "3"]], 40)
    # The rest of the cut row: text only where the row's text ran on, the values all on page 1.
    page2 = _four_columns([["第二段", "", "", ""], ["5", "6", "7", "8"]], 40)
    first, second = file_to_grids(_write(tmp_path, "cut.pdf", _pdf([page1, page2]))).grids
    assert first.at(1, 0).paragraphs == ["长名称第二段"]
    assert second.n_rows == 1 and [c.text for c in second.row(0)] == ["5", "6", "7", "8"]
    assert second.at(0, 0).box.top == 60.0


def test_a_complete_first_row_is_not_joined_to_the_page_before(tmp_path):
    page1 = _four_columns([["A", "B", "C", "D"], ["长名称", "1", "2", "3"]], 40)
    page2 = _four_columns([["第二段", "4", "5", "6"]], 40)
    first, second = file_to_grids(_write(tmp_path, "rows.pdf", _pdf([page1, page2]))).grids
    assert first.at(1, 0).paragraphs == ["长名称"]
    assert [c.text for c in second.row(0)] == ["第二段", "4", "5", "6"]


def test_corpus_pdf_gives_the_records_of_the_docx():
    result = file_to_records(CORPUS_PDF)
    gold = _gold()
    assert result.status == "ok" and len(result.records) == 23
    assert [r.project_name for r in result.records] == [g["project_name"] for g in gold]
    t2 = result.records[1]
    assert t2.project_name == "宣传与推广" and t2.total_score == 88
    # "95435." / "80" on two lines of a narrow cell is one number.
    assert t2.funds.total.initial_budget == Decimal("95435.80")
    # "10", a blank paragraph, "9": two values, kept apart and resolved by the printed total.
    issue = next(i for i in t2.issues if i.field == "indicators[0].score")
    assert issue.code == "ambiguous_cell" and issue.candidates == [10, 9] and issue.resolved
    assert t2.indicators[0].score == 10
    ref = t2.provenance["indicators[0].score"]
    assert (ref.page, ref.table, ref.row, ref.col) == (2, 2, 12, 7)
    assert ref.box == (420.6, 340.75, 468.6, 372.75)
    # A line that stops short ends a paragraph, as in the .docx; full lines are wraps.
    assert result.records[4].goal_expected.startswith("1、战略目标\n坚持“创新驱动发展、经济转型升级”战略，以提高")
    # "…乡村振兴战" / "略”和…": no line may break before a closing quote, so the short line is a wrap.
    assert "结合“乡村振兴战略”和“科技影都”建设" in result.records[14].goal_expected


def test_corpus_tables_over_a_page_break_have_all_their_indicators():
    records = file_to_records(CORPUS_PDF).records
    gold = _gold()
    # Tables 5 and 15 run over a page break that cuts an indicator row in two.
    for k in (4, 14):
        got = [(i.level1, i.name, i.weight, i.score) for i in records[k].indicators]
        want = [(i["level1"], i["name"], i["weight"], i["score"]) for i in gold[k]["indicators"]]
        assert got == want
        assert records[k].total_score == gold[k]["total_score"]
    assert records[4].indicators[4].name == "参加重点培训项目培训的增长率"


def test_bad_pdfs_fail_with_a_reason(tmp_path):
    table = _four_columns([["A", "B", "C", "D"]], 40)
    cases = {
        "locked.pdf": (_pdf([table], encrypt=True), "encrypted PDF: it needs a password"),
        "garbage.pdf": (b"%PDF-1.4\nthis is not a PDF\n" * 20, "not a valid PDF"),
        "blank.pdf": (_pdf([""]), "all 1 pages are blank"),
        "prose.pdf": (_pdf([_text(20, 20, "Just a letter")]), "no ruled table on any of its 1 pages"),
        "scan.pdf": (_pdf([_IMAGE, _IMAGE]), "blank"),  # handed to the OCR reader: a flat grey image
    }
    for name, (data, reason) in cases.items():
        result = file_to_grids(_write(tmp_path, name, data))
        assert result.status == "failed", name
        assert reason in result.errors[0], (name, result.errors)


def test_truncated_pdf_fails_without_raising(tmp_path):
    path = _write(tmp_path, "cut.pdf", CORPUS_PDF.read_bytes()[:4000])
    result = file_to_grids(path)
    assert result.status == "failed" and result.errors


def test_a_scanned_page_in_a_text_pdf_goes_to_the_ocr_reader(tmp_path):
    path = _write(tmp_path, "mixed.pdf", _pdf([_four_columns([["A", "B", "C", "D"]], 40), _IMAGE, ""]))
    result = file_to_grids(path)
    assert result.status == "ok" and len(result.grids) == 1
    assert len(result.errors) == 1 and result.errors[0].startswith("page 2 with no text layer (scanned): ")


def test_generated_pdfs_over_page_breaks_give_their_gold_indicators():
    # LibreOffice prints of the generated sets: rows cut by a page break mid-line and at a paragraph
    # end, labels merged on over the break, and complete rows that start a page.
    for name in ("long-tables", "alt-grid", "title-above"):
        folder = CORPUS.parent / name
        gold = [json.loads(line) for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
        pdfs = [p for p in sorted(folder.glob("*.pdf")) if not p.stem.endswith("-scan")]
        assert pdfs, folder
        for pdf in pdfs:
            want = [g for g in gold if g["source"]["file"] == f"{pdf.stem}.docx"]
            got = file_to_records(pdf).records
            assert len(got) == len(want), pdf.name
            for record, g in zip(got, want):
                assert [
                    (i.level1, i.level2, i.name, i.actual, i.weight, i.score, i.note) for i in record.indicators
                ] == [
                    (i["level1"], i["level2"], i["name"], i["actual"], i["weight"], i["score"], i["note"])
                    for i in g["indicators"]
                ], (pdf.name, g["source"])


def test_encrypted_pdf_opens_with_its_password_only(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from pypdf import PdfReader as Src
    from pypdf import PdfWriter

    from cli import main

    writer = PdfWriter()
    for page in Src(str(CORPUS_PDF)).pages[:3]:
        writer.add_page(page)
    writer.encrypt(user_password="松江2020", owner_password="owner", algorithm="AES-256")
    locked = tmp_path / "locked-copy.pdf"
    with open(locked, "wb") as f:
        writer.write(f)
    monkeypatch.delenv("JIXIAO_PDF_PASSWORD", raising=False)
    runner = CliRunner()
    wrong = runner.invoke(main, ["extract", str(locked), "-o", str(tmp_path / "a.jsonl"), "--password", "nope"])
    assert wrong.exit_code == 1 and "locked-copy.pdf: encrypted PDF: it needs a password" in wrong.output
    right = runner.invoke(
        main, ["extract", str(locked), "-o", str(tmp_path / "b.jsonl"), "--password", "松江2020", "--workers", "2"]
    )
    assert right.exit_code == 0, right.output
    assert "JIXIAO_PDF_PASSWORD" not in os.environ  # the workers got it with their settings
    first = json.loads((tmp_path / "b.jsonl").read_text("utf-8").splitlines()[0])
    assert first["project_name"] == "招考实习" and first["total_score"] == 86


def test_a_full_width_number_broken_over_two_lines_is_one_number():
    from extractor.readers._pdf_layout import Char, paragraphs

    def line(text: str, base: float) -> list[Char]:
        return [Char(ch, 100 + 10 * k, 110 + 10 * k, base, 10) for k, ch in enumerate(text)]

    # A 60-point cell: "３." would fit after ２７５, but not the whole rest of the number, ３.２２.
    assert paragraphs([line("２７５", 20), line("３.２２", 32)], unit=12, right=160) == ["２７５３.２２"]
    # Two short numbers, each on its own line, stay two values (10 / 9).
    assert paragraphs([line("10", 20), line("9", 32)], unit=12, right=150) == ["10", "9"]


def test_a_new_row_at_the_top_of_a_page_is_not_joined_to_the_last_row_above():
    from extractor import Cell, Grid
    from extractor.readers._continue import join_split_row

    def grid(rows: list[list[str]]) -> Grid:
        cells = [Cell(r, k, [t] if t else [], 1, 1, 1, r, k) for r, row in enumerate(rows) for k, t in enumerate(row)]
        return Grid("f.pdf", 1, len(rows), len(rows[0]), cells)

    def fills(up: Cell, down: Cell) -> bool:  # the reader's answer: a line of seven characters fills these cells
        return len(up.text) >= 7

    # The last indicator of page 1 fits; page 2 starts with the next indicator, whose name fills its cell too.
    above = grid([["服务对象满意度", "≥90%", "10", "9", "采购流程较长导致进度滞后"]])
    below = grid([["参训人员满意度", "≥90%", "15", "15", ""], ["合计", "", "100", "96", ""]])
    join_split_row(above, below, fills)
    assert below.n_rows == 2 and [c.text for c in above.cells][:4] == ["服务对象满意度", "≥90%", "10", "9"]
    # The rest of a note cut by the break goes back up to its row.
    above = grid([["服务对象满意度", "≥90%", "10", "9", "采购流程较长导致"]])
    below = grid([["", "", "", "", "进度滞后"], ["合计", "", "100", "96", ""]])
    join_split_row(above, below, fills)
    assert below.n_rows == 1 and above.cells[4].text == "采购流程较长导致进度滞后"
