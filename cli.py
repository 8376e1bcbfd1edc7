"""The `jixiao` command: a thin layer over the extractor package."""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

import click

from extractor import FileOutcome, Limits, RunSummary, Store, TemplateExtractor, export, iter_files, run
from extractor._export import audit_path


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


def _extractor(store, backend="template", model=None, max_cost=None, semantic=False, concurrency=4, price=None):
    if backend == "template" and not semantic:
        return TemplateExtractor()
    from extractor.llm import ConfigError, LLMConfig, LLMExtractor

    try:
        config = LLMConfig.from_env(model, price, max_cost=max_cost, concurrency=concurrency)
        return LLMExtractor(config, backend, semantic, store)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _ingest(paths, registry, workers=1, engine="local", address=None, timeout=300.0, max_memory=4096,
            password=None, pages_as_document=False, **llm):
    from tqdm import tqdm

    if password:
        os.environ["JIXIAO_PDF_PASSWORD"] = password  # the readers, and the workers they run in, look here

    store = Store()
    extractor = _extractor(store, **llm)
    if extractor.name != "template":
        # Model calls wait on the network: they run as threads (--concurrency) in this process, where the
        # cache, the budget and the cost totals live.
        workers, engine = 0, "local"
    files = list(iter_files((Path(p) for p in paths), pages_as_document))
    # The bar shows only on a terminal; per-file lines go above it, or alone in a log.
    with tqdm(total=len(files), unit="file", file=sys.stderr, disable=None, dynamic_ncols=True) as bar:
        def report(outcome: FileOutcome) -> None:
            tqdm.write(_line(outcome), file=sys.stderr)
            bar.update(1)

        summary = run(files, store, extractor, _registry(registry), on_file=report, workers=workers,
                      limits=Limits(timeout, max_memory), engine=engine, address=address,
                      pages_as_document=pages_as_document)
    _summary(summary)
    if hasattr(extractor, "summary"):
        click.echo(extractor.summary(), err=True)
        extractor.close()
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
        click.option("--password", help="Password for encrypted PDFs (or set JIXIAO_PDF_PASSWORD)."),
        click.option("--pages-as-document", is_flag=True,
                     help="A folder of page images (photos, scans) is one document, pages in file-name order."),
        click.option("--extractor", "backend", type=click.Choice(["template", "llm", "auto"]), default="template",
                     show_default=True, help="auto: the template reader, and the model only where it cannot map "
                     "a table. The model is any OpenAI-compatible server: OPENAI_API_KEY, OPENAI_BASE_URL."),
        click.option("--model", help="Model name (default $JIXIAO_LLM_MODEL)."),
        click.option("--max-cost", type=float, help="Stop before the model calls of this run cost more (USD)."),
        click.option("--price", help="USD per 1M input,output tokens, e.g. 0.15,0.60 (default: prices.json)."),
        click.option("--semantic", is_flag=True, help="Ask the model whether goals and indicators match."),
        click.option("--concurrency", type=click.IntRange(1), default=4, show_default=True,
                     help="Model calls at once."),
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
    counts = export(((rec, reviewed) for _, rec, reviewed in store.records(summary.file_ids)), output, fmt)
    click.echo(f"wrote {counts.records} records to {output} ({counts.errors} issues for review: `jixiao queue`)",
               err=True)
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
@click.option("--project", help="Only issues of projects whose name contains this.")
def queue(code, file_name, project) -> None:
    """List the open review items."""
    rows = Store().queue(code, file_name, project)
    for row in rows:
        cands = f"  candidates: {row['candidates']}" if row["candidates"] else ""
        claim = f"  (being reviewed by {row['claimed_by']})" if row["claimed_by"] else ""
        click.echo(f"#{row['id']:<5} {row['file']} table {row['tbl']} {row['project']}  {row['code']}  "
                   f"{row['field']}{claim}\n       {row['message']}{cands}")
    click.echo(f"{len(rows)} open items", err=True)


