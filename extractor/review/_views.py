"""The pages: the worklist, an item (the source pinned beside the answer), bulk answers, undo, page images,
and user admin. Every word comes from the catalog in the reader's language."""

from __future__ import annotations

import json
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from .._record import FUND_COLUMNS, FUND_ROWS, Record
from ..store import Store
from ..store._worklist import PAGES, Worklist
from ._actions import Outcome, answer, next_item, skip, undo
from ._auth import guarded, set_cookie, token_hash
from ._desk import assign, bulk_answer, bulk_plan, edit, release, reopen, take
from ._fields import AMOUNT_UNITS, choices, get_field, leaf_fields, shown
from ._i18n import code_name, code_todo, field_label, message, request_lang, t, when
from ._passwords import MIN_PASSWORD, hash_password, password_problem
from ._source import grid_view, page_views, refs_for, related_fields, render_page, total_checks

INDICATOR_COLUMNS = ("level1", "level2", "name", "target", "actual", "weight", "score")
GENERAL = ("project_name", "department", "implementing_unit", "year", "amount_unit", "total_weight", "total_score")


WORK_COOKIE = "jixiao_work"


def work_of(request: Request) -> Worklist:
    """The worklist a reviewer chose on the queue page (kept in a cookie), unless the URL names one."""
    if any(k in request.query_params for k in ("code", "file", "project", "kind")):
        return Worklist.of(request.query_params)
    return Worklist.of(dict(parse_qsl(request.cookies.get(WORK_COOKIE, ""))))


def lang_of(request: Request) -> str:
    return request_lang(request.headers.get("accept-language"))


def words(lang: str) -> dict[str, Any]:
    """The template's vocabulary, bound to one language."""
    return {
        "lang": lang,
        "t": partial(t, lang),
        "code_name": partial(code_name, lang),
        "code_todo": partial(code_todo, lang),
        "label": partial(field_label, lang),
        "msg": partial(message, lang),
        "when": partial(when, lang),
    }


def _render(request: Request, name: str, store: Store, user, **context: Any) -> Response:
    flash = store.flash(token_hash(request.cookies.get("jixiao_session", "")))
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        name,
        {"user": user, "flash": json.loads(flash) if flash else None, **words(lang_of(request)), **context},
    )


