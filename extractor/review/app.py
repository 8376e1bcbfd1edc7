"""The review web app: `create_app()` for `jixiao serve` and for the tests."""

from __future__ import annotations

import secrets
import threading
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..store import Store, db_target
from . import _views
from ._auth import LOGIN_COOKIE, SESSION_COOKIE, guarded, request_store, safe_next, same, set_cookie, token_hash
from ._i18n import t
from ._passwords import check_password
from ._throttle import LoginThrottle, ThrottleSettings, log, login_keys

HERE = Path(__file__).parent
# Styles may be inline (the outlines are placed per cell); scripts only from our own file; forms post only here.
CSP = (
    "default-src 'self'; img-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def security_headers(headers: MutableHeaders) -> None:
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    # Pages carry CSRF tokens and review data: never kept by a browser or a proxy.
    if headers.get("content-type", "").startswith(("text/html", "text/plain")):
        headers.setdefault("Cache-Control", "no-store")


class _Headers:
    """Plain ASGI (not BaseHTTPMiddleware): headers added as the response starts, nothing buffered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                security_headers(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    # Sent by the outermost middleware, past _Headers: the same headers are set here.
    response = PlainTextResponse(t(_views.lang_of(request), "error.500"), 500)
    security_headers(response.headers)
    return response


class _Id(Convertor):
    """A row id: digits that fit a 64-bit key; anything longer is no route (404), not a database error."""

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", _Id())


def _login_form(
    request: Request,
    csrf: str,
    error: str | None,
    next_: str | None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return request.app.state.templates.TemplateResponse(
        request,
        "login.html",
        {
            "user": None,
            "flash": None,
            "csrf": csrf,
            "error": error,
            "next": safe_next(next_),
            **_views.words(_views.lang_of(request)),
        },
        status_code=status,
        headers=headers,
    )


async def login_page(request: Request) -> Response:
    token = secrets.token_urlsafe(32)
    response = _login_form(request, token, None, request.query_params.get("next"))
    set_cookie(request, response, LOGIN_COOKIE, token, 3600)
    return response


def _verify(request: Request, name: str, password: str) -> str | None:
    """A new session's token when name and password match (a bounded number of hashes at once)."""
    with request.app.state.hashing, request_store(request) as store:
        user = check_password(store, name, password)
        if user is None:
            return None
        token = secrets.token_urlsafe(32)
        store.open_session(user["id"], token_hash(token))
        return token


async def login_post(request: Request) -> Response:
    form = await request.form()
    if not same(form.get("csrf"), request.cookies.get(LOGIN_COOKIE)):
        return PlainTextResponse(t(_views.lang_of(request), "login.csrf"), 403)
    name, client = str(form.get("name") or ""), request.client.host if request.client else "?"
    keys = login_keys(name, client)
    throttle: LoginThrottle = request.app.state.throttle
    wait = throttle.begin(list(keys))
    if wait > 0:
        log.warning("login refused for %r from %s: too many wrong passwords, %.0f s to wait", name, client, wait)
        return _login_form(
            request,
            str(form.get("csrf")),
            t(_views.lang_of(request), "login.wait", wait=f"{wait:.0f}"),
            form.get("next"),
            429,
            {"Retry-After": str(int(wait) + 1)},
        )
    token = await run_in_threadpool(_verify, request, name, str(form.get("password") or ""))
    if token is None:
        log.warning("wrong password for %r from %s", name, client)
        return _login_form(
            request, str(form.get("csrf")), t(_views.lang_of(request), "login.wrong"), form.get("next"), 401
        )
    throttle.succeeded(list(keys))
    response = RedirectResponse(safe_next(form.get("next")), 303)
    set_cookie(request, response, SESSION_COOKIE, token, 12 * 3600)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@guarded()
def logout_post(request: Request, store: Store, user, form) -> Response:
    store.close_session(token_hash(request.cookies.get(SESSION_COOKIE, "")))
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def create_app(
    db: str | Path | None = None, secure_cookies: bool = False, throttle: ThrottleSettings | None = None
) -> Starlette:
    """The app over the store at `db` (default: $JIXIAO_DB or the data directory's SQLite file).
    `secure_cookies`: the site is served over HTTPS (behind TLS), so cookies go only over HTTPS."""
    target = db_target(db)
    Store(target).close()  # migrate once, before the first request
    routes = [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login_post, methods=["POST"]),
        Route("/logout", logout_post, methods=["POST"]),
        Route("/", _views.queue_page, methods=["GET"]),
        Route("/next", _views.next_page, methods=["GET"]),
        Route("/items/{item_id:id}", _views.item_page, methods=["GET"]),
        Route("/items/{item_id:id}", _views.item_post, methods=["POST"]),
        Route("/undo", _views.undo_post, methods=["POST"]),
        Route("/bulk", _views.bulk_post, methods=["POST"]),
        Route("/files/{file_id:id}/pages/{page:id}.png", _views.page_image, methods=["GET"]),
        Route("/admin/users", _views.users_page, methods=["GET"]),
        Route("/admin/users", _views.users_post, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(_Headers)], exception_handlers={500: _server_error})
    app.state.db = target
    app.state.secure_cookies = secure_cookies
    app.state.throttle = LoginThrottle(throttle)
    app.state.hashing = threading.Semaphore(app.state.throttle.settings.concurrent_checks)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    app.state.templates = Jinja2Templates(env=env)
    return app
