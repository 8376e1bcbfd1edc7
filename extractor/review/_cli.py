"""What `jixiao queue` and `jixiao review` print, in the server's language (JIXIAO_LANG, zh by default).
The command line only parses options (extractor/cli.py); the words and the paging are here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..store import Store
from ..store._worklist import Worklist
from ._actions import Outcome
from ._i18n import code_name, known_codes, message, server_lang, t


@dataclass(frozen=True)
class CliPageSettings:
    size: int = 50  # items per page: 2,400 items are 48 pages, not 4,800 lines at once


CLI_PAGES = CliPageSettings()


def unknown_code(code: str | None) -> str | None:
    """The message for a --code the checks never raise, naming the valid codes; None when it is valid."""
    if not code or code in known_codes():
        return None
    lang = server_lang()
    return t(
        lang,
        "cli.unknown_code",
        code=code,
        codes=", ".join(f"{c} ({code_name(lang, c)})" if lang != "en" else c for c in known_codes()),
    )


def queue_lines(
    store: Store, work: Worklist, page: int, size: int, safe: Callable[[Any], str]
) -> tuple[list[str], list[str]]:
    """One page of the worklist (two lines an item), and the footer: the count and how to see the next page."""
    lang = server_lang()
    total = store.count(work)
    rows = store.queue(work=work, limit=size, offset=(page - 1) * size)
    lines = []
    for row in rows:
        cands = f"  {t(lang, 'cli.candidates')}: {safe(row['candidates'])}" if row["candidates"] else ""
        claim = f"  {t(lang, 'cli.held', who=safe(row['claimed_by']))}" if row["claimed_by"] else ""
        name = row["code"] if lang == "en" else f"{code_name(lang, row['code'])} ({row['code']})"
        lines.append(
            f"#{row['id']:<5} {safe(row['file'])} {t(lang, 'table_n', n=row['tbl'])} "
            f"{safe(row['project'])}  {name}  {safe(row['field'])}{claim}\n"
            f"       {safe(message(lang, row['message']))}{cands}"
        )
    footer = [t(lang, "cli.items", n=total)]
    rest = total - (page - 1) * size - len(rows)
    if rest > 0:
        footer.append(t(lang, "cli.more", n=rest, page=page + 1))
    return lines, footer


def count_line(store: Store, work: Worklist) -> str:
    return t(server_lang(), "cli.count", n=store.count(work))


def outcome_lines(out: Outcome, safe: Callable[[Any], str]) -> Iterator[str]:
    lang = server_lang()
    for kind, rows in (("cli.closed", out.closed), ("cli.opened", out.opened)):
        for r in rows:
            yield f"  {t(lang, kind)} #{r['id']} {r['code']} {safe(r['field'])}"


def item_lines(row, safe: Callable[[Any], str]) -> str:
    lang = server_lang()
    return (
        f"#{row['id']} [{t(lang, 'status.' + row['status'])}] {safe(row['file'])} "
        f"{t(lang, 'table_n', n=row['tbl'])}  {row['code']}  {safe(row['field'])}\n"
        f"  {safe(message(lang, row['message']))}"
        + (f"\n  {t(lang, 'cli.candidates')}: {safe(row['candidates'])}" if row["candidates"] else "")
    )
