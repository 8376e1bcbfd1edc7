"""Reading numbers and text out of cells the way a careful clerk would."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ._text import normalize

BLANKS = {"", "—", "-", "－", "–", "/", "／", "无", "——", "--", "……"}
_UNIT_SUFFIX = re.compile(r"(亿元|万元|千元|万|元|分)$")
_MONEY_SUFFIX = re.compile(r"\d\s*(亿元|万元|千元|万|元)$")
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_SEPARATORS = re.compile(r"[\s,，]")
# A decimal point printed (or read off a scan) as a middle dot, 2369·24: no number has a middle dot otherwise.
_MID_DOT = re.compile(r"(?<=\d)[·•∙・](?=\d)")


@dataclass
class Parsed:
    value: Decimal | None = None
    candidates: list[Decimal] = field(default_factory=list)
    raw: str = ""
    ok: bool = True  # False: text present that is not a number

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def clean(text: str | None) -> str:
    """A value's text as a clerk reads it: NFKC, inner spaces kept."""
    return normalize(text, keep_spaces=True)


def _to_decimal(text: str) -> Decimal | None:
    t = _MID_DOT.sub(".", _UNIT_SUFFIX.sub("", _SEPARATORS.sub("", clean(text))))
    if not _NUM.match(t):
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def is_blank(text: str) -> bool:
    return normalize(text) in BLANKS


def _is_wrap(a: str, b: str) -> bool:
    # A number broken by a narrow cell ("95435." / "80") is one value, not two candidates.
    return a.endswith((".", ",")) or b.startswith((".", ",", "%"))


def parse_number(paragraphs: list[str]) -> Parsed:
    parts = [c for c in map(clean, paragraphs) if normalize(c) not in BLANKS]
    raw = " / ".join(parts)
    if not parts:
        return Parsed(raw=raw)
    joined: list[str] = [parts[0]]
    for p in parts[1:]:
        if _is_wrap(joined[-1], p):
            joined[-1] += p
        else:
            joined.append(p)
    values = [_to_decimal(p) for p in joined]
    if any(v is None for v in values):
        whole = _to_decimal("".join(joined))
        if whole is not None:
            return Parsed(whole, [whole], raw)
        return Parsed(None, [], raw, ok=False)
    distinct = list(dict.fromkeys(v for v in values if v is not None))  # none is None here
    return Parsed(distinct[0], distinct, raw)


def parse_text(paragraphs: list[str], sep: str = "") -> str | None:
    """Text as printed: paragraphs joined (labels broken over lines join with nothing)."""
    # Printed text is kept as printed (full-width ％ and （） stay): only edges are trimmed.
    parts = [p.strip() for p in paragraphs]
    text = sep.join(p for p in parts if p).strip()
    return None if is_blank(text) else text


def fmt(v: Decimal | None) -> str:
    if v is None:
        return "blank"
    return format(v.normalize(), "f") if v == v.to_integral_value() else format(v, "f")


def money_suffix(text: str) -> str | None:
    """The money unit printed after an amount (150万 → 万元), or None."""
    m = _MONEY_SUFFIX.search(clean(text))
    return None if m is None else "万元" if m.group(1) == "万" else m.group(1)


def parse_rate(text: str | None) -> Decimal | None:
    """A printed execution rate ("98.5%", "0.985") as a fraction."""
    if not text:
        return None
    t = clean(text).replace("％", "%")
    pct = t.endswith("%")
    v = _to_decimal(t.rstrip("%"))
    if v is None:
        return None
    return v / 100 if pct or v > 1 else v
