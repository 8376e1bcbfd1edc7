"""Page geometry for the text-PDF reader: rules into tables and cells, characters into lines and paragraphs.

Positions are PDF points measured from the top-left corner of the page. Nothing here
touches a PDF file, so the rules of thumb can be tested on hand-made shapes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._grid import Box, Cell


@dataclass(frozen=True)
class LayoutSettings:
    """The rules of thumb of the page geometry, in one place (like pdfplumber's TableSettings): lengths in
    PDF points, or in font sizes where the text's own size is the measure."""

    snap: float = 2.0
    """Points: rules this close are one rule, and a rule's end this close to another rule touches it."""
    paragraph_break: float = 1.5
    """Line pitches: a gap between two lines of a cell wider than this many normal pitches is a paragraph
    break (a blank paragraph leaves about two); narrower is a wrap."""
    same_line: float = 0.5
    """Font sizes: characters whose baselines differ by no more than this are on one line."""
    word_gap: float = 1.0
    """Font sizes: a gap wider than this between two characters is a space (Chinese is justified, not spaced)."""
    latin_word_gap: float = 0.25
    """Font sizes: the same between two Latin characters, whose words are spaced closer."""
    line_end_slack: float = 1.0
    """Points: a line that stops short of the right edge by more than the next line's first word, plus
    this, ends a paragraph."""


LAYOUT = LayoutSettings()
_NO_LINE_START = set("，。、；：？！）》」』】”’,.;:?!)]}%％…")
_NO_LINE_END = set("“‘（《「『【([{")
_QUOTES = set("“”‘’\"'")  # no line break on either side of a quote mark


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    x1: float
    base: float  # baseline
    size: float


@dataclass(slots=True)
class Rule:
    pos: float  # y of a horizontal rule, x of a vertical one
    a: float
    b: float


@dataclass
class Table:
    """One ruled table on one page: a part of a project table when it runs over a page break."""

    page: int
    hs: list[Rule]
    vs: list[Rule]
    xs: list[float] = field(default_factory=list)  # column boundaries, shared by the parts of one table

    @property
    def x0(self) -> float:
        return self.vs[0].pos

    @property
    def x1(self) -> float:
        return self.vs[-1].pos

    @property
    def top(self) -> float:
        return self.hs[0].pos

    @property
    def bottom(self) -> float:
        return self.hs[-1].pos


def _clusters(items: list, key: Callable[[Any], float], snap: float) -> list[list]:
    """Items whose key is within `snap` of the previous one's, grouped; groups in key order."""
    groups: list[list] = []
    for item in sorted(items, key=key):
        if groups and key(item) - key(groups[-1][-1]) <= snap:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def snap(values: list[float], settings: LayoutSettings = LAYOUT) -> list[float]:
    """Positions within `settings.snap` of each other as one (their mean), sorted."""
    return [sum(g) / len(g) for g in _clusters(values, float, settings.snap)]


def _merge(rules: list[Rule], tol: float) -> list[Rule]:
    """Collinear pieces (a border drawn cell by cell) joined into one rule, sorted by position."""
    out: list[Rule] = []
    for group in _clusters(rules, lambda r: r.pos, tol):
        pos = sum(r.pos for r in group) / len(group)
        start = len(out)
        for r in sorted(group, key=lambda r: r.a):
            if len(out) > start and r.a <= out[-1].b + tol:
                out[-1].b = max(out[-1].b, r.b)
            else:
                out.append(Rule(pos, r.a, r.b))
    return out


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def find_tables(page: int, hs: list[Rule], vs: list[Rule], settings: LayoutSettings = LAYOUT) -> list[Table]:
    """Rules that cross or touch form a table; a lone underline does not. Top to bottom."""
    tol = settings.snap
    hs, vs = _merge(hs, tol), _merge(vs, tol)
    parent = list(range(len(hs) + len(vs)))
    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if v.a - tol <= h.pos <= v.b + tol and h.a - tol <= v.pos <= h.b + tol:
                parent[_root(parent, i)] = _root(parent, len(hs) + j)
    groups: dict[int, Table] = {}
    for k, r in enumerate(hs + vs):
        t = groups.setdefault(_root(parent, k), Table(page, [], []))
        (t.hs if k < len(hs) else t.vs).append(r)
    tables = [t for t in groups.values() if len(t.hs) >= 2 and len(t.vs) >= 2]
    for t in tables:
        t.vs.sort(key=lambda r: r.pos)
        t.xs = snap([v.pos for v in t.vs], settings)
    return sorted(tables, key=lambda t: (t.top, t.x0))


def share_columns(pages: list[list[Table]], settings: LayoutSettings = LAYOUT) -> None:
    """The parts of a table split by page breaks get one set of column boundaries, so column k is
    the same x range on every page and a header's 分值/得分 columns fit the rows that follow."""
    chain: list[Table] = []
    last: Table | None = None  # the last table of the page before
    for tables in pages:
        for k, t in enumerate(tables):
            if not (k == 0 and last and abs(last.x0 - t.x0) <= settings.snap and abs(last.x1 - t.x1) <= settings.snap):
                chain = []
            chain.append(t)
            xs = snap([v.pos for part in chain for v in part.vs], settings)
            for part in chain:
                part.xs = xs
        last = tables[-1] if tables else None


def _by_boundary(rules: list[Rule], bounds: list[float]) -> dict[int, list[Rule]]:
    out: dict[int, list[Rule]] = {}
    for r in rules:
        k = min(range(len(bounds)), key=lambda i: abs(bounds[i] - r.pos))
        out.setdefault(k, []).append(r)
    return out


def _open(rules: list[Rule] | None, at: float) -> bool:
    return not any(r.a <= at <= r.b for r in rules or ())


def table_cells(t: Table, ys: list[float], settings: LayoutSettings = LAYOUT) -> list[Cell]:
    """Grid positions joined wherever no rule separates them: each group is one cell with its spans."""
    xs = t.xs
    nr, nc = len(ys) - 1, len(xs) - 1
    v_at, h_at = _by_boundary(t.vs, xs), _by_boundary(t.hs, ys)
    inside = [t.x0 - settings.snap < (xs[j] + xs[j + 1]) / 2 < t.x1 + settings.snap for j in range(nc)]
    parent = list(range(nr * nc))
    for i in range(nr):
        ym = (ys[i] + ys[i + 1]) / 2
        for j in range(nc):
            xm = (xs[j] + xs[j + 1]) / 2
            if inside[j] and j + 1 < nc and inside[j + 1] and _open(v_at.get(j + 1), ym):
                parent[_root(parent, i * nc + j)] = _root(parent, i * nc + j + 1)
            if inside[j] and i + 1 < nr and _open(h_at.get(i + 1), xm):
                parent[_root(parent, i * nc + j)] = _root(parent, (i + 1) * nc + j)
    spans: dict[int, list[int]] = {}
    for i in range(nr):
        for j in range(nc):
            if inside[j]:
                s = spans.setdefault(_root(parent, i * nc + j), [i, j, i, j])
                s[2], s[3] = max(s[2], i), max(s[3], j)
    cells = []
    for r0, c0, r1, c1 in sorted(spans.values()):
        box = Box(t.page, round(xs[c0], 2), round(ys[r0], 2), round(xs[c1 + 1], 2), round(ys[r1 + 1], 2))
        cells.append(Cell(r0, c0, [], r1 - r0 + 1, c1 - c0 + 1, 0, r0, c0, box))
    return cells


def lines(chars: list[Char], settings: LayoutSettings = LAYOUT) -> list[list[Char]]:
    """Characters grouped by baseline, top to bottom, each line left to right."""
    out: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: (c.base, c.x0)):
        if out and ch.base - out[-1][0].base <= settings.same_line * ch.size:
            out[-1].append(ch)
        else:
            out.append([ch])
    return [sorted(line, key=lambda c: c.x0) for line in out]


