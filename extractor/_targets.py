"""Where an export goes, checked before any work and reported in one line: a file (format from its name), a
database (--to) or a regression folder (--as-gold). What the command line needs, kept out of cli.py."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ._export import ExportCounts, ExportError, export, format_for
from ._record import Record
from .store import Store


class TargetRefused(ExportError):
    """A target named wrongly (an unknown format or URL, a missing folder): a usage error, nothing was done."""


def checked_format(output: Path, fmt: str | None) -> str:
    try:
        fmt = format_for(output, fmt)
    except ExportError as exc:
        raise TargetRefused(str(exc)) from None
    if not output.parent.is_dir():
        raise TargetRefused(f"cannot write {output}: the folder {output.parent} does not exist")
    return fmt


def to_file(
    items: Iterable[tuple[Record, bool]], output: Path, fmt: str, audit: list[dict[str, Any]] | None = None
) -> ExportCounts:
    try:
        return export(items, output, fmt, audit=audit)
    except OSError as exc:
        raise ExportError(f"cannot write {output}: {exc.strerror or exc}") from None


def to_database(store: Store, url: str, only_reviewed: bool) -> str:
    from ._export_db import export_db

    where = url.split("@")[-1] if "@" in url else url  # never print a password
    try:
        counts = export_db(((rec, rv) for _, rec, rv in store.records(only_reviewed=only_reviewed)), url, store.audit())
    except ValueError as exc:
        raise TargetRefused(str(exc)) from None
    except Exception as exc:  # the driver's own errors (refused connection, bad password): one line
        raise ExportError(f"cannot export to {where}: {type(exc).__name__}: {str(exc).replace(url, where)}") from None
    return (
        f"exported to {where}: {counts.records} records, {counts.fund_rows} fund rows, {counts.indicators} "
        f"indicators, {counts.issues} issues, {counts.audit} review actions"
    )


def to_gold(store: Store, gold_dir: Path) -> list[str]:
    from ._gold import GOLD_NAME, write_gold

    try:
        counts = write_gold(store, gold_dir)
    except OSError as exc:
        raise ExportError(f"cannot write {gold_dir}: {exc.strerror or exc}") from None
    return [f"  {p}" for p in counts.problems] + [
        f"wrote {counts.records} reviewed records ({counts.expected_issues} expected issues) to "
        f"{gold_dir / GOLD_NAME} and {counts.files} source files beside it"
    ]
