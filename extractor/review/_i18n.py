"""Words for the reviewer: the language of a request, catalog look-ups, the table's own label for a field
path, issue kinds by name, check messages in the reader's language, times in the server's zone.

Issue codes and field paths are turned into words only here (issue 11 will type them).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from .._record import Record
from .._settings import current
from ._catalog import CODES, LABELS, MESSAGE_PATTERNS, PATTERN_WORDS, TEXT

LANGS = ("zh", "en")
DEFAULT = "zh"
_PATH = re.compile(r"^(?:(funds)\.(\w+)(?:\.(\w+))?|(indicators|extra_fund_rows)\[(\d+)\](?:\.(\w+))?|(\w+))$")


def server_lang() -> str:
    lang = (current().lang or DEFAULT).lower()[:2]
    return lang if lang in LANGS else DEFAULT


def request_lang(accept: str | None) -> str:
    """The first of the browser's languages that the catalog has; else the server's (JIXIAO_LANG, zh)."""
    for part in (accept or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGS:
            return tag
    return server_lang()


def t(lang: str, key: str, **args: Any) -> str:
    text = TEXT.get(lang, TEXT[DEFAULT]).get(key) or TEXT["en"].get(key, key)
    return text.format(**args) if args else text


def code_name(lang: str, code: str) -> str:
    return CODES.get(lang, CODES[DEFAULT]).get(code, (code, ""))[0]


def code_todo(lang: str, code: str) -> str:
    return CODES.get(lang, CODES[DEFAULT]).get(code, (code, ""))[1]


def known_codes() -> list[str]:
    return sorted(CODES["en"])


def field_label(lang: str, path: str, record: Record | None = None) -> str:
    """A field path as the form prints it: 项目资金 · 年度资金总额 · 全年预算数, 三级指标「政策知晓率」 · 得分."""
    words = LABELS.get(lang, LABELS[DEFAULT])
    m = _PATH.match(path or "")
    if not m:
        return path
    fund_row, fund_col, listed, index, sub, plain = (
        m.group(2),
        m.group(3),
        m.group(4),
        m.group(5),
        m.group(6),
        m.group(7),
    )
    if plain:
        return words.get(plain, plain)
    if fund_row:
        parts = [words["funds"], words.get(fund_row, fund_row)] + ([words.get(fund_col, fund_col)] if fund_col else [])
        return words["sep"].join(parts)
    i = int(index)
    if listed == "extra_fund_rows":
        rows = record.extra_fund_rows if record is not None else []
        head = [words["funds"], rows[i].label if i < len(rows) else str(i + 1)]
    else:
        rows = record.indicators if record is not None else []
        name = rows[i].name if i < len(rows) else None
        head = [words["indicator"].format(name=name) if name else words["indicator_row"].format(n=i + 1)]
    return words["sep"].join(head + ([words.get(sub, sub)] if sub else []))


@lru_cache(maxsize=8)
def _patterns(lang: str) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(p), out) for p, out in MESSAGE_PATTERNS.get(lang, [])]


def message(lang: str, text: str) -> str:
    """A check's message in the reader's language, numbers kept exactly as the check printed them."""
    words = PATTERN_WORDS.get(lang, {})
    for pattern, out in _patterns(lang):
        m = pattern.match(text or "")
        if m:
            args = m.groupdict()
            args.update({f"{k}_zh": words.get(v, v) for k, v in m.groupdict().items() if v})
            return out.format(**args)
    return text


def when(lang: str, iso: str | None) -> str:
    """A stored UTC time in the server's own zone, to the minute."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return moment.strftime("%Y年%m月%d日 %H:%M" if lang == "zh" else "%Y-%m-%d %H:%M")
