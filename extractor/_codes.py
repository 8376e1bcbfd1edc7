"""The vocabulary of issues in one place: codes, severities and statuses.

The codes of ../shared/spec/RECORD.md are a contract (the scorer and importers match on them), so the
enum's values are the exact strings. `IssueCode` is a `str`: an f-string, an SQL parameter and JSON all
see the plain code, and a code read back from the store or an export compares equal to its member.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal


class IssueCode(str, Enum):
    # The codes of RECORD.md.
    AMBIGUOUS_CELL = "ambiguous_cell"
    UNPARSEABLE_VALUE = "unparseable_value"
    MISSING_VALUE = "missing_value"
    AMOUNT_MISMATCH = "amount_mismatch"
    WEIGHT_TOTAL_MISMATCH = "weight_total_mismatch"
    SCORE_TOTAL_MISMATCH = "score_total_mismatch"
    SCORE_EXCEEDS_WEIGHT = "score_exceeds_weight"
    DUPLICATE_INDICATOR = "duplicate_indicator"
    NAME_MISMATCH = "name_mismatch"
    TAXONOMY_MISMATCH = "taxonomy_mismatch"
    UNIT_SUSPECT = "unit_suspect"
    IMPLAUSIBLE_VALUE = "implausible_value"
    MISPLACED_TEXT = "misplaced_text"
    GOAL_INDICATOR_MISMATCH = "goal_indicator_mismatch"
    DUPLICATE_RECORD = "duplicate_record"
    UNMAPPED_CELL = "unmapped_cell"
    # This project's own.
    LOW_CONFIDENCE = "low_confidence"  # OCR was unsure of the cell's text
    EXTRACTION_FAILED = "extraction_failed"  # a table, or the model's second reading of it, could not be read
    VALUE_NOT_IN_CELL = "value_not_in_cell"  # the model cited a cell that does not hold the value it gave
    READINGS_DISAGREE = "readings_disagree"  # the template reader and the model read a field differently

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


Severity = Literal["error", "warning"]  # error: a question in the review queue; warning: shown, not queued
IssueStatus = Literal["open", "closed"]  # a stored issue: open until answered or no longer raised
ReadStatus = Literal["ok", "failed"]  # a file's reading
# A file of a batch: skipped (already read, same content) or a duplicate (same content as another stored file).
FileStatus = Literal["ok", "skipped", "duplicate", "failed"]

# Issues from reading a cell, or from the batch-level name check: a re-check of one record keeps them.
READ_CODES = frozenset(
    {
        IssueCode.AMBIGUOUS_CELL,
        IssueCode.UNPARSEABLE_VALUE,
        IssueCode.MISPLACED_TEXT,
        IssueCode.LOW_CONFIDENCE,
        IssueCode.EXTRACTION_FAILED,
        IssueCode.NAME_MISMATCH,
        IssueCode.VALUE_NOT_IN_CELL,
        IssueCode.GOAL_INDICATOR_MISMATCH,
        IssueCode.UNMAPPED_CELL,
        IssueCode.UNIT_SUSPECT,
        IssueCode.READINGS_DISAGREE,
        IssueCode.DUPLICATE_RECORD,
    }
)
