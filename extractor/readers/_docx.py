"""Word (.docx) tables read straight from the XML.

Merges come from `w:gridSpan` and `w:vMerge`, not from python-docx's repeated cell
objects, so a vertically merged 一级指标 cell is one cell with a row span, and every
paragraph of a cell is kept apart ("10", "", "9" is not the number 109). The main
part is parsed with plain lxml: python-docx's element classes make every lookup
several times slower, and this reader only walks the tree.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from docx.oxml.ns import qn
from lxml import etree

from .._grid import Cell, Grid
from ._base import Reader, ReadResult

_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_TCPR, _SPAN, _VMERGE, _VAL = qn("w:tcPr"), qn("w:gridSpan"), qn("w:vMerge"), qn("w:val")
_TRPR, _GRID_BEFORE, _SDT_CONTENT = qn("w:trPr"), qn("w:gridBefore"), qn("w:sdtContent")


def _para_text(p) -> str:
    out = []
    for el in p.iter(_T, _TAB, _BR, _CR):
        if el.tag == _T:
            out.append(el.text or "")
        else:
            out.append("\n" if el.tag in (_BR, _CR) else "\t")
    return "".join(out)


def _cell_paragraphs(tc) -> list[str]:
    # Paragraphs of a table nested in the cell belong to that table's own grid, not to this cell.
    return [_para_text(p) for p in _body_blocks(tc) if p.tag == _P]


def _child(el, tag: str):
    # iterchildren(tag) runs in C; find() goes through ElementPath, several times slower per call.
    for child in el.iterchildren(tag):
        return child
    return None


def _int_attr(parent, tag: str, default: int) -> int:
    if parent is None:
        return default
    el = _child(parent, tag)
    if el is None:
        return default
    try:
        return int(el.get(_VAL))
    except (TypeError, ValueError):
        return default


def table_to_grid(tbl, file: str, index: int, before: list[str]) -> Grid:
    cells: list[Cell] = []
    # Origin cell by the grid column it starts at, for the row above: where vMerge continues.
    above: dict[int, Cell] = {}
    n_cols = 0
    rows = [tr for tr in tbl.iterchildren(_TR)]
    for r, tr in enumerate(rows):
        col = _int_attr(_child(tr, _TRPR), _GRID_BEFORE, 0)
        current: dict[int, Cell] = {}
        for tc in tr.iterchildren(_TC):
            span, continues = 1, False
            if len(tc) and tc[0].tag == _TCPR:  # tcPr comes first when present; one pass over its few children
                for prop in tc[0]:
                    if prop.tag == _SPAN:
                        span = max(1, _int_attr(tc[0], _SPAN, 1))
                    elif prop.tag == _VMERGE:
                        continues = prop.get(_VAL) in (None, "continue")
            origin = above.get(col) if continues else None
            if origin is not None and origin.colspan == span:
                origin.rowspan = r - origin.row + 1
                current[col] = origin
            else:
                cell = Cell(r, col, _cell_paragraphs(tc), 1, span, index, r, col)
                cells.append(cell)
                current[col] = cell
            col += span
        n_cols = max(n_cols, col)
        above = current
    return Grid(file, index, len(rows), n_cols, cells, before)


def _body_blocks(body) -> list:
    out = []
    for el in body.iterchildren(_P, _TBL, _SDT):
        if el.tag == _SDT:
            content = _child(el, _SDT_CONTENT)
            if content is not None:
                out += _body_blocks(content)
        else:
            out.append(el)
    return out


_MAIN = re.compile(rb'PartName="/([^"]+)"\s+ContentType="application/vnd\.openxmlformats-officedocument'
                   rb'\.wordprocessingml\.document\.main\+xml"')


def _main_part(archive: zipfile.ZipFile) -> bytes:
    """The main document part named in [Content_Types].xml (usually word/document.xml)."""
    types = archive.read("[Content_Types].xml")
    m = _MAIN.search(types) or re.search(rb'ContentType="[^"]*document\.main\+xml"\s+PartName="/([^"]+)"', types)
    return archive.read(m.group(1).decode() if m else "word/document.xml")


class DocxReader(Reader):
    suffixes = (".docx",)

    def read(self, path: Path) -> ReadResult:
        if not zipfile.is_zipfile(path):
            return ReadResult.failed(path, "not a valid .docx (not a zip archive: corrupt or another format)")
        try:
            with zipfile.ZipFile(path) as archive:
                root = etree.fromstring(_main_part(archive))
        except (KeyError, zipfile.BadZipFile) as exc:
            return ReadResult.failed(path, f"not a valid .docx (no Word document inside: {exc})")
        except etree.XMLSyntaxError as exc:
            return ReadResult.failed(path, f"damaged .docx: document XML is broken ({exc})")
        body = root.find(qn("w:body"))
        if body is None:
            return ReadResult.failed(path, "not a valid .docx (the document has no body)")
        grids: list[Grid] = []
        pending: list[str] = []
        for el in _body_blocks(body):
            if el.tag == _P:
                text = _para_text(el).strip()
                if text:
                    pending.append(text)
            else:
                # A form pasted inside a layout table arrives nested: each table is a grid of its own.
                for tbl in el.iter(_TBL):
                    grids.append(table_to_grid(tbl, path.name, len(grids) + 1, pending))
                    pending = []
        result = ReadResult(file=path, grids=grids, tail=pending)
        if not grids:
            result.status = "failed"
            result.errors.append("no table in the document")
        return result