@guarded()
def queue_page(request: Request, store: Store, user, form) -> Response:
    q = request.query_params
    work = Worklist.of(q)
    page = int(q["page"]) if q.get("page", "").isdigit() and int(q["page"]) > 0 else 1
    total = store.count(work)
    items = store.queue(work=work, limit=PAGES.size, offset=(page - 1) * PAGES.size)
    # One bulk unit answer per file: offered for the files this page shows (or the file filtered on).
    shown_files = {i["file"] for i in items} | ({work.file} if work.file else set())
    unit_files = [(f, n) for f, n in store.counts_by("file", Worklist(code="unit_suspect")) if f in shown_files]
    plan = bulk_plan(store, work.file, work.code) if work.file and work.code and work.kind == "open" else None
    response = _render(
        request,
        "queue.html",
        store,
        user,
        work=work,
        page=page,
        pages=max(1, -(-total // PAGES.size)),
        total=total,
        open_total=store.count(Worklist()),
        items=items,
        by_code=store.counts_by("code", work),
        by_file=store.counts_by("file", work),
        unit_files=unit_files,
        units=AMOUNT_UNITS,
        plan=plan.items if plan else [],
    )
    set_cookie(request, response, WORK_COOKIE, work.query(), 12 * 3600)  # Start/Next follow these filters
    return response


def _record_view(record: Record, hot: set[str], warm: set[str]) -> dict[str, Any]:
    def cell(path: str) -> dict[str, Any]:
        mark = "primary" if path in hot else "related" if path in warm else ""
        return {"path": path, "value": shown(get_field(record, path)), "mark": mark}

    return {
        "general": [cell(p) for p in GENERAL],
        "funds": [(row, [cell(f"funds.{row}.{c}") for c in FUND_COLUMNS]) for row in FUND_ROWS],
        "fund_columns": FUND_COLUMNS,
        "indicator_columns": INDICATOR_COLUMNS,
        "indicators": [
            [cell(f"indicators[{i}].{c}") for c in INDICATOR_COLUMNS] for i in range(len(record.indicators))
        ],
    }


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
    lang = lang_of(request)
    if item is None:
        return PlainTextResponse(t(lang, "page.no_item", id=issue_id), 404)
    work = work_of(request)
    record = Record.model_validate_json(item["data"])
    superseded = None if item["file_current"] else (store.successor(item) or 0)
    is_open = item["status"] == "open" and item["severity"] == "error" and superseded is None
    # Looking is free: an item is claimed only when someone answers it or takes it.
    holder, until = store.holder(issue_id)
    related = related_fields(record, item["field"])
    primary_refs, related_refs = refs_for(record, [item["field"]]), refs_for(record, related)
    fields = _leaves(record, [item["field"]])
    issue = next((i for i in record.issues if (i.code, i.field) == (item["code"], item["field"])), None)
    return _render(
        request,
        "item.html",
        store,
        user,
        item=item,
        record=record,
        is_open=is_open,
        holder=holder,
        until=until,
        superseded=superseded,
        mine=holder in (None, user["name"]),
        work=work,
        left=store.count(work),
        asked=store.count(work, "asked"),
        # An automatic correction: settled by the table itself, never by a person.
        auto=bool(issue and issue.resolved and issue.severity != "error" and item["status"] == "open"),
        candidates=choices(item["field"], json.loads(item["candidates"]) if item["candidates"] else None),
        fields=[(p, shown(get_field(record, p))) for p in fields],
        every_field=_leaves(record, GENERAL[:5] + ("funds", "indicators", "total_weight", "total_score")),
        view=_record_view(record, set(fields), set(_leaves(record, related))),
        grid=grid_view(store.chunk_grid(item["chunk_id"]), primary_refs, related_refs),
        pages=page_views(item["file_path"], primary_refs, related_refs),
        checks=total_checks(record),
        history=store.actions(item["record_id"]),
        reviewers=[u["name"] for u in store.users()] if user["role"] == "admin" else [],
    )


def _outcome_flash(request: Request, store: Store, out: Outcome, note: str = "") -> None:
    lang = lang_of(request)
    record = Record.model_validate_json(store.record_row(out.record_id)["data"]) if out.record_id else None
    named = [
        {
            "id": i["id"],
            "code": i["code"],
            "field": i["field"],
            "name": code_name(lang, i["code"]),
            "label": field_label(lang, i["field"], record),
        }
        for i in (*out.closed, *out.opened)
    ]
    flash: dict[str, Any] = {
        "ok": out.ok,
        "message": out.text(lang, record) + note,
        "closed": named[: len(out.closed)],
        "opened": named[len(out.closed) :],
    }
    if out.ok and record is not None:
        flash["checks"] = total_checks(record)
        flash["record_errors"] = [f"{i.code} {i.field}" for i in record.issues if i.severity == "error"]
        flash["record"] = (
            t(lang, "table_n", n=record.source.table) + f" · {record.source.file} · {record.project_name or '?'}"
        )
    store.flash(token_hash(request.cookies.get("jixiao_session", "")), json.dumps(flash, ensure_ascii=False))


def _to_next(request: Request, store: Store, who: str, after: int | None) -> tuple[Response, bool]:
    """To the next item of the reviewer's worklist; when that list is done, on with the whole queue
    (and the second value says so)."""
    work = work_of(request)
    nxt = next_item(store, who, after, work)
    done = nxt is None and work != Worklist()
    if done:
        nxt = next_item(store, who, after)
    response = RedirectResponse(f"/items/{nxt}" if nxt else "/", 303)
    if done:
        set_cookie(request, response, WORK_COOKIE, "", 12 * 3600)
    return response, done


def _act(store: Store, user, issue_id: int, form) -> Outcome | None:
    """The action a form posted, done; None for an unknown one."""
    who, action, target = user["name"], form.get("action"), form.get("field") or None
    comment = form.get("comment") or None
    admin = user["role"] == "admin"
    if action == "skip":
        return skip(store, issue_id, who, comment)
    if action == "accept":
        candidate = form.get("candidate", "")
        return (
            answer(store, issue_id, who, candidate=int(candidate), field=target, comment=comment)
            if candidate.isdigit()
            else Outcome(False, "out.pick")
        )
    if action == "set":
        return answer(store, issue_id, who, value=form.get("value", ""), field=target, comment=comment)
    if action == "confirm":
        return answer(store, issue_id, who, field=target, comment=comment)
    if action == "edit":
        return edit(store, issue_id, who, form.get("field") or "", form.get("value", ""), comment)
    if action in ("reopen", "overrule"):
        return reopen(store, issue_id, who, comment, restore=action == "overrule")
    if action == "take":
        return take(store, issue_id, who)
    if action == "release":
        return release(store, issue_id, who, admin)
    if action == "assign" and admin:
        return assign(store, issue_id, form.get("to") or "")
    return None


@guarded()
def item_post(request: Request, store: Store, user, form) -> Response:
    issue_id = request.path_params["item_id"]
    out = _act(store, user, issue_id, form)
    if out is None:
        return PlainTextResponse(t(lang_of(request), "page.unknown_action", action=form.get("action")), 400)
    item = store.item(issue_id)
    stay = (
        not out.ok
        or form.get("action") in ("edit", "reopen", "overrule", "take", "release", "assign")
        or (
            item is not None
            and item["status"] == "open"
            and item["severity"] == "error"
            and form.get("action") != "skip"
        )
    )
    if stay:
        _outcome_flash(request, store, out)
        return RedirectResponse(f"/items/{issue_id}", 303)
    response, done = _to_next(request, store, user["name"], issue_id)
    _outcome_flash(request, store, out, t(lang_of(request), "worklist_done") if done else "")
    return response


@guarded()
def bulk_post(request: Request, store: Store, user, form) -> Response:
    value = form.get("value") or None
    out = bulk_answer(
        store,
        user["name"],
        form.get("bulk_file") or "",
        form.get("bulk_code") or "",
        value=value,
        comment=form.get("comment") or None,
    )
    _outcome_flash(request, store, out)
    query = work_of(request).query()
    return RedirectResponse("/" + (f"?{query}" if query else ""), 303)


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
    return _to_next(request, store, user["name"], int(after) if after.isdigit() else None)[0]


@guarded()
def page_image(request: Request, store: Store, user, form) -> Response:
    path = store.renderable(request.path_params["file_id"])
    png = render_page(path, request.path_params["page"]) if path and path.lower().endswith(".pdf") else None
    if png is None:
        return PlainTextResponse(t(lang_of(request), "page.no_page"), 404)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@guarded("admin")
def users_page(request: Request, store: Store, user, form) -> Response:
    return _render(request, "users.html", store, user, users=store.users())


@guarded("admin")
def users_post(request: Request, store: Store, user, form) -> Response:
    name, password, role = (form.get("name") or "").strip(), form.get("password") or "", form.get("role") or ""
    own = token_hash(request.cookies.get("jixiao_session", ""))
    lang = lang_of(request)
    try:
        if password and password_problem(password):
            raise ValueError(password_problem(password))
        if store.user(name) is None:
            if not name or not password:
                raise ValueError(t(lang, "users.needs", n=MIN_PASSWORD))
            store.add_user(name, hash_password(password), role or "reviewer")
            message_ = t(lang, "users.created", name=name, role=t(lang, f"role.{role or 'reviewer'}"))
        else:
            # A new password ends that account's sessions: all of them, but the one of an admin changing their own.
            # A blank role keeps the role: changing a password never demotes an admin.
            store.update_user(
                name,
                hash_password(password) if password else None,
                role or None,
                keep_session=own if name == user["name"] else None,
            )
            message_ = t(lang, "users.updated", name=name) + (t(lang, "users.sessions_ended") if password else "")
        flash = {"ok": True, "message": message_}
    except ValueError as exc:
        flash = {"ok": False, "message": str(exc)}
    store.flash(own, json.dumps(flash, ensure_ascii=False))
    return RedirectResponse("/admin/users", 303)
