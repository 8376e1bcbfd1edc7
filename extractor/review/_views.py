"""The pages: queue, item (with the source and the answer forms), undo, page images, and user admin."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from .._record import FUND_COLUMNS, FUND_ROWS, Record
from ..store import Store
from ._actions import Outcome, answer, next_item, skip, undo
from ._auth import guarded, token_hash
from ._fields import get_field, leaf_fields, shown
from ._passwords import MIN_PASSWORD, hash_password, password_problem
from ._source import grid_view, page_views, refs_for, related_fields, render_page, total_checks

INDICATOR_COLUMNS = ("level1", "level2", "name", "target", "actual", "weight", "score")
GENERAL = ("project_name", "department", "implementing_unit", "year", "amount_unit", "total_weight", "total_score")


def _render(request: Request, name: str, store: Store, user, **context: Any) -> Response:
    flash = store.flash(token_hash(request.cookies.get("jixiao_session", "")))
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, {"user": user, "flash": json.loads(flash) if flash else None,
                                                      **context})


@guarded()
def queue_page(request: Request, store: Store, user, form) -> Response:
    q = request.query_params
    everything = store.queue()
    items = store.queue(q.get("code") or None, q.get("file") or None, q.get("project") or None)
    return _render(request, "queue.html", store, user, items=items, total=len(everything),
                   by_code=Counter(i["code"] for i in everything).most_common(),
                   by_file=Counter(i["file"] for i in everything).most_common(),
                   projects=sorted({i["project"] for i in everything}), filters=q)


def _record_view(record: Record, hot: set[str], warm: set[str]) -> dict[str, Any]:
    def cell(path: str) -> dict[str, Any]:
        mark = "primary" if path in hot else "related" if path in warm else ""
        return {"path": path, "value": shown(get_field(record, path)), "mark": mark}

    return {"general": [cell(p) for p in GENERAL],
            "funds": [(row, [cell(f"funds.{row}.{c}") for c in FUND_COLUMNS]) for row in FUND_ROWS],
            "fund_columns": FUND_COLUMNS, "indicator_columns": INDICATOR_COLUMNS,
            "indicators": [[cell(f"indicators[{i}].{c}") for c in INDICATOR_COLUMNS]
                           for i in range(len(record.indicators))]}


def _leaves(record: Record, paths: list[str]) -> list[str]:
    out: list[str] = []
    for path in paths:
        try:
            out += leaf_fields(record, path)
        except ValueError:
            continue
    return list(dict.fromkeys(out))


@guarded()
def item_page(request: Request, store: Store, user, form) -> Response:
    issue_id = request.path_params["item_id"]
    item = store.item(issue_id)
    if item is None:
        return PlainTextResponse(f"no item #{issue_id}", 404)
    record = Record.model_validate_json(item["data"])
    superseded = None if item["file_current"] else (store.successor(item) or 0)
    is_open = item["status"] == "open" and item["severity"] == "error" and superseded is None
    holder, until = store.claim(issue_id, user["name"]) if is_open else (None, None)
    related = related_fields(record, item["field"])
    primary_refs, related_refs = refs_for(record, [item["field"]]), refs_for(record, related)
    fields = _leaves(record, [item["field"]])
    return _render(
        request, "item.html", store, user, item=item, record=record, is_open=is_open, holder=holder, until=until,
        superseded=superseded,
        mine=holder == user["name"], candidates=json.loads(item["candidates"]) if item["candidates"] else [],
        fields=[(p, shown(get_field(record, p))) for p in fields],
        view=_record_view(record, set(fields), set(_leaves(record, related))),
        grid=grid_view(store.chunk_grid(item["chunk_id"]), primary_refs, related_refs),
        pages=page_views(item["file_path"], primary_refs, related_refs),
        checks=total_checks(record), history=store.actions(item["record_id"]))


def _outcome_flash(request: Request, store: Store, out: Outcome) -> None:
    flash: dict[str, Any] = {"ok": out.ok, "message": out.message, "closed": out.closed, "opened": out.opened}
    if out.ok and out.record_id is not None:
        record = Record.model_validate_json(store.record_row(out.record_id)["data"])
        flash["checks"] = total_checks(record)
        flash["record_errors"] = [f"{i.code} {i.field}" for i in record.issues if i.severity == "error"]
        flash["record"] = f"{record.source.file} table {record.source.table} ({record.project_name})"
    store.flash(token_hash(request.cookies.get("jixiao_session", "")), json.dumps(flash, ensure_ascii=False))


def _to_next(store: Store, who: str, after: int | None) -> RedirectResponse:
    nxt = next_item(store, who, after)
    return RedirectResponse(f"/items/{nxt}" if nxt else "/", 303)


@guarded()
def item_post(request: Request, store: Store, user, form) -> Response:
    issue_id, who = request.path_params["item_id"], user["name"]
    action, target = form.get("action"), form.get("field") or None
    if action == "skip":
        out = skip(store, issue_id, who)
    elif action == "accept":
        candidate = form.get("candidate", "")
        out = (answer(store, issue_id, who, candidate=int(candidate), field=target) if candidate.isdigit()
               else Outcome(False, "pick a candidate"))
    elif action == "set":
        out = answer(store, issue_id, who, value=form.get("value", ""), field=target)
    elif action == "confirm":
        out = answer(store, issue_id, who, field=target)
    else:
        return PlainTextResponse(f"unknown action {action!r}", 400)
    _outcome_flash(request, store, out)
    if not out.ok:
        return RedirectResponse(f"/items/{issue_id}", 303)
    return _to_next(store, who, issue_id)


@guarded()
def undo_post(request: Request, store: Store, user, form) -> Response:
    out = undo(store, user["name"])
    _outcome_flash(request, store, out)
    return RedirectResponse(f"/items/{out.issue_id}" if out.issue_id else "/", 303)


@guarded()
def next_page(request: Request, store: Store, user, form) -> Response:
    after = request.query_params.get("after", "")
    if after.isdigit():
        store.release(int(after), user["name"])  # moving on frees the item for the others
    return _to_next(store, user["name"], int(after) if after.isdigit() else None)


@guarded()
def page_image(request: Request, store: Store, user, form) -> Response:
    path = store.renderable(request.path_params["file_id"])
    png = render_page(path, request.path_params["page"]) if path and path.lower().endswith(".pdf") else None
    if png is None:
        return PlainTextResponse("no such page", 404)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@guarded("admin")
def users_page(request: Request, store: Store, user, form) -> Response:
    return _render(request, "users.html", store, user, users=store.users())


@guarded("admin")
def users_post(request: Request, store: Store, user, form) -> Response:
    name, password, role = (form.get("name") or "").strip(), form.get("password") or "", form.get("role") or ""
    own = token_hash(request.cookies.get("jixiao_session", ""))
    try:
        if password and password_problem(password):
            raise ValueError(password_problem(password))
        if store.user(name) is None:
            if not name or not password:
                raise ValueError(f"a new account needs a name and a password of {MIN_PASSWORD} characters or more")
            store.add_user(name, hash_password(password), role)
            message = f"account {name} created ({role})"
        else:
            # A new password ends that account's sessions: all of them, but the one of an admin changing their own.
            store.update_user(name, hash_password(password) if password else None, role or None,
                              keep_session=own if name == user["name"] else None)
            message = f"account {name} updated" + ("; its sessions are ended" if password else "")
        flash = {"ok": True, "message": message}
    except ValueError as exc:
        flash = {"ok": False, "message": str(exc)}
    store.flash(own, json.dumps(flash, ensure_ascii=False))
    return RedirectResponse("/admin/users", 303)
