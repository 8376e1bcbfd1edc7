"""Field paths as issues name them (`indicators[0].score`, `funds.total.executed`, `department`): read, type, set."""

from __future__ import annotations

import re
import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from .._record import Record
from .._values import fmt, parse_number, parse_text
from ._i18n import t

_PART = re.compile(r"[^.\[\]]+")
# The units an amount is printed in: a reviewer picks one, and nothing else is a unit.
AMOUNT_UNITS = ("元", "千元", "万元", "亿元")
# What a reviewer may change: the values of the record, not its bookkeeping.
_FIXED = {"schema_", "source", "issues", "provenance", "extractor"}


class FieldError(ValueError):
    """A refused value or path, with its catalog key so that each reviewer reads it in their language."""

    def __init__(self, key: str, **args: Any) -> None:
        self.key, self.args_ = key, args
        super().__init__(t("en", key, **args))


def _parts(path: str) -> list[str]:
    parts = _PART.findall(path or "")
    if not parts or parts[0] in _FIXED:
        raise FieldError("out.fixed", path=path)
    return parts


def _step(obj: Any, part: str) -> Any:
    if isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
        return obj[int(part)]
    if isinstance(obj, BaseModel) and part in type(obj).model_fields:
        return getattr(obj, part)
    raise FieldError("out.no_field", part=part)


def under(path: str, field_path: str) -> bool:
    """Whether `path` is `field_path` or a field inside it (`funds.total.executed` is under `funds.total`)."""
    return path == field_path or path.startswith((field_path + ".", field_path + "["))


def get_field(record: Record, path: str) -> Any:
    obj: Any = record
    for part in _parts(path):
        obj = _step(obj, part)
    return obj


def field_kind(record: Record, path: str) -> str | None:
    """number, int or text for a single value; None for a group of fields (`funds.total`, `indicators[2]`)."""
    parts = _parts(path)
    parent = get_field(record, ".".join(parts[:-1])) if len(parts) > 1 else record
    if not isinstance(parent, BaseModel) or parts[-1] not in type(parent).model_fields:
        return None
    args = typing.get_args(type(parent).model_fields[parts[-1]].annotation)
    for kind, python_type in (("number", Decimal), ("int", int), ("text", str)):
        if python_type in args:
            return kind
    return None


def leaf_fields(record: Record, path: str) -> list[str]:
    """The single-value fields at or under a path, in record order."""
    if field_kind(record, path) is not None:
        return [path]
    obj = get_field(record, path)
    if isinstance(obj, list):
        subs = [f"{path}[{i}]" for i in range(len(obj))]
    elif isinstance(obj, BaseModel):
        subs = [f"{path}.{name}" for name in type(obj).model_fields]
    else:
        return []
    return [leaf for sub in subs for leaf in leaf_fields(record, sub)]


def parse_value(record: Record, path: str, text: Any) -> Any:
    """A typed or accepted value as the field holds it: numbers read as a careful clerk reads a cell."""
    kind = field_kind(record, path)
    if kind is None:
        raise FieldError("out.group", field=path, fields=", ".join(leaf_fields(record, path)[:4]))
    text = "" if text is None else str(text)
    if path == "amount_unit":
        unit = parse_text([text])
        if unit not in AMOUNT_UNITS:
            raise FieldError("out.bad_unit", units="/".join(AMOUNT_UNITS), value=text)
        return unit
    if kind == "text":
        return parse_text([text])
    parsed = parse_number([text])
    if not parsed.ok:
        raise FieldError("out.not_number", field=path, value=text)
    if parsed.ambiguous:
        raise FieldError("out.many_numbers", field=path, value=text, n=len(parsed.candidates))
    if kind == "int" and parsed.value is not None:
        if parsed.value != parsed.value.to_integral_value():
            raise FieldError("out.not_whole", field=path, value=text)
        return int(parsed.value)
    return parsed.value


def choices(path: str, candidates: list[Any] | None) -> list[Any]:
    """What a reviewer picks from: the issue's candidates, and for the amount unit the four units."""
    return list(candidates or []) or (list(AMOUNT_UNITS) if path == "amount_unit" else [])


def set_field(record: Record, path: str, value: Any) -> None:
    parts = _parts(path)
    parent = get_field(record, ".".join(parts[:-1])) if len(parts) > 1 else record
    _step(parent, parts[-1])  # the field must exist: a typo never adds an attribute
    setattr(parent, parts[-1], value)


def shown(value: Any) -> str:
    """A value as a reviewer reads it (and as the audit trail stores it); blank for None."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt(value)
    return str(value)
