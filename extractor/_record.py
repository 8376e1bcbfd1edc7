"""The pydantic record: the exchange format of ../shared/spec/RECORD.md plus provenance.

Key names are a contract with everything downstream; amounts are Decimals so that
parts add up exactly, and they serialise as JSON numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from ._codes import IssueCode, Severity

SCHEMA = "perf-self-eval/1"


def _number(v: Decimal | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


Num = Annotated[Decimal | None, PlainSerializer(_number, when_used="json")]

FUND_ROWS = ("total", "current_appropriation", "carryover", "other")
FUND_COLUMNS = ("initial_budget", "annual_budget", "executed", "weight", "execution_rate", "score")
AMOUNT_COLUMNS = ("initial_budget", "annual_budget", "executed")
# How the MoF form prints them: messages and export headers name fields by the table's own words.
FUND_ROW_LABELS = {
    "total": "年度资金总额",
    "current_appropriation": "当年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
}
FUND_COLUMN_LABELS = {
    "initial_budget": "年初预算数",
    "annual_budget": "全年预算数",
    "executed": "全年执行数",
    "weight": "分值",
    "execution_rate": "执行率",
    "score": "得分",
}


class Source(BaseModel):
    file: str
    table: int
    # Set from the store when a record is read back: the path relative to the batch root, the file's content
    # hash, and the other paths of files with the same content (stored once).
    path: str | None = None
    sha256: str | None = None
    also: list[str] = Field(default_factory=list)


class FundRow(BaseModel):
    initial_budget: Num = None
    annual_budget: Num = None
    executed: Num = None
    weight: Num = None
    execution_rate: str | None = None
    score: Num = None


class ExtraFundRow(FundRow):
    """A fund row the record has no key for (财政专户管理资金, 中央资金 …), kept under its printed label."""

    label: str


class Funds(BaseModel):
    total: FundRow = Field(default_factory=FundRow)
    current_appropriation: FundRow = Field(default_factory=FundRow)
    carryover: FundRow = Field(default_factory=FundRow)
    other: FundRow = Field(default_factory=FundRow)


class Indicator(BaseModel):
    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    target: str | None = None
    actual: str | None = None
    weight: Num = None
    score: Num = None
    note: str | None = None


class Issue(BaseModel):
    code: IssueCode
    field: str
    severity: Severity = "error"
    message: str
    candidates: list[Any] | None = None
    # A resolution keeps what the table printed, so a reviewer can see what was changed.
    original: Any = None
    resolved: bool = False
    # Filled in for the export of a resolved issue: the value now in the field, and who settled it when
    # ("jixiao" for what the table itself settled), so an export alone tells the story.
    value: Any = None
    resolved_by: str | None = None
    resolved_at: str | None = None

    @classmethod
    def settled(cls, code: IssueCode, field: str, message: str, original: Any = None) -> Issue:
        """A correction the table itself settled: shown as a warning, never queued, the printed value kept."""
        return cls(code=code, field=field, severity="warning", message=message, original=original, resolved=True)


class CellRef(NamedTuple):
    """Where a field's value came from: enough to outline the cell on a page or in the grid.
    A tuple, not a model: every field of every table gets one, and it is stored as a short JSON array."""

    table: int
    row: int
    col: int
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    confidence: float | None = None


class Stamp(BaseModel):
    """How a record was read: a record read with another configuration has another `config`."""

    reader: str  # docx | xlsx | pdf | pdf+ocr | scan, "(converted from .doc)" when LibreOffice converted it
    extractor: str  # template | llm | auto (template+labels, template+llm)
    jixiao: str  # the package version
    vocabulary: str  # hash of the label vocabulary the template reader maps by
    model: str | None = None
    prompt_hash: str | None = None
    schema_hash: str | None = None
    config: str  # hash of everything above: equal stamps, equal reading


def record_id(sha256: str, table: int) -> str:
    """The stable key of a record: the file's content hash and the table's ordinal, whatever the file is called."""
    return f"{sha256[:16]}-{table}"


class Record(BaseModel):
    model_config = ConfigDict(validate_assignment=False)

    schema_: str = Field(SCHEMA, alias="schema", serialization_alias="schema")
    id: str | None = None
    source: Source
    # The id of the primary record when the same table is in another file of the archive (a .docx and its PDF).
    duplicate_of: str | None = None
    year: int | None = None
    project_name: str | None = None
    department: str | None = None
    implementing_unit: str | None = None
    amount_unit: str | None = None
    funds: Funds = Field(default_factory=Funds)
    extra_fund_rows: list[ExtraFundRow] = Field(default_factory=list)
    goal_expected: str | None = None
    goal_actual: str | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    total_weight: Num = None
    total_score: Num = None
    issues: list[Issue] = Field(default_factory=list)
    provenance: dict[str, CellRef] = Field(default_factory=dict)
    extractor: str = "template"
    stamp: Stamp | None = None
    # The indicator fields the form prints (a form with no 分值 column needs no weights); None: not known.
    printed_columns: list[str] | None = None

    def export(self, provenance: bool = False) -> dict[str, Any]:
        exclude = {"extractor", "printed_columns"} if provenance else {"provenance", "extractor", "printed_columns"}
        return self.model_dump(mode="json", by_alias=True, exclude=exclude)
