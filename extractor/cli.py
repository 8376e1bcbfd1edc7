"""The `jixiao` command: a thin layer over the extractor package."""

from __future__ import annotations

import getpass
import json
import re
import signal
import sys
import threading
from pathlib import Path

import click

from extractor import FileOutcome, Limits, RunSummary, Store, TemplateExtractor, batch_root, iter_files, run
from extractor._export import ExportError, audit_path
from extractor._settings import Settings, current, use
from extractor._targets import TargetRefused, checked_format, to_database, to_file, to_gold


def _registry(path: Path | None) -> list[str] | None:
    if path is None:
        return None
    text = path.read_text("utf-8")
    if path.suffix == ".json":
        return list(json.loads(text))
    return [line.strip() for line in text.splitlines() if line.strip()]


# Control characters of file names and cell text (ESC, BEL, CR, LF …) and the bidi overrides would act on
# the terminal (clear it, move the cursor, fake a line): they are printed as escapes.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe(value: object) -> str:
    """Text from documents and file systems as it may reach a terminal."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value))


def _line(outcome: FileOutcome) -> str:
    name = safe(outcome.name)
    if outcome.status == "failed":
        return f"FAILED  {name}: {safe(outcome.reason)}"
    if outcome.status == "duplicate":
        return f"dup     {name}: {safe(outcome.reason)}"
    verb = (
        "skipped (already done)"
        if outcome.status == "skipped"
        else (f"{outcome.tables} tables, {outcome.queued} issues queued for review")
    )
    return "\n".join([f"ok      {name}: {verb}"] + [f"        {name}: {safe(w)}" for w in outcome.warnings])


def _summary(summary: RunSummary) -> None:
    done = len(summary.outcomes) - len(summary.failed)
    rate = summary.tables / summary.seconds if summary.seconds else 0
    click.echo(
        f"{len(summary.outcomes)} files: {done} read, {len(summary.failed)} failed; "
        f"{summary.tables} tables in {summary.seconds:.1f} s ({rate:.0f} tables/s)",
        err=True,
    )
    dups = sum(o.status == "duplicate" for o in summary.outcomes)
    if dups or summary.linked:
        click.echo(
            f"duplicates: {dups} files with the content of another (stored once); {summary.linked} records "
            "are the same table as a record of another file (duplicate_record)",
            err=True,
        )
    if summary.issues:
        click.echo("issues: " + ", ".join(f"{code} {n}" for code, n in summary.issues.most_common()), err=True)
    for o in summary.failed:
        click.echo(f"  failed: {safe(o.name)}: {safe(o.reason)}", err=True)


def _extractor(store, settings, backend="template", max_cost=None, semantic=False, concurrency=4):
    if backend == "template" and not semantic:
        return TemplateExtractor()
    from extractor.llm import ConfigError, LLMConfig, LLMExtractor

    try:
        config = LLMConfig.from_settings(settings, max_cost=max_cost, concurrency=concurrency)
        return LLMExtractor(config, backend, semantic, store)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _model_unavailable() -> type[Exception]:
    from extractor.llm import ModelUnavailable

    return ModelUnavailable


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt  # a SIGTERM stops the batch as Ctrl-C does: workers stopped, stored files kept


def _ingest(
    paths,
    registry,
    workers=1,
    engine="local",
    address=None,
    timeout=300.0,
    max_memory=4096,
    max_pages=1000,
    follow_links=False,
    password=None,
    root=None,
    convert=False,
    model=None,
    price=None,
    pages_as_document=False,
    **llm,
):
    from tqdm import tqdm

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
    settings = _use(current().with_options(pdf_password=password, convert=convert, llm_model=model, llm_price=price))
    if settings.convert:
        from extractor.readers._convert import soffice

        if soffice() is None:
            raise click.UsageError("--convert needs LibreOffice: soffice is not on PATH")

    store = Store()
    extractor = _extractor(store, settings, **llm)
    if extractor.name != "template":
        # Model calls wait on the network: they run as threads (--concurrency) in this process, where the
        # cache, the budget and the cost totals live.
        workers, engine = 0, "local"
    root = root or batch_root(Path(p) for p in paths)
    files = list(iter_files((Path(p) for p in paths), follow_links, pages_as_document))
    # The bar shows only on a terminal; per-file lines go above it, or alone in a log.
    with tqdm(total=len(files), unit="file", file=sys.stderr, disable=None, dynamic_ncols=True) as bar:

        def report(outcome: FileOutcome) -> None:
            tqdm.write(_line(outcome), file=sys.stderr)
            bar.update(1)

        try:
            summary = run(
                files,
                store,
                extractor,
                _registry(registry),
                on_file=report,
                workers=workers,
                limits=Limits(timeout, max_memory, pages=max_pages, settings=settings),
                engine=engine,
                address=address,
                root=root,
                pages_as_document=pages_as_document,
            )
        except _model_unavailable() as exc:
            raise click.ClickException(
                f"stopped: {safe(exc)}. Files read before are stored; the next run reads the rest."
            ) from None
    _summary(summary)
    if line := extractor.summary():
        click.echo(safe(line), err=True)
    extractor.close()
    return store, summary


@click.group()
@click.option(
    "--verbose", is_flag=True, help="Print the tracebacks behind errors too (always kept in $JIXIAO_HOME/jixiao.log)."
)
def main(verbose: bool) -> None:
    """Read performance self-evaluation tables into checked, structured records."""
    from extractor._log import log_to
    from extractor.store import data_dir

    try:
        _use(Settings.from_env())  # read once, for this command
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    log_to(data_dir(), verbose)


def _use(settings: Settings) -> Settings:
    """Install the settings until the command ends (an in-process caller, like a test, runs several)."""
    click.get_current_context().find_root().with_resource(use(settings))
    return settings


@main.command("config")
@click.option("--password", help="As `extract --password`.")
@click.option("--convert", is_flag=True, help="As `extract --convert`.")
@click.option("--model", help="As `extract --model`.")
@click.option("--price", help="As `extract --price`.")
def config(password, convert, model, price) -> None:
    """Print every setting, its value (secrets masked) and where it came from (default, env or option)."""
    settings = current().with_options(pdf_password=password, convert=convert, llm_model=model, llm_price=price)
    rows = [("setting", "variable", "value", "from")] + [row[:4] for row in settings.rows()]
    widths = [max(len(r[k]) for r in rows) for k in range(3)]
    for name, env, value, source in rows:
        click.echo(f"{name:<{widths[0]}}  {env:<{widths[1]}}  {safe(value):<{widths[2]}}  {source}")


_format_opt = click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "xlsx"]),
    help="Only needed when the output's name does not say it.",
)


def _checked_format(output: Path, fmt: str | None) -> str:
    try:
        return checked_format(output, fmt)
    except ExportError as exc:
        raise click.UsageError(safe(exc)) from None


def _target(write, *args):
    """Run an export target: a target named wrongly is a usage error, a failure while writing one line."""
    try:
        return write(*args)
    except TargetRefused as exc:
        raise click.UsageError(safe(exc)) from None
    except ExportError as exc:
        raise click.ClickException(safe(exc)) from None


_paths = click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
_registry_opt = click.option(
    "--registry",
    type=click.Path(exists=True, path_type=Path),
    help="Official names, one per line (or a JSON list), for name checks.",
)


def _batch_options(f):
    for option in reversed(
        [
            click.option(
                "--workers",
                type=click.IntRange(1),
                default=1,
                show_default=True,
                help="Worker processes reading files in parallel.",
            ),
            click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True),
            click.option("--address", help="Ray cluster address (with --engine ray); default: start a local Ray."),
            click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds allowed per file."),
            click.option("--max-memory", type=int, default=4096, show_default=True, help="MiB allowed per file."),
            click.option(
                "--max-pages",
                type=click.IntRange(1),
                default=1000,
                show_default=True,
                help="Pages allowed per PDF; a longer one is refused before reading.",
            ),
            click.option("--follow-links", is_flag=True, help="Read links in a folder that lead out of it."),
            click.option(
                "--root",
                type=click.Path(exists=True, file_okay=False, path_type=Path),
                help="Folder the files' keys are relative to (default: the one holding every path named).",
            ),
            click.option("--password", help="Password for encrypted PDFs (or set JIXIAO_PDF_PASSWORD)."),
            click.option(
                "--pages-as-document",
                is_flag=True,
                help="A folder of page images (photos, scans) is one document, pages in file-name order.",
            ),
            click.option(
                "--convert",
                is_flag=True,
                help="Convert .doc/.wps/.xls/.et/.rtf files with LibreOffice "
                "(soffice) and read the copies; without it they are listed with the command to convert them.",
            ),
            click.option(
                "--extractor",
                "backend",
                type=click.Choice(["template", "llm", "auto"]),
                default="template",
                show_default=True,
                help="auto: the template reader, and the model only where it cannot map "
                "a table. The model is any OpenAI-compatible server: OPENAI_API_KEY, OPENAI_BASE_URL.",
            ),
            click.option("--model", help="Model name (default $JIXIAO_LLM_MODEL)."),
            click.option("--max-cost", type=float, help="Stop before the model calls of this run cost more (USD)."),
            click.option("--price", help="USD per 1M input,output tokens, e.g. 0.15,0.60 (default: prices.json)."),
            click.option("--semantic", is_flag=True, help="Ask the model whether goals and indicators match."),
            click.option(
                "--concurrency", type=click.IntRange(1), default=4, show_default=True, help="Model calls at once."
            ),
        ]
    ):
        f = option(f)
    return f


@main.command()
@_paths
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Export file: .jsonl, .csv or .xlsx (the format follows the name).",
)
@_format_opt
@_registry_opt
@_batch_options
def extract(paths, output, fmt, registry, **batch) -> None:
    """Read FILES/DIRS, check every record, queue doubtful cells, and write the export."""
    fmt = _checked_format(output, fmt)  # before reading: a wrong name should not cost a whole batch
    store, summary = _ingest(paths, registry, **batch)
    counts = _target(to_file, ((rec, reviewed) for _, rec, reviewed in store.records(summary.file_ids)), output, fmt)
    click.echo(
        f"wrote {counts.records} records to {safe(output)} ({counts.errors} issues for review: `jixiao queue`)",
        err=True,
    )
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
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Which page of the list.")
@click.option("--limit", type=click.IntRange(min=1, max=500), default=None, help="Items per page (50).")
@click.option("--count", "count_only", is_flag=True, help="Print only how many items there are.")
def queue(code, file_name, project, page, limit, count_only) -> None:
    """List the open review items, a page at a time."""
    from extractor.review._cli import CLI_PAGES, count_line, queue_lines, unknown_code
    from extractor.store._worklist import Worklist

    problem = unknown_code(code)
    if problem:
        raise click.BadParameter(problem, param_hint="--code")
    work = Worklist(code or "", file_name or "", project or "")
    if count_only:
        click.echo(count_line(Store(), work))
        return
    lines, footer = queue_lines(Store(), work, page, limit or CLI_PAGES.size, safe)
    for line in lines:
        click.echo(line)
    for line in footer:
        click.echo(line, err=True)


@main.command()
@click.argument("item", type=int, required=False)
@click.option("--set", "value", help="Set the item's field to VALUE ('' for blank).")
@click.option("--accept", type=int, help="Accept candidate N (1-based).")
@click.option("--confirm", is_flag=True, help="Keep the value as printed: the table really says so.")
@click.option("--skip", "skip_it", is_flag=True, help="Leave the item for later.")
@click.option("--undo", "undo_it", is_flag=True, help="Undo your last answer.")
@click.option("--field", help="The single field to set when the item is about a group (funds.current_appropriation).")
@click.option("--comment", help="A note kept with the answer in the audit.")
@click.option(
    "--who", default=lambda: f"cli:{getpass.getuser()}", show_default="cli:$USER", help="Name in the audit trail."
)
def review(item, value, accept, confirm, skip_it, undo_it, field, comment, who) -> None:
    """Answer a review item without a browser; with only ITEM, show it."""
    from extractor.review import answer, skip, undo
    from extractor.review._cli import item_lines, outcome_lines
    from extractor.review._i18n import server_lang, t

    store = Store()
    if undo_it:
        out = undo(store, who)
    elif item is None:
        raise click.UsageError(t(server_lang(), "cli.name_item"))
    elif skip_it:
        out = skip(store, item, who, comment)
    elif value is not None or accept is not None or confirm:
        out = answer(store, item, who, value=value, candidate=accept, field=field, comment=comment)
    else:
        row = store.item(item)
        if row is None:
            raise click.ClickException(t(server_lang(), "out.no_item", id=item))
        click.echo(item_lines(row, safe))
        return
    for line in outcome_lines(out, safe):
        click.echo(line)
    if not out.ok:
        raise click.ClickException(safe(out.message))
    click.echo(safe(out.message))


@main.command()
def vocab() -> None:
    """Labels a model mapped for `--extractor auto`: suggestions to add to extractor/data/vocabulary.toml by hand."""
    from extractor.store._suggestions import LabelSuggestions, suggestion_lines

    lines = suggestion_lines(LabelSuggestions(Store().conn).all())
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines) // 2} label suggestions; nothing is added to the vocabulary automatically", err=True)


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

    name = name.strip()
    if not name or _CONTROL.search(name):
        raise click.UsageError("an account needs a name without control characters")
    _check_password(password)
    store = Store()
    if store.user(name) is not None:
        raise click.ClickException(f"{safe(name)} exists: use `jixiao users set`")
    store.add_user(name, hash_password(password), role)
    click.echo(f"account {safe(name)} created ({role})")


def _check_password(password: str) -> None:
    from extractor.review import password_problem

    problem = password_problem(password)
    if problem:
        raise click.UsageError(problem)


@users.command("set")
@click.argument("name")
@click.option("--role", type=click.Choice(["reviewer", "admin"]))
@click.option("--password", is_flag=True, help="Ask for a new password.")
def users_set(name, role, password) -> None:
    """Change an account's role or password."""
    from extractor.review import hash_password

    new = None
    if password:
        typed = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        _check_password(typed)
        new = hash_password(typed)
    try:
        if not Store().update_user(name, new, role):
            raise click.ClickException(f"no account {safe(name)}")
    except ValueError as exc:
        raise click.ClickException(safe(exc)) from None
    ended = "; its sessions are ended" if new else ""
    click.echo(f"account {safe(name)} updated{ended}")


