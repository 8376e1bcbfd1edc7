"""Record field paths as issues and provenance name them: `indicators[3].score`, `funds.total.executed`.

One format, written and read here, so a path built by a check is the path a reviewer's answer parses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_PATH = re.compile(r"[A-Za-z_]\w*(?:\[\d+\]|\.[A-Za-z_]\w*)*")
_PART = re.compile(r"\[(\d+)\]|([A-Za-z_]\w*)")

Part = str | int


@dataclass(frozen=True)
class FieldPath:
    """A path as parts: names of fields and indexes into lists (`("indicators", 3, "score")`)."""

    parts: tuple[Part, ...]

    @classmethod
    def parse(cls, text: str) -> FieldPath:
        if not _PATH.fullmatch(text or ""):
            raise ValueError(f"{text!r} is not a field path")
        return cls(tuple(int(i) if i else name for i, name in _PART.findall(text)))

    def __str__(self) -> str:
        out = ""
        for part in self.parts:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out

    def indicator(self) -> tuple[int, str] | None:
        """(index, field) for a path `indicators[i].field`, else None."""
        match self.parts:
            case ("indicators", int(i), str(field)):
                return i, field
        return None


def field_path(*parts: Part) -> str:
    """The text of a path: field_path("indicators", 3, "score") == "indicators[3].score"."""
    return str(FieldPath(parts))


def leaves(node: Any, prefix: tuple[Part, ...] = ()) -> dict[str, Any]:
    """Every value in nested dicts and lists (a dumped record) by its path: indicators[2].actual."""
    out: dict[str, Any] = {}
    if isinstance(node, dict):
        for k, v in node.items():
            out.update(leaves(v, (*prefix, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.update(leaves(v, (*prefix, i)))
    else:
        out[str(FieldPath(prefix))] = node
    return out
