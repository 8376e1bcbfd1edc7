"""Learned-label suggestions (0004_label_suggestions.sql): what a model mapped, how often it was used, and where.

Kept apart from the Store class on purpose: the LLM backend writes here and `jixiao vocab` reads, nothing else.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ._db import Database
from ._review import now


@dataclass(frozen=True)
class Suggestion:
    section: str
    label: str
    field: str
    model: str
    count: int  # tables read with it
    examples: list[tuple[str, int, str]]  # (file, table, label as printed)


class LabelSuggestions:
    def __init__(self, conn: Database) -> None:
        self.conn = conn

    def used(self, section: str, label: str, field: str, model: str, file: str, table: int, printed: str) -> None:
        """One table read with the label mapped to `field`; the same table counted once however often it is read."""
        with self.conn:
            self.conn.execute(
                "INSERT INTO label_suggestions (section, label, field, model, created_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (section, label, field, model) DO NOTHING",
                (section, label, field, model, now()),
            )
            sid = self.conn.execute(
                "SELECT id FROM label_suggestions WHERE section = ? AND label = ? AND field = ? AND model = ?",
                (section, label, field, model),
            ).fetchone()[0]
            self.conn.execute(
                "INSERT INTO label_uses (suggestion_id, file, tbl, printed, at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (suggestion_id, file, tbl) DO NOTHING",
                (sid, file, table, printed, now()),
            )

    def all(self, examples: int = 3) -> list[Suggestion]:
        """Every suggestion, most used first, with its first few examples."""
        rows = self.conn.execute(
            "SELECT s.id, s.section, s.label, s.field, s.model, COUNT(u.file) AS n FROM label_suggestions s"
            " LEFT JOIN label_uses u ON u.suggestion_id = s.id GROUP BY s.id, s.section, s.label, s.field, s.model"
            " ORDER BY n DESC, s.section, s.label, s.field"
        ).fetchall()
        out = []
        for r in rows:
            seen = self.conn.execute(
                "SELECT file, tbl, printed FROM label_uses WHERE suggestion_id = ? ORDER BY at, file, tbl LIMIT ?",
                (r["id"], examples),
            ).fetchall()
            out.append(
                Suggestion(
                    r["section"],
                    r["label"],
                    r["field"],
                    r["model"],
                    int(r["n"]),
                    [(e["file"], int(e["tbl"]), e["printed"]) for e in seen],
                )
            )
        return out


def _escaped(text: str) -> str:
    """Document text as a TOML basic string that is also inert on a terminal (no control or bidi characters)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif unicodedata.category(ch).startswith("C"):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def suggestion_lines(suggestions: list[Suggestion]) -> list[str]:
    """Two lines per suggestion: what the model mapped and where it was used, and the TOML line to add by hand."""
    lines = []
    for s in suggestions:
        seen = ", ".join(f"{_escaped(f)[1:-1]} table {t}" for f, t, _ in s.examples)
        lines.append(
            f"[{s.section}] {_escaped(s.label)[1:-1]} -> {s.field}  ({_escaped(s.model)[1:-1]}, "
            f"{s.count} tables: {seen})"
        )
        lines.append(
            f"    add under [{s.section}] in extractor/data/vocabulary.toml: {s.field} = [..., {_escaped(s.label)}]"
        )
    return lines
