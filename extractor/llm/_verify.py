"""answer_to_record: the model's cited values, checked against their cells, as the same Record.

A value counts only if it occurs in the cell it cites. Numbers are then read from that
cell by the template reader's own code, so a cell holding "10 / 9" gives the same
ambiguous_cell issue (and the same resolution) whichever backend found it. A value that
is not in its cell is dropped and becomes a `value_not_in_cell` review item.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from .._cells import CellReader
from .._chunk import Chunk
from .._codes import IssueCode
from .._grid import Cell
from .._record import Issue, Record, Source
from .._template import unread_record
from .._text import normalize
from .._values import is_blank, parse_number, parse_text
from ._answer import TableAnswer, split_cited
from ._grid_prompt import BREAK, cell_text, citable

NUMBER_FIELDS = {"initial_budget", "annual_budget", "executed", "weight", "score", "total_weight", "total_score"}
MULTILINE_FIELDS = {"goal_expected", "goal_actual", "note"}
_YEAR = re.compile(r"(19|20)\d{2}")


def _norm(text: str) -> str:
    return normalize(text.replace(BREAK, ""))


class _Checker:
    def __init__(self, chunk: Chunk) -> None:
        self.reader = CellReader(chunk)
        self.ids = citable(chunk)

    def value(self, path: str, cited: str) -> Any:
        cell_id, text = split_cited(cited)
        if is_blank(text.replace(BREAK, "")):
            return None
        source = self.ids[cell_id]
        printed = source if isinstance(source, str) else cell_text(source.paragraphs)
        leaf = path.rsplit(".", 1)[-1]
        if leaf in NUMBER_FIELDS and isinstance(source, Cell):
            claimed = parse_number([text]).value
            cell = parse_number(source.paragraphs)
            if claimed in cell.candidates or (claimed is None and not cell.ok and _norm(text) in _norm(printed)):
                return self.reader.number(path, source)
        elif _norm(text) and _norm(text) in _norm(printed):
            if isinstance(source, Cell):
                self.reader.note(path, source)
            if leaf == "year":
                m = _YEAR.search(text)
                return int(m.group(0)) if m else None
            sep = "\n" if leaf in MULTILINE_FIELDS else ""
            if isinstance(source, Cell) and _norm(text) == _norm(printed):
                return parse_text(source.paragraphs, sep)  # the whole cell: keep it exactly as printed
            return text.replace(BREAK, sep)
        self.reader.issues.append(
            Issue(
                code=IssueCode.VALUE_NOT_IN_CELL,
                field=path,
                original=text,
                message=f"the model read {text!r} from {cell_id}, but that cell reads {printed!r}; value dropped",
            )
        )
        return None

    def walk(self, node: Any, path: str) -> Any:
        if isinstance(node, BaseModel):
            prefix = f"{path}." if path else ""
            return {name: self.walk(getattr(node, name), f"{prefix}{name}") for name in type(node).model_fields}
        if isinstance(node, list):
            return [self.walk(item, f"{path}[{i}]") for i, item in enumerate(node)]
        return None if node is None else self.value(path, node)


def answer_to_record(answer: TableAnswer, chunk: Chunk) -> Record:
    checker = _Checker(chunk)
    data = checker.walk(answer, "")
    data["funds"] = {k: v for k, v in (data["funds"] or {}).items() if v is not None}
    record = Record(source=Source(file=chunk.file, table=chunk.index), **data)
    record.issues = checker.reader.issues
    record.provenance = checker.reader.prov
    return record


def failed_record(chunk: Chunk, reason: str) -> Record:
    """A chunk the model could not read: an empty record with the reason, so the table is in the queue."""
    return unread_record(chunk, f"the LLM backend could not read it: {reason}")
