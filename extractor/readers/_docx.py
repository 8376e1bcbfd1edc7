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

from lxml import etree

from .._grid import Cell, Grid
from ._base import Reader, ReadResult

# WordprocessingML's namespace, spelled out: importing python-docx for its qn() costs every command 40 ms.
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def qn(tag: str) -> str:
    return _W + tag.removeprefix("w:")


_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_TCPR, _SPAN, _VMERGE, _VAL = qn("w:tcPr"), qn("w:gridSpan"), qn("w:vMerge"), qn("w:val")
_TRPR, _GRID_BEFORE, _SDT_CONTENT = qn("w:trPr"), qn("w:gridBefore"), qn("w:sdtContent")
_BREAKS = {_TAB: "\t", _BR: "\n", _CR: "\n"}


def _para_text(p) -> str:
    out = []
    for el in p.iter(_T, _TAB, _BR, _CR):
        if el.tag == _T:
            out.append(el.text or "")
        else:
            out.append(_BREAKS[el.tag])
    return "".join(out)


def _int_val(el, default: int) -> int:
    try:
        return int(el.get(_VAL))
    except (TypeError, ValueError):
        return default


def _first(el, tag: str):
    # iterchildren(tag) runs in C; find() goes through ElementPath, several times slower per call.
    for child in el.iterchildren(tag):
        return child
    return None


def _cell_props(tc) -> tuple[int, bool]:
    """(column span, continues a vertical merge) from the cell's tcPr, which comes first when present."""
    span, spanned, continues = 1, False, False
    if len(tc) and tc[0].tag == _TCPR:
        for prop in tc[0]:
            if prop.tag == _SPAN and not spanned:  # the first gridSpan counts
                span, spanned = max(1, _int_val(prop, 1)), True
            elif prop.tag == _VMERGE:
                continues = prop.get(_VAL) in (None, "continue")
    return span, continues


def _grid_before(tr) -> int:
    props = _first(tr, _TRPR)
    before = _first(props, _GRID_BEFORE) if props is not None else None
    return 0 if before is None else _int_val(before, 0)


def _owner(p):
    """Whose paragraph this is: the cell it sits in directly (content controls are see-through), a paragraph
    around it (a text box: its text is part of that paragraph), or None (a container this reader skips)."""
    parent = p.getparent()
    while parent.tag == _SDT_CONTENT and parent.getparent().tag == _SDT:
        parent = parent.getparent().getparent()
    if parent.tag == _TC:
        return parent
    while parent is not None and parent.tag not in (_P, _TC, _TBL):
        parent = parent.getparent()
    return parent if parent is not None and parent.tag == _P else None


class _Table:
    """One table being walked: its rows so far and the origin cells a vMerge in the next row continues."""

    def __init__(self, index: int, before: list[str]) -> None:
        self.index, self.before = index, before
        self.cells: list[Cell] = []
        self.pieces: list[list[list[str]]] = []  # per cell, per paragraph: its text pieces, joined at the end
        self.tr = None
        self.row, self.col, self.n_cols = -1, 0, 0
        # Origin cell by the grid column it starts at, for the row above: where vMerge continues.
        self.above: dict[int, Cell] = {}
        self.current: dict[int, Cell] = {}

    def start_row(self, tr) -> None:
        self.end_row()
        self.tr, self.row, self.col = tr, self.row + 1, _grid_before(tr)
        self.above, self.current = self.current, {}

    def end_row(self) -> None:
        if self.tr is not None:
            self.n_cols = max(self.n_cols, self.col)

    def add_cell(self, tc) -> list[list[str]] | None:
        """Where the new cell's paragraphs go, or None for a cell that continues a vertical merge (not read)."""
        span, continues = _cell_props(tc)
        col, r = self.col, self.row
        self.col += span
        origin = self.above.get(col) if continues else None
        if origin is not None and origin.colspan == span:
            origin.rowspan = r - origin.row + 1
            self.current[col] = origin
            return None
        cell = Cell(r, col, [], 1, span, self.index, r, col)
        self.cells.append(cell)
        self.pieces.append([])
        self.current[col] = cell
        return self.pieces[-1]

    def grid(self, file: str) -> Grid:
        self.end_row()
        for cell, paragraphs in zip(self.cells, self.pieces, strict=True):
            cell.paragraphs = ["".join(parts) for parts in paragraphs]
        return Grid(file, self.index, self.row + 1, self.n_cols, self.cells, self.before)


def tables_to_grids(tbl, file: str, first_index: int, before: list[str]) -> list[Grid]:
    """A body-level table and every table nested in it, in one walk over the tree (document order).

    Each grid gets the next index in the order its table starts, so a layout table comes before the
    forms nested in it. Only rows that are children of their table and cells that are children of
    their row count, and a cell's paragraphs are its own (or inside content controls), not those of
    a table nested in it: the same rules as python-docx's table model, without its element classes.
    (One case reads differently from Word: text after a table inside a text box inside a cell's paragraph.)
    """
    tables: dict = {}  # table element -> _Table; lxml returns the same proxy for an element while one is alive
    rows: dict = {}  # row element -> _Table
    cells: dict = {}  # cell element -> list of paragraphs (piece lists), or None for a merge continuation
    parts: list[str] = []  # the paragraph being read; text outside any read paragraph goes nowhere
    for el in tbl.iter(_TBL, _TR, _TC, _P, _T, _TAB, _BR, _CR):
        tag = el.tag
        if tag == _T:
            parts.append(el.text or "")
        elif tag == _P:
            owner = _owner(el)
            if owner is None:
                parts = []
            elif owner.tag == _TC:
                paragraphs = cells.get(owner)
                parts = []
                if paragraphs is not None:
                    paragraphs.append(parts)
        elif tag == _TC:
            table = rows.get(el.getparent())
            if table is not None and table.tr is el.getparent():
                cells[el] = table.add_cell(el)
        elif tag == _TR:
            table = tables.get(el.getparent())
            if table is not None:
                table.start_row(el)
                rows[el] = table
        elif tag == _TBL:
            tables[el] = _Table(first_index + len(tables), before if el is tbl else [])
        else:
            parts.append(_BREAKS[tag])
    return [t.grid(file) for t in tables.values()]


def _body_blocks(body) -> list:
    out = []
    for el in body.iterchildren(_P, _TBL, _SDT):
        if el.tag == _SDT:
            content = _first(el, _SDT_CONTENT)
            if content is not None:
                out += _body_blocks(content)
        else:
            out.append(el)
    return out


_MAIN = re.compile(
    rb'PartName="/([^"]+)"\s+ContentType="application/vnd\.openxmlformats-officedocument'
    rb'\.wordprocessingml\.document\.main\+xml"'
)


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
                grids += tables_to_grids(el, path.name, len(grids) + 1, pending)
                pending = []
        result = ReadResult(file=path, grids=grids, tail=pending)
        if not grids:
            result.status = "failed"
            result.errors.append("no table in the document")
        return result