@main.command()
@click.argument("item", type=int, required=False)
@click.option("--set", "value", help="Set the item's field to VALUE ('' for blank).")
@click.option("--accept", type=int, help="Accept candidate N (1-based).")
@click.option("--confirm", is_flag=True, help="Keep the value as printed: the table really says so.")
@click.option("--skip", "skip_it", is_flag=True, help="Leave the item for later.")
@click.option("--undo", "undo_it", is_flag=True, help="Undo your last answer.")
@click.option("--field", help="The single field to set when the item is about a group (funds.current_appropriation).")
@click.option("--who", default=lambda: f"cli:{getpass.getuser()}", show_default="cli:$USER",
              help="Name in the audit trail.")
def review(item, value, accept, confirm, skip_it, undo_it, field, who) -> None:
    """Answer a review item without a browser; with only ITEM, show it."""
    from extractor.review import answer, skip, undo

    store = Store()
    if undo_it:
        out = undo(store, who)
    elif item is None:
        raise click.UsageError("name an ITEM (see `jixiao queue`), or pass --undo")
    elif skip_it:
        out = skip(store, item, who)
    elif value is not None or accept is not None or confirm:
        out = answer(store, item, who, value=value, candidate=accept, field=field)
    else:
        row = store.item(item)
        if row is None:
            raise click.ClickException(f"no item #{item}")
        click.echo(f"#{item} [{row['status']}] {row['file']} table {row['tbl']}  {row['code']}  {row['field']}\n"
                   f"  {row['message']}" + (f"\n  candidates: {row['candidates']}" if row["candidates"] else ""))
        return
    for kind, rows in (("closed", out.closed), ("opened", out.opened)):
        for r in rows:
            click.echo(f"  {kind} #{r['id']} {r['code']} {r['field']}")
    if not out.ok:
        raise click.ClickException(out.message)
    click.echo(out.message)


@main.group()
def users() -> None:
    """Reviewer accounts for `jixiao serve`."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["reviewer", "admin"]), default="reviewer", show_default=True)
@click.password_option()
def users_add(name, role, password) -> None:
    """Create an account."""
    from extractor.review import hash_password

    store = Store()
    if store.user(name) is not None:
        raise click.ClickException(f"{name} exists: use `jixiao users set`")
    store.add_user(name, hash_password(password), role)
    click.echo(f"account {name} created ({role})")


@users.command("set")
@click.argument("name")
@click.option("--role", type=click.Choice(["reviewer", "admin"]))
@click.option("--password", is_flag=True, help="Ask for a new password.")
def users_set(name, role, password) -> None:
    """Change an account's role or password."""
    from extractor.review import hash_password

    new = hash_password(click.prompt("Password", hide_input=True, confirmation_prompt=True)) if password else None
    if not Store().update_user(name, new, role):
        raise click.ClickException(f"no account {name}")
    click.echo(f"account {name} updated")


@users.command("list")
def users_list() -> None:
    for u in Store().users():
        click.echo(f"{u['name']:<20} {u['role']:<9} since {u['created_at']}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep it local).")
@click.option("--port", default=8000, show_default=True)
def serve(host, port) -> None:
    """Start the review web app."""
    import uvicorn

    from extractor.review.app import create_app

    if not Store().users():
        click.echo("no accounts yet: create one with `jixiao users add NAME --role admin`", err=True)
    uvicorn.run(create_app(), host=host, port=port)


@main.command("export")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "xlsx"]), default="jsonl")
@click.option("--only-reviewed", is_flag=True, help="Only records a person has reviewed (no open error left).")
def export_cmd(output, fmt, only_reviewed) -> None:
    """Write every stored record (with corrections) and the audit trail of review actions."""
    store = Store()
    items = ((rec, reviewed) for _, rec, reviewed in store.records(only_reviewed=only_reviewed))
    counts = export(items, output, fmt, audit=store.actions())
    trail = "the sheet audit" if fmt == "xlsx" else audit_path(output).name
    click.echo(f"wrote {counts.records} records to {output} ({counts.reviewed} reviewed); "
               f"review actions in {trail}", err=True)


if __name__ == "__main__":
    main()