def _cjk(ch: str) -> bool:
    return ord(ch[0]) >= 0x2E80


def line_text(line: list[Char], settings: LayoutSettings = LAYOUT) -> str:
    out = [line[0].text]
    for p, c in zip(line, line[1:]):
        gap = c.x0 - p.x1
        # Chinese has no spaces: a gap next to a CJK character is justification unless it is wide.
        latin = not (_cjk(p.text) or _cjk(c.text))
        if " " not in (p.text, c.text) and (
            gap > settings.word_gap * c.size or (gap > settings.latin_word_gap * c.size and latin)
        ):
            out.append(" ")
        out.append(c.text)
    return "".join(out)


def pitch(above: list[Char], below: list[Char]) -> float:
    """Baseline distance between two lines, in font sizes."""
    return (below[0].base - above[0].base) / max(c.size for c in above + below)


def _head_width(line: list[Char]) -> float:
    """What must fit at the end of the line above for this line to be a wrap: the text up to the
    first place a line may break (not inside a Latin word or number, not next to a quote mark,
    not before a closing or after an opening punctuation mark)."""
    end = 1
    while end < len(line):
        # Full-width digits and letters (２７５３.２２) are one number too, though a typesetter may break them.
        p, c = unicodedata.normalize("NFKC", line[end - 1].text), unicodedata.normalize("NFKC", line[end].text)
        latin = p.isascii() and c.isascii() and " " not in (p, c)
        if not (latin or p in _NO_LINE_END or c in _NO_LINE_START or p in _QUOTES or c in _QUOTES):
            break
        end += 1
    return line[end - 1].x1 - line[0].x0


def ends_short(line: list[Char], below: list[Char], right: float, settings: LayoutSettings = LAYOUT) -> bool:
    """The line stops though the start of the next would have fitted: a paragraph ends there."""
    last = next((c for c in reversed(line) if c.text != " "), line[-1])
    return last.x1 + _head_width(below) < right - settings.line_end_slack


def join_wrap(a: str, b: str) -> str:
    """A wrap joins with nothing ("95435." + "80", Chinese), except between two Latin words."""
    glue = " " if a[-1:].isascii() and a[-1:].isalpha() and b[:1].isascii() and b[:1].isalpha() else ""
    return a + glue + b


def paragraphs(cell_lines: list[list[Char]], unit: float, right: float, settings: LayoutSettings = LAYOUT) -> list[str]:
    """A cell's lines as its paragraphs; `unit` is the normal line pitch, `right` the right edge of the text."""
    out: list[str] = []
    for k, line in enumerate(cell_lines):
        above = cell_lines[k - 1]
        wraps = k > 0 and (
            pitch(above, line) <= settings.paragraph_break * unit and not ends_short(above, line, right, settings)
        )
        if wraps:
            out[-1] = join_wrap(out[-1], line_text(line, settings))
        else:
            out.append(line_text(line, settings))
    return out
