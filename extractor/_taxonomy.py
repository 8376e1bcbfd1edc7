"""The national 一级/二级 indicator framework, from data/taxonomy.json."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from ._text import normalize


@cache  # labels repeat on every row: each distinct one is normalised once
def _key(label: str | None) -> str:
    return re.sub(r"指标$", "", normalize(label))


@cache
def _framework() -> dict[str, list[str]]:
    data = json.loads(resources.files("extractor").joinpath("data/taxonomy.json").read_text("utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@cache
def _parents() -> dict[str, str]:
    out: dict[str, str] = {}
    for level1, level2s in _framework().items():
        for l2 in level2s:
            out.setdefault(_key(l2), level1)
    return out


@cache
def parent_of(level2: str | None) -> str | None:
    """The level 1 a known level 2 belongs to, or None for a label outside the framework."""
    return _parents().get(_key(level2)) if level2 else None


@cache
def canonical_level1(label: str | None) -> str | None:
    """The framework's level-1 label for a printed one, also when the print cut it short (满意度指)."""
    k = _key(label)
    if not k:
        return None
    names = list(_framework())
    exact = [n for n in names if _key(n) == k]
    if exact:
        return exact[0]
    prefixed = [n for n in names if n.startswith(k) and len(k) >= 2]
    return prefixed[0] if len(prefixed) == 1 else None


def level1_key(label: str | None) -> str:
    return _key(canonical_level1(label) or label)
