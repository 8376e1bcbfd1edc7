"""The `jixiao` command: a thin layer over the extractor package."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from extractor import FileOutcome, Store, TemplateExtractor, export, run


def _registry(path: Path | None) -> list[str] | None:
    if path is None:
        return None
    text = path.read_text("utf-8")
    if path.suffix == ".json":
        return list(json.loads(text))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _report(outcome: FileOutcome) -> None:
    if outcome.status == "failed":
        click.echo(f"FAILED  {outcome.name}: {outcome.reason}", err=True)
        return
    verb = "skipped (already done)" if outcome.status == "skipped" else (
        f"{outcome.tables} tables, {outcome.queued} issues queued for review")
    click.echo(f"ok      {outcome.name}: {verb}", err=True)
    for w in outcome.warnings:
        click.echo(f"        {outcome.name}: {w}", err=True)


def _ingest(paths, registry):
    store = Store()
    files = [Path(p) for p in paths]
    summary = run(files, store, TemplateExtractor(), _registry(registry), on_file=_report)
    done = len(summary.outcomes) - len(summary.failed)
    click.echo(f"{len(summary.outcomes)} files: {done} read, {len(summary.failed)} failed", err=True)
    return store, summary


@click.group()
def main() -> None:
    """Read performance self-evaluation tables into checked, structured records."""


_paths = click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
_registry_opt = click.option("--registry", type=click.Path(exists=True, path_type=Path),
                             help="Official names, one per line (or a JSON list), for name checks.")


@main.command()
@_paths
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Export file.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "xlsx"]), default="jsonl")
@_registry_opt
def extract(paths, output, fmt, registry) -> None:
    """Read FILES/DIRS, check every record, queue doubtful cells, and write the export."""
    store, summary = _ingest(paths, registry)
    items = [(rec, reviewed) for _, rec, reviewed in store.records(summary.file_ids)]
    export(items, output, fmt)
    errors = sum(1 for rec, _ in items for i in rec.issues if i.severity == "error")
    click.echo(f"wrote {len(items)} records to {output} ({errors} issues for review: `jixiao queue`)", err=True)
    if summary.outcomes and len(summary.failed) == len(summary.outcomes):
        sys.exit(1)


@main.command()
@_paths
@_registry_opt
def ingest(paths, registry) -> None:
    """Read FILES/DIRS into the store without exporting."""
    _, summary = _ingest(paths, registry)
    if summary.outcomes and len(summary.failed) == len(summary.outcomes):
        sys.exit(1)


@main.command()
@click.option("--code", help="Only issues with this code.")
@click.option("--file", "file_name", help="Only issues of this file name.")
def queue(code, file_name) -> None:
    """List the open review items."""
    rows = Store().queue(code, file_name)
    for row in rows:
        cands = f"  candidates: {row['candidates']}" if row["candidates"] else ""
        click.echo(f"#{row['id']:<5} {row['file']} table {row['tbl']}  {row['code']}  {row['field']}\n"
                   f"       {row['message']}{cands}")
    click.echo(f"{len(rows)} open items", err=True)


@main.command("export")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "xlsx"]), default="jsonl")
def export_cmd(output, fmt) -> None:
    """Write every stored record."""
    items = [(rec, reviewed) for _, rec, reviewed in Store().records()]
    export(items, output, fmt)
    click.echo(f"wrote {len(items)} records to {output}", err=True)


if __name__ == "__main__":
    main()
