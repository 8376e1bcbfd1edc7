"""chunk_to_messages: a chunk as a compact grid the model can cite, and the prompts around it.

The grid keeps what a reader needs to map a layout and nothing else: one line per row,
each non-blank cell as `id text` where the id (r<row>c<col>, Cell.ref) is what the model
cites back, spans as ↓n (rows) and →n (columns), paragraphs inside a cell as a literal \\n.
Lines printed above the table (a title outside it) get ids t0, t1, … so a year found there
can be cited too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from .._chunk import Chunk
from .._grid import Cell
from .._settings import current
from .._values import clean, is_blank

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

BREAK = "\\n"


def prompts_dir() -> Traversable:
    """The prompts shipped in the package (extractor/prompts, a link to the top-level prompts/ folder, so
    an installed wheel carries them), or $JIXIAO_PROMPTS, for trying a prompt without touching them."""
    override = current().prompts
    return override if override is not None else resources.files("extractor") / "prompts"


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str

    @property
    def hash(self) -> str:
        """Stored with every record and in the cache key: a prompt edit means a new answer."""
        return hashlib.sha256(f"{self.system}\0{self.user}".encode()).hexdigest()[:12]

    def messages(self, **fields: str) -> list[dict[str, str]]:
        return [{"role": "system", "content": self.system}, {"role": "user", "content": self.user.format(**fields)}]


@cache
def _load(folder: Traversable, name: str) -> Prompt:
    return Prompt(
        (folder / f"{name}_system.md").read_text("utf-8").strip(),
        (folder / f"{name}_user.md").read_text("utf-8").strip(),
    )


def load_prompt(name: str) -> Prompt:
    """prompts/<name>_system.md and prompts/<name>_user.md (the user file has {placeholders})."""
    return _load(prompts_dir(), name)


def cell_text(paragraphs: list[str]) -> str:
    # As printed (full-width brackets stay), so a copied value is the printed one.
    return BREAK.join(p for p in (p.strip() for p in paragraphs) if p)


def _cell(c: Cell) -> str:
    span = (f"↓{c.rowspan}" if c.rowspan > 1 else "") + (f"→{c.colspan}" if c.colspan > 1 else "")
    return f"{c.ref}{span} {cell_text(c.paragraphs)}"


def chunk_to_grid_text(chunk: Chunk) -> str:
    lines = [f"t{i} {clean(p)}" for i, p in enumerate(chunk.before) if not is_blank(p)]
    by_row: dict[int, list[Cell]] = {}
    for c in chunk.grid.cells:
        if not is_blank(c.text):
            by_row.setdefault(c.row, []).append(c)
    for row in sorted(by_row):
        lines.append(" | ".join(_cell(c) for c in sorted(by_row[row], key=lambda c: c.col)))
    return "\n".join(lines)


def citable(chunk: Chunk) -> dict[str, Cell | str]:
    """Every id the model may cite: grid cells, and title lines above the table (as text)."""
    ids: dict[str, Cell | str] = {c.ref: c for c in chunk.grid.cells if not is_blank(c.text)}
    ids.update({f"t{i}": clean(p) for i, p in enumerate(chunk.before) if not is_blank(p)})
    return ids
