"""What the model is asked to return: the record's fields, each value cited as "<cell id>|<text>".

Validation (which makes instructor re-ask) covers what the model can fix by answering
again: a malformed value or a cell id that is not in the grid. Whether the text really
occurs in the cited cell is checked afterwards (_verify.py) and becomes a review issue,
so a wrong value is seen by a person instead of being argued away with the model.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, create_model, model_validator

from .._record import FUND_ROWS, FundRow, Indicator

# Bump when the answer models change: part of the cache key and of each record's tag.
ANSWER_SCHEMA = "llm-answer/1"
CITED = re.compile(r"^\s*(r\d+c\d+|t\d+)\s*\|(.*)$", re.S)

Cited = str | None


def _compact(node: Any) -> Any:
    """Drop titles and null defaults, and say `string` for `string or null`: the schema is sent every call."""
    if isinstance(node, list):
        return [_compact(n) for n in node]
    if not isinstance(node, dict):
        return node
    any_of = node.get("anyOf")
    if any_of and {"type": "null"} in any_of and len(any_of) == 2:
        kept = next(n for n in any_of if n != {"type": "null"})
        return _compact({**{k: v for k, v in node.items() if k != "anyOf"}, **kept})
    return {
        k: _compact(v)
        for k, v in node.items()
        if not (k == "title" and isinstance(v, str)) and not (k == "default" and v in (None, []))
    }


class _Compact(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        schema = _compact(super().model_json_schema(*args, **kwargs))
        schema["title"] = cls.model_config.get("title") or cls.__name__
        return schema


def _cited(model: type[BaseModel]) -> type[BaseModel]:
    """The record's own fields, each as a cited string: the answer cannot drift from the Record."""
    return create_model(f"{model.__name__}Answer", **{name: (Cited, None) for name in model.model_fields})


FundRowAnswer = _cited(FundRow)
IndicatorAnswer = _cited(Indicator)
FundsAnswer = create_model("FundsAnswer", **{name: (FundRowAnswer | None, None) for name in FUND_ROWS})


def cited_values(model: BaseModel, prefix: str = "") -> list[tuple[str, str]]:
    """(record path, cited string) for every value the model gave, in record path form."""
    out: list[tuple[str, str]] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            out.extend(cited_values(value, f"{path}."))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                out.extend(cited_values(item, f"{path}[{i}]."))
        elif value is not None:
            out.append((path, value))
    return out


class TableAnswer(_Compact):
    """The values one performance self-evaluation table prints; each is "<cell id>|<text as printed>"."""

    model_config = ConfigDict(title="record_table")

    year: Cited = None
    project_name: Cited = None
    department: Cited = None
    implementing_unit: Cited = None
    amount_unit: Cited = None
    funds: FundsAnswer | None = None
    goal_expected: Cited = None
    goal_actual: Cited = None
    indicators: list[IndicatorAnswer] = []
    total_weight: Cited = None
    total_score: Cited = None

    @model_validator(mode="after")
    def _cells_exist(self, info: ValidationInfo) -> TableAnswer:
        ids = (info.context or {}).get("ids")
        errors = []
        for path, value in cited_values(self):
            m = CITED.match(value)
            if m is None:
                errors.append(f'{path}: {value!r} is not "<cell id>|<text>", e.g. "r5c3|95435.80"')
            elif ids is not None and m.group(1) not in ids:
                errors.append(f"{path}: {m.group(1)} is not a cell of this table (blank cells have no id)")
        if errors:
            raise ValueError("; ".join(errors))
        return self


class Judgement(_Compact):
    """Whether the goal text and the indicators describe the same project."""

    model_config = ConfigDict(title="judge_goal_and_indicators")

    same_project: bool
    reason: str


def split_cited(value: str) -> tuple[str, str]:
    m = CITED.match(value)
    assert m is not None, "validated before"
    return m.group(1), m.group(2).strip()