@users.command("list")
def users_list() -> None:
    for u in Store().users():
        click.echo(f"{safe(u['name']):<20} {u['role']:<9} since {u['created_at']}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep it local).")
@click.option("--port", default=8000, show_default=True)
@click.option("--secure-cookies", is_flag=True, help="Served over HTTPS (behind TLS): cookies only go over HTTPS.")
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    help="Proxies trusted to say the client's address and scheme (X-Forwarded-For/-Proto); an HTTPS "
    "scheme from them makes cookies Secure too.",
)
def serve(host, port, secure_cookies, forwarded_allow_ips) -> None:
    """Start the review web app."""
    import uvicorn

    from extractor.review.app import create_app

    if not Store().users():
        click.echo("no accounts yet: create one with `jixiao users add NAME --role admin`", err=True)
    uvicorn.run(
        create_app(secure_cookies=secure_cookies),
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
    )


@main.command("export")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Export file: .jsonl, .csv or .xlsx (the format follows the name).",
)
@_format_opt
@click.option("--only-reviewed", is_flag=True, help="Only records a person has reviewed (no open error left).")
@click.option(
    "--as-gold",
    "gold_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the reviewed records as DIR/gold.jsonl (the corpus format, expected_issues from the "
    "answers) with copies of their source files: a regression set for score.py.",
)
@click.option(
    "--to",
    "db_url",
    help="A database to write normalised tables into (re-exports update): "
    "postgresql://user:pass@host/db or sqlite:///FILE.",
)
def export_cmd(output, fmt, only_reviewed, gold_dir, db_url) -> None:
    """Write every stored record (with corrections) and the audit trail of review actions."""
    if output is None and gold_dir is None and db_url is None:
        raise click.UsageError("say where: -o FILE, --to DATABASE-URL or --as-gold DIR")
    fmt = _checked_format(output, fmt) if output is not None else None
    store = Store()
    if gold_dir is not None:
        for line in _target(to_gold, store, gold_dir):
            click.echo(safe(line), err=True)
    if db_url is not None:
        click.echo(safe(_target(to_database, store, db_url, only_reviewed)), err=True)
    if output is None:
        return
    items = ((rec, reviewed) for _, rec, reviewed in store.records(only_reviewed=only_reviewed))
    counts = _target(to_file, items, output, fmt, store.audit())
    trail = "the sheet audit" if fmt == "xlsx" else safe(audit_path(output).name)
    click.echo(
        f"wrote {counts.records} records to {safe(output)} ({counts.reviewed} reviewed); review actions in {trail}",
        err=True,
    )


if __name__ == "__main__":
    main()
