"""The `jixiao` command: a thin layer over the extractor package."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from extractor import FileOutcome, Limits, RunSummary, Store, TemplateExtractor, export, iter_files, run


def _registry(path: Path | None) -> list[str] | None:
    if path is None:
        return None
    text = path.read_text("utf-8")
    if path.suffix == ".json":
        return list(json.loads(text))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _line(outcome: FileOutcome) -> str:
    if outcome.status == "failed":
        return f"FAILED  {outcome.name}: {outcome.reason}"
    verb = "skipped (already done)" if outcome.status == "skipped" else (
        f"{outcome.tables} tables, {outcome.queued} issues queued for review")
    return "\n".join([f"ok      {outcome.name}: {verb}"] + [f"        {outcome.name}: {w}" for w in outcome.warnings])


def _summary(summary: RunSummary) -> None:
    done = len(summary.outcomes) - len(summary.failed)
    rate = summary.tables / summary.seconds if summary.seconds else 0
    click.echo(f"{len(summary.outcomes)} files: {done} read, {len(summary.failed)} failed; "
               f"{summary.tables} tables in {summary.seconds:.1f} s ({rate:.0f} tables/s)", err=True)
    if summary.issues:
        click.echo("issues: " + ", ".join(f"{code} {n}" for code, n in summary.issues.most_common()), err=True)
    for o in summary.failed:
        click.echo(f"  failed: {o.name}: {o.reason}", err=True)


def _ingest(paths, registry, workers=1, engine="local", address=None, timeout=300.0, max_memory=4096):
    from tqdm import tqdm

    store = Store()
    files = list(iter_files(Path(p) for p in paths))
    # The bar shows only on a terminal; per-file lines go above it, or alone in a log.
    with tqdm(total=len(files), unit="file", file=sys.stderr, disable=None, dynamic_ncols=True) as bar:
        def report(outcome: FileOutcome) -> None:
            tqdm.write(_line(outcome), file=sys.stderr)
            bar.update(1)

        summary = run(files, store, TemplateExtractor(), _registry(registry), on_file=report, workers=workers,
                      limits=Limits(timeout, max_memory), engine=engine, address=address)
    _summary(summary)
    return store, summary


@click.group()
def main() -> None:
    """Read performance self-evaluation tables into checked, structured records."""


_paths = click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
_registry_opt = click.option("--registry", type=click.Path(exists=True, path_type=Path),
                             help="Official names, one per line (or a JSON list), for name checks.")


def _batch_options(f):
    for option in reversed([
        click.option("--workers", type=click.IntRange(1), default=1, show_default=True,
                     help="Worker processes reading files in parallel."),
        click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True),
        click.option("--address", help="Ray cluster address (with --engine ray); default: start a local Ray."),
        click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds allowed per file."),
        click.option("--max-memory", type=int, default=4096, show_default=True, help="MiB allowed per file."),
    ]):
        f = option(f)
    return f


@main.command()
@_paths
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Export file.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "xlsx"]), default="jsonl")
@_registry_opt
@_batch_options
def extract(paths, output, fmt, registry, **batch) -> None:
    """Read FILES/DIRS, check every record, queue doubtful cells, and write the export."""
    store, summary = _ingest(paths, registry, **batch)
    items = [(rec, reviewed) for _, rec, reviewed in store.records(summary.file_ids)]
    export(items, output, fmt)
    errors = sum(1 for rec, _ in items for i in rec.issues if i.severity == "error")
    click.echo(f"wrote {len(items)} records to {output} ({errors} issues for review: `jixiao queue`)", err=True)
    if summary.outcomes and len(summary.failed) == len(summary.outcomes):
        sys.exit(1)


@main.command()
@_paths
@_registry_opt
@_batch_options
def ingest(paths, registry, **batch) -> None:
    """Read FILES/DIRS into the store without exporting."""
    _, summary = _ingest(paths, registry, **batch)
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
