"""The label vocabulary (data/vocabulary.toml): which record field a printed header or row label stands for.

Kept as data so that a new province's form is taught by adding a line, not code. Matching is exact on a
label's key first; a known label at the start of a longer cell ("执行率上海市…": text glued after a header)
or, for column headers, inside it ("指标分值") matches only when it points at one field. Labels learned at
run time (the `auto` backend asking a model) extend a copy, never the file.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from ._text import normalize

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

Section = Literal[
    "header", "fund_columns", "fund_rows", "goals", "indicator_columns", "indicator_parts", "rows", "unknown"
]
How = Literal["exact", "glued", "inside"]

_NOTE = re.compile(r"[(（【\[][^)）】\]]*[)）】\]]")
# A leading 其中 or enumerator (1. 2、 一、 三是): 其中：本年财政拨款, 1.项目年度目标完成情况.
_LEAD = re.compile(r"^(其中|\d+[.、．]|[一二三四五六七八九十]+[、.．])?[:：、,，]*")
_TRAIL = re.compile(r"[:：、,，\d]+$")  # 年度绩效目标1: a numbered block is labelled like the first


def flatten(text: str | None) -> str:
    """Text as the vocabulary compares it: NFKC, no whitespace, no bracketed note, no leading 其中."""
    t = normalize(text)
    t = _NOTE.sub("", t)
    return _TRAIL.sub("", _LEAD.sub("", t))


# A cell's label; labels repeat on every table of an archive, so each is worked out once.
label_key = lru_cache(maxsize=1 << 16)(flatten)


@dataclass(frozen=True)
class Match:
    field: str
    label: str  # the vocabulary label that matched
    how: How


@dataclass(frozen=True)
class Vocabulary:
    # section -> label key -> field
    labels: dict[str, dict[str, str]]
    placeholder: tuple[re.Pattern[str], ...] = ()
    instruction: tuple[re.Pattern[str], ...] = ()
    generic: tuple[re.Pattern[str], ...] = ()
    learned: dict[tuple[str, str], str] = field(default_factory=dict)
    # Answers by (section, key, inside): an archive prints the same labels on every table.
    _memo: dict[tuple[str, str, bool], Match | bool | None] = field(default_factory=dict, repr=False, compare=False)

    def match(self, section: Section, text: str | None, inside: bool = False) -> Match | None:
        """The field a label stands for in one section, or None when the vocabulary does not know it."""
        key = label_key(text)
        if not key:
            return None
        memo = (section, key, inside)
        if memo not in self._memo:
            self._memo[memo] = self._match(section, key, inside)
        return self._memo[memo]  # type: ignore[return-value]

    def _match(self, section: Section, key: str, inside: bool) -> Match | None:
        known = self.labels.get(section, {})
        if key in known:
            return Match(known[key], key, "exact")
        glued = [lab for lab in known if key.startswith(lab) and len(key) > len(lab)]
        fields = {known[lab] for lab in glued}
        if len(fields) == 1:
            return Match(fields.pop(), max(glued, key=len), "glued")
        if inside:
            within = [lab for lab in known if lab in key and len(lab) >= 2]
            fields = {known[lab] for lab in within}
            if len(fields) == 1:
                return Match(fields.pop(), max(within, key=len), "inside")
        return None

    def field(self, section: Section, text: str | None) -> str | None:
        """Exact matches only: for deciding what a cell *is*, where a near miss must not count."""
        return self.labels.get(section, {}).get(label_key(text))

    def is_label(self, text: str | None, sections: tuple[Section, ...]) -> bool:
        """Whether a cell's text is one of the labels these sections print (a header is never a value)."""
        key = label_key(text)
        return bool(key) and any(key in self.labels.get(s, {}) for s in sections)

    def labels_of(self, section: Section) -> list[tuple[str, str]]:
        """(label key, field) pairs of one section."""
        return list(self.labels.get(section, {}).items())

    def is_generic(self, name: str | None) -> bool:
        """An indicator name that stands for "the rest of this group" (其他指标): it may repeat across groups."""
        key = normalize(name)
        return any(p.search(key) for p in self.generic)

    def is_placeholder(self, text: str | None) -> bool:
        key = normalize(text)
        return any(p.search(key) for p in self.placeholder)

    def is_instruction(self, text: str | None) -> bool:
        memo = ("instruction", text or "", False)
        if memo not in self._memo:
            key = normalize(text)
            self._memo[memo] = bool(key) and any(p.search(key) for p in self.instruction)
        return bool(self._memo[memo])

    def with_labels(self, learned: dict[tuple[str, str], str]) -> Vocabulary:
        """A copy that also knows `learned` ((section, label) -> field), e.g. labels a model mapped."""
        labels = {s: dict(m) for s, m in self.labels.items()}
        for (section, label), name in learned.items():
            labels.setdefault(section, {})[label_key(label)] = name
        return Vocabulary(labels, self.placeholder, self.instruction, self.generic, {**self.learned, **learned})


def parse_vocabulary(data: dict) -> Vocabulary:
    labels: dict[str, dict[str, str]] = {}
    for section, fields in data.items():
        if section == "patterns":
            continue
        table = labels.setdefault(section, {})
        for name, words in fields.items():
            for word in words:
                table.setdefault(label_key(word), name)
    patterns = data.get("patterns", {})

    def compile_all(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(unicodedata.normalize("NFKC", p)) for p in patterns.get(key, ()))

    return Vocabulary(labels, compile_all("placeholder"), compile_all("instruction"), compile_all("generic_name"))


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary shipped in extractor/data/vocabulary.toml."""
    text = resources.files("extractor").joinpath("data/vocabulary.toml").read_text("utf-8")
    return parse_vocabulary(tomllib.loads(text))
