"""The review web app: `create_app()` for `jixiao serve` and for the tests."""

from __future__ import annotations

import secrets
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..store import Store, db_target
from . import _views
from ._auth import LOGIN_COOKIE, SESSION_COOKIE, guarded, safe_next, same, token_hash
from ._passwords import check_password

HERE = Path(__file__).parent
# Styles may be inline (the outlines are placed per cell); scripts only from our own file.
CSP = "default-src 'self'; img-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'"


class _Headers(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def _cookie(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict", path="/")


async def login_page(request: Request) -> Response:
    token = secrets.token_urlsafe(32)
    response = request.app.state.templates.TemplateResponse(
        request, "login.html", {"user": None, "flash": None, "csrf": token, "error": None,
                                "next": safe_next(request.query_params.get("next"))})
    _cookie(response, LOGIN_COOKIE, token, 3600)
    return response


async def login_post(request: Request) -> Response:
    form = await request.form()
    if not same(form.get("csrf"), request.cookies.get(LOGIN_COOKIE)):
        return PlainTextResponse("missing or wrong CSRF token: reload the login page", 403)
    with Store(request.app.state.db) as store:
        user = check_password(store, form.get("name") or "", form.get("password") or "")
        if user is None:
            response = request.app.state.templates.TemplateResponse(
                request, "login.html", {"user": None, "flash": None, "csrf": form.get("csrf"),
                                        "error": "wrong name or password", "next": safe_next(form.get("next"))},
                status_code=401)
            return response
        token = secrets.token_urlsafe(32)
        store.open_session(user["id"], token_hash(token))
    response = RedirectResponse(safe_next(form.get("next")), 303)
    _cookie(response, SESSION_COOKIE, token, 12 * 3600)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@guarded()
def logout_post(request: Request, store: Store, user, form) -> Response:
    store.close_session(token_hash(request.cookies.get(SESSION_COOKIE, "")))
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def create_app(db: str | Path | None = None) -> Starlette:
    """The app over the store at `db` (default: $JIXIAO_DB or the data directory's SQLite file)."""
    target = db_target(db)
    Store(target).close()  # migrate once, before the first request
    routes = [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login_post, methods=["POST"]),
        Route("/logout", logout_post, methods=["POST"]),
        Route("/", _views.queue_page, methods=["GET"]),
        Route("/next", _views.next_page, methods=["GET"]),
        Route("/items/{item_id:int}", _views.item_page, methods=["GET"]),
        Route("/items/{item_id:int}", _views.item_post, methods=["POST"]),
        Route("/undo", _views.undo_post, methods=["POST"]),
        Route("/files/{file_id:int}/pages/{page:int}.png", _views.page_image, methods=["GET"]),
        Route("/admin/users", _views.users_page, methods=["GET"]),
        Route("/admin/users", _views.users_post, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(_Headers)])
    app.state.db = target
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    app.state.templates = Jinja2Templates(env=env)
    return app
