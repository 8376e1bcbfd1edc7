"""CellReader: reading one chunk's cells into record values, keeping where each came from and what was doubtful.

Every cell the reader reads or recognises is *placed*; at the end every non-blank cell that was not is
reported as `unmapped_cell`, so nothing in a table goes unread in silence. A value cell that holds a
printed label or the form's own instructions is never stored as a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ._chunk import Chunk
from ._codes import IssueCode, Severity
from ._grid import Cell, Grid
from ._record import CellRef, Issue
from ._values import clean, is_blank, money_suffix, parse_number, parse_text
from ._vocab import Section, Vocabulary, vocabulary


@dataclass(frozen=True)
class TemplateSettings:
    """The template reader's tunables."""

    # Below this OCR confidence (the least sure character's probability) a cell's reading goes to review.
    low_confidence: float = 0.9
    # Cells longer than this are free text: a label-like word inside them is not a header.
    label_max_chars: int = 16
    # How far a value may stand from its label on a header row (cells to the right).
    value_reach: int = 1


SETTINGS = TemplateSettings()
# Labels that, printed in a value cell of each kind, are a header and not a value (预算执行率 is a fine
# indicator name, but 年初设定目标 is never a goal).
_LABELS_NOT_VALUES: dict[str, tuple[Section, ...]] = {
    "goal": ("goals", "header", "indicator_columns", "fund_columns"),
    "indicator": ("indicator_columns", "goals"),
    "header": ("header", "goals", "fund_columns", "indicator_columns"),
}
_SHOW = 40


def shown(text: str) -> str:
    """Cell text quoted for a message, cut to a readable length."""
    t = re.sub(r"\s+", " ", text).strip()
    return repr(t if len(t) <= _SHOW else t[:_SHOW] + "…")


class CellReader:
    """One chunk being read: the grid, the record's provenance and issues, and which cells were placed."""

    def __init__(self, chunk: Chunk, vocab: Vocabulary | None = None, settings: TemplateSettings = SETTINGS) -> None:
        self.g: Grid = chunk.grid
        self.vocab = vocab or vocabulary()
        self.settings = settings
        self.issues: list[Issue] = []
        self.prov: dict[str, CellRef] = {}
        self.placed: set[int] = set()
        # Labels the vocabulary did not know, by the section they would belong to: what `auto` asks a model.
        self.unknown: dict[tuple[Section, str], None] = {}

    # -- placing and reporting -------------------------------------------------------------------------

    def place(self, *cells: Cell | None) -> None:
        for c in cells:
            if c is not None:
                self.placed.add(id(c))

    def is_placed(self, cell: Cell) -> bool:
        return id(cell) in self.placed

    def unmapped(self, cell: Cell, field: str, severity: Severity, why: str, section: Section | None = None) -> None:
        self.place(cell)
        if section is not None and len(clean(cell.text)) <= self.settings.label_max_chars:
            self.unknown[(section, clean(cell.text))] = None
        self.issues.append(
            Issue(
                code=IssueCode.UNMAPPED_CELL,
                field=field,
                severity=severity,
                original=cell.text,
                message=f"row {cell.src_row + 1}, column {cell.src_col + 1} reads {shown(cell.text)}: {why}",
            )
        )

    # -- reading values --------------------------------------------------------------------------------

    def note(self, path: str, cell: Cell | None) -> None:
        if cell is None:
            return
        self.place(cell)
        b = cell.box
        self.prov[path] = CellRef(
            table=cell.table,
            row=cell.src_row,
            col=cell.src_col,
            page=b.page if b else None,
            box=(b.x0, b.top, b.x1, b.bottom) if b else None,
            confidence=cell.confidence,
        )
        if cell.confidence is not None and cell.confidence < self.settings.low_confidence:
            # An OCR doubt is for a person to settle, never a silent guess.
            # Long free text is compared loosely downstream: one unsure character there is shown, not queued.
            severity: Severity = "warning" if path.startswith("goal_") else "error"
            why = getattr(cell, "doubt", None) or f"confidence {cell.confidence:.2f}"
            alt = getattr(cell, "alt", None)
            self.issues.append(
                Issue(
                    code=IssueCode.LOW_CONFIDENCE,
                    field=path,
                    original=cell.text,
                    severity=severity,
                    candidates=[cell.text, alt] if alt else None,
                    message=f"OCR read {shown(cell.text)} ({why}): check it against the scan",
                )
            )

    def _not_a_value(self, path: str, cell: Cell) -> bool:
        """A printed label or an instruction where a value belongs: reported, never stored."""
        text = cell.text
        if len(clean(text)) <= self.settings.label_max_chars and self.vocab.is_label(
            text,
            _LABELS_NOT_VALUES[
                "goal" if path.startswith("goal_") else "indicator" if path.startswith("indicators") else "header"
            ],
        ):
            why = "a printed label where a value belongs; the value is left blank"
        elif self.vocab.is_instruction(text):
            why = "the form's own instruction text, not a value; the value is left blank"
        else:
            return False
        self.unmapped(cell, path, "error", why)
        return True

    def text(self, path: str, cell: Cell | None, sep: str = "") -> str | None:
        if cell is None:
            return None
        self.note(path, cell)
        if self._not_a_value(path, cell):
            return None
        return parse_text(cell.paragraphs, sep)

    def number(self, path: str, cell: Cell | None, unit: str | None = None) -> Decimal | None:
        """A number; an amount printed with a unit (150万) counts only when that is the header's unit."""
        if cell is None:
            return None
        self.note(path, cell)
        p = parse_number(cell.paragraphs)
        printed = money_suffix(p.raw) if unit else None
        if printed is not None and printed != unit:
            self.issues.append(
                Issue(
                    code=IssueCode.UNPARSEABLE_VALUE,
                    field=path,
                    original=p.raw,
                    message=f"the cell reads {shown(p.raw)}, in {printed}, under a {unit} header",
                )
            )
            return None
        if p.ambiguous:
            values = " / ".join(str(c) for c in p.candidates)
            self.issues.append(
                Issue(
                    code=IssueCode.AMBIGUOUS_CELL,
                    field=path,
                    candidates=p.candidates,
                    message=f"cell holds {len(p.candidates)} values: {values}",
                )
            )
        elif not p.ok and not self._not_a_value(path, cell):
            self.issues.append(
                Issue(
                    code=IssueCode.UNPARSEABLE_VALUE,
                    field=path,
                    original=p.raw,
                    message=f"expected a number, the cell reads {shown(p.raw)}",
                )
            )
        return p.value

    # -- finding cells ---------------------------------------------------------------------------------

    def origins(self, row: int) -> list[Cell]:
        """Cells that start on this row, left to right."""
        return [c for c in self.g.row(row) if c.row == row]

    def right_of(self, cell: Cell) -> Cell | None:
        return self.g.at(cell.row, cell.col + cell.colspan)

    def below(self, cell: Cell) -> Cell | None:
        return self.g.at(cell.row + cell.rowspan, cell.col)

    def blank(self, cell: Cell | None) -> bool:
        return cell is None or is_blank(cell.text)

    def left_over(self, rows: range) -> list[Cell]:
        """Non-blank cells starting in `rows` that nothing has placed."""
        return [c for r in rows for c in self.origins(r) if not self.is_placed(c) and not is_blank(c.text)]
