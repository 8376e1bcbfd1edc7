"""Corrections the table itself settles, each recorded as an issue with the printed value.

- an ambiguous cell: the one candidate that makes the printed totals add up;
- a level 1 carried by a merged cell onto a level 2 of another level 1: the framework's parent;
- a name that differs by a character or two from the rest of the batch (or a registry).
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter

from ._checks import totals_add_up
from ._record import Issue, Record
from ._taxonomy import canonical_level1, parent_of
from ._values import fmt

MAX_COMBINATIONS = 256
NAME_SIMILARITY = 0.85
_PATH = re.compile(r"indicators\[(\d+)\]\.(weight|score)$")


def _resolve_ambiguous(record: Record) -> None:
    open_cells = [(i, _PATH.match(i.field)) for i in record.issues
                  if i.code == "ambiguous_cell" and not i.resolved and _PATH.match(i.field)]
    if not open_cells:
        return
    choices = [issue.candidates or [] for issue, _ in open_cells]
    if 0 in (len(c) for c in choices):
        return
    fitting = []
    for combo in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS):
        for (_, m), value in zip(open_cells, combo):
            setattr(record.indicators[int(m.group(1))], m.group(2), value)
        if all(totals_add_up(record, col) is not False for col in ("weight", "score")):
            fitting.append(combo)
    for k, (issue, m) in enumerate(open_cells):
        ind = record.indicators[int(m.group(1))]
        values = {combo[k] for combo in fitting}
        shown = " / ".join(fmt(c) for c in issue.candidates)
        issue.original = shown
        if len(values) == 1:
            value = values.pop()
            setattr(ind, m.group(2), value)
            issue.resolved = True
            total = fmt(getattr(record, f"total_{m.group(2)}"))
            issue.message = f"cell holds {len(issue.candidates)} values: {shown}; {fmt(value)} makes the " \
                            f"{m.group(2)}s add up to the printed total {total}"
        else:
            setattr(ind, m.group(2), None)
            why = "none" if not values else "more than one"
            issue.message = f"cell holds {len(issue.candidates)} values: {shown}; {why} of them makes the totals add up"


def _resolve_taxonomy(record: Record) -> list[Issue]:
    out = []
    for i, ind in enumerate(record.indicators):
        canonical = canonical_level1(ind.level1)
        parent = parent_of(ind.level2)
        target = parent or canonical
        if target and ind.level1 != target and re.sub(r"\s", "", ind.level1 or "") != target:
            why = (f"{ind.level2} belongs under {parent}" if parent and parent != canonical
                   else f"label printed as {ind.level1!r}")
            out.append(Issue(code="taxonomy_mismatch", field=f"indicators[{i}].level1", severity="warning",
                             message=f"{why}; level 1 set to {target}", original=ind.level1, resolved=True))
            ind.level1 = target
    return out


def _closest(value: str, names: list[str]) -> str | None:
    best = max(names, key=lambda n: difflib.SequenceMatcher(None, value, n).ratio(), default=None)
    if best and difflib.SequenceMatcher(None, value, best).ratio() >= NAME_SIMILARITY:
        return best
    return None


def _resolve_names(records: list[Record], registry: list[str]) -> None:
    for field in ("department", "implementing_unit"):
        counts = Counter(getattr(r, field) for r in records if getattr(r, field))
        for record in records:
            value = getattr(record, field)
            if not value or (registry and value in registry):
                continue
            if registry:
                better = _closest(value, registry)
                source = "the registry"
            else:
                peers = [n for n, c in counts.items() if n != value and c > counts[value]]
                better = _closest(value, peers)
                source = f"{counts[better]} other tables of the batch" if better else ""
            if better:
                record.issues.append(Issue(
                    code="name_mismatch", field=field, severity="warning", original=value, resolved=True,
                    message=f"{field} printed as {value!r}; {source} spell it {better!r}, which is used"))
                setattr(record, field, better)
            elif registry:
                record.issues.append(Issue(code="name_mismatch", field=field, severity="error",
                                           message=f"{field} {value!r} is not in the registry of official names"))


def resolve(records: list[Record], registry: list[str] | None = None) -> None:
    """Apply what the tables settle, across one batch (the tables of one file)."""
    for record in records:
        _resolve_ambiguous(record)
        record.issues.extend(_resolve_taxonomy(record))
    _resolve_names(records, registry or [])
